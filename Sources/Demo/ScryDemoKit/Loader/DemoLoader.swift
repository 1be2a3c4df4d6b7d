@_spi(DemoLoader) import RedisClient

/// What `load` should do.
public struct LoadRequest: Sendable {
    public var scale: Scale
    public var seed: Int64
    /// Reload even when the stores already hold this scale and seed.
    public var force: Bool

    public init(scale: Scale, seed: Int64, force: Bool = false) {
        self.scale = scale
        self.seed = seed
        self.force = force
    }
}

/// What `load` did.
public enum LoadOutcome: Sendable {
    case loaded(Manifest, json: String)
    /// The stores already held this scale and seed; `json` is the manifest recorded then.
    case alreadyLoaded(json: String)

    public var manifestJSON: String {
        switch self {
        case .loaded(_, let json), .alreadyLoaded(let json): return json
        }
    }
}

/// Builds the reference platform: migrates the world and campaign databases, then generates
/// blueprints, campaign state, Redis keys, drift and hostile data, and describes what it
/// planted in a manifest. The only part of Scry that writes.
public struct DemoLoader: Sendable {
    public let target: DemoTarget
    public let migrations: MigrationSource
    public let progress: ProgressLog

    /// Only one load at a time per world database.
    static let loadLockKey: Int64 = 0x5C27_0002

    public init(target: DemoTarget, migrations: MigrationSource, progress: ProgressLog = ProgressLog()) {
        var target = target
        // FLUSHDB over a large load and the 1 MiB appends need more than a read's timeout.
        target.redis.commandTimeoutMilliseconds = max(target.redis.commandTimeoutMilliseconds, 60_000)
        self.target = target
        self.migrations = migrations
        self.progress = progress
    }

    /// Applies pending migrations to both databases.
    public func migrate() throws -> [MigrationReport] {
        let sets = [("world", target.world, migrations.world), ("campaign", target.campaign, migrations.campaign)]
        return try sets.map { role, configuration, folder in
            let pending = try Migration.load(directory: folder)
            let database = try DemoDatabase(role: role, configuration: configuration)
            defer { database.close() }
            let report = try MigrationRunner.migrate(database, with: pending)
            progress.note("\(role): \(report.applied.isEmpty ? "up to date" : "applied " + report.applied.map { "V\($0)" }.joined(separator: ", "))"
                + " (\(report.alreadyApplied.count + report.applied.count) migrations)")
            return report
        }
    }

    public func load(_ request: LoadRequest) throws -> LoadOutcome {
        try progress.measure("load \(request.scale.rawValue) seed \(request.seed)") {
            try progress.measure("migrate") { _ = try migrate() }
            let world = try DemoDatabase(role: "world", configuration: target.world)
            let campaign = try DemoDatabase(role: "campaign", configuration: target.campaign)
            defer {
                world.close()
                campaign.close()
            }
            let redis = try RedisConnection.demoConnect(target.redis)
            try RedisReset.requireStandalone(redis, target.redis)
            try world.run("waiting for the load lock", "SELECT pg_advisory_lock($1)", [.text(String(Self.loadLockKey))])

            let marker = LoadRecord.marker(scale: request.scale, seed: request.seed)
            let record = try LoadRecord.read(world)
            if !request.force, let record, record.scale == request.scale.rawValue, record.seed == request.seed,
               try redis.demoSend("reading \(LoadRecord.markerKey)", ["GET", LoadRecord.markerKey]).text == marker,
               try world.integer("looking for worlds", "SELECT count(*) FROM (SELECT 1 FROM worlds LIMIT 1) AS any_world") > 0 {
                progress.note("already loaded: \(marker)")
                return .alreadyLoaded(json: record.manifest)
            }

            try progress.measure("reset") {
                try LoadRecord.clear(world)
                try ReferenceTables.truncate(world, ReferenceTables.world)
                try ReferenceTables.truncate(campaign, ReferenceTables.campaign)
                if record != nil || request.force {
                    try RedisReset.flush(redis)
                } else {
                    try RedisReset.deleteDemoKeys(redis)
                }
            }
            let manifest = try generate(request, world: world, campaign: campaign, redis: redis)
            let json = try manifest.json()
            try progress.measure("record") {
                try LoadRecord(scale: request.scale.rawValue, seed: request.seed, manifest: json).write(world)
                _ = try redis.demoSend("writing \(LoadRecord.markerKey)", ["SET", LoadRecord.markerKey, marker])
            }
            return .loaded(manifest, json: json)
        }
    }

