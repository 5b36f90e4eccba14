// A deterministic, seedable synthetic CRM data set for `givetake demo` and
// the benchmarks: several brands with different habits, every channel, DM
// threads and CRM conversations (thread_id) where customers often write
// several messages before the answer, agents (agent_id) answering,
// replies with and without the customer's name, give and take
// posts, auto-replies, leads and purchases after (or without) an answer,
// rows still pending near the end, and a few anomalies (duplicate ids,
// orphan and self parents, clock skew, an unknown channel). Rows are
// written into a reusable InteractionBatch; nothing is allocated per row.
import GiveTakeCore

public struct SyntheticData {
    public let rows: Int
    public let seed: UInt64
    /// 2026-01-05 00:00:00 UTC; the data spans 90 days from here.
    public static let start: Int64 = 1_767_571_200_000_000
    public static let span: Int64 = 90 * 86_400_000_000

    public init(rows: Int, seed: UInt64 = 42) {
        self.rows = rows
        self.seed = seed
    }

    /// Account ids are 1001, 1002, ...: about one brand per 2,500 rows,
    /// at least 4 and at most 2,000.
    public var accountCount: Int { max(4, min(2000, rows / 2500)) }

    public static let brandNames = [
        "Acme Outdoor", "Brightside Bank", "Cedar Coffee", "Delta Telecom", "Evergreen Energy",
        "Fjord Travel", "Granite Insurance", "Harbor Grocers",
    ]

    /// Display names of the first accounts (1001 "Acme Outdoor", ...).
    public var accountNames: AccountNames {
        var names: AccountNames = [:]
        for (i, n) in SyntheticData.brandNames.prefix(accountCount).enumerated() { names[Int64(1001 + i)] = n }
        return names
    }

    /// Emits exactly `rows` rows, in batches of up to `batchSize`.
    public func generate(batchSize: Int = 8192, _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) rethrows {
        var g = Generator(rows: rows, seed: seed, accounts: accountCount)
        let batch = InteractionBatch(capacity: batchSize)
        while g.emitted < rows {
            g.episode(batch)
            if batch.count >= batchSize - 8 || g.emitted >= rows {
                try batch.withRows(body)
                batch.removeAll()
            }
        }
    }
}

/// SplitMix64: tiny, fast and the same on every platform.
struct SplitMix64 {
    var state: UInt64
    @inline(__always) mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    @inline(__always) mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    @inline(__always) mutating func chance(_ p: Double) -> Bool { unit() < p }
    @inline(__always) mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Exponentially distributed with the given mean.
    @inline(__always) mutating func exponential(_ mean: Double) -> Double { -mean * log1p(-unit()) }
}

/// ln(1 + x) for x in (-1, 0], without Foundation (series on the mantissa).
@inline(__always)
func log1p(_ x: Double) -> Double {
    let y = 1 + x
    if y <= 0 { return -745 }
    let e = Double(y.exponent)
    let m = y.significand  // [1, 2)
    let t = (m - 1) / (m + 1), t2 = t * t
    var sum = 0.0, term = t
    var k = 1.0
    while k < 40 { sum += term / k; term *= t2; k += 2 }
    return 2 * sum + e * 0.693_147_180_559_945_3
}

/// Per-brand habits, so that every account scores differently.
struct BrandProfile {
    var ackProb: Double
    var personalProb: Double
    var thanksProb: Double
    var latencyMean: Double  // seconds
    var giveShare: Double
    var autoReplyProb: Double
    var contacts: Int
    /// Agents answering for the brand: ids account * 100 + 1...
    var agents: Int
    var lastPost: Int64 = 0
    var lastGivePost: Int64 = 0
}

struct Generator {
    let rows: Int
    var rng: SplitMix64
    var brands: [BrandProfile] = []
    var nextID: Int64 = 1
    var emitted = 0
    var now: Int64 = SyntheticData.start
    let step: Int64
    var scratch: [UInt8] = []
    var name: [UInt8] = []

