// One `finish`: resolves parents, forms turns with their first
// acknowledgements, and accumulates every metric per group (account x all
// channels, account x channel), per agent and per (account, contact). All
// sums are integers or fixed point, so results never depend on row order.

/// Per-group counters (see groupSlots for the group layout).
struct GroupCounters {
    var rows: Int64 = 0
    var needsAck: Int64 = 0, pending: Int64 = 0, acknowledged: Int64 = 0
    var personal: Int64 = 0, appreciative: Int64 = 0, withinSLA: Int64 = 0
    var givePosts: Int64 = 0, takePosts: Int64 = 0, neutralPosts: Int64 = 0
    var weWords: Int64 = 0, youWords: Int64 = 0
    var replies: Int64 = 0, conversational: Int64 = 0
    var posts: Int64 = 0, fittingPosts: Int64 = 0
    var contacts: Int64 = 0, trustSum: Int64 = 0, trusted: Int64 = 0
    var treatedWell: Int64 = 0, treatedWellConverted: Int64 = 0
    var ignored: Int64 = 0, ignoredConverted: Int64 = 0
    var treatedWellValue: Int128 = 0  // money fixed point, see fixedPoint
    var attributedLeads: Int64 = 0
    var anomalies: Int64 = 0
}

/// Per (account, agent) counters; the agent slots of `Scorer.agentIDs`,
/// then one slot per account for its rows without an agent_id.
struct AgentCounters {
    var present = false
    var acknowledged: Int64 = 0, personal: Int64 = 0, appreciative: Int64 = 0, withinSLA: Int64 = 0
    var givePosts: Int64 = 0, takePosts: Int64 = 0
    var weWords: Int64 = 0, youWords: Int64 = 0
}

/// Per (account, contact) state. Channel bit masks use 1 << Channel.rawValue.
struct ContactState {
    // Widest fields first, so the struct has no padding (80 bytes).
    var balance: Int128 = 0          // fixed point, see fixedPoint
    var contactID: Int64
    var acknowledged: Int64 = 0, unacknowledged: Int64 = 0
    var firstNeedsAck: Int64 = .max
    var lastConversion: Int64 = .min
    var account: Int32
    /// Its `ContactChannels` slot when its rows span channels, else -1:
    /// with one channel the per-channel values are the totals above.
    var channels: Int32 = -1
    var eventChannels: UInt8 = 0     // channels with trust events
    var hasEvent = false
    var ackedChannels: UInt8 = 0, unackedChannels: UInt8 = 0

    init(account: Int32, contactID: Int64) {
        self.account = account
        self.contactID = contactID
    }
}

/// Per-channel trust balances and first needs-ack times of a contact whose
/// rows span more than one channel (128 bytes; most contacts have one).
struct ContactChannels {
    var balance: (Int128, Int128, Int128, Int128, Int128) = (0, 0, 0, 0, 0)
    var firstNeedsAck: (Int64, Int64, Int64, Int64, Int64) = (.max, .max, .max, .max, .max)
}

/// Trust events and money are summed in fixed point (2^-32) in 128 bits:
/// each value is rounded once, so a sum is exact and independent of row
/// order. A value beyond ±2^60 saturates there (a trust event more than 60
/// half-lives after as_of, or such a sum of money); 2^31 of them cannot
/// overflow a sum.
let fixedOne = 4_294_967_296.0

@inline(__always)
func fixedPoint(_ x: Double) -> Int128 {
    let limit = 1_152_921_504_606_846_976.0  // 2^60
    let v = roundHalfAway(max(-limit, min(limit, x)) * fixedOne)
    return Int128(v)
}

struct TimeToAck {
    var group: Int32
    var micros: Int64
}

/// The times of one acknowledged turn, with the groups they count in.
struct AckTime {
    var micros: Int64
    var business: Int64
    /// `group(account, 0)`; its channel group follows at `1 + channel`.
    var accountGroup: Int32
    var agent: Int32
    var channel: UInt8
}

