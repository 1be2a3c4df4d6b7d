/// The direction in which `Rect.split` lays out its parts.
public enum Axis: Sendable {
    case horizontal
    case vertical
}

/// How much of a split one part asks for, in cells along the split's axis.
public enum Constraint: Sendable, Equatable {
    /// Exactly this many cells, or what is left.
    case length(Int)
    /// This share (0–100) of the space left after spacing.
    case percentage(Int)
    /// A share of what the fixed parts leave, in proportion to its weight.
    case fill(Int)
    /// At least this many cells (or what is left), plus a weight-1 share of the rest.
    case min(Int)
}

extension Rect {
    /// Splits the rectangle along `axis`. Fixed parts (`length`, `percentage`, `min`'s floor)
    /// are served first, in order, so the last ones shrink when space runs out; `fill` and
    /// `min` then share what remains by weight. Always returns `constraints.count` rectangles,
    /// each inside this one and never of negative size.
    public func split(_ axis: Axis, _ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        guard !constraints.isEmpty else { return [] }
        let total = axis == .horizontal ? width : height
        let gap = Swift.max(0, spacing)
        let available = Swift.max(0, total - gap * (constraints.count - 1))

        var sizes = Array(repeating: 0, count: constraints.count)
        var weights = Array(repeating: 0, count: constraints.count)
        var remaining = available
        for (index, constraint) in constraints.enumerated() {
            let wanted: Int
            switch constraint {
            case .length(let cells): wanted = Swift.max(0, cells)
            case .percentage(let percent): wanted = available * Swift.min(100, Swift.max(0, percent)) / 100
            case .min(let cells): wanted = Swift.max(0, cells); weights[index] = 1
            case .fill(let weight): wanted = 0; weights[index] = Swift.max(0, weight)
            }
            sizes[index] = Swift.min(wanted, remaining)
            remaining -= sizes[index]
        }
        // Cumulative rounding hands out every leftover cell and is stable from frame to frame.
        let totalWeight = weights.reduce(0, +)
        if totalWeight > 0, remaining > 0 {
            var cumulative = 0, given = 0
            for index in sizes.indices where weights[index] > 0 {
                cumulative += weights[index]
                let upTo = remaining * cumulative / totalWeight
                sizes[index] += upTo - given
                given = upTo
            }
        }

        var position = axis == .horizontal ? x : y
        let end = position + total
        return sizes.map { size in
            let start = Swift.min(position, end)
            let length = Swift.min(size, end - start)
            position = start + length + gap
            return axis == .horizontal
                ? Rect(x: start, y: y, width: length, height: height)
                : Rect(x: x, y: start, width: width, height: length)
        }
    }

    /// A rectangle of at most `width` by `height` cells in the middle of this one, for overlays.
    public func centered(width: Int, height: Int) -> Rect {
        let w = Swift.min(Swift.max(0, width), self.width)
        let h = Swift.min(Swift.max(0, height), self.height)
        return Rect(x: x + (self.width - w) / 2, y: y + (self.height - h) / 2, width: w, height: h)
    }
}
