// The memory limit: the scorer refuses to grow past it with .outOfMemory,
// keeps what it had, and goes on once the limit is raised.
import Testing
@testable import GiveTakeCore

@Suite struct MemoryLimitTests {
    func add(_ scorer: Scorer, ids: Range<Int64>) throws(GiveTakeError) {
        try scorer.add(count: ids.count) { k in
            Interaction(id: ids.lowerBound + Int64(k), accountID: 1, contactID: 5, parentID: nil, channel: 0,
                        kind: Int32(Kind.comment.rawValue), inbound: true, automated: false, hasMedia: false,
                        createdAt: (ids.lowerBound + Int64(k)) * 1_000_000, authorName: nil, body: nil, value: 0, threadID: nil,
                        agentID: nil)
        }
    }

    /// Every needs-ack row its own turn, so needsAck counts rows.
    func rowScorer() throws -> Scorer {
        let scorer = Scorer()
        var config = ScoringConfig()
        config.ackUnit = .row
        try scorer.configure(config)
        return scorer
    }

    @Test func addStopsAtTheLimitAndKeepsItsRows() throws {
        let scorer = try rowScorer()
        try add(scorer, ids: 0..<1000)
        scorer.memoryLimit = scorer.plannedBytes(rows: 1000, textBytes: 0, finishing: false)
        var caught: GiveTakeError? = nil
        do { try add(scorer, ids: 1000..<200_000) } catch { caught = error }
        #expect(caught?.code == .outOfMemory)
        #expect(caught?.message.hasPrefix("storing 200000 rows needs about ") == true)
        #expect(caught?.message.contains("above the memory limit of") == true)
        #expect(scorer.storedRows == 1000 && scorer.rowsAdded == 1000)
        scorer.memoryLimit = 0
        try add(scorer, ids: 1000..<200_000)
        let reference = try rowScorer()
        try add(reference, ids: 0..<200_000)
        let expected = try reference.finish().account(1)
        #expect(expected != nil && (expected?.needsAck ?? 0) > 100_000)
        #expect(try scorer.finish().account(1) == expected)
    }

    @Test func finishChecksItsWorkArrays() throws {
        let scorer = try rowScorer()
        try add(scorer, ids: 0..<5000)
        let stored = scorer.plannedBytes(rows: 5000, textBytes: 0, finishing: false)
        let finishing = scorer.plannedBytes(rows: 5000, textBytes: 0, finishing: true)
        #expect(finishing >= stored + 5000 * 12)
        scorer.memoryLimit = stored
        #expect(throws: GiveTakeError.self) { try scorer.finish() }
        scorer.memoryLimit = finishing
        let reference = try rowScorer()
        try add(reference, ids: 0..<5000)
        #expect(try scorer.finish().account(1) == reference.finish().account(1))
    }

    @Test func theLimitBoundsWhatTheScorerHolds() throws {
        // Rows added until the limit refuses: the plan never passes it.
        let scorer = Scorer()
        scorer.memoryLimit = 4 << 20
        var next: Int64 = 0
        while true {
            do { try add(scorer, ids: next..<(next + 4096)) } catch { break }
            next += 4096
        }
        #expect(next > 0)
        #expect(scorer.plannedBytes(rows: scorer.storedRows, textBytes: 0, finishing: false) <= 4 << 20)
    }
}
