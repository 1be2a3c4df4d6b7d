import ScryCore
import Testing

/// The bytes around a pattern's one placeholder: a cache check builds and reads a million keys
/// through them, and must read each exactly as `KeyPattern.match` does.
@Suite("Key affixes")
struct KeyAffixesTests {
    func pattern(_ text: String) throws -> KeyPattern { try KeyPattern(parsing: text) }

    @Test func aPatternWithOnePlaceholderIsItsHeadAndTail() throws {
        let affixes = try #require(KeyAffixes(try pattern("cache:{id}:profile")))
        #expect(affixes.head == Array("cache:".utf8))
        #expect(affixes.tail == Array(":profile".utf8))
        #expect(affixes.key(Array("42".utf8)) == Array("cache:42:profile".utf8))
        #expect(try pattern("cache:{id}:profile").key(["id": "42"]) == "cache:42:profile")
        #expect(KeyAffixes(try pattern("dialogue:{campaign}:{character}")) == nil, "two placeholders")
    }

    @Test func keysFitAsMatchReadsThem() throws {
        let patterns = ["cache:character:{id}", "{id}:tail", "a:{id}:b", "x{id}", "a:{id}:a:"]
        let keys = ["cache:character:42", "cache:character:", "cache:character:4:2", "cache:characte", "other:1", "1:tail", ":tail",
                    "1:tail:tail", "a:1:b", "a:1:b:2:b", "a::b", "a:1:bb", "x", "xx", "x-0", "a:1:a:", "a:1:a:2:a:", "a::a:",
                    "cache:character:007", ""]
        for text in patterns {
            let pattern = try pattern(text)
            let affixes = try #require(KeyAffixes(pattern))
            let placeholder = pattern.placeholders[0]
            for key in keys {
                let bytes = Array(key.utf8)
                let expected = pattern.match(key)?[placeholder]
                switch affixes.fit(bytes) {
                case .value(let range): #expect(String(decoding: bytes[range], as: UTF8.self) == expected, "\(text) \(key)")
                case .none: #expect(expected == nil, "\(text) \(key)")
                case .unsure: Issue.record("an ASCII key is never unsure: \(text) \(key)")
                }
            }
        }
    }

    @Test func aKeyThatIsNotASCIIIsLeftToMatch() throws {
        let affixes = try #require(KeyAffixes(try pattern("cache:{id}")))
        #expect(affixes.fit(Array("cache:猫".utf8)) == .unsure)
        #expect(affixes.fit(Array("cache:".utf8) + [0xFF]) == .unsure)
    }

    @Test func bytesAreACanonicalKeyExactlyWhenTheirTextIs() {
        for text in ["7", "-12", "0", "9223372036854775807", "-9223372036854775808", "07", "+7", "7 ", " 7", "-0", "-", "", "abc",
                     "9223372036854775808", "-9223372036854775809", "1e3", "7\u{0}", "00", "-07"] {
            #expect(IntegerKeySet.canonical(Array(text.utf8)) == IntegerKeySet.canonical(text), "\(text)")
            #expect(IntegerKeySet.canonical(Array(text.utf8)) == Int64(text).flatMap { String($0) == text ? $0 : nil }, "\(text)")
        }
    }
}
