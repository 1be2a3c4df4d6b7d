import ArgumentParser
import Foundation
import RedisClient
import ScryDemoKit

extension Scale: ExpressibleByArgument {}

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Migrates, then fills the stores with demo data and writes its manifest.",
        discussion: """
            The same scale and seed always give the same data and the same manifest. When the \
            stores already hold this scale and seed, nothing is loaded and the recorded manifest \
            is written again. Another scale or seed, or --force, empties the reference tables and \
            runs FLUSHDB on the Redis database first.

            Redis must be a standalone server: routing across a Redis Cluster comes in a later \
            issue.

            Scales: tiny (about 1,000 blueprints, 6 campaigns; seconds), small (about 100,000 \
            blueprints), large (1,000,000 characters, 10,000,000 events; minutes).
            """
    )

    @Option(help: "How much to generate.")
    var scale: Scale

    @Option(help: "Any integer: the same seed gives the same data.")
    var seed: Int64

    @Option(help: "Where to write the manifest (JSON).")
    var manifest: String

    @Flag(help: "Reload even when this scale and seed are already loaded.")
    var force = false

    @Option(help: ArgumentHelp(
        "Standalone Redis, as redis://[user[:password]@]host[:port][/db].",
        discussion: "Default: $SCRY_REDIS_HOST and $SCRY_REDIS_PORT, else 127.0.0.1:6379."))
    var redis: String?

    @OptionGroup var postgres: PostgresOptions

    func validate() throws {
        if let redis, RedisConfiguration(url: redis) == nil {
            throw ValidationError("--redis must look like redis://host:port (rediss:// is not supported): \(redis)")
        }
        if manifest.isEmpty { throw ValidationError("--manifest must name a file") }
        // Checked before the load, which may take minutes, rather than after it.
        let folder = URL(fileURLWithPath: manifest).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("--manifest \(manifest): the folder \(folder) does not exist")
        }
    }

    func run() throws {
        let configuration = redis.flatMap { RedisConfiguration(url: $0) }
            ?? DemoTarget.defaultRedis(environment: ProcessInfo.processInfo.environment)
        let outcome = try postgres.loader(redis: configuration).load(LoadRequest(scale: scale, seed: seed, force: force))
        do {
            try Data(outcome.manifestJSON.utf8).write(to: URL(fileURLWithPath: manifest), options: .atomic)
        } catch {
            throw DemoError.manifest("cannot write \(manifest): \(error.localizedDescription)")
        }
        switch outcome {
        case .alreadyLoaded:
            print("already loaded: \(scale.rawValue) seed \(seed); manifest written to \(manifest)")
        case .loaded(let written, _):
            print("loaded \(scale.rawValue) seed \(seed): \(written.drift.count) drift items, \(written.hostile.count) hostile places; manifest written to \(manifest)")
        }
    }
}
