import Testing
import ScryCore

@Suite("Hash slots")
struct HashSlotTests {
    @Test func crc16IsXMODEMAsTheSpecificationGivesIt() {
        #expect(HashSlot.crc16(Array("123456789".utf8)) == 0x31C3)
        #expect(HashSlot.crc16([]) == 0)
    }

    /// `CLUSTER KEYSLOT` answers, taken from Redis 7.0.15 on the local stack.
    @Test(arguments: [
        ("", 0), ("a", 15495), ("foo", 12182), ("bar", 5061), ("123456789", 12739), ("user:1000", 1649),
        ("{user1000}.following", 3443), ("{user1000}.followers", 3443), ("foo{}{bar}", 8363), ("foo{{bar}}zap", 4015),
        ("foo{bar}{zap}", 5061), ("{}", 15257), ("{", 4092), ("}", 12090), ("{a", 10276), ("a}", 5921), ("{}a", 10875),
        ("a{b}c", 3300), ("session:{tok-9f3}", 6367), ("cache:character:{42}", 8000), ("é", 10180), ("猫", 16341),
        ("{{}}", 4092), ("x{}y{z}", 15453),
    ])
    func matchesClusterKeyslot(key: String, slot: Int) {
        #expect(HashSlot.of(key) == slot)
        #expect(HashSlot.of(Array(key.utf8)) == slot)
    }

    @Test func hashTagsFollowTheSpecification() {
        func tag(_ key: String) -> String { String(decoding: HashSlot.hashTag(of: Array(key.utf8)), as: UTF8.self) }
        #expect(tag("{user1000}.following") == "user1000")
        #expect(tag("foo{}{bar}") == "foo{}{bar}", "an empty first tag means the whole key")
        #expect(tag("foo{{bar}}zap") == "{bar", "the tag runs from the first { to the first } after it")
        #expect(tag("foo{bar}{zap}") == "bar", "only the first tag counts")
        #expect(tag("{a") == "{a", "no closing brace: the whole key")
        #expect(tag("a}b{c") == "a}b{c", "a } before the first { does not close anything")
        #expect(tag("a}b{c}") == "c")
    }

    @Test func keysAreBytes() {
        let binary: [UInt8] = [0x00, 0xFF, 0x7B, 0x00, 0x7D, 0x80]  // "\0\xff{\0}\x80": the tag is one NUL byte
        #expect(HashSlot.of(binary) == HashSlot.of([0x00]))
        #expect(HashSlot.of(binary) == Int(HashSlot.crc16([0x00]) & 0x3FFF))
        #expect((0..<HashSlot.count).contains(HashSlot.of([UInt8](repeating: 0xFF, count: 10_000))))
    }
}
