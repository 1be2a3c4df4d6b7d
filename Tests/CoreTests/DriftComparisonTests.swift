import Testing
@testable import ScryCore

/// The pure logic of the drift checks, without servers.
@Suite("Drift comparisons")
struct DriftComparisonTests {
    static let primary = Provenance(store: "world", node: Endpoint(host: "db-1", port: 5432), role: .primary)
    static let replica = Provenance(store: "world", node: Endpoint(host: "db-2", port: 5432), role: .replica, lagBytes: 10)

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func merge(_ left: [String], _ right: [(String, Int)]) throws -> [String] {
        var l = left.makeIterator(), r = right.makeIterator()
        var events: [String] = []
        try DriftComparison.mergeJoin(left: { l.next() }, leftKey: { Self.bytes($0) }, right: { r.next() }, rightKey: { Self.bytes($0.0) }) { event in
            switch event {
            case .both(let key, let row): events.append("both \(key)/\(row.1)")
            case .leftOnly(let key): events.append("left \(key)")
            case .rightOnly(let row): events.append("right \(row.0)/\(row.1)")
            }
        }
        return events
    }

    @Test func mergeJoinPairsManyRightRowsWithOneLeftKeyAndReportsEachSidesStrays() throws {
        // Byte order, as COLLATE "C": "10" < "2" < "3" < "9".
        let events = try merge(["10", "3", "9"], [("10", 1), ("10", 2), ("2", 1), ("3", 5), ("31", 1)])
        #expect(events == ["both 10/1", "both 10/2", "right 2/1", "both 3/5", "right 31/1", "left 9"])
    }

    @Test func mergeJoinOfEmptySides() throws {
        #expect(try merge([], [("a", 1)]) == ["right a/1"])
        #expect(try merge(["a"], []) == ["left a"])
        #expect(try merge([], []) == [])
    }

    @Test func byteOrderIsTheOrderOfCollateC() {
        #expect(DriftComparison.precedes(Self.bytes("CRV-2"), Self.bytes("DRD-9")))
        #expect(DriftComparison.precedes(Self.bytes("Z"), Self.bytes("a")))
        #expect(DriftComparison.precedes(Self.bytes("ab"), Self.bytes("abc")))
        #expect(!DriftComparison.precedes(Self.bytes("é"), Self.bytes("z")))
    }

    @Test(arguments: [
        ("[\"name\", \"level\"]", ["name", "level"]),
        ("[]", []),
        ("{name,level}", ["name", "level"]),
        ("{\"home location\",\"a\\\"b\"}", ["home location", "a\"b"]),
        ("{}", []),
        ("", []),
        ("null", []),
    ] as [(String, [String])])
    func overridesReadJSONArraysAndPostgresArraysAsText(text: String, names: [String]) {
        #expect(DriftComparison.overrides(text) == Set(names))
    }

    @Test func overridesOfNullNameNothing() {
        #expect(DriftComparison.overrides(nil) == [])
    }

    @Test func divergencesSkipOverriddenFieldsByEitherNameAndCompareBytes() {
        let values = [
            DriftComparison.MirroredValue(field: "name", expected: Self.bytes("Crane"), actual: Self.bytes("Crane the Forgotten")),
            DriftComparison.MirroredValue(field: "level", expected: Self.bytes("8"), actual: Self.bytes("11")),
            DriftComparison.MirroredValue(field: "shown_name", aliases: ["display_name"], expected: Self.bytes("a"), actual: Self.bytes("b")),
            DriftComparison.MirroredValue(field: "tier", expected: nil, actual: nil),
            // "é" precomposed and decomposed are equal Strings but different bytes: drift.
            DriftComparison.MirroredValue(field: "title", expected: Self.bytes("\u{E9}"), actual: Self.bytes("e\u{301}")),
        ]
        let found = DriftComparison.divergences(values, overrides: ["level", "display_name"]).map(\.field)
        #expect(found == ["name", "title"])
    }

