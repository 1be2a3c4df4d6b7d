import ArgumentParser
import Foundation
import ScryCore
import ScryStores

/// `scry show`: the linked view, headless: one entity, player or Redis key across the stores,
/// as the atlas links them, for scripts and support tickets.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one entity, player or Redis key linked across the world, the campaigns and Redis.",
        discussion: """
            KIND is an entity of the atlas: for an entity that campaigns copy, its blueprint, its state in each \
            campaign (or in --campaign) with the mirrored fields compared (inherited, overridden, diverged, and \
            the event that most likely caused a divergence), its newest events there, and the Redis keys that \
            mirror it or point at it; for any other entity, its row and the keys that point at it. \
            `scry show player ID` follows the player's keys to their campaigns and characters; \
            `scry show --key NAME` (or `scry show key NAME`) starts from a Redis key, such as a session.

            Every part says which store, node and role served it, and how far behind that node was.

            Exit status: 0 when it was found, 1 when it was not, 2 when it could not be read.
            """
    )

    enum Format: String, CaseIterable {
        case json, table
    }

    @OptionGroup var profile: ProfileOptions

    @Argument(help: ArgumentHelp("An entity of the atlas, or player, or key.", valueName: "kind"))
    var kind: String?

    @Argument(help: ArgumentHelp("Its key (a Redis key for `key`).", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("Only the state in this campaign.", valueName: "id"))
    var campaign: String?

    @Option(help: ArgumentHelp("Start from this Redis key instead of an entity.", valueName: "name"))
    var key: String?

    @Option(help: ArgumentHelp("Output format: json or table.", valueName: "format"))
    var format: String = "table"

    func run() throws {
        let view: LinkedView
        let outputFormat: Format
        do {
            guard let chosen = Format(rawValue: format) else {
                throw ValidationError("--format \(format): expected one of \(Format.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            outputFormat = chosen
            let loaded = try profile.load()
            guard let atlas = loaded.atlas else {
                throw ValidationError(ProfileOptions.needsAtlas("scry show"))
            }
            try ProfileOptions.refuseMissingSchema(loaded)
            let target = try Self.target(kind: kind, id: id, campaign: campaign, key: key, atlas: atlas)
            let resolver = LinkResolver(atlas: atlas, credentials: loaded.credentials)
            defer { resolver.close() }
            view = try resolver.resolve(target)
        } catch {
            print(TerminalText.errorLines("scry show", StoreErrorText.message(for: error)), to: &standardError)
            throw ExitCode(2)
        }
        switch outputFormat {
        case .json: print(try Self.json(view))
        case .table: print(Self.table(view))
        }
        if !Self.found(view) { throw ExitCode(1) }
    }

    static func target(kind: String?, id: String?, campaign: String?, key: String?, atlas: Atlas) throws -> LinkTarget {
        if let key {
            guard kind == nil, id == nil else { throw ValidationError("--key takes the place of KIND and ID: give one or the other") }
            guard campaign == nil else { throw ValidationError("--campaign applies to an entity, not to --key") }
            return .key(Array(key.utf8))
        }
        guard let kind, let id else { throw ValidationError("give KIND and ID (scry show character 7), or --key NAME") }
        if atlas.entity(named: kind) != nil { return .entity(kind: kind, key: id, campaign: campaign) }
        guard campaign == nil else { throw ValidationError("--campaign applies to an entity of the atlas") }
        switch kind {
        case "player": return .player(id)
        case "key": return .key(Array(id.utf8))
        default:
            throw ValidationError("the atlas names no entity \"\(kind)\"; entities are \(atlas.entities.map(\.name).joined(separator: ", ")), or player, or key")
        }
    }

    /// Found: a row, or a key that exists.
    static func found(_ view: LinkedView) -> Bool {
        view.centre != nil || !view.states.isEmpty || !view.related.isEmpty
            || view.keys.contains { ($0.facts?.type ?? "none") != "none" }
    }

    // MARK: JSON

    /// Every key is written, absent values as `null`, so a script can rely on the shape.
    static func json(_ view: LinkedView) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document(view)), as: UTF8.self)
    }

    static func document(_ view: LinkedView) -> JSONValue {
        let target: JSONValue
        switch view.target {
        case .entity(let kind, let key, let campaign):
            target = .object(["type": "entity", "entity": .string(kind), "key": .string(key), "campaign": .optional(campaign)])
        case .key(let bytes):
            target = .object(["type": "key", "entity": .null, "key": .string(text(bytes)), "campaign": .null])
        case .player(let id):
            target = .object(["type": "player", "entity": .null, "key": .string(id), "campaign": .null])
        }
        return .object([
            "target": target,
            "entity": .optional(view.kind),
            "key": .optional(view.key),
            "blueprint": view.blueprint.map(row) ?? .null,
            "row": view.row.map(row) ?? .null,
            "states": .array(view.states.map { state in
                .object(["campaign": .string(state.campaign), "row": row(state.row), "fields": .array(state.fields.map(field)),
                         "events": state.events.map(page) ?? .null])
            }),
            "related": .array(view.related.map(row)),
            "keys": .array(view.keys.map(linkedKey)),
            "notes": .array(view.notes.map(JSONValue.string)),
        ])
    }

    static func provenance(_ provenance: Provenance) -> JSONValue {
        .object([
            "store": .string(provenance.store), "shard": .optional(provenance.shard), "node": .string(provenance.node.description),
            "role": .string(provenance.role.rawValue), "lag_bytes": provenance.lagBytes.map { .integer(Int64(clamping: $0)) } ?? .null,
            "lag_seconds": provenance.lagSeconds.map(JSONValue.number) ?? .null, "note": .optional(provenance.note),
        ])
    }

    static func value(_ value: FieldValue) -> JSONValue {
        value.bytesOrNil.map { .string(text($0)) } ?? .null
    }

    static func row(_ row: LinkedRow) -> JSONValue {
        var values: [String: JSONValue] = [:]
        for (column, item) in zip(row.columns, row.values) { values[column] = value(item) }
        return .object(["entity": .string(row.entity), "key": .string(row.key), "columns": .array(row.columns.map(JSONValue.string)),
                        "values": .object(values), "provenance": provenance(row.provenance)])
    }

    static func field(_ field: FieldComparison) -> JSONValue {
        .object(["field": .string(field.field), "blueprint_column": .string(field.blueprintColumn),
                 "blueprint_value": value(field.blueprintValue), "value": value(field.value), "status": .string(field.status.rawValue),
                 "likely_cause": field.likelyCause.map(row) ?? .null])
    }

    static func page(_ page: RowPage) -> JSONValue {
        .object(["columns": .array(page.columns.map(JSONValue.string)), "rows": .array(page.rows.map { .array($0.map(value)) }),
                 "next": page.next.map { .array($0.values.map(JSONValue.string)) } ?? .null,
                 "provenance": .array(page.provenance.map(provenance))])
    }

    static func linkedKey(_ key: LinkedKey) -> JSONValue {
        let relation: String
        var field: String?
        switch key.relation {
        case .mirrors: relation = "mirrors"
        case .pointsAt(let name): relation = "points_at"; field = name
        case .origin: relation = "origin"
        }
        var members: [String: JSONValue] = [:]
        members["key"] = .string(text(key.key))
        members["pattern"] = .optional(key.pattern)
        members["relation"] = .string(relation)
        members["field"] = .optional(field)
        members["type"] = .optional(key.facts?.type)
        members["ttl_ms"] = key.facts.map { JSONValue.integer($0.pttlMilliseconds) } ?? .null
        members["length"] = key.facts?.length.map(JSONValue.integer) ?? .null
        members["memory_bytes"] = key.facts?.memoryBytes.map(JSONValue.integer) ?? .null
        members["provenance"] = key.facts.map { provenance($0.provenance) } ?? .null
        members["fields"] = .array(key.fields.map(Self.field))
        members["pointers"] = .object(key.pointers.mapValues(JSONValue.string))
        return .object(members)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Table

    static func table(_ view: LinkedView) -> String {
        var lines: [String] = []
        switch view.target {
        case .entity(let kind, let key, let campaign):
            lines.append(visible("\(kind) \(key)" + (campaign.map { " in campaign \($0)" } ?? "")))
        case .key(let bytes):
            lines.append(visible("key \(text(bytes))") + (view.kind.map { visible(" → \($0) \(view.key ?? "")") } ?? ""))
        case .player(let id):
            lines.append(visible("player \(id)") + (view.kind.map { visible(" (\($0))") } ?? ""))
        }
        if let blueprint = view.blueprint {
            lines += ["", "blueprint  " + served(blueprint.provenance)] + record(blueprint)
        }
        if let row = view.row {
            lines += ["", "row  " + served(row.provenance)] + record(row)
        }
        for state in view.states {
            lines += ["", visible("\(state.row.entity) \(state.row.key) in campaign \(state.campaign)") + "  " + served(state.row.provenance)]
            if !state.fields.isEmpty {
                lines += aligned([["FIELD", "BLUEPRINT", "VALUE", "STATUS", "LIKELY CAUSE"]] + state.fields.map { field in
                    [field.field, display(field.blueprintValue), display(field.value), field.status.rawValue,
                     field.likelyCause.map { "event \($0.key)" } ?? "-"].map(visible)
                }, indent: 2)
            }
            lines += ["  state"] + record(state.row, indent: 4)
            if let events = state.events {
                lines.append("  events, newest first" + (events.next == nil ? "" : " (more)") + (events.rows.isEmpty ? ": none" : ""))
                if !events.rows.isEmpty {
                    lines += aligned([events.columns.map(visible)] + events.rows.map { $0.map { visible(display($0), limit: 32) } }, indent: 4)
                }
            }
        }
        if !view.keys.isEmpty {
            lines += ["", "keys"]
            for key in view.keys {
                var facts = "-"
                if let known = key.facts {
                    facts = known.type == "none" ? "missing"
                        : known.type + "  ttl " + ttl(known.pttlMilliseconds) + (known.length.map { "  length \($0)" } ?? "")
                }
                let relation: String
                switch key.relation {
                case .mirrors: relation = "mirrors"
                case .pointsAt(let field): relation = "points at (\(visible(field)))"
                case .origin: relation = "origin"
                }
                lines.append("  " + visible(text(key.key)) + "  " + facts + "  " + relation + (key.facts.map { "  " + served($0.provenance) } ?? ""))
                for (field, target) in key.pointers.sorted(by: { $0.key < $1.key }) {
                    lines.append("    " + visible(field) + " → " + visible(target))
                }
                if !key.fields.isEmpty {
                    lines += aligned([["FIELD", "BLUEPRINT", "CACHED", "STATUS"]] + key.fields.map { field in
                        [field.field, display(field.blueprintValue), display(field.value), field.status.rawValue].map(visible)
                    }, indent: 4)
                }
            }
        }
        if !view.related.isEmpty {
            lines += ["", "related"]
            for row in view.related {
                lines += ["  " + visible("\(row.entity) \(row.key)") + "  " + served(row.provenance)] + record(row, indent: 4)
            }
        }
        if !view.notes.isEmpty {
            lines += ["", "notes"] + view.notes.map { "  - " + visible($0, limit: 200) }
        }
        return lines.joined(separator: "\n")
    }

    static func record(_ row: LinkedRow, indent: Int = 2) -> [String] {
        aligned(zip(row.columns, row.values).map { [visible($0), visible(display($1))] }, indent: indent)
    }

    static func aligned(_ rows: [[String]], indent: Int) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        let widths = (0..<count).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { cells in
            String(repeating: " ", count: indent) + zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    static func display(_ value: FieldValue) -> String { value.bytesOrNil.map(text) ?? "NULL" }

    static func served(_ provenance: Provenance) -> String { "(" + visible(provenance.servedBy, limit: 200) + ")" }

    static func ttl(_ milliseconds: Int64) -> String {
        switch milliseconds {
        case -1: return "none"
        case -2: return "gone"
        case ..<1_000: return "\(milliseconds) ms"
        default: return "\(milliseconds / 1_000) s"
        }
    }

    /// Store text is untrusted: escaped for the terminal, and long values cut.
    static func visible(_ text: String) -> String { TerminalText.visible(text, limit: 60) }
    static func visible(_ text: String, limit: Int) -> String { TerminalText.visible(text, limit: limit) }
}

/// A JSON value built by hand, so that absent values are written as `null` and every object
/// has the same keys.
enum JSONValue: Encodable, ExpressibleByStringLiteral {
    case string(String)
    case integer(Int64)
    case number(Double)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    init(stringLiteral value: String) { self = .string(value) }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        case .number(let number): try container.encode(number)
        case .null: try container.encodeNil()
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }
}
