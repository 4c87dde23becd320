import Foundation
import Testing

/// The repository's shell scripts (the bench harness, the CI entry, the Hadoop recipe) are not
/// run by any other test, so a merge that drops a closing brace would go unnoticed until someone
/// benchmarks. `bash -n` parses each one without running it.
@Suite struct ShellScriptTests {
    /// Every file under these folders whose first line is a shell shebang.
    static func shellScripts() throws -> [String] {
        let root = E2E.packageRoot.path
        var scripts: [String] = []
        for folder in [".ci", "bench", "docs", "Tests"] {
            guard let walker = FileManager.default.enumerator(atPath: "\(root)/\(folder)") else { continue }
            while let relative = walker.nextObject() as? String {
                // Generated benchmark data and outputs are not scripts.
                if relative.hasPrefix("data/") || relative.hasPrefix("out/") || relative.hasSuffix(".csv") { walker.skipDescendants(); continue }
                let path = "\(root)/\(folder)/\(relative)"
                guard let handle = FileHandle(forReadingAtPath: path) else { continue }
                let head = (try? handle.read(upToCount: 64)) ?? nil
                try? handle.close()
                guard let head, let line = String(data: head, encoding: .utf8)?.split(separator: "\n").first else { continue }
                if line.hasPrefix("#!") && (line.hasSuffix("bash") || line.hasSuffix("/sh") || line.hasSuffix(" sh")) {
                    scripts.append("\(folder)/\(relative)")
                }
            }
        }
        return scripts.sorted()
    }

    @Test func everyShellScriptParses() throws {
        let scripts = try Self.shellScripts()
        // The walk must find the scripts it is meant to guard, or the check below proves nothing.
        for expected in [".ci/run", "bench/run.sh", "bench/partial_fit.sh", "docs/hadoop/mapper.sh"] {
            #expect(scripts.contains(expected), "\(expected) not found among \(scripts)")
        }
        let bash = try E2E.tool("bash")
        for script in scripts {
            let result = try runProcess(bash, ["-n", E2E.packageRoot.appendingPathComponent(script).path])
            #expect(result.status == 0, "bash -n \(script): \(result.stderr)")
        }
    }

    /// bench/README.md's options table had two `--workloads LIST` rows (one named hashtfidf, the
    /// other clean, neither split, shaped or profile): one row names every workload_* function of
    /// bench/run.sh, and the script's usage line lists them too.
    @Test func theBenchReadmeListsEveryWorkload() throws {
        let script = String(decoding: try Data(contentsOf: E2E.packageRoot.appendingPathComponent("bench/run.sh")), as: UTF8.self)
        let readme = String(decoding: try Data(contentsOf: E2E.packageRoot.appendingPathComponent("bench/README.md")), as: UTF8.self)
        let defined = script.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("workload_"), let end = line.firstIndex(of: "(") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: "workload_".count)..<end])
        }
        #expect(defined.count >= 9 && defined.contains("profile") && defined.contains("passthrough"), "\(defined)")
        func names(_ text: Substring) -> Set<String> {
            Set(text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)).intersection(defined)
        }
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `--workloads LIST`") }
        #expect(rows.count == 1, "one --workloads row: \(rows)")
        if let row = rows.first {
            let listed = row.split(separator: "|").dropFirst(2).first ?? ""  // the "meaning" cell
            #expect(names(listed) == Set(defined), "the row names every workload: \(row)")
        }
        let usage = script.split(separator: "\n").first { $0.contains("[--workloads") } ?? ""
        #expect(names(usage) == Set(defined), "run.sh's usage: \(usage)")
    }
}
