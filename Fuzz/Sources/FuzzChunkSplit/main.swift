import Foundation
import CFuzzDriver
@testable import PreplineCore

/// Arbitrary bytes through the chunker and both field splitters.
///
/// The first two bytes choose the chunk size and the dialect; the rest is the input file (gzip
/// when it starts with the magic bytes, so the inflater is fuzzed too). Properties, each a trap
/// when broken so libFuzzer keeps the input:
/// - nothing traps (chunker, libcsv, the fast splitter, gzip);
/// - the fast splitter reads every chunk exactly as libcsv does (widths and field bytes);
/// - the records, their lines and fields, and the first error do not depend on the chunk size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunkSplit(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    guard count >= 2 else { return 0 }
    let raw = UnsafeRawBufferPointer(start: start, count: count)
    let chunkSizes = [1, 2, 3, 7, 64, 1 << 20]
    let chunkSize = chunkSizes[Int(raw[0]) % chunkSizes.count]
    let dialects: [(UInt8, UInt8)] = [(0x2C, 0x22), (0x09, 0x22), (0x3B, 0x27), (0x20, 0x22), (0x2C, 0x27)]
    let (delimiter, quote) = dialects[Int(raw[1] & 0x7F) % dialects.count]
    var dialect = InputDialect()
    dialect.delimiter = delimiter
    dialect.quote = quote
    dialect.header = raw[1] & 0x80 != 0
    let data = Data(raw[2...])
    guard (try? data.write(to: FuzzFile.url)) != nil else { return 0 }

    let small = FuzzRead.all(dialect: dialect, chunkSize: chunkSize)
    let large = FuzzRead.all(dialect: dialect, chunkSize: 1 << 20)
    switch (small.error, large.error) {
    case (nil, nil):
        precondition(small.records == large.records, "records differ between chunk sizes \(chunkSize) and 1M")
    case let (a?, b?):
        precondition(a == b, "errors differ between chunk sizes: '\(a)' vs '\(b)'")
    default:
        preconditionFailure("chunk size \(chunkSize): \(small.error ?? "no error"); 1M: \(large.error ?? "no error")")
    }
    return 0
}

enum FuzzFile {
    static let url = URL(fileURLWithPath: (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/prepline-fuzz-\(getpid()).csv")
}

/// One record as both splitters read it, with its physical line and header flag.
struct FuzzRecord: Equatable {
    var line: Int
    var isHeader: Bool
    var original: [UInt8]
    var fields: [[UInt8]]
}

enum FuzzRead {
    static func all(dialect: InputDialect, chunkSize: Int) -> (records: [FuzzRecord], error: String?) {
        let chunker = RecordChunker(inputs: [FuzzFile.url.path], displayNames: ["fuzz.csv"], dialect: dialect, chunkSize: chunkSize)
        let libcsv = LibCSVParser(delimiter: dialect.delimiter, quote: dialect.quote)
        let fast = ProjectedSplitter(delimiter: dialect.delimiter, quote: dialect.quote)
        var records: [FuzzRecord] = []
        do throws(PreplineError) {
            while let chunk = try chunker.next() {
                let reference = libcsv.parse(chunk.bytes, expectedRecords: chunk.recordCount)
                precondition(reference.recordCount == chunk.recordCount,
                             "libcsv read \(reference.recordCount) records in a chunk the chunker cut with \(chunk.recordCount)")
                let projected = fast.split(chunk, columns: Int.max)
                precondition(projected.recordCount == chunk.recordCount, "fast splitter record count")
                for r in 0..<chunk.recordCount {
                    let want = reference.fieldRange(ofRecord: r).map { Array(reference.field($0)) }
                    let got = projected.fieldRange(ofRecord: r).map { Array(projected.field($0)) }
                    precondition(got == want, "record \(r) of a chunk: fast splitter \(got.count) fields, libcsv \(want.count), or bytes differ")
                    // A projection to the first field: the width stays libcsv's, the rest empty.
                    records.append(FuzzRecord(line: chunk.line(ofRecord: r), isHeader: chunk.isHeader,
                                              original: Array(chunk.originalBytes(ofRecord: r)), fields: want))
                }
                let firstOnly = fast.split(chunk, columns: 1)
                for r in 0..<chunk.recordCount {
                    let range = firstOnly.fieldRange(ofRecord: r)
                    precondition(range.count == reference.fieldCount(ofRecord: r), "projected width")
                    precondition(range.dropFirst().allSatisfy { firstOnly.field($0).isEmpty }, "projected fields past the first are empty")
                }
            }
        } catch {
            return (records, error.description)
        }
        return (records, nil)
    }
}

// SwiftPM links an executable's `main` under the module's name, so libFuzzer's own `main` cannot
// be the entry point: this one hands the command line to libFuzzer's driver.
var fuzzArgc = CommandLine.argc
var fuzzArgv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&fuzzArgc, &fuzzArgv, fuzzChunkSplit))
