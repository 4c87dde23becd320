import Foundation

/// `--input-list FILE|-`: input paths one a line, the shape a distributed engine hands a
/// process (Spark's `RDD.pipe` writes a partition's elements to stdin, one a line). Blank lines
/// are ignored and a CR before the LF is dropped; every other byte of a line is the path.
package enum InputList {
    package static func read(_ source: String) throws(PreplineError) -> [String] {
        let bytes = try readAll(source, what: "--input-list")
        var paths: [String] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            paths.append(String(decoding: line, as: UTF8.self))
        }
        return paths
    }

    /// The whole of a file or of stdin (`-`); an unreadable one is an input error (exit 3).
    package static func readAll(_ source: String, what: String) throws(PreplineError) -> [UInt8] {
        let name = source == "-" ? "stdin" : source
        let handle: FileHandle
        if source == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: source) else {
                throw PreplineError.unreadableInput(file: name, "\(what): cannot open: \(String(cString: strerror(errno)))")
            }
            handle = opened
        }
        do {
            return Array(try handle.readToEnd() ?? Data())
        } catch {
            throw PreplineError.unreadableInput(file: name, "\(what): cannot read: \(error.localizedDescription)")
        }
    }
}
