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
    /// Row-level errors under `on_error: fail`: exit 1. Carries the first errors, in input order,
    /// how many rows failed in all and how many records were read when the run stopped (it stops
    /// after the first chunk with a failing row, so the total covers the records read so far).
    case rowsFailed([RowError], failed: Int = 0, recordsRead: Int = 0)

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
        case .rowsFailed(let errors, let failed, let recordsRead):
            var lines = errors.map(\.description)
            if failed > errors.count {
                lines.append("… \(failed) rows failed in all in the \(recordsRead) records read (a run stops after the first chunk with a failure, so later records, if any, were not checked); the first \(errors.count) are above")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// A row-level problem: it concerns one record and follows `output.on_error`.
package struct RowError: Sendable, Equatable, CustomStringConvertible {
    package var position: InputPosition
    /// 1-based data record number across all inputs (the header is not a record).
    package var record: Int
    package var reason: String
    /// The stage option that would accept the row, if any (see `RecordIssue.fix`).
    package var fix: String? = nil

    package var description: String { "\(position): record \(record): \(reason)" }
}

extension PreplineError {
    /// The `on_error: fail` error for a delivered chunk: its first 10 issues, the total.
    static func rowsFailed(_ issues: RowIssues, file: String, recordsRead: Int) -> PreplineError {
        let listed = issues.prefix(Suggestion.listLimit).map {
            RowError(position: InputPosition(file: file, line: $0.issue.line),
                     record: $0.record, reason: $0.issue.reason, fix: $0.issue.fix)
        }
        return .rowsFailed(Array(listed), failed: issues.total, recordsRead: recordsRead)
    }

    /// What to say after a `rowsFailed`: the stage option that accepts every listed row when
    /// there is one (skipping them would lose rows an option keeps), else skip/reject.
    package var hints: [String] {
        guard case .rowsFailed(let errors, _, _) = self else { return [] }
        let fixes = errors.compactMap(\.fix)
        if !errors.isEmpty && fixes.count == errors.count {
            var seen: Set<String> = []
            return fixes.filter { seen.insert($0).inserted }
        }
        return ["set output.on_error (or --on-error) to \"skip\" or \"reject\" to go on past bad rows"]
    }
}
