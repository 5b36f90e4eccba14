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
        r.value = r.kind == .purchase ? Double(g.below(10000)) / 100 + 0.1 / Double(1 + g.below(7)) : 0
        if g.below(4) == 0 { r.thread = Int64(g.below(25)) }
        if !r.inbound && g.below(5) > 0 { r.agent = Int64(g.below(6)) }
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
        #expect(a.agents == b.agents && a.agents == c.agents)
        #expect(a.turns.rows() == b.turns.rows() && a.turns.rows() == c.turns.rows())
        #expect(a.turns.rows().contains { $0.inboundRows > 1 })
        #expect(a.agents.contains { $0.agentID != nil && $0.acknowledged > 0 })
        // The data really exercises the metrics.
        let all = a.accounts.filter { $0.channel == nil }
        #expect(all.count == 4)
        #expect(all.allSatisfy { $0.acknowledged > 0 && $0.anomalies > 0 && $0.givePosts + $0.takePosts > 0 })
        #expect(all.contains { ($0.personalRate ?? 0) > 0 })
        #expect(a.contacts.contains { $0.balance != 0 })
    }

    /// Bursts of customer messages in DM and CRM threads, fractional
    /// purchases and duplicate ids whose bodies share a long prefix: every
    /// output, balances and value_per_ack_contact included, is bit-identical
    /// in any order and in either ack unit.
    @Test func burstsDuplicatesAndMoneyInAnyOrder() throws {
        var g = SplitMix(state: 99)
        let prefix = String(repeating: "Thanks for waiting, here is how to fix it ", count: 4)
        var rows: [Row] = []
        var id: Int64 = 1
        for k in 0..<400 {
            let contact = Int64(k % 37)
            let dm = k % 2 == 0
            let start = Double(k) * 600
            for m in 0..<(1 + g.below(4)) {  // a burst of 1-4 messages
                rows.append(Row(id: id, contact: contact, channel: Int32(k % 5), kind: dm ? .message : .comment,
                                inbound: true, at: start + Double(m * 7), author: m == 1 ? "Dana Roe" : nil,
                                body: "help \(m)", thread: dm ? nil : Int64(k)))
                id += 1
            }
            if g.below(4) > 0 {
                rows.append(Row(id: id, contact: contact, channel: Int32(k % 5), kind: dm ? .message : .reply,
                                at: start + Double(60 + g.below(9000)), body: prefix + "Dana \(g.below(3))",
                                thread: dm ? nil : Int64(k), agent: g.below(3) == 0 ? nil : Int64(g.below(4))))
                // The same id again with a body sharing the long prefix.
                if g.below(3) == 0 {
                    rows.append(Row(id: id, contact: contact, channel: Int32(k % 5), kind: dm ? .message : .reply,
                                    at: rows.last!.at, body: prefix + "Dana \(g.below(3))x",
                                    thread: dm ? nil : Int64(k), agent: 9))
                }
                id += 1
            }
            if g.below(3) == 0 {
                rows.append(Row(id: id, contact: contact, kind: .purchase, inbound: true, at: start + 20000,
                                value: Double(g.below(5000)) / 7))
                id += 1
            }
        }
        for unit in [AckUnit.turn, .row] {
            var config = ScoringConfig()
            config.ackUnit = unit
            let a = try score(rows, config: config, batch: 11)
            var shuffled = rows
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, g.below(i + 1)) }
            let b = try score(shuffled, config: config, batch: 5)
            #expect(a.accounts == b.accounts)
            #expect(a.contacts.map { $0.balance.bitPattern } == b.contacts.map { $0.balance.bitPattern })
            #expect(a.accounts.map { $0.valuePerAckContact?.bitPattern } == b.accounts.map { $0.valuePerAckContact?.bitPattern })
            #expect(a.agents == b.agents)
            #expect(a.turns.rows() == b.turns.rows())
            #expect(a.account(1)!.valuePerAckContact != nil && a.account(1)!.anomalies > 0)
        }
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
                                        value: r.value, threadID: r.thread, agentID: r.agent)
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
                                    authorName: r.author == nil ? nil : a, body: r.body == nil ? nil : b, value: r.value,
                                    threadID: r.thread, agentID: r.agent)
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
