/// How many events a campaign logged in each of the last hours, oldest first: what a game
/// master glances at before reading a single event.
public struct EventRate: Sendable, Equatable {
    /// One count per hour; the last is the hour that ends now.
    public var perHour: [Int]
    /// The nodes that served the count.
    public var provenance: Provenance

    public init(perHour: [Int], provenance: Provenance) {
        self.perHour = perHour
        self.provenance = provenance
    }

    public var total: Int { perHour.reduce(0, +) }

    /// Counts by age in whole hours (0: the last hour), as a query groups them, laid out oldest
    /// first over `hours` hours; ages outside the window are left out.
    public static func perHour(byAge counts: [(age: Int, count: Int)], hours: Int) -> [Int] {
        var result = Array(repeating: 0, count: max(0, hours))
        for (age, count) in counts where age >= 0 && age < hours { result[hours - 1 - age] += count }
        return result
    }
}