struct ScoringRun {
    let scorer: Scorer
    let config: ScoringConfig
    var groups: [GroupCounters]
    /// Per contact slot of the scorer (a slot whose rows were all dropped
    /// as duplicates has no channel bit and is not reported).
    var contacts: [ContactState] = []
    var contactChannelStates: [ContactChannels] = []
    /// Per contact slot, kept apart from `contacts` so that the first pass
    /// touches 9 bytes a contact, not a whole state: the channels it has
    /// rows on (0: no rows, not reported) and its latest created_at.
    var contactChannels: [UInt8] = []
    var contactLast: [Int64] = []
    /// Per row: its parent's row index; -1 none (or a parent_id naming no
    /// row); `referenceParent(k)` (below -1) for reference k.
    var parentOf: [Int32]
    /// Earliest direct reply per needs-ack row (-1 none).
    var directAck: [Int32]
    var turns: [TurnRecord] = []
    var agents: [AgentCounters]
    /// Times to acknowledge, one per acknowledged turn.
    var ackTimes: [AckTime] = []
    /// Needs-ack rows (at most one turn each).
    var needsAckRows = 0
    /// Schedule per (account, channel) slot `account * channels + channel`
    /// (-1: always open, business time = calendar time).
    var scheduleOf: [Int32] = []
    /// Open timelines by schedule index (nil: not used or always open);
    /// empty when no turn has a schedule (business time = calendar time).
    var timelines: [OpenTimeline?] = []
    /// Attributed lead rows (kept for periods).
    var attributedLeadRows: [Int32] = []
    var asOf: Int64 = 0
    var slaMicros: [Int64] = []
    let shouldStop: () -> Bool
    var stopped = false
    /// Set when scoring a part of an account (`Scorer.finishPart`): the
    /// account, agent and period counts go here instead of into rows.
    var totals: ScoreTotals?

    init(scorer: Scorer, part: Bool = false, shouldStop: @escaping () -> Bool) {
        self.scorer = scorer
        if part { totals = ScoreTotals() }
        self.shouldStop = shouldStop
        self.config = scorer.config
        let n = scorer.rows.count
        groups = [GroupCounters](repeating: GroupCounters(), count: scorer.accountIDs.count &* groupSlots)
        contacts.reserveCapacity(scorer.contactIDs.count)
        contactChannelStates.reserveCapacity(scorer.multiChannelContacts)
        for c in 0..<scorer.contactIDs.count {
            var state = ContactState(account: scorer.contactAccounts[c], contactID: scorer.contactIDs[c])
            let mask = scorer.contactChannelMask[c]
            if mask & (mask &- 1) != 0 {
                state.channels = Int32(contactChannelStates.count)
                contactChannelStates.append(ContactChannels())
            }
            contacts.append(state)
        }
        contactChannels = [UInt8](repeating: 0, count: scorer.contactIDs.count)
        contactLast = [Int64](repeating: .min, count: scorer.contactIDs.count)
        parentOf = [Int32](repeating: -1, count: n)
        directAck = [Int32](repeating: -1, count: n)
        agents = [AgentCounters](repeating: AgentCounters(),
                                 count: scorer.agentIDs.count &+ scorer.accountIDs.count)
    }

    /// Agent slot of an outbound row (its agent_id, else its account's
    /// null-agent slot).
    @inline(__always) func agentSlot(_ r: StoredRow) -> Int {
        r.agent >= 0 ? Int(r.agent) : scorer.agentIDs.count &+ Int(r.account)
    }

    @inline(__always) func group(_ account: Int32, _ slot: Int) -> Int { Int(account) &* groupSlots &+ slot }

    /// Applies `body` to the all-channels group and the channel group.
    @inline(__always)
    mutating func both(_ account: Int32, _ channel: UInt8, _ body: (inout GroupCounters) -> Void) {
        body(&groups[group(account, 0)])
        body(&groups[group(account, 1 &+ Int(channel))])
    }

