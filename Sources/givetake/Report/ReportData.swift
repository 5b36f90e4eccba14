// What the report shows, gathered while the source is scored (by the same
// code and with the same numbers as `givetake score`, in groups of
// accounts when the table is larger than --max-memory): every account's
// scores for the overview and, for the accounts shown in detail, a digest
// of each scoring output (AccountDigest.swift) with the account's
// strongest give and take posts and their bodies (the scores keep no
// text, and the report explains why a post counted as give or take).
// Each group's result is dropped once digested.
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
    /// Every account's all-channels row (the overview), in no order.
    var accounts: [AccountScore]
    /// The accounts shown in detail.
    var digests: [Int64: AccountDigest]
    var asOf: Int64
    var names: AccountNames
    var config: ScoringConfig
    var period: Period
    var lexicon: Lexicon
    /// Where the rows came from, without credentials.
    var sourceLabel: String
    var rowsRead: Int
    /// Groups of accounts scored one after another (1: one pass).
    var groups: Int
}

enum DetailChoice {
    case all
    case top(Int)
}

/// Collects, result by result, the overview rows of every account and the
/// digests of the detail accounts: all of them, or the `top` most active
/// (turns plus posts; ties: the smaller id) among those seen so far, so
/// that at most `top` digests are kept.
final class ReportCollector {
    let config: ScoringConfig
    let detail: DetailChoice
    let only: Set<Int64>?
    private(set) var accounts: [AccountScore] = []
    private(set) var digests: [Int64: AccountDigest] = [:]
    /// With .top: the detail accounts so far, most active first.
    private var busiest: [(activity: Int64, id: Int64)] = []

    init(config: ScoringConfig, detail: DetailChoice, only: Set<Int64>?) {
        self.config = config
        self.detail = detail
        self.only = only
    }

    func add(_ r: Scores, posts: TopPostCollector) {
        var selected = Set<Int64>()
        for a in r.accounts where a.channel == nil && only.map({ $0.contains(a.accountID) }) ?? true {
            accounts.append(a)
            switch detail {
            case .all: selected.insert(a.accountID)
            case .top(let n):
                let activity = a.needsAck + a.pending + a.givePosts + a.takePosts + a.neutralPosts
                keepFirst(&busiest, (activity, a.accountID), limit: n) {
                    $0.activity != $1.activity ? $0.activity > $1.activity : $0.id < $1.id
                }
            }
        }
        if case .top = detail {
            let kept = Set(busiest.map(\.id))
            digests = digests.filter { kept.contains($0.key) }
            selected = kept.subtracting(digests.keys)
        }
        digests.merge(makeDigests(of: r, for: selected, config: config, posts: posts)) { $1 }
    }
}

/// Scores `table` of `store` in this process like `givetake score` (in
/// groups of accounts when `job` says so), writing nothing, and collects
/// what the page shows in the same scans.
func gatherReport(store: InteractionStore, job: ScoringJob, detail: DetailChoice, only: Set<Int64>?,
                  postsPerSide: Int, sourceLabel: String) throws -> ReportInput {
    try store.checkTable(job.table)
    let names = try store.accountNames(job.table)
    let collector = ReportCollector(config: job.config, detail: detail, only: only)
    // One collector of top posts per scorer, so it holds one group's.
    let lexicon = job.lexicon
    var posts = TopPostCollector(lexicon: lexicon, perSide: postsPerSide, only: only)
    var job = job
    job.scorerStarts = { posts = TopPostCollector(lexicon: lexicon, perSide: postsPerSide, only: only) }
    job.rowsScored = { posts.add($0) }
    let run = try job.scoreEach(store) { collector.add($0, posts: posts) }
    return ReportInput(accounts: collector.accounts, digests: collector.digests, asOf: run.asOf, names: names,
                       config: job.config, period: job.config.period ?? .week, lexicon: job.lexicon,
                       sourceLabel: sourceLabel, rowsRead: run.rowsRead, groups: run.groups)
}
#endif
