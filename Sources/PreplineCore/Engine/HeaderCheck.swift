#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a pass requires of its inputs' headers besides agreeing with each other.
package struct HeaderPolicy: Sendable, Equatable {
    /// Two columns of one name are an input error (run, fit, apply; validate reports them itself).
    package var uniqueNames = false
    /// `apply` matches the columns to the fitted spec's training header by name (messages say so).
    package var matchesTrainingByName = false

    package init(uniqueNames: Bool = false, matchesTrainingByName: Bool = false) {
        self.uniqueNames = uniqueNames
        self.matchesTrainingByName = matchesTrainingByName
    }
}

/// Every input's header agrees with the first's before the first byte of output (DESIGN.md G2):
/// before, `run spec a.csv b.csv` wrote all of a.csv and only then failed on b.csv's header.
///
/// Only regular files are read ahead (their first record, through the same chunker, so gzip,
/// BOM and `input.encoding` are handled as in the run): a pipe, a FIFO or stdin cannot be read
/// twice, so theirs is checked when the run reaches it (stdin spooled by `run` to fit first is a
/// regular file by then, and is checked ahead too).
package enum HeaderCheck {
    /// Reads the header of each input after `firstIndex` that is a regular file and throws, at
    /// the first one that differs from `header`, a malformed-input error naming its line.
    package static func checkAhead(inputs: [String], displayNames: [String], after firstIndex: Int,
                                   header: DatasetHeader, dialect: InputDialect, policy: HeaderPolicy = HeaderPolicy()) throws(PreplineError) {
        guard dialect.header, !dialect.headerIfPresent, firstIndex + 1 < inputs.count else { return }
        for index in (firstIndex + 1)..<inputs.count where RereadableInputs.isRereadable(inputs[index]) {
            let chunker = RecordChunker(inputs: [inputs[index]], displayNames: [displayNames[index]], dialect: dialect, chunkSize: 1 << 16)
            guard let chunk = try chunker.next(), chunk.isHeader else { continue }
            let parsed = LibCSVParser(delimiter: dialect.delimiter, quote: dialect.quote).parse(chunk.bytes, expectedRecords: 1)
            try check(parsed.strings(ofRecord: 0), against: header, file: displayNames[index], line: chunk.line(ofRecord: 0),
                      firstFile: displayNames[firstIndex], policy: policy)
        }
    }

    /// Throws when `found` does not hold exactly the bytes of `header`'s names, in order.
    package static func check(_ found: [String], against header: DatasetHeader, file: String, line: Int, firstFile: String,
                              policy: HeaderPolicy = HeaderPolicy()) throws(PreplineError) {
        let expected = header.names
        guard found.count != expected.count || !zip(found, expected).allSatisfy({ LosslessText.sameBytes($0, $1) }) else { return }
        throw PreplineError.malformedInput(InputPosition(file: file, line: line),
                                           "header differs from \(firstFile)'s: \(difference(found: found, expected: expected, policy: policy))")
    }

    /// The first name that occurs twice, as (earlier position, later position), 0-based; names
    /// are compared byte for byte (two spellings of "é" are two names, as in pandas).
    package static func firstDuplicate(_ names: [String]) -> (Int, Int)? {
        var positions: [[UInt8]: Int] = [:]
        positions.reserveCapacity(names.count)
        for (i, name) in names.enumerated() {
            if let earlier = positions.updateValue(i, forKey: Array(name.utf8)) { return (earlier, i) }
        }
        return nil
    }

    /// Throws, for a header read from the input, when two columns have one name: a stage or
    /// `apply` naming it could only ever reach the first (DESIGN.md B2: an input error, exit 3).
    package static func checkUniqueNames(_ header: DatasetHeader, file: String, line: Int) throws(PreplineError) {
        guard header.fromInput, let (first, second) = firstDuplicate(header.names) else { return }
        throw PreplineError.malformedInput(InputPosition(file: file, line: line),
                                           "duplicate column name '\(LosslessText.display(header.names[second]))' (columns \(first + 1) and \(second + 1)); every column needs its own name")
    }

    /// "column 3 is 'x', expected 'bill_length_mm'", each difference up to 10, then "… and N more".
    package static func difference(found: [String], expected: [String], policy: HeaderPolicy = HeaderPolicy()) -> String {
        func quoted(_ name: String) -> String { "'\(LosslessText.display(name))'" }
        var parts: [String] = []
        if found.count != expected.count { parts.append("it has \(found.count) columns, expected \(expected.count)") }
        var differences: [String] = []
        for i in 0..<max(found.count, expected.count) {
            let got = i < found.count ? found[i] : nil, want = i < expected.count ? expected[i] : nil
            if let got, let want, LosslessText.sameBytes(got, want) { continue }
            switch (got, want) {
            case let (got?, want?): differences.append("column \(i + 1) is \(quoted(got)), expected \(quoted(want))")
            case let (got?, nil): differences.append("column \(i + 1) \(quoted(got)) is extra")
            case let (nil, want?): differences.append("column \(i + 1) \(quoted(want)) is missing")
            case (nil, nil): break
            }
        }
        let shown = differences.prefix(10).joined(separator: "; ")
        parts.append(differences.count > 10 ? "\(shown) … and \(differences.count - 10) more" : shown)
        var text = parts.joined(separator: ": ")
        let sameNames = found.count == expected.count
            && found.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) } == expected.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        if sameNames {
            text += policy.matchesTrainingByName
                ? " (the same names in another order: apply matches the columns to the fitted spec's by name, but the inputs of one run must have one column order)"
                : " (the same names in another order: columns are matched by position)"
        }
        return text
    }

}
