import ScryCore
import Testing

/// The one row encoder behind `scry sql` and every export. Byte-for-byte agreement with
/// `psql --csv` is shown against the real server in `SQLCommandTests`; these pin the rules.
@Suite("Row encoder")
struct RowEncoderTests {
    static func bytes(_ text: String?) -> [UInt8]? { text.map { Array($0.utf8) } }

    static func encode(_ format: ExportFormat, _ columns: [ExportColumn], _ rows: [[String?]]) -> String {
        var encoder = RowEncoder(format: format, columns: columns)
        var out = encoder.header()
        for row in rows { out += encoder.encode(row.map(bytes)) }
        out += encoder.footer()
        return String(decoding: out, as: UTF8.self)
    }

    @Test func csvQuotesOnlyWhatPsqlQuotes() {
        let columns = [ExportColumn("a"), ExportColumn("b,c"), ExportColumn("d")]
        let text = Self.encode(.csv, columns, [
            [nil, "", " spaced "],
            ["x,y", "say \"hi\"", "two\nlines"],
            ["\\.", "cr\rhere", "\\.."],
        ])
        #expect(text == "a,\"b,c\",d\n,, spaced \n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\"\\.\",\"cr\rhere\",\\..\n")
    }

    @Test func csvKeepsTheStoresBytes() {
        var encoder = RowEncoder(format: .csv, columns: [ExportColumn("v")])
        #expect(encoder.encode([[0xFF, 0xFE, 0x1B]]) == [0xFF, 0xFE, 0x1B, 0x0A])
    }

    @Test func ndjsonTypesNumbersBooleansAndJSON() {
        let columns = [ExportColumn("n", kind: .number), ExportColumn("b", kind: .boolean), ExportColumn("j", kind: .json), ExportColumn("t")]
        let text = Self.encode(.ndjson, columns, [
            ["-1.5e+30", "t", "{\"a\":\n1}", "\u{1B}[31m\"q\"\\\u{2028}"],
            ["NaN", "f", nil, nil],
            ["01", "x", "[]", "猫"],
        ])
        #expect(text == """
            {"n":-1.5e+30,"b":true,"j":{"a": 1},"t":"\\u001b[31m\\"q\\"\\\\\\u2028"}
            {"n":"NaN","b":false,"j":null,"t":null}
            {"n":"01","b":"x","j":[],"t":"猫"}

            """)
    }

    @Test func jsonIsAnArrayAndRepeatedNamesGetSuffixes() {
        let columns = [ExportColumn("a"), ExportColumn("a"), ExportColumn("a_2"), ExportColumn("a")]
        #expect(RowEncoder(format: .json, columns: columns).keys == ["a", "a_3", "a_2", "a_4"])
        #expect(Self.encode(.json, [ExportColumn("a")], []) == "[]\n")
        #expect(Self.encode(.json, [ExportColumn("a")], [["1"], ["2"]]) == "[\n{\"a\":\"1\"},\n{\"a\":\"2\"}\n]\n")
    }

    @Test func invalidUTF8BecomesReplacementInJSON() {
        var encoder = RowEncoder(format: .ndjson, columns: [ExportColumn("v")])
        #expect(String(decoding: encoder.encode([[0x61, 0xFF]]), as: UTF8.self) == "{\"v\":\"a\u{FFFD}\"}\n")
    }

    @Test(arguments: [("x.csv", ExportFormat.csv), ("a/b.JSON", .json), ("rows.ndjson", .ndjson), ("rows.jsonl", .ndjson)])
    func formatFromFileName(name: String, format: ExportFormat) {
        #expect(ExportFormat(fileName: name) == format)
    }

    @Test func noFormatFromAnUnknownExtension() {
        #expect(ExportFormat(fileName: "rows.txt") == nil)
        #expect(ExportFormat(fileName: "dir.csv/rows") == nil)
    }
}
