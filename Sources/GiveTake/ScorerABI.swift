// gt_scorer_*: thunks over GiveTakeCore.Scorer.
import CGiveTake
import GiveTakeCore

final class ScorerHandle {
    let lexicon: Lexicon
    var config = ScoringConfig()
    var scorer: Scorer?
    var error = ErrorMessage()
    var accounts = UnsafeMutableBufferPointer<gt_account_score>(start: nil, count: 0)
    var contacts = UnsafeMutableBufferPointer<gt_contact_score>(start: nil, count: 0)
    var finished = false
    var interrupt: gt_interrupt_fn? = nil
    var interruptContext: UnsafeMutableRawPointer? = nil
    var asOf: Int64 = 0
    var rowCount = 0

    init(lexicon: Lexicon) { self.lexicon = lexicon }

    deinit { dropResults() }

    func dropResults() {
        accounts.deallocate()
        contacts.deallocate()
        accounts = UnsafeMutableBufferPointer(start: nil, count: 0)
        contacts = UnsafeMutableBufferPointer(start: nil, count: 0)
        finished = false
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
    if h.scorer != nil {
        h.error.set(function + ": configuration must be set before the first gt_scorer_add")
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
    h.config = config
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_scorer_set_as_of(_ s: OpaquePointer?, _ asOf: Int64) -> Int32 {
    configure(s, "gt_scorer_set_as_of") { $0.asOf = asOf == Int64.min ? nil : asOf; return nil }
}

@c @implementation public func gt_scorer_set_sla(_ s: OpaquePointer?, _ channel: Int32, _ seconds: Double) -> Int32 {
    configure(s, "gt_scorer_set_sla") { config in
        if channel == GT_CHANNEL_ALL {
            for i in 0..<config.slaSeconds.count { config.slaSeconds[i] = seconds }
        } else if channel >= 0 && channel < GT_CHANNEL_COUNT {
            config.slaSeconds[Int(channel)] = seconds
        } else {
            return "unknown channel code " + String(channel)
        }
        return nil
    }
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

/// A gt_text as an optional buffer (NULL pointer = SQL NULL).
@inline(__always)
private func lift(_ t: gt_text) -> UnsafeBufferPointer<UInt8>? {
    guard let p = t.ptr else { return nil }
    return UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: t.len)
}

@inline(__always)
private func lift(_ r: gt_interaction) -> Interaction {
    Interaction(
        id: r.id, accountID: r.account_id,
        contactID: r.flags & UInt32(GT_ROW_HAS_CONTACT) != 0 ? r.contact_id : nil,
        parentID: r.flags & UInt32(GT_ROW_HAS_PARENT) != 0 ? r.parent_id : nil,
        channel: r.channel, kind: r.kind,
        inbound: r.flags & UInt32(GT_ROW_INBOUND) != 0,
        automated: r.flags & UInt32(GT_ROW_AUTOMATED) != 0,
        hasMedia: r.flags & UInt32(GT_ROW_HAS_MEDIA) != 0,
        createdAt: r.created_at, authorName: lift(r.author_name), body: lift(r.body), value: r.value)
}

@c @implementation public func gt_scorer_add(_ s: OpaquePointer?, _ rows: UnsafePointer<gt_interaction>?,
                                            _ n: Int) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    guard n >= 0, n == 0 || rows != nil else {
        h.error.set("gt_scorer_add: rows is NULL or n is negative")
        return GT_EINVAL
    }
    guard let rows else { return GT_OK }
    for i in 0..<n {
        let r = rows[i]
        let bad = !isReadable(r.body) ? textProblem(r.body.ptr, r.body.len, "body")
            : !isReadable(r.author_name) ? textProblem(r.author_name.ptr, r.author_name.len, "author_name") : nil
        if let bad {
            h.error.set("row " + String((h.scorer?.rowsAdded ?? 0) &+ i) + " (id " + String(r.id) + "): " + bad)
            return GT_EINVAL
        }
    }
    if h.scorer == nil {
        let scorer = Scorer(lexicon: h.lexicon)
        do { try scorer.configure(h.config) } catch { return h.fail(error) }
        h.scorer = scorer
    }
    h.dropResults()
    do {
        try h.scorer!.add(count: n) { lift(rows[$0]) }  // converted once into one buffer
    } catch {
        return h.fail(error)
    }
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_scorer_finish(_ s: OpaquePointer?) -> Int32 {
    guard let s else { return GT_EINVAL }
    let h = handle(s)
    if h.scorer == nil {
        let scorer = Scorer(lexicon: h.lexicon)
        do { try scorer.configure(h.config) } catch { return h.fail(error) }
        h.scorer = scorer
    }
    let result: ScoringResult
    do {
        if let fn = h.interrupt {
            let context = h.interruptContext
            result = try h.scorer!.finish(shouldStop: { fn(context) != 0 })
        } else {
            result = try h.scorer!.finish()
        }
    } catch {
        h.dropResults()
        return h.fail(error)
    }
    h.dropResults()
    h.accounts = .allocate(capacity: result.accounts.count)
    for (i, a) in result.accounts.enumerated() {
        h.accounts.baseAddress!.advanced(by: i).initialize(to: gt_account_score(
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
            give_attributed_leads: a.giveAttributedLeads, health: nan(a.health), anomalies: a.anomalies))
    }
    h.contacts = .allocate(capacity: result.contacts.count)
    for (i, c) in result.contacts.enumerated() {
        h.contacts.baseAddress!.advanced(by: i).initialize(to: gt_contact_score(
            account_id: c.accountID, contact_id: c.contactID, balance: c.balance, trust_score: c.trustScore,
            reserved: 0, acknowledged: c.acknowledged, unacknowledged: c.unacknowledged,
            last_interaction_at: c.lastInteractionAt))
    }
    h.asOf = result.asOf
    h.rowCount = result.rowCount
    h.finished = true
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
    guard let rows, let count, let s else { return GT_EINVAL }
    let h = handle(s)
    guard h.finished else { rows.pointee = nil; count.pointee = 0; return GT_ESTATE }
    rows.pointee = UnsafePointer(h.accounts.baseAddress)
    count.pointee = h.accounts.count
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
