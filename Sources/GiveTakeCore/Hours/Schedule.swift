// A business schedule (spec section 3b): a zone, weekly open hours and
// local holiday dates. Without open intervals it is always open except on
// its holidays.

public struct Schedule: Sendable, Equatable {
    public var zone: ZoneRules
    public var hours: WeeklyHours
    /// Local dates as day numbers (days since 1970-01-01), sorted, unique.
    public var holidays: [Int64]

    public init(zone: ZoneRules = .utc, hours: WeeklyHours = WeeklyHours(), holidays: [Int64] = []) {
        self.zone = zone
        self.hours = hours
        var h = holidays
        h.sort()
        var unique: [Int64] = []
        for d in h where unique.last != d { unique.append(d) }
        self.holidays = unique
    }

    /// Open all the time in its zone, with no holidays: business time is
    /// calendar time, whatever the zone.
    public var isAlwaysOpen: Bool { hours.isEmpty && holidays.isEmpty }

    func isHoliday(_ day: Int64) -> Bool {
        var lo = 0, hi = holidays.count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if holidays[mid] < day { lo = mid &+ 1 } else { hi = mid }
        }
        return lo < holidays.count && holidays[lo] == day
    }

    /// Business time in microseconds between two instants (0 when `to` is
    /// not after `from`).
    public func businessMicros(from: Int64, to: Int64) -> Int64 {
        if to <= from { return 0 }
        if isAlwaysOpen { return to &- from }
        let line = OpenTimeline(self, from: from, through: to)
        return line.business(from: from, to: to)
    }
}

/// Day / ISO week (Monday) / month periods in an account's zone.
public enum Period: UInt8, Sendable {
    case day = 1, week, month

    /// The first local day of the period holding local day `day`.
    @inline(__always)
    public func start(ofDay day: Int64) -> Int64 {
        switch self {
        case .day: return day
        case .week: return day &- Int64(weekday(day: day))
        case .month:
            let c = civilDate(day: day)
            return day &- (c.day &- 1)
        }
    }
}

/// Which clock the SLA of a channel runs on.
public enum SLAClock: UInt8, Sendable {
    case calendar = 0, business = 1
}
