// Zone rules from the bytes of a TZif file (version 2 or later, the format
// of /usr/share/zoneinfo): the 64-bit transitions, then the POSIX TZ footer
// rule expanded for the years after the last transition (through 2200).
// Reading the file is the host's job; the bytes may be anything, so every
// count and index is checked before it is used.

extension ZoneRules {
    /// The zone of a TZif file's bytes; `.parse` errors say what is wrong.
    public init(tzif d: UnsafeBufferPointer<UInt8>) throws(GiveTakeError) {
        let (t, o) = try tzifTransitions(d)
        self = try t.withUnsafeBufferPointer { a throws(GiveTakeError) in
            try o.withUnsafeBufferPointer { b throws(GiveTakeError) in
                try ZoneRules(transitionSeconds: a, offsetSeconds: b)
            }
        }
    }
}

/// Transitions (Unix seconds) and the UTC offset from each on, the first
/// from year 1.
func tzifTransitions(_ d: UnsafeBufferPointer<UInt8>) throws(GiveTakeError) -> ([Int64], [Int32]) {
    func bad(_ why: String) -> GiveTakeError { GiveTakeError(.parse, why) }
    func be32(_ at: Int) -> Int64 {
        Int64(Int32(bitPattern: UInt32(d[at]) << 24 | UInt32(d[at &+ 1]) << 16 | UInt32(d[at &+ 2]) << 8
                    | UInt32(d[at &+ 3])))
    }
    func be64(_ at: Int) -> Int64 { (be32(at) << 32) | (be32(at &+ 4) & 0xFFFF_FFFF) }
    /// The six counts of the header at `at`: isut, isstd, leap, time, type, char.
    func header(_ at: Int) throws(GiveTakeError) -> [Int] {
        guard at >= 0, d.count >= at &+ 44, d[at] == 0x54, d[at &+ 1] == 0x5A, d[at &+ 2] == 0x69,
              d[at &+ 3] == 0x66 else {
            throw bad("not a TZif file")
        }
        var counts: [Int] = []
        for k in 0..<6 {
            let c = be32(at &+ 20 &+ 4 &* k)
            guard c >= 0, c <= 1 << 24 else { throw bad("truncated TZif data") }
            counts.append(Int(c))
        }
        return counts
    }
    let h1 = try header(0)
    guard d[4] >= 0x32 else { throw bad("TZif version 1 files are not supported") }
    let v1Size = 44 + h1[3] * 5 + h1[4] * 6 + h1[5] + h1[2] * 8 + h1[1] + h1[0]
    let h = try header(v1Size)
    let (isut, isstd, leap, timecnt, typecnt, charcnt) = (h[0], h[1], h[2], h[3], h[4], h[5])
    var p = v1Size + 44
    let need = p + timecnt * 9 + typecnt * 6 + charcnt + leap * 12 + isstd + isut
    guard d.count >= need, typecnt > 0 else { throw bad("truncated TZif data") }
    var times: [Int64] = [], idx: [Int] = [], offs: [Int32] = []
    for i in 0..<timecnt { times.append(be64(p + 8 * i)) }
    p += timecnt * 8
    for i in 0..<timecnt { idx.append(Int(d[p + i])) }
    p += timecnt
    for i in 0..<typecnt { offs.append(Int32(truncatingIfNeeded: be32(p + 6 * i))) }
    p += typecnt * 6 + charcnt + leap * 12 + isstd + isut
    for i in idx where i >= typecnt { throw bad("bad type index") }
    // The first type without a transition before it: type 0. Times before
    // year 1 (some files start at -2^59) or after 9999 are left out.
    let first: Int64 = -62_135_596_800, last: Int64 = 253_402_300_799
    var outT: [Int64] = [first], outO: [Int32] = [offs[0]]
    for k in 0..<times.count where times[k] > outT[outT.count - 1] && times[k] <= last {
        outT.append(times[k])
        outO.append(offs[idx[k]])
    }
    // Footer: "\n<TZ>\n".
    if p < d.count, d[p] == 0x0A {
        var end = p + 1
        while end < d.count && d[end] != 0x0A { end += 1 }
        if end < d.count && end > p + 1 {
            let rule = UnsafeBufferPointer(rebasing: d[(p + 1)..<end])
            guard let tz = PosixTZ(rule) else {
                throw bad("unsupported TZ rule \"" + String(decoding: rule, as: UTF8.self) + "\"")
            }
            tz.expand(after: outT[outT.count - 1], through: 2200, into: &outT, &outO)
        }
    }
    return (outT, outO)
}

/// A POSIX TZ rule: "CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0",
/// "<+0545>-5:45", "<-03>3".
struct PosixTZ {
    typealias RuleDate = (kind: UInt8, a: Int, b: Int, c: Int, time: Int)
    var std: Int32
    var dst: Int32?
    /// Kind M (month a, week b, weekday c), J (day a 1..365 without Feb 29)
    /// or N (day a 0..365); time in seconds after local midnight.
    var start: RuleDate = (0, 0, 0, 0, 7200)
    var end: RuleDate = (0, 0, 0, 0, 7200)

