import Foundation
import Testing

@testable import prepline

/// `fit`, `merge` and `apply` read their common argument shapes without ArgumentParser (its start-up is a
/// fifth of a small partition's fit). Whatever `DirectArguments` accepts must mean exactly what
/// ArgumentParser makes of it, and anything it is unsure of must go to ArgumentParser.
@Suite("direct argument reading of fit, merge and apply")
struct DirectArgumentsTests {
    /// ArgumentParser's request for `arguments`, parsed as the binary parses them.
    static func argumentParserInvocation(_ arguments: [String]) throws -> DirectArguments.Invocation? {
        let command = try Prepline.parseAsRoot(arguments)
        if let fit = command as? Fit { return .fit(fit.request) }
        if let merge = command as? Merge { return .merge(merge.request) }
        if let apply = command as? Apply { return .apply(apply.request) }
        return nil
    }

    static let accepted: [[String]] = [
        ["fit", "spec.json"],
        ["fit", "spec.json", "a.csv"],
        ["fit", "spec.json", "a.csv", "b.csv", "-o", "out.json"],
        ["fit", "spec.json", "part-1.csv", "--partial", "--threads", "1", "-o", "p1.part", "-q"],
        ["fit", "--partial", "spec.json", "--threads", "2", "a.csv", "-o", "-", "b.csv"],
        ["fit", "spec.json", "--partial", "--pass-state", "state.json", "--input-list", "-"],
        ["fit", "spec.json", "--input-list", "paths.txt", "--output", "f.json", "--quiet"],
        ["fit", "--spec-json", "{\"stages\": []}", "a.csv", "b.csv"],
        ["fit", "--spec-json", "{}", "-"],
        ["fit", "spec.json", "-", "--delimiter", ";", "--no-header", "--on-error", "skip"],
        ["fit", "spec.json", "a.csv", "--delimiter", "\\t", "--chunk-size", "64K", "--parser", "libcsv", "--progress", "never"],
        ["fit", "spec.json", "a.csv", "--threads", "+3", "--on-error", "reject", "--progress", "always"],
        ["fit", "spec.json", "héllo wörld.csv", "--chunk-size", "1048576"],
        ["merge", "a.part", "b.part"],
        ["merge", "a.part", "b.part", "-o", "fitted.json", "-q"],
        ["merge", "-", "--partial", "--output", "m.part", "--quiet"],
        ["merge", "a.part", "b.part", "--threads", "1"],
        ["merge"],
        ["apply", "fitted.json"],
        ["apply", "fitted.json", "a.csv", "b.csv", "-o", "out.csv.gz", "--gzip-level", "9", "--threads", "1"],
        ["apply", "fitted.json", "--input-list", "-", "--no-output-header", "-q", "--extra-columns", "drop"],
        ["apply", "--spec-json", "{}", "a.csv", "--crlf", "--rejects", "r.csv", "--on-error", "reject", "--delimiter", ";", "--no-header"],
        ["apply", "fitted.json", "-", "--chunk-size", "4M", "--parser", "libcsv", "--progress", "auto", "--extra-columns", "keep"],
    ]

    @Test("every shape it reads, ArgumentParser reads into the same request", arguments: accepted)
    func sameRequest(_ arguments: [String]) throws {
        let direct = try #require(DirectArguments.parse(arguments), "declined \(arguments)")
        let parsed = try Self.argumentParserInvocation(arguments)
        #expect(direct == parsed, "\(arguments)")
    }

    static let declined: [[String]] = [
        ["fit", "--help"], ["fit", "-h"], ["merge", "--help"], ["help", "fit"], ["--version"],
        ["fit", "spec.json", "--output=out.json"],          // ArgumentParser's `=` form
        ["fit", "spec.json", "--partail"],                   // a typo: ArgumentParser's did-you-mean
        ["fit", "spec.json", "--threads", "0"],              // a failed check: ArgumentParser's message
        ["fit", "spec.json", "--threads", "two"],
        ["fit", "spec.json", "--threads", "99999999999999999999"],
        ["fit", "spec.json", "--on-error", "skp"],
        ["fit", "spec.json", "--chunk-size", "big"],
        ["fit", "spec.json", "--delimiter", ";;"],
        ["fit", "spec.json", "-o"],                          // a missing value
        ["fit", "spec.json", "-o", "--partial"],
        ["fit", "spec.json", "-o", "-x"],
        ["fit", "spec.json", "--pass-state", "s.json"],     // needs --partial
        ["fit", "spec.json", "a.csv", "--input-list", "l"], // both
        ["fit", "-"],                                        // spec and data both on stdin
        ["fit"],                                             // no spec
        ["fit", "spec.json", "-q", "-q"],                    // repeated
        ["fit", "spec.json", "-qo", "x"],                    // combined short options
        ["fit", "spec.json", "--", "-a.csv"],
        ["fit", "spec.json", "--generate-completion-script", "bash"],
        ["fit", "--experimental-dump-help"],
        ["merge", "a.part", "--threads", "0"],
        ["merge", "a.part", "--chunk-size", "1M"],           // not a merge option
        ["apply", "fitted.json", "--gzip-level", "0"],
        ["apply", "fitted.json", "--extra-columns", "dorp"],
        ["apply", "fitted.json", "a.csv", "--input-list", "l"],
        ["apply", "fitted.json", "--partial"],                // not an apply option
        ["run", "spec.json", "a.csv"], ["validate", "spec.json"], ["profile", "a.csv"],
    ]

