/// An `EXPLAIN` result read as the tree it draws in text: each plan node with its estimated
/// cost, rows and width (and what `ANALYZE` measured), the lines that describe it (`Filter:`,
/// `Hash Cond:` …), and its children. Parsed from PostgreSQL's text format, the one
/// `EXPLAIN` prints by default: a node is the first line or a line whose text starts with
/// `->`, and its depth is where that arrow stands.
public struct QueryPlan: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        /// `Seq Scan on characters c`, `Hash Join`, …
        public var operation: String
        /// `cost=0.00..1.10 rows=10 width=40`, as printed, when given.
        public var estimate: Estimate?
        /// `actual time=0.010..0.020 rows=10 loops=1` (or `actual rows=…` without timing).
        public var actual: String?
        /// The lines under the node that describe it, without their indentation.
        public var details: [String]
        public var children: [Node]

        public init(operation: String, estimate: Estimate? = nil, actual: String? = nil, details: [String] = [], children: [Node] = []) {
            self.operation = operation
            self.estimate = estimate
            self.actual = actual
            self.details = details
            self.children = children
        }
    }

    public struct Estimate: Sendable, Equatable {
        public var startupCost: String
        public var totalCost: String
        public var rows: String
        public var width: String

        public init(startupCost: String, totalCost: String, rows: String, width: String) {
            self.startupCost = startupCost
            self.totalCost = totalCost
            self.rows = rows
            self.width = width
        }
    }

    public var root: Node
    /// What follows the tree: `Planning Time: …`, `JIT:` and its lines, `Execution Time: …`.
    public var summary: [String]

    public init(root: Node, summary: [String] = []) {
        self.root = root
        self.summary = summary
    }

    /// The plan in `lines` (one row of `QUERY PLAN` each), or nil when they are not a plan in
    /// text format (`FORMAT JSON`, `YAML`, `XML`, or no rows).
    public static func parse(_ lines: [String]) -> QueryPlan? {
        guard let first = lines.first, let head = node(first.drop { $0 == " " }), !first.hasPrefix(" "),
              !first.hasPrefix("{"), !first.hasPrefix("[") , !first.hasPrefix("<") else { return nil }
        // The path from the root to the node read last: each node's arrow column (-1 for the
        // root), kept until its children are read.
        var path: [(column: Int, node: Node)] = [(-1, head)]
        var summary: [String] = []

        func closeTo(_ count: Int) {
            while path.count > count {
                let child = path.removeLast().node
                path[path.count - 1].node.children.append(child)
            }
        }

        for line in lines.dropFirst() {
            let indent = line.prefix { $0 == " " }.count
            let text = String(line.dropFirst(indent))
            if !summary.isEmpty || (indent == 0 && !text.isEmpty) {
                summary.append(line)
                continue
            }
            if text.hasPrefix("->") {
                let body = text.dropFirst(2).drop { $0 == " " }
                guard let child = node(body) else { return nil }
                // The child hangs under the deepest open node whose arrow stands left of its own.
                var keep = path.count
                while keep > 1, path[keep - 1].column >= indent { keep -= 1 }
                closeTo(keep)
                path.append((indent, child))
            } else {
                // A description belongs to the deepest open node that stands left of it.
                var owner = path.count - 1
                while owner > 0, path[owner].column >= indent { owner -= 1 }
                closeTo(owner + 1)
                path[owner].node.details.append(text)
            }
        }
        closeTo(1)
        return QueryPlan(root: path[0].node, summary: summary)
    }

    /// A node line: the operation, then `(cost=… rows=… width=…)` and `(actual …)` when given.
    static func node(_ line: Substring) -> Node? {
        guard !line.isEmpty else { return nil }
        var operation = line
        var estimate: Estimate?
        var actual: String?
        while operation.hasSuffix(")"), let open = operation.lastRange(of: " (") {
            let inside = operation[open.upperBound..<operation.index(before: operation.endIndex)]
            if inside.hasPrefix("cost=") {
                estimate = Self.estimate(inside)
            } else if inside.hasPrefix("actual") || inside.hasPrefix("never executed") {
                actual = String(inside)
            } else {
                break
            }
            operation = operation[..<open.lowerBound].trimmingTrailingSpaces
        }
        return Node(operation: String(operation.trimmingTrailingSpaces), estimate: estimate, actual: actual)
    }

    static func estimate(_ text: Substring) -> Estimate? {
        var fields: [Substring: Substring] = [:]
        for pair in text.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let cost = fields["cost"], let rows = fields["rows"] else { return nil }
        let costs = cost.split(separator: ".", omittingEmptySubsequences: false)
        // `0.00..1.10` splits on "." into 0, 00, "", 1, 10.
        guard costs.count == 5 else { return nil }
        return Estimate(startupCost: "\(costs[0]).\(costs[1])", totalCost: "\(costs[3]).\(costs[4])", rows: String(rows),
                        width: fields["width"].map(String.init) ?? "")
    }

    /// The tree flattened in reading order, each line with the graph that draws its place:
    /// `├─ ` and `└─ ` before a node, `│  ` down the side of a node with more below; a node's
    /// details follow it, then its children; the summary comes last.
    public var lines: [Line] {
        var result: [Line] = []
        func walk(_ node: Node, ancestorsLast: [Bool], isLast: Bool?) {
            let side = ancestorsLast.map { $0 ? "   " : "│  " }.joined()
            let own = isLast.map { $0 ? "└─ " : "├─ " } ?? ""
            result.append(Line(graph: side + own, kind: .node(node.operation, node.estimate, node.actual)))
            let below = ancestorsLast + (isLast.map { [$0] } ?? [])
            let detailGraph = below.map { $0 ? "   " : "│  " }.joined() + (node.children.isEmpty ? "   " : "│  ")
            for detail in node.details { result.append(Line(graph: detailGraph, kind: .detail(detail))) }
            for (index, child) in node.children.enumerated() {
                walk(child, ancestorsLast: below, isLast: index == node.children.count - 1)
            }
        }
        walk(root, ancestorsLast: [], isLast: nil)
        result += summary.map { Line(graph: "", kind: .summary($0)) }
        return result
    }

    public struct Line: Sendable, Equatable {
        public var graph: String
        public var kind: Kind

        public enum Kind: Sendable, Equatable {
            case node(String, Estimate?, String?)
            case detail(String)
            case summary(String)
        }
    }
}

extension Substring {
    fileprivate var trimmingTrailingSpaces: Substring {
        var text = self
        while text.last == " " { text = text.dropLast() }
        return text
    }

    fileprivate func lastRange(of needle: String) -> Range<Index>? {
        var index = endIndex
        while index > startIndex {
            index = self.index(before: index)
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
        }
        return nil
    }
}
