// gt_scorer_*: thunks over GiveTakeCore.Scorer.
import CGiveTake
import GiveTakeCore

final class ScorerHandle {
    let lexicon: Lexicon
    var config = ScoringConfig()
    var scorer: Scorer?
    var error = ErrorMessage()
    var accounts = ReusedArray<gt_account_score>()
    var contacts = ReusedArray<gt_contact_score>()
    var agents = ReusedArray<gt_agent_score>()
    var periods = ReusedArray<gt_period_score>()
    /// Schedules set before the scorer exists (it is made at the first add).
    var schedules: [(Int64?, Channel?, Schedule)] = []
    /// Turns stay compact until gt_scorer_turns asks for them.
    var turnTable = TurnTable()
    var turns = ReusedArray<gt_turn_score>()
    var turnsMade = false
    /// The rows of the batch being added, as the scorer reads them.
    var lifted = ReusedArray<Interaction>()
    /// Account rows in an older (shorter) layout, made on request.
    var accountsPacked: (size: Int, bytes: UnsafeMutableRawBufferPointer)? = nil
    var finished = false
    var interrupt: gt_interrupt_fn? = nil
    var interruptContext: UnsafeMutableRawPointer? = nil
    var asOf: Int64 = 0
    var rowCount = 0
    /// gt_scorer_set_memory_limit, applied to every scorer this handle makes.
    var memoryLimit = 0
    /// The totals of the parts finished with gt_scorer_finish_part since the
    /// last gt_scorer_finish_parts (kept across gt_scorer_reset), and the
    /// latest as_of among them.
    var partTotals = ScoreTotals()
    var partsAsOf = Int64.min

    init(lexicon: Lexicon) { self.lexicon = lexicon }

    deinit {
        dropResults()
        accounts.release()
        contacts.release()
        agents.release()
        periods.release()
        turns.release()
        lifted.release()
    }

    /// Forgets the results; their arrays' memory stays for the next ones.
    func dropResults() {
        accounts.clear()
        contacts.clear()
        agents.clear()
        periods.clear()
        turns.clear()
        turnsMade = false
        accountsPacked?.bytes.deallocate()
        accountsPacked = nil
        turnTable = TurnTable()
        finished = false
    }

    /// The scorer, made with the configuration and schedules on first use.
    func makeScorer() throws(GiveTakeError) -> Scorer {
        if let scorer { return scorer }
        let made = Scorer(lexicon: lexicon)
        try made.configure(config)
        made.memoryLimit = memoryLimit
        for (account, channel, schedule) in schedules { made.setSchedule(schedule, account: account, channel: channel) }
        scorer = made
        return made
    }

    func fail(_ e: GiveTakeError) -> Int32 {
        error.set(e.message)
        return status(e.code)
    }
}

@inline(__always)
private func handle(_ s: OpaquePointer) -> ScorerHandle { object(s, as: ScorerHandle.self) }

@inline(__always)
private func nan(_ v: Double?) -> Double { v ?? .nan }

@c @implementation public func gt_scorer_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ lex: OpaquePointer?) -> Int32 {
    guard let out else { return GT_EINVAL }
    out.pointee = retainedHandle(ScorerHandle(lexicon: lexicon(lex)))
    return GT_OK
}

/// Applies a configuration change: only before the first row, and only when
/// the result passes ScoringConfig.validate (which names the bad value).
/// `change` returns a message for an argument outside its domain.
private func configure(_ s: OpaquePointer?, _ function: String,
                       _ change: (inout ScoringConfig) -> String?) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    if let scorer = h.scorer, scorer.rowsAdded > 0 || scorer.storedRows > 0 {
        h.error.set(function + ": configuration must be set before the first gt_scorer_add (or after gt_scorer_reset)")
        return GT_ESTATE
    }
    var config = h.config
    if let bad = change(&config) {
        h.error.set(function + ": " + bad)
        return GT_EINVAL
    }
    if let problem = config.validate() {
        h.error.set(function + ": " + problem)
        return GT_ERANGE
    }
    if let scorer = h.scorer {
        do { try scorer.configure(config) } catch { return h.fail(error) }
    }
    h.config = config
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_scorer_set_as_of(_ s: OpaquePointer?, _ asOf: Int64) -> Int32 {
    configure(s, "gt_scorer_set_as_of") { $0.asOf = asOf == Int64.min ? nil : asOf; return nil }
}

