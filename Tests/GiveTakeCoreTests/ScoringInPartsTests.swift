// Accounts scored in parts: each part's contact and turn rows are final,
// and the merged totals give the account, agent and period rows of one
// pass (the counts exactly, the percentiles within 1 % or 1 s).
import Testing
@testable import GiveTakeCore

/// Splits rows into parts as a host must: rows sharing a contact_id, an
/// (account, thread_id) or an id, and a row with its parent, stay
/// together, except that a parent that is one outbound row without
/// contact or thread (a post) is given to the other parts as a reference.
/// Units go to parts at random.
func splitIntoParts(_ rows: [Row], parts: Int, seed: UInt64) -> [(rows: [Row], references: [Row])] {
    var sets = DisjointRows(rows.count)
    var byID: [Int64: [Int]] = [:]
    for (i, r) in rows.enumerated() { byID[r.id, default: []].append(i) }
    func referable(_ ids: [Int]) -> Bool {
        ids.count == 1 && !rows[ids[0]].inbound && rows[ids[0]].contact == nil && rows[ids[0]].thread == nil
    }
    var firstOfContact: [Int64: Int] = [:], firstOfThread: [PairKeyForTest: Int] = [:]
    for (i, r) in rows.enumerated() {
        if let c = r.contact {
            if let j = firstOfContact[c] { sets.join(i, j) } else { firstOfContact[c] = i }
        }
        if let t = r.thread {
            let key = PairKeyForTest(a: r.account, b: t)
            if let j = firstOfThread[key] { sets.join(i, j) } else { firstOfThread[key] = i }
        }
        sets.join(i, byID[r.id]![0])
        if let p = r.parent, p != r.id, let targets = byID[p], !referable(targets) {
            for j in targets { sets.join(i, j) }
        }
    }
    var g = SplitMix(state: seed)
    var partOfRoot: [Int: Int] = [:]
    var out = [(rows: [Row], references: [Row])](repeating: ([], []), count: parts)
    var partOfRow = [Int](repeating: 0, count: rows.count)
    for i in rows.indices {
        let root = sets.find(i)
        if partOfRoot[root] == nil { partOfRoot[root] = g.below(parts) }
        partOfRow[i] = partOfRoot[root]!
        out[partOfRow[i]].rows.append(rows[i])
    }
    for k in 0..<parts {
        var given = Set<Int64>()
        for r in out[k].rows {
            guard let p = r.parent, p != r.id, let targets = byID[p], referable(targets),
                  partOfRow[targets[0]] != k, given.insert(p).inserted else { continue }
            out[k].references.append(rows[targets[0]])
        }
    }
    return out
}

struct PairKeyForTest: Hashable {
    var a: Int64
    var b: Int64
}

struct DisjointRows {
    private var parent: [Int]
    init(_ n: Int) { parent = Array(0..<n) }
    mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
        return x
    }
    mutating func join(_ a: Int, _ b: Int) {
        let (ra, rb) = (find(a), find(b))
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
}

/// Within 1 % or 1 s, as the spec allows a mergeable histogram to be.
func closeEnough(_ a: Double?, _ exact: Double?) -> Bool {
    guard let a, let exact else { return a == nil && exact == nil }
    return abs(a - exact) <= max(1, 0.01 * abs(exact))
}

func withoutPercentiles(_ s: AccountScore) -> AccountScore {
    var s = s
    (s.medianAckSeconds, s.p90AckSeconds, s.medianAckBusinessSeconds, s.p90AckBusinessSeconds) = (nil, nil, nil, nil)
    return s
}

func percentilesClose(_ a: AccountScore, _ b: AccountScore) -> Bool {
    closeEnough(a.medianAckSeconds, b.medianAckSeconds) && closeEnough(a.p90AckSeconds, b.p90AckSeconds)
        && closeEnough(a.medianAckBusinessSeconds, b.medianAckBusinessSeconds)
        && closeEnough(a.p90AckBusinessSeconds, b.p90AckBusinessSeconds)
}

/// Scores `rows` whole and in `parts` parts; returns the whole result and
/// the parts' merged rows.
func scoreBothWays(_ rows: [Row], parts: Int, seed: UInt64, config: ScoringConfig = ScoringConfig(),
                   schedules: [(Int64?, Channel?, Schedule)] = [])
    throws -> (whole: ScoringResult, parts: [ScoringResult], merged: ScoreTotals) {
    let whole = try score(rows, config: config, batch: 64, schedules: schedules)
    var pinned = config
    pinned.asOf = whole.asOf
    var merged = ScoreTotals()
    var results: [ScoringResult] = []
    let scorer = Scorer(lexicon: .reference)
    for part in splitIntoParts(rows, parts: parts, seed: seed) {
        scorer.reset()
        let r = try score(part.rows, config: pinned, batch: 64, schedules: schedules, reusing: scorer, part: true,
                          references: part.references)
        #expect(r.accounts.isEmpty && r.agents.isEmpty && r.periods.isEmpty)
        merged.merge(r.totals!)
        results.append(r)
    }
    return (whole, results, merged)
}

