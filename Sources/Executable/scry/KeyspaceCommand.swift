import ArgumentParser
import Foundation
import ScryCore
import ScryStores
import ScryUIKit

/// `scry keyspace`: a Redis store's key space by namespace, headless.
struct KeyspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyspace",
        abstract: "Analyse a Redis store's key space by namespace: keys, memory, types, TTLs, biggest keys.",
        discussion: """
            Namespaces are the atlas's key patterns, and the next level of the `:` tree (under --prefix). Every \
            master of a cluster is walked in parallel with SCAN; each examined key is read on the node that \
            returned it with TYPE, PTTL, MEMORY USAGE … SAMPLES and its length. Key counts are always exact. \
            With --sample N about N keys are examined (every n-th key of each node's SCAN) and the memory, types \
            and TTLs of each namespace are extrapolated from its examined keys, as the output says.

            Exit status: 0 when the whole key space was walked, 3 when some node could not be, 2 when it could not run.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var profile: ProfileOptions

    @Option(help: ArgumentHelp("The Redis store of the atlas (default: the atlas's only one).", valueName: "name"))
    var store: String?

    @Option(help: ArgumentHelp("Examine about this many keys instead of every key.", valueName: "n"))
    var sample: Int?

    @Option(help: ArgumentHelp("Analyse the level of the key tree under this prefix (e.g. cache:).", valueName: "prefix"))
    var prefix: String = ""

    @Option(help: ArgumentHelp("How many of the biggest keys to list.", valueName: "n"))
    var top: Int = 10

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    func validate() throws {
        if let sample, sample <= 0 { throw ValidationError("--sample must be a positive number of keys") }
        if top < 0 { throw ValidationError("--top cannot be negative") }
    }

    func run() throws {
        let result: KeyspaceSurveyResult
        let storeName: String
        do {
            let loaded = try profile.load()
            guard let atlas = loaded.atlas else {
                throw ValidationError("scry keyspace needs an atlas: pass --atlas FILE or a --profile that names one")
            }
            let spec = try RedisConsoleCommand.redisStore(store, atlas: atlas)
            storeName = spec.name
            let redis = try RedisStores.open(spec, credentials: loaded.credentials)
            defer { redis.close() }
            let patterns = atlas.keyPatterns.filter { $0.store == spec.name }.map(\.pattern)
            result = try KeyspaceSurvey.run(store: redis, patterns: patterns,
                                            request: KeyspaceRequest(prefix: Array(prefix.utf8), sample: sample, top: top))
        } catch {
            print(TerminalText.errorLines("scry keyspace", StoreErrorText.message(for: error)), to: &standardError)
            throw ExitCode(2)
        }
        switch format {
        case .table: print(Self.table(result, store: storeName))
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Self.json(result, store: storeName)), as: UTF8.self))
        }
        for failure in result.scan.failures { print(TerminalText.errorLines("scry keyspace", failure.description), to: &standardError) }
        if !result.scan.isComplete { throw ExitCode(3) }
    }

    /// How the figures were made, in a sentence.
    static func method(_ result: KeyspaceSurveyResult) -> String { result.analysis.method(examineEvery: result.examineEvery) }

    // MARK: JSON

    static func json(_ result: KeyspaceSurveyResult, store: String) -> JSONValue {
        let analysis = result.analysis
        return .object([
            "store": .string(store), "prefix": .string(String(decoding: analysis.prefix, as: UTF8.self)),
            "keys": .integer(Int64(analysis.keys)), "examined": .integer(Int64(analysis.examined)),
            "examine_every": .integer(Int64(result.examineEvery)), "exact": .string(result.examineEvery == 1 ? "yes" : "no"),
            "method": .string(method(result)), "keys_at_start": result.keysAtStart.map { .integer(Int64($0)) } ?? .null,
            "complete": .string(result.scan.isComplete ? "yes" : "no"),
            "failures": .array(result.scan.failures.map { .string($0.description) }),
            "nodes": .array(result.scan.nodes.map { .object(["node": .string($0.provenance.node.description), "role": .string($0.provenance.role.rawValue),
                                                            "shard": .optional($0.provenance.shard), "keys": .integer(Int64($0.keyCount))]) }),
            "by_pattern": .array(analysis.patternNamespaces.map(namespace)),
            "by_tree": .array(analysis.byTree.map(namespace)),
            "biggest_by_memory": .array(analysis.biggestByMemory.map(key)),
            "biggest_by_length": .array(analysis.biggestByLength.map(key)),
        ])
    }

    static func namespace(_ figures: NamespaceFigures) -> JSONValue {
        .object([
            "name": .string(figures.name), "branch": .string(figures.isBranch ? "yes" : "no"),
            "keys": .integer(Int64(figures.keys)), "examined": .integer(Int64(figures.examined)),
            "memory_bytes": .integer(figures.memoryBytes),
            "types": .object(figures.types.mapValues { .integer(Int64(figures.estimated($0))) }),
            "ttl": .object(Dictionary(uniqueKeysWithValues: TTLBucket.allCases.map { ($0.rawValue, .integer(Int64(figures.estimated(figures.ttl[$0] ?? 0)))) })),
        ])
    }

    static func key(_ facts: KeyFacts) -> JSONValue {
        .object(["key": .string(String(decoding: facts.key, as: UTF8.self)), "type": .string(facts.type),
                 "memory_bytes": .integer(facts.memoryBytes ?? 0), "length": .integer(facts.length ?? 0), "pttl_ms": .integer(facts.pttlMilliseconds)])
    }

    // MARK: Table

    static func table(_ result: KeyspaceSurveyResult, store: String) -> String {
        let analysis = result.analysis
        var lines = [TerminalText.visible("\(store)\(analysis.prefix.isEmpty ? "" : " under \(String(decoding: analysis.prefix, as: UTF8.self))"): \(analysis.keys) keys; \(method(result))")]
        lines.append("")
        lines.append("by key pattern")
        lines += namespaceTable(analysis.patternNamespaces)
        lines.append("")
        lines.append("by key tree")
        lines += namespaceTable(analysis.byTree)
        for (title, list) in [("biggest by memory", analysis.biggestByMemory), ("biggest by length", analysis.biggestByLength)] where !list.isEmpty {
            lines.append("")
            lines.append(title + (result.examineEvery == 1 ? "" : " (of the examined keys)"))
            lines += aligned([["KEY", "TYPE", "MEMORY", "LENGTH", "TTL"]] + list.map { facts in
                [TerminalText.visible(bytes: facts.key, cells: 60), facts.type, ByteCount.format(UInt64(max(0, facts.memoryBytes ?? 0))), String(facts.length ?? 0),
                 facts.pttlMilliseconds < 0 ? "-" : "\(facts.pttlMilliseconds / 1000) s"]
            })
        }
        return lines.joined(separator: "\n")
    }

    static func namespaceTable(_ namespaces: [NamespaceFigures]) -> [String] {
        aligned([["NAMESPACE", "KEYS", "MEMORY", "TYPES", "NO TTL", "<1H", "<1D", "LONGER"]] + namespaces.map { figures in
            let types = figures.types.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key) \(figures.estimated($0.value))" }.joined(separator: ", ")
            return [TerminalText.visible(bytes: Array(figures.name.utf8), cells: 50), String(figures.keys),
                    figures.examined == 0 ? "-" : ByteCount.format(UInt64(max(0, figures.memoryBytes))), TerminalText.visible(types)]
                // A namespace the sample missed has a count but no facts.
                + TTLBucket.allCases.map { figures.examined == 0 ? "-" : String(figures.estimated(figures.ttl[$0] ?? 0)) }
        })
    }

    static func aligned(_ rows: [[String]]) -> [String] {
        let widths = (rows.first ?? []).indices.map { column in rows.map { CellWidth.of($0[column]) }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0 + String(repeating: " ", count: max(0, $1 - CellWidth.of($0))) }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}
