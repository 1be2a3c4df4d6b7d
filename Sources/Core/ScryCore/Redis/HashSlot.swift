/// Redis Cluster's key → slot function: CRC16 (XMODEM: polynomial 0x1021, initial value 0, no
/// reflection) of the key's hash tag, modulo 16384, exactly as the Redis Cluster specification
/// gives it. Keys are bytes: a key from a store may be any binary.
public enum HashSlot {
    /// The number of slots in a cluster.
    public static let count = 16_384

    /// The slot of `key`.
    public static func of(_ key: some Collection<UInt8>) -> Int {
        Int(crc16(hashTag(of: key)) & 0x3FFF)
    }

    public static func of(_ key: String) -> Int { of(key.utf8) }

    /// The part of `key` that is hashed: what lies between the first `{` and the first `}`
    /// after it, when that is not empty; otherwise the whole key. So `{user1000}.following`
    /// hashes `user1000`, but `foo{}{bar}` hashes all of itself, and `foo{{bar}}` hashes `{bar`.
    public static func hashTag<Key: Collection<UInt8>>(of key: Key) -> Key.SubSequence {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key[...] }
        let afterOpen = key.index(after: open)
        guard let close = key[afterOpen...].firstIndex(of: UInt8(ascii: "}")), close != afterOpen else { return key[...] }
        return key[afterOpen..<close]
    }

    /// CRC16-XMODEM; `crc16("123456789") == 0x31C3`.
    public static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}
