/// Where a problem is in an input: the file as the user named it, and the physical position.
///
/// Lines and columns are 1-based and count physical lines, so an editor's "go to line" lands on it.
package struct InputPosition: Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var column: Int?

    package init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    package var description: String {
        if let column { return "\(file):\(line):\(column)" }
        return "\(file):\(line)"
    }
}

/// Every failure prepline reports, typed so that the exit code follows from the kind.
///
/// The exit codes are part of the contract (DESIGN.md): scripts and CI branch on them.
package enum PreplineError: Error, Sendable, CustomStringConvertible {
    /// A bad command line: exit 2.
    case usage(String)
    /// A spec that cannot be used, with the JSON path of the offending value: exit 2.
    case spec(file: String, path: String, message: String)
    /// A spec whose JSON does not parse, with line and column: exit 2.
    case specSyntax(file: String, line: Int, column: Int, message: String)
    /// Malformed CSV or gzip at a position: exit 3.
    case malformedInput(InputPosition, String)
    /// An input that cannot be opened or read: exit 3.
    case unreadableInput(file: String, String)
    /// The output (or rejects file) cannot be written: exit 4.
    case output(file: String, String)
    /// Row-level errors under `on_error: fail`: exit 1. Carries the first errors, in input order.
    case rowsFailed([RowError])

    package var exitCode: Int32 {
        switch self {
        case .usage, .spec, .specSyntax: return 2
        case .malformedInput, .unreadableInput: return 3
        case .output: return 4
        case .rowsFailed: return 1
        }
    }

    package var description: String {
        switch self {
        case .usage(let message): return message
        case .spec(let file, let path, let message):
            return path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
        case .specSyntax(let file, let line, let column, let message):
            return "\(file):\(line):\(column): invalid JSON: \(message)"
        case .malformedInput(let position, let message): return "\(position): \(message)"
        case .unreadableInput(let file, let message): return "\(file): \(message)"
        case .output(let file, let message): return "\(file): cannot write output: \(message)"
        case .rowsFailed(let errors):
            return errors.map(\.description).joined(separator: "\n")
        }
    }
}

/// A row-level problem: it concerns one record and follows `output.on_error`.
package struct RowError: Sendable, Equatable, CustomStringConvertible {
    package var position: InputPosition
    /// 1-based data record number across all inputs (the header is not a record).
    package var record: Int
    package var reason: String

    package var description: String { "\(position): record \(record): \(reason)" }
}
