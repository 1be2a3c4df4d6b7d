import Testing
@testable import ScryCore

/// `:export`'s pure rules: the command's format and file, and the views held whole as tables.
@Suite("View export")
struct ViewExportTests {
    @Test func theFormatComesFromTheWordBeforeTheFileOrFromItsExtension() throws {
        func parsed(_ text: String) -> String {
            switch ExportFormat.parseCommand(text) {
            case .success(let value): return "\(value.format.rawValue) \(value.path)"
            case .failure(let error): return error.description
            }
        }
        #expect(parsed("rows.csv") == "csv rows.csv")
        #expect(parsed("out/Rows.JSON") == "json out/Rows.JSON")
        #expect(parsed("rows.jsonl") == "ndjson rows.jsonl")
        #expect(parsed("csv rows.out") == "csv rows.out")
        #expect(parsed("NDJSON my rows.txt") == "ndjson my rows.txt", "the rest of the line is the file, spaces and all")
        #expect(parsed("my rows.csv") == "csv my rows.csv")
        #expect(parsed("rows") == ":export rows: name the format (:export csv rows) or end the file in .csv, .json or .ndjson")
        #expect(parsed("dir.csv/rows") == ":export dir.csv/rows: name the format (:export csv dir.csv/rows) or end the file in .csv, .json or .ndjson")
        #expect(parsed("") == ":export needs a file: :export rows.csv, or :export json rows.out")
    }

    @Test func repliesBecomeALinePerValueWithTheNodeThatAnswered() {
        let node = Provenance(store: "cache", node: Endpoint(host: "127.0.0.1", port: 7000), role: .primary)
        let table = NodeReply.exportTable([NodeReply(provenance: node, reply: .array([.bulk([0x61, 0x00]), .integer(3), .null,
                                                                                      .array([.status(Array("OK".utf8))])]))])
        #expect(table.columns.map(\.name) == ["node", "position", "type", "value"])
        let rows = table.rows.map { $0.map { $0.map { String(decoding: $0, as: UTF8.self) } ?? "NULL" } }
        #expect(rows == [["127.0.0.1:7000", "1)", "bulk", "a\u{0}"], ["127.0.0.1:7000", "2)", "integer", "3"],
                         ["127.0.0.1:7000", "3)", "nil", "NULL"], ["127.0.0.1:7000", "4) 1)", "status", "OK"]])
    }

    @Test func aLinkedViewBecomesALinePerValue() {
        let node = Provenance(store: "world", node: Endpoint(host: "127.0.0.1", port: 5433), role: .replica)
        let blueprint = LinkedRow(entity: "character", key: "7", columns: ["id", "name"], values: [FieldValue("7"), FieldValue("Ash")], provenance: node)
        let state = CampaignStateLink(campaign: "3", row: LinkedRow(entity: "character", key: "7", columns: ["name"], values: [.null], provenance: node),
                                      fields: [FieldComparison(field: "name", blueprintColumn: "name", blueprintValue: FieldValue("Ash"), value: .null,
                                                               status: .diverged)], events: nil)
        var view = LinkedView(target: .entity(kind: "character", key: "7", campaign: nil), kind: "character", key: "7", blueprint: blueprint,
                              states: [state], related: [], keys: [LinkedKey(key: Array("cache:character:7".utf8), store: "cache", pattern: nil,
                                                                              relation: .mirrors, facts: nil)], notes: ["one note"])
        view.row = nil
        let rows = view.exportTable.rows.map { $0.map { $0.map { String(decoding: $0, as: UTF8.self) } ?? "NULL" } }
        #expect(view.exportTable.columns.map(\.name) == ["part", "entity", "key", "campaign", "field", "blueprint_value", "value", "status", "node"])
        #expect(rows == [
            ["blueprint", "character", "7", "NULL", "id", "NULL", "7", "NULL", "127.0.0.1:5433"],
            ["blueprint", "character", "7", "NULL", "name", "NULL", "Ash", "NULL", "127.0.0.1:5433"],
            ["state", "character", "7", "3", "name", "NULL", "NULL", "NULL", "127.0.0.1:5433"],
            ["state_field", "character", "7", "3", "name", "Ash", "NULL", "diverged", "127.0.0.1:5433"],
            ["key", "character", "cache:character:7", "NULL", "NULL", "NULL", "NULL", "mirrors", "NULL"],
            ["note", "character", "7", "NULL", "NULL", "NULL", "one note", "NULL", "NULL"],
        ])
    }
}
