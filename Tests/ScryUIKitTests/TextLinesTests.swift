import Testing
@testable import ScryUIKit

@Suite("Text lines")
struct TextLinesTests {
    @Test func splitsOnNewlinesAndEscapesTheRest() {
        #expect(TextLines.split(Array("a\nb\n".utf8)).map(\.displayString) == ["a", "b"])
        #expect(TextLines.split(Array("a\n\nb".utf8)).map(\.displayString) == ["a", "", "b"])
        #expect(TextLines.split([]).isEmpty)
        #expect(TextLines.split([0x0A]).map(\.displayString) == [""])
        #expect(TextLines.split(Array("a\r\nb".utf8)).map(\.displayString) == ["a\\r", "b"])
        #expect(TextLines.split([0xFF, 0x0A, 0x1B, 0xC3]).map(\.displayString) == ["\\xff", "\\x1b\\xc3"])
    }

    @Test func prettyPrintsKeepingKeyOrder() throws {
        let json = #"{"b":1,"a":[true,null,{"z":"x","y":[]}],"c":{},"d":-1.5e3}"#
        let lines = try #require(TextLines.prettyJSON(Array(json.utf8)))
        #expect(lines.map(\.displayString) == [
            "{",
            #"  "b": 1,"#,
            #"  "a": ["#,
            "    true,",
            "    null,",
            "    {",
            #"      "z": "x","#,
            #"      "y": []"#,
            "    }",
            "  ],",
            #"  "c": {},"#,
            #"  "d": -1.5e3"#,
            "}",
        ])
    }

    @Test func reindentsWhateverTheInputLayout() throws {
        let json = " [\n\t[ 1 ,2 ] ,\r\n  \"猫\" ] \n"
        #expect(try #require(TextLines.prettyJSON(Array(json.utf8))).map(\.displayString) == [
            "[", "  [", "    1,", "    2", "  ],", #"  "猫""#, "]",
        ])
        #expect(TextLines.prettyJSON(Array("42".utf8))?.map(\.displayString) == ["42"])
        #expect(TextLines.prettyJSON(Array(#""s""#.utf8))?.map(\.displayString) == [#""s""#])
    }

    @Test(arguments: [#"{"a":1"#, #"{"a":1} x"#, "", "   ", "{'a':1}", "[1,]", #"{"a":1,}"#, "[1,,2]", #"{"a":1,:2}"#, #"{"a"}"#, #"{1:2}"#, "[1]]", #"{"a" 1}"#, "nul", "\"raw\u{1}control\""])
    func rejectsWhatIsNotOneJSONValue(_ text: String) {
        #expect(TextLines.prettyJSON(Array(text.utf8)) == nil)
    }

    @Test func rejectsInvalidUTF8AndWhatIsOverTheLimit() {
        #expect(TextLines.prettyJSON([0x22, 0xFF, 0x22]) == nil)
        let big = Array(("[" + String(repeating: "1,", count: 100) + "1]").utf8)
        #expect(TextLines.prettyJSON(big) != nil)
        #expect(TextLines.prettyJSON(big, limit: 100) == nil)
    }

    @Test func escapesInsideStringsAreMarkedAndRawHostileTextIsEscaped() throws {
        let json = "{\"k\\n\":\"a\\u001b[31m\\\"\u{202E}\u{9B}\"}"
        let lines = try #require(TextLines.prettyJSON(Array(json.utf8)))
        #expect(lines.map(\.displayString) == ["{", #"  "k\n": "a\u001b[31m\"\u202e\u009b""#, "}"])
        #expect(lines[1].pieces == [
            .text(#"  "k"#), .escaped(#"\n"#), .text(#"": "a"#), .escaped(#"\u001b"#), .text("[31m"), .escaped(#"\"\u202e\u009b"#), .text(#"""#),
        ])
    }
}
