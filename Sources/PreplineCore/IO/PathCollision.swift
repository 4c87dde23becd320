#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses a command line whose output names an input or another output.
///
/// Outputs are renamed into place on success, so `--rejects in.csv` would replace the input with
/// the rejects, and `--rejects x.csv -o x.csv` would keep only the last one committed: data lost
/// with exit 0. Checked before any data is read or any output opened.
package enum PathCollision {
    /// A path as the user gave it, and what it is on the command line (`input`, `-o`, `--rejects`…).
    package struct NamedPath: Sendable {
        package var role: String
        package var path: String

        package init(_ role: String, _ path: String) {
            self.role = role
            self.path = path
        }
    }

    /// A usage error naming both paths when an output is the same file as an input or an
    /// earlier output. Two inputs may be the same file (reading it twice loses nothing).
    /// `alsoRead`: other files the command reads (the spec, a pass state), which an output must
    /// not replace either.
    package static func check(inputs: [String], alsoRead: [NamedPath] = [], outputs: [NamedPath]) throws(PreplineError) {
        let namedInputs = alsoRead + inputs.map { NamedPath("the input", $0) }
        let inputIdentities = namedInputs.map { identity(of: $0.path) }
        var earlier: [(NamedPath, FileIdentity)] = zip(namedInputs, inputIdentities).compactMap { pair in
            pair.1.map { (pair.0, $0) }
        }
        for output in outputs {
            guard let id = identity(of: output.path) else { continue }
            if let (other, _) = earlier.first(where: { $0.1 == id }) {
                throw PreplineError.usage("\(output.role) \(output.path) is the same file as \(other.role) \(other.path): use a different output path")
            }
            earlier.append((output, id))
        }
    }

    /// The spec as a file the command reads (nil for stdin and `--spec-json`).
    package static func specFile(_ source: SpecSource, role: String = "the spec") -> [NamedPath] {
        if case .file(let path) = source { return [NamedPath(role, path)] }
        return []
    }

    /// stdin can be read once: a usage error naming the two roles when more than one of
    /// `uses` (role, is it stdin) reads it (`fit - --input-list -`, `--pass-state -` with data
    /// on stdin), which would otherwise read an empty stream the second time.
    package static func checkStdinReadOnce(_ uses: [(role: String, readsStdin: Bool)]) throws(PreplineError) {
        let readers = uses.filter(\.readsStdin).map(\.role)
        guard readers.count > 1 else { return }
        throw PreplineError.usage("stdin ('-') can be read only once, but \(readers[0]) and \(readers[1]) both read it: give one of them as a file")
    }

    /// `-` at most once among a command's inputs: a second `-` would read stdin already at its end.
    package static func checkStdinGivenOnce(_ inputs: [String]) throws(PreplineError) {
        if inputs.filter({ $0 == "-" }).count > 1 { throw PreplineError.usage("stdin ('-') can be given only once as an input") }
    }

    /// stdout holds one document: a usage error naming the first two of `outputs` (role, does
    /// it write stdout) that both write it (`profile --json - --html -`), which would otherwise
    /// be one stream nothing can read back.
    package static func checkStdoutWrittenOnce(_ outputs: [(role: String, writesStdout: Bool)]) throws(PreplineError) {
        let writers = outputs.filter(\.writesStdout).map(\.role)
        guard writers.count > 1 else { return }
        throw PreplineError.usage("\(writers[0]) and \(writers[1]) both write to stdout, which can hold only one of them: give one of them a file")
    }

    /// Which file a path names: device and inode when it exists (so symlinks, `./x` and hard
    /// links match), else its absolute path. Nil for paths exempt from the check: stdin/stdout
    /// (`-`), anything under /dev, and existing files that are not regular (FIFOs, devices,
    /// directories), which are written directly and replace nothing.
    static func identity(of path: String) -> FileIdentity? {
        if path == "-" || path.hasPrefix("/dev/") { return nil }
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return .inode(device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(info.st_ino))
        }
        return .path(absolutePath(path))
    }

    /// A file that does not exist yet: its directory resolved when that exists (so `link/x` and
    /// `real/x` match), else the path made absolute with `.` and `..` removed.
    static func absolutePath(_ path: String) -> String {
        var absolute = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                absolute = String(cString: buffer) + "/" + path
            }
        }
        let slash = absolute.lastIndex(of: "/")!
        let directory = String(absolute[...slash])
        let name = String(absolute[absolute.index(after: slash)...])
        if let resolved = realpath(directory, nil) {
            defer { free(resolved) }
            let base = String(cString: resolved)
            return (base.hasSuffix("/") ? base : base + "/") + name
        }
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    enum FileIdentity: Hashable {
        case inode(device: UInt64, inode: UInt64)
        case path(String)
    }
}
