// The scorer's compact row storage: rows across many chunks, results kept
// while more rows arrive, word counts and bodies beyond the compact fields.
import Testing
@testable import GiveTakeCore

@Suite struct RowStorageTests {
    /// 10,000 mentions, two of every three answered by a reply naming its
    /// parent: rows and parents span several 8,192-row chunks.
    func answeredMentions(reversed: Bool) throws -> AccountScore? {
        var rows: [Row] = []
        for k in 0..<10_000 {
            rows.append(Row(id: Int64(2 * k + 1), contact: Int64(k % 97), kind: .mention, inbound: true, at: Double(k)))
            if k % 3 != 0 { rows.append(Row(id: Int64(2 * k + 2), parent: Int64(2 * k + 1), kind: .reply, at: Double(k) + 10)) }
        }
        var config = ScoringConfig()
        config.ackUnit = .row
        config.asOf = Int64(30 * day * 1e6)  // nothing pending
        return try score(reversed ? rows.reversed() : rows, config: config, batch: 1000).account(1)
    }

    /// The body hash behind the duplicate-id order reads the tail of a
    /// body in one load; its value must be the byte-by-byte one (the
    /// order is documented, so it may not change between versions).
    @Test func bodyHashTailEqualsTheByteLoop() {
        func reference(_ b: [UInt8]) -> UInt64 {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
            var i = 0
            while i + 8 <= b.count {
                var w: UInt64 = 0
                for k in 0..<8 { w |= UInt64(b[i + k]) << UInt64(8 * k) }
                h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            var tail: UInt64 = 0
            for k in 0..<(b.count - i) { tail |= UInt64(b[i + k]) << UInt64(8 * k) }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            return h ^ (h >> 29)
        }
        var x: UInt64 = 12345
        for length in 0...70 {
            let bytes = (0..<length).map { _ -> UInt8 in
                x = x &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: x >> 56)
            }
            // Also inside a larger buffer, so a load past the text would show.
            let padded = [0xFF] + bytes + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
            let direct = bytes.withUnsafeBufferPointer { byteHash($0) }
            let inside = padded.withUnsafeBufferPointer { byteHash(UnsafeBufferPointer(rebasing: $0[1..<(1 + length)])) }
            #expect(direct == reference(bytes), "length \(length)")
            #expect(inside == reference(bytes), "length \(length) inside a buffer")
        }
    }

    @Test func aKeptRowIs64Bytes() {
        #expect(MemoryLayout<StoredRow>.stride == 64)  // docs/architecture.md, MemoryPlan.swift
    }

    @Test func parentsResolveAcrossChunks() throws {
        for reversed in [false, true] {
            let a = try #require(try answeredMentions(reversed: reversed))
            #expect(a.needsAck == 10_000)
            #expect(a.acknowledged == 6_666)
            #expect(a.contacts == 97)
            #expect(a.anomalies == 0)
        }
    }

    /// Mentions with ids 1... and their replies with ids 2^30 + 1...: with
    /// ordered homes the two ranges fall on the same slots, so the id table
    /// switches to scattered homes midway; every parent and duplicate must
    /// still be found after the switch.
    @Test func interleavedIdRangesResolve() throws {
        var rows: [Row] = []
        for k in 0..<10_000 {
            rows.append(Row(id: Int64(k + 1), contact: Int64(k % 97), kind: .mention, inbound: true, at: Double(k)))
            if k % 3 != 0 {
                rows.append(Row(id: Int64(1 << 30) + Int64(k + 1), parent: Int64(k + 1), kind: .reply, at: Double(k) + 10))
            }
        }
        // The first 50 mentions again: duplicate ids, dropped as anomalies.
        for k in 0..<50 { rows.append(Row(id: Int64(k + 1), contact: 1, kind: .mention, inbound: true, at: 20_000)) }
        var config = ScoringConfig()
        config.ackUnit = .row
        config.asOf = Int64(30 * day * 1e6)
        let a = try #require(try score(rows, config: config, batch: 1000).account(1))
        #expect(a.needsAck == 10_000)
        #expect(a.acknowledged == 6_666)
        #expect(a.anomalies == 50)
    }

    @Test func turnsOfAnEarlierFinishSurviveLaterRows() throws {
        let scorer = Scorer(lexicon: .reference)
        func add(_ id: Int64, at: Int64, contact: Int64) throws {
            try scorer.add(count: 1) { _ in
                Interaction(id: id, accountID: 1, contactID: contact, channel: 0, kind: Int32(Kind.mention.rawValue),
                            inbound: true, createdAt: at)
            }
        }
        for i in 0..<9000 { try add(Int64(i), at: Int64(i) * 1_000_000, contact: 5) }
        let first = try scorer.finish()
        let before = first.turns.rows()
        #expect(before.count == 9000)
        // An earlier duplicate of row 8500 replaces it; more rows follow.
        try add(8500, at: -1, contact: 6)
        for i in 9000..<9100 { try add(Int64(i), at: Int64(i) * 1_000_000, contact: 5) }
        #expect(first.turns.rows() == before)
        let second = try scorer.finish().turns.rows()
        #expect(second.count == 9100)
        #expect(second.first { $0.turnID == 8500 }?.contactID == 6)
    }

    @Test func wordCountsAbove254AreExact() throws {
        let body = String(repeating: "our team and your team ", count: 300) + "and our plan"
        let c = classify(body)
        #expect(c.weWords > 255 && c.youWords > 255)  // beyond the one-byte fields
        let a = try #require(try score([Row(id: 1, kind: .post, at: 0, body: body)]).account(1))
        #expect(a.meIndex == Double(c.weWords) / Double(c.weWords + c.youWords))
    }

    @Test func longBodiesStayWhole() throws {
        // A reply longer than a text chunk (1 MB), naming the author at its
        // end, between short ones.
        let long = String(repeating: "thanks for waiting ", count: 70_000) + "Hi Anna"
        var rows: [Row] = []
        for k in 0..<3 {
            let m = Int64(10 * k)
            rows.append(Row(id: m + 1, contact: 1, kind: .mention, inbound: true, at: Double(m), author: "Anna Berg"))
            rows.append(Row(id: m + 2, parent: m + 1, kind: .reply, at: Double(m) + 1, body: k == 1 ? long : "ok Anna"))
        }
        let a = try #require(try score(rows).account(1))
        #expect(a.acknowledged == 3)
        #expect(a.personalRate == 1)
    }
}
