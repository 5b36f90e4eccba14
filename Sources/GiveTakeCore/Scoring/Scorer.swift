// The scorer: rows come in batches in any order; `finish` computes every
// metric of spec sections 3–7. At ingest each row is reduced to a fixed
// record (text features computed once, in one automaton pass); only first
// names and the bodies of possible acknowledgements are copied, because
// "personal" pairs a reply's body with another row's author name.

struct RowFlags {
    static let inbound: UInt16 = 1
    static let automated: UInt16 = 2
    static let hasMedia: UInt16 = 4
    static let hasContact: UInt16 = 8
    static let hasParent: UInt16 = 16
    static let appreciative: UInt16 = 32
    static let fitsTwitter: UInt16 = 64
    static let labelShift: UInt16 = 7  // two bits: Label.rawValue
    static let channelShift: UInt16 = 9  // three bits: Channel.rawValue
    static let kindShift: UInt16 = 12  // four bits: Kind.rawValue
    static let inputMask: UInt16 = 31
}

/// One kept row: 64 bytes (see docs/architecture.md for what is kept and
/// why). Fields that only some rows need live in side tables of the scorer
/// (`Scorer.extras`: purchase values and word counts above 254).
struct StoredRow {
    var id: Int64
    var parent: Int64
    var created: Int64
    /// Duplicate-id order: the first 8 body bytes (big-endian), then
    /// `bodyRest` = min(byte length, 2^24 - 1) << 40 | the top 40 bits of
    /// `byteHash` (see `bodyFingerprint`).
    var bodyPrefix: UInt64
    var bodyRest: UInt64
    /// Its (account, contact_id) slot in `Scorer.contactIDs` (-1 none).
    var contact: Int32
    var account: Int32
    /// The one text the scorer keeps of a row, read only through `firstName`
    /// (needs-ack rows) and `bodyRef` (outbound rows): a row is one or the
    /// other, so one field serves both.
    var keptText: Int32
    /// Needs-ack or outbound non-automated row: its (account, thread_id)
    /// slot in `Scorer.threadIDs` (-1 none).
    var thread: Int32
    /// Outbound non-automated row: its (account, agent_id) slot in
    /// `Scorer.agentIDs` (-1 none).
    var agent: Int32
    /// We/you words of an outbound classified row; 255 = the counts are in
    /// `Scorer.extras`.
    var weWords: UInt8
    var youWords: UInt8
    /// RowFlags, label, channel and kind (see RowFlags for the bits).
    var bits: UInt16

    @inline(__always) var flags: UInt16 { bits & 0x1FF }
    @inline(__always) var channel: UInt8 { UInt8(truncatingIfNeeded: (bits >> RowFlags.channelShift) & 7) }
    @inline(__always) var kind: UInt8 { UInt8(truncatingIfNeeded: bits >> RowFlags.kindShift) }

    /// Needs-ack row: its interned first name in `Scorer.names` (-1 no
    /// author_name, -2 an author_name without a first name).
    @inline(__always) var firstName: Int32 { needsAck ? keptText : -1 }
    /// Outbound row that may be a first acknowledgement: its body in
    /// `Scorer.bodies` (-1 none).
    @inline(__always) var bodyRef: Int32 { inbound ? -1 : keptText }

    @inline(__always) func has(_ f: UInt16) -> Bool { bits & f != 0 }
    @inline(__always) var inbound: Bool { bits & RowFlags.inbound != 0 }
    @inline(__always) var automated: Bool { bits & RowFlags.automated != 0 }
    @inline(__always) var label: Label { Label(rawValue: UInt8((bits >> RowFlags.labelShift) & 3)) ?? .neutral }
    @inline(__always) var kindValue: Kind { Kind(rawValue: kind) ?? .like }
    /// Inbound, not automated, and of a kind that deserves an answer.
    @inline(__always) var needsAck: Bool { inbound && !automated && Kind.deservesAnswer(kind) }
    /// Its purchase value or word counts are in `Scorer.extras`.
    @inline(__always) var hasExtra: Bool {
        kind == Kind.purchase.rawValue || weWords == 255 || youWords == 255
    }
}

