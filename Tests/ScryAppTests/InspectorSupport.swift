import Foundation
import ScryConfig
import ScryCore
import ScryUIKit
import TestSupport
@testable import ScryApp

/// The reference atlas, as the app sees it: no store is reached in these tests.
func referenceCatalog() throws -> Catalog {
    let document = try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml"))
    return Catalog(atlas: try AtlasParser.parse(document, environment: [:]))
}

func starlanesCatalog() throws -> Catalog {
    let document = try TOMLReader.read(contentsOf: Repository.path("Tests/Fixtures/starlanes/atlas.toml"))
    return Catalog(atlas: try AtlasParser.parse(document, environment: [:]))
}

func inspector(width: Int = 120, height: Int = 30) throws -> Inspector {
    var state = Inspector(catalog: try referenceCatalog(), themes: ["default", "light", "mono"])
    // Sized directly: the first message, `.start`, is what asks for the first reads.
    state.width = width
    state.height = height
    return state
}

/// Sends keys one by one and returns every effect they asked for.
@discardableResult
func press(_ state: inout Inspector, _ keys: Key...) -> [Effect] {
    keys.flatMap { updateInspector(&state, .key($0)) }
}

@discardableResult
func type(_ state: inout Inspector, _ text: String) -> [Effect] {
    text.flatMap { updateInspector(&state, .key(.character($0))) }
}

func jobs(_ effects: [Effect]) -> [Job] {
    effects.compactMap { if case .run(let job) = $0 { return job } else { return nil } }
}

let testNode = Endpoint(host: "127.0.0.1", port: 55433)

func provenance(_ store: String, role: NodeRole = .replica, lag: UInt64? = 0) -> Provenance {
    Provenance(store: store, node: testNode, role: role, lagBytes: lag)
}

/// A page of `count` rows with keys from `first`, as a store would send it.
func page(columns: [String] = ["id", "name"], keys: Range<Int>, hasMore: Bool, store: String = "world") -> RowPage {
    RowPage(columns: columns,
            rows: keys.map { [FieldValue(String($0)), FieldValue("name \($0)")] },
            next: hasMore ? PageCursor(values: [String(keys.upperBound - 1)]) : nil,
            provenance: [provenance(store)])
}