    /// Asks `shouldStop` every 8,192 iterations of a pass; true once it has
    /// said yes, and the pass then returns early.
    @inline(__always)
    mutating func interrupted(_ i: Int) -> Bool {
        if i & 0x1FFF == 0 && !stopped && shouldStop() { stopped = true }
        return stopped
    }

    /// The results, or nil when `shouldStop` stopped the run.
    mutating func compute() -> ScoringResult? {
        let rows = scorer.rows
        if let a = config.asOf {
            asOf = a
        } else {
            var latest = Int64.min
            for i in 0..<rows.count { latest = max(latest, rows[i].created) }
            asOf = rows.isEmpty ? 0 : latest
        }
        slaMicros = config.slaSeconds.map { Int64(($0 * 1e6).rounded()) }
        for (i, a) in scorer.ingestAnomalies.enumerated() { groups[i].anomalies = a }

        resolveParentsAndContacts(rows)
        if !stopped { findDirectAcknowledgements(rows) }
        if !stopped { formTurns(rows) }
        directAck = []
        if !stopped { orderTurnsByStart(rows.count) }
        if !stopped { prepareTimelines(rows) }
        if !stopped { scoreTurns(rows) }
        if !stopped { scoreOutbound(rows) }
        if !stopped { scoreConversions(rows) }
        if !stopped { scoreAttributedLeads(rows) }
        if stopped { return nil }
        var periodRows: [PeriodScore] = []
        if let period = config.period {
            periodRows = scorePeriods(rows, period)
            if stopped { return nil }
        }
        var result = report(rows)
        if result.totals == nil { result.periods = periodRows }
        return result
    }

    // MARK: Parents and contacts

    private mutating func resolveParentsAndContacts(_ rows: RowStore) {
        // Rows per group in a compact array (8 bytes a group, not a whole
        // GroupCounters), folded in at the end.
        var groupRows = [Int64](repeating: 0, count: groups.count)
        defer { for g in 0..<groups.count { groups[g].rows &+= groupRows[g] } }
        for i in 0..<rows.count {
            if interrupted(i) { return }
            let r = rows[i]
            groupRows[group(r.account, 0)] &+= 1
            groupRows[group(r.account, 1 &+ Int(r.channel))] &+= 1
            if r.needsAck { needsAckRows &+= 1 }
            if r.has(RowFlags.hasParent) {
                if r.parent == r.id {
                    both(r.account, r.channel) { $0.anomalies &+= 1 }
                } else if let p = scorer.idTable.find(r.parent, in: rows) {
                    parentOf[i] = p
                } else if let k = scorer.referenceTable.find(r.parent) {
                    parentOf[i] = referenceParent(k)
                } else {
                    both(r.account, r.channel) { $0.anomalies &+= 1 }
                }
            }
            let slot = r.contact
            if slot >= 0 {
                let c = Int(slot)
                if contactChannels[c] == 0 { groups[group(r.account, 0)].contacts &+= 1 }
                let bit: UInt8 = 1 << r.channel
                if contactChannels[c] & bit == 0 {
                    contactChannels[c] |= bit
                    groups[group(r.account, 1 &+ Int(r.channel))].contacts &+= 1
                }
                if r.created > contactLast[c] { contactLast[c] = r.created }
            }
        }
    }

    // MARK: Acknowledgements

    @inline(__always)
    private func decay(_ t: Int64) -> Double {
        let ageSeconds = Double(asOf &- t) / 1e6
        return exp2(-ageSeconds / config.halfLifeSeconds)
    }

    /// A contact's trust balance on one channel: its total when all its
    /// rows are on one channel.
    @inline(__always) func channelBalance(_ c: ContactState, _ ch: Int) -> Int128 {
        c.channels >= 0 ? channelValue(contactChannelStates[Int(c.channels)].balance, ch) : c.balance
    }

