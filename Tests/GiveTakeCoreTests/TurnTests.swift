// Spec section 3 (turns) and section 7 (turn and agent rows), worked by hand.
import Testing
@testable import GiveTakeCore

@Suite struct TurnTests {
    /// A CRM conversation: three customer messages, then agent 7 answers.
    /// One turn of three rows, acknowledged 300 s after its start.
    let conversation: [Row] = [
        Row(id: 10, contact: 5, channel: 1, kind: .comment, inbound: true, at: 1000, author: nil, body: "hello?",
            thread: 77),
        Row(id: 11, contact: 5, channel: 1, kind: .comment, inbound: true, at: 1100, author: "Maya Ito",
            body: "anyone?", thread: 77),
        Row(id: 12, contact: 5, channel: 1, kind: .comment, inbound: true, at: 1200, author: "Rob Ito",
            body: "my order", thread: 77),
        Row(id: 13, contact: 5, channel: 1, kind: .reply, at: 1300, body: "Sorry Maya, thanks for waiting",
            thread: 77, agent: 7),
    ]

    @Test func aBurstIsOneTurn() throws {
        let r = try score(conversation)
        let turns = r.turns.rows()
        #expect(turns.count == 1)
        let t = turns[0]
        #expect(t.turnID == 10 && t.threadID == 77 && t.contactID == 5 && t.channel == .facebook)
        #expect(t.inboundRows == 3 && t.status == .acknowledged && t.firstAckID == 13 && t.agentID == 7)
        #expect(t.timeToAckSeconds == 300 && t.businessTimeToAckSeconds == 300)
        // The first named row (11) gives "Maya"; "Rob" (row 12) is not used.
        #expect(t.personal == true && t.appreciative == true && t.withinSLA == true)
        #expect(t.startedAt == 1_000_000_000 && t.dueAt == 1_000_000_000 + 4 * 3_600_000_000)
        let a = r.account(1)!
        #expect(a.needsAck == 1 && a.acknowledged == 1 && a.medianAckSeconds == 300)
        #expect(a.medianAckBusinessSeconds == 300 && a.p90AckBusinessSeconds == 300)
        #expect(r.contact(1, 5)!.acknowledged == 1)
        let agent = r.agent(1, 7)!
        #expect(agent.acknowledged == 1 && agent.medianAckSeconds == 300 && agent.personalRate == 1)
        #expect(agent.slaRate == 1 && agent.appreciativeRate == 1)
    }

    @Test func rowUnitGivesTheV1Numbers() throws {
        var config = ScoringConfig()
        config.ackUnit = .row
        let r = try score(conversation, config: config)
        // Three rows, each answered by row 13: 300, 200 and 100 s.
        let a = r.account(1)!
        #expect(a.needsAck == 3 && a.acknowledged == 3 && a.medianAckSeconds == 200 && a.p90AckSeconds == 300)
        // Row 10 has no author: only rows 11 ("Maya") is personal, 12 ("Rob") is not.
        #expect(a.personalRate == 1.0 / 3)
        #expect(r.turns.rows().map(\.turnID) == [10, 11, 12])
        #expect(r.agent(1, 7)!.acknowledged == 3)
    }

    @Test func anAnswerEndsTheTurnAndADirectReplyCountsForItsTurn() throws {
        // DM thread (no thread_id): 1, 2 | answer 3 | 4 | answer 6; row 5
        // is a direct reply to row 2 sent before 3.
        let rows = [
            Row(id: 1, contact: 9, kind: .message, inbound: true, at: 0, author: "Kim"),
            Row(id: 2, contact: 9, kind: .message, inbound: true, at: 60),
            Row(id: 5, contact: 9, parent: 2, kind: .message, at: 90, body: "on it", agent: 3),
            Row(id: 3, contact: 9, kind: .message, at: 600, body: "fixed", agent: 4),
            Row(id: 4, contact: 9, kind: .message, inbound: true, at: 700, author: "Kim"),
            Row(id: 6, contact: 9, kind: .message, at: 1000, body: "Kim, anything else?", agent: 4),
        ]
        let r = try score(rows)
        let turns = r.turns.rows()
        #expect(turns.count == 2)
        // Turn 1 (rows 1, 2): first acknowledgement is the direct reply 5 at 90 s.
        #expect(turns[0].turnID == 1 && turns[0].inboundRows == 2 && turns[0].firstAckID == 5)
        #expect(turns[0].timeToAckSeconds == 90 && turns[0].agentID == 3 && turns[0].threadID == nil)
        #expect(turns[0].personal == false)  // "on it" lacks "Kim"
        #expect(turns[1].turnID == 4 && turns[1].firstAckID == 6 && turns[1].timeToAckSeconds == 300)
        #expect(turns[1].personal == true)
        let a = r.account(1)!
        #expect(a.needsAck == 2 && a.acknowledged == 2 && a.personalRate == 0.5)
        // Agents: 3 sent one first acknowledgement, 4 one (and another reply).
        #expect(r.agent(1, 3)!.acknowledged == 1 && r.agent(1, 4)!.acknowledged == 1)
        #expect(r.agents.count == 2)
    }

