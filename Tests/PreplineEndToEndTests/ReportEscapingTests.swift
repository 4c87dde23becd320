import PreplineTestSupport
import Foundation
import Testing

/// Reports and messages stay readable and well-formed whatever bytes a name or a value holds
/// (issue 12: JUnit XML broken by control characters; LosslessText's private-use scalars printed).
@Suite("Report escaping")
struct ReportEscapingTests {
    /// A column name with \x01, ESC, a Latin-1 byte and U+FFFF; values with C0 controls, U+FFFE/U+FFFF,
    /// a Latin-1 byte, a quoted CR LF and XML's special characters, all of them type errors.
    static let data: [UInt8] = Array("id,n,x".utf8) + [0x01, 0x1B, 0xF6, 0xEF, 0xBF, 0xBF] + Array("\n".utf8)
        + Array("1,a".utf8) + [0x01] + Array("b,1\n".utf8)
        + Array("2,".utf8) + [0x1B] + Array("[31m,1\n".utf8)
        + Array("3,".utf8) + [0xEF, 0xBF, 0xBF, 0xEF, 0xBF, 0xBE] + Array(",1\n".utf8)
        + Array("4,caf".utf8) + [0xE9] + Array(",1\n".utf8)
        + Array("5,\"a'b\"\"&<>\r\nc\",1\n".utf8)
        + Array("6,".utf8) + [0x7F, 0x08, 0x0C, 0x1F] + Array(",1\n".utf8)

    static let spec = #"""
        {"prepline": 1, "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "n", "type": "integer"}]}}
        """#

    /// True when `text` holds one of the private-use scalars that carry invalid UTF-8 bytes.
    static func holdsEscapeScalars(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x10FE80...0x10FEFF).contains($0.value) }
    }

    @Test("JUnit XML with control characters, U+FFFE/U+FFFF and bytes that are not UTF-8 in values and a column name is well-formed")
    func junitWellFormed() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", Self.spec)
        try tmp.write("data.csv", Self.data)
        let run = try prepline(["validate", "spec.json", "data.csv", "--report", "junit:out.xml", "-q"], cwd: tmp.path)
        #expect(run.status == 1, "\(run)")
        let script = #"""
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            text = ''.join(root.itertext()) + ''.join(v for e in root.iter() for v in e.attrib.values())
            assert not any(0x10FE80 <= ord(c) <= 0x10FEFF for c in text), 'private-use escape scalar'
            for shown in ['a\\x01b', '\\x1B[31m', 'caf\\xE9', '\\uFFFF\\uFFFE', 'x\\x01\\x1B\\xF6\\uFFFF', "a'b\"&<>"]:
                assert shown in text, shown
            print(sum(1 for _ in root.iter('failure')))
            """#
        let parsed = try runProcess(try E2E.tool("env"), ["python3", "-c", script, tmp.file("out.xml")], timeout: 60)
        #expect(parsed.status == 0, "\(parsed)")
        if let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first(where: FileManager.default.isExecutableFile) {
            let lint = try runProcess(xmllint, ["--noout", tmp.file("out.xml")])
            #expect(lint.status == 0, "\(lint)")
        }
    }

    @Test("the JSON report of the same data is valid JSON that keeps every value")
    func jsonParses() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", Self.spec)
        try tmp.write("data.csv", Self.data)
        let run = try prepline(["validate", "spec.json", "data.csv", "--report", "json", "-q"], cwd: tmp.path)
        #expect(run.status == 1, "\(run)")
        let script = #"""
            import sys, json
            report = json.loads(sys.stdin.buffer.read().decode('utf-8'))
            cells = [e.get('cell') for e in report['errors']]
            assert 'a\x01b' in cells and '\x1b[31m' in cells and '\uffff\ufffe' in cells, cells
            assert "a'b\"&<>\r\nc" in cells, cells
            assert 'caf\\xE9' in cells, cells
            print(len(report['errors']))
            """#
        let parsed = try runProcess(try E2E.tool("env"), ["python3", "-c", script], stdin: .pipe(run.stdout), timeout: 60)
        #expect(parsed.status == 0, "\(parsed)")
    }

    @Test("github annotations: one line per error, CR and LF as %0D %0A, bytes that are not UTF-8 as \\xE9")
    func githubOneLineEach() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", Self.spec)
        try tmp.write("data.csv", Self.data)
        let run = try prepline(["validate", "spec.json", "data.csv", "--report", "github", "-q"], cwd: tmp.path)
        #expect(run.status == 1, "\(run)")
        let lines = run.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("::error file=data.csv") && !$0.contains("\r") }, "\(run)")
        #expect(run.stdoutText.contains("%0D%0A") && run.stdoutText.contains("caf\\xE9"), "\(run)")
        #expect(!Self.holdsEscapeScalars(run.stdoutText), "\(run)")
    }

    @Test("the text report and error messages show bytes that are not UTF-8 as \\xF6, not as private-use characters")
    func messagesShowBytes() throws {
        let tmp = try TempDir()
        // "Größe" and "café" in Latin-1.
        try tmp.write("in.csv", Array("Gr".utf8) + [0xF6, 0xDF] + Array("e,b\n1,caf".utf8) + [0xE9] + Array("\n".utf8))
        try tmp.write("scale.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["b"], "method": "minmax"}]}"#)
        try tmp.write("unknown.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["nope"]}]}"#)
        try tmp.write("onehot.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["b"], "categories": {"b": ["tea"]}}]}"#)
        try tmp.write("schema.json", #"{"prepline": 1, "schema": {"fields": [{"name": "Größe", "type": "integer"}, {"name": "b", "type": "integer"}]}}"#)
        let cases: [(String, String)] = [("scale.json", "caf\\xE9"), ("unknown.json", "Gr\\xF6\\xDFe"), ("onehot.json", "caf\\xE9")]
        for (spec, shown) in cases {
            let run = try prepline(["run", spec, "in.csv", "-q"], cwd: tmp.path)
            #expect(run.status != 0, "\(spec): \(run)")
            #expect(run.stderr.contains(shown) && !Self.holdsEscapeScalars(run.stderr), "\(spec): \(run)")
        }
        let validate = try prepline(["validate", "schema.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(validate.status == 1, "\(validate)")
        #expect(validate.stderr.contains("Gr\\xF6\\xDFe") && validate.stderr.contains("caf\\xE9"), "\(validate)")
        #expect(!Self.holdsEscapeScalars(validate.stderr), "\(validate)")
    }
}
