/// How a session's bytes travel: in the clear, or encrypted with TLS at a protocol version the
/// server and client agreed on ("TLSv1.3"). Shown wherever a node is (the pane title, the nodes
/// screen, `scry doctor`, a finding's provenance), so a person can see that production traffic
/// is encrypted.
public enum Transport: Sendable, Hashable, CustomStringConvertible {
    case plain
    case tls(protocolVersion: String)

    /// From a client's report: the TLS protocol in use, or nil for a plain session.
    public init(tlsProtocol: String?) {
        if let version = tlsProtocol { self = .tls(protocolVersion: version.isEmpty ? "TLS" : version) } else { self = .plain }
    }

    public var isEncrypted: Bool {
        if case .tls = self { return true }
        return false
    }

    /// `plain`, or the protocol version (`TLSv1.3`).
    public var description: String {
        switch self {
        case .plain: return "plain"
        case .tls(let version): return version
        }
    }
}
