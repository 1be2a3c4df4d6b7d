import CHiredis
import COpenSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// TLS for hiredis 0.14.1, which has none: a connected, verified TLS session to the server,
/// joined to hiredis through a socket pair.
///
/// hiredis takes one end of the pair (`redisConnectFd`) and speaks plain RESP on it, as it
/// would on a TCP socket (its timeouts and blocking reads work unchanged). A pump thread owns
/// the other end and the TLS session: it encrypts what hiredis writes and decrypts what the
/// server sends, both ways at once and with non-blocking sockets, so a long pipeline can never
/// deadlock the two directions. When hiredis closes its end (`redisFree`) the pump sees the end
/// of file, closes the TLS session and the TCP socket, and exits; when the server goes away the
/// pump closes its end, and hiredis sees a lost connection.
///
/// Why not another design: Debian's `libhiredict` (a hiredis fork with TLS) conflicts with
/// `libhiredis-dev`, and linking hiredis from source would leave Debian's security updates
/// behind. The pump costs one thread per TLS connection and one extra copy through the kernel
/// (`benchmarks/redis-tls.sh` measures it).
///
/// The handshake verifies the certificate chain against `caFile` (the system's CAs when nil)
/// and the certificate's names against `serverName` (else the host connected to); SNI carries
/// the same name unless it is an IP address.
final class TLSTunnel: @unchecked Sendable {
    /// The end hiredis reads and writes; it owns and closes it.
    let clientDescriptor: Int32
    /// The negotiated protocol (`TLSv1.3`).
    let protocolVersion: String

    private let ssl: OpaquePointer
    private let context: OpaquePointer
    private let tcp: Int32
    private let pumpDescriptor: Int32
    /// Why the TLS session ended, when the server or OpenSSL said: set by the pump before it
    /// closes its end, so hiredis's "connection lost" can be told apart from a refusal (a
    /// client certificate the server wanted, under TLS 1.3, is refused only after the handshake).
    private let ending = Mutex<String?>(nil)

    var failure: String? { ending.withLock { $0 } }

