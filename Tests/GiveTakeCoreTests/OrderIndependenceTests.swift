// Spec: "the same rows, in any order, give the same numbers" — bit for bit.
import Testing
@testable import GiveTakeCore

/// A small deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

/// Messy rows touching every metric: replies, DM threads, duplicates,
/// orphans, self-parents, unknown values, leads, purchases, names.
func messyRows(count: Int, seed: UInt64) -> [Row] {
    var g = SplitMix(state: seed)
    let bodies = ["Thanks Anna, here's how to fix it", "Shop now, 20% off!", "We're on it", "tips and a guide",
                  "Our new range, $9.99", "Hi José, great question", "ok", "No purchase necessary", "thx Zoë",
                  "You're welcome, your order ships", "Tell us what you think"]
    let authors = ["Anna Lee", "José", "Zoë", "J", "Bob", "Ann", nil]
    var rows: [Row] = []
    for i in 0..<count {
        var r = Row(id: Int64(g.below(count * 9 / 10) + 1))  // ~10% duplicate ids
        r.account = Int64(g.below(4) + 1)
        r.contact = g.below(10) == 0 ? nil : Int64(g.below(40))
        r.channel = g.below(50) == 0 ? 7 : Int32(g.below(5))
        r.kind = g.pick(Kind.allCases)
        if g.below(60) == 0 { r.rawKind = 99 }
        r.inbound = g.below(2) == 0
        r.automated = g.below(15) == 0
        r.media = g.below(3) == 0
        r.at = Double(g.below(40 * 86400)) + Double(g.below(1000)) / 1000
        r.author = g.pick(authors)
        r.body = g.below(8) == 0 ? nil : g.pick(bodies)
        r.value = r.kind == .purchase ? Double(g.below(10000)) / 100 : 0
        switch g.below(10) {
        case 0: r.parent = r.id
        case 1: r.parent = Int64(count * 10 + i)
        case 2...6 where !rows.isEmpty:
            // Mostly answer an earlier row of the same account, as real threads do.
            let p = rows[g.below(rows.count)]
            r.parent = p.id
            if g.below(5) > 0 { r.account = p.account; r.contact = p.contact }
        default: r.parent = nil
        }
        rows.append(r)
    }
    return rows
}

@Suite struct OrderIndependenceTests {
    @Test func shuffledRowsGiveIdenticalResults() throws {
        let rows = messyRows(count: 3000, seed: 42)
        var shuffled = rows
        var g = SplitMix(state: 7)
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, g.below(i + 1)) }
        let a = try score(rows, batch: 7)
        let b = try score(shuffled, batch: 13)
        let c = try score(rows.reversed(), batch: 1000)
        #expect(a.accounts == b.accounts)
        #expect(a.contacts == b.contacts)
        #expect(a.accounts == c.accounts)
        #expect(a.contacts == c.contacts)
        #expect(a.asOf == b.asOf && a.rowCount == b.rowCount)
        // The data really exercises the metrics.
        let all = a.accounts.filter { $0.channel == nil }
        #expect(all.count == 4)
        #expect(all.allSatisfy { $0.acknowledged > 0 && $0.anomalies > 0 && $0.givePosts + $0.takePosts > 0 })
        #expect(all.contains { ($0.personalRate ?? 0) > 0 })
        #expect(a.contacts.contains { $0.balance != 0 })
    }

    @Test func finishCanBeCalledAgainAfterMoreRows() throws {
        let rows = messyRows(count: 600, seed: 9)
        let whole = try score(rows)
        // One scorer, two adds with a finish in between, equals one pass.
        let scorer = Scorer(lexicon: .reference)
        let texts = rows.map { (Array(($0.author ?? "").utf8), Array(($0.body ?? "").utf8)) }
        func add(_ range: Range<Int>) throws {
            for i in range {
                let r = rows[i]
                try texts[i].0.withUnsafeBufferPointer { author throws(GiveTakeError) in
                    try texts[i].1.withUnsafeBufferPointer { body throws(GiveTakeError) in
                        try scorer.add(count: 1) { _ in
                            Interaction(id: r.id, accountID: r.account, contactID: r.contact, parentID: r.parent,
                                        channel: r.channel, kind: r.rawKind ?? Int32(r.kind.rawValue),
                                        inbound: r.inbound, automated: r.automated, hasMedia: r.media,
                                        createdAt: Int64((r.at * 1e6).rounded()),
                                        authorName: r.author == nil ? nil : author, body: r.body == nil ? nil : body,
                                        value: r.value)
                        }
                    }
                }
            }
        }
        try add(0..<300)
        let half = try scorer.finish()
        #expect(half.rowCount < whole.rowCount)
        try add(300..<600)
        let again = try scorer.finish()
        #expect(again.accounts == whole.accounts)
        #expect(again.contacts == whole.contacts)
    }
}

@Suite struct CapacityTests {
    @Test func reservingCapacityChangesNothing() throws {
        let rows = messyRows(count: 400, seed: 3)
        let plain = try score(rows)
        let scorer = Scorer(lexicon: .reference)
        scorer.reserveCapacity(rows: 5000)
        let texts = rows.map { (Array(($0.author ?? "").utf8), Array(($0.body ?? "").utf8)) }
        for (i, r) in rows.enumerated() {
            try texts[i].0.withUnsafeBufferPointer { a throws(GiveTakeError) in
                try texts[i].1.withUnsafeBufferPointer { b throws(GiveTakeError) in
                    try scorer.add(count: 1) { _ in
                        Interaction(id: r.id, accountID: r.account, contactID: r.contact, parentID: r.parent,
                                    channel: r.channel, kind: r.rawKind ?? Int32(r.kind.rawValue), inbound: r.inbound,
                                    automated: r.automated, hasMedia: r.media, createdAt: Int64((r.at * 1e6).rounded()),
                                    authorName: r.author == nil ? nil : a, body: r.body == nil ? nil : b, value: r.value)
                    }
                }
            }
        }
        let reserved = try scorer.finish()
        #expect(reserved.accounts == plain.accounts && reserved.contacts == plain.contacts)
    }
}

@Suite struct RadixSortTests {
    @Test func sortsLikeTheStandardLibrary() {
        var g = SplitMix(state: 11)
        for n in [0, 1, 127, 128, 1000, 70_000] {
            var values = (0..<n).map { i -> Int64 in
                switch i % 4 {
                case 0: return Int64(g.below(1_000_000))                     // small times
                case 1: return Int64(bitPattern: g.next())                  // any 64 bits
                case 2: return -Int64(g.below(1 << 40))                     // negatives
                default: return Int64(g.below(3))                           // many ties
                }
            }
            let expected = values.sorted()
            var scratch = [Int64](repeating: 0, count: n)
            values.withUnsafeMutableBufferPointer { v in
                scratch.withUnsafeMutableBufferPointer { sortInt64(v, scratch: $0) }
            }
            #expect(values == expected, "n = \(n)")
        }
    }
}
