import ScryCore
import ScryUIKit

/// `:redis COMMAND`: one read-only command on the Redis pane's store, its replies by type, as
/// redis-cli lays them out; a keyless command shows each master's reply under its address. A
/// command off the allow-list never reaches the server: the view says which and why.
public struct RedisReplyView: Sendable, Equatable {
    public var store: String
    public var line: String
    public var arguments: [[UInt8]]
    public var load: LoadState = .idle
    public var replies: [NodeReply]?
    public var offset = 0
    var wantsRead = true

    public init(store: String, line: String, arguments: [[UInt8]]) {
        self.store = store
        self.line = line
        self.arguments = arguments
    }

    /// The lines drawn: a node's address above its reply when there are several nodes.
    public var lines: [(text: UntrustedText, role: Role)] {
        guard let replies else { return [] }
        var lines: [(UntrustedText, Role)] = []
        for reply in replies {
            let indent = replies.count > 1 ? "  " : ""
            if replies.count > 1 {
                lines.append((UntrustedText("\(reply.provenance.node) (\(reply.provenance.role.rawValue)\(reply.provenance.shard.map { ", slots \($0)" } ?? "")):"), .title))
            }
            for line in ReplyLine.lines(reply.reply) {
                let body: UntrustedText
                var role = Role.normal
                switch line.body {
                case .bulk(let bytes): body = UntrustedText(pieces: [.text("\"")] + UntrustedText(bytes: bytes).pieces + [.text("\"")])
                case .status(let bytes): body = UntrustedText(bytes: bytes)
                case .integer(let value): body = UntrustedText("(integer) \(value)")
                case .null: body = UntrustedText("(nil)"); role = .dim
                case .error(let message): body = UntrustedText("(error) " + message); role = .error
                case .emptyArray: body = UntrustedText("(empty array)"); role = .dim
                }
                lines.append((UntrustedText(pieces: [.text(indent + line.prefix)] + body.pieces), role))
            }
        }
        return lines
    }
}

extension RedisReplyView: PaneContent {
    public var crumb: String { "redis " + (line.count > 30 ? String(line.prefix(29)) + "…" : line) }

    public func waits(for job: JobID) -> Bool { load.job == job }

    public func rowCount(width: Int) -> Int { lines.count }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        offset = max(0, min(max(0, lines.count - rows), offset.addingReportingOverflow(delta).partialValue))
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        guard wantsRead else { return [] }
        wantsRead = false
        let (job, effect) = context.run(.redisCommand(store: store, arguments: arguments))
        load = .loading(job, since: context.now)
        return [effect]
    }

    public mutating func cancel() { load = .cancelled }

    public mutating func failed(_ job: JobID, _ load: LoadState) { self.load = load }

    public mutating func refresh() -> Refresh {
        replies = nil
        offset = 0
        wantsRead = true
        return .reread
    }

    public func selectionText() -> String? { lines.map(\.text.displayString).joined(separator: "\n") }

    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        guard replies != nil else {
            let (text, role): (String, Role) = switch load {
            case .failed(let reason): (reason, .error)
            case .cancelled: ("cancelled: R sends it again", .dim)
            default: ("sending…", .dim)
            }
            renderMessage(text, role: role, into: &buffer, area: area)
            return
        }
        for (row, line) in lines.dropFirst(offset).prefix(area.height).enumerated() {
            buffer.put(line.text, x: area.x, y: area.y + row, maxWidth: area.width, style: Style(line.role))
        }
    }
}
