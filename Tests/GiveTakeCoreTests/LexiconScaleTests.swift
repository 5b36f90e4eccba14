// Big lexicons and long texts: one compilation per change, a size limit,
// cancellation, and long texts scanned in segments with the same results.
import Testing
@testable import GiveTakeCore

private func buffer<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    var bytes = Array(s.utf8)
    return bytes.withUnsafeMutableBufferPointer { body(UnsafeBufferPointer($0)) }
}

private func entry(_ phrase: String, _ category: Category, _ weight: Double) throws -> LexiconEntry {
    var bytes = Array(phrase.utf8)
    let n = bytes.count
    return try bytes.withUnsafeMutableBufferPointer { p throws(GiveTakeError) in
        try Lexicon.entry(phrase: UnsafeBufferPointer(start: p.baseAddress, count: n), category: category,
                          weight: weight)
    }
}

/// A deterministic pseudo-random generator (no Foundation).
private struct Rng {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }
}

@Suite struct LexiconScaleTests {
    @Test func segmentedScanEqualsOnePass() {
        let words = ["no", "not", "sale", "order now", "how to", "fix", "20", "% off", "$", "19.99", "1,000",
                     "guide", "thanks", "we", "you", "our", "free shipping", "shipping", "free", "tips", "x",
                     "9999999999", "here's how", "’", "é", ".", ",", "\n"]
        var rng = Rng(state: 42)
        let lex = Lexicon.builtin
        for round in 0..<40 {
            var text = ""
            for _ in 0..<(200 + round * 40) {
                text += words[rng.next(words.count)]
                if rng.next(3) != 0 { text += " " }
            }
            buffer(text) { b in
                var whole: [CueHit] = []
                let one = lex.scan(b, segment: Int.max, shouldStop: { false }) { whole.append($0) }
                for segment in [1, 7, 64, 1000] {
                    var parts: [CueHit] = []
                    let seg = lex.scan(b, segment: segment, shouldStop: { false }) { parts.append($0) }
                    #expect(seg == one)
                    #expect(parts.map { [$0.start, $0.end, Int($0.pattern)] } == whole.map { [$0.start, $0.end, Int($0.pattern)] })
                }
            }
        }
    }

    @Test func stateNumbersComeBackWithoutDivision() {
        for d in UInt32(1)...300 {
            let (shift, inverse) = Automaton.exactDivision(by: d)
            for k in [0, 1, 2, 3, 1000, 77_777, Int(UInt32.max / d)] {
                let x = UInt32(k) &* d
                #expect((x >> shift) &* inverse == UInt32(k))
            }
        }
    }

    @Test func longTextStopsWhenAsked() {
        let text = String(repeating: "sale, order now! ", count: 40_000)  // 680 KB
        var asked = 0
        buffer(text) { b in
            #expect(Lexicon.builtin.classify(b, shouldStop: { asked += 1; return asked == 2 }) == nil)
            #expect(asked == 2)
            #expect(Lexicon.builtin.classify(b, shouldStop: { false })?.cues == 80_000)
            #expect(!Lexicon.builtin.explain(b, shouldStop: { true }) { _ in })
        }
        buffer("sale") { b in
            #expect(Lexicon.builtin.classify(b, shouldStop: { Issue.record("asked on a short text"); return true }) != nil)
        }
    }

    @Test func manyCuesCompileOnceAndAtomically() throws {
        let lex = Lexicon(withDefaults: false)
        var cues: [LexiconEntry] = []
        for i in 0..<5000 { cues.append(try entry("widget model \(i)", .selling, 1)) }
        // Cancelled: nothing changes.
        #expect(throws: GiveTakeError.self) { try lex.add(contentsOf: cues, shouldStop: { true }) }
        #expect(lex.entries.isEmpty)
        try lex.add(contentsOf: cues)
        #expect(lex.entries.count == 5000)
        buffer("widget model 4999 and widget model 17") { b in #expect(lex.classify(b).take == 2) }
    }

    @Test func oversizedLexiconIsRefused() throws {
        // 4500 random phrases of up to 250 bytes over ~160 distinct bytes:
        // about a million trie states x ~160 byte classes, past the limit
        // (which is checked before the table is allocated).
        var rng = Rng(state: 7)
        var cues: [LexiconEntry] = []
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars) + (0x80..<0x800).map { Unicode.Scalar($0)! }
        for _ in 0..<4500 {
            var s = ""
            for _ in 0..<125 { s.unicodeScalars.append(alphabet[rng.next(alphabet.count)]) }
            cues.append(try entry(s, .take, 1))
        }
        let lex = Lexicon(withDefaults: true)
        let before = lex.entries.count
        do {
            try lex.add(contentsOf: cues)
            Issue.record("an oversized lexicon compiled")
        } catch {
            #expect(error.code == .outOfMemory)
            #expect(error.message.hasPrefix("lexicon too large"))
        }
        #expect(lex.entries.count == before)
        buffer("huge sale, shop now") { b in #expect(lex.classify(b).label == .take) }
    }
}
