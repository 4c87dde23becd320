import CZlib

/// Inflates a gzip stream; the only Swift file that talks to zlib.
///
/// Multi-member files (what `cat a.gz b.gz`, pigz and prepline's own parallel writer produce)
/// are read to the end: after each member the stream is reset and inflation continues.
package final class GzipSource: ByteSource {
    private let base: ByteSource
    private let name: String
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var finished = false
    /// True between members: the next input byte must start a new member (or the data ends).
    private var atMemberBoundary = false
    private var compressedOffset = 0

    package init(base: ByteSource, name: String) {
        self.base = base
        self.name = name
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        stream.next_in = nil
        stream.avail_in = 0
        let status = prepline_inflate_init_gzip(&stream)
        precondition(status == Z_OK, "zlib inflateInit2 failed: \(status)")
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    package var rawBytesRead: Int { base.rawBytesRead }

    private func corrupt(_ message: String) -> PreplineError {
        .unreadableInput(file: name, "corrupt gzip data: \(message) (near compressed byte \(compressedOffset - Int(stream.avail_in)))")
    }

    private func refill() throws(PreplineError) {
        guard stream.avail_in == 0, !inputEnded else { return }
        let n = try base.read(into: input)
        compressedOffset += n
        if n == 0 { inputEnded = true; return }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(n)
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(PreplineError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(buffer.count)
        while stream.avail_out == uInt(buffer.count) {
            try refill()
            if atMemberBoundary {
                if stream.avail_in == 0 && inputEnded { finished = true; break }
                guard stream.avail_in > 0 else { continue }
                // Some tools pad gzip files with zero bytes; anything else must be a new member.
                if stream.next_in.pointee == 0 {
                    stream.next_in += 1
                    stream.avail_in -= 1
                    continue
                }
                guard stream.next_in.pointee == 0x1F else { throw corrupt("unexpected bytes after the end of the gzip data") }
                inflateReset(&stream)
                atMemberBoundary = false
            }
            if stream.avail_in == 0 && inputEnded { throw corrupt("the file ends in the middle of the compressed data (truncated?)") }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                if status == Z_BUF_ERROR && stream.avail_in > 0 { throw corrupt("inflate made no progress") }
            case Z_STREAM_END:
                atMemberBoundary = true
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                throw corrupt(message)
            }
        }
        return buffer.count - Int(stream.avail_out)
    }
}

/// Compresses one output chunk into a complete gzip member. Workers compress chunks in
/// parallel and the writer concatenates the members in order: a valid multi-member gzip file.
package enum GzipMemberEncoder {
    package static func compress(_ data: [UInt8], level: Int32) -> [UInt8] {
        var out: [UInt8] = []
        compress(data, level: level, into: &out)
        return out
    }

    /// Compresses into `out` (replacing its contents, reusing its storage).
    package static func compress(_ data: [UInt8], level: Int32, into out: inout [UInt8]) {
        var stream = z_stream()
        let status = prepline_deflate_init_gzip(&stream, level)
        precondition(status == Z_OK, "zlib deflateInit2 failed: \(status)")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 64
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: repeatElement(0, count: bound))
        let produced: Int = data.withUnsafeBytes { source in
            out.withUnsafeMutableBytes { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(data.count)
                stream.next_out = target.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(target.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate with a deflateBound-sized buffer must finish: \(result)")
                return target.count - Int(stream.avail_out)
            }
        }
        out.removeSubrange(produced...)
    }
}

/// Whole documents prepline reads and writes (specs, fitted specs, parts, pass states, profiles,
/// reports) follow the data's gzip rule: written compressed when the name ends in `.gz`, read
/// compressed when they start with gzip's magic bytes.
package enum GzipDocument {
    /// The level of a compressed document: zlib's default (a document is written once).
    static let level: Int32 = 6

    /// True when a document written to `path` is compressed (`-` is stdout: never).
    package static func compresses(path: String) -> Bool { path != "-" && path.hasSuffix(".gz") }

    /// `bytes` inflated when they are gzip data, else unchanged. A document is a spec or a fit
    /// state, not data: corrupt or truncated gzip is a usage error (exit 2), as a malformed plain
    /// one is. The inflated size is bounded — by `limit`, or by 256 MiB or 64 times the compressed
    /// size, whichever is larger (JSON compresses 5–20 times) — so a gzip bomb is refused in
    /// bounded memory instead of taking the machine's.
    package static func inflatedIfCompressed(_ bytes: [UInt8], name: String, limit: Int? = nil) throws(PreplineError) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B else { return bytes }
        let bound = limit ?? max(256 << 20, bytes.count.multipliedReportingOverflow(by: 64).partialValue)
        let source = GzipSource(base: PrefixedSource(prefix: bytes, base: EmptySource()), name: name)
        var out: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do {
                n = try source.read(into: buffer)
            } catch {
                throw .usage(error.description)
            }
            if n == 0 { return out }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            if out.count > bound {
                throw .usage("\(name): larger than \(bound >> 20) MiB once inflated (\(bytes.count) bytes of gzip): not a prepline document")
            }
        }
    }
}

/// The end of a stream, at once: the base of an in-memory `PrefixedSource`.
private final class EmptySource: ByteSource {
    var rawBytesRead: Int { 0 }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PreplineError) -> Int { 0 }
}