@Suite struct ScoringInPartsTests {
    /// Odd seeds with business hours (a Berlin schedule and a channel
    /// override, business SLA clocks), even ones without.
    @Test(arguments: [(UInt64(1), 2), (2, 3), (3, 5), (4, 8), (5, 2), (6, 4)])
    func partsMergeIntoTheRowsOfOnePass(seed: UInt64, parts: Int) throws {
        var config = ScoringConfig()
        config.period = seed % 3 == 0 ? .day : .week
        var schedules: [(Int64?, Channel?, Schedule)] = []
        if seed % 2 == 1 {
            schedules = [(1, nil, try schedule("Mon-Fri 09:00-17:00", berlin)),
                         (2, .instagram, try schedule("Mon-Sat 08:00-12:00", berlin))]
            config.slaClock = [.business, .business, .calendar, .business, .calendar]
        }
        let rows = messyRows(count: 4000, seed: seed)
        let (whole, results, merged) = try scoreBothWays(rows, parts: parts, seed: seed &* 31, config: config,
                                                         schedules: schedules)
        if !schedules.isEmpty {
            #expect(whole.accounts.contains { $0.medianAckBusinessSeconds != $0.medianAckSeconds })
        }
        #expect(results.filter { $0.rowCount > 0 }.count > 1, "the rows were really split")

        // Contact and turn rows are final in their part.
        let contacts = results.flatMap(\.contacts).sorted { ($0.accountID, $0.contactID) < ($1.accountID, $1.contactID) }
        #expect(contacts == whole.contacts)
        func ordered(_ t: [TurnScore]) -> [TurnScore] { t.sorted { ($0.accountID, $0.turnID) < ($1.accountID, $1.turnID) } }
        #expect(ordered(results.flatMap { $0.turns.rows() }) == ordered(whole.turns.rows()))
        #expect(results.reduce(0) { $0 + $1.rowCount } == whole.rowCount)

        let (accounts, agents, periods) = merged.scores(config)
        #expect(accounts.map(withoutPercentiles) == whole.accounts.map(withoutPercentiles))
        #expect(zip(accounts, whole.accounts).allSatisfy { percentilesClose($0, $1) })
        func agentTimes(_ a: AgentScore) -> AccountScore {
            var s = AccountScore(accountID: a.accountID, channel: nil)
            (s.medianAckSeconds, s.p90AckSeconds) = (a.medianAckSeconds, a.p90AckSeconds)
            (s.medianAckBusinessSeconds, s.p90AckBusinessSeconds) = (a.medianAckBusinessSeconds, a.p90AckBusinessSeconds)
            return s
        }
        func agentCounts(_ a: AgentScore) -> AgentScore {
            var a = a
            (a.medianAckSeconds, a.p90AckSeconds, a.medianAckBusinessSeconds, a.p90AckBusinessSeconds) = (nil, nil, nil, nil)
            return a
        }
        #expect(agents.map(agentCounts) == whole.agents.map(agentCounts))
        #expect(zip(agents, whole.agents).allSatisfy { percentilesClose(agentTimes($0), agentTimes($1)) })
        #expect(periods.count == whole.periods.count && !periods.isEmpty)
        #expect(zip(periods, whole.periods).allSatisfy {
            $0.periodStart == $1.periodStart && withoutPercentiles($0.score) == withoutPercentiles($1.score)
                && percentilesClose($0.score, $1.score)
        })
        // The data exercises what parts must share.
        #expect(results.contains { $0.totals!.histogram.count > 0 })
        #expect(whole.accounts.contains { $0.giveAttributedLeads > 0 || $0.anomalies > 0 })
    }

    /// Replies to one post from contacts in different parts: the post is a
    /// reference there, so leads are attributed, no parent is an orphan and
    /// no message with a parent forms a derived DM thread.
    @Test func aPostAnsweredFromEveryPartIsAReferenceThere() throws {
        var rows: [Row] = [Row(id: 1, kind: .post, at: 0, body: "tips and a guide")]
        for c in 0..<6 {
            let base = Int64(100 * (c + 1))
            rows.append(Row(id: base, contact: Int64(c), parent: 1, kind: .message, inbound: true,
                            at: Double(c + 1) * hour, author: "Ann"))
            rows.append(Row(id: base + 1, contact: Int64(c), kind: .lead, inbound: true, at: Double(c + 1) * hour + 60))
            rows.append(Row(id: base + 2, contact: Int64(c), kind: .message, at: Double(c + 1) * hour + 120,
                            body: "Thanks Ann"))
        }
        var config = ScoringConfig()
        config.attributionWindowSeconds = 30 * day
        let (whole, results, merged) = try scoreBothWays(rows, parts: 3, seed: 9, config: config)
        let account = merged.scores(config).accounts[0]
        #expect(whole.accounts[0].giveAttributedLeads == 6 && whole.accounts[0].anomalies == 0)
        #expect(account.giveAttributedLeads == 6 && account.anomalies == 0)
        #expect(withoutPercentiles(account) == withoutPercentiles(whole.accounts[0]))
        #expect(results.filter { $0.rowCount > 0 }.count == 3)
        // Without the reference, a part would count orphans and lose leads.
        var alone = ScoringConfig()
        alone.asOf = whole.asOf
        alone.attributionWindowSeconds = 30 * day
        let withoutReference = try score(Array(rows.dropFirst()), config: alone, part: true)
        #expect(withoutReference.totals!.accountCounters[0].anomalies == 6)
        #expect(withoutReference.totals!.accountCounters[0].attributedLeads == 0)
    }

    /// References are checked as rows are: a bad one (a time out of range,
    /// a body that is not UTF-8) names its place and adds none of its
    /// batch; ids at the ends of Int64 are found as parents; a cancelled
    /// part keeps its rows and finishes when asked again.
    @Test func referencesAreCheckedAndAPartCanBeCancelled() throws {
        let scorer = Scorer(lexicon: .reference)
        var late = Row(id: 5, kind: .post, body: "tips")
        late.at = 1e12  // past year 9999
        do {
            try withInteractions([Row(id: 4, kind: .post, body: "tips"), late]) { try scorer.addReferences($0) }
            Issue.record("a reference past year 9999 was added")
        } catch let e as GiveTakeError {
            #expect(e.code == .outOfRange && e.message.hasPrefix("reference row 1 (id 5)"), "\(e.message)")
        }
        let invalid: [UInt8] = [0x74, 0xFF, 0x73]
        do {
            try invalid.withUnsafeBufferPointer { body in
                var r = Interaction(id: 6, accountID: 1, channel: 0, kind: Int32(Kind.post.rawValue), inbound: false,
                                    automated: false, hasMedia: false, createdAt: 0, value: 0)
                r.body = body
                try withUnsafePointer(to: r) { try scorer.addReferences(UnsafeBufferPointer(start: $0, count: 1)) }
            }
            Issue.record("a reference that is not UTF-8 was added")
        } catch let e as GiveTakeError {
            #expect(e.code == .invalidUTF8 && e.message.hasPrefix("reference row 0 (id 6)"), "\(e.message)")
        }
        #expect(scorer.referenceRows.isEmpty)

        let ends = [Row(id: .max, kind: .post, body: "tips and a guide"),
                    Row(id: .min, kind: .post, body: "tips and a guide")]
        try withInteractions(ends) { try scorer.addReferences($0) }
        let answers = [Row(id: 1, contact: 1, parent: .max, kind: .comment, inbound: true, at: hour),
                       Row(id: 2, contact: 2, parent: .min, kind: .comment, inbound: true, at: hour)]
        try withInteractions(answers) { try scorer.add($0) }
        #expect(throws: GiveTakeError.self) { _ = try scorer.finishPart(shouldStop: { true }) }
        let part = try scorer.finishPart()
        #expect(part.rowCount == 2 && part.totals!.accountCounters[0].anomalies == 0)
    }

    @Test func mergingIsIndependentOfOrder() throws {
        let rows = messyRows(count: 2000, seed: 11)
        var config = ScoringConfig()
        config.asOf = 50 * 86_400_000_000
        let parts = try splitIntoParts(rows, parts: 4, seed: 3).map {
            try score($0.rows, config: config, part: true, references: $0.references).totals!
        }
        var forward = ScoreTotals(), backward = ScoreTotals()
        for p in parts { forward.merge(p) }
        for p in parts.reversed() { backward.merge(p) }
        let (a, b) = (forward.scores(config), backward.scores(config))
        #expect(a.accounts == b.accounts && a.agents == b.agents && a.periods == b.periods)
        #expect(!a.accounts.isEmpty)
    }
}
