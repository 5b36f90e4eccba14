// Spec sections 2, 4–7 on hand-made rows.
import Foundation
import Testing
@testable import GiveTakeCore

private let twitter = Int32(Channel.twitter.rawValue)
private let instagram = Int32(Channel.instagram.rawValue)

@Suite struct ContentMetricTests {
    static let rows: [Row] = [
        Row(id: 1, account: 3, kind: .post, at: 0, body: "Tips: how to recycle your old phone"),   // give 3, "your"
        Row(id: 2, account: 3, kind: .post, at: 0, body: "Shop our new phones, 20% off!"),       // take 3.5, "our"
        Row(id: 3, account: 3, kind: .share, at: 0, body: "Read this"),                          // neutral
        Row(id: 4, account: 3, kind: .post, automated: true, at: 0, body: "Buy now us us us"),   // ignored
        Row(id: 5, account: 3, contact: 9, kind: .reply, at: 0, body: "We fixed it for you"),    // we 1, you 1
        Row(id: 6, account: 3, channel: instagram, kind: .post, at: 0, body: "Hello"),          // neutral, no media
        Row(id: 7, account: 3, kind: .mention, inbound: true, at: 0, body: "our our our"),       // inbound: ignored
        Row(id: 8, account: 3, kind: .post, at: 0, body: String(repeating: "é", count: 281)),     // too long for twitter
    ]

    @Test func contentCounts() throws {
        let a = try #require(try score(Self.rows).account(3))
        #expect(a.givePosts == 1)
        #expect(a.takePosts == 1)
        #expect(a.neutralPosts == 3)            // 3, 6, 8
        #expect(a.giveRatio == 0.5)
        #expect(a.meIndex == 0.5)               // we: our, We; you: your, you
        #expect(a.replyShare == 1.0 / 6)        // 5 / {1,2,3,5,6,8}
        #expect(a.channelFit == 2.0 / 4)        // 1, 2 fit; 6 (no media), 8 (281 scalars) do not
        // health over give_ratio and me_index only:
        // 100 * (0.25 * min(1, 0.5/0.8) + 0.15 * (1 - 0.5)) / 0.40 = 57.8125
        #expect(a.health == 57.8125)
        let ig = try #require(try score(Self.rows).account(3, .instagram))
        #expect(ig.channelFit == 0)
        #expect(ig.neutralPosts == 1)
    }

    @Test func healthWeightsAndTargetAreConfigurable() throws {
        var c = ScoringConfig()
        c.giveTarget = 0.5
        c.healthWeights = [0.30, 0.15, 0.15, 1.0, 0.0]
        let a = try #require(try score(Self.rows, config: c).account(3))
        #expect(a.health == 100)  // only give_ratio counts: min(1, 0.5/0.5) = 1
    }

    @Test func twitterPostOfExactly280ScalarsFits() throws {
        let rows = [Row(id: 1, kind: .post, at: 0, body: String(repeating: "ë", count: 280))]
        #expect(try score(rows).account(1)?.channelFit == 1)
    }
}

@Suite struct TrustTests {
    /// Half-life 90 days in seconds.
    static let halfLife = 90 * 86400.0
    static func w(_ age: Double) -> Double { Foundation.exp2(-age / halfLife) }
    static func trust(_ b: Double) -> Int32 { Int32((50 + 50 * Foundation.tanh(b / 4)).rounded()) }

    /// Events long after as_of weigh 2^(age / half-life), far past what
    /// 64-bit fixed point holds: the balance is still their exact sum.
    @Test func eventsFarAfterAsOfSumExactly() throws {
        let rows: [Row] = [
            // give: +0.5 x 2^39; take: -0.5 x 2^40
            Row(id: 1, contact: 5, kind: .message, at: 39 * day, body: "Thanks Anna, here's how to fix it"),
            Row(id: 2, contact: 5, kind: .message, at: 40 * day, body: "Buy now, 20% off"),
        ]
        var c = ScoringConfig()
        c.asOf = 0
        c.halfLifeSeconds = day
        let contact = try #require(try score(rows, config: c).contact(1, 5))
        #expect(contact.balance == -0x1p38)
        #expect(contact.trustScore == 0)
        // Beyond 2^60 an event's value saturates, never traps.
        var far = rows
        far[1].at = 2000 * day
        let saturated = try #require(try score(far, config: c).contact(1, 5))
        #expect(saturated.balance == 0x1p38 - 0x1p60 && saturated.trustScore == 0)
    }