    init(rows: Int, seed: UInt64, accounts: Int) {
        self.rows = rows
        rng = SplitMix64(state: seed &* 0x2545_F491_4F6C_DD1D &+ 1)
        step = max(1, SyntheticData.span / Int64(max(rows, 1)))
        let perAccount = max(1, rows / accounts)
        for _ in 0..<accounts {
            brands.append(BrandProfile(
                ackProb: 0.45 + 0.5 * rng.unit(), personalProb: 0.05 + 0.7 * rng.unit(),
                thanksProb: 0.15 + 0.6 * rng.unit(), latencyMean: 300 + 3 * 3600 * rng.unit() * rng.unit(),
                giveShare: 0.25 + 0.7 * rng.unit(), autoReplyProb: 0.15 * rng.unit(),
                contacts: max(12, perAccount / 9), agents: 2 + rng.below(5)))
        }
        scratch.reserveCapacity(512)
    }

    var left: Int { rows - emitted }

    // MARK: Episodes

    mutating func episode(_ batch: InteractionBatch) {
        // Time follows the rows written, so the data ends near the period's end.
        now = SyntheticData.start + step * Int64(emitted) + Int64(rng.below(Int(min(step, 1 << 40)) + 1))
        let a = rng.below(brands.count)
        let r = rng.unit()
        if r < 0.14 { brandPost(batch, a) }
        else if r < 0.80 { conversation(batch, a) }
        else if r < 0.88 { outreach(batch, a) }
        else if r < 0.95 { like(batch, a) }
        else { anomaly(batch, a) }
    }

    mutating func brandPost(_ batch: InteractionBatch, _ a: Int) {
        let give = rng.chance(brands[a].giveShare)
        let channel = pickChannel()
        let kind: Kind = rng.chance(0.85) ? .post : .share
        compose(give ? Texts.givePosts : Texts.takePosts, nil)
        if channel == .twitter && rng.chance(0.05) { scratch.append(contentsOf: Texts.longTail) }
        let id = emit(batch, a, contact: nil, parent: nil, channel, kind, inbound: false,
                      media: channel == .instagram ? rng.chance(0.8) : rng.chance(0.3), at: now, author: nil,
                      agent: pickAgent(a))
        brands[a].lastPost = id
        if give { brands[a].lastGivePost = id }
    }

    mutating func conversation(_ batch: InteractionBatch, _ a: Int) {
        let contact = pickContact(a)
        let channel = pickChannel()
        let dm = rng.chance(0.3)
        let kind: Kind = dm ? .message : [Kind.comment, .reply, .mention][rng.below(3)]
        var parent: Int64? = nil
        if !dm && kind != .mention && brands[a].lastPost != 0 {
            parent = rng.chance(0.5) && brands[a].lastGivePost != 0 ? brands[a].lastGivePost : brands[a].lastPost
        }
        contactName(contact)
        compose(Texts.inbound, nil)
        let asked = now
        // Half the public conversations are tracked as CRM conversations.
        let threaded = !dm && kind != .mention && rng.chance(0.5)
        let thread: Int64? = threaded ? nextID : nil
        let inboundID = emit(batch, a, contact: contact, parent: parent, channel, kind, inbound: true, media: false,
                             at: asked, author: name, thread: thread)
        let attributed = parent != nil && parent == brands[a].lastGivePost
        // The answer takes a while; an automated reply comes at once.
        var at = asked + Int64(rng.exponential(brands[a].latencyMean) * 1e6)
        if rng.chance(0.002) { at = asked - 60_000_000 }  // clock skew
        let answers = rng.chance(brands[a].ackProb)
        // Customers in a DM or a conversation often write again before the
        // answer: one turn of several messages.
        if (dm || threaded) && rng.chance(0.45) {
            let more = 1 + rng.below(2)
            let last = answers ? at : asked + Int64(brands[a].latencyMean * 2e6)
            for k in 0..<more where last > asked + 2 {
                compose(Texts.inbound, nil)
                let t = asked + 1 + Int64(rng.below(Int(min(last - asked - 1, 1 << 40))))
                _ = emit(batch, a, contact: contact, parent: nil, channel, dm ? .message : kind, inbound: true,
                         media: false, at: t + Int64(k), author: name, thread: thread)
            }
        }
        if rng.chance(brands[a].autoReplyProb) {
            compose(Texts.autoReplies, nil)
            _ = emit(batch, a, contact: contact, parent: dm ? nil : inboundID, channel, dm ? .message : .reply,
                     inbound: false, automated: true, media: false, at: asked + 5_000_000, author: nil)
        }
        var answered = false
        if answers {
            if at <= SyntheticData.start + SyntheticData.span {  // not yet answered near the end: pending
                let personal = rng.chance(brands[a].personalProb)
                compose(rng.chance(brands[a].thanksProb) ? Texts.thankfulReplies : Texts.plainReplies,
                        personal ? firstNameBytes() : nil)
                _ = emit(batch, a, contact: contact, parent: dm ? nil : inboundID, channel, dm ? .message : .reply,
                         inbound: false, media: false, at: at, author: nil, thread: thread, agent: pickAgent(a))
                answered = true
                if dm && rng.chance(0.4) {  // the thread goes on
                    compose(Texts.inbound, nil)
                    _ = emit(batch, a, contact: contact, parent: nil, channel, .message, inbound: true, media: false,
                             at: at + 600_000_000, author: name)
                }
            }
        }
        // Conversions: answered contacts convert more often.
        if rng.chance(answered ? 0.16 : 0.07) {
            let later = asked + Int64(1 + rng.below(20 * 86400)) * 1_000_000
            let purchase = rng.chance(0.45)
            scratch.removeAll(keepingCapacity: true)
            _ = emit(batch, a, contact: contact, parent: nil, channel, purchase ? .purchase : .lead, inbound: true,
                     media: false, at: attributed ? min(later, asked + 29 * 86_400_000_000) : later, author: name,
                     value: purchase ? Double(5 + rng.below(400)) + 0.99 : 0, noBody: true)
        }
    }

