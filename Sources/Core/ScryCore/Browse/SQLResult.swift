/// The rows a console query gave the TUI: the first ones only, so a screen holds a bounded
/// number however many rows the query has (`scry sql` or `:export` stream the rest).
public struct SQLResult: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[FieldValue]]
    /// More rows followed: reading stopped at the limit.
    public var truncated: Bool
    public var provenance: [Provenance]

    public init(columns: [String], rows: [[FieldValue]], truncated: Bool, provenance: [Provenance]) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
        self.provenance = provenance
    }
}
