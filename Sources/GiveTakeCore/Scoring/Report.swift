// Turns the counters of a ScoringRun into result rows: rates, exact
// percentiles, trust scores and health (spec sections 3–7).

/// round(50 + 50 tanh(balance / 4)), halves away from zero.
public func trustScore(balance: Double) -> Int32 {
    Int32(roundHalfAway(50 + 50 * tanh(balance / 4)))
}

@inline(__always)
func ratio(_ a: Int64, _ b: Int64) -> Double? { b == 0 ? nil : Double(a) / Double(b) }

/// health = 100 * sum(w * c) / sum(w) over the non-null components.
public func healthScore(ackRate: Double?, personalRate: Double?, slaRate: Double?, giveRatio: Double?,
                        meIndex: Double?, weights: [Double], giveTarget: Double) -> Double? {
    let components: [Double?] = [
        ackRate, personalRate, slaRate,
        giveRatio.map { min(1, $0 / giveTarget) },
        meIndex.map { 1 - $0 },
    ]
    var sum = 0.0, weight = 0.0
    for (i, c) in components.enumerated() {
        guard let c, i < weights.count else { continue }
        sum += weights[i] * c
        weight += weights[i]
    }
    return weight > 0 ? 100 * sum / weight : nil
}

extension ScoringRun {
    mutating func report(_ rows: RowStore) -> ScoringResult {
        // Trust per contact, folded into mean_trust per group.
        var contactRows: [ContactScore] = []
        contactRows.reserveCapacity(contacts.count)
        for (k, c) in contacts.enumerated() where contactChannels[k] != 0 {
            let balance = Double(c.balance) / fixedOne
            let score = trustScore(balance: balance)
            if c.hasEvent {
                groups[group(c.account, 0)].trustSum &+= Int64(score)
                groups[group(c.account, 0)].trusted &+= 1
            }
            for ch in 0..<Channel.allCases.count where c.eventChannels & (1 << UInt8(ch)) != 0 {
                let s = trustScore(balance: Double(channelBalance(c, ch)) / fixedOne)
                groups[group(c.account, 1 &+ ch)].trustSum &+= Int64(s)
                groups[group(c.account, 1 &+ ch)].trusted &+= 1
            }
            contactRows.append(ContactScore(
                accountID: scorer.accountIDs[Int(c.account)], contactID: c.contactID, balance: balance,
                trustScore: score, acknowledged: c.acknowledged, unacknowledged: c.unacknowledged,
                lastInteractionAt: contactLast[k]))
        }
        contactRows.sort { ($0.accountID, $0.contactID) < ($1.accountID, $1.contactID) }
        if totals != nil { return reportPart(rows, contactRows) }

        // Exact percentile_disc of the times per group. Groups: account
        // groups, then agent slots.
        // Each acknowledged turn counts in three groups: its account, its
        // account x channel, its agent slot (after the account groups).
        let groupCount = groups.count &+ agents.count
        var median = [Double?](repeating: nil, count: groupCount), p90 = median
        var businessMedian = median, businessP90 = median
        var buffers = PercentileBuffers(count: ackTimes.count)
        let agentBase = groups.count
        ackTimes.withUnsafeBufferPointer { t in
            let groupings: [(Int) -> Int] = [
                { Int(t[$0].accountGroup) },
                { Int(t[$0].accountGroup) &+ 1 &+ Int(t[$0].channel) },
                { agentBase &+ Int(t[$0].agent) },
            ]
            for grouping in groupings {
                exactPercentiles(count: t.count, groupCount: groupCount, &median, &p90, &buffers,
                                 group: grouping, micros: { t[$0].micros })
                // Without schedules in use, business time is calendar time.
                if !timelines.isEmpty {
                    exactPercentiles(count: t.count, groupCount: groupCount, &businessMedian, &businessP90, &buffers,
                                     group: grouping, micros: { t[$0].business })
                }
            }
        }
        if timelines.isEmpty { (businessMedian, businessP90) = (median, p90) }
        ackTimes = []
        buffers = PercentileBuffers(count: 0)

        // Reserved exactly: a group of many small accounts holds more
        // account rows than anything else of the report.
        func reported(_ g: Int) -> Bool { g % groupSlots == 0 || groups[g].rows != 0 || groups[g].anomalies != 0 }
        var accounts: [AccountScore] = []
        accounts.reserveCapacity(groups.indices.reduce(0) { $0 &+ (reported($1) ? 1 : 0) })
        let order = (0..<scorer.accountIDs.count).sorted { scorer.accountIDs[$0] < scorer.accountIDs[$1] }
        for a in order {
            for slot in 0..<groupSlots {
                let g = a &* groupSlots &+ slot
                let c = groups[g]
                if !reported(g) { continue }
                var s = AccountScore(accountID: scorer.accountIDs[a],
                                     channel: slot == 0 ? nil : Channel(rawValue: UInt8(slot &- 1)))
                s.medianAckSeconds = median[g]
                s.p90AckSeconds = p90[g]
                s.medianAckBusinessSeconds = businessMedian[g]
                s.p90AckBusinessSeconds = businessP90[g]
                fillCommon(&s, c, config)
                s.contacts = c.contacts
                s.meanTrust = ratio(c.trustSum, c.trusted)
                accounts.append(s)
            }
        }

        // Agents: the null-agent slot of each account, then its agents.
        var agentRows: [AgentScore] = []
        let named = scorer.agentIDs.count
        for a in 0..<agents.count where agents[a].present || agents[a].acknowledged > 0 {
            let account = a < named ? scorer.agentAccounts[a] : Int32(a &- named)
            var s = AgentScore(accountID: scorer.accountIDs[Int(account)], agentID: a < named ? scorer.agentIDs[a] : nil)
            let c = agents[a]
            s.acknowledged = c.acknowledged
            s.medianAckSeconds = median[groups.count &+ a]
            s.p90AckSeconds = p90[groups.count &+ a]
            s.medianAckBusinessSeconds = businessMedian[groups.count &+ a]
            s.p90AckBusinessSeconds = businessP90[groups.count &+ a]
            fillAgent(&s, c)
            agentRows.append(s)
        }
        agentRows.sort(by: agentOrder)
        let turnTable = takeTurnTable(rows)
        return ScoringResult(accounts: accounts, contacts: contactRows, agents: agentRows, turns: turnTable,
                             asOf: asOf, rowCount: rows.count)
    }
}

