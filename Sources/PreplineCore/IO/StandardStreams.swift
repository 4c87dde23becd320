import CSignals
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's standard streams and signals, set up once at start by the executable.
///
/// A write to a closed pipe must surface as EPIPE (not kill the process), a closed standard
/// descriptor must not be reused by the next `open` (the spool file would become "stdin"), and
/// SIGINT/SIGTERM/SIGHUP must remove the temporary files before the process ends.
package enum ProcessStreams {
    /// Standard descriptors that were closed at start (`<&-`, `>&-`), now held by /dev/null.
    static let stdinWasClosed = Atomic<Bool>(false)
    static let stdoutWasClosed = Atomic<Bool>(false)

    package static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
            // open returns the lowest free descriptor: this one.
            let held = open("/dev/null", O_RDWR)
            if held >= 0 && held != fd { dup2(held, fd); close(held) }
            if fd == STDIN_FILENO { stdinWasClosed.store(true, ordering: .relaxed) }
            if fd == STDOUT_FILENO { stdoutWasClosed.store(true, ordering: .relaxed) }
        }
        prepline_install_signal_handlers()
    }
}

/// Messages on stderr. A write that fails (stderr closed, its reader gone, a full disk) is
/// ignored: a diagnostic that cannot be shown must never crash the run or change its exit code.
package enum StandardError {
    package static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = SystemCall.write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

/// A file created under a fresh random name, as `mkstemp` does (O_CREAT|O_EXCL|O_NOFOLLOW, so
/// no file or symlink planted under a guessed name is ever followed), and removed by the signal
/// handler if the process is interrupted before it is renamed or deleted.
package final class TemporaryFile {
    package let path: String
    package let fd: Int32
    private let slot: Int32
    private var forgotten = false

    /// Creates `directory + prefix + random + suffix` with `mode` (the umask applies, as for any
    /// new file). Throws the errno text on failure.
    package init(directory: String, prefix: String, suffix: String, mode: mode_t) throws(TemporaryFileError) {
        for _ in 0..<100 {
            let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let candidate = "\(directory)\(prefix)\(random)\(suffix)"
            // Registered first, so no instant exists where the file is on disk but unknown to the handler.
            let slot = prepline_temp_register(candidate)
            let opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if opened >= 0 {
                path = candidate
                fd = opened
                self.slot = slot
                return
            }
            let reason = errno
            prepline_temp_unregister(slot)
            if reason != EEXIST { throw TemporaryFileError(reason: String(cString: strerror(reason))) }
        }
        throw TemporaryFileError(reason: "no unused temporary name found")
    }

    /// The file was renamed into place or deleted: the signal handler must not touch the name.
    package func forget() {
        guard !forgotten else { return }
        forgotten = true
        prepline_temp_unregister(slot)
    }

    /// Deletes the file and forgets it (once: the slot may belong to another file afterwards).
    package func remove() {
        guard !forgotten else { return }
        unlink(path)
        forget()
    }
}

package struct TemporaryFileError: Error {
    package let reason: String
}