    @Test func ledgerEvents() throws {
        let rows: [Row] = [
            // Contact 100: acknowledged, personal, within SLA: +2; the answer is a give text to it: +0.5.
            Row(id: 10, contact: 100, kind: .mention, inbound: true, at: 0, author: "Anna"),
            Row(id: 11, contact: 100, parent: 10, kind: .reply, at: 600, body: "Thanks Anna, here's how to fix it"),
            // Contact 200: acknowledged late, not personal: +1; a take post to it: -0.5.
            Row(id: 20, contact: 200, kind: .reply, inbound: true, at: 1000, author: "Bob"),
            Row(id: 21, parent: 20, kind: .reply, at: 8200, body: "ok"),
            Row(id: 22, contact: 200, kind: .message, at: 3000, body: "Buy now, 20% off"),
            // Contact 300: unacknowledged: -1.
            Row(id: 30, contact: 300, kind: .comment, inbound: true, at: 2000),
            // Contact 400: pending only: no event, but a contact.
            Row(id: 40, contact: 400, kind: .mention, inbound: true, at: 99_940),
        ]
        var c = ScoringConfig()
        c.asOf = 100_000_000_000
        let r = try score(rows, config: c)
        let asOf = 100_000.0
        let b100 = 2 * Self.w(asOf) + 0.5 * Self.w(asOf - 600)
        let b200 = 1 * Self.w(asOf - 1000) - 0.5 * Self.w(asOf - 3000)
        let b300 = -Self.w(asOf - 2000)
        let c100 = try #require(r.contact(1, 100))
        #expect(abs(c100.balance - b100) < 1e-9)
        #expect(c100.trustScore == Self.trust(b100))
        #expect(c100.trustScore == 78)
        #expect(c100.acknowledged == 1 && c100.unacknowledged == 0)
        #expect(c100.lastInteractionAt == 600_000_000)
        let c200 = try #require(r.contact(1, 200))
        #expect(abs(c200.balance - b200) < 1e-9)
        #expect(c200.trustScore == Self.trust(b200))
        let c300 = try #require(r.contact(1, 300))
        #expect(abs(c300.balance - b300) < 1e-9)
        #expect(c300.trustScore == 38)  // 50 + 50 tanh(-0.991/4) = 37.86
        #expect(c300.unacknowledged == 1)
        let c400 = try #require(r.contact(1, 400))
        #expect(c400.balance == 0 && c400.trustScore == 50)
        let a = try #require(r.account(1))
        #expect(a.contacts == 4)
        // Mean over contacts with events (100, 200, 300).
        let expected = Double(Self.trust(b100) + Self.trust(b200) + Self.trust(b300)) / 3
        #expect(a.meanTrust == expected)
    }

    @Test func halfLifeIsConfigurable() throws {
        let rows = [Row(id: 1, contact: 5, kind: .mention, inbound: true, at: 0)]
        var c = ScoringConfig()
        c.asOf = 10 * 86400 * 1_000_000
        c.halfLifeSeconds = 10 * 86400  // one half-life old: weight 0.5
        let r = try score(rows, config: c)
        #expect(r.contact(1, 5)?.balance == -0.5)
    }

