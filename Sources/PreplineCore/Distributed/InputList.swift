import Foundation

/// `--input-list FILE|-`: input paths one a line, the shape a distributed engine hands a
/// process (Spark's `RDD.pipe` writes a partition's elements to stdin, one a line). Blank lines
/// are ignored and a CR before the LF is dropped; every other byte of a line is the path.
package enum InputList {
    package static func read(_ source: String) throws(PreplineError) -> [String] {
        let bytes = try readAll(source, what: "the input list (--input-list)")
        var paths: [String] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            paths.append(String(decoding: line, as: UTF8.self))
        }
        return paths
    }

    /// The whole of a file or of stdin (`-`), inflated when it is gzip data; an unreadable one is
    /// an input error (exit 3).
    /// Read with read(2) straight into the array, sized by fstat for a file: one read per part
    /// for `merge` (Foundation's `readToEnd` read into `Data`, then copied it into the array).
    package static func readAll(_ source: String, what: String) throws(PreplineError) -> [UInt8] {
        let name = source == "-" ? "stdin" : source
        let fd = source == "-" ? 0 : open(source, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw PreplineError.unreadableInput(file: name, "cannot open \(what): \(String(cString: strerror(errno)))")
        }
        defer { if fd != 0 { close(fd) } }
        var info = stat()
        let size = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : 0
        // One byte more than the size: the read that finds the end then needs no second buffer.
        var bytes = [UInt8](repeating: 0, count: max(size + 1, 64 << 10))
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errno == EISDIR ? "it is a directory" : String(cString: strerror(errno))
                throw PreplineError.unreadableInput(file: name, "cannot read \(what): \(reason)")
            }
            filled += n
        }
        bytes.removeSubrange(filled...)
        // A part or pass state written as `….gz` (see `OutputSink.writeDocument`).
        return try GzipDocument.inflatedIfCompressed(bytes, name: name)
    }
}
