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

extension FitPassesTests {
    /// The review's findings on the first version of fit passes, each pinned.
    @Test("a row skipped in any pass is left out of every pass: the same fit as without the row")
    func skippedRowsLeaveEveryPass() throws {
        let dir = try TempDir("prepline-passes-skip")
        let spec = try dir.write("spec.json", """
            {"prepline": 1, "output": {"on_error": "skip"}, "stages": [
              {"stage": "onehot", "columns": ["c"]},
              {"stage": "fill", "columns": ["y"]},
              {"stage": "fill", "columns": ["x"], "strategy": "most_frequent"},
              {"stage": "scale", "columns": ["x", "c_a"]}
            ]}
            """)
        let withBad = try dir.write("bad.csv", "c,x,y\na,1,1\nb,2,2\nzz,abc,3\na,2.0,\nb,,5\n")
        let without = try dir.write("good.csv", "c,x,y\na,1,1\nb,2,2\na,2.0,\nb,,5\n")
        let fitBad = try prepline(["fit", spec, withBad, "-q"])
        let fitGood = try prepline(["fit", spec, without, "-q"])
        #expect(fitBad.status == 0 && fitGood.status == 0, "\(fitBad.stderr)\(fitGood.stderr)")
        // The same spec but for the training block, which counts the bad row as read and left out.
        func withoutTraining(_ text: String) -> String { text.replacingOccurrences(of: #"  "training": \{[^}]*\},\n"#, with: "", options: .regularExpression) }
        #expect(withoutTraining(fitBad.stdoutText) == withoutTraining(fitGood.stdoutText), "bad row:\n\(fitBad.stdoutText)\nwithout it:\n\(fitGood.stdoutText)")
        #expect(fitBad.stdoutText.contains("\"rows\": 5,\n    \"rows_left_out\": 1,"), "\(fitBad.stdoutText)")
        // x is numeric for the later pass's scaler, so the fill learned a number, not "2".
        #expect(fitGood.stdoutText.contains("\"value\": 2\n") || fitGood.stdoutText.contains("\"value\": 2,") || fitGood.stdoutText.contains("\"value\": 2 "), "\(fitGood.stdoutText)")
        #expect(!fitGood.stdoutText.contains("\"value\": \"2"), "\(fitGood.stdoutText)")
    }

    @Test("stages that read one-hot or indicator columns as text run (they trapped)")
    func textStagesOnFlagColumns() throws {
        let dir = try TempDir("prepline-passes-flags")
        let onOneHot = try dir.write("a.json", """
            {"prepline": 1, "stages": [{"stage": "onehot", "columns": ["species"]},
              {"stage": "fill", "columns": ["species_*"], "strategy": "most_frequent"}]}
            """)
        let onIndicator = try dir.write("b.json", """
            {"prepline": 1, "stages": [{"stage": "fill", "columns": ["sex"], "strategy": "constant", "value": "u", "indicator": true},
              {"stage": "onehot", "columns": ["sex_missing"]}]}
            """)
        let a = try prepline(["run", onOneHot, Self.penguins, "-q"])
        let b = try prepline(["run", onIndicator, Self.penguins, "-q"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(b.status == 0 && b.stdoutText.hasPrefix("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,sex_missing_0,sex_missing_1,year"), "\(b.stderr)")
    }

    @Test("spec errors of a later pass are reported before any data is read; a produced name that is a column is an error")
    func laterPassErrors() throws {
        let dir = try TempDir("prepline-passes-errors")
        let typo = try dir.write("typo.json", """
            {"prepline": 1, "stages": [{"stage": "onehot", "columns": ["species"]},
              {"stage": "scale", "columns": ["species_Adelie", "bil_length_mm"]}]}
            """)
        // The typo is in a stage of the second pass: reported by the first, before any data.
        let early = try prepline(["fit", typo, Self.penguins])
        #expect(early.status == 2 && early.stderr.contains("unknown column 'bil_length_mm' (did you mean \"bill_length_mm\"?)"), "\(early.stderr)")
        let clash = try dir.write("clash.json", """
            {"prepline": 1, "stages": [{"stage": "onehot", "columns": ["species"]},
              {"stage": "scale", "columns": ["species_a"], "method": "minmax"}]}
            """)
        let data = try dir.write("clash.csv", "species,species_a,v\na,10,1\nb,20,2\n")
        let collision = try prepline(["run", clash, data])
        #expect(collision.status == 2 && collision.stderr.contains("column 'species_a' would be written twice, by stages[0] onehot from 'species' and by input column 2"), "\(collision.stderr)")
        let unfitted = try dir.write("unfitted.json", Self.spec)
        let apply = try prepline(["apply", unfitted, Self.penguins])
        #expect(apply.status == 2 && apply.stderr.contains("stages[0]: the onehot stage has no fitted parameters"), "\(apply.stderr)")
    }
}

private extension TempDir {
    func readFile(_ path: String) throws -> [UInt8] { try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }
}