/// The interned slots of one row of a batch (-1 none).
struct BatchSlots {
    var account: Int32
    var contact: Int32
    var thread: Int32
    var agent: Int32
}

/// What a few rows need besides `StoredRow`.
struct RowExtra {
    var value: Double = 0
    var weWords: UInt32 = 0
    var youWords: UInt32 = 0
}

struct AnomalyEvent {
    var account: Int32
    var created: Int64
}

/// Slots per account in group arrays: 0 = all channels, 1 + channel.
let groupSlots = 1 + Channel.allCases.count

public final class Scorer {
    public let lexicon: Lexicon
    public private(set) var config: ScoringConfig
    var rows = RowStore()
    var idTable = IdTable()
    var accountTable = KeyTable<Int64>()
    var accountIDs: [Int64] = []
    /// Interned (account, thread_id) and (account, agent_id) pairs.
    var threadTable = KeyTable<PairKey>()
    var threadIDs: [Int64] = []
    var agentTable = KeyTable<PairKey>()
    var agentIDs: [Int64] = []
    var agentAccounts: [Int32] = []
    /// Interned (account, contact_id) pairs: rows keep the slot.
    var contactTable = KeyTable<PairKey>()
    var contactIDs: [Int64] = []
    var contactAccounts: [Int32] = []
    /// Per contact slot, the channels its rows arrived on (duplicates
    /// included), and how many slots have more than one: only those get
    /// per-channel trust and first-turn state in `finish`.
    var contactChannelMask: [UInt8] = []
    var multiChannelContacts = 0
    /// Row index -> its `RowExtra` (rows with `hasExtra`).
    var extraTable = KeyTable<Int64>()
    var extras: [RowExtra] = []
    /// Kept rows that need an acknowledgement (each starts at most one
    /// turn): the memory plan of `finish` counts its turns by them.
    var needsAckRows = 0
    var names = Interner()
    var bodies = ByteArena()
    /// Anomalies found at ingest (duplicates, unknown channel/kind), per group.
    var ingestAnomalies: [Int64] = []
    /// Most bytes the scorer may plan to hold (0 = no limit): `add` and
    /// `finish` check `plannedBytes` against it before growing and throw
    /// `.outOfMemory` instead (MemoryPlan.swift). May change at any time.
    public var memoryLimit = 0
    /// Rows kept (duplicates and rows with unknown codes are not).
    public var storedRows: Int { rows.count }
    /// The same anomalies with the account and created_at of the row that
    /// carries each (for periods).
    var ingestAnomalyEvents: [AnomalyEvent] = []
    /// Business schedules, looked up by (account, channel) key.
    var schedules: [Schedule] = []
    var scheduleTable = KeyTable<PairKey>()
    /// Rows of other parts that rows here may name as parents
    /// (ReferenceRows.swift): id -> index into `referenceRows`.
    var referenceTable = KeyTable<Int64>()
    var referenceRows: [ReferenceRow] = []

    /// The slots of the batch being added (kept for the next batch).
    private var slotScratch = UnsafeMutableBufferPointer<BatchSlots>(start: nil, count: 0)

    public init(lexicon: Lexicon = .builtin, config: ScoringConfig = ScoringConfig()) {
        self.lexicon = lexicon
        self.config = config
    }

    deinit { slotScratch.deallocate() }

    /// Replaces the configuration; only before the first row is added.
    public func configure(_ newConfig: ScoringConfig) throws(GiveTakeError) {
        if !rows.isEmpty || !accountIDs.isEmpty {
            throw GiveTakeError(.badState, "configuration must be set before the first row is added")
        }
        if let problem = newConfig.validate() { throw GiveTakeError(.outOfRange, problem) }
        config = newConfig
    }

    /// Sets the schedule of an account × channel, of an account (channel
    /// nil), of a channel for every account (account nil), or the default
    /// (both nil); replaces an earlier one with the same key. Any time
    /// before finish.
    public func setSchedule(_ schedule: Schedule, account: Int64?, channel: Channel?) {
        let key = scheduleKey(account, channel)
        let next = Int32(schedules.count)
        if let existing = scheduleTable.findOrInsert(key, value: next) {
            schedules[Int(existing)] = schedule
        } else {
            schedules.append(schedule)
        }
    }

