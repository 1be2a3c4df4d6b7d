import Testing
@testable import PostgresClient

@Suite("LSN")
struct LSNTests {
    @Test func parsesAndPrintsTheServersNotation() throws {
        let lsn = try #require(LSN("16/B374D848"))
        #expect(lsn.value == 0x16_B374_D848)
        #expect(lsn.description == "16/B374D848")
        #expect(LSN("0/0")?.value == 0)
        #expect(LSN("FFFFFFFF/FFFFFFFF")?.value == UInt64.max)
    }

    @Test(arguments: ["", "16", "16/", "/1", "1/2/3", "G/1", "123456789/0", "-1/0", "1 /0"])
    func rejectsMalformedText(_ text: String) {
        #expect(LSN(text) == nil)
    }

    @Test func measuresBytesBetweenPositions() throws {
        let primary = try #require(LSN("1/00000010"))
        let replica = try #require(LSN("0/FFFFFFF0"))
        #expect(primary.bytes(since: replica) == 0x20)
        #expect(replica.bytes(since: primary) == 0, "a node ahead of its reference lags by nothing")
        #expect(replica < primary)
    }
}

@Suite("PostgresConfiguration")
struct PostgresConfigurationTests {
    @Test func safetyOptionsComeLastAndKeepTheCallersOptions() {
        let configuration = PostgresConfiguration(
            parameters: [.init("dbname", "postgresql://u@h/db?options=-c%20work_mem%3D1MB"), .init("options", "-c search_path=game")],
            statementTimeoutMilliseconds: 1500)
        let parameters = configuration.libpqParameters()
        // The URI is parsed by libpq into its keywords, in its place; a later keyword wins.
        #expect(parameters.contains(.init("user", "u")) && parameters.contains(.init("host", "h")) && parameters.contains(.init("dbname", "db")))
        #expect(!parameters.contains { $0.value.contains("://") })
        #expect(parameters.last == .init("options", "-c search_path=game -c default_transaction_read_only=on -c statement_timeout=1500"))
        #expect(parameters.contains(.init("client_encoding", "UTF8")))
        #expect(parameters.contains(.init("connect_timeout", "5")))
        #expect(parameters.contains(.init("keepalives", "1")))
        #expect(parameters.contains(.init("tcp_user_timeout", "11500")))
        #expect(parameters.filter { $0.keyword == "options" }.count == 1)
    }

    @Test func targetSessionAttributesAskForTheServersRole() {
        // Every Scry session sets default_transaction_read_only, which libpq's read-write and
        // read-only look at: they become primary and standby, which ask for the role.
        func attributes(_ text: String, readOnly: Bool = true) -> [String] {
            PostgresConfiguration.uri(text).libpqParameters(readOnly: readOnly).filter { $0.keyword == "target_session_attrs" }.map(\.value)
        }
        #expect(attributes("postgresql://a:1,b:2/db?target_session_attrs=read-write") == ["primary"])
        #expect(attributes("host=a,b port=1,2 target_session_attrs=read-only") == ["standby"])
        for kept in ["primary", "standby", "prefer-standby", "any"] {
            #expect(attributes("host=a,b target_session_attrs=\(kept)") == [kept])
        }
        #expect(attributes("host=a,b target_session_attrs=read-write", readOnly: false) == ["read-write"])
        #expect(attributes("postgresql://a/db") == [])
        let written = PostgresConfiguration.uri("host=a connect_timeout=9").libpqParameters()
        #expect(written.filter { $0.keyword == "connect_timeout" } == [.init("connect_timeout", "9")], "the string's own timeout is kept")
    }

    @Test func aCallersConnectTimeoutIsKept() {
        let configuration = PostgresConfiguration(parameters: [.init("connect_timeout", "2")])
        #expect(configuration.libpqParameters().filter { $0.keyword == "connect_timeout" } == [.init("connect_timeout", "2")])
    }

    @Test func findsPasswordsInEveryForm() {
        #expect(PostgresConfiguration(parameters: [.init("password", "pw1")]).secrets == ["pw1"])
        #expect(PostgresConfiguration.uri("postgresql://alice:s3cr%40t@db:5432/world").secrets == ["s3cr%40t", "s3cr@t"])
        #expect(PostgresConfiguration.uri("postgres://db/world?user=a&password=qwerty").secrets == ["qwerty"])
        #expect(PostgresConfiguration.uri("host=db password='with space' user=x").secrets == ["with space"])
        #expect(PostgresConfiguration.uri("host=db password = plain user=x").secrets == ["plain"])
        #expect(PostgresConfiguration.uri("postgresql://alice@db/world").secrets.isEmpty)
        #expect(PostgresConfiguration.uri("host=h password='ab\\'cd' user=x").secrets == ["ab'cd", "ab\\'cd"])
        let display = PostgresConfiguration.uri("host=h password='ab\\'cd' user=x").redactedDescription
        #expect(!display.contains("ab") && !display.contains("cd'"), "\(display)")
    }
}

@Suite("PostgresError")
struct PostgresErrorTests {
    @Test func descriptionIsGenericAndDebugDescriptionHasTheDetails() {
        let error = PostgresError(kind: .server, message: "relation \"secret_table\" does not exist",
                                  sqlState: "42P01", detail: "d", hint: "h", position: 15)
        #expect(error.description == "PostgreSQL error 42P01")
        #expect(error.debugDescription == """
            PostgreSQL error 42P01: relation "secret_table" does not exist
            DETAIL: d
            HINT: h
            POSITION: 15
            """)
    }

    @Test func redactionScrubsEverySecretFromEveryField() {
        let error = PostgresError(kind: .connection, message: "bad pw hunter2 and s3cr@t", detail: "hunter2", hint: "x")
            .redacting(["hunter2", "s3cr@t"])
        #expect(error.message == "bad pw ******** and ********")
        #expect(error.detail == "********")
        #expect(error.hint == "x")
    }

    @Test func classifiesCancellationAndReadOnlyErrors() {
        #expect(PostgresError(kind: .server, message: "", sqlState: "57014").isQueryCanceled)
        #expect(PostgresError(kind: .server, message: "", sqlState: "25006").isReadOnlyTransaction)
        #expect(!PostgresError(kind: .server, message: "", sqlState: "42P01").isQueryCanceled)
    }
}