    /// A contact's first needs-ack time on one channel, likewise.
    @inline(__always) func channelFirstNeedsAck(_ c: ContactState, _ ch: Int) -> Int64 {
        c.channels >= 0 ? channelValue(contactChannelStates[Int(c.channels)].firstNeedsAck, ch) : c.firstNeedsAck
    }

    private mutating func addTrust(_ slot: Int32, _ channel: UInt8, _ amount: Double) {
        let f = fixedPoint(amount)
        let c = Int(channel)
        contacts[Int(slot)].balance &+= f
        let k = contacts[Int(slot)].channels
        if k >= 0 { withChannel(&contactChannelStates[Int(k)].balance, c) { $0 &+= f } }
        contacts[Int(slot)].hasEvent = true
        contacts[Int(slot)].eventChannels |= 1 << channel
    }

    private mutating func scoreTurns(_ rows: RowStore) {
        ackTimes.reserveCapacity(turns.count)
        let channels = Channel.allCases.count
        var weights = DecayBlock()
        for t in 0..<turns.count {
            if interrupted(t) { return }
            if t & (decayBlockRows &- 1) == 0 {
                weights.fill(count: min(decayBlockRows, turns.count &- t)) { k in
                    let r = rows[Int(turns[t &+ k].start)]
                    return r.contact >= 0 ? decay(r.created) : 0
                }
            }
            let turn = turns[t]
            let r = rows[Int(turn.start)]
            let slot = r.contact
            let weight = weights[t & (decayBlockRows &- 1)]
            let c = Int(r.channel)
            let ack = Int(turn.firstAck)
            let line = Int(scheduleOf[Int(r.account) &* channels &+ c])
            let timeline = line >= 0 ? timelines[line] : nil
            let business = config.slaClock[c] == .business && timeline != nil
            let target = slaMicros[c]
            let openBefore = timeline?.cumulative(r.created) ?? 0
            let due: Int64
            if business, let timeline {
                due = timeline.due(afterOpenTime: openBefore, target: target)
            } else {
                let (sum, o) = r.created.addingReportingOverflow(target)
                due = o || sum > timeMax ? timeMax : sum
            }
            turns[t].due = due
            if ack < 0 {
                if asOf < due {
                    turns[t].status = .pending
                    both(r.account, r.channel) { $0.pending &+= 1 }
                    continue
                }
                turns[t].status = .unacknowledged
                both(r.account, r.channel) { $0.needsAck &+= 1 }
                if slot >= 0 {
                    addTrust(slot, r.channel, -weight)
                    contacts[Int(slot)].unacknowledged &+= 1
                    contacts[Int(slot)].unackedChannels |= 1 << r.channel
                    noteFirstNeedsAck(slot, r)
                }
                continue
            }
            let o = rows[ack]
            var micros = o.created &- r.created
            var skewed = false
            if micros < 0 {
                micros = 0
                skewed = true
                both(r.account, r.channel) { $0.anomalies &+= 1 }
            }
            var businessMicros = micros
            if let timeline {
                businessMicros = o.created <= r.created ? 0 : timeline.openTime(upTo: o.created) &- openBefore
            }
            var personal = false
            if turn.name >= 0 && o.bodyRef >= 0 {
                personal = scorer.bodies.withEntry(o.bodyRef) { body in
                    scorer.names.arena.withEntry(turn.name) { name in containsWord(body, name) }
                }
            }
            let appreciative = o.has(RowFlags.appreciative)
            let within = (business ? businessMicros : micros) <= target
            turns[t].status = .acknowledged
            turns[t].businessMicros = businessMicros
            turns[t].marks = (personal ? TurnRecord.personal : 0) | (appreciative ? TurnRecord.appreciative : 0)
                | (within ? TurnRecord.withinSLA : 0) | (skewed ? TurnRecord.skewed : 0)
            both(r.account, r.channel) {
                $0.needsAck &+= 1
                $0.acknowledged &+= 1
                if personal { $0.personal &+= 1 }
                if appreciative { $0.appreciative &+= 1 }
                if within { $0.withinSLA &+= 1 }
            }
            let a = agentSlot(o)
            agents[a].acknowledged &+= 1
            if personal { agents[a].personal &+= 1 }
            if appreciative { agents[a].appreciative &+= 1 }
            if within { agents[a].withinSLA &+= 1 }
            ackTimes.append(AckTime(micros: micros, business: businessMicros, accountGroup: Int32(group(r.account, 0)),
                                    agent: Int32(a), channel: r.channel))
            if slot >= 0 {
                addTrust(slot, r.channel, (1 + (personal ? 0.5 : 0) + (within ? 0.5 : 0)) * weight)
                contacts[Int(slot)].acknowledged &+= 1
                contacts[Int(slot)].ackedChannels |= 1 << r.channel
                noteFirstNeedsAck(slot, r)
            }
        }
    }