    /// Removes every schedule.
    public func removeSchedules() {
        schedules = []
        scheduleTable = KeyTable<PairKey>()
    }

    private func scheduleKey(_ account: Int64?, _ channel: Channel?) -> PairKey {
        PairKey(a: account ?? 0, b: (account == nil ? 0 : 256) | (channel.map { Int64($0.rawValue) &+ 1 } ?? 0))
    }

    /// The schedule for (account, channel): (a, c), else (a, any), else
    /// (any, c), else the default; nil = always open in UTC.
    func schedule(account: Int64, channel: Channel?) -> Int32? {
        if schedules.isEmpty { return nil }
        if let channel, let s = scheduleTable.find(scheduleKey(account, channel)) { return s }
        if let s = scheduleTable.find(scheduleKey(account, nil)) { return s }
        if let channel, let s = scheduleTable.find(scheduleKey(nil, channel)) { return s }
        return scheduleTable.find(scheduleKey(nil, nil))
    }

    /// Forgets every row added, keeping the configuration, the schedules,
    /// the memory limit and the memory: a host that scores groups of
    /// accounts one after another with one scorer gets no new memory from
    /// the system for a group no larger than the largest before it (a new
    /// scorer per group takes a page fault per 4 kB it touches once the
    /// allocator has given the last one's memory back). Results returned
    /// before stay valid.
    public func reset() {
        rows.removeAll()
        idTable.removeAll()
        accountTable.removeAll()
        accountIDs.removeAll(keepingCapacity: true)
        threadTable.removeAll()
        threadIDs.removeAll(keepingCapacity: true)
        agentTable.removeAll()
        agentIDs.removeAll(keepingCapacity: true)
        agentAccounts.removeAll(keepingCapacity: true)
        contactTable.removeAll()
        contactIDs.removeAll(keepingCapacity: true)
        contactAccounts.removeAll(keepingCapacity: true)
        contactChannelMask.removeAll(keepingCapacity: true)
        multiChannelContacts = 0
        extraTable.removeAll()
        extras.removeAll(keepingCapacity: true)
        needsAckRows = 0
        names.removeAll()
        bodies.removeAll()
        ingestAnomalies.removeAll(keepingCapacity: true)
        ingestAnomalyEvents.removeAll(keepingCapacity: true)
        referenceTable.removeAll()
        referenceRows.removeAll(keepingCapacity: true)
        rowsAdded = 0
    }

    /// Reserves room for `rows` rows in total, when the caller knows the
    /// count (a table scan): no regrowth copies, a lower memory peak.
    public func reserveCapacity(rows count: Int) {
        guard count > rows.count, count <= Int(Int32.max) else { return }
        if memoryLimit > 0 && plannedBytes(rows: count, textBytes: 0, finishing: false) > memoryLimit { return }
        idTable.reserveCapacity(count, rows)
    }

    /// Rows passed to successful `add` calls so far (duplicates included):
    /// error messages number rows across calls, as their source does.
    public private(set) var rowsAdded = 0

    /// Adds a batch of rows. All or nothing: the batch is checked first and a
    /// bad row throws an error naming it (its index among all rows added,
    /// counting from 0, and its id).
    public func add(_ batch: UnsafeBufferPointer<Interaction>) throws(GiveTakeError) {
        for i in 0..<batch.count {
            if let problem = Scorer.check(batch[i]) {
                throw GiveTakeError(problem.code, "row " + decimal(rowsAdded &+ i) + " (id " + decimal(batch[i].id)
                                    + "): " + problem.message)
            }
        }
        if rows.count > Int(Int32.max) - batch.count {
            throw GiveTakeError(.outOfMemory, "more than 2147483647 rows in one scorer")
        }
        if memoryLimit > 0 {
            var text = 0
            for i in 0..<batch.count { text &+= (batch[i].body?.count ?? 0) &+ (batch[i].authorName?.count ?? 0) }
            try checkMemory(rows: rows.count &+ batch.count, textBytes: text, finishing: false)
        }
        if slotScratch.count < batch.count {
            slotScratch.deallocate()
            slotScratch = .allocate(capacity: batch.count)
        }
        // Kept for the next batch unless this one was large.
        defer { if batch.count > 65_536 { slotScratch.deallocate(); slotScratch = .init(start: nil, count: 0) } }
        let slots = UnsafeMutableBufferPointer(rebasing: slotScratch[0..<batch.count])
        internSlots(batch, slots)
        // The rows are passed inout and made unique once per batch, so the
        // per-row work holds no extra reference and checks no sharing.
        rows.makeUnique()
        for i in 0..<batch.count { ingest(batch.baseAddress! + i, slots[i], &rows) }
        rowsAdded &+= batch.count
    }