@c @implementation public func gt_scorer_set_sla(_ s: OpaquePointer?, _ channel: Int32, _ seconds: Double) -> Int32 {
    configure(s, "gt_scorer_set_sla") { setPerChannel(&$0.slaSeconds, channel, seconds) }
}

/// Sets one channel's entry of a per-channel setting, or every entry for
/// GT_CHANNEL_ALL; the error text for an unknown channel code.
private func setPerChannel<T>(_ values: inout [T], _ channel: Int32, _ value: T) -> String? {
    if channel == GT_CHANNEL_ALL {
        for i in 0..<values.count { values[i] = value }
    } else if channel >= 0 && channel < GT_CHANNEL_COUNT {
        values[Int(channel)] = value
    } else {
        return "unknown channel code " + String(channel)
    }
    return nil
}

@c @implementation public func gt_scorer_set_half_life(_ s: OpaquePointer?, _ seconds: Double) -> Int32 {
    configure(s, "gt_scorer_set_half_life") { $0.halfLifeSeconds = seconds; return nil }
}

@c @implementation public func gt_scorer_set_health_weight(_ s: OpaquePointer?, _ component: Int32,
                                                          _ weight: Double) -> Int32 {
    configure(s, "gt_scorer_set_health_weight") { config in
        guard component >= 0, component < GT_HEALTH_COUNT else { return "unknown component " + String(component) }
        config.healthWeights[Int(component)] = weight
        return nil
    }
}

@c @implementation public func gt_scorer_set_give_target(_ s: OpaquePointer?, _ target: Double) -> Int32 {
    configure(s, "gt_scorer_set_give_target") { $0.giveTarget = target; return nil }
}

@c @implementation public func gt_scorer_set_ack_unit(_ s: OpaquePointer?, _ unit: Int32) -> Int32 {
    configure(s, "gt_scorer_set_ack_unit") { config in
        switch unit {
        case GT_ACK_UNIT_TURN: config.ackUnit = .turn
        case GT_ACK_UNIT_ROW: config.ackUnit = .row
        default: return "unknown ack unit " + String(unit) + " (GT_ACK_UNIT_TURN or GT_ACK_UNIT_ROW)"
        }
        return nil
    }
}

@c @implementation public func gt_scorer_set_memory_limit(_ s: OpaquePointer?, _ bytes: Int) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    guard bytes >= 0 else {
        h.error.set("gt_scorer_set_memory_limit: " + String(UInt(bitPattern: bytes)) + " bytes is above SIZE_MAX / 2")
        return GT_EINVAL
    }
    h.memoryLimit = bytes
    h.scorer?.memoryLimit = bytes
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_scorer_set_sla_clock(_ s: OpaquePointer?, _ channel: Int32, _ clock: Int32) -> Int32 {
    configure(s, "gt_scorer_set_sla_clock") { config in
        guard clock == GT_SLA_CLOCK_CALENDAR || clock == GT_SLA_CLOCK_BUSINESS else {
            return "unknown clock " + String(clock) + " (GT_SLA_CLOCK_CALENDAR or GT_SLA_CLOCK_BUSINESS)"
        }
        return setPerChannel(&config.slaClock, channel, clock == GT_SLA_CLOCK_BUSINESS ? SLAClock.business : .calendar)
    }
}

@c @implementation public func gt_scorer_set_period(_ s: OpaquePointer?, _ period: Int32) -> Int32 {
    configure(s, "gt_scorer_set_period") { config in
        switch period {
        case GT_PERIOD_NONE: config.period = nil
        case GT_PERIOD_DAY: config.period = .day
        case GT_PERIOD_WEEK: config.period = .week
        case GT_PERIOD_MONTH: config.period = .month
        default: return "unknown period " + String(period) + " (GT_PERIOD_NONE, _DAY, _WEEK or _MONTH)"
        }
        return nil
    }
}