    /// Looks up the schedule of every (account, channel) and lays out the
    /// open intervals of each schedule in use once, over the local days
    /// its turns and their acknowledgements span.
    private mutating func prepareTimelines(_ rows: RowStore) {
        let channels = Channel.allCases.count
        scheduleOf = [Int32](repeating: -1, count: scorer.accountIDs.count &* channels)
        if scorer.schedules.isEmpty { return }
        for a in 0..<scorer.accountIDs.count {
            for c in 0..<channels {
                if let s = scorer.schedule(account: scorer.accountIDs[a], channel: Channel(rawValue: UInt8(c))),
                   !scorer.schedules[Int(s)].isAlwaysOpen {
                    scheduleOf[a &* channels &+ c] = s
                }
            }
        }
        var from = [Int64](repeating: .max, count: scorer.schedules.count)
        var through = [Int64](repeating: .min, count: scorer.schedules.count)
        for turn in turns {
            let r = rows[Int(turn.start)]
            let s = Int(scheduleOf[Int(r.account) &* channels &+ Int(r.channel)])
            if s < 0 { continue }
            var last = max(asOf, r.created)
            if turn.firstAck >= 0 { last = max(last, rows[Int(turn.firstAck)].created) }
            from[s] = min(from[s], r.created)
            through[s] = max(through[s], last)
        }
        if !from.contains(where: { $0 != .max }) { return }
        timelines = [OpenTimeline?](repeating: nil, count: scorer.schedules.count)
        for s in 0..<scorer.schedules.count where from[s] <= through[s] {
            timelines[s] = OpenTimeline(scorer.schedules[s], from: from[s], through: through[s])
        }
    }

    private mutating func noteFirstNeedsAck(_ slot: Int32, _ r: StoredRow) {
        let s = Int(slot)
        if r.created < contacts[s].firstNeedsAck { contacts[s].firstNeedsAck = r.created }
        let k = contacts[s].channels
        if k >= 0 {
            withChannel(&contactChannelStates[Int(k)].firstNeedsAck, Int(r.channel)) { if r.created < $0 { $0 = r.created } }
        }
    }

    // MARK: Content

    private mutating func scoreOutbound(_ rows: RowStore) {
        var weights = DecayBlock()
        for i in 0..<rows.count {
            if interrupted(i) { return }
            if i & (decayBlockRows &- 1) == 0 {
                weights.fill(count: min(decayBlockRows, rows.count &- i)) { k in
                    let r = rows[i &+ k]
                    let weighs = !r.inbound && !r.automated && r.contact >= 0 && r.label != .neutral
                    return weighs ? decay(r.created) : 0
                }
            }
            let r = rows[i]
            if r.inbound || r.automated { continue }
            let kind = r.kindValue
            let label = r.label
            let x = scorer.extra(i, r)
            both(r.account, r.channel) { addContent(&$0, r, x) }
            let a = agentSlot(r)
            agents[a].present = true
            agents[a].weWords &+= Int64(x.weWords)
            agents[a].youWords &+= Int64(x.youWords)
            if kind == .post || kind == .share {
                if label == .give { agents[a].givePosts &+= 1 }
                if label == .take { agents[a].takePosts &+= 1 }
            }
            let slot = r.contact
            if slot >= 0 && label != .neutral {
                addTrust(slot, r.channel, (label == .give ? 0.5 : -0.5) * weights[i & (decayBlockRows &- 1)])
            }
        }
    }