    /// The slots a batch's rows refer to, one table at a time: each loop is
    /// a run of independent look-ups whose cache misses overlap (inside the
    /// per-row work they would wait one by one). Keys are interned in row
    /// order, as one pass would.
    private func internSlots(_ batch: UnsafeBufferPointer<Interaction>, _ slots: UnsafeMutableBufferPointer<BatchSlots>) {
        // Rows of one account, and of one conversation, mostly come
        // together: a key equal to the previous row's is not looked up again.
        var lastID: Int64 = 0, lastAccount: Int32 = -1
        for i in 0..<batch.count {
            let id = batch[i].accountID
            if lastAccount < 0 || id != lastID { lastAccount = accountIndex(id); lastID = id }
            slots[i] = BatchSlots(account: lastAccount, contact: -1, thread: -1, agent: -1)
        }
        var last = (account: Int32(-1), id: Int64(0), slot: Int32(-1))
        for i in 0..<batch.count {
            let r = batch[i]
            guard let c = r.contactID, Scorer.kindOf(r) != nil, Scorer.channelOf(r) != nil else { continue }
            let account = slots[i].account
            if account != last.account || c != last.id { last = (account, c, contactIndex(account, c)) }
            slots[i].contact = last.slot
        }
        last = (-1, 0, -1)
        for i in 0..<batch.count {
            let r = batch[i]
            guard let t = r.threadID, let kind = Scorer.kindOf(r), Scorer.channelOf(r) != nil, !r.automated,
                  !r.inbound || kind.deservesAnswer else { continue }
            let account = slots[i].account
            if account != last.account || t != last.id { last = (account, t, threadIndex(account, t)) }
            slots[i].thread = last.slot
        }
        for i in 0..<batch.count {
            let r = batch[i]
            guard let a = r.agentID, !r.inbound, !r.automated, Scorer.kindOf(r) != nil, Scorer.channelOf(r) != nil
            else { continue }
            slots[i].agent = agentIndex(slots[i].account, a)
        }
    }

    @inline(__always) static func channelOf(_ r: Interaction) -> Channel? {
        r.channel >= 0 && r.channel < Int32(Channel.allCases.count) ? Channel(rawValue: UInt8(r.channel)) : nil
    }

    @inline(__always) static func kindOf(_ r: Interaction) -> Kind? {
        r.kind >= 0 && r.kind < Int32(Kind.allCases.count) ? Kind(rawValue: UInt8(r.kind)) : nil
    }

    /// Adds `count` rows, `row(i)` giving the i-th (gathered into one
    /// buffer first, so each row is converted once).
    public func add(count: Int, row: (Int) -> Interaction) throws(GiveTakeError) {
        if count < 0 { throw GiveTakeError(.invalidArgument, "negative row count") }
        if count == 0 { return }
        let buffer = UnsafeMutableBufferPointer<Interaction>.allocate(capacity: count)
        defer { buffer.deallocate() }
        for i in 0..<count { (buffer.baseAddress! + i).initialize(to: row(i)) }
        try add(UnsafeBufferPointer(buffer))
    }

