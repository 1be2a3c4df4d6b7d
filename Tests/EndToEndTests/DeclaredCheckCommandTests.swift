import Foundation
import Testing
import TestSupport

/// Declared checks that would act on the server, as `scry atlas check --connect` and `scry diff`
/// report them: refused, with the atlas file and line of the query, on a primary and replica of
/// their own (`scripts/pg-pair`).
@Suite("Refused declared checks on the command line")
struct DeclaredCheckCommandTests {
    @Test func atlasCheckAndDiffRefuseThemWithFileAndLine() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-declared"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("guarded.toml").path
        let text = """
            [atlas]
            name = "guarded"
            [stores.main]
            engine = "postgres"
            database = "world"
            primary = "\(pair.host):\(pair.primaryPort)"
            replicas = ["\(pair.host):\(pair.replicaPort)"]
            routing = "primary"
            [[checks.declared]]
            name = "fine"
            store = "main"
            query = "SELECT 'now' AS key, now()::text AS actual"
            [[checks.declared]]
            name = "import"
            store = "main"
            query = "SELECT lo_import('/etc/hostname')::text AS key"
            [[checks.declared]]
            name = "terminate"
            store = "main"
            query = "SELECT pid::text AS key, pg_terminate_backend(pid)::text AS actual FROM pg_stat_replication"
            """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let importLine = (lines.firstIndex { $0.contains("lo_import") } ?? 0) + 1
        let terminateLine = (lines.firstIndex { $0.contains("pg_terminate_backend") } ?? 0) + 1
        let walsender = try Fixture.psql("SELECT pid FROM pg_stat_replication", database: "postgres", port: pair.primaryPort)
        func largeObjects() throws -> String { try Fixture.psql("SELECT count(*) FROM pg_largeobject_metadata", port: pair.primaryPort) }
        let objects = try largeObjects()

        let (status, output) = try ScryCommandLineTests.run(["atlas", "check", file, "--connect"])
        #expect(status == 1, "\(output)")
        #expect(output.contains("\(file):\(importLine): checks.declared[1].query: refused: it calls lo_import(text): reads or writes a large object"), "\(output)")
        #expect(output.contains("\(file):\(terminateLine): checks.declared[2].query: refused: it calls pg_terminate_backend(integer, bigint): signals another server process"), "\(output)")
        #expect(!output.contains("declared[0]"), "\(output)")

        let (diffStatus, diffOutput) = try ScryCommandLineTests.run(["diff", "--atlas", file, "--settle", "0", "--format", "table"])
        #expect(diffStatus != 0)
        #expect(diffOutput.contains("not run: import (import (declared)): \(file):\(importLine): declared check import (checks.declared[1].query) refused, not run: it calls lo_import(text)"), "\(diffOutput)")
        #expect(diffOutput.contains("not run: terminate (terminate (declared)): \(file):\(terminateLine): declared check terminate"), "\(diffOutput)")
        // The allowed check ran: its one row is a finding.
        #expect(diffOutput.contains("fine") && diffOutput.contains("now"), "\(diffOutput)")
        #expect(!diffOutput.contains("not run: fine"), "\(diffOutput)")

        #expect(try largeObjects() == objects)
        #expect(try Fixture.psql("SELECT pid FROM pg_stat_replication", database: "postgres", port: pair.primaryPort) == walsender)
    }
}