    @Test("anything else goes to ArgumentParser", arguments: declined)
    func declines(_ arguments: [String]) {
        #expect(DirectArguments.parse(arguments) == nil, "\(arguments)")
    }

    /// The options ArgumentParser declares for a command (its `--experimental-dump-help`), as
    /// name → whether it takes a value; `--help` and `--version` are its own, always declined.
    static func declaredOptions(_ command: String) throws -> [String: Bool] {
        let dump = try prepline([command, "--experimental-dump-help"])
        try #require(dump.status == 0, "\(dump)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout)) as? [String: Any])
        let arguments = try #require((root["command"] as? [String: Any])?["arguments"] as? [[String: Any]])
        var options: [String: Bool] = [:]
        for argument in arguments {
            guard let kind = argument["kind"] as? String, kind != "positional" else { continue }
            for name in argument["names"] as? [[String: Any]] ?? [] {
                let spelled = (name["kind"] as? String == "short" ? "-" : "--") + (name["name"] as? String ?? "")
                if spelled != "--help" && spelled != "-h" && spelled != "--version" { options[spelled] = kind == "option" }
            }
        }
        return options
    }

    @Test("its tables name exactly the options ArgumentParser declares, each with or without a value as there")
    func sameOptions() throws {
        func table<Request>(_ rules: [DirectArguments.Rule<Request>]) -> [String: Bool] {
            Dictionary(uniqueKeysWithValues: rules.flatMap { rule in rule.names.map { ($0, rule.takesValue) } })
        }
        #expect(table(DirectArguments.fitOptions) == (try Self.declaredOptions("fit")))
        #expect(table(DirectArguments.mergeOptions) == (try Self.declaredOptions("merge")))
        #expect(table(DirectArguments.applyOptions) == (try Self.declaredOptions("apply")))
    }

    @Test("the binary gives the same bytes, messages and exit codes by either reader")
    func bothReadersInTheBinary() throws {
        let dir = try TempDir()
        // The summary line's time and speed differ from run to run.
        let untimed = { (text: String) in text.replacingOccurrences(of: #"; [0-9.]+ s, [0-9.]+ MB/s"#, with: "", options: .regularExpression) }
        let spec = try dir.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["x"]}]}"#)
        let data = try dir.write("data.csv", "x,y\n1,a\n2,b\n4,c\n")
        // `--threads=1` and `-o=…` are ArgumentParser's spellings only: the same run through it.
        for (direct, viaParser) in [
            (["fit", spec, data, "--partial", "--threads", "1", "-o", dir.file("a.part")],
             ["fit", spec, data, "--partial", "--threads=1", "--output=\(dir.file("b.part"))"]),
            (["merge", dir.file("a.part"), dir.file("a.part"), "-o", dir.file("a.json")],
             ["merge", dir.file("a.part"), dir.file("a.part"), "--output=\(dir.file("b.json"))"]),
        ] {
            let first = try prepline(direct), second = try prepline(viaParser)
            #expect(first.status == 0 && second.status == 0, "\(first)\n\(second)")
            #expect(untimed(first.stderr).replacingOccurrences(of: "a.", with: "b.") == untimed(second.stderr).replacingOccurrences(of: "a.", with: "b.") && !first.stderr.isEmpty)
        }
        #expect(try dir.read("a.part") == dir.read("b.part"))
        let applied = try prepline(["apply", dir.file("a.json"), data, "--threads", "1", "--no-output-header"])
        let appliedViaParser = try prepline(["apply", dir.file("a.json"), data, "--threads=1", "--no-output-header"])
        #expect(applied.status == 0 && !applied.stdout.isEmpty && applied.stdout == appliedViaParser.stdout && untimed(applied.stderr) == untimed(appliedViaParser.stderr), "\(applied)\n\(appliedViaParser)")
        // Fitted specs carry the time of the fit; compare all but the training block's time.
        let strip = { (bytes: [UInt8]) in String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.contains("\"fitted_at\"") } }
        #expect(strip(try dir.read("a.json")) == strip(try dir.read("b.json")))
        // An error at run time (a missing input) is reported the same way by both.
        let missing = dir.file("missing.csv")
        let first = try prepline(["fit", spec, missing, "--partial", "--threads", "1"])
        let second = try prepline(["fit", spec, missing, "--partial", "--threads=1"])
        #expect(first.status == 3 && first.status == second.status && first.stderr == second.stderr && !first.stderr.isEmpty, "\(first)\n\(second)")
    }
}
