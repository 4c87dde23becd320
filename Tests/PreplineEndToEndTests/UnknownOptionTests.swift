import Foundation
import Testing

/// A misspelt option is named, with ArgumentParser's did-you-mean when one is close, on every
/// command and whatever else is on the line. A lone `prepline fit --partail` said the spec was
/// missing: the commands' own checks (`validate()`) ran before the parser reported the option.
@Suite struct UnknownOptionTests {
    /// (command, the misspelt option, the option it is close to, or nil when none is).
    static let typos: [(String, String, String?)] = [
        ("run", "--quite", "--quiet"), ("apply", "--extra-column", "--extra-columns"),
        ("fit", "--partail", "--partial"), ("merge", "--partail", "--partial"),
        ("validate", "--max-error", "--max-errors"), ("profile", "--jsn", "--json"),
        ("split", "--sede", "--seed"), ("explain", "--inptu", "--input"),
        ("schema", "--verbose", nil), ("run", "--zzzzzz", nil), ("fit", "-z", nil),
    ]

    /// What each command takes as positionals (none of which is read: parsing fails first), and
    /// an option value its checks refuse.
    static let positionals: [String: [String]] = [
        "run": ["spec.json", "data.csv"], "apply": ["fitted.json", "data.csv"], "fit": ["spec.json", "data.csv"],
        "merge": ["a.part", "b.part"], "validate": ["spec.json", "data.csv"], "profile": ["data.csv"],
        "split": ["data.csv"], "explain": ["spec.json", "data.csv"], "schema": ["extra"],
    ]
    static let refusedValue: [String: [String]] = [
        "run": ["--threads", "0"], "apply": ["--gzip-level", "0"], "fit": ["--pass-state", "s.json"],
        "validate": ["--drift-missing", "2"], "profile": ["--distinct-budget", "0"], "split": ["--gzip-level", "0"],
        "explain": ["--delimiter", "ab"],
    ]

    @Test(arguments: typos)
    func anUnknownOptionIsNamedFirst(command: String, typo: String, close: String?) throws {
        let dir = try TempDir("unknown-option")
        var lines: [[String]] = [[command, typo], [command] + Self.positionals[command]! + [typo], [command, typo] + Self.positionals[command]!]
        if let refused = Self.refusedValue[command] {
            lines.append([command] + refused + [typo])
            lines.append([command, typo] + refused + Self.positionals[command]!)
        }
        let expected = "Error: Unknown option '\(typo)'" + (close.map { ". Did you mean '\($0)'?" } ?? "") + "\n"
        for line in lines {
            let result = try prepline(line, cwd: dir.path)
            #expect(result.status == 2, "\(line): \(result)")
            #expect(result.stderr.hasPrefix(expected), "\(line): \(result)")
            #expect(result.stderr.contains("Usage: prepline \(command)"), "\(line): \(result)")
            #expect(try dir.listing().isEmpty, "\(line): nothing written")
        }
    }

    /// The checks still speak when every option is known, with the command's usage (split's
    /// checks ran in run() and showed `prepline <subcommand>`).
    @Test func theChecksStillReportWithTheCommandsUsage() throws {
        let dir = try TempDir("unknown-option-checks")
        let missing = try prepline(["fit"], cwd: dir.path)
        #expect(missing.status == 2 && missing.stderr.hasPrefix("Error: missing the spec") && missing.stderr.contains("Usage: prepline fit"), "\(missing)")
        let data = try dir.write("data.csv", "a\n1\n2\n")
        let split = try prepline(["split", data, "--gzip-level", "0", "--seed", "1", "--train", "t.csv", "--test", "s.csv"], cwd: dir.path)
        #expect(split.status == 2 && split.stderr.hasPrefix("Error: --gzip-level must be from 1 to 9") && split.stderr.contains("Usage: prepline split"), "\(split)")
        let budget = try prepline(["profile", data, "--distinct-budget", "0"], cwd: dir.path)
        #expect(budget.status == 2 && budget.stderr.hasPrefix("Error: --distinct-budget must be at least 1"), "\(budget)")
    }
}