    /// Connects, handshakes and verifies within `timeoutMilliseconds`, and starts the pump.
    init(host: String, port: Int, tls: RedisConfiguration.TLS, timeoutMilliseconds: Int) throws(RedisError) {
        let peer = "\(host):\(port)"
        Self.ignoreBrokenPipes
        let tcp = try Self.connect(host: host, port: port, timeoutMilliseconds: timeoutMilliseconds, peer: peer)
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            Glibc.close(tcp)
            throw RedisError.connection("\(peer): TLS: \(Self.openSSLErrors())")
        }
        var ok = false
        defer {
            if !ok { SSL_CTX_free(context); Glibc.close(tcp) }
        }
        _ = scry_ssl_ctx_set_min_proto(context, TLS1_2_VERSION)
        _ = scry_ssl_ctx_set_mode(context, scry_ssl_mode_partial_write())
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let caFile = tls.caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw RedisError.connection("\(peer): TLS: cannot read the CA file \(caFile): \(Self.openSSLErrors())")
            }
        } else if SSL_CTX_set_default_verify_paths(context) != 1 {
            throw RedisError.connection("\(peer): TLS: cannot load the system's CA certificates: \(Self.openSSLErrors())")
        }
        if let certFile = tls.certFile {
            guard SSL_CTX_use_certificate_chain_file(context, certFile) == 1 else {
                throw RedisError.connection("\(peer): TLS: cannot read the client certificate \(certFile): \(Self.openSSLErrors())")
            }
            guard let keyFile = tls.keyFile, SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1,
                  SSL_CTX_check_private_key(context) == 1 else {
                throw RedisError.connection("\(peer): TLS: cannot use the client key \(tls.keyFile ?? "(none)") with \(certFile): \(Self.openSSLErrors())")
            }
        }
        guard let ssl = SSL_new(context) else { throw RedisError.connection("\(peer): TLS: \(Self.openSSLErrors())") }
        let name = tls.serverName ?? host
        if Self.isIPAddress(name) {
            _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name)
        } else {
            _ = scry_ssl_set_sni(ssl, name)
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            _ = SSL_set1_host(ssl, name)
        }
        _ = SSL_set_fd(ssl, tcp)
        // The handshake is bounded by the connect timeout, through the socket's own timeouts.
        Self.setTimeouts(tcp, milliseconds: timeoutMilliseconds)
        ERR_clear_error()
        if SSL_connect(ssl) != 1 {
            let verify = SSL_get_verify_result(ssl)
            let reason: String
            if verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH {
                reason = "the server's certificate does not name \"\(name)\" (set tls_server_name to a name it has)"
            } else if verify != X509_V_OK {
                let text = X509_verify_cert_error_string(verify).map { String(cString: $0) } ?? "error \(verify)"
                reason = "the server's certificate was refused: \(text) (is tls_ca_file the CA that signed it?)"
            } else {
                let errors = Self.openSSLErrors()
                reason = errors.isEmpty ? "the server closed the connection during the handshake (does it ask for a client certificate, or speak TLS on this port?)" : errors
            }
            SSL_free(ssl)
            throw RedisError.connection("\(peer): TLS handshake failed: \(reason)")
        }
        let version = SSL_get_version(ssl).map { String(cString: $0) } ?? "TLS"

        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            SSL_free(ssl)
            throw RedisError.connection("\(peer): TLS: socketpair failed (errno \(errno))")
        }
        Self.setTimeouts(tcp, milliseconds: 0)
        Self.setNonBlocking(tcp)
        Self.setNonBlocking(pair[1])
        self.ssl = ssl
        self.context = context
        self.tcp = tcp
        self.clientDescriptor = pair[0]
        self.pumpDescriptor = pair[1]
        self.protocolVersion = version
        ok = true
        startPump()
    }

    // MARK: The pump

    private func startPump() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            let tunnel = Unmanaged<TLSTunnel>.fromOpaque(argument!).takeRetainedValue()
            tunnel.pump()
            return nil
        }, box)
        if started == 0 {
            pthread_detach(thread)
        } else {
            // No thread: hiredis sees its end closed and reports the connection lost.
            Unmanaged<TLSTunnel>.fromOpaque(box).release()
            finish()
        }
    }

    /// Moves bytes both ways until one side ends. Buffers are bounded: past `limit` bytes
    /// waiting for a side, the pump stops reading the other until it drains.
    private func pump() {
        let limit = 1 << 20
        var toServer: [UInt8] = []
        var toClient: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var writeWantsReadable = false
        var readWantsWritable = false
        var clientOpen = true
        var serverOpen = true
        var answered = false
        loop: while true {
            // hiredis → toServer
            while clientOpen, toServer.count < limit {
                let count = chunk.withUnsafeMutableBytes { read(pumpDescriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    toServer.append(contentsOf: chunk[0..<count])
                } else if count == 0 {
                    clientOpen = false
                } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    break
                } else {
                    clientOpen = false
                }
            }
            if !clientOpen { break loop }  // hiredis closed its end: the connection is over.
            // toServer → TLS
            writeWantsReadable = false
            var writeWantsWritable = false
            while serverOpen, !toServer.isEmpty {
                let written = toServer.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32(clamping: $0.count)) }
                if written > 0 {
                    toServer.removeFirst(Int(written))
                    continue
                }
                switch SSL_get_error(ssl, written) {
                case SSL_ERROR_WANT_WRITE: writeWantsWritable = true
                case SSL_ERROR_WANT_READ: writeWantsReadable = true
                default: serverOpen = false; noteEnding(beforeAnswering: !answered)
                }
                break
            }
            // TLS → toClient
            readWantsWritable = false
            while serverOpen, toClient.count < limit {
                let count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
                if count > 0 {
                    toClient.append(contentsOf: chunk[0..<Int(count)])
                    answered = true
                    continue
                }
                switch SSL_get_error(ssl, count) {
                case SSL_ERROR_WANT_READ: break
                case SSL_ERROR_WANT_WRITE: readWantsWritable = true
                default: serverOpen = false; noteEnding(beforeAnswering: !answered)
                }
                break
            }
            // toClient → hiredis
            while !toClient.isEmpty {
                let written = toClient.withUnsafeBytes { send(pumpDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written > 0 {
                    toClient.removeFirst(written)
                } else if written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    break
                } else {
                    break loop
                }
            }
            if !serverOpen, toClient.isEmpty { break loop }  // the server ended: hiredis sees end of file.
            if SSL_pending(ssl) > 0, toClient.count < limit { continue }

            var events: [pollfd] = [
                pollfd(fd: pumpDescriptor, events: Int16((toServer.count < limit ? POLLIN : 0) | (toClient.isEmpty ? 0 : POLLOUT)), revents: 0),
                pollfd(fd: tcp, events: Int16(
                    (serverOpen && (toClient.count < limit || writeWantsReadable) ? POLLIN : 0)
                    | (serverOpen && (writeWantsWritable || readWantsWritable) ? POLLOUT : 0)), revents: 0),
            ]
            if poll(&events, 2, -1) < 0, errno != EINTR { break loop }
        }
        finish()
    }

    /// Under TLS 1.3 a server that wants a client certificate, or refuses the one it got, says
    /// so only after the client's side of the handshake is done, with an alert; often the
    /// connection is reset before the alert can be read. Either way, a session that ends
    /// before the server's first answer is explained.
    private func noteEnding(beforeAnswering: Bool) {
        let errors = Self.openSSLErrors()
        let hint = " (does the server ask for a client certificate? set tls_cert_file and tls_key_file)"
        if errors.contains("certificate required") {
            ending.withLock { $0 = errors + hint }
        } else if beforeAnswering {
            ending.withLock { $0 = "the server ended the TLS session before its first answer" + (errors.isEmpty ? "" : ": " + errors) + hint }
        } else if !errors.isEmpty {
            ending.withLock { $0 = errors }
        }
    }

    private func finish() {
        _ = SSL_shutdown(ssl)
        SSL_free(ssl)
        SSL_CTX_free(context)
        Glibc.close(tcp)
        Glibc.close(pumpDescriptor)
    }

    // MARK: Sockets

    /// OpenSSL writes to the TCP socket with write(2): a server that closed the connection
    /// would raise SIGPIPE, whose default action ends the process. Scry never wants that (a
    /// lost server is an error, not a crash), so the signal is ignored, once, and writes fail
    /// with EPIPE instead.
    private static let ignoreBrokenPipes: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    private static func connect(host: String, port: Int, timeoutMilliseconds: Int, peer: String) throws(RedisError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw RedisError.connection("\(peer): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let address = entry {
            entry = address.pointee.ai_next
            let socket = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.ai_protocol)
            guard socket >= 0 else { continue }
            setNonBlocking(socket)
            if Glibc.connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
                lastError = String(cString: strerror(errno))
                Glibc.close(socket)
                continue
            }
            var events = [pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)]
            let ready = poll(&events, 1, Int32(clamping: max(timeoutMilliseconds, 1)))
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if ready == 1, getsockopt(socket, SOL_SOCKET, SO_ERROR, &failure, &length) == 0, failure == 0 {
                let flags = fcntl(socket, F_GETFL)
                _ = fcntl(socket, F_SETFL, flags & ~O_NONBLOCK)
                var on: Int32 = 1
                _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                _ = setsockopt(socket, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
                return socket
            }
            lastError = ready == 0 ? "Connection timed out" : String(cString: strerror(failure != 0 ? failure : errno))
            Glibc.close(socket)
        }
        throw RedisError.connection("\(peer): \(lastError)")
    }

    private static func setNonBlocking(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Receive and send timeouts on a blocking socket; zero turns them off.
    private static func setTimeouts(_ descriptor: Int32, milliseconds: Int) {
        var value = milliseconds > 0 ? RedisConnection.timeval(milliseconds: milliseconds) : Glibc.timeval(tv_sec: 0, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<Glibc.timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<Glibc.timeval>.size))
    }

    private static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// OpenSSL's queued errors, as one line.
    private static func openSSLErrors() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.joined(separator: "; ")
    }
}