    init?(_ s: String) {
        let bytes = Array(s.utf8)
        guard let rule = bytes.withUnsafeBufferPointer({ PosixTZ($0) }) else { return nil }
        self = rule
    }

    init?(_ text: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let n = text.count
        func peek() -> UInt8? { i < n ? text[i] : nil }
        func name() -> Bool {
            if peek() == 0x3C {
                while i < n && text[i] != 0x3E { i += 1 }
                guard i < n else { return false }
                i += 1
                return true
            }
            var letters = 0
            while let c = peek(), (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A { i += 1; letters += 1 }
            return letters >= 3
        }
        /// Up to four digits (no rule needs more).
        func number() -> Int? {
            var v = 0, digits = 0
            while let c = peek(), c >= 0x30 && c <= 0x39, digits < 4 { v = v * 10 + Int(c - 0x30); i += 1; digits += 1 }
            return digits > 0 ? v : nil
        }
        func hms(signed: Bool) -> Int? {
            var sign = 1
            if signed, let c = peek(), c == 0x2B || c == 0x2D { sign = c == 0x2D ? -1 : 1; i += 1 }
            guard let h = number(), h <= 167 else { return nil }
            var v = h * 3600
            if peek() == 0x3A { i += 1; guard let m = number(), m < 60 else { return nil }; v += m * 60 }
            if peek() == 0x3A { i += 1; guard let s = number(), s < 60 else { return nil }; v += s }
            return sign * v
        }
        func date() -> RuleDate? {
            var r: RuleDate = (0x4E, 0, 0, 0, 7200)
            if peek() == 0x4D {
                i += 1
                guard let m = number(), (1...12).contains(m), peek() == 0x2E else { return nil }
                i += 1
                guard let w = number(), (1...5).contains(w), peek() == 0x2E else { return nil }
                i += 1
                guard let wd = number(), wd <= 6 else { return nil }
                r = (0x4D, m, w, wd, 7200)
            } else if peek() == 0x4A {
                i += 1
                guard let day = number(), (1...365).contains(day) else { return nil }
                r = (0x4A, day, 0, 0, 7200)
            } else {
                guard let day = number(), day <= 365 else { return nil }
                r.a = day
            }
            if peek() == 0x2F { i += 1; guard let t = hms(signed: true) else { return nil }; r.time = t }
            return r
        }
        guard name(), let o = hms(signed: true), o <= 26 * 3600 && o >= -26 * 3600 else { return nil }
        std = Int32(-o)
        if i == n { dst = nil; return }
        guard name() else { return nil }
        if let c = peek(), c != 0x2C {
            guard let o2 = hms(signed: true), o2 <= 26 * 3600 && o2 >= -26 * 3600 else { return nil }
            dst = Int32(-o2)
        } else {
            dst = std + 3600
        }
        guard peek() == 0x2C else { return nil }
        i += 1
        guard let s1 = date(), peek() == 0x2C else { return nil }
        i += 1
        guard let e1 = date(), i == n else { return nil }
        start = s1
        end = e1
    }

    /// Local days since the epoch of a rule date in `year`.
    private func day(_ r: RuleDate, _ year: Int64) -> Int64 {
        switch r.kind {
        case 0x4D:
            let first = dayNumber(year: year, month: Int64(r.a), day: 1)
            // Weekday with Sunday = 0.
            let wdFirst = (weekday(day: first) + 1) % 7
            var d = first + Int64((r.c - wdFirst + 7) % 7) + Int64(r.b - 1) * 7
            let nextMonth = r.a == 12 ? dayNumber(year: year + 1, month: 1, day: 1)
                : dayNumber(year: year, month: Int64(r.a) + 1, day: 1)
            while d >= nextMonth { d -= 7 }
            return d
        case 0x4A:
            let jan1 = dayNumber(year: year, month: 1, day: 1)
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return jan1 + Int64(r.a - 1) + (leap && r.a >= 60 ? 1 : 0)
        default:
            return dayNumber(year: year, month: 1, day: 1) + Int64(r.a)
        }
    }

    func expand(after last: Int64, through endYear: Int64, into t: inout [Int64], _ o: inout [Int32]) {
        guard let dst else {
            if o[o.count - 1] != std { t.append(last + 1); o.append(std) }
            return
        }
        let startYear = civilDate(day: last / 86400).year
        guard startYear <= endYear else { return }
        for year in startYear...endYear {
            // Start: local standard time; end: local daylight time.
            let on = day(start, year) * 86400 + Int64(start.time) - Int64(std)
            let off = day(end, year) * 86400 + Int64(end.time) - Int64(dst)
            let first = on < off ? (on, dst) : (off, std), second = on < off ? (off, std) : (on, dst)
            for (at, offset) in [first, second] where at > t[t.count - 1] {
                t.append(at)
                o.append(offset)
            }
        }
    }
}
