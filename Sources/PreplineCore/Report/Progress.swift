import Foundation
import Synchronization

/// When to draw the progress bar on stderr.
package enum ProgressMode: String, Sendable, CaseIterable {
    case auto, always, never

    /// `auto` draws only on a terminal, so logs and CI output stay clean.
    package var enabled: Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto: return isatty(STDERR_FILENO) == 1
        }
    }
}

/// Redraws one status line on stderr a few times a second from its own thread.
package final class ProgressBar: Sendable {
    private let counters: EngineCounters
    private let totalBytes: Int?
    private let start: ContinuousClock.Instant
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// `totalBytes` is the summed size of the input files when all are regular files.
    package init(counters: EngineCounters, totalBytes: Int?) {
        self.counters = counters
        self.totalBytes = totalBytes
        self.start = .now
        let thread = Thread { [self] in
            while !self.stopped.load(ordering: .relaxed) {
                self.draw()
                Thread.sleep(forTimeInterval: 0.2)
            }
            StandardError.write("\r\u{1B}[2K")
            self.done.signal()
        }
        thread.name = "prepline-progress"
        thread.start()
    }

    package func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        done.wait()
    }

    private func draw() {
        let read = counters.rawBytesRead.load(ordering: .relaxed)
        let records = counters.recordsRead.load(ordering: .relaxed)
        let seconds = max(1e-9, Summary.seconds(since: start))
        let rate = Double(read) / 1e6 / seconds
        var line = "\r\u{1B}[2K"
        if let totalBytes, totalBytes > 0 {
            let fraction = min(1, Double(read) / Double(totalBytes))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
            line += String(Int(fraction * 100)) + "% "
        }
        line += "\(Summary.megabytes(read)) MB read, \(records) rows, \(Summary.decimal(rate, places: 1)) MB/s"
        StandardError.write(line)
    }
}

/// The one-line account printed at the end of every command (unless `-q`).
package struct Summary: Sendable {
    package var rowsIn = 0
    package var rowsOut = 0
    package var skipped = 0
    package var rejected = 0
    package var inputBytes = 0
    package var seconds = 0.0

    package init() {}

    package var line: String {
        "prepline: \(Plural.of(rowsIn, "row")) in, \(rowsOut) out, \(skipped) skipped, \(rejected) rejected; \(timing)"
    }

    /// "0.42 s, 95.3 MB/s": the end of every command's summary line.
    package var timing: String {
        let rate = seconds > 0 ? Double(inputBytes) / 1e6 / seconds : 0
        return "\(Summary.decimal(seconds, places: 2)) s, \(Summary.decimal(rate, places: 1)) MB/s"
    }

    package static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func megabytes(_ bytes: Int) -> String { decimal(Double(bytes) / 1e6, places: 1) }

    /// Fixed-point formatting without Foundation's locale-dependent `String(format:)`.
    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        return places == 0 ? String(whole) : "\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