    /// Why `add` would refuse a row (nil when it would not); callers that
    /// route rows elsewhere first use it to name the row as their source does.
    public static func check(_ r: Interaction) -> GiveTakeError? {
        if r.createdAt < timeMin || r.createdAt > timeMax {
            return GiveTakeError(.outOfRange, "created_at is outside years 0001..9999")
        }
        if !r.value.isFinite { return GiveTakeError(.outOfRange, "value is not a finite number") }
        if let b = r.body {
            if b.count > Int(Int32.max) { return GiveTakeError(.outOfMemory, "body is longer than 2 GiB") }
            if let bad = firstInvalidUTF8(b) {
                return GiveTakeError(.invalidUTF8, "body is not valid UTF-8 (byte " + decimal(bad) + ")")
            }
        }
        if let a = r.authorName {
            if a.count > Int(Int32.max) { return GiveTakeError(.outOfMemory, "author_name is longer than 2 GiB") }
            if let bad = firstInvalidUTF8(a) {
                return GiveTakeError(.invalidUTF8, "author_name is not valid UTF-8 (byte " + decimal(bad) + ")")
            }
        }
        return nil
    }

    func accountIndex(_ id: Int64) -> Int32 {
        let next = Int32(accountIDs.count)
        if let existing = accountTable.findOrInsert(id, value: next) { return existing }
        accountIDs.append(id)
        ingestAnomalies.append(contentsOf: repeatElement(0, count: groupSlots))
        return next
    }

    /// `rows` is `self.rows` (unique: see `RowStore.appendUnique`).
    /// The row is read in place (not copied to pass it).
    private func ingest(_ p: UnsafePointer<Interaction>, _ slots: BatchSlots, _ rows: inout RowStore) {
        let r = p.pointee
        let account = slots.account
        let channel = Scorer.channelOf(r)
        let kind = Scorer.kindOf(r)
        guard let channel, let kind else {
            countAnomaly(account, channel.map { Int($0.rawValue) }, r.createdAt)
            return
        }
        let body = r.body ?? UnsafeBufferPointer(start: nil, count: 0)
        var flags: UInt16 = UInt16(channel.rawValue) << RowFlags.channelShift | UInt16(kind.rawValue) << RowFlags.kindShift
        if r.inbound { flags |= RowFlags.inbound }
        if r.automated { flags |= RowFlags.automated }
        if r.hasMedia { flags |= RowFlags.hasMedia }
        if r.contactID != nil { flags |= RowFlags.hasContact }
        if r.parentID != nil { flags |= RowFlags.hasParent }

        var extra = RowExtra(value: kind == .purchase ? r.value : 0)
        // An automated row's label counts only where it is a post that
        // customers answer (give-attributed leads); bots' messages and
        // replies, often most of a support inbox, are not classified.
        if !r.inbound && r.body != nil && (!r.automated || kind == .post) {
            let c = lexicon.classify(body)
            flags |= UInt16(c.label.rawValue) << RowFlags.labelShift
            if c.appreciative { flags |= RowFlags.appreciative }
            extra.weWords = UInt32(truncatingIfNeeded: c.weWords)
            extra.youWords = UInt32(truncatingIfNeeded: c.youWords)
        }
        if kind == .post && channel == .twitter && (body.count <= 280 || scalarCount(body) <= 280) {
            flags |= RowFlags.fitsTwitter
        }

        var keptText: Int32 = -1, thread: Int32 = -1, agent: Int32 = -1
        if r.inbound && !r.automated && kind.deservesAnswer {
            if let author = r.authorName {
                if let span = firstNameSpan(author) {
                    keptText = names.intern(UnsafeBufferPointer(rebasing: author[span]))
                } else {
                    keptText = -2
                }
            }
            thread = slots.thread
        } else if !r.inbound && !r.automated {
            if (r.parentID != nil || r.threadID != nil || kind == .message) && r.body != nil {
                keptText = bodies.append(body)
            }
            thread = slots.thread
            agent = slots.agent
        }

        let contact = slots.contact
        if contact >= 0 { noteContactChannel(Int(contact), UInt8(1) << channel.rawValue) }
        let row = StoredRow(
            id: r.id, parent: r.parentID ?? 0, created: r.createdAt,
            bodyPrefix: prefixKey(body), bodyRest: bodyFingerprint(body),
            contact: contact, account: account, keptText: keptText, thread: thread, agent: agent,
            weWords: UInt8(truncatingIfNeeded: min(extra.weWords, 255)),
            youWords: UInt8(truncatingIfNeeded: min(extra.youWords, 255)), bits: flags)

        if let existing = idTable.findOrInsert(r.id, row: Int32(rows.count), in: rows) {
            let old = rows[Int(existing)]
            if keptBefore(row, extra, old, self.extra(Int(existing), old)) {
                countAnomaly(old.account, Int(old.channel), old.created)
                needsAckRows &+= (row.needsAck ? 1 : 0) &- (old.needsAck ? 1 : 0)
                rows[Int(existing)] = row
                if row.hasExtra { setExtra(Int(existing), extra) }
            } else {
                countAnomaly(account, Int(channel.rawValue), row.created)
            }
        } else {
            if row.hasExtra { setExtra(rows.count, extra) }
            if row.needsAck { needsAckRows &+= 1 }
            rows.appendUnique(row)
        }
    }

