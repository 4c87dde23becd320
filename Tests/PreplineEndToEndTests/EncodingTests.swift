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
}