@c @implementation public func gt_scorer_set_schedule(_ s: OpaquePointer?, _ hasAccount: Int32, _ accountID: Int64,
                                                     _ channel: Int32, _ sched: OpaquePointer?) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    guard let sched else {
        h.schedules = []
        h.scorer?.removeSchedules()
        h.error.clear()
        return GT_OK
    }
    guard channel == GT_CHANNEL_ALL || (channel >= 0 && channel < GT_CHANNEL_COUNT) else {
        h.error.set("gt_scorer_set_schedule: unknown channel code " + String(channel))
        return GT_EINVAL
    }
    let account: Int64? = hasAccount != 0 ? accountID : nil
    let ch: Channel? = channel == GT_CHANNEL_ALL ? nil : Channel(rawValue: UInt8(channel))
    let schedule = scheduleHandle(sched).schedule
    h.schedules.removeAll { $0.0 == account && $0.1 == ch }
    h.schedules.append((account, ch, schedule))
    h.scorer?.setSchedule(schedule, account: account, channel: ch)
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_scorer_memory(_ s: OpaquePointer?) -> Int {
    guard let s, let scorer = handle(s).scorer else { return 0 }
    return scorer.plannedBytes(rows: scorer.storedRows, textBytes: 0, finishing: true)
}

@c @implementation public func gt_scorer_account_bytes() -> Int { Scorer.reportBytesPerAccount }

@c @implementation public func gt_scorer_periods(_ rows: UnsafeMutablePointer<UnsafePointer<gt_period_score>?>?,
                                                _ count: UnsafeMutablePointer<Int>?, _ s: OpaquePointer?) -> Int32 {
    guard let rows, let count, let s else { return GT_EINVAL }
    let h = handle(s)
    guard h.finished else { rows.pointee = nil; count.pointee = 0; return GT_ESTATE }
    rows.pointee = UnsafePointer(h.periods.baseAddress)
    count.pointee = h.periods.count
    return GT_OK
}

@c @implementation public func gt_turn_status_name(_ status: Int32) -> UnsafePointer<CChar>? {
    guard status >= 0, status <= 2, let s = TurnStatus(rawValue: UInt8(status)) else { return nil }
    return cString(s.name)
}

/// A gt_text as an optional buffer (NULL pointer = SQL NULL).
@inline(__always)
private func lift(_ t: gt_text) -> UnsafeBufferPointer<UInt8>? {
    guard let p = t.ptr else { return nil }
    return UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: t.len)
}

/// The largest batch whose converted rows are kept for the next batch.
let keptBatchRows = 65_536

/// Size of this library's gt_interaction and gt_account_score.
let interactionSize = MemoryLayout<gt_interaction>.stride
let accountScoreSize = MemoryLayout<gt_account_score>.stride
let interactionV1Size = Int(GT_INTERACTION_V1_SIZE)
let accountScoreV1Size = Int(GT_ACCOUNT_SCORE_V1_SIZE)
let threadEnd = MemoryLayout<gt_interaction>.offset(of: \gt_interaction.thread_id)! + 8
let agentEnd = MemoryLayout<gt_interaction>.offset(of: \gt_interaction.agent_id)! + 8

/// The i-th row of a caller's array of `rowSize`-byte rows: the fields the
/// caller's layout lacks are zero (so their flag bits are ignored).
@inline(__always)
private func row(_ base: UnsafeRawPointer, _ i: Int, _ rowSize: Int) -> gt_interaction {
    let p = base + i &* rowSize
    if rowSize >= interactionSize { return p.loadUnaligned(as: gt_interaction.self) }
    var r = gt_interaction()
    withUnsafeMutableBytes(of: &r) { $0.copyMemory(from: UnsafeRawBufferPointer(start: p, count: rowSize)) }
    return r
}

/// `readsThread`, `readsAgent`: the caller's rows hold the field (it lies
/// wholly within the row size).
@inline(__always)
private func lift(_ r: gt_interaction, readsThread: Bool, readsAgent: Bool) -> Interaction {
    let hasThread = readsThread && r.flags & UInt32(GT_ROW_HAS_THREAD) != 0
    let hasAgent = readsAgent && r.flags & UInt32(GT_ROW_HAS_AGENT) != 0
    return Interaction(
        id: r.id, accountID: r.account_id,
        contactID: r.flags & UInt32(GT_ROW_HAS_CONTACT) != 0 ? r.contact_id : nil,
        parentID: r.flags & UInt32(GT_ROW_HAS_PARENT) != 0 ? r.parent_id : nil,
        channel: r.channel, kind: r.kind,
        inbound: r.flags & UInt32(GT_ROW_INBOUND) != 0,
        automated: r.flags & UInt32(GT_ROW_AUTOMATED) != 0,
        hasMedia: r.flags & UInt32(GT_ROW_HAS_MEDIA) != 0,
        createdAt: r.created_at, authorName: lift(r.author_name), body: lift(r.body), value: r.value,
        threadID: hasThread ? r.thread_id : nil, agentID: hasAgent ? r.agent_id : nil)
}