    private func contactIndex(_ account: Int32, _ id: Int64) -> Int32 {
        let next = Int32(contactIDs.count)
        if let existing = contactTable.findOrInsert(PairKey(a: Int64(account), b: id), value: next) { return existing }
        contactIDs.append(id)
        contactAccounts.append(account)
        contactChannelMask.append(0)
        return next
    }

    @inline(__always) private func noteContactChannel(_ c: Int, _ bit: UInt8) {
        let m = contactChannelMask[c]
        if m & bit != 0 { return }
        if m != 0 && m & (m &- 1) == 0 { multiChannelContacts &+= 1 }
        contactChannelMask[c] = m | bit
    }

    private func setExtra(_ row: Int, _ extra: RowExtra) {
        let next = Int32(extras.count)
        if let existing = extraTable.findOrInsert(Int64(row), value: next) {
            extras[Int(existing)] = extra
        } else {
            extras.append(extra)
        }
    }

    /// The purchase value and word counts of row `i` (`r` is that row).
    @inline(__always)
    func extra(_ i: Int, _ r: StoredRow) -> RowExtra {
        if !r.hasExtra { return RowExtra(value: 0, weWords: UInt32(r.weWords), youWords: UInt32(r.youWords)) }
        return extraTable.find(Int64(i)).map { extras[Int($0)] } ?? RowExtra()
    }

    /// The contact_id of a row with a contact (0 without).
    @inline(__always)
    func contactID(_ r: StoredRow) -> Int64 { r.contact >= 0 ? contactIDs[Int(r.contact)] : 0 }

    private func threadIndex(_ account: Int32, _ id: Int64) -> Int32 {
        let next = Int32(threadIDs.count)
        if let existing = threadTable.findOrInsert(PairKey(a: Int64(account), b: id), value: next) { return existing }
        threadIDs.append(id)
        return next
    }

    private func agentIndex(_ account: Int32, _ id: Int64) -> Int32 {
        let next = Int32(agentIDs.count)
        if let existing = agentTable.findOrInsert(PairKey(a: Int64(account), b: id), value: next) { return existing }
        agentIDs.append(id)
        agentAccounts.append(account)
        return next
    }

    private func countAnomaly(_ account: Int32, _ channel: Int?, _ created: Int64) {
        ingestAnomalyEvents.append(AnomalyEvent(account: account, created: created))
        let base = Int(account) &* groupSlots
        ingestAnomalies[base] &+= 1
        if let channel { ingestAnomalies[base &+ 1 &+ channel] &+= 1 }
    }

