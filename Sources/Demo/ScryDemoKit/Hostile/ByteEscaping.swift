/// Writes bytes as printable ASCII for the manifest: printable ASCII stays, `\` becomes `\\`,
/// and every other byte (control, NUL, UTF-8 lead and continuation bytes, invalid ones), and
/// `[` and `]`, which the manifest uses around a hash field, become `\xNN`. `unescape`
/// reverses it exactly, so a test can find the key again.
public enum ByteEscaping {
    public static func escape(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            if byte == UInt8(ascii: "\\") {
                text += "\\\\"
            } else if (0x20..<0x7F).contains(byte) && byte != UInt8(ascii: "[") && byte != UInt8(ascii: "]") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits = String(byte, radix: 16)
                text += "\\x" + (digits.count == 1 ? "0" : "") + digits
            }
        }
        return text
    }

    /// Nil when the text is not something `escape` writes.
    public static func unescape(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "\\") else { bytes.append(byte); continue }
            switch iterator.next() {
            case UInt8(ascii: "\\"):
                bytes.append(byte)
            case UInt8(ascii: "x"):
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            default:
                return nil
            }
        }
        return bytes
    }
}
