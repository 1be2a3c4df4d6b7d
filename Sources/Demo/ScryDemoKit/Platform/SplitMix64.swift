/// A small seeded pseudo-random generator (SplitMix64) for the choices the loader makes in Swift:
/// which rows get drift, session tokens, dialogue lines. Its own `below(_:)` rather than
/// `Int.random(in:using:)`, whose algorithm the standard library does not promise to keep, so the
/// same seed picks the same rows with any toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator for one purpose: different `stream` names give independent sequences, so adding
    /// a choice in one part of the loader does not move the choices of another.
    public init(seed: Int64, stream: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in stream.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        state = UInt64(bitPattern: seed) ^ hash
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`; `bound` must be positive.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "SplitMix64.below needs a positive bound")
        return Int(next() % UInt64(bound))
    }

    /// `count` distinct numbers from `0..<bound` that `excluded` does not hold, in the order drawn.
    /// Fewer when the range runs out.
    public mutating func distinct(_ count: Int, below bound: Int, excluding excluded: Set<Int> = []) -> [Int] {
        var chosen: [Int] = []
        var seen = excluded
        let available = bound - excluded.filter { (0..<bound).contains($0) }.count
        while chosen.count < min(count, available) {
            let candidate = below(bound)
            if seen.insert(candidate).inserted { chosen.append(candidate) }
        }
        return chosen
    }

    /// 32 hexadecimal digits, for tokens.
    public mutating func hexToken() -> String {
        [next(), next()].map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}
