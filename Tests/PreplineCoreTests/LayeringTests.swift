import Foundation
import Testing

/// The format seams keep dependencies one way: Engine uses IO, IO never names an Engine type
/// (README, "Project layout"). Checked on the source text, so a new reference fails here rather
/// than in a review.
@Suite struct LayeringTests {
    private static let core = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/PreplineCore")

    private static func swiftFiles(in folder: String) throws -> [URL] {
        let directory = core.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
            .sorted { $0.path < $1.path }
    }

    /// The code of a file without its comments (doc comments may name the engine that calls it).
    private static func code(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line) }
            .joined(separator: "\n")
    }

    @Test func ioNamesNoEngineType() throws {
        let declaration = try NSRegularExpression(pattern: #"\b(?:struct|class|enum|protocol|typealias|actor)\s+([A-Z][A-Za-z0-9_]*)"#)
        var engineTypes: Set<String> = []
        for file in try Self.swiftFiles(in: "Engine") {
            let text = try Self.code(file)
            for match in declaration.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                engineTypes.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(engineTypes.contains("Batch") && engineTypes.contains("ChunkWork") && engineTypes.contains("TransformRun"))
        let ioFiles = try Self.swiftFiles(in: "IO")
        #expect(!ioFiles.isEmpty)
        var uses: [String] = []
        for file in ioFiles {
            let text = try Self.code(file)
            for name in engineTypes.sorted() {
                let word = try NSRegularExpression(pattern: "\\b\(name)\\b")
                if word.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                    uses.append("IO/\(file.lastPathComponent) uses \(name)")
                }
            }
        }
        #expect(uses.isEmpty, "\(uses.joined(separator: "; "))")
    }
}
