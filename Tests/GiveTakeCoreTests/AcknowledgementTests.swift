// Spec section 3 on hand-made rows; expected values worked out by hand in
// the comments.
import Testing
@testable import GiveTakeCore

private let mention = Int32(Channel.twitter.rawValue)
private let facebook = Int32(Channel.facebook.rawValue)
private let instagram = Int32(Channel.instagram.rawValue)

@Suite struct AcknowledgementTests {
    /// Account 1 on twitter (SLA 1 h), as_of = 100000 s.
    static let rows: [Row] = [
        // Acknowledged in 10 min, by name, with thanks, within SLA.
        Row(id: 10, contact: 100, kind: .mention, inbound: true, at: 0, author: "Anna Smith", body: "@brand help"),
        Row(id: 11, contact: 100, parent: 10, kind: .reply, at: 600, body: "Thanks Anna, here's how to fix it"),
        // Acknowledged after 2 h (outside SLA); the later second answer is ignored.
        Row(id: 20, contact: 200, kind: .reply, inbound: true, at: 1000, author: "Bob", body: "still broken"),
        Row(id: 21, parent: 20, kind: .reply, at: 8200, body: "We are on it"),
        Row(id: 22, parent: 20, kind: .reply, at: 9000, body: "Thanks Bob"),
        // Never answered, long past the SLA: unacknowledged.
        Row(id: 30, contact: 300, kind: .comment, inbound: true, at: 2000, author: "Cy"),
        // Unanswered but 60 s old at as_of: pending.
        Row(id: 40, contact: 400, kind: .mention, inbound: true, at: 99940, author: "Di"),
        // Automated inbound and inbound likes need no answer.
        Row(id: 50, contact: 500, kind: .mention, inbound: true, automated: true, at: 10),
        Row(id: 60, contact: 600, kind: .like, inbound: true, at: 10),
        // An automated reply does not acknowledge.
        Row(id: 31, parent: 30, kind: .reply, automated: true, at: 2001, body: "Auto: we got it"),
        // A reply from another account does not acknowledge.
        Row(id: 32, account: 9, parent: 30, kind: .reply, at: 2002, body: "Not our customer"),
    ]

    static var config: ScoringConfig {
        var c = ScoringConfig()
        c.asOf = 100_000_000_000
        return c
    }

    @Test func accountRates() throws {
        let r = try score(Self.rows, config: Self.config)
        let a = try #require(r.account(1))
        #expect(a.needsAck == 3)        // 10, 20, 30
        #expect(a.pending == 1)         // 40
        #expect(a.acknowledged == 2)    // 10, 20
        #expect(a.ackRate == 2.0 / 3)
        #expect(a.personalRate == 0.5)  // "Anna" in 11; 21 has no name
        #expect(a.appreciativeRate == 0.5)
        #expect(a.slaRate == 1.0 / 3)   // only 10 within 1 h
        #expect(a.medianAckSeconds == 600)   // rank ceil(0.5*2)=1 of [600, 7200]
        #expect(a.p90AckSeconds == 7200)     // rank ceil(0.9*2)=2
        #expect(a.anomalies == 0)
        let tw = try #require(r.account(1, .twitter))
        #expect(tw.acknowledged == 2 && tw.needsAck == 3 && tw.pending == 1)
    }

    @Test func pendingFollowsTheChannelTarget() throws {
        var c = Self.config
        c.slaSeconds[Int(Channel.twitter.rawValue)] = 30  // 40 is now 60 s > 30 s old
        let a = try #require(try score(Self.rows, config: c).account(1))
        #expect(a.pending == 0)
        #expect(a.needsAck == 4)
        #expect(a.slaRate == 0)  // 600 s and 7200 s both exceed 30 s
    }

