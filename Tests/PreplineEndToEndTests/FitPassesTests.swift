import Foundation
import Testing

/// A stage on the columns an earlier stage makes fits in a second pass (DESIGN A2, B2): what
/// the user sees of it. The numbers against scikit-learn's Pipeline are in the conformance cases
/// (`chain-onehot-*`).
@Suite("fit passes")
struct FitPassesTests {
    static let spec = """
        {"prepline": 1, "stages": [
          {"stage": "onehot", "columns": ["species"]},
          {"stage": "scale", "columns": ["species_*", "bill_length_mm"]}
        ]}
        """

    static var penguins: String { E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path }

    @Test("explain names the stage that waits for a second pass, and why")
    func explainListsThePasses() throws {
        let dir = try TempDir("prepline-passes")
        let spec = try dir.write("spec.json", Self.spec)
        let result = try prepline(["explain", spec, Self.penguins])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("fits in a second pass"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("'species_*' names columns that stages[0] onehot makes from 'species'"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("fit:   2 or more passes"), "\(result.stdoutText)")
    }

    @Test("fit from stdin reads it twice through a temporary copy: the same fitted spec as from the file")
    func stdinIsKeptForTheSecondPass() throws {
        let dir = try TempDir("prepline-passes-stdin")
        let spec = try dir.write("spec.json", Self.spec)
        let fromFile = try prepline(["fit", spec, Self.penguins, "-q"])
        let fromStdin = try prepline(["fit", spec, "-", "-q"], stdin: .file(Self.penguins))
        let fromPipe = try prepline(["fit", spec, "-q"], stdin: .pipe(try dir.readFile(Self.penguins)))
        #expect(fromFile.status == 0 && fromStdin.status == 0 && fromPipe.status == 0, "\(fromFile.stderr)\(fromStdin.stderr)\(fromPipe.stderr)")
        #expect(fromStdin.stdout == fromFile.stdout && fromPipe.stdout == fromFile.stdout)
        #expect(fromFile.stdoutText.contains("\"species_Gentoo\""), "the second pass fitted the one-hot columns: \(fromFile.stdoutText)")
        // apply reads the fitted spec back and writes what run writes.
        let fitted = try dir.write("fitted.json", fromFile.stdout)
        let applied = try prepline(["apply", fitted, Self.penguins, "-q"])
        let run = try prepline(["run", spec, Self.penguins, "-q"])
        #expect(applied.status == 0 && run.status == 0 && applied.stdout == run.stdout)
    }

    @Test("a produced name that does not exist is a spec error listing the produced columns")
    func unknownProducedName() throws {
        let dir = try TempDir("prepline-passes-typo")
        let spec = try dir.write("spec.json", """
            {"prepline": 1, "stages": [
              {"stage": "onehot", "columns": ["species"]},
              {"stage": "scale", "columns": ["species_Gentooo"]}
            ]}
            """)
        let result = try prepline(["run", spec, Self.penguins])
        #expect(result.status == 2)
        #expect(result.stderr.contains("stages[1].columns[0]: 'species_Gentooo' is not one of the columns made from 'species' (did you mean \"species_Gentoo\"?)"), "\(result.stderr)")
    }
}

private extension TempDir {
    func readFile(_ path: String) throws -> [UInt8] { try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }
}
