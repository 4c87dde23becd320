import Foundation
import Testing

/// Shell completion (`prepline --generate-completion-script bash|zsh|fish`): files for the spec
/// and the inputs, and the values of every enumerated option.
@Suite("Shell completion")
struct CompletionTests {
    /// The lines of the bash script's function for one subcommand (`_prepline_run() { … }`).
    static func function(_ name: String, in script: String) throws -> String {
        let lines = script.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("_prepline_\(name)() {") }, "no completion function for \(name)")
        let end = try #require(lines[start...].firstIndex { $0 == "}" }, "unterminated function for \(name)")
        return lines[start...end].joined(separator: "\n")
    }

    /// The completion command of one option's case in the function (`'--parser') … ;;`).
    static func option(_ name: String, in function: String) -> String? {
        guard let range = function.range(of: "'\(name)'") else { return nil }
        let rest = function[range.upperBound...]
        return rest.range(of: ";;").map { String(rest[..<$0.lowerBound]) }
    }

    @Test("bash: file completion for SPEC and INPUT, value lists for the enumerated options")
    func bash() throws {
        let result = try prepline(["--generate-completion-script", "bash"])
        #expect(result.status == 0, "\(result)")
        let script = result.stdoutText
        for command in ["run", "apply", "fit", "validate", "explain"] {
            let body = try Self.function(command, in: script)
            // Positionals: the spec (1) and the inputs (the rest) complete file names.
            let positionals = try #require(body.range(of: "case \"${positional_number}\" in").map { String(body[$0.upperBound...]) },
                                           "\(command): no positional completion")
            #expect(positionals.contains("1)\n        __prepline_add_completions -f"), "\(command): the spec completes files\n\(positionals)")
            #expect(positionals.contains("*)\n        __prepline_add_completions -f"), "\(command): the inputs complete files\n\(positionals)")
            // explain reads no data: it has no engine options.
            guard command != "explain" else { continue }
            #expect(Self.option("--parser", in: body)?.contains("'fast'$'\\n''libcsv'") == true, "\(command): --parser values")
            #expect(Self.option("--progress", in: body)?.contains("'auto'$'\\n''always'$'\\n''never'") == true, "\(command): --progress values")
        }
        for command in ["run", "apply", "fit"] {
            let body = try Self.function(command, in: script)
            #expect(Self.option("--on-error", in: body)?.contains("'fail'$'\\n''skip'$'\\n''reject'") == true, "\(command): --on-error values")
            #expect(Self.option("--output'|'-o", in: body)?.contains("-f") == true, "\(command): -o completes files")
        }
        let validate = try Self.function("validate", in: script)
        #expect(Self.option("--report", in: validate)?.contains("'text'$'\\n''json'$'\\n''json:'$'\\n''junit:'$'\\n''github'") == true, "--report values")
    }

    @Test("zsh and fish scripts are generated with the same value lists", arguments: ["zsh", "fish"])
    func otherShells(shell: String) throws {
        let result = try prepline(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result)")
        for word in ["libcsv", "always", "reject", "junit:"] {
            #expect(result.stdoutText.contains(word), "\(shell): \(word) missing")
        }
    }
}