@c @implementation public func gt_scorer_add(_ s: OpaquePointer?, _ rows: UnsafePointer<gt_interaction>?,
                                            _ n: Int) -> Int32 {
    addRows(s, rows.map(UnsafeRawPointer.init), n, interactionV1Size, "gt_scorer_add")
}

@c @implementation public func gt_scorer_add_rows(_ s: OpaquePointer?, _ rows: UnsafePointer<gt_interaction>?,
                                                 _ n: Int, _ rowSize: Int) -> Int32 {
    addRows(s, rows.map(UnsafeRawPointer.init), n, rowSize, "gt_scorer_add_rows")
}

@c @implementation public func gt_scorer_add_references(_ s: OpaquePointer?, _ rows: UnsafePointer<gt_interaction>?,
                                                       _ n: Int, _ rowSize: Int) -> Int32 {
    addRows(s, rows.map(UnsafeRawPointer.init), n, rowSize, "gt_scorer_add_references", references: true)
}

private func addRows(_ s: OpaquePointer?, _ rows: UnsafeRawPointer?, _ n: Int, _ rowSize: Int,
                     _ function: String, references: Bool = false) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    guard n >= 0, n == 0 || rows != nil else {
        h.error.set(function + ": rows is NULL or n is negative")
        return GT_EINVAL
    }
    guard rowSize >= interactionV1Size, rowSize % 8 == 0 else {
        h.error.set(function + ": row_size " + String(rowSize) + " is not a gt_interaction size (a multiple of 8, at least "
                    + String(interactionV1Size) + ")")
        return GT_EINVAL
    }
    guard let rows else { return GT_OK }
    // Each caller row is read once: checked and converted into one buffer
    // that the scorer reads in place. The buffer is kept for the next
    // batch unless this one was large (it would stay through the finish).
    defer { if n > keptBatchRows { h.lifted.release() } }
    let lifted = h.lifted.resize(n)  // Interaction is trivial: no deinitialize; nil only for n == 0
    let readsThread = rowSize >= threadEnd, readsAgent = rowSize >= agentEnd  // globals read once, not per row
    for i in 0..<n {
        let r = row(rows, i, rowSize)
        let bad = !isReadable(r.body) ? textProblem(r.body.ptr, r.body.len, "body")
            : !isReadable(r.author_name) ? textProblem(r.author_name.ptr, r.author_name.len, "author_name") : nil
        if let bad {
            // numbered as the engine numbers them (Scorer.add, addReferences)
            let place = references ? "reference row " + String(i) : "row " + String((h.scorer?.rowsAdded ?? 0) &+ i)
            h.error.set(place + " (id " + String(r.id) + "): " + bad)
            return GT_EINVAL
        }
        (lifted! + i).initialize(to: lift(r, readsThread: readsThread, readsAgent: readsAgent))
    }
    do { _ = try h.makeScorer() } catch { return h.fail(error) }
    h.dropResults()
    do {
        let batch = UnsafeBufferPointer(start: lifted, count: n)
        if n > 0 { try references ? h.scorer!.addReferences(batch) : h.scorer!.add(batch) }
    } catch {
        return h.fail(error)
    }
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_scorer_finish(_ s: OpaquePointer?) -> Int32 {
    finish(s, part: false)
}

@c @implementation public func gt_scorer_finish_part(_ s: OpaquePointer?) -> Int32 {
    finish(s, part: true)
}

@c @implementation public func gt_scorer_finish_parts(_ s: OpaquePointer?) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    guard h.partsAsOf != .min else {
        h.error.set("gt_scorer_finish_parts: no part was finished (gt_scorer_finish_part)")
        return GT_ESTATE
    }
    let result = h.partTotals.result(h.config, asOf: h.config.asOf ?? h.partsAsOf)
    h.partTotals = ScoreTotals()
    h.partsAsOf = .min
    h.dropResults()
    publish(h, result)
    return GT_OK
}