    /// The brand writes to a contact directly: a trust event (give or take).
    mutating func outreach(_ batch: InteractionBatch, _ a: Int) {
        let contact = pickContact(a)
        compose(rng.chance(brands[a].giveShare) ? Texts.givePosts : Texts.takePosts, nil)
        _ = emit(batch, a, contact: contact, parent: nil, pickChannel(), rng.chance(0.5) ? .comment : .mention,
                 inbound: false, media: false, at: now, author: nil, agent: pickAgent(a))
    }

    mutating func like(_ batch: InteractionBatch, _ a: Int) {
        let contact = pickContact(a)
        contactName(contact)
        scratch.removeAll(keepingCapacity: true)
        _ = emit(batch, a, contact: contact, parent: brands[a].lastPost == 0 ? nil : brands[a].lastPost,
                 pickChannel(), .like, inbound: true, media: false, at: now, author: name, noBody: true)
    }

    /// About 1 row in 100: a duplicate id, an orphan or self parent, or an
    /// unknown channel.
    mutating func anomaly(_ batch: InteractionBatch, _ a: Int) {
        let r = rng.unit()
        if r < 0.8 { conversation(batch, a); return }
        compose(Texts.inbound, nil)
        let contact = pickContact(a)
        contactName(contact)
        if r < 0.86 && brands[a].lastPost != 0 {
            // A duplicate id, as a double import makes it: same account.
            let dup = brands[a].lastPost
            emitRow(batch, id: dup, a, contact: contact, parent: nil, Int32(Channel.twitter.rawValue),
                    Int32(Kind.comment.rawValue), inbound: true, automated: false, media: false, at: now,
                    author: name, value: 0, noBody: false)
        } else if r < 0.92 {
            _ = emit(batch, a, contact: contact, parent: nextID + 5_000_000_000, .facebook, .comment, inbound: true,
                     media: false, at: now, author: name)
        } else if r < 0.96 {
            let id = nextID
            nextID += 1
            emitRow(batch, id: id, a, contact: contact, parent: id, Int32(Channel.other.rawValue),
                    Int32(Kind.reply.rawValue), inbound: true, automated: false, media: false, at: now,
                    author: name, value: 0, noBody: false)
        } else {
            let id = nextID
            nextID += 1
            emitRow(batch, id: id, a, contact: contact, parent: nil, -1, Int32(Kind.post.rawValue), inbound: false,
                    automated: false, media: false, at: now, author: nil, value: 0, noBody: false)
        }
    }

    // MARK: Helpers

    mutating func pickChannel() -> Channel {
        let r = rng.below(100)
        return r < 40 ? .twitter : r < 65 ? .facebook : r < 85 ? .instagram : r < 95 ? .linkedin : .other
    }

    /// An agent of the brand; about 1 in 10 of its rows carry none.
    mutating func pickAgent(_ a: Int) -> Int64? {
        rng.chance(0.1) ? nil : Int64(1001 + a) * 100 + 1 + Int64(rng.below(brands[a].agents))
    }

