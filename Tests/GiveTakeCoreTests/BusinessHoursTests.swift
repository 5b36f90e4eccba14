// Spec section 3b (business hours, zones) and the periods of section 7,
// worked by hand. Zone rules are written out as the 2026 transitions.
import Testing
@testable import GiveTakeCore

/// Seconds since the epoch of a UTC date and time.
func utc(_ y: Int64, _ m: Int64, _ d: Int64, _ h: Int64 = 0, _ min: Int64 = 0) -> Int64 {
    (dayNumber(year: y, month: m, day: d) * 86400 + h * 3600 + min * 60)
}

func micros(_ seconds: Int64) -> Int64 { seconds * 1_000_000 }

/// Europe/Berlin for 2025-2027: CET +1, CEST +2 from the last Sunday of
/// March 01:00 UTC to the last Sunday of October 01:00 UTC.
let berlin: ZoneRules = {
    let t: [Int64] = [utc(2025, 3, 30, 1), utc(2025, 10, 26, 1), utc(2026, 3, 29, 1), utc(2026, 10, 25, 1),
                      utc(2027, 3, 28, 1), utc(2027, 10, 31, 1)]
    let o: [Int32] = [7200, 3600, 7200, 3600, 7200, 3600]
    return try! zone(t, o, first: 3600)
}()

/// America/New_York for 2026: EST -5, EDT -4 from 2026-03-08 07:00 UTC to
/// 2026-11-01 06:00 UTC.
let newYork: ZoneRules = try! zone([utc(2026, 3, 8, 7), utc(2026, 11, 1, 6)], [-14400, -18000], first: -18000)

func zone(_ t: [Int64], _ o: [Int32], first: Int32) throws -> ZoneRules {
    let ts = [Int64.min / 2_000_000] + t, os = [first] + o
    return try ts.withUnsafeBufferPointer { a in try os.withUnsafeBufferPointer { b in
        try ZoneRules(transitionSeconds: a, offsetSeconds: b) } }
}

func schedule(_ hours: String, _ zone: ZoneRules = .utc, holidays: [(Int64, Int64, Int64)] = []) throws -> Schedule {
    Schedule(zone: zone, hours: try WeeklyHours.parse(hours),
             holidays: holidays.map { dayNumber(year: $0.0, month: $0.1, day: $0.2) })
}

/// Business seconds between two UTC instants given in seconds.
func business(_ s: Schedule, _ from: Int64, _ to: Int64) -> Int64 {
    s.businessMicros(from: micros(from), to: micros(to)) / 1_000_000
}

@Suite struct HoursFormatTests {
    @Test func parsesGroupsRangesListsAndSplitShifts() throws {
        let h = try WeeklyHours.parse("Mon-Fri 09:00-12:30, 13:30-17:00; Sat 10:00-14:00")
        #expect(h.days[0] == [MinuteRange(start: 540, end: 750), MinuteRange(start: 810, end: 1020)])
        #expect(h.days[4] == h.days[0] && h.days[5] == [MinuteRange(start: 600, end: 840)] && h.days[6] == [])
        #expect(h.text == "Mon 09:00-12:30, 13:30-17:00; Tue 09:00-12:30, 13:30-17:00; "
                + "Wed 09:00-12:30, 13:30-17:00; Thu 09:00-12:30, 13:30-17:00; Fri 09:00-12:30, 13:30-17:00; "
                + "Sat 10:00-14:00")
        let list = try WeeklyHours.parse("mon, Wed 08:00-24:00;Fri-Mon 00:00-01:00")
        #expect(list.days[0] == [MinuteRange(start: 0, end: 60), MinuteRange(start: 480, end: 1440)])
        #expect(list.days[2] == [MinuteRange(start: 480, end: 1440)] && list.days[1] == [])
        #expect(list.days[5] == [MinuteRange(start: 0, end: 60)] && list.days[6] == list.days[5])
        #expect(try WeeklyHours.parse("").isEmpty && WeeklyHours.parse("  ").isEmpty)
    }

    @Test func badHoursNameTheOffendingText() {
        func message(_ text: String) -> String {
            do { _ = try WeeklyHours.parse(text); return "" } catch { return error.message }
        }
        #expect(message("Mon 10:00-09:00").hasSuffix("interval end is not after its start at \"10:00-09:00\""))
        #expect(message("Mon 09:00-12:00, 11:00-13:00")
                == "hours \"Mon 09:00-12:00, 11:00-13:00\": overlapping intervals on Mon: 09:00-12:00 and 11:00-13:00")
        #expect(message("Mon-Fri 09:00-17:00; Sat 09:00-10:00; Mon 16:00-18:00").contains("overlapping intervals on Mon"))
        #expect(message("Mo 09:00-10:00").contains("expected a day name"))
        #expect(message("Mon 09:00-24:30").contains("between 00:00 and 24:00"))
        #expect(message("Mon 9:00-10:00").contains("expected a time HH:MM at \"9:00-10:00\""))
        #expect(message("Mon").contains("expected open intervals"))
        #expect(message("Mon 10:00-11:00 x").contains("expected ',' or ';'"))
        #expect(message("Mon 10:00-11:00, 12:00-12:00").contains("not after its start"))
    }
}