extension ScoringRun {
    /// A part's result: its contact and turn rows, and its account, agent
    /// and period counts as totals (ScoreTotals.swift) instead of rows.
    private mutating func reportPart(_ rows: RowStore, _ contactRows: [ContactScore]) -> ScoringResult {
        var t = totals!
        totals = nil
        for id in scorer.accountIDs { _ = t.accountSlot(id) }
        for g in groups.indices { add(&t.accountCounters[g], groups[g]) }
        let named = scorer.agentIDs.count
        var agentSlot = [Int](repeating: 0, count: agents.count)
        for a in 0..<agents.count {
            let account = a < named ? scorer.agentAccounts[a] : Int32(a &- named)
            let k = t.agentSlot(AgentKey(account: scorer.accountIDs[Int(account)],
                                         agent: a < named ? scorer.agentIDs[a] : nil))
            t.agentCounters[k] = agents[a]
            agentSlot[a] = k
        }
        for time in ackTimes {
            let g = Int(time.accountGroup)
            t.addTime(space: HistogramKey.account, target: g, micros: time.micros, business: time.business)
            t.addTime(space: HistogramKey.account, target: g &+ 1 &+ Int(time.channel), micros: time.micros,
                      business: time.business)
            t.addTime(space: HistogramKey.agent, target: agentSlot[Int(time.agent)], micros: time.micros,
                      business: time.business)
        }
        ackTimes = []
        let turnTable = takeTurnTable(rows)
        var result = ScoringResult(accounts: [], contacts: contactRows, agents: [], turns: turnTable, asOf: asOf,
                                   rowCount: rows.count)
        result.totals = t
        return result
    }
}

extension ScoringRun {
    /// The turn rows, handed on with the turn records (dropped here).
    mutating func takeTurnTable(_ rows: RowStore) -> TurnTable {
        defer { turns = [] }
        return TurnTable(rows: rows, records: turns, accountIDs: scorer.accountIDs, threadIDs: scorer.threadIDs,
                         agentIDs: scorer.agentIDs, contactIDs: scorer.contactIDs, slaMicros: slaMicros)
    }
}

/// The agent columns computed from its counters alone (all but the
/// percentiles).
func fillAgent(_ s: inout AgentScore, _ c: AgentCounters) {
    s.acknowledged = c.acknowledged
    s.personalRate = ratio(c.personal, c.acknowledged)
    s.appreciativeRate = ratio(c.appreciative, c.acknowledged)
    s.slaRate = ratio(c.withinSLA, c.acknowledged)
    s.givePosts = c.givePosts
    s.takePosts = c.takePosts
    s.giveRatio = ratio(c.givePosts, c.givePosts &+ c.takePosts)
    s.meIndex = ratio(c.weWords, c.weWords &+ c.youWords)
}

