// What the report shows, gathered in one scan of the source: the full
// scoring result (accounts, contacts, turns, agents, periods: the same
// code and numbers as `givetake score`) and, beside it, each account's
// strongest give and take posts with their bodies (the scores keep no
// text, and the report explains why a post counted as give or take).
#if CLI  // the CLI trait (Package.swift)
import GiveTakeCore
import GiveTakeStorage

struct TopPost {
    var id: Int64
    var createdAt: Int64
    var channel: Channel
    var label: Label
    /// give − take for a give post, take − give for a take post.
    var margin: Double
    var body: [UInt8]
}

/// Keeps, per account, the `perSide` outbound non-automated posts and
/// shares with the largest classifier margin on each side (ties: the
/// newest, then the smallest id). Bodies are copied only when a post
/// enters a list.
final class TopPostCollector {
    let lexicon: Lexicon
    let perSide: Int
    let only: Set<Int64>?
    private(set) var give: [Int64: [TopPost]] = [:]
    private(set) var take: [Int64: [TopPost]] = [:]

    init(lexicon: Lexicon, perSide: Int, only: Set<Int64>?) {
        self.lexicon = lexicon
        self.perSide = perSide
        self.only = only
    }

    func add(_ rows: UnsafeBufferPointer<Interaction>) {
        for r in rows {
            guard !r.inbound, !r.automated, r.kind == Int32(Kind.post.rawValue) || r.kind == Int32(Kind.share.rawValue),
                  r.channel >= 0, r.channel < Int32(Channel.allCases.count), let body = r.body else { continue }
            if let only, !only.contains(r.accountID) { continue }
            let c = lexicon.classify(body)
            switch c.label {
            case .give: offer(&give, r, c.give - c.take, .give, body)
            case .take: offer(&take, r, c.take - c.give, .take, body)
            case .neutral: break
            }
        }
    }

    private func offer(_ lists: inout [Int64: [TopPost]], _ r: Interaction, _ margin: Double, _ label: Label,
                       _ body: UnsafeBufferPointer<UInt8>) {
        func before(_ m: Double, _ t: Int64, _ id: Int64, _ p: TopPost) -> Bool {
            if m != p.margin { return m > p.margin }
            if t != p.createdAt { return t > p.createdAt }
            return id < p.id
        }
        var list = lists[r.accountID] ?? []
        // The same text posted again shows once (its newest copy wins the tie).
        if list.contains(where: { $0.id == r.id || $0.body.elementsEqual(body) }) { return }
        if list.count == perSide, let last = list.last, !before(margin, r.createdAt, r.id, last) { return }
        let post = TopPost(id: r.id, createdAt: r.createdAt, channel: Channel(rawValue: UInt8(r.channel)) ?? .other,
                           label: label, margin: margin, body: Array(body))
        let at = list.firstIndex { !before($0.margin, $0.createdAt, $0.id, post) && before(margin, r.createdAt, r.id, $0) }
            ?? list.count
        list.insert(post, at: at)
        if list.count > perSide { list.removeLast() }
        lists[r.accountID] = list
    }
}

/// Everything the page is rendered from.
struct ReportInput {
    var result: ScoringResult
    var names: AccountNames
    var config: ScoringConfig
    var period: Period
    var lexicon: Lexicon
    var give: [Int64: [TopPost]]
    var take: [Int64: [TopPost]]
    /// Where the rows came from, without credentials.
    var sourceLabel: String
    var rowsRead: Int
}

/// One account's rows of every output, as index ranges into the sorted
/// result arrays (built in one pass over each).
struct AccountView {
    var all: AccountScore
    var channels: [AccountScore] = []
    var contacts: Range<Int> = 0..<0
    var agents: Range<Int> = 0..<0
    var periods: Range<Int> = 0..<0
    var turns: Range<Int> = 0..<0
}

/// Groups sorted rows by account id: id -> range.
func ranges<T>(_ rows: [T], _ account: (T) -> Int64) -> [Int64: Range<Int>] {
    var out: [Int64: Range<Int>] = [:]
    var start = 0
    while start < rows.count {
        let a = account(rows[start])
        var end = start + 1
        while end < rows.count && account(rows[end]) == a { end += 1 }
        out[a] = start..<end
        start = end
    }
    return out
}

/// Scores `table` of `store` in this process, like `givetake score`
/// without writing anything, and collects the top posts in the same scan.
func gatherReport(store: InteractionStore, table: String, lexicon: Lexicon, config: ScoringConfig,
                  schedules: [ScheduleSpec], period: Period, postsPerSide: Int, only: Set<Int64>?, sourceLabel: String,
                  progress: Progress) throws -> ReportInput {
    try store.checkTable(table)
    let names = try store.accountNames(table)
    var cfg = config
    cfg.period = period
    let scorer = Scorer(lexicon: lexicon, config: ScoringConfig())
    for s in schedules { scorer.setSchedule(s.schedule, account: s.accountID, channel: s.channel) }
    try scorer.configure(cfg)
    let posts = TopPostCollector(lexicon: lexicon, perSide: postsPerSide, only: only)
    var rows = 0
    try pipelinedScan(store, ScanRequest(table: table), batchSize: 8192) { batch in
        try scorer.add(batch)
        posts.add(batch)
        rows += batch.count
        progress.update(rows)
    }
    progress.show("computing scores")
    let result = try scorer.finish()
    return ReportInput(result: result, names: names, config: cfg, period: period, lexicon: lexicon,
                       give: posts.give, take: posts.take, sourceLabel: sourceLabel, rowsRead: rows)
}
#endif