    mutating func pickContact(_ a: Int) -> Int64 {
        // Skewed: a few regulars, many occasional contacts.
        let n = brands[a].contacts
        let k = rng.chance(0.3) ? rng.below(max(1, n / 10)) : rng.below(n)
        return Int64(1001 + a) * 1_000_000 + Int64(k)
    }

    /// The display name of a contact, derived from its id (stable).
    mutating func contactName(_ contact: Int64) {
        name.removeAll(keepingCapacity: true)
        var h = SplitMix64(state: UInt64(bitPattern: contact))
        let style = h.below(20)
        let first = Texts.firstNames[h.below(Texts.firstNames.count)]
        let last = Texts.lastNames[h.below(Texts.lastNames.count)]
        if style == 0 { return }  // no name at all: an empty display name
        if style == 1 {  // a handle only
            name.append(contentsOf: "@user".utf8)
            name.append(contentsOf: String(contact % 100_000).utf8)
            return
        }
        if style == 2 {  // initial first: "J. Smith" -> the first name is "Smith"
            name.append(first[0]); name.append(contentsOf: ". ".utf8); name.append(contentsOf: last)
            return
        }
        name.append(contentsOf: first); name.append(0x20); name.append(contentsOf: last)
    }

    /// The first name to address the contact by (as a human agent would).
    func firstNameBytes() -> [UInt8]? {
        guard let span = name.withUnsafeBufferPointer({ firstNameSpan($0) }) else { return nil }
        return Array(name[span])
    }

    /// Picks a template; "{n}" becomes the name (or is dropped with it).
    mutating func compose(_ templates: [[UInt8]], _ firstName: [UInt8]?) {
        scratch.removeAll(keepingCapacity: true)
        let t = templates[rng.below(templates.count)]
        var i = 0
        while i < t.count {
            if t[i] == 0x7B && i + 2 < t.count && t[i + 1] == 0x6E && t[i + 2] == 0x7D {
                if let firstName { scratch.append(contentsOf: firstName) } else {
                    // "Hi {n}, ..." without a name: drop the trailing space/comma.
                    while let l = scratch.last, l == 0x20 { scratch.removeLast() }
                    if i + 3 < t.count && t[i + 3] == 0x2C { i += 1 }
                }
                i += 3
                continue
            }
            scratch.append(t[i])
            i += 1
        }
    }

    @discardableResult
    mutating func emit(_ batch: InteractionBatch, _ a: Int, contact: Int64?, parent: Int64?, _ channel: Channel,
                       _ kind: Kind, inbound: Bool, automated: Bool = false, media: Bool, at: Int64,
                       author: [UInt8]?, value: Double = 0, noBody: Bool = false, thread: Int64? = nil,
                       agent: Int64? = nil) -> Int64 {
        let id = nextID
        nextID += 1
        emitRow(batch, id: id, a, contact: contact, parent: parent, Int32(channel.rawValue), Int32(kind.rawValue),
                inbound: inbound, automated: automated, media: media, at: at, author: author, value: value,
                noBody: noBody, thread: thread, agent: agent)
        return id
    }

    mutating func emitRow(_ batch: InteractionBatch, id: Int64, _ a: Int, contact: Int64?, parent: Int64?,
                          _ channel: Int32, _ kind: Int32, inbound: Bool, automated: Bool, media: Bool, at: Int64,
                          author: [UInt8]?, value: Double, noBody: Bool, thread: Int64? = nil,
                          agent: Int64? = nil) {
        // Nothing has happened after the end of the period yet (answers and
        // purchases still to come); this leaves pending rows near as_of.
        guard emitted < rows, batch.count < batch.capacity, at <= SyntheticData.start + SyntheticData.span else {
            return
        }
        let row = Interaction(id: id, accountID: Int64(1001 + a), contactID: contact, parentID: parent,
                              channel: channel, kind: kind, inbound: inbound, automated: automated,
                              hasMedia: media, createdAt: at, value: value, threadID: thread, agentID: agent)
        scratch.withUnsafeBufferPointer { body in
            if let author {
                author.withUnsafeBufferPointer { batch.append(row, author: $0, body: noBody ? nil : body) }
            } else {
                batch.append(row, author: nil, body: noBody ? nil : body)
            }
        }
        emitted += 1
    }
}
