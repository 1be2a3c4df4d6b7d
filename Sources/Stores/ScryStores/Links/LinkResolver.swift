import ScryCore
import Synchronization

public enum LinkError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownEntity(String)
    /// A player pivot needs an entity that keys point at and that is neither a campaign, nor
    /// copied into campaigns, nor scoped to one campaign; the atlas names none.
    case noPlayerEntity
    case noEventLog
    /// The entity's events are read per campaign, and this one has no per-campaign state.
    case notInCampaigns(String)

    public var description: String {
        switch self {
        case .unknownEntity(let name): return "the atlas names no entity \"\(name)\""
        case .noPlayerEntity: return "no key pattern of the atlas points at an entity that could be a player"
        case .noEventLog: return "the atlas declares no [events] log"
        case .notInCampaigns(let name): return "entity \"\(name)\" has no per-campaign state"
        }
    }
}

/// Links one entity, player or Redis key across the three stores, following the atlas only: the
/// blueprint, the entity's state in each campaign compared field by field, the newest events
/// that touched it there, the Redis keys that mirror it or point at it, and what a session
/// points at. Every row and key says which node served it. Read-only.
///
/// Blocking: run it off the UI thread. Safe to share between jobs; its Redis connections serve
/// one resolve at a time, so a second resolve waits for the first. Cancel a resolve with its
/// `Cancellation`: running queries are cancelled on their servers, scans stop at the next
/// batch, and `CancellationError` is thrown.
public final class LinkResolver: Sendable {
    public let atlas: Atlas
    private let stores: Mutex<DriftStores>

    /// Opens the atlas's stores as they are first needed, routed by each store's policy.
    public convenience init(atlas: Atlas, credentials: StoreCredentials) {
        self.init(atlas: atlas, credentials: credentials, postgres: [:])
    }

    /// Shares the PostgreSQL stores (pools, idle connections, replica health) of `tables`;
    /// Redis stores are opened for the resolver's own use.
    public convenience init(atlas: Atlas, tables: TableBrowser, credentials: StoreCredentials) {
        self.init(atlas: atlas, credentials: credentials, postgres: tables.stores)
    }

    init(atlas: Atlas, credentials: StoreCredentials, postgres: [String: PostgresStore]) {
        self.atlas = atlas
        stores = Mutex(DriftStores(atlas: atlas, credentials: credentials, primaryOnly: false, postgres: postgres))
    }

    /// The linked view of `target`:
    /// - `.entity` of an entity copied into campaigns: its blueprint, its state in `campaign`
    ///   (or in every campaign, up to 200) with the mirrored fields compared, the newest 20
    ///   events of each state, the likely cause of each divergence, the keys that mirror it and
    ///   the keys that point at it (found by SCAN, up to 50 per pattern);
    /// - `.entity` of any other entity: its row (`row`) and the keys that point at it; for the
    ///   player entity, also what those keys point at, as `.player` does;
    /// - `.key`: for a key that mirrors an entity, that entity's view with the key as `.origin`;
    ///   for a key that points at rows (a session), its pointers: the rows it names (`related`)
    ///   and the copied entity it names, in the campaign it names, at the centre;
    /// - `.player`: the player's row, the keys that point at them, and through those keys their
    ///   campaigns (`related`) and characters (blueprints in `related`, state in `states`).
    /// What cannot be followed is said in `notes`. Throws `LinkError` for a target the atlas
    /// cannot resolve.
    public func resolve(_ target: LinkTarget, cancellation: Cancellation? = nil) throws -> LinkedView {
        let cancellation = cancellation ?? Cancellation()
        let atlas = self.atlas
        return try stores.withLock { stores in
            try LinkWalk(atlas: atlas, stores: stores, cancellation: cancellation).resolve(target)
        }
    }

    /// A page of the events of entity `kind` `key` in `campaign`, newest first (by the log's
    /// time column, then its key column), starting after `after` (a cursor from a previous
    /// page). Reads the campaign's shard only, restricted to the campaign and the entity.
    public func events(kind: String, key: String, campaign: String, after: PageCursor? = nil, limit: Int = 20,
                       cancellation: Cancellation? = nil) throws -> RowPage {
        guard let entity = atlas.entity(named: kind) else { throw LinkError.unknownEntity(kind) }
        guard entity.campaignState != nil else { throw LinkError.notInCampaigns(kind) }
        guard atlas.eventLog != nil else { throw LinkError.noEventLog }
        let cancellation = cancellation ?? Cancellation()
        let atlas = self.atlas
        return try stores.withLock { stores in
            let walk = LinkWalk(atlas: atlas, stores: stores, cancellation: cancellation)
            return try walk.events(kind: kind, key: key, campaign: campaign, after: after, limit: max(1, limit))
                ?? RowPage(columns: [], rows: [], next: nil, provenance: [])
        }
    }

    /// Closes the Redis connections; they reopen if the resolver is used again.
    public func close() {
        stores.withLock { $0.close() }
    }
}