@Suite struct BusinessTimeTests {
    @Test func aWeekendAndAHoliday() throws {
        let week = try schedule("Mon-Fri 09:00-17:00")
        // Fri 2026-11-27 16:00 to Mon 11-30 10:00: 1 h Friday + 1 h Monday.
        #expect(business(week, utc(2026, 11, 27, 16), utc(2026, 11, 30, 10)) == 7200)
        // Sat to Sun: nothing.
        #expect(business(week, utc(2026, 11, 28, 10), utc(2026, 11, 29, 20)) == 0)
        let holiday = try schedule("Mon-Fri 09:00-17:00", holidays: [(2026, 11, 30)])
        // Monday is a holiday: 1 h Friday + 1 h Tuesday.
        #expect(business(holiday, utc(2026, 11, 27, 16), utc(2026, 12, 1, 10)) == 7200)
        // Always open except the holiday.
        let open = try schedule("", holidays: [(2026, 11, 30)])
        #expect(business(open, utc(2026, 11, 29, 12), utc(2026, 12, 1, 12)) == 86400)
        #expect(business(open, utc(2026, 11, 30, 12), utc(2026, 11, 30, 13)) == 0)
    }

    @Test func splitShiftsAnd24HourEnds() throws {
        let s = try schedule("Mon 09:00-12:00, 13:00-17:00, 22:00-24:00; Tue 00:00-02:00, 09:00-10:00")
        // Mon 2026-11-30 11:00 to 13:30: 1 h + 0.5 h (lunch closed).
        #expect(business(s, utc(2026, 11, 30, 11), utc(2026, 11, 30, 13, 30)) == 5400)
        // Mon 21:00 to Tue 09:30: 22-24 and 00-02 (one span across midnight) + 0.5 h.
        #expect(business(s, utc(2026, 11, 30, 21), utc(2026, 12, 1, 9, 30)) == 4 * 3600 + 1800)
        // Inside the overnight span.
        #expect(business(s, utc(2026, 11, 30, 23), utc(2026, 12, 1, 1)) == 7200)
    }

