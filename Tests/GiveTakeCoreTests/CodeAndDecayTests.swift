// Per-row helpers whose speed matters: code parsing (every name, any
// case, and near misses) and exp2, whose bits trust balances depend on.
import Testing
@testable import GiveTakeCore

@Suite struct CodeAndDecayTests {
    func parseKind(_ s: String) -> Kind? {
        var s = s
        return s.withUTF8 { Kind.parse($0) }
    }

    func parseChannel(_ s: String) -> Channel? {
        var s = s
        return s.withUTF8 { Channel.parse($0) }
    }

    @Test func everyCodeParsesInAnyCaseAndNearMissesDoNot() {
        for k in Kind.allCases {
            let name = "\(k.name)"
            #expect(parseKind(name) == k)
            #expect(parseKind(name.uppercased()) == k)
            #expect(parseKind(String(name.dropLast())) == nil, "\(name) without its last letter")
            #expect(parseKind(name + "s") == nil)
            #expect(parseKind("x" + name.dropFirst()) == nil)
        }
        for c in Channel.allCases {
            let name = "\(c.name)"
            #expect(parseChannel(name) == c)
            #expect(parseChannel(name.uppercased()) == c)
            #expect(parseChannel(String(name.dropLast())) == nil)
            #expect(parseChannel(name + "x") == nil)
        }
        for bad in ["", "p", "pos", "mentiom", "messagf", "lik", "leaf", "purchas", "shar"] {
            #expect(parseKind(bad) == nil, "\(bad)")
        }
        #expect(parseChannel("") == nil && parseChannel("fax") == nil)
    }

    @Test func kindsThatDeserveAnAnswerByCode() {
        let deserving: [Kind] = [.comment, .reply, .mention, .message]
        for k in Kind.allCases {
            #expect(k.deservesAnswer == deserving.contains(k), "\(k.name)")
            #expect(Kind.deservesAnswer(k.rawValue) == deserving.contains(k))
        }
        for raw in UInt8(Kind.allCases.count)...255 { #expect(!Kind.deservesAnswer(raw), "code \(raw)") }
    }

    /// exp2 as first defined: the Taylor series in a loop. Balances are
    /// documented to the last bit, so any faster form must give these bits.
    func referenceExp2(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x >= 1024 { return .infinity }
        if x < -1075 { return 0 }
        let n = roundHalfAway(x)
        let y = (x - n) * 0.693_147_180_559_945_309_417_232_121_458
        var sum = 1.0
        var k = 13.0
        while k >= 1 {
            sum = 1 + sum * y / k
            k -= 1
        }
        return scaleByPowerOfTwo(sum, Int(n))
    }

    @Test func exp2GivesTheBitsOfTheSeriesLoop() {
        var g = SplitMix(state: 7)
        var xs: [Double] = [0, -0.0, 0.5, -0.5, 1, -1, 1023.75, -1074.5, -1075, .leastNonzeroMagnitude]
        for _ in 0..<200_000 {
            let u = Double(g.next() >> 11) / Double(1 << 53)  // [0, 1)
            xs.append(-2 * u)  // the decay range: ages up to two half-lives
            xs.append(2200 * u - 1100)
        }
        var differing = 0
        for x in xs where GiveTakeCore.exp2(x).bitPattern != referenceExp2(x).bitPattern { differing += 1 }
        #expect(differing == 0)
    }
}
