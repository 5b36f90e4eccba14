// A schedule's open intervals as sorted UTC instants with prefix sums,
// built once per finish over the scored local days: business time between
// two instants is then two binary searches. It grows forward on demand
// (a due time past the scored range).

final class OpenTimeline {
    let schedule: Schedule
    var starts: [Int64] = []
    var ends: [Int64] = []
    /// Open time before interval k.
    var before: [Int64] = []
    var total: Int64 = 0
    /// Local days [firstDay, nextDay) are laid out.
    var firstDay: Int64
    var nextDay: Int64
    /// Coverage: every instant in [coverFrom, coverTo) is described.
    var coverFrom: Int64
    var coverTo: Int64

    /// Local day number of year 9999-12-31, where growth stops.
    static let lastDay: Int64 = 2_932_896

    init(_ schedule: Schedule, from: Int64, through: Int64) {
        self.schedule = schedule
        firstDay = schedule.zone.localDay(from) &- 1
        nextDay = firstDay
        coverFrom = schedule.zone.instant(local: firstDay &* microsPerDay)
        coverTo = coverFrom
        grow(toDay: schedule.zone.localDay(through) &+ 2)
    }

    /// Lays out local days up to (not including) `day`.
    func grow(toDay day: Int64) {
        let zone = schedule.zone
        let limit = min(day, OpenTimeline.lastDay &+ 2)
        let always = schedule.hours.isEmpty
        let full = [MinuteRange(start: 0, end: 24 * 60)]
        while nextDay < limit {
            let d = nextDay
            nextDay &+= 1
            if schedule.isHoliday(d) { continue }
            let ranges = always ? full : schedule.hours.days[weekday(day: d)]
            let midnight = d &* microsPerDay
            for r in ranges {
                let s = zone.instant(local: midnight &+ Int64(r.start) &* 60_000_000)
                let e = zone.instant(local: midnight &+ Int64(r.end) &* 60_000_000)
                if e <= s { continue }  // wholly inside a spring gap
                if let last = ends.last, last == s {
                    ends[ends.count &- 1] = e  // touching: one interval
                } else {
                    starts.append(s)
                    ends.append(e)
                    before.append(total)
                }
                total &+= e &- s
            }
        }
        coverTo = zone.instant(local: nextDay &* microsPerDay)
    }

    /// Open time from the start of the coverage to t.
    @inline(__always)
    func cumulative(_ t: Int64) -> Int64 {
        // Intervals with start <= t.
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if starts[mid] <= t { lo = mid &+ 1 } else { hi = mid }
        }
        if lo == 0 { return 0 }
        let k = lo &- 1
        return before[k] &+ (min(t, ends[k]) &- starts[k])
    }

    /// Open time from the start of the coverage to t, growing the layout
    /// when t lies past it.
    func openTime(upTo t: Int64) -> Int64 {
        if t >= coverTo { grow(toDay: schedule.zone.localDay(t) &+ 2) }
        return cumulative(t)
    }

    /// Business time between two instants inside (or grown to) the coverage.
    func business(from a: Int64, to b: Int64) -> Int64 {
        if b <= a { return 0 }
        if b >= coverTo { grow(toDay: schedule.zone.localDay(b) &+ 2) }
        return cumulative(b) &- cumulative(a)
    }

    /// The earliest instant at which `target` microseconds of business
    /// time have passed since `from` (timeMax when never before 9999).
    func due(from: Int64, target: Int64) -> Int64 { due(afterOpenTime: cumulative(from), target: target) }

    /// As due(from:target:), given the open time up to the start.
    func due(afterOpenTime base: Int64, target: Int64) -> Int64 {
        let goal = base &+ target
        while total < goal {
            if nextDay > OpenTimeline.lastDay { return timeMax }
            // Grow by at least a month at a time.
            grow(toDay: nextDay &+ 31)
        }
        // First interval whose end reaches the goal.
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if before[mid] &+ (ends[mid] &- starts[mid]) < goal { lo = mid &+ 1 } else { hi = mid }
        }
        if lo == starts.count { return timeMax }
        return min(timeMax, starts[lo] &+ (goal &- before[lo]))
    }
}