private func finish(_ s: OpaquePointer?, part: Bool) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    do { _ = try h.makeScorer() } catch { return h.fail(error) }
    var result: ScoringResult
    do {
        let stop: () -> Bool
        if let fn = h.interrupt {
            let context = h.interruptContext
            stop = { fn(context) != 0 }
        } else {
            stop = { false }
        }
        result = part ? try h.scorer!.finishPart(shouldStop: stop) : try h.scorer!.finish(shouldStop: stop)
    } catch {
        h.dropResults()
        return h.fail(error)
    }
    h.dropResults()
    if let totals = result.totals {
        h.partTotals.merge(totals)
        h.partsAsOf = max(h.partsAsOf, result.asOf)
        result.totals = nil
    }
    publish(h, result)
    return GT_OK
}

/// Makes `result` the handle's results (in the C layouts).
private func publish(_ h: ScorerHandle, _ result: ScoringResult) {
    let accountsOut = h.accounts.resize(result.accounts.count)
    for (i, a) in result.accounts.enumerated() {
        accountsOut!.advanced(by: i).initialize(to: gt_account_score(
            account_id: a.accountID, channel: a.channel.map { Int32($0.rawValue) } ?? GT_CHANNEL_ALL, reserved: 0,
            needs_ack: a.needsAck, pending: a.pending, acknowledged: a.acknowledged,
            ack_rate: nan(a.ackRate), personal_rate: nan(a.personalRate),
            appreciative_rate: nan(a.appreciativeRate), sla_rate: nan(a.slaRate),
            median_ack_s: nan(a.medianAckSeconds), p90_ack_s: nan(a.p90AckSeconds),
            give_posts: a.givePosts, take_posts: a.takePosts, neutral_posts: a.neutralPosts,
            give_ratio: nan(a.giveRatio), me_index: nan(a.meIndex), reply_share: nan(a.replyShare),
            channel_fit: nan(a.channelFit), contacts: a.contacts, mean_trust: nan(a.meanTrust),
            conv_rate_ack: nan(a.convRateAck), conv_rate_ignored: nan(a.convRateIgnored),
            conversion_lift: nan(a.conversionLift), value_per_ack_contact: nan(a.valuePerAckContact),
            give_attributed_leads: a.giveAttributedLeads, health: nan(a.health), anomalies: a.anomalies,
            median_ack_business_s: nan(a.medianAckBusinessSeconds), p90_ack_business_s: nan(a.p90AckBusinessSeconds)))
    }
    let agentsOut = h.agents.resize(result.agents.count)
    for (i, a) in result.agents.enumerated() {
        agentsOut!.advanced(by: i).initialize(to: gt_agent_score(
            account_id: a.accountID, agent_id: a.agentID ?? 0, has_agent: a.agentID == nil ? 0 : 1, reserved: 0,
            acknowledged: a.acknowledged, median_ack_s: nan(a.medianAckSeconds), p90_ack_s: nan(a.p90AckSeconds),
            median_ack_business_s: nan(a.medianAckBusinessSeconds),
            p90_ack_business_s: nan(a.p90AckBusinessSeconds), personal_rate: nan(a.personalRate),
            appreciative_rate: nan(a.appreciativeRate), sla_rate: nan(a.slaRate), give_posts: a.givePosts,
            take_posts: a.takePosts, give_ratio: nan(a.giveRatio), me_index: nan(a.meIndex)))
    }
    h.turnTable = result.turns
    let periodsOut = h.periods.resize(result.periods.count)
    for (i, p) in result.periods.enumerated() {
        let a = p.score
        periodsOut!.advanced(by: i).initialize(to: gt_period_score(
            account_id: a.accountID, period_start: p.periodStart,
            needs_ack: a.needsAck, pending: a.pending, acknowledged: a.acknowledged,
            ack_rate: nan(a.ackRate), personal_rate: nan(a.personalRate),
            appreciative_rate: nan(a.appreciativeRate), sla_rate: nan(a.slaRate),
            median_ack_s: nan(a.medianAckSeconds), p90_ack_s: nan(a.p90AckSeconds),
            median_ack_business_s: nan(a.medianAckBusinessSeconds), p90_ack_business_s: nan(a.p90AckBusinessSeconds),
            give_posts: a.givePosts, take_posts: a.takePosts, neutral_posts: a.neutralPosts,
            give_ratio: nan(a.giveRatio), me_index: nan(a.meIndex), reply_share: nan(a.replyShare),
            channel_fit: nan(a.channelFit), conv_rate_ack: nan(a.convRateAck),
            conv_rate_ignored: nan(a.convRateIgnored), conversion_lift: nan(a.conversionLift),
            value_per_ack_contact: nan(a.valuePerAckContact), give_attributed_leads: a.giveAttributedLeads,
            health: nan(a.health), anomalies: a.anomalies))
    }
    let contactsOut = h.contacts.resize(result.contacts.count)
    for (i, c) in result.contacts.enumerated() {
        contactsOut!.advanced(by: i).initialize(to: gt_contact_score(
            account_id: c.accountID, contact_id: c.contactID, balance: c.balance, trust_score: c.trustScore,
            reserved: 0, acknowledged: c.acknowledged, unacknowledged: c.unacknowledged,
            last_interaction_at: c.lastInteractionAt))
    }
    h.asOf = result.asOf
    h.rowCount = result.rowCount
    h.finished = true
    h.error.clear()
}