    @Test func trustScoreRoundsHalfAwayFromZero() {
        #expect(trustScore(balance: 0) == 50)
        #expect(trustScore(balance: 1000) == 100)
        #expect(trustScore(balance: -1000) == 0)
        for b in stride(from: -12.0, through: 12.0, by: 0.37) { #expect(trustScore(balance: b) == Self.trust(b)) }
    }

    @Test func elementaryFunctionsMatchLibm() {
        for x in stride(from: -60.0, through: 60.0, by: 0.173) {
            let e = GiveTakeCore.exp2(x), f = Foundation.exp2(x)
            #expect(abs(e - f) <= 4 * f.ulp, "exp2(\(x))")
            let t = GiveTakeCore.tanh(x / 7), g = Foundation.tanh(x / 7)
            #expect(abs(t - g) <= 1e-15, "tanh(\(x / 7))")
        }
        #expect(GiveTakeCore.exp2(-1100) == 0)
        for x in [0.0, 0.5, -0.5, 1.5, -1.5, 2.4999999999999996, 1e15 + 0.5, -7.5, 4503599627370497.0, 0.49999999999999994] {
            #expect(roundHalfAway(x) == x.rounded(), "round(\(x))")
        }
        #expect(GiveTakeCore.exp2(2000) == .infinity)
    }
}

@Suite struct ReturnOnGivingTests {
    @Test func conversionRatesAndValue() throws {
        let rows: [Row] = [
            // 1: treated well, lead after its first needs-ack row; purchases 50 + 25.
            Row(id: 1, account: 4, contact: 1, kind: .mention, inbound: true, at: 0),
            Row(id: 2, account: 4, parent: 1, kind: .reply, at: 100, body: "on it"),
            Row(id: 3, account: 4, contact: 1, kind: .lead, inbound: true, at: 500),
            Row(id: 4, account: 4, contact: 1, kind: .purchase, inbound: true, at: 600, value: 50),
            Row(id: 5, account: 4, contact: 1, kind: .purchase, inbound: true, at: 700, value: 25),
            // 2: treated well, never converts.
            Row(id: 10, account: 4, contact: 2, kind: .mention, inbound: true, at: 0),
            Row(id: 11, account: 4, parent: 10, kind: .reply, at: 100, body: "on it"),
            // 3: ignored, converts later.
            Row(id: 20, account: 4, contact: 3, kind: .mention, inbound: true, at: 0),
            Row(id: 21, account: 4, contact: 3, kind: .lead, inbound: true, at: 1000),
            // 4: ignored, converted only before its first needs-ack row.
            Row(id: 30, account: 4, contact: 4, kind: .mention, inbound: true, at: 0),
            Row(id: 31, account: 4, contact: 4, kind: .lead, inbound: true, at: -100),
            // 5: one answered, one not: neither group.
            Row(id: 40, account: 4, contact: 5, kind: .mention, inbound: true, at: 0),
            Row(id: 41, account: 4, parent: 40, kind: .reply, at: 100, body: "ok"),
            Row(id: 42, account: 4, contact: 5, kind: .mention, inbound: true, at: 10),
            Row(id: 43, account: 4, contact: 5, kind: .purchase, inbound: true, at: 800, value: 1000),
        ]
        var c = ScoringConfig()
        c.asOf = 10 * 86400 * 1_000_000
        let a = try #require(try score(rows, config: c).account(4))
        #expect(a.convRateAck == 0.5)
        #expect(a.convRateIgnored == 0.5)
        #expect(a.conversionLift == 1)
        #expect(a.valuePerAckContact == 37.5)  // (75 + 0) / 2
    }

    @Test func liftIsNullWithoutIgnoredConversions() throws {
        let rows: [Row] = [
            Row(id: 1, contact: 1, kind: .mention, inbound: true, at: 0),
            Row(id: 2, parent: 1, kind: .reply, at: 100, body: "ok"),
            Row(id: 3, contact: 1, kind: .lead, inbound: true, at: 500),
            Row(id: 4, contact: 2, kind: .mention, inbound: true, at: 0),
        ]
        var c = ScoringConfig()
        c.asOf = 86400 * 1_000_000
        let a = try #require(try score(rows, config: c).account(1))
        #expect(a.convRateAck == 1)
        #expect(a.convRateIgnored == 0)
        #expect(a.conversionLift == nil)
    }

