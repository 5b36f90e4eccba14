// Test rows written as Swift values, scored through the real engine.
@testable import GiveTakeCore

/// A row with String texts; converted to borrowed UTF-8 for the scorer.
struct Row {
    var id: Int64
    var account: Int64 = 1
    var contact: Int64? = nil
    var parent: Int64? = nil
    var channel: Int32 = Int32(Channel.twitter.rawValue)
    var kind: Kind = .post
    var rawKind: Int32? = nil
    var inbound = false
    var automated = false
    var media = false
    /// Seconds since the epoch (fractions allowed).
    var at: Double = 0
    var author: String? = nil
    var body: String? = nil
    var value: Double = 0
    var thread: Int64? = nil
    var agent: Int64? = nil
}

let hour = 3600.0
let day = 86400.0

/// Scores rows (in the given order, in batches of `batch`) and returns the
/// result; with `reusing`, that scorer (new or reset) instead of a new one.
/// With `part`, the rows are one part of accounts scored in parts
/// (`finishPart`), with `references` given as references.
func score(_ rows: [Row], config: ScoringConfig = ScoringConfig(), lexicon: Lexicon = .reference,
           batch: Int = 3, schedules: [(Int64?, Channel?, Schedule)] = [],
           reusing: Scorer? = nil, part: Bool = false, references: [Row] = []) throws -> ScoringResult {
    let scorer = reusing ?? Scorer(lexicon: lexicon)
    try scorer.configure(config)
    for (account, channel, schedule) in schedules { scorer.setSchedule(schedule, account: account, channel: channel) }
    try withInteractions(references) { try scorer.addReferences($0) }
    try withInteractions(rows) { all in
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + batch)
            try scorer.add(UnsafeBufferPointer(rebasing: all[start..<end]))
            start = end
        }
    }
    return part ? try scorer.finishPart() : try scorer.finish()
}

/// The rows as interactions whose texts borrow from one buffer, valid
/// inside `body`.
func withInteractions<T>(_ rows: [Row], _ body: (UnsafeBufferPointer<Interaction>) throws -> T) throws -> T {
    var storage: [UInt8] = []
    var spans: [(author: Range<Int>?, body: Range<Int>?)] = []
    for r in rows {
        let a = r.author.map { s -> Range<Int> in let lo = storage.count; storage += Array(s.utf8); return lo..<storage.count }
        let b = r.body.map { s -> Range<Int> in let lo = storage.count; storage += Array(s.utf8); return lo..<storage.count }
        spans.append((a, b))
    }
    storage.append(0)
    return try storage.withUnsafeBufferPointer { all in
        func slice(_ r: Range<Int>?) -> UnsafeBufferPointer<UInt8>? {
            r.map { UnsafeBufferPointer(rebasing: all[$0]) }
        }
        let interactions = rows.indices.map { k in
            let r = rows[k]
            return Interaction(
                id: r.id, accountID: r.account, contactID: r.contact, parentID: r.parent, channel: r.channel,
                kind: r.rawKind ?? Int32(r.kind.rawValue), inbound: r.inbound, automated: r.automated,
                hasMedia: r.media, createdAt: Int64((r.at * 1e6).rounded()), authorName: slice(spans[k].author),
                body: slice(spans[k].body), value: r.value, threadID: r.thread, agentID: r.agent)
        }
        return try interactions.withUnsafeBufferPointer { try body($0) }
    }
}

extension ScoringResult {
    func account(_ id: Int64, _ channel: Channel? = nil) -> AccountScore? {
        accounts.first { $0.accountID == id && $0.channel == channel }
    }
    func agent(_ account: Int64, _ agent: Int64?) -> AgentScore? {
        agents.first { $0.accountID == account && $0.agentID == agent }
    }
    func contact(_ account: Int64, _ contact: Int64) -> ContactScore? {
        contacts.first { $0.accountID == account && $0.contactID == contact }
    }
}

/// Classifies a Swift string with a lexicon.
func classify(_ text: String, _ lexicon: Lexicon = .reference) -> Classification {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { lexicon.classify($0) }
}

func explain(_ text: String, _ lexicon: Lexicon = .reference) -> [(String, Category, Double)] {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { buf in
        lexicon.explain(buf).map { (String(decoding: bytes[$0.start..<$0.end], as: UTF8.self), $0.category, $0.weight) }
    }
}

func bytesOf(_ s: String) -> [UInt8] { Array(s.utf8) }