/// Agent rows by account_id, then agent_id (nil first).
func agentOrder(_ x: AgentScore, _ y: AgentScore) -> Bool {
    if x.accountID != y.accountID { return x.accountID < y.accountID }
    guard let ya = y.agentID else { return false }
    guard let xa = x.agentID else { return true }
    return xa < ya
}

/// The account columns computed from a group's counters alone (all but
/// the percentiles, contacts and mean trust).
func fillCommon(_ s: inout AccountScore, _ c: GroupCounters, _ config: ScoringConfig) {
    s.needsAck = c.needsAck
    s.pending = c.pending
    s.acknowledged = c.acknowledged
    s.ackRate = ratio(c.acknowledged, c.needsAck)
    s.personalRate = ratio(c.personal, c.acknowledged)
    s.appreciativeRate = ratio(c.appreciative, c.acknowledged)
    s.slaRate = ratio(c.withinSLA, c.needsAck)
    s.givePosts = c.givePosts
    s.takePosts = c.takePosts
    s.neutralPosts = c.neutralPosts
    s.giveRatio = ratio(c.givePosts, c.givePosts &+ c.takePosts)
    s.meIndex = ratio(c.weWords, c.weWords &+ c.youWords)
    s.replyShare = ratio(c.replies, c.conversational)
    s.channelFit = ratio(c.fittingPosts, c.posts)
    s.convRateAck = ratio(c.treatedWellConverted, c.treatedWell)
    s.convRateIgnored = ratio(c.ignoredConverted, c.ignored)
    if let ack = s.convRateAck, let ign = s.convRateIgnored, ign > 0 { s.conversionLift = ack / ign }
    s.valuePerAckContact = c.treatedWell == 0 ? nil
        : Double(c.treatedWellValue) / fixedOne / Double(c.treatedWell)
    s.giveAttributedLeads = c.attributedLeads
    s.health = healthScore(ackRate: s.ackRate, personalRate: s.personalRate, slaRate: s.slaRate,
                           giveRatio: s.giveRatio, meIndex: s.meIndex,
                           weights: config.healthWeights, giveTarget: config.giveTarget)
    s.anomalies = c.anomalies
}

/// Exact percentile_disc (median, p90) of the times of each group: bucket
/// them by group (counting sort), then sort each group's Int64 slice.
func exactPercentiles(_ times: [TimeToAck], groupCount: Int) -> ([Double?], [Double?]) {
    var median = [Double?](repeating: nil, count: groupCount)
    var p90 = [Double?](repeating: nil, count: groupCount)
    var buffers = PercentileBuffers(count: times.count)
    exactPercentiles(count: times.count, groupCount: groupCount, &median, &p90, &buffers,
                     group: { Int(times[$0].group) }, micros: { times[$0].micros })
    return (median, p90)
}

/// Work arrays of `exactPercentiles`, reused across the groupings of one
/// set of times.
struct PercentileBuffers {
    var micros: [Int64]
    var scratch: [Int64]
    init(count: Int) {
        micros = [Int64](repeating: 0, count: count)
        scratch = [Int64](repeating: 0, count: count)
    }
}

/// The same for `count` times whose i-th is `micros(i)` in group
/// `group(i)` (< groupCount); writes only the groups that have times.
func exactPercentiles(count n: Int, groupCount: Int, _ median: inout [Double?], _ p90: inout [Double?],
                      _ buffers: inout PercentileBuffers, group: (Int) -> Int, micros timeOf: (Int) -> Int64) {
    if n == 0 { return }
    var groupStart = [Int](repeating: 0, count: groupCount &+ 1)
    for i in 0..<n { groupStart[group(i) &+ 1] &+= 1 }
    for g in 0..<groupCount { groupStart[g &+ 1] &+= groupStart[g] }
    var fill = groupStart
    buffers.micros.withUnsafeMutableBufferPointer { all in buffers.scratch.withUnsafeMutableBufferPointer { spare in
        for i in 0..<n {
            let g = group(i)
            all[fill[g]] = timeOf(i)
            fill[g] &+= 1
        }
        for g in 0..<groupCount where groupStart[g &+ 1] > groupStart[g] {
            let range = groupStart[g]..<groupStart[g &+ 1]
            let slice = UnsafeMutableBufferPointer(rebasing: all[range])
            sortInt64(slice, scratch: UnsafeMutableBufferPointer(rebasing: spare[range]))
            let k = slice.count
            median[g] = Double(slice[percentileRank(count: k, p: 0.5) &- 1]) / 1e6
            p90[g] = Double(slice[percentileRank(count: k, p: 0.9) &- 1]) / 1e6
        }
    } }
}
