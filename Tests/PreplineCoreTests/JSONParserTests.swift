import Testing
@testable import PreplineCore

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesAndKeepsKeyOrder() throws {
        let value = try JSONParser.parse(Array(#"{"b": [1, 2.5, -3e2], "a": {"x": null, "y": true}, "s": "é\n\u00e9"}"#.utf8))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "s"])
        #expect(value["b"] == .array([.number(1), .number(2.5), .number(-300)]))
        #expect(value["s"] == .string("é\né"))
    }

    @Test func reportsLineAndColumnOfSyntaxErrors() {
        do {
            _ = try JSONParser.parse(Array("{\n  \"a\": 1,\n  \"b\" 2\n}".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 7)
        }
    }

    @Test func rejectsDuplicateKeysAndTrailingText() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(#"{"a": 1, "a": 2}"#.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(#"{} x"#.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(#"[01]"#.utf8)) }
    }
}
