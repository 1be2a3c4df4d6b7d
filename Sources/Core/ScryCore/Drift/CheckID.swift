/// The name of the check behind a finding or a report line: one of the built-in checks, or a
/// check the atlas declares (`[[checks.declared]]`). The atlas refuses a declared name that a
/// built-in check already has, so the name alone tells which it is.
public struct CheckID: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The name as the atlas, the CLI and the output formats write it (`divergence`,
    /// `negative-hp`).
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ builtIn: CheckName) { rawValue = builtIn.rawValue }
    /// A declared check's name.
    public init(declared name: String) { rawValue = name }

    /// The built-in check of this name, or nil for a declared check.
    public var builtIn: CheckName? { CheckName(rawValue: rawValue) }
    public var isDeclared: Bool { builtIn == nil }
    public var description: String { rawValue }

    public static let orphan = CheckID(.orphan)
    public static let divergence = CheckID(.divergence)
    public static let worldVersion = CheckID(.worldVersion)
    public static let cacheStale = CheckID(.cacheStale)
    public static let cacheMissing = CheckID(.cacheMissing)
    public static let cacheZombie = CheckID(.cacheZombie)
    public static let sessionDangling = CheckID(.sessionDangling)
    public static let ttlMissing = CheckID(.ttlMissing)
    public static let replicaDivergence = CheckID(.replicaDivergence)
}

extension Atlas {
    /// Every check the atlas can run: its enabled built-in checks, then its declared checks.
    public var allChecks: [CheckID] { checks.map(CheckID.init) + declaredChecks.map { CheckID(declared: $0.name) } }

    public func declaredCheck(named name: String) -> DeclaredCheck? { declaredChecks.first { $0.name == name } }

    /// The atlas key of a declared check's query (`checks.declared[2].query`), to point at its line.
    public func declaredQueryPath(_ check: DeclaredCheck) -> ConfigPath {
        ConfigPath([.key("checks"), .key("declared"), .index(declaredChecks.firstIndex { $0.name == check.name } ?? 0), .key("query")])
    }
}