    @Test func giveAttributedLeads() throws {
        let rows: [Row] = [
            Row(id: 500, account: 5, kind: .post, at: 0, body: "Free guide: how to start"),  // give
            Row(id: 501, account: 5, kind: .post, at: 0, body: "Buy now"),                     // take
            Row(id: 502, account: 5, kind: .post, automated: true, at: 0, body: "Tips and a guide"), // give, automated
            // Contact 7 answers the give post at day 10; leads at day 20 (in) and day 41 (31 days later: out).
            Row(id: 510, account: 5, contact: 7, parent: 500, kind: .comment, inbound: true, at: 10 * day),
            Row(id: 511, account: 5, contact: 7, kind: .lead, inbound: true, at: 20 * day),
            Row(id: 512, account: 5, contact: 7, kind: .lead, inbound: true, at: 41 * day),
            // Contact 8 answered only the take post.
            Row(id: 520, account: 5, contact: 8, parent: 501, kind: .comment, inbound: true, at: 1 * day),
            Row(id: 521, account: 5, contact: 8, kind: .lead, inbound: true, at: 2 * day),
            // Contact 9: engagement and lead at the same instant count (inclusive).
            Row(id: 530, account: 5, contact: 9, parent: 502, kind: .comment, inbound: true, at: 5 * day),
            Row(id: 531, account: 5, contact: 9, kind: .lead, inbound: true, at: 5 * day),
            // Contact 10's lead is for another account.
            Row(id: 540, account: 5, contact: 10, parent: 500, kind: .comment, inbound: true, at: 1 * day),
            Row(id: 541, account: 6, contact: 10, kind: .lead, inbound: true, at: 2 * day),
        ]
        let r = try score(rows)
        #expect(r.account(5)?.giveAttributedLeads == 2)  // 511, 531
        #expect(r.account(6)?.giveAttributedLeads == 0)
    }
}

@Suite struct AnomalyTests {
    /// as_of one day after the rows, so nothing is pending.
    static var dayLater: ScoringConfig {
        var c = ScoringConfig()
        c.asOf = 86400 * 1_000_000
        return c
    }

    @Test func parentsDuplicatesAndUnknownValues() throws {
        let rows: [Row] = [
            Row(id: 910, parent: 910, kind: .reply, at: 0, body: "self"),              // self-parent
            Row(id: 911, parent: 99_999, kind: .reply, at: 0, body: "orphan"),         // orphan
            Row(id: 912, channel: 9, kind: .post, at: 0, body: "unknown channel"),    // ignored
            Row(id: 913, kind: .post, rawKind: 42, at: 0, body: "unknown kind"),      // ignored
            Row(id: 914, contact: 1, kind: .mention, inbound: true, at: 0),           // needs ack
            Row(id: 915, parent: 913, kind: .reply, at: 1, body: "to an ignored row"), // orphan too
        ]
        let r = try score(rows, config: Self.dayLater)
        let a = try #require(r.account(1))
        #expect(a.anomalies == 5)
        #expect(r.rowCount == 4)
        #expect(a.needsAck == 1)
        #expect(r.account(1, .twitter)?.anomalies == 4)  // the unknown channel has no channel row
    }

    @Test func duplicateIdsKeepTheSmallestKeyWhateverTheOrder() throws {
        let a = Row(id: 900, account: 6, contact: 1, kind: .mention, inbound: true, at: 5, body: "b")
        let b = Row(id: 900, account: 7, contact: 1, kind: .mention, inbound: true, at: 10, body: "a")
        let c = Row(id: 900, account: 6, contact: 1, kind: .mention, inbound: true, at: 5, body: "c")
        for order in [[a, b, c], [c, b, a], [b, a, c], [b, c, a]] {
            let r = try score(order, config: Self.dayLater, batch: 1)
            #expect(r.rowCount == 1)
            #expect(r.account(6)?.needsAck == 1)   // a kept: earliest, then body "b" < "c"
            #expect(r.account(6)?.anomalies == 1)  // c dropped, on account 6
            #expect(r.account(7)?.anomalies == 1)  // b dropped, on account 7
            #expect(r.account(7)?.needsAck == 0)
        }
    }

