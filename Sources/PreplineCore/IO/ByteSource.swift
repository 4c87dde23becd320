#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking stream of bytes. Sources are read by one dedicated reader thread (never inside a
/// Swift Task: a blocking read would starve the 2-thread cooperative pool).
package protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PreplineError) -> Int
    /// Bytes taken from the underlying file so far (compressed bytes for gzip), for progress.
    var rawBytesRead: Int { get }
}

/// Reads a file descriptor; owns it (closes it) unless it is stdin.
package final class FileDescriptorSource: ByteSource {
    private let fd: Int32
    private let ownsDescriptor: Bool
    package let displayName: String
    package private(set) var rawBytesRead = 0

    /// The size of a regular file, for a progress bar with a percentage; nil for pipes.
    package let knownSize: Int?

    /// `displayName` names the input in messages (the spool file that holds stdin is "stdin").
    package init(path: String, displayName: String? = nil) throws(PreplineError) {
        if path == "-" {
            guard !ProcessStreams.stdinWasClosed.load(ordering: .relaxed) else {
                throw PreplineError.unreadableInput(file: "stdin", "cannot read: stdin is closed (give an input file, or pipe the data in)")
            }
            fd = STDIN_FILENO
            ownsDescriptor = false
            self.displayName = "stdin"
        } else {
            let name = displayName ?? path
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else {
                throw PreplineError.unreadableInput(file: name, "cannot open: \(String(cString: strerror(errno)))")
            }
            var info = stat()
            if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                close(opened)
                throw PreplineError.unreadableInput(file: name, "cannot read: it is a directory")
            }
            fd = opened
            ownsDescriptor = true
            self.displayName = name
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            knownSize = Int(info.st_size)
        } else {
            knownSize = nil
        }
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(PreplineError) -> Int {
        while true {
            let n = SystemCall.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                rawBytesRead += n
                return n
            }
            if errno == EINTR { continue }
            throw PreplineError.unreadableInput(file: displayName, "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// Replays bytes already read (to sniff the gzip magic on a pipe) before the rest of a source.
package final class PrefixedSource: ByteSource {
    private var prefix: [UInt8]
    private var prefixOffset = 0
    private let base: ByteSource

    package init(prefix: [UInt8], base: ByteSource) {
        self.prefix = prefix
        self.base = base
    }

    package var rawBytesRead: Int { base.rawBytesRead }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(PreplineError) -> Int {
        if prefixOffset < prefix.count {
            let n = min(buffer.count, prefix.count - prefixOffset)
            prefix.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + prefixOffset, byteCount: n)
            }
            prefixOffset += n
            if prefixOffset == prefix.count { prefix = []; prefixOffset = 0 }
            return n
        }
        return try base.read(into: buffer)
    }
}

/// Opens an input by name, detecting gzip by its magic bytes (not by the file name), so
/// `zcat`-less pipes and misnamed files both work.
package enum InputOpener {
    /// `displayName` is what messages call the input (default: its path, "stdin" for "-").
    package static func open(_ name: String, displayName: String? = nil) throws(PreplineError) -> (source: ByteSource, knownSize: Int?) {
        let file = try FileDescriptorSource(path: name, displayName: displayName)
        var sniff: [UInt8] = []
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        defer { scratch.deallocate() }
        // A pipe may deliver one byte at a time: read until two bytes or the end.
        while sniff.count < 2 {
            let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[sniff.count...]))
            if n == 0 { break }
            sniff.append(contentsOf: scratch[sniff.count..<sniff.count + n])
        }
        let replay = PrefixedSource(prefix: sniff, base: file)
        if sniff == [0x1F, 0x8B] {
            return (GzipSource(base: replay, name: file.displayName), file.knownSize)
        }
        return (replay, file.knownSize)
    }
}
