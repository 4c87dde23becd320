import PreplineTestSupport
import Foundation
import Testing

/// Header bytes kept exactly, and `input.encoding` (DESIGN.md G2).
@Suite("Encodings")
struct EncodingTests {
    /// `Gr\xF6\xDFe` is "Größe" in Latin-1: not UTF-8.
    static let latinHeader: [UInt8] = Array("Gr".utf8) + [0xF6, 0xDF] + Array("e,b\nx,caf".utf8) + [0xE9] + Array("\ny,tea\n".utf8)

    @Test("a pass-through writes a header that is not UTF-8 exactly as it was read")
    func headerBytesKept() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", Self.latinHeader)
        for threads in ["1", "2"] {
            let result = try prepline(["run", "spec.json", "in.csv", "-q", "--threads", threads], cwd: tmp.path)
            #expect(result.status == 0, "\(result)")
            expectSameBytes(result.stdout, Self.latinHeader, "\(result)")
        }
    }

    @Test("one-hot names are built from the bytes of the column name and of the category")
    func oneHotNamesKeepBytes() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.latinHeader)
        try tmp.write("values.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["b"]}]}"#)
        try tmp.write("names.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["Gr*"]}]}"#)
        let values = try prepline(["run", "values.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(values.status == 0, "\(values)")
        expectSameBytes(values.stdout, Array("Gr".utf8) + [0xF6, 0xDF] + Array("e,b_caf".utf8) + [0xE9] + Array(",b_tea\nx,1,0\ny,0,1\n".utf8), "\(values)")
        let names = try prepline(["run", "names.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(names.status == 0, "\(names)")
        let grosse = Array("Gr".utf8) + [0xF6, 0xDF] + Array("e".utf8)
        expectSameBytes(names.stdout, grosse + Array("_x,".utf8) + grosse + Array("_y,b\n1,0,caf".utf8) + [0xE9] + Array("\n0,1,tea\n".utf8), "\(names)")
    }

    @Test("fit then apply on a category that is not UTF-8 gives what run gives (the fitted spec keeps its bytes)")
    func fittedCategoryBytes() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.latinHeader)
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["b"]}, {"stage": "fill", "columns": ["Gr*"], "strategy": "most_frequent"}]}"#)
        let run = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(run.status == 0, "\(run)")
        let fit = try prepline(["fit", "spec.json", "in.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        #expect(fit.status == 0, "\(fit)")
        let apply = try prepline(["apply", "fitted.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(apply.status == 0, "\(apply)")
        expectSameBytes(apply.stdout, run.stdout, "\(apply)")
    }

    @Test("validate --against a spec fitted on categories that are not UTF-8 sees no unseen category in the same data")
    func driftOnFittedBytes() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.latinHeader)
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["b"]}]}"#)
        try tmp.write("pass.json", passthroughSpec)
        let fit = try prepline(["fit", "spec.json", "in.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        #expect(fit.status == 0, "\(fit)")
        let validate = try prepline(["validate", "pass.json", "in.csv", "--against", "fitted.json"], cwd: tmp.path)
        #expect(validate.status == 0 && !validate.stderr.contains("unseen"), "\(validate)")
        try tmp.write("new.csv", Array("Gr".utf8) + [0xF6, 0xDF] + Array("e,b\nx,t".utf8) + [0xEA, 0x0A])
        let drifted = try prepline(["validate", "pass.json", "new.csv", "--against", "fitted.json"], cwd: tmp.path)
        #expect(drifted.status == 1 && drifted.stderr.contains("'t\\xEA'"), "\(drifted)")
    }

    @Test("explain prints a column name that is not UTF-8 as its bytes")
    func explainKeepsBytes() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.latinHeader)
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["Gr*"]}]}"#)
        let explain = try prepline(["explain", "spec.json", "--input", "in.csv"], cwd: tmp.path)
        let grosse = Array("Gr".utf8) + [0xF6, 0xDF] + Array("e".utf8)
        #expect(explain.status == 0 && explain.stdout.firstRange(of: grosse) != nil, "\(explain)")
        #expect(explain.stdout.firstRange(of: [0xF4, 0x8F]) == nil, "no escape scalar may reach the output: \(explain)")
    }

    // MARK: input.encoding

    /// Random records whose fields are any byte but the structural ones (and, for cp1252, its
    /// undefined bytes), so a pass-through writes them unquoted: the output is the input decoded.
    static func randomSingleByteCSV(excluding undefined: Set<UInt8>, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        let alphabet = (0x20...0xFF).map(UInt8.init).filter { $0 != 0x2C && $0 != 0x22 && $0 != 0x7F && !undefined.contains($0) }
        var bytes = Array("Gr".utf8) + [0xF6, 0xDF] + Array("e,caf".utf8) + [0xE9] + Array(",x".utf8) + [0xA4, 0x0A]
        for _ in 0..<3000 {
            for f in 0..<3 {
                if f > 0 { bytes.append(0x2C) }
                for _ in 0..<(1 + Int(rng.next() % 8)) { bytes.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            }
            bytes.append(0x0A)
        }
        return bytes
    }

    @Test("latin-1 and cp1252 input is written as the UTF-8 Python decodes, at any threads and chunk size",
          arguments: [("latin-1", Set<UInt8>()), ("cp1252", Set<UInt8>([0x81, 0x8D, 0x8F, 0x90, 0x9D]))])
    func decodesLikePython(_ encoding: String, _ undefined: Set<UInt8>) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "input": {"encoding": "\#(encoding)"}, "stages": []}"#)
        try tmp.write("in.csv", Self.randomSingleByteCSV(excluding: undefined, seed: 12))
        let script = "import sys; open('expected.csv', 'wb').write(open('in.csv', encoding=sys.argv[1], newline='').read().encode('utf-8'))"
        let python = try runProcess(try E2E.tool("env"), ["python3", "-c", script, encoding], cwd: tmp.path, timeout: 60)
        try #require(python.status == 0, "\(python)")
        let expected = try tmp.read("expected.csv")
        for (threads, chunk) in [("1", "1M"), ("2", "1K"), ("2", "7")] {
            let result = try prepline(["run", "spec.json", "in.csv", "-q", "--threads", threads, "--chunk-size", chunk], cwd: tmp.path)
            #expect(result.status == 0, "\(result)")
            expectSameBytes(result.stdout, expected, "\(encoding) threads \(threads) chunk \(chunk)")
        }
        let stdin = try prepline(["apply", "spec.json", "-q"], stdin: .pipe(try tmp.read("in.csv")), cwd: tmp.path)
        expectSameBytes(stdin.stdout, expected, "\(encoding) from stdin: \(stdin)")
    }

    @Test("cp1252's undefined bytes are a malformed-input error naming file, line and column, as Python's codec refuses them",
          arguments: [UInt8(0x81), 0x8D, 0x8F, 0x90, 0x9D])
    func cp1252Undefined(_ byte: UInt8) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "input": {"encoding": "cp1252"}, "stages": []}"#)
        try tmp.write("in.csv", Array("a,b\nx,y\n\"q\nr\",ab".utf8) + [byte] + Array("c\n".utf8))
        let hex = String(byte, radix: 16, uppercase: true)
        for chunk in ["1M", "1"] {
            let result = try prepline(["run", "spec.json", "in.csv", "--chunk-size", chunk], cwd: tmp.path)
            #expect(result.status == 3, "\(result)")
            #expect(result.stderr.contains("in.csv:4:6: byte 0x\(hex) is not a character in cp1252"), "\(result)")
        }
        let python = try runProcess(try E2E.tool("env"), ["python3", "-c", "open('in.csv', encoding='cp1252').read()"], cwd: tmp.path)
        #expect(python.status != 0 && python.stderr.contains("UnicodeDecodeError"), "Python's cp1252 must refuse the byte too: \(python)")
    }

    @Test("one-hot on a Latin-1 column: the names and values scikit-learn's OneHotEncoder and pandas' get_dummies give on the decoded data")
    func oneHotLatin1LikeScikitLearn() throws {
        let tmp = try TempDir()
        var rng = SplitMix64(seed: 5)
        // Zürich, Århus, Malmö, Oslo, São, été, zz in Latin-1.
        let cities: [[UInt8]] = [[0x5A, 0xFC, 0x72, 0x69, 0x63, 0x68], [0xC5, 0x72, 0x68, 0x75, 0x73], [0x4D, 0x61, 0x6C, 0x6D, 0xF6],
                                 [0x4F, 0x73, 0x6C, 0x6F], [0x53, 0xE3, 0x6F], [0xE9, 0x74, 0xE9], [0x7A, 0x7A]]
        var bytes = Array("id,ville,pr".utf8) + [0xEA, 0x74] + Array("\n".utf8)
        for i in 0..<200 {
            bytes += Array("\(i),".utf8) + cities[Int(rng.next() % UInt64(cities.count))] + Array(",\(rng.next() % 3)\n".utf8)
        }
        try tmp.write("in.csv", bytes)
        try tmp.write("spec.json", #"{"prepline": 1, "input": {"encoding": "latin-1"}, "stages": [{"stage": "onehot", "columns": ["ville"]}]}"#)
        let run = try prepline(["run", "spec.json", "in.csv", "-o", "run.csv", "-q"], cwd: tmp.path)
        #expect(run.status == 0, "\(run)")
        let fit = try prepline(["fit", "spec.json", "in.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        let apply = try prepline(["apply", "fitted.json", "in.csv", "-o", "apply.csv", "-q"], cwd: tmp.path)
        #expect(fit.status == 0 && apply.status == 0, "\(fit) \(apply)")
        let script = """
            import sys, numpy as np, pandas as pd
            from sklearn.preprocessing import OneHotEncoder
            data = pd.read_csv("in.csv", encoding="latin-1", dtype=str, keep_default_na=False)
            encoder = OneHotEncoder(sparse_output=False).fit(data[["ville"]])
            names = list(encoder.get_feature_names_out())
            dummies = pd.get_dummies(data["ville"], prefix="ville", dtype=int)
            assert sorted(dummies.columns) == sorted(names), (list(dummies.columns), names)
            expected = pd.concat([data[["id"]], pd.DataFrame(encoder.transform(data[["ville"]]).astype(int), columns=names), data[["prêt"]]], axis=1)
            for out in ["run.csv", "apply.csv"]:
                got = pd.read_csv(out, encoding="utf-8", dtype=str, keep_default_na=False)
                assert list(got.columns) == list(expected.columns), (out, list(got.columns), list(expected.columns))
                assert (got.astype(str).to_numpy() == expected.astype(str).to_numpy()).all(), out
            print("equal")
            """
        let result = try runProcess(try E2E.tool("env"), ["python3", "-c", script], cwd: tmp.path, timeout: 120)
        #expect(result.status == 0 && result.stdoutText == "equal\n", "\(result)")
    }

    @Test("validate and explain read the encoding too: a schema field spelled in UTF-8 names a Latin-1 column")
    func validateAndExplainHonourEncoding() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.latinHeader)
        try tmp.write("spec.json", #"{"prepline": 1, "input": {"encoding": "latin-1"}, "schema": {"fields": [{"name": "Größe", "type": "string", "constraints": {"enum": ["x", "y"]}}, {"name": "b", "type": "string", "constraints": {"enum": ["café", "tea"]}}]}, "stages": [{"stage": "onehot", "columns": ["Größe"]}]}"#)
        let validate = try prepline(["validate", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(validate.status == 0, "\(validate)")
        let explain = try prepline(["explain", "spec.json", "--input", "in.csv"], cwd: tmp.path)
        #expect(explain.status == 0 && explain.stdoutText.contains("Größe"), "\(explain)")
    }

    @Test("input.encoding takes only the encodings prepline decodes")
    func unknownEncoding() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "input": {"encoding": "ebcdic"}}"#)
        let result = try prepline(["run", "spec.json", "-"], cwd: tmp.path)
        #expect(result.status == 2 && result.stderr.contains("input.encoding"), "\(result)")
    }

    @Test("a UTF-8 BOM is stripped from every input; latin-1 and cp1252 have no BOM: its bytes are the text ï»¿, as Python decodes them",
          arguments: ["utf-8", "latin-1", "cp1252"])
    func byteOrderMark(_ encoding: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "input": {"encoding": "\#(encoding)"}, "stages": []}"#)
        try tmp.write("a.csv", [0xEF, 0xBB, 0xBF] + Array("id,b\n1,2\n".utf8))
        try tmp.write("b.csv", [0xEF, 0xBB, 0xBF] + Array("id,b\n3,4\n".utf8))
        let script = "import sys; sys.stdout.buffer.write(open('a.csv', encoding=sys.argv[1].replace('utf-8', 'utf-8-sig'), newline='').read().encode('utf-8'))"
        let python = try runProcess(try E2E.tool("env"), ["python3", "-c", script, encoding], cwd: tmp.path, timeout: 60)
        try #require(python.status == 0, "\(python)")
        let result = try prepline(["run", "spec.json", "a.csv", "b.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        expectSameBytes(result.stdout, python.stdout + Array("3,4\n".utf8), "\(encoding): \(result)")
    }
}
