import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport
import ScryStores

/// `scry doctor` warns, without calling the platform unhealthy, when a session's role could do
/// more than read. On a primary and replica of their own, with a role for each warning.
@Suite("Doctor: least privilege")
struct DoctorPrivilegeTests {
    @Test func eachRoleThatCouldDoMoreThanReadIsWarnedAbout() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try Fixture.psql("""
            CREATE TABLE gadgets (id int PRIMARY KEY, label text);
            CREATE TABLE parts (id int PRIMARY KEY);
            CREATE ROLE scry_t_reader LOGIN; GRANT pg_read_all_data TO scry_t_reader;
            CREATE ROLE scry_t_writer LOGIN; GRANT SELECT, INSERT, UPDATE ON gadgets TO scry_t_writer; GRANT TRUNCATE ON parts TO scry_t_writer;
            CREATE ROLE scry_t_bypasser LOGIN BYPASSRLS; GRANT pg_read_all_data TO scry_t_bypasser
            """, port: pair.primaryPort)
        try Fixture.waitForReplay(primaryPort: pair.primaryPort, replicaPort: pair.replicaPort)
        let text = """
            [atlas]
            name = "privileges"
            [stores.main]
            engine = "postgres"
            database = "world"
            primary = "\(pair.host):\(pair.primaryPort)"
            replicas = ["\(pair.host):\(pair.replicaPort)"]
            [entities.gadget]
            store = "main"
            table = "gadgets"
            key = "id"
            [entities.part]
            store = "main"
            table = "parts"
            key = "id"
            """
        let atlas = try AtlasParser.parse(try TOMLReader.read(text, file: "privileges.toml"), environment: [:])
        func examine(_ user: String) -> Doctor.Report {
            Doctor.examine(atlas, credentials: StoreCredentials(postgres: PostgresCredentials(user: user)))
        }

        let reader = examine("scry_t_reader")
        #expect(reader.healthy, "\(reader.problems)")
        #expect(reader.warnings == [])

        let superuser = examine("postgres")
        #expect(superuser.healthy, "\(superuser.problems)")
        #expect(superuser.warnings == ["main: role postgres is a superuser: it may write anything, bypasses row-level security, and can turn read-only off; connect as a role that can only read (README: least privilege)"])

        let writer = examine("scry_t_writer")
        #expect(writer.healthy, "\(writer.problems)")
        #expect(writer.warnings == ["main: role scry_t_writer may write to tables the atlas names: gadgets (INSERT, UPDATE), parts (TRUNCATE); connect as a role that can only read (README: least privilege)"])

        let bypasser = examine("scry_t_bypasser")
        #expect(bypasser.healthy, "\(bypasser.problems)")
        #expect(bypasser.warnings == ["main: role scry_t_bypasser bypasses row-level security (BYPASSRLS), so it reads rows a policy would hide; connect as a role that can only read (README: least privilege)"])
    }
}