@c @implementation public func gt_scorer_reset(_ s: OpaquePointer?) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    h.dropResults()
    h.scorer?.reset()
    h.asOf = 0
    h.rowCount = 0
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_scorer_set_interrupt(_ s: OpaquePointer?, _ fn: gt_interrupt_fn?,
                                                      _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    h.interrupt = fn
    h.interruptContext = context
    return GT_OK
}

@c @implementation public func gt_scorer_accounts(_ rows: UnsafeMutablePointer<UnsafePointer<gt_account_score>?>?,
                                                 _ count: UnsafeMutablePointer<Int>?, _ s: OpaquePointer?) -> Int32 {
    accountRows(rows, count, accountScoreV1Size, s)
}

@c @implementation public func gt_scorer_account_rows(
    _ rows: UnsafeMutablePointer<UnsafePointer<gt_account_score>?>?, _ count: UnsafeMutablePointer<Int>?,
    _ rowSize: Int, _ s: OpaquePointer?
) -> Int32 {
    accountRows(rows, count, rowSize, s)
}

/// The account rows with `rowSize` bytes between rows: this library's
/// array itself, or a packed copy of each row's first `rowSize` bytes.
private func accountRows(_ rows: UnsafeMutablePointer<UnsafePointer<gt_account_score>?>?,
                         _ count: UnsafeMutablePointer<Int>?, _ rowSize: Int, _ s: OpaquePointer?) -> Int32 {
    guard let rows, let count, let s else { return GT_EINVAL }
    let h = handle(s)
    guard rowSize >= accountScoreV1Size, rowSize <= accountScoreSize, rowSize % 8 == 0 else {
        h.error.set("gt_scorer_account_rows: row_size " + String(rowSize) + " is not a gt_account_score size ("
                    + String(accountScoreV1Size) + ".." + String(accountScoreSize) + ", a multiple of 8)")
        return GT_EINVAL
    }
    guard h.finished else { rows.pointee = nil; count.pointee = 0; return GT_ESTATE }
    count.pointee = h.accounts.count
    if rowSize == accountScoreSize || h.accounts.isEmpty {
        rows.pointee = UnsafePointer(h.accounts.baseAddress)
        return GT_OK
    }
    if h.accountsPacked?.size != rowSize {
        h.accountsPacked?.bytes.deallocate()
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: rowSize &* h.accounts.count, alignment: 8)
        let source = UnsafeRawPointer(h.accounts.baseAddress!)
        for i in 0..<h.accounts.count {
            (bytes.baseAddress! + i &* rowSize).copyMemory(from: source + i &* accountScoreSize, byteCount: rowSize)
        }
        h.accountsPacked = (rowSize, bytes)
    }
    rows.pointee = UnsafePointer(h.accountsPacked!.bytes.baseAddress!.assumingMemoryBound(to: gt_account_score.self))
    return GT_OK
}

