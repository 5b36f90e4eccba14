// A time zone as its UTC offsets over time, handed in by the host (the
// engine reads no tz database): offset i applies from instant i on; the
// first offset also applies before the first instant.

public struct ZoneRules: Sendable, Equatable {
    /// Microseconds; starts[0] = Int64.min.
    var starts: [Int64]
    /// Microseconds east of UTC.
    var offsets: [Int64]

    public static let utc = ZoneRules(unchecked: [Int64.min], [0])

    init(unchecked starts: [Int64], _ offsets: [Int64]) {
        self.starts = starts
        self.offsets = offsets
    }

    /// Transition instants in seconds since the epoch (strictly
    /// increasing) and the UTC offset in seconds from each on (|offset| <
    /// 26 h). An empty list is UTC.
    public init(transitionSeconds: UnsafeBufferPointer<Int64>,
                offsetSeconds: UnsafeBufferPointer<Int32>) throws(GiveTakeError) {
        guard transitionSeconds.count == offsetSeconds.count else {
            throw GiveTakeError(.invalidArgument, "zone: one UTC offset per transition is required")
        }
        if transitionSeconds.isEmpty { self = .utc; return }
        var s: [Int64] = [Int64.min], o: [Int64] = []
        s.reserveCapacity(transitionSeconds.count)
        o.reserveCapacity(transitionSeconds.count)
        let limit: Int64 = 300_000_000_000  // seconds, beyond year 9999
        for k in 0..<transitionSeconds.count {
            let t = transitionSeconds[k], off = offsetSeconds[k]
            if off <= -26 * 3600 || off >= 26 * 3600 {
                throw GiveTakeError(.outOfRange, "zone: UTC offset " + decimal(Int(off)) + " s is out of range")
            }
            if k > 0 && t <= transitionSeconds[k &- 1] {
                throw GiveTakeError(.invalidArgument, "zone: transition instants must increase")
            }
            let micros = max(-limit, min(limit, t)) &* microsPerSecond
            if k > 0 { s.append(micros) }
            o.append(Int64(off) &* microsPerSecond)
        }
        starts = s
        offsets = o
    }

    @inline(__always)
    func segment(at t: Int64) -> Int {
        var lo = 0, hi = starts.count
        while hi &- lo > 1 {
            let mid = (lo &+ hi) >> 1
            if starts[mid] <= t { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// UTC offset in microseconds at instant t.
    @inline(__always)
    public func offset(at t: Int64) -> Int64 { offsets[segment(at: t)] }

    /// The earliest instant whose local time is at or after `local`: a
    /// local time in a spring gap maps to the end of the gap, one that
    /// exists twice to the first of the two.
    public func instant(local: Int64) -> Int64 {
        // First segment whose local times reach beyond `local`.
        var lo = 0, hi = starts.count &- 1
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if starts[mid &+ 1] &+ offsets[mid] > local { hi = mid } else { lo = mid &+ 1 }
        }
        return max(starts[lo], local &- offsets[lo])
    }

    /// Local day number (days since 1970-01-01) of instant t.
    @inline(__always)
    public func localDay(_ t: Int64) -> Int64 { floorDiv(t &+ offset(at: t), microsPerDay) }
}

public let microsPerDay: Int64 = 86_400_000_000

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q &- 1 : q
}

/// Weekday of a day number, Monday = 0 (1970-01-01 was a Thursday).
@inline(__always)
public func weekday(day: Int64) -> Int {
    let w = (day &+ 3) % 7
    return Int(w < 0 ? w &+ 7 : w)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
public func dayNumber(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year &- 1 : year
    let era = (y >= 0 ? y : y &- 399) / 400
    let yoe = y &- era &* 400
    let mp = (month &+ 9) % 12
    let doy = (153 &* mp &+ 2) / 5 &+ day &- 1
    let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
    return era &* 146_097 &+ doe &- 719_468
}

/// The (year, month, day) of a day number.
public func civilDate(day z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = z0 &+ 719_468
    let era = (z >= 0 ? z : z &- 146_096) / 146_097
    let doe = z &- era &* 146_097
    let yoe = (doe &- doe / 1460 &+ doe / 36524 &- doe / 146_096) / 365
    let doy = doe &- (365 &* yoe &+ yoe / 4 &- yoe / 100)
    let mp = (5 &* doy &+ 2) / 153
    let d = doy &- (153 &* mp &+ 2) / 5 &+ 1
    let m = mp < 10 ? mp &+ 3 : mp &- 9
    return (yoe &+ era &* 400 &+ (m <= 2 ? 1 : 0), m, d)
}
