// An account too large for one scorer is scored in parts: each part holds
// whole contacts, threads and shared ids (and references to the posts its
// rows answer, ReferenceRows.swift). Its contact and turn rows are final;
// its account, agent and period rows are not, since they count over every
// part. `Scorer.finishPart` hands them on as totals instead: the counters
// (sums, so they merge exactly in any order) and a mergeable histogram of
// the times to acknowledge (`AckHistogram`: percentiles within 1 % or 1 s
// of the exact ones, as the spec allows). The host merges the parts'
// totals and makes the rows once every part is scored.

public struct ScoreTotals: Sendable {
    /// Accounts in first-seen order, `groupSlots` counters each (all
    /// channels, then each channel), as `ScoringRun.groups` lays them out.
    var accountIDs: [Int64] = []
    var accountIndex: [Int64: Int] = [:]
    var accountCounters: [GroupCounters] = []
    var agentKeys: [AgentKey] = []
    var agentIndex: [AgentKey: Int] = [:]
    var agentCounters: [AgentCounters] = []
    var periodKeys: [PeriodKey] = []
    var periodIndex: [PeriodKey: Int] = [:]
    var periodCounters: [GroupCounters] = []
    /// Times to acknowledge per (target, clock, bucket).
    var histogram: [HistogramKey: Int64] = [:]

    public init() {}

    public var isEmpty: Bool { accountIDs.isEmpty }

    /// Adds `other`'s counts to these (exact: every count is a sum).
    public mutating func merge(_ other: ScoreTotals) {
        var accountMap = [Int](repeating: 0, count: other.accountIDs.count)
        for (i, id) in other.accountIDs.enumerated() {
            let a = accountSlot(id)
            accountMap[i] = a
            for s in 0..<groupSlots {
                add(&accountCounters[a &* groupSlots &+ s], other.accountCounters[i &* groupSlots &+ s])
            }
        }
        var agentMap = [Int](repeating: 0, count: other.agentKeys.count)
        for (i, key) in other.agentKeys.enumerated() {
            let a = agentSlot(key)
            agentMap[i] = a
            let o = other.agentCounters[i]
            agentCounters[a].present = agentCounters[a].present || o.present
            agentCounters[a].acknowledged &+= o.acknowledged
            agentCounters[a].personal &+= o.personal
            agentCounters[a].appreciative &+= o.appreciative
            agentCounters[a].withinSLA &+= o.withinSLA
            agentCounters[a].givePosts &+= o.givePosts
            agentCounters[a].takePosts &+= o.takePosts
            agentCounters[a].weWords &+= o.weWords
            agentCounters[a].youWords &+= o.youWords
        }
        var periodMap = [Int](repeating: 0, count: other.periodKeys.count)
        for (i, key) in other.periodKeys.enumerated() {
            let p = periodSlot(key)
            periodMap[i] = p
            add(&periodCounters[p], other.periodCounters[i])
        }
        for (key, count) in other.histogram {
            var k = key
            let t = Int(key.target)
            switch key.space {
            case HistogramKey.account:
                k.target = Int32(accountMap[t / groupSlots] &* groupSlots &+ t % groupSlots)
            case HistogramKey.agent: k.target = Int32(agentMap[t])
            default: k.target = Int32(periodMap[t])
            }
            histogram[k, default: 0] &+= count
        }
    }

    /// The account, agent and period rows of the merged totals, ordered as
    /// `ScoringResult` orders them.
    public func scores(_ config: ScoringConfig) -> (accounts: [AccountScore], agents: [AgentScore],
                                                   periods: [PeriodScore]) {
        let percentiles = Percentiles(histogram)
        var accounts: [AccountScore] = []
        let order = accountIDs.indices.sorted { accountIDs[$0] < accountIDs[$1] }
        for a in order {
            for slot in 0..<groupSlots {
                let g = a &* groupSlots &+ slot
                let c = accountCounters[g]
                if slot != 0 && c.rows == 0 && c.anomalies == 0 { continue }
                var s = AccountScore(accountID: accountIDs[a],
                                     channel: slot == 0 ? nil : Channel(rawValue: UInt8(slot &- 1)))
                percentiles.fill(&s, space: HistogramKey.account, target: g)
                fillCommon(&s, c, config)
                s.contacts = c.contacts
                s.meanTrust = ratio(c.trustSum, c.trusted)
                accounts.append(s)
            }
        }

        var agents: [AgentScore] = []
        for (a, key) in agentKeys.enumerated() where agentCounters[a].present || agentCounters[a].acknowledged > 0 {
            let c = agentCounters[a]
            var s = AgentScore(accountID: key.account, agentID: key.agent)
            s.acknowledged = c.acknowledged
            var times = AccountScore(accountID: key.account, channel: nil)
            percentiles.fill(&times, space: HistogramKey.agent, target: a)
            s.medianAckSeconds = times.medianAckSeconds
            s.p90AckSeconds = times.p90AckSeconds
            s.medianAckBusinessSeconds = times.medianAckBusinessSeconds
            s.p90AckBusinessSeconds = times.p90AckBusinessSeconds
            fillAgent(&s, c)
            agents.append(s)
        }
        agents.sort(by: agentOrder)

        var periods: [PeriodScore] = []
        let periodOrder = periodKeys.indices.sorted {
            (periodKeys[$0].account, periodKeys[$0].start) < (periodKeys[$1].account, periodKeys[$1].start)
        }
        for p in periodOrder {
            var s = AccountScore(accountID: periodKeys[p].account, channel: nil)
            percentiles.fill(&s, space: HistogramKey.period, target: p)
            fillCommon(&s, periodCounters[p], config)
            periods.append(PeriodScore(periodStart: periodKeys[p].start, score: s))
        }
        return (accounts, agents, periods)
    }

