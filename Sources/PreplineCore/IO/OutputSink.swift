#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A closed output pipe (`prepline … | head`): the run ends quietly with exit 0, like xsv.
package struct BrokenPipe: Error {}

/// A byte destination: stdout, or a file written under a temporary name and renamed into place
/// only on success, so a failed run never leaves a complete-looking file behind.
package final class OutputSink {
    package let displayName: String
    private let finalPath: String?
    private let temporary: TemporaryFile?
    private var fd: Int32
    private var committed = false
    /// The output's name ends in `.gz`: `writeDocument` compresses.
    private let compressesDocuments: Bool
    package private(set) var bytesWritten = 0

    /// Opens `path` ("-" is stdout). A regular file appears at `path` only on `commit()`; an
    /// existing FIFO or device (`/dev/stdout`, a named pipe) is written directly, since
    /// renaming over it would replace it; a symlink is followed to the file it names, and a
    /// symlink to nothing is refused here, before any input is read.
    package init(path: String) throws(PreplineError) {
        compressesDocuments = GzipDocument.compresses(path: path)
        if path == "-" {
            displayName = "stdout"
            finalPath = nil
            temporary = nil
            fd = STDOUT_FILENO
            return
        }
        displayName = path
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists, (info.st_mode & S_IFMT) != S_IFREG {
            guard (info.st_mode & S_IFMT) != S_IFDIR else {
                throw PreplineError.output(file: path, "it is a directory")
            }
            finalPath = nil
            temporary = nil
            fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw PreplineError.output(file: path, String(cString: strerror(errno))) }
            return
        }
        if !exists, lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            // The link names nothing (or nothing reachable); a link to a regular file is
            // followed below.
            throw PreplineError.output(file: path, "it is a symbolic link to a file that does not exist (\(Self.linkTarget(path)))")
        }
        var target = path
        if let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        finalPath = target
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        // Same directory as the target, so the final rename is atomic; 0666 less the umask, as
        // for any file a program creates.
        do {
            temporary = try TemporaryFile(directory: directory, prefix: ".\(name).prepline-", suffix: ".tmp", mode: 0o666)
        } catch {
            throw PreplineError.output(file: path, error.reason)
        }
        fd = temporary!.fd
    }

    private static func linkTarget(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return "unreadable link" }
        return "-> " + String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        if !committed { abort() }
    }

    /// Writes all of `bytes`; throws `BrokenPipe` when stdout's reader has gone.
    package func write(_ bytes: [UInt8]) throws {
        // A stdout closed at start (`>&-`) is held by /dev/null: stop as a closed pipe does.
        if fd == STDOUT_FILENO && ProcessStreams.stdoutWasClosed.load(ordering: .relaxed) { throw BrokenPipe() }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = SystemCall.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE && temporary == nil { throw BrokenPipe() }
                    throw PreplineError.output(file: displayName, String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        bytesWritten += bytes.count
    }

    /// Writes a whole document (a fitted spec, a part, a profile, a report): gzip-compressed when
    /// the output's name ends in `.gz`, as data outputs are, so the file is what its name says.
    package func writeDocument(_ bytes: [UInt8]) throws {
        try write(compressesDocuments ? GzipMemberEncoder.compress(bytes, level: GzipDocument.level) : bytes)
    }

    /// Closes the file and renames it into place.
    package func commit() throws(PreplineError) {
        guard let finalPath, let temporary else {
            if fd != STDOUT_FILENO && fd >= 0 { close(fd); fd = -1 }
            committed = true
            return
        }
        if close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            fd = -1
            throw PreplineError.output(file: displayName, reason)
        }
        fd = -1
        // Something other than a regular file may have appeared at the path since it was
        // opened (a device re-created, a FIFO): renaming over it would destroy it.
        var info = stat()
        if lstat(finalPath, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            temporary.remove()
            throw PreplineError.output(file: displayName, "it is no longer a regular file; not replacing it (the output is lost)")
        }
        guard rename(temporary.path, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            temporary.remove()
            throw PreplineError.output(file: displayName, reason)
        }
        temporary.forget()
        committed = true
    }

    /// Drops the temporary file (after an error).
    package func abort() {
        guard !committed else { return }
        committed = true
        if fd >= 0 && fd != STDOUT_FILENO { close(fd) }
        temporary?.remove()
    }
}
