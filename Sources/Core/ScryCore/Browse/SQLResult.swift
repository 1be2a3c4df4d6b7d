/// A window of a console query's rows: rows `start ..< start + rows.count` of the result, and
/// how many rows the result holds once that is known.
public struct SQLResult: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[FieldValue]]
    /// The index of `rows[0]` in the whole result.
    public var start: Int
    /// Every row of the result, once known: a window came back short, or the end was counted.
    public var total: Int?
    public var provenance: [Provenance]

    public init(columns: [String], rows: [[FieldValue]], start: Int = 0, total: Int?, provenance: [Provenance]) {
        self.columns = columns
        self.rows = rows
        self.start = start
        self.total = total
        self.provenance = provenance
    }
}

/// Which window of a console query a view asks for, of the cursor session it holds.
public struct SQLWindowRequest: Sendable, Equatable {
    /// The session's key: the view's, for as long as it shows the query.
    public var session: Int
    /// The first row wanted; nil asks for the window that holds the last row (the end is
    /// counted first).
    public var start: Int?
    public var count: Int
    /// Opens the session (vetting the query) before reading; otherwise a closed session is an
    /// error that says why it closed.
    public var opens: Bool

    public init(session: Int, start: Int?, count: Int, opens: Bool) {
        self.session = session
        self.start = start
        self.count = count
        self.opens = opens
    }
}