    @Test func berlinSpringForwardAndAutumnBack() throws {
        // Sunday 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
        let day = try schedule("Sun 00:00-24:00", berlin)
        // Whole local Sunday: 23 h (Sat 23:00 UTC to Sun 22:00 UTC).
        #expect(business(day, utc(2026, 3, 28, 12), utc(2026, 3, 30, 12)) == 23 * 3600)
        let early = try schedule("Sun 01:00-04:00", berlin)
        // 01:00 CET = 00:00 UTC, 04:00 CEST = 02:00 UTC: 2 h.
        #expect(business(early, utc(2026, 3, 29, 0), utc(2026, 3, 30, 0)) == 7200)
        // 02:30 does not exist: it is 03:00 CEST = 01:00 UTC; 03:30 CEST = 01:30 UTC.
        let gap = try schedule("Sun 02:30-03:30", berlin)
        #expect(business(gap, utc(2026, 3, 28), utc(2026, 3, 30)) == 1800)
        #expect(business(gap, utc(2026, 3, 29, 1, 10), utc(2026, 3, 30)) == 1200)
        // Sunday 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC).
        // 01:00 CEST = Sat 23:00 UTC, 04:00 CET = 03:00 UTC: 4 h; the whole day 25 h.
        #expect(business(early, utc(2026, 10, 24, 12), utc(2026, 10, 26)) == 4 * 3600)
        #expect(business(day, utc(2026, 10, 24, 12), utc(2026, 10, 26, 12)) == 25 * 3600)
        // 02:30 exists twice: the first (CEST, 00:30 UTC) to 03:30 CET (02:30 UTC) = 2 h.
        #expect(business(gap, utc(2026, 10, 24), utc(2026, 10, 26)) == 7200)
        // A weekday 09:00-17:00 stays 8 hours on either side.
        let office = try schedule("Mon-Fri 09:00-17:00", berlin)
        #expect(business(office, utc(2026, 3, 27), utc(2026, 3, 31)) == 2 * 8 * 3600)
        // Friday 27 March 09:00 CET = 08:00 UTC; Monday 30 March 09:00 CEST = 07:00 UTC.
        #expect(business(office, utc(2026, 3, 27, 8), utc(2026, 3, 30, 7)) == 8 * 3600)
    }

    @Test func newYorkSpringForwardAndAutumnBack() throws {
        let early = try schedule("Sun 01:00-04:00", newYork)
        // 2026-03-08: 01:00 EST = 06:00 UTC, 04:00 EDT = 08:00 UTC: 2 h.
        #expect(business(early, utc(2026, 3, 7), utc(2026, 3, 9)) == 7200)
        // 2026-11-01: 01:00 EDT (the first) = 05:00 UTC, 04:00 EST = 09:00 UTC: 4 h.
        #expect(business(early, utc(2026, 10, 31), utc(2026, 11, 2)) == 4 * 3600)
        // 01:30-02:00 on 11-01: the first 01:30 (EDT, 05:30 UTC) to 02:00 EST (07:00 UTC).
        let doubled = try schedule("Sun 01:30-02:00", newYork)
        #expect(business(doubled, utc(2026, 10, 31), utc(2026, 11, 2)) == 5400)
        // 02:15-02:45 on 03-08 lies wholly in the gap: no time.
        let inGap = try schedule("Sun 02:15-02:45", newYork)
        #expect(business(inGap, utc(2026, 3, 7), utc(2026, 3, 9)) == 0)
        #expect(newYork.instant(local: micros(utc(2026, 3, 8, 2, 30))) == micros(utc(2026, 3, 8, 7)))
        #expect(newYork.instant(local: micros(utc(2026, 11, 1, 1, 30))) == micros(utc(2026, 11, 1, 5, 30)))
    }
}

@Suite struct BusinessScoringTests {
    /// Account 1 (office hours in Berlin, instagram open 24 h on Saturday
    /// too), account 2 (no schedule). Turns start Friday 2026-11-27 16:00
    /// CET (15:00 UTC) and are answered Monday 10:00 CET (09:00 UTC).
    func rows() -> [Row] {
        let start = Double(utc(2026, 11, 27, 15)), answer = Double(utc(2026, 11, 30, 9))
        return [
            Row(id: 1, account: 1, contact: 5, channel: 1, kind: .comment, inbound: true, at: start),
            Row(id: 2, account: 1, parent: 1, channel: 1, kind: .reply, at: answer, body: "done"),
            Row(id: 3, account: 1, contact: 6, channel: 2, kind: .comment, inbound: true, at: start),
            Row(id: 4, account: 1, parent: 3, channel: 2, kind: .reply, at: answer, body: "done"),
            Row(id: 5, account: 2, contact: 7, channel: 1, kind: .comment, inbound: true, at: start),
            Row(id: 6, account: 2, parent: 5, channel: 1, kind: .reply, at: answer, body: "done"),
            // Unanswered facebook turn on account 1, Monday 16:00 CET (15:00 UTC).
            Row(id: 7, account: 1, contact: 8, channel: 1, kind: .comment, inbound: true,
                at: Double(utc(2026, 11, 30, 15))),
        ]
    }