    @Test func aMessageWithAParentIsAcknowledgedByTheDMThreadsNextAnswer() throws {
        // Row 2 replies to post 1 by DM: a thread of its own (it has a
        // parent), yet the brand's next message to the contact without a
        // parent (row 4, not row 3 which is earlier than it, nor row 6 which
        // has a parent of its own) acknowledges it (spec section 3). Row 5,
        // on another channel, and row 7, to another contact, do not.
        let rows = [
            Row(id: 1, contact: nil, kind: .post, at: 0, body: "New store hours"),
            Row(id: 3, contact: 9, kind: .message, at: 50, body: "earlier", agent: 2),
            Row(id: 2, contact: 9, parent: 1, kind: .message, inbound: true, at: 100, author: "Maya Ito"),
            Row(id: 5, contact: 9, channel: 1, kind: .message, at: 200, body: "other channel", agent: 2),
            Row(id: 7, contact: 8, kind: .message, at: 250, body: "other contact", agent: 2),
            Row(id: 6, contact: 9, parent: 3, kind: .message, at: 300, body: "Maya, with a parent", agent: 2),
            Row(id: 4, contact: 9, kind: .message, at: 700, body: "Hi Maya, here it is", agent: 3),
        ]
        let r = try score(rows)
        let t = try #require(r.turns.rows().first { $0.turnID == 2 })
        #expect(t.status == .acknowledged && t.firstAckID == 4 && t.timeToAckSeconds == 600)
        #expect(t.personal == true && t.agentID == 3 && t.threadID == nil)
        // At the same instant the answer still counts; an earlier one never.
        var same = rows
        same[6].at = 100
        #expect(try score(same).turns.rows().first { $0.turnID == 2 }?.firstAckID == 4)
        same[6].at = 99
        let early = try #require(try score(same).turns.rows().first { $0.turnID == 2 })
        #expect(early.firstAckID == nil && early.status == .pending)
        // With a thread_id the DM rule does not apply.
        var threaded = rows
        threaded[2].thread = 40
        #expect(try score(threaded).turns.rows().first { $0.turnID == 2 }?.firstAckID == nil)
    }

    @Test func pendingTurnsAndDueTimes() throws {
        // as_of 2 h after the start: a twitter turn (1 h target) is
        // unacknowledged, a facebook one (4 h) is pending, due at start + 4 h.
        var config = ScoringConfig()
        config.asOf = Int64(2 * hour * 1e6)
        let rows = [
            Row(id: 1, contact: 1, channel: 0, kind: .mention, inbound: true, at: 0),
            Row(id: 2, contact: 2, channel: 1, kind: .comment, inbound: true, at: 0, thread: 4),
            Row(id: 3, contact: 2, channel: 1, kind: .comment, inbound: true, at: 60, thread: 4),
        ]
        let r = try score(rows, config: config)
        let turns = r.turns.rows()
        #expect(turns.map(\.status) == [.unacknowledged, .pending])
        #expect(turns[1].inboundRows == 2 && turns[1].dueAt == Int64(4 * hour * 1e6))
        #expect(turns[1].timeToAckSeconds == nil && turns[1].personal == nil && turns[1].firstAckID == nil)
        let a = r.account(1)!
        #expect(a.needsAck == 1 && a.pending == 1 && a.acknowledged == 0)
        #expect(r.turns.rows { $0 == .pending }.map(\.turnID) == [2])
    }

    @Test func threadsAreScopedToTheAccountAndNullAgentsFormOneRow() throws {
        let rows = [
            Row(id: 1, account: 1, contact: 1, kind: .comment, inbound: true, at: 0, thread: 5),
            Row(id: 2, account: 2, contact: 1, kind: .comment, at: 10, body: "hi", thread: 5, agent: 8),
            Row(id: 3, account: 1, contact: 1, kind: .comment, at: 20, body: "hello", thread: 5),
            Row(id: 4, account: 1, kind: .post, at: 30, body: "Here's how to fix it: a guide with tips"),
        ]
        let r = try score(rows)
        // Account 2's answer in "thread 5" does not answer account 1's turn.
        let t = r.turns.rows()[0]
        #expect(t.firstAckID == 3 && t.agentID == nil && t.timeToAckSeconds == 20)
        let none = r.agent(1, nil)!
        #expect(none.acknowledged == 1 && none.givePosts == 1 && none.giveRatio == 1)
        #expect(r.agent(2, 8)!.acknowledged == 0)
        #expect(r.agents.map { $0.accountID } == [1, 2])
    }

    @Test func moneyIsSummedExactly() throws {
        // 0.1 + 0.2 + 0.3 summed in any order is one fixed-point value.
        let rows = [
            Row(id: 1, contact: 1, kind: .mention, inbound: true, at: 0),
            Row(id: 2, contact: 1, parent: 1, kind: .reply, at: 10, body: "ok"),
            Row(id: 3, contact: 1, kind: .purchase, inbound: true, at: 20, value: 0.1),
            Row(id: 4, contact: 1, kind: .purchase, inbound: true, at: 30, value: 0.2),
            Row(id: 5, contact: 1, kind: .purchase, inbound: true, at: 40, value: 0.3),
        ]
        let a = try score(rows).account(1)!.valuePerAckContact!
        let b = try score(rows.reversed()).account(1)!.valuePerAckContact!
        #expect(a.bitPattern == b.bitPattern && abs(a - 0.6) < 1e-9)
    }

    /// The worked example of docs/metrics.md section 3.
    @Test func theDocumentedExample() throws {
        let rows = conversation + [
            Row(id: 14, contact: 5, channel: 1, kind: .comment, inbound: true, at: 1000 + 1200, author: "Maya Ito",
                body: "thanks!", thread: 77),
        ]
        let turns = try score(rows).turns.rows()
        #expect(turns.map(\.turnID) == [10, 14] && turns[0].inboundRows == 3)
        #expect(turns[1].status == .pending && turns[1].dueAt == Int64((2200 + 4 * hour) * 1e6))
        var config = ScoringConfig()
        config.ackUnit = .row
        let a = try score(rows, config: config).account(1)!
        #expect(a.medianAckSeconds == 200 && a.personalRate == 1.0 / 3 && a.pending == 1)
    }
}
