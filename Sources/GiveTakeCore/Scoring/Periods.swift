// Periods (spec section 7): the account rows again, per account × local
// day, ISO week or month in the account's zone. A turn counts in the
// period of its start, a post in that of its created_at, a conversion in
// that of the conversion event, an anomaly in that of the row that
// carries it (a clock skew: its turn's start). Per period, a contact is
// treated well or ignored by its turns that start in the period, and
// converted by its conversion events in the period after the first of
// them.

extension ScoringRun {
    mutating func scorePeriods(_ rows: RowStore, _ period: Period) -> [PeriodScore] {
        // Zone per account: its own schedule, else the default; else UTC.
        var zones: [ZoneRules] = []
        zones.reserveCapacity(scorer.accountIDs.count)
        for a in scorer.accountIDs {
            if let s = scorer.schedule(account: a, channel: nil) { zones.append(scorer.schedules[Int(s)].zone) }
            else { zones.append(.utc) }
        }
        var table = KeyTable<PairKey>(capacity: 64)
        var starts: [Int64] = []
        var accountOf: [Int32] = []
        var counters: [GroupCounters] = []
        func slot(_ account: Int32, _ t: Int64) -> Int {
            let day = period.start(ofDay: zones[Int(account)].localDay(t))
            let next = Int32(starts.count)
            if let s = table.findOrInsert(PairKey(a: Int64(account), b: day), value: next) { return Int(s) }
            starts.append(day)
            accountOf.append(account)
            counters.append(GroupCounters())
            return Int(next)
        }

        for e in scorer.ingestAnomalyEvents { counters[slot(e.account, e.created)].anomalies &+= 1 }
        for i in 0..<rows.count {
            if interrupted(i) { return [] }
            let r = rows[i]
            let p = slot(r.account, r.created)
            counters[p].rows &+= 1
            if r.has(RowFlags.hasParent) && (r.parent == r.id || parentOf[i] == -1) { counters[p].anomalies &+= 1 }
            if !r.inbound && !r.automated { addContent(&counters[p], r, scorer.extra(i, r)) }
        }
        for i in attributedLeadRows {
            let r = rows[Int(i)]
            counters[slot(r.account, r.created)].attributedLeads &+= 1
        }

        // Turns, and each contact's status per period.
        struct ContactPeriod {
            var acked = false, unacked = false
            var first: Int64 = .max
            var lastConversion: Int64 = .min
            var value: Int128 = 0
            var period: Int32
        }
        var contactTable = KeyTable<PairKey>(capacity: 64)
        var contactPeriods: [ContactPeriod] = []
        func contactPeriod(_ contact: Int32, _ p: Int) -> Int {
            let next = Int32(contactPeriods.count)
            if let s = contactTable.findOrInsert(PairKey(a: Int64(contact), b: Int64(p)), value: next) { return Int(s) }
            contactPeriods.append(ContactPeriod(period: Int32(p)))
            return Int(next)
        }
        var times: [TimeToAck] = [], businessTimes: [TimeToAck] = []
        for t in 0..<turns.count {
            if interrupted(t) { return [] }
            let turn = turns[t]
            let r = rows[Int(turn.start)]
            let p = slot(r.account, r.created)
            switch turn.status {
            case .pending:
                counters[p].pending &+= 1
                continue
            case .unacknowledged:
                counters[p].needsAck &+= 1
            case .acknowledged:
                counters[p].needsAck &+= 1
                counters[p].acknowledged &+= 1
                if turn.marks & TurnRecord.personal != 0 { counters[p].personal &+= 1 }
                if turn.marks & TurnRecord.appreciative != 0 { counters[p].appreciative &+= 1 }
                if turn.marks & TurnRecord.withinSLA != 0 { counters[p].withinSLA &+= 1 }
                if turn.marks & TurnRecord.skewed != 0 { counters[p].anomalies &+= 1 }
                times.append(TimeToAck(group: Int32(p), micros: max(0, rows[Int(turn.firstAck)].created &- r.created)))
                businessTimes.append(TimeToAck(group: Int32(p), micros: turn.businessMicros))
            }
            let c = r.contact
            if c >= 0 {
                let k = contactPeriod(c, p)
                if turn.status == .acknowledged { contactPeriods[k].acked = true } else { contactPeriods[k].unacked = true }
                if r.created < contactPeriods[k].first { contactPeriods[k].first = r.created }
            }
        }
        for i in 0..<rows.count {
            let r = rows[i]
            let c = r.contact
            guard c >= 0, r.kind == Kind.lead.rawValue || r.kind == Kind.purchase.rawValue else { continue }
            let k = contactPeriod(c, slot(r.account, r.created))
            if r.created > contactPeriods[k].lastConversion { contactPeriods[k].lastConversion = r.created }
            if r.kind == Kind.purchase.rawValue { contactPeriods[k].value &+= fixedPoint(scorer.extra(i, r).value) }
        }
        for cp in contactPeriods {
            let g = Int(cp.period)
            let converted = cp.lastConversion > cp.first
            if cp.acked && !cp.unacked {
                counters[g].treatedWell &+= 1
                if converted { counters[g].treatedWellConverted &+= 1 }
                counters[g].treatedWellValue &+= cp.value
            } else if cp.unacked && !cp.acked {
                counters[g].ignored &+= 1
                if converted { counters[g].ignoredConverted &+= 1 }
            }
        }

        if totals != nil {
            // A part: the counters and times go to the totals.
            var slotInTotals = [Int](repeating: 0, count: counters.count)
            for g in 0..<counters.count {
                let k = totals!.periodSlot(PeriodKey(account: scorer.accountIDs[Int(accountOf[g])], start: starts[g]))
                add(&totals!.periodCounters[k], counters[g])
                slotInTotals[g] = k
            }
            for i in times.indices {
                totals!.addTime(space: HistogramKey.period, target: slotInTotals[Int(times[i].group)],
                                micros: times[i].micros, business: businessTimes[i].micros)
            }
            return []
        }
        let (median, p90) = exactPercentiles(times, groupCount: counters.count)
        let (businessMedian, businessP90) = exactPercentiles(businessTimes, groupCount: counters.count)
        var order = [Int](0..<counters.count)
        order.sort { x, y in
            let ax = scorer.accountIDs[Int(accountOf[x])], ay = scorer.accountIDs[Int(accountOf[y])]
            return ax != ay ? ax < ay : starts[x] < starts[y]
        }
        var out: [PeriodScore] = []
        out.reserveCapacity(order.count)
        for g in order {
            let c = counters[g]
            var s = AccountScore(accountID: scorer.accountIDs[Int(accountOf[g])], channel: nil)
            s.medianAckSeconds = median[g]
            s.p90AckSeconds = p90[g]
            s.medianAckBusinessSeconds = businessMedian[g]
            s.p90AckBusinessSeconds = businessP90[g]
            fillCommon(&s, c, config)
            out.append(PeriodScore(periodStart: starts[g], score: s))
        }
        return out
    }
}
