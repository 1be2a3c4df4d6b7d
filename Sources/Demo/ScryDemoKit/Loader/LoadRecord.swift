/// The load that the stores hold, recorded in the world database (`scry_demo_load`, one row)
/// with its manifest, so that a second `load` with the same scale and seed can skip the work
/// and still write the manifest.
struct LoadRecord: Equatable {
    var scale: String
    var seed: Int64
    var manifest: String

    static let createTable = """
        CREATE TABLE IF NOT EXISTS scry_demo_load (
            id        int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            scale     text NOT NULL,
            seed      bigint NOT NULL,
            manifest  text NOT NULL,
            loaded_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// The Redis key that says which load the Redis side holds, `<scale>:<seed>`: Redis may be
    /// flushed or replaced while PostgreSQL keeps its record.
    static let markerKey = "scry:demo:loaded"

    static func marker(scale: Scale, seed: Int64) -> String { "\(scale.rawValue):\(seed)" }

    static func read(_ world: DemoDatabase) throws -> LoadRecord? {
        try world.run("creating scry_demo_load", createTable)
        let rows = try world.run("reading scry_demo_load", "SELECT scale, seed, manifest FROM scry_demo_load WHERE id = 1")
        guard let row = rows.rows.first, let scale = row.string(0), let seed = row.string(1).flatMap({ Int64($0) }),
              let manifest = row.string(2) else { return nil }
        return LoadRecord(scale: scale, seed: seed, manifest: manifest)
    }

    static func clear(_ world: DemoDatabase) throws {
        try world.run("clearing scry_demo_load", "DELETE FROM scry_demo_load")
    }

    func write(_ world: DemoDatabase) throws {
        try world.run("recording the load in scry_demo_load", """
            INSERT INTO scry_demo_load (id, scale, seed, manifest) VALUES (1, $1, $2, $3)
            ON CONFLICT (id) DO UPDATE SET scale = EXCLUDED.scale, seed = EXCLUDED.seed,
                manifest = EXCLUDED.manifest, loaded_at = now()
            """, [.text(scale), .text(String(seed)), .text(manifest)])
    }
}