    func schedules() throws -> [(Int64?, Channel?, Schedule)] {
        [(1, nil, try schedule("Mon-Fri 09:00-17:00", berlin)),
         (1, .instagram, try schedule("Mon-Sat 09:00-17:00", berlin))]
    }

    @Test func businessTimePerTurnWithAChannelOverrideAndAnUnscheduledAccount() throws {
        var config = ScoringConfig()
        config.asOf = micros(utc(2026, 11, 30, 16))
        let r = try score(rows(), config: config, schedules: try schedules())
        let turns = r.turns.rows()
        let byID = { (id: Int64) in turns.first { $0.turnID == id }! }
        // Facebook: Friday 16-17 + Monday 09-10 = 2 h; calendar 66 h.
        #expect(byID(1).timeToAckSeconds == 66 * hour && byID(1).businessTimeToAckSeconds == 2 * hour)
        // Instagram override: + Saturday 8 h.
        #expect(byID(3).businessTimeToAckSeconds == 10 * hour)
        // Account 2 has no schedule: business = calendar.
        #expect(byID(5).businessTimeToAckSeconds == 66 * hour)
        #expect(r.account(1)!.medianAckBusinessSeconds == 2 * hour && r.account(1)!.p90AckBusinessSeconds == 10 * hour)
        #expect(r.account(1)!.medianAckSeconds == 66 * hour)
        #expect(r.account(1, .facebook)!.medianAckBusinessSeconds == 2 * hour)
        #expect(r.agent(1, nil)!.medianAckBusinessSeconds == 2 * hour)
        // Calendar clock (default): every answer is late; turn 7 (1 h old,
        // 4 h target) is pending, due at 19:00 UTC.
        #expect(r.account(1)!.slaRate == 0 && r.account(1)!.pending == 1)
        #expect(byID(7).status == .pending && byID(7).dueAt == micros(utc(2026, 11, 30, 19)))
    }

    @Test func theBusinessClockDecidesWithinSLAPendingAndDue() throws {
        var config = ScoringConfig()
        config.asOf = micros(utc(2026, 12, 1, 8, 30))  // Tuesday 09:30 CET
        config.slaClock = [.business, .business, .business, .calendar, .calendar]
        let r = try score(rows(), config: config, schedules: try schedules())
        let turns = r.turns.rows()
        let byID = { (id: Int64) in turns.first { $0.turnID == id }! }
        // Facebook 4 h target: 2 h business is within.
        #expect(byID(1).withinSLA == true)
        // Instagram: 10 h business > 4 h.
        #expect(byID(3).withinSLA == false)
        // Account 2 (no schedule): 66 h calendar > 4 h.
        #expect(byID(5).withinSLA == false)
        // Turn 7 started Monday 16:00 CET: 1 h Monday, so 3 h more on
        // Tuesday from 09:00 CET: due Tuesday 12:00 CET = 11:00 UTC; at
        // 09:30 CET only 1.5 h have passed: pending.
        #expect(byID(7).status == .pending && byID(7).dueAt == micros(utc(2026, 12, 1, 11)))
        #expect(r.account(1)!.pending == 1 && r.account(1)!.slaRate == 0.5)
        // Due across a weekend: a facebook turn Friday 15:00 CET is due
        // Monday 11:00 CET = 10:00 UTC (2 h + 2 h).
        let friday = [Row(id: 1, account: 1, contact: 5, channel: 1, kind: .comment, inbound: true,
                          at: Double(utc(2026, 11, 27, 14)))]
        config.asOf = micros(utc(2026, 11, 30, 9, 30))
        let f = try score(friday, config: config, schedules: try schedules())
        #expect(f.turns.rows()[0].dueAt == micros(utc(2026, 11, 30, 10)) && f.turns.rows()[0].status == .pending)
        config.asOf = micros(utc(2026, 11, 30, 10))
        let late = try score(friday, config: config, schedules: try schedules())
        #expect(late.turns.rows()[0].status == .unacknowledged)
    }