    @Test func directMessageThreads() throws {
        let rows: [Row] = [
            Row(id: 100, account: 2, contact: 500, channel: facebook, kind: .message, inbound: true, at: 0, author: "Zoë"),
            Row(id: 101, account: 2, contact: 500, channel: facebook, kind: .message, inbound: true, at: 100),
            // Answers 100 (50 >= 0) but not 101 (50 < 100).
            Row(id: 102, account: 2, contact: 500, channel: facebook, kind: .message, at: 50, body: "Hi Zoë, thx!"),
            // First answer at or after 101.
            Row(id: 103, account: 2, contact: 500, channel: facebook, kind: .message, at: 200, body: "Done"),
            // Other channel, other contact, automated, with a parent: not part of the thread.
            Row(id: 104, account: 2, contact: 500, channel: instagram, kind: .message, at: 60, body: "x"),
            Row(id: 105, account: 2, contact: 501, channel: facebook, kind: .message, at: 60, body: "x"),
            Row(id: 106, account: 2, contact: 500, channel: facebook, kind: .message, automated: true, at: 60),
            Row(id: 107, account: 2, contact: 500, parent: 104, channel: facebook, kind: .message, at: 60),
        ]
        var c = ScoringConfig()
        c.asOf = 1_000_000_000
        let r = try score(rows, config: c)
        let a = try #require(r.account(2, .facebook))
        #expect(a.needsAck == 2 && a.acknowledged == 2)
        #expect(a.medianAckSeconds == 50)   // [50, 100]
        #expect(a.p90AckSeconds == 100)
        #expect(a.personalRate == 0.5)      // "Zoë" answered by name; 101 has no author
        #expect(a.appreciativeRate == 0.5)  // "thx"
        #expect(a.slaRate == 1)
        #expect(r.contact(2, 500)?.acknowledged == 2)
    }

    @Test func sameInstantAnswerAcknowledgesAMessage() throws {
        let rows: [Row] = [
            Row(id: 1, contact: 7, kind: .message, inbound: true, at: 500),
            Row(id: 2, contact: 7, kind: .message, at: 500, body: "hi"),
        ]
        let a = try #require(try score(rows).account(1))
        #expect(a.acknowledged == 1)
        #expect(a.medianAckSeconds == 0)
    }

    @Test func clockSkewCountsAnAnomalyAndZeroTime() throws {
        let rows: [Row] = [
            Row(id: 70, contact: 1, kind: .mention, inbound: true, at: 5000),
            Row(id: 71, parent: 70, kind: .reply, at: 4000, body: "early"),
        ]
        let a = try #require(try score(rows).account(1))
        #expect(a.acknowledged == 1)
        #expect(a.medianAckSeconds == 0)
        #expect(a.slaRate == 1)
        #expect(a.anomalies == 1)
    }

    @Test func firstAcknowledgementTiesBreakById() throws {
        // Two answers at the same instant: the smaller id (12, no thanks) is first.
        let rows: [Row] = [
            Row(id: 10, contact: 1, kind: .mention, inbound: true, at: 0, author: "Ann"),
            Row(id: 13, parent: 10, kind: .reply, at: 60, body: "Thanks Ann"),
            Row(id: 12, parent: 10, kind: .reply, at: 60, body: "ok"),
        ]
        let a = try #require(try score(rows).account(1))
        #expect(a.personalRate == 0)
        #expect(a.appreciativeRate == 0)
    }

    @Test func personalNeedsAWholeFirstName() throws {
        func personalRate(_ author: String?, _ reply: String) throws -> Double? {
            let rows: [Row] = [
                Row(id: 1, contact: 1, kind: .mention, inbound: true, at: 0, author: author),
                Row(id: 2, parent: 1, kind: .reply, at: 1, body: reply),
            ]
            return try score(rows).account(1)?.personalRate
        }
        #expect(try personalRate("Ann Lee", "Hi ann!") == 1)
        #expect(try personalRate("Ann Lee", "Our Annual sale") == 0)
        #expect(try personalRate("J", "Hi J") == 0)            // 1-letter names never count
        #expect(try personalRate("J. Smith", "Hi Smith") == 1)
        #expect(try personalRate("José", "Hola José") == 1)
        #expect(try personalRate("Zoë", "Hi ZOË") == 0)        // non-ASCII does not fold
        #expect(try personalRate(nil, "Hi there") == 0)
    }
}