    @Test func worldVersionsCompareAsNumbers() {
        #expect(DriftComparison.isOlder("4", than: "5") == true)
        #expect(DriftComparison.isOlder("10", than: "9") == false)
        #expect(DriftComparison.isOlder("5", than: "5") == false)
        #expect(DriftComparison.isOlder("1.5", than: "2") == true)
        #expect(DriftComparison.isOlder(nil, than: "2") == nil)
        #expect(DriftComparison.isOlder("v1", than: "v2") == nil)
    }

    @Test func aTTLIsMissingOnlyWhenRequiredAndPTTLSaysNone() {
        #expect(DriftComparison.ttlMissing(pttlMilliseconds: -1, rule: .required))
        #expect(!DriftComparison.ttlMissing(pttlMilliseconds: -2, rule: .required))
        #expect(!DriftComparison.ttlMissing(pttlMilliseconds: 5_000, rule: .required))
        #expect(!DriftComparison.ttlMissing(pttlMilliseconds: -1, rule: .any))
        #expect(!DriftComparison.ttlMissing(pttlMilliseconds: nil, rule: .required))
    }

    @Test func cacheFieldsCompareBytesAndAMissingFieldEqualsNull() {
        #expect(!DriftComparison.cacheDiffers(world: nil, cached: nil))
        #expect(DriftComparison.cacheDiffers(world: Self.bytes("4"), cached: nil))
        #expect(DriftComparison.cacheDiffers(world: Self.bytes("4"), cached: Self.bytes("3")))
    }

    @Test func textArrayLiteralsQuoteEveryElement() {
        #expect(DriftComparison.textArrayLiteral(["1", "a\"b", "c\\d", "x,y"]) == #"{"1","a\"b","c\\d","x,y"}"#)
        #expect(DriftComparison.textArrayLiteral([String]()) == "{}")
    }

    static func finding(_ key: String, seen: Provenance, confirmed: Bool, actual: String = "old") -> Finding {
        Finding(check: .divergence, entity: "character", key: key, campaignID: 1, field: "name", expected: "new", actual: actual,
                seenOn: seen, confirmedOnPrimary: confirmed)
    }

    @Test func theReplicasFindingsAreReportedOnlyWhenThePrimaryShowsThemToo() {
        let candidates = [
            Self.finding("1", seen: Self.replica, confirmed: false),
            Self.finding("2", seen: Self.replica, confirmed: false),
            Self.finding("3", seen: Self.primary, confirmed: true),
        ]
        let onPrimary = [Self.finding("1", seen: Self.primary, confirmed: true, actual: "older")]
        let reported = Confirmation.reconcile(candidates, primary: onPrimary)
        #expect(reported.map(\.key) == ["1", "3"])
        #expect(reported.allSatisfy { $0.confirmedOnPrimary })
        #expect(reported[0].seenOn == Self.replica, "it says where it was first seen")
        #expect(reported[0].actual == "older", "with the primary's values")
    }

    @Test func theLeastFreshReadIsTheOneAFindingNames() {
        let behind = Provenance(store: "world", node: Endpoint(host: "db-3", port: 5432), role: .replica, lagBytes: 99)
        #expect(Confirmation.leastFresh([Self.primary, Self.replica, behind]) == behind)
        #expect(Confirmation.leastFresh([Self.primary]) == Self.primary)
        #expect(Confirmation.leastFresh([]) == nil)
    }

    @Test func findingsHaveDefaultSeveritiesAndAnIdentity() {
        let finding = Self.finding("7", seen: Self.replica, confirmed: false)
        #expect(finding.severity == .warning)
        #expect(finding.needsConfirmation)
        #expect(finding.identity == Finding.Identity(check: .divergence, entity: "character", key: "7", campaignID: 1, field: "name"))
        #expect(CheckName.orphan.defaultSeverity == .error)
    }
}