    /// The same rows as a result (no contact or turn rows: those came
    /// with the parts), at `asOf`.
    public func result(_ config: ScoringConfig, asOf: Int64) -> ScoringResult {
        let (accounts, agents, periods) = scores(config)
        var r = ScoringResult(accounts: accounts, contacts: [], agents: agents, asOf: asOf, rowCount: 0)
        r.periods = periods
        return r
    }

    // MARK: Filling (ScoringRun in part mode)

    mutating func accountSlot(_ id: Int64) -> Int {
        intern(id, &accountIndex, &accountIDs, &accountCounters, GroupCounters(), per: groupSlots)
    }

    mutating func agentSlot(_ key: AgentKey) -> Int {
        intern(key, &agentIndex, &agentKeys, &agentCounters, AgentCounters())
    }

    mutating func periodSlot(_ key: PeriodKey) -> Int {
        intern(key, &periodIndex, &periodKeys, &periodCounters, GroupCounters())
    }

    /// Counts one time to acknowledge (calendar and business, in
    /// microseconds) for a target.
    mutating func addTime(space: UInt8, target: Int, micros: Int64, business: Int64) {
        histogram[HistogramKey(space: space, business: false, target: Int32(target), bucket: bucket(micros)),
                  default: 0] &+= 1
        histogram[HistogramKey(space: space, business: true, target: Int32(target), bucket: bucket(business)),
                  default: 0] &+= 1
    }

    private func bucket(_ micros: Int64) -> UInt16 {
        UInt16(truncatingIfNeeded: AckHistogram.bucket(Double(micros) / 1e6))
    }
}

/// The index of `key` in `keys`, appended (with `per` fresh counters)
/// when new.
private func intern<Key: Hashable, Counters>(_ key: Key, _ index: inout [Key: Int], _ keys: inout [Key],
                                             _ counters: inout [Counters], _ fresh: Counters, per: Int = 1) -> Int {
    if let i = index[key] { return i }
    let i = keys.count
    index[key] = i
    keys.append(key)
    counters.append(contentsOf: repeatElement(fresh, count: per))
    return i
}

struct AgentKey: Hashable {
    var account: Int64
    var agent: Int64?
}

struct PeriodKey: Hashable {
    var account: Int64
    var start: Int64
}

struct HistogramKey: Hashable {
    static let account: UInt8 = 0, agent: UInt8 = 1, period: UInt8 = 2
    var space: UInt8
    var business: Bool
    /// Account group (`account * groupSlots + slot`), agent or period index.
    var target: Int32
    var bucket: UInt16
}

/// The histogram's median and p90 per (space, target), both clocks: each
/// target's non-empty buckets, in bucket order.
private struct Percentiles {
    private var buckets: [HistogramKey: [(bucket: UInt16, count: Int64)]] = [:]

    init(_ histogram: [HistogramKey: Int64]) {
        for (k, n) in histogram where n > 0 {
            buckets[HistogramKey(space: k.space, business: k.business, target: k.target, bucket: 0), default: []]
                .append((k.bucket, n))
        }
        for k in buckets.keys { buckets[k]!.sort { $0.bucket < $1.bucket } }
    }

    func fill(_ s: inout AccountScore, space: UInt8, target: Int) {
        if let b = buckets[HistogramKey(space: space, business: false, target: Int32(target), bucket: 0)] {
            s.medianAckSeconds = Percentiles.percentile(b, 0.5)
            s.p90AckSeconds = Percentiles.percentile(b, 0.9)
        }
        if let b = buckets[HistogramKey(space: space, business: true, target: Int32(target), bucket: 0)] {
            s.medianAckBusinessSeconds = Percentiles.percentile(b, 0.5)
            s.p90AckBusinessSeconds = Percentiles.percentile(b, 0.9)
        }
    }

    /// percentile_disc over the buckets, as `AckHistogram.percentile`.
    private static func percentile(_ b: [(bucket: UInt16, count: Int64)], _ p: Double) -> Double? {
        var total: Int64 = 0
        for e in b { total &+= e.count }
        if total <= 0 { return nil }
        let rank = Int64(percentileRank(count: Int(total), p: p))
        var running: Int64 = 0
        for e in b {
            running &+= e.count
            if running >= rank { return AckHistogram.representative(Int(e.bucket)) }
        }
        return nil
    }
}

/// Adds every counter of `b` to `a`.
func add(_ a: inout GroupCounters, _ b: GroupCounters) {
    a.rows &+= b.rows
    a.needsAck &+= b.needsAck
    a.pending &+= b.pending
    a.acknowledged &+= b.acknowledged
    a.personal &+= b.personal
    a.appreciative &+= b.appreciative
    a.withinSLA &+= b.withinSLA
    a.givePosts &+= b.givePosts
    a.takePosts &+= b.takePosts
    a.neutralPosts &+= b.neutralPosts
    a.weWords &+= b.weWords
    a.youWords &+= b.youWords
    a.replies &+= b.replies
    a.conversational &+= b.conversational
    a.posts &+= b.posts
    a.fittingPosts &+= b.fittingPosts
    a.contacts &+= b.contacts
    a.trustSum &+= b.trustSum
    a.trusted &+= b.trusted
    a.treatedWell &+= b.treatedWell
    a.treatedWellConverted &+= b.treatedWellConverted
    a.ignored &+= b.ignored
    a.ignoredConverted &+= b.ignoredConverted
    a.treatedWellValue &+= b.treatedWellValue
    a.attributedLeads &+= b.attributedLeads
    a.anomalies &+= b.anomalies
}