    // MARK: Return on giving

    private mutating func scoreConversions(_ rows: RowStore) {
        // Purchase values are summed in fixed point: exact in any order.
        var valueOf = [Int128](repeating: 0, count: contacts.count)
        for i in 0..<rows.count {
            let r = rows[i]
            let slot = r.contact
            guard slot >= 0, r.kind == Kind.lead.rawValue || r.kind == Kind.purchase.rawValue else { continue }
            if r.created > contacts[Int(slot)].lastConversion { contacts[Int(slot)].lastConversion = r.created }
            if r.kind == Kind.purchase.rawValue { valueOf[Int(slot)] &+= fixedPoint(scorer.extra(i, r).value) }
        }

        for s in 0..<contacts.count {
            let c = contacts[s]
            // All channels.
            classify(c.acknowledged > 0, c.unacknowledged > 0, c.firstNeedsAck, c.lastConversion, valueOf[s],
                     group(c.account, 0))
            // Per channel: status from that channel's needs-ack rows.
            for ch in 0..<Channel.allCases.count {
                let bit: UInt8 = 1 << UInt8(ch)
                classify(c.ackedChannels & bit != 0, c.unackedChannels & bit != 0,
                         channelFirstNeedsAck(c, ch), c.lastConversion, valueOf[s],
                         group(c.account, 1 &+ ch))
            }
        }
    }

    private mutating func classify(_ acked: Bool, _ unacked: Bool, _ first: Int64, _ lastConversion: Int64,
                                   _ value: Int128, _ g: Int) {
        let converted = lastConversion > first
        if acked && !unacked {
            groups[g].treatedWell &+= 1
            if converted { groups[g].treatedWellConverted &+= 1 }
            groups[g].treatedWellValue &+= value
        } else if unacked && !acked {
            groups[g].ignored &+= 1
            if converted { groups[g].ignoredConverted &+= 1 }
        }
    }

