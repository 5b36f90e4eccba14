// What a detail section shows of one account, taken from a scoring result
// as soon as it exists. The page shows a bounded part of the turns,
// contacts and agents (histogram bins, the ten soonest-due turns, fifteen
// agents, ten contacts), so those outputs need not outlive their group of
// accounts (ReportData.swift), and the report's memory does not grow with
// the rows.
#if CLI  // the CLI trait (Package.swift)
import GiveTakeCore
import GiveTakeStorage

/// How many entries of each list a detail section shows.
enum Shown {
    static let atRisk = 10
    static let agents = 15
    static let lowestTrust = 10
}

struct AccountDigest {
    var all: AccountScore
    var channels: [AccountScore] = []
    var periods: [PeriodScore] = []
    /// Answered turns per channel per `ackLabels` band, on the channel's SLA clock.
    var ackBins: [Channel: [Int64]] = [:]
    /// Turns still within their SLA, and the soonest due of them.
    var pendingTurns = 0
    var atRisk: [TurnScore] = []
    /// Every agent row of the account, and the ones with the most answers.
    var agentCount = 0
    var topAgents: [AgentScore] = []
    /// Contacts per trust band of 10 points.
    var contactCount = 0
    var trustBins = [Int64](repeating: 0, count: 10)
    /// The contacts with the most negative balance.
    var lowestTrust: [ContactScore] = []
    var give: [TopPost] = []
    var take: [TopPost] = []

    init(all: AccountScore) { self.all = all }
}

/// Inserts `item` into `list`, kept sorted by `before` and at most
/// `limit` long: the first `limit` items of everything offered.
func keepFirst<T>(_ list: inout [T], _ item: T, limit: Int, _ before: (T, T) -> Bool) {
    if list.count == limit, let last = list.last, !before(item, last) { return }
    let at = list.firstIndex { before(item, $0) } ?? list.count
    if at >= limit { return }
    list.insert(item, at: at)
    if list.count > limit { list.removeLast() }
}

/// Soonest due first (turn ids are unique within an account).
func dueFirst(_ x: TurnScore, _ y: TurnScore) -> Bool { (x.dueAt, x.turnID) < (y.dueAt, y.turnID) }

/// Most answered turns first, then by agent id (no id first).
func mostAnswers(_ x: AgentScore, _ y: AgentScore) -> Bool {
    x.acknowledged != y.acknowledged ? x.acknowledged > y.acknowledged : (x.agentID ?? .min) < (y.agentID ?? .min)
}

/// Lowest balance first, then most ignored turns, then contact id.
func lowestBalance(_ x: ContactScore, _ y: ContactScore) -> Bool {
    if x.balance != y.balance { return x.balance < y.balance }
    if x.unacknowledged != y.unacknowledged { return x.unacknowledged > y.unacknowledged }
    return x.contactID < y.contactID
}

/// The digests of the accounts of `r` in `selected`, with their top posts
/// from `posts`, in one pass over each output.
func makeDigests(of r: Scores, for selected: Set<Int64>, config: ScoringConfig,
             posts: TopPostCollector) -> [Int64: AccountDigest] {
    var out: [Int64: AccountDigest] = [:]
    if selected.isEmpty { return out }
    for a in r.accounts where selected.contains(a.accountID) {
        if a.channel == nil { out[a.accountID] = AccountDigest(all: a) } else { out[a.accountID]?.channels.append(a) }
    }
    forEachRow(r.periods, \.score.accountID, &out) { d, p in d.periods.append(p) }
    forEachRow(r.contacts, \.accountID, &out) { d, c in
        d.contactCount += 1
        d.trustBins[min(9, max(0, Int(c.trustScore) / 10))] += 1
        if c.balance < 0 { keepFirst(&d.lowestTrust, c, limit: Shown.lowestTrust, lowestBalance) }
    }
    forEachRow(r.agents, \.accountID, &out) { d, g in
        d.agentCount += 1
        keepFirst(&d.topAgents, g, limit: Shown.agents, mostAnswers)
    }
    forEachRow(r.turns.ordered(where: { $0 != .unacknowledged }), \.accountID, &out) { d, t in
        if t.status == .pending {
            d.pendingTurns += 1
            keepFirst(&d.atRisk, t, limit: Shown.atRisk, dueFirst)
            return
        }
        let business = config.slaClock[Int(t.channel.rawValue)] == .business
        if let s = business ? t.businessTimeToAckSeconds : t.timeToAckSeconds {
            d.ackBins[t.channel, default: [Int64](repeating: 0, count: ackLabels.count)][ackBand(s)] += 1
        }
    }
    for (id, list) in posts.give where out[id] != nil { out[id]!.give = list }
    for (id, list) in posts.take where out[id] != nil { out[id]!.take = list }
    return out
}

/// Hands each row of a digested account to `body` with its digest. The
/// outputs are ordered by account, so the digest is looked up once a run.
private func forEachRow<S: Sequence>(_ rows: S, _ account: KeyPath<S.Element, Int64>,
                                     _ out: inout [Int64: AccountDigest],
                                     _ body: (inout AccountDigest, S.Element) -> Void) {
    var id: Int64?
    var digest: AccountDigest?
    for row in rows {
        let a = row[keyPath: account]
        if a != id {
            if let id, let digest { out[id] = digest }
            id = a
            digest = out.removeValue(forKey: a)
        }
        if digest != nil { body(&digest!, row) }
    }
    if let id, let digest { out[id] = digest }
}
#endif
