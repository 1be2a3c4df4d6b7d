/// What went wrong while migrating or loading the reference platform. Each case names the
/// database, file, step or key involved.
public enum DemoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The migration files could not be found or read, or one is misnamed.
    case migrations(String)
    /// A migration that was applied earlier has been edited since.
    case migrationChanged(database: String, version: Int, fileName: String, applied: String, current: String)
    /// The history lists a version that no file provides any more.
    case migrationMissing(database: String, version: Int, description: String)
    /// A statement of a migration failed; the migration was rolled back.
    case migrationFailed(database: String, fileName: String, statement: Int, line: Int, detail: String)
    case postgres(database: String, step: String, detail: String)
    case redis(step: String, detail: String)
    /// Generated rows break a rule the schema would enforce (checked when the load ran with
    /// foreign-key triggers off).
    case integrity(database: String, detail: String)
    case manifest(String)

    public var description: String {
        switch self {
        case .migrations(let message):
            return "migrations: \(message)"
        case let .migrationChanged(database, version, fileName, applied, current):
            return "\(database): migration \(version) (\(fileName)) was applied with checksum \(applied) but the file now has \(current); applied migrations must not be edited: add a new V\(version + 1)__… file instead"
        case let .migrationMissing(database, version, description):
            return "\(database): migration \(version) (\(description)) is recorded in scry_schema_history but no file provides it"
        case let .migrationFailed(database, fileName, statement, line, detail):
            return "\(database): \(fileName), statement \(statement) (line \(line)) failed, and the migration was rolled back: \(detail)"
        case let .postgres(database, step, detail):
            return "\(database): \(step): \(detail)"
        case let .redis(step, detail):
            return "redis: \(step): \(detail)"
        case let .integrity(database, detail):
            return "\(database): generated data breaks the schema: \(detail)"
        case .manifest(let message):
            return "manifest: \(message)"
        }
    }
}