    /// Leads by a contact who, in the 30 days before, answered a give post
    /// of the lead's account. Engagements are bucketed by the (account,
    /// contact) slot they count for (a counting sort, no comparisons across
    /// contacts); each lead then searches its own slot's times.
    private mutating func scoreAttributedLeads(_ rows: RowStore) {
        var slotOf: [Int32] = []  // per engagement
        var timeOf: [Int64] = []
        for i in 0..<rows.count {
            let r = rows[i]
            let p = Int(parentOf[i])
            guard r.inbound, p != -1, r.contact >= 0 else { continue }
            let postAccount: Int32
            if p >= 0 {
                let post = rows[p]
                guard post.kind == Kind.post.rawValue && !post.inbound && post.label == .give else { continue }
                postAccount = post.account
            } else {
                let post = scorer.referenceRows[referenceIndex(Int32(p))]
                guard post.kind == Kind.post.rawValue && !post.inbound && post.label == .give,
                      let a = scorer.accountTable.find(post.accountID) else { continue }
                postAccount = a
            }
            // The slot of (the post's account, the row's contact_id): only a
            // lead with a contact in that account can use it.
            let slot = postAccount == r.account ? r.contact
                : scorer.contactTable.find(PairKey(a: Int64(postAccount), b: scorer.contactIDs[Int(r.contact)]))
            if let slot {
                slotOf.append(slot)
                timeOf.append(r.created)
            }
        }
        if slotOf.isEmpty { return }
        var start = [Int32](repeating: 0, count: contacts.count &+ 1)
        for s in slotOf { start[Int(s) &+ 1] &+= 1 }
        for c in 0..<contacts.count { start[c &+ 1] &+= start[c] }
        var times = [Int64](repeating: 0, count: slotOf.count)
        do {
            var fill = start
            for k in 0..<slotOf.count {
                let c = Int(slotOf[k])
                times[Int(fill[c])] = timeOf[k]
                fill[c] &+= 1
            }
        }
        slotOf = []
        timeOf = []
        var scratch = [Int64](repeating: 0, count: times.count)
        times.withUnsafeMutableBufferPointer { all in scratch.withUnsafeMutableBufferPointer { spare in
            for c in 0..<contacts.count where start[c &+ 1] &- start[c] > 1 {
                let range = Int(start[c])..<Int(start[c &+ 1])
                sortInt64(UnsafeMutableBufferPointer(rebasing: all[range]),
                          scratch: UnsafeMutableBufferPointer(rebasing: spare[range]))
            }
        } }
        scratch = []
        let window = Int64((config.attributionWindowSeconds * 1e6).rounded())
        for i in 0..<rows.count {
            let r = rows[i]
            guard r.kind == Kind.lead.rawValue, r.contact >= 0 else { continue }
            let c = Int(r.contact)
            let from = r.created &- window
            // First engagement time >= from in the lead's slot.
            var lo = Int(start[c]), hi = Int(start[c &+ 1])
            let end = hi
            while lo < hi {
                let mid = (lo &+ hi) / 2
                if times[mid] < from { lo = mid &+ 1 } else { hi = mid }
            }
            if lo < end && times[lo] <= r.created {
                both(r.account, r.channel) { $0.attributedLeads &+= 1 }
                if config.period != nil { attributedLeadRows.append(Int32(i)) }
            }
        }
    }
}

/// `parentOf` of a row whose parent is reference `k`, and back.
@inline(__always) func referenceParent(_ k: Int32) -> Int32 { -2 &- k }
@inline(__always) func referenceIndex(_ parent: Int32) -> Int { Int(-2 &- parent) }

/// Content counters of one outbound non-automated row.
@inline(__always)
func addContent(_ g: inout GroupCounters, _ r: StoredRow, _ x: RowExtra) {
    let kind = r.kindValue
    let fits: Bool
    switch Channel(rawValue: r.channel) {
    case .instagram?: fits = r.has(RowFlags.hasMedia)
    case .twitter?: fits = r.has(RowFlags.fitsTwitter)
    default: fits = true
    }
    g.weWords &+= Int64(x.weWords)
    g.youWords &+= Int64(x.youWords)
    switch kind {
    case .post, .share:
        switch r.label {
        case .give: g.givePosts &+= 1
        case .take: g.takePosts &+= 1
        case .neutral: g.neutralPosts &+= 1
        }
        g.conversational &+= 1
        if kind == .post {
            g.posts &+= 1
            if fits { g.fittingPosts &+= 1 }
        }
    case .reply, .comment, .message:
        g.replies &+= 1
        g.conversational &+= 1
    case .mention:
        g.conversational &+= 1
    default:
        break
    }
}

/// Rows (or turns) whose trust weights `DecayBlock` computes at once.
let decayBlockRows = 256

/// The trust weights (`decay`) of a block of rows or turns, computed in a
/// loop of their own before the block is scored: each weight is a series
/// whose divisions form one long chain, and in a tight loop the chains of
/// consecutive rows overlap (inside the scoring loop each waited for the
/// last). The same values, in the same order of use.
struct DecayBlock {
    private var weights = [Double](repeating: 0, count: decayBlockRows)

    @inline(__always)
    mutating func fill(count: Int, _ weight: (Int) -> Double) {
        weights.withUnsafeMutableBufferPointer { w in
            for k in 0..<count { w[k] = weight(k) }
        }
    }

    @inline(__always)
    subscript(k: Int) -> Double { weights[k] }
}