    @Test func longBodiesCompareByPrefixThenLength() throws {
        let short = Row(id: 1, kind: .post, at: 0, body: "12345678")
        let long = Row(id: 1, kind: .post, at: 0, body: "12345678 and more tips")
        for order in [[short, long], [long, short]] {
            let r = try score(order)
            #expect(r.account(1)?.givePosts == 0)  // the shorter (neutral) body is kept
            #expect(r.account(1)?.neutralPosts == 1)
        }
    }
}

@Suite struct InputErrorTests {
    @Test func badRowsNameRowAndFieldAndAddNothing() throws {
        let scorer = Scorer()
        let bad: [UInt8] = [0x61, 0xC3]
        do {
            try bad.withUnsafeBufferPointer { buf throws(GiveTakeError) in
                try scorer.add(count: 2) { i in
                    Interaction(id: Int64(i + 7), accountID: 1, channel: 0, kind: 0, inbound: false, createdAt: 0,
                                body: i == 1 ? buf : nil)
                }
            }
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.message == "row 1 (id 8): body is not valid UTF-8 (byte 1)")
        }
        #expect(try scorer.finish().rowCount == 0)  // the good row 0 was not added either

        do {
            try scorer.add(count: 1) { _ in
                Interaction(id: 1, accountID: 1, channel: 0, kind: 0, inbound: false, createdAt: .max)
            }
            Issue.record("accepted an absurd timestamp")
        } catch {
            #expect(error.code == .outOfRange)
            #expect(error.message.contains("created_at"))
        }
        do {
            try scorer.add(count: 1) { _ in
                Interaction(id: 1, accountID: 1, channel: 0, kind: 0, inbound: false, createdAt: 0, value: .nan)
            }
            Issue.record("accepted NaN")
        } catch {
            #expect(error.message.contains("value"))
        }
    }

    @Test func rowsAreNumberedAcrossAddCalls() throws {
        let scorer = Scorer()
        for batch in 0..<3 {
            try scorer.add(count: 1000) { i in
                Interaction(id: Int64(batch * 1000 + i), accountID: 1, channel: 0, kind: 0, inbound: false, createdAt: 0)
            }
        }
        do {
            try scorer.add(count: 10) { i in
                Interaction(id: 9000 + Int64(i), accountID: 1, channel: 0, kind: 0, inbound: false,
                            createdAt: i == 7 ? .max : 0)
            }
            Issue.record("accepted an absurd timestamp")
        } catch {
            #expect(error.message == "row 3007 (id 9007): created_at is outside years 0001..9999")
        }
        #expect(scorer.rowsAdded == 3000)  // the failed batch added nothing
    }

    @Test func percentileRankNeverTrapsNearInt64Max() {
        #expect(percentileRank(count: Int.max, p: 1) == Int.max)
        #expect(percentileRank(count: Int.max, p: 0.5) == Int.max / 2 + 1)
        #expect(percentileRank(count: Int.max - 1, p: 0.9999999) == Int.max - 1)
        let counts: [Int64] = [Int64.max - 1, 1, Int64.max]
        #expect(counts.withUnsafeBufferPointer { AckHistogram.percentile($0, 1) } == 1)
    }

    @Test func configurationIsValidated() {
        let scorer = Scorer()
        var c = ScoringConfig()
        c.halfLifeSeconds = 0
        #expect(throws: GiveTakeError.self) { try scorer.configure(c) }
        c = ScoringConfig()
        c.giveTarget = 1.5
        #expect(throws: GiveTakeError.self) { try scorer.configure(c) }
    }

    @Test func emptyInputGivesNoRows() throws {
        let r = try score([])
        #expect(r.accounts.isEmpty && r.contacts.isEmpty && r.rowCount == 0)
    }
}
