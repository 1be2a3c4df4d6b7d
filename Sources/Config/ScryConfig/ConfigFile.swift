#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScryCore

/// Reads a small text file whole. Configuration files are small; anything over 4 MiB is
/// refused rather than read. Every failure is a `ConfigError` that names the file and says why:
/// the system's reason, the size, or the line and byte where the text stops being UTF-8.
enum ConfigFile {
    static let limit = 4 << 20

    static func bytes(_ path: String) throws(ConfigError) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw cannotRead(path, errno) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes += buffer[..<count] }
            if bytes.count > limit {
                throw ConfigError(file: path, line: nil, path: nil, message: "larger than \(limit >> 20) MiB; a configuration file is refused rather than read")
            }
            if count < buffer.count { break }
        }
        // A directory opens, and its first read fails with EISDIR.
        guard ferror(file) == 0 else { throw cannotRead(path, errno) }
        return bytes
    }

    /// Whether `path` is a file that `bytes` can open: a theme is located by this, and a theme
    /// that is there but broken is reported as broken, not as missing.
    static func isReadableFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    /// `bytes` as text, or an error at the first byte that is not UTF-8: its line, and its
    /// byte offset in the line and in the file.
    static func text(_ bytes: [UInt8], file: String) throws(ConfigError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar):
                offset += scalar.count
            case .error(let length):
                let place = TextPosition(ofByte: offset, in: bytes)
                let shown = bytes[offset..<offset + length].map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
                throw ConfigError(file: file, line: place.line, path: nil,
                                  message: "not valid UTF-8: \(shown) at byte \(place.byteInLine) of the line (offset \(offset) in the file)")
            case .emptyInput:
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    private static func cannotRead(_ path: String, _ code: Int32) -> ConfigError {
        ConfigError(file: path, line: nil, path: nil, message: "cannot read the file: \(String(cString: strerror(code)))")
    }
}

/// Where a byte offset falls in a text: its line and its byte in that line, both from 1.
struct TextPosition: Equatable {
    var line: Int
    var byteInLine: Int

    init(ofByte offset: Int, in bytes: some Collection<UInt8>) {
        var line = 1
        var lineStart = 0
        for (index, byte) in bytes.prefix(offset).enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        self.line = line
        self.byteInLine = offset - lineStart + 1
    }
}