    private func generate(_ request: LoadRequest, world: DemoDatabase, campaign: DemoDatabase, redis: RedisConnection) throws -> Manifest {
        let layout = PlatformLayout(profile: request.scale.profile)
        let plan = DriftPlan(profile: layout.profile)
        let formulas = BlueprintFormulas(layout: layout)
        let seed = request.seed
        let target = self.target
        let progress = self.progress
        let campaignGenerator = CampaignGenerator(layout: layout, formulas: formulas, progress: progress)
        let hostileRedis = HostileBox()

        // The big hostile Redis keys, the world, the campaign state and slices of the event log
        // are independent: build them at once. The Redis keys go first, as Redis does that
        // work while the databases do theirs.
        var jobs: [@Sendable () throws -> Void] = [
            {
                let redis = try RedisConnection.demoConnect(target.redis)
                try progress.measure("redis: hostile keys") { hostileRedis.items = try HostileRedis.load(redis, progress: progress) }
            },
            {
                let world = try DemoDatabase(role: "world", configuration: target.world)
                defer { world.close() }
                try progress.measure("world blueprints") {
                    try WorldGenerator(layout: layout, formulas: formulas, progress: progress).generate(into: world, seed: seed)
                }
            },
            {
                let campaign = try DemoDatabase(role: "campaign", configuration: target.campaign)
                defer { campaign.close() }
                try progress.measure("campaign state") { try campaignGenerator.generateState(into: campaign, seed: seed) }
            },
        ]
        let slices = campaignGenerator.eventSlices(2 * Concurrently.width)
        for (index, slice) in slices.enumerated() {
            jobs.append {
                let campaign = try DemoDatabase(role: "campaign", configuration: target.campaign)
                defer { campaign.close() }
                try progress.measure("campaign: events \(index + 1)/\(slices.count)") {
                    try campaignGenerator.generateEvents(into: campaign, seed: seed, campaigns: slice)
                }
            }
        }
        try progress.measure("generate in parallel") { try Concurrently.run(jobs, width: Concurrently.width) }

        var drift = try progress.measure("campaign: planting drift") {
            try CampaignDriftPlanter(layout: layout, plan: plan, seed: seed)
                .plant(world: world, campaign: campaign, firstEventID: campaignGenerator.nextEventID)
        }
        let cache = try progress.measure("redis: cache") {
            try CacheLoader(layout: layout, plan: plan, seed: seed).load(world: world, redis: redis)
        }
        let sessions = try progress.measure("redis: sessions") {
            try SessionLoader(layout: layout, plan: plan, seed: seed).load(redis: redis)
        }
        let ephemeral = try progress.measure("redis: dialogue and combat") {
            try EphemeralLoader(layout: layout, plan: plan, seed: seed).load(redis: redis)
        }
        let requests = try progress.measure("redis: \(RequestStreamLoader.key)") {
            try RequestStreamLoader(layout: layout, seed: seed).load(redis: redis)
        }
        drift += cache.drift + sessions.drift + ephemeral.drift

        try progress.measure("analyze") {
            try world.run("analyzing", "ANALYZE " + ReferenceTables.world.joined(separator: ", "))
            try campaign.run("analyzing", "ANALYZE " + ReferenceTables.campaign.joined(separator: ", "))
        }
        return try progress.measure("manifest") {
            var counts = try ReferenceTables.count(world, ReferenceTables.world)
            counts.merge(try ReferenceTables.count(campaign, ReferenceTables.campaign)) { first, _ in first }
            for (kind, keys) in cache.keys { counts["redis.\(kind)"] = keys }
            counts["redis.session"] = sessions.keys
            counts["redis.dialogue"] = ephemeral.dialogues
            counts["redis.combat"] = ephemeral.combats
            counts["redis.\(RequestStreamLoader.key)"] = requests
            counts["redis.hostile"] = HostileRedis.keyCount

            let order = DriftItem.Check.allCases
            let sorted = drift.enumerated().sorted { left, right in
                let (l, r) = (order.firstIndex(of: left.element.check) ?? 0, order.firstIndex(of: right.element.check) ?? 0)
                return l != r ? l < r : left.offset < right.offset
            }.map(\.element)
            let hostile = HostileInventory.world(worlds: layout.profile.worlds)
                + (try HostileInventory.campaign(campaign, campaigns: layout.profile.campaigns))
                + cache.hostile + hostileRedis.items
            return Manifest(scale: request.scale.rawValue, seed: seed, counts: counts, drift: sorted, hostile: hostile)
        }
    }
}

/// Carries the hostile Redis items out of the job that wrote them; read after the job joined.
private final class HostileBox: @unchecked Sendable {
    var items: [HostileItem] = []
}