    @Test func weeklyPeriodsInTheAccountZoneSumToTheAccount() throws {
        var config = ScoringConfig()
        config.period = .week
        config.asOf = micros(utc(2026, 12, 1, 8, 30))
        // Row 8: Sunday 2026-11-29 23:30 UTC is Monday 00:30 in Berlin.
        var all = rows()
        all.append(Row(id: 8, account: 1, channel: 0, kind: .post, at: Double(utc(2026, 11, 29, 23, 30)),
                       body: "How to fix it: a free guide and tips"))
        all.append(Row(id: 9, account: 2, channel: 0, kind: .post, at: Double(utc(2026, 11, 29, 23, 30)),
                       body: "How to fix it: a free guide and tips"))
        all.append(Row(id: 10, account: 1, parent: 999, channel: 0, kind: .post, at: Double(utc(2026, 11, 27))))
        let r = try score(all, config: config, schedules: try schedules())
        let p1 = r.periods.filter { $0.score.accountID == 1 }
        let p2 = r.periods.filter { $0.score.accountID == 2 }
        // Account 1: weeks of Mon 11-23 and Mon 11-30 (Berlin).
        #expect(p1.map(\.periodStart) == [dayNumber(year: 2026, month: 11, day: 23),
                                          dayNumber(year: 2026, month: 11, day: 30)])
        // Account 2 (UTC): its post is on Sunday 11-29, in the first week;
        // its answer (row 6) on Monday makes a second one.
        #expect(p2.map(\.periodStart) == [dayNumber(year: 2026, month: 11, day: 23),
                                          dayNumber(year: 2026, month: 11, day: 30)])
        #expect(p2[0].score.givePosts == 1 && p2[0].score.acknowledged == 1 && p2[1].score.needsAck == 0)
        #expect(p1[0].score.acknowledged == 2 && p1[0].score.anomalies == 1 && p1[0].score.givePosts == 0)
        // Turn 7 (calendar clock, 17.5 h old) is unacknowledged, in week two.
        #expect(p1[1].score.givePosts == 1 && p1[1].score.needsAck == 1 && p1[1].score.acknowledged == 0)
        #expect(p1[0].score.medianAckBusinessSeconds == 2 * hour && p1[0].score.medianAckSeconds == 66 * hour)
        for a in [Int64(1), 2] {
            let ps = r.periods.filter { $0.score.accountID == a }
            let acc = r.account(a)!
            #expect(ps.reduce(0) { $0 + $1.score.needsAck } == acc.needsAck)
            #expect(ps.reduce(0) { $0 + $1.score.pending } == acc.pending)
            #expect(ps.reduce(0) { $0 + $1.score.acknowledged } == acc.acknowledged)
            #expect(ps.reduce(0) { $0 + $1.score.givePosts } == acc.givePosts)
            #expect(ps.reduce(0) { $0 + $1.score.takePosts } == acc.takePosts)
            #expect(ps.reduce(0) { $0 + $1.score.neutralPosts } == acc.neutralPosts)
            #expect(ps.reduce(0) { $0 + $1.score.anomalies } == acc.anomalies)
            #expect(ps.reduce(0) { $0 + $1.score.giveAttributedLeads } == acc.giveAttributedLeads)
        }
        // Months and days.
        config.period = .month
        let m = try score(all, config: config, schedules: try schedules())
        #expect(m.periods.filter { $0.score.accountID == 1 }.map(\.periodStart)
                == [dayNumber(year: 2026, month: 11, day: 1)])
        config.period = .day
        let d = try score(all, config: config, schedules: try schedules())
        #expect(d.periods.filter { $0.score.accountID == 2 }.map(\.periodStart)
                == [dayNumber(year: 2026, month: 11, day: 27), dayNumber(year: 2026, month: 11, day: 29),
                    dayNumber(year: 2026, month: 11, day: 30)])
    }
}