    /// Which of two rows sharing an id is kept: the smallest (created_at,
    /// account_id), then the smallest body in the fingerprint order (first 8
    /// bytes as an unsigned big-endian number, zero-padded; then byte
    /// length, capped at 2^24 - 1; then the top 40 bits of `byteHash`; a
    /// null body is empty), then every other field (a value only counts on
    /// a purchase row), so that the choice never depends on arrival order.
    private func keptBefore(_ a: StoredRow, _ ax: RowExtra, _ b: StoredRow, _ bx: RowExtra) -> Bool {
        if a.created != b.created { return a.created < b.created }
        let aa = accountIDs[Int(a.account)], ba = accountIDs[Int(b.account)]
        if aa != ba { return aa < ba }
        if a.bodyPrefix != b.bodyPrefix { return a.bodyPrefix < b.bodyPrefix }
        if a.bodyRest != b.bodyRest { return a.bodyRest < b.bodyRest }
        if a.kind != b.kind { return a.kind < b.kind }
        if a.channel != b.channel { return a.channel < b.channel }
        let af = a.flags & RowFlags.inputMask, bf = b.flags & RowFlags.inputMask
        if af != bf { return af < bf }
        if contactID(a) != contactID(b) { return contactID(a) < contactID(b) }
        if a.parent != b.parent { return a.parent < b.parent }
        if ax.value != bx.value { return ax.value < bx.value }
        let at = a.thread < 0 ? Int64.min : threadIDs[Int(a.thread)], bt = b.thread < 0 ? Int64.min : threadIDs[Int(b.thread)]
        if (a.thread < 0) != (b.thread < 0) || at != bt { return (a.thread < 0 ? 0 : 1, at) < (b.thread < 0 ? 0 : 1, bt) }
        let ag = a.agent < 0 ? Int64.min : agentIDs[Int(a.agent)], bg = b.agent < 0 ? Int64.min : agentIDs[Int(b.agent)]
        if (a.agent < 0) != (b.agent < 0) || ag != bg { return (a.agent < 0 ? 0 : 1, ag) < (b.agent < 0 ? 0 : 1, bg) }
        if nameKey(a) != nameKey(b) { return nameKey(a).lexicographicallyPrecedes(nameKey(b)) }
        return a.needsAck && b.needsAck && a.firstName < b.firstName  // -2 (no first name) before -1 (no author_name)
    }

    /// Orders rows by their interned first name (none first); names are
    /// compared by their stored bytes.
    private func nameKey(_ r: StoredRow) -> [UInt8] {
        guard r.firstName >= 0 else { return [] }
        return names.arena.withEntry(r.firstName) { Array($0) }
    }

    /// Computes the results over all rows added so far. `shouldStop` is asked
    /// every 8,192 rows of each pass; when it says yes, finish throws
    /// `.cancelled` and the scorer keeps its rows (finish may run again).
    public func finish(shouldStop: @escaping () -> Bool = { false }) throws(GiveTakeError) -> ScoringResult {
        if let problem = config.validate() { throw GiveTakeError(.outOfRange, problem) }
        try checkMemory(rows: rows.count, textBytes: 0, finishing: true)
        var run = ScoringRun(scorer: self, shouldStop: shouldStop)
        guard let result = run.compute() else { throw GiveTakeError(.cancelled, "scoring was cancelled") }
        return result
    }

    /// `finish` for one part of accounts scored in parts (ScoreTotals.swift):
    /// the contact and turn rows, and `totals` in place of the account,
    /// agent and period rows. The host pins `as_of` (the same for every
    /// part) and gives each part whole contacts, threads and shared ids,
    /// and as references the rows of other parts its rows name as parents.
    public func finishPart(shouldStop: @escaping () -> Bool = { false }) throws(GiveTakeError) -> ScoringResult {
        if let problem = config.validate() { throw GiveTakeError(.outOfRange, problem) }
        try checkMemory(rows: rows.count, textBytes: 0, finishing: true)
        var run = ScoringRun(scorer: self, part: true, shouldStop: shouldStop)
        guard let result = run.compute() else { throw GiveTakeError(.cancelled, "scoring was cancelled") }
        return result
    }
}

/// The rest of the duplicate-order fingerprint after `prefixKey`: the byte
/// length (capped at 2^24 - 1) above the top 40 bits of `byteHash`.
@inline(__always)
func bodyFingerprint(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    UInt64(min(b.count, (1 << 24) &- 1)) << 40 | byteHash(b) >> 24
}

/// The first 8 bytes, big-endian and zero-padded, so integer order is
/// byte order.
@inline(__always)
func prefixKey(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var k: UInt64 = 0
    var i = 0
    while i < 8 {
        k = (k << 8) | (i < b.count ? UInt64(b[i]) : 0)
        i &+= 1
    }
    return k
}