@c @implementation public func gt_scorer_agents(_ rows: UnsafeMutablePointer<UnsafePointer<gt_agent_score>?>?,
                                               _ count: UnsafeMutablePointer<Int>?, _ s: OpaquePointer?) -> Int32 {
    guard let rows, let count, let s else { return GT_EINVAL }
    let h = handle(s)
    guard h.finished else { rows.pointee = nil; count.pointee = 0; return GT_ESTATE }
    rows.pointee = UnsafePointer(h.agents.baseAddress)
    count.pointee = h.agents.count
    return GT_OK
}

@c @implementation public func gt_scorer_turns(_ rows: UnsafeMutablePointer<UnsafePointer<gt_turn_score>?>?,
                                              _ count: UnsafeMutablePointer<Int>?, _ s: OpaquePointer?) -> Int32 {
    guard let rows, let count, let s else { return GT_EINVAL }
    let h = handle(s)
    guard h.finished else { rows.pointee = nil; count.pointee = 0; return GT_ESTATE }
    if !h.turnsMade {
        // Materialised one at a time straight into the C array.
        let all = h.turnTable.ordered()
        let out = h.turns.resize(all.count)
        for (i, t) in all.enumerated() {
            var flags: UInt32 = 0
            if t.threadID != nil { flags |= UInt32(GT_TURN_HAS_THREAD) }
            if t.contactID != nil { flags |= UInt32(GT_TURN_HAS_CONTACT) }
            if t.agentID != nil { flags |= UInt32(GT_TURN_HAS_AGENT) }
            out!.advanced(by: i).initialize(to: gt_turn_score(
                account_id: t.accountID, turn_id: t.turnID, thread_id: t.threadID ?? 0, contact_id: t.contactID ?? 0,
                started_at: t.startedAt, due_at: t.dueAt, inbound_rows: t.inboundRows,
                first_ack_id: t.firstAckID ?? 0, agent_id: t.agentID ?? 0,
                time_to_ack_s: nan(t.timeToAckSeconds), business_time_to_ack_s: nan(t.businessTimeToAckSeconds),
                channel: Int32(t.channel.rawValue), status: Int32(t.status.rawValue),
                personal: t.personal.map { $0 ? 1 : 0 } ?? -1, appreciative: t.appreciative.map { $0 ? 1 : 0 } ?? -1,
                within_sla: t.withinSLA.map { $0 ? 1 : 0 } ?? -1, flags: flags))
        }
        h.turnsMade = true
    }
    rows.pointee = UnsafePointer(h.turns.baseAddress)
    count.pointee = h.turns.count
    return GT_OK
}

@c @implementation public func gt_scorer_contacts(_ rows: UnsafeMutablePointer<UnsafePointer<gt_contact_score>?>?,
                                                 _ count: UnsafeMutablePointer<Int>?, _ s: OpaquePointer?) -> Int32 {
    guard let rows, let count, let s else { return GT_EINVAL }
    let h = handle(s)
    guard h.finished else { rows.pointee = nil; count.pointee = 0; return GT_ESTATE }
    rows.pointee = UnsafePointer(h.contacts.baseAddress)
    count.pointee = h.contacts.count
    return GT_OK
}

@c @implementation public func gt_scorer_as_of(_ asOf: UnsafeMutablePointer<Int64>?, _ s: OpaquePointer?) -> Int32 {
    guard let asOf, let s else { return GT_EINVAL }
    let h = handle(s)
    guard h.finished else { return GT_ESTATE }
    asOf.pointee = h.asOf
    return GT_OK
}

@c @implementation public func gt_scorer_row_count(_ rows: UnsafeMutablePointer<Int>?, _ s: OpaquePointer?) -> Int32 {
    guard let rows, let s else { return GT_EINVAL }
    let h = handle(s)
    guard h.finished else { return GT_ESTATE }
    rows.pointee = h.rowCount
    return GT_OK
}

@c @implementation public func gt_scorer_errmsg(_ s: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let s else { return cString("no scorer (NULL handle)") }
    return handle(s).error.pointer()
}

@c @implementation public func gt_scorer_free(_ s: OpaquePointer?) {
    guard let s else { return }
    Unmanaged<ScorerHandle>.fromOpaque(UnsafeRawPointer(s)).release()
}
