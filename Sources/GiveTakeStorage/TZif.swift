// Zone rules from the system tz database (/usr/share/zoneinfo, TZif
// version 2 or later): the 64-bit transitions, then the POSIX TZ footer
// rule expanded for the years after the last transition (through 2200),
// as the transition list the engine takes (ZoneRules).
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

public enum TZif {
    public static let directory = "/usr/share/zoneinfo"

    /// Transitions (Unix seconds) and the UTC offset from each on; "UTC"
    /// and "Etc/UTC" work without a file.
    public static func load(_ name: String) throws -> ZoneRules {
        if name == "UTC" || name == "Etc/UTC" { return .utc }
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains(".."),
              name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw StorageError("unknown time zone \"\(name)\"")
        }
        guard let data = readWholeFile(directory + "/" + name) else {
            throw StorageError("unknown time zone \"\(name)\" (no file in \(directory))")
        }
        let (t, o) = try parse(data, name: name)
        return try t.withUnsafeBufferPointer { a in
            try o.withUnsafeBufferPointer { b in try ZoneRules(transitionSeconds: a, offsetSeconds: b) }
        }
    }

    static func parse(_ d: [UInt8], name: String) throws -> ([Int64], [Int32]) {
        func bad(_ why: String) -> StorageError { StorageError("time zone \"\(name)\": \(why)") }
        func be32(_ at: Int) -> Int64 {
            Int64(Int32(bitPattern: UInt32(d[at]) << 24 | UInt32(d[at + 1]) << 16 | UInt32(d[at + 2]) << 8 | UInt32(d[at + 3])))
        }
        func be64(_ at: Int) -> Int64 { (be32(at) << 32) | (be32(at + 4) & 0xFFFF_FFFF) }
        func header(_ at: Int) throws -> [Int] {
            guard d.count >= at + 44, d[at] == 0x54, d[at + 1] == 0x5A, d[at + 2] == 0x69, d[at + 3] == 0x66 else {
                throw bad("not a TZif file")
            }
            return (0..<6).map { Int(be32(at + 20 + 4 * $0)) }  // isut, isstd, leap, time, type, char
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
        // The first type without a transition before it: type 0.
        var outT: [Int64] = [Int64(-62_135_596_800)], outO: [Int32] = [offs[0]]
        for (k, t) in times.enumerated() where t > outT.last! {
            outT.append(t)
            outO.append(offs[idx[k]])
        }
        // Footer: "\n<TZ>\n".
        if p < d.count, d[p] == 0x0A, let end = d[(p + 1)...].firstIndex(of: 0x0A), end > p + 1 {
            let tz = String(decoding: d[(p + 1)..<end], as: UTF8.self)
            guard let rule = PosixTZ(tz) else { throw bad("unsupported TZ rule \"\(tz)\"") }
            rule.expand(after: outT.last!, through: 2200, into: &outT, &outO)
        }
        return (outT, outO)
    }
}

/// A POSIX TZ rule: "CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0",
/// "<+0545>-5:45", "<-03>3".
struct PosixTZ {
    var std: Int32
    var dst: Int32?
    /// (kind, a, b, c, time): kind M (month a, week b, weekday c), J (day a
    /// 1..365 without Feb 29) or N (day a 0..365).
    var start = (kind: UInt8(0), a: 0, b: 0, c: 0, time: 7200)
    var end = (kind: UInt8(0), a: 0, b: 0, c: 0, time: 7200)

    init?(_ s: String) {
        var b = Array(s.utf8)[...]
        func name() -> Bool {
            if b.first == 0x3C {
                guard let close = b.firstIndex(of: 0x3E) else { return false }
                b = b[(close + 1)...]
                return true
            }
            var n = 0
            while let c = b.first, (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A { b = b.dropFirst(); n += 1 }
            return n >= 3
        }
        func number() -> Int? {
            var v = 0, n = 0
            while let c = b.first, c >= 0x30 && c <= 0x39 { v = v * 10 + Int(c - 0x30); b = b.dropFirst(); n += 1 }
            return n > 0 ? v : nil
        }
        func hms(signed: Bool) -> Int? {
            var sign = 1
            if signed, let c = b.first, c == 0x2B || c == 0x2D { sign = c == 0x2D ? -1 : 1; b = b.dropFirst() }
            guard let h = number() else { return nil }
            var v = h * 3600
            if b.first == 0x3A { b = b.dropFirst(); guard let m = number() else { return nil }; v += m * 60 }
            if b.first == 0x3A { b = b.dropFirst(); guard let s = number() else { return nil }; v += s }
            return sign * v
        }
        func date() -> (kind: UInt8, a: Int, b: Int, c: Int, time: Int)? {
            var r = (kind: UInt8(0x4E), a: 0, b: 0, c: 0, time: 7200)
            if b.first == 0x4D {
                b = b.dropFirst()
                guard let m = number(), b.first == 0x2E else { return nil }
                b = b.dropFirst()
                guard let w = number(), b.first == 0x2E else { return nil }
                b = b.dropFirst()
                guard let wd = number() else { return nil }
                r = (0x4D, m, w, wd, 7200)
            } else if b.first == 0x4A {
                b = b.dropFirst()
                guard let n = number() else { return nil }
                r = (0x4A, n, 0, 0, 7200)
            } else {
                guard let n = number() else { return nil }
                r.a = n
            }
            if b.first == 0x2F { b = b.dropFirst(); guard let t = hms(signed: true) else { return nil }; r.time = t }
            return r
        }
        guard name(), let o = hms(signed: true) else { return nil }
        std = Int32(-o)
        if b.isEmpty { dst = nil; return }
        guard name() else { return nil }
        if let c = b.first, c != 0x2C {
            guard let o2 = hms(signed: true) else { return nil }
            dst = Int32(-o2)
        } else {
            dst = std + 3600
        }
        guard b.first == 0x2C else { return nil }
        b = b.dropFirst()
        guard let s1 = date(), b.first == 0x2C else { return nil }
        b = b.dropFirst()
        guard let e1 = date(), b.isEmpty else { return nil }
        start = s1
        end = e1
    }

    /// Local seconds since the epoch of a rule date's midnight in `year`.
    private func day(_ r: (kind: UInt8, a: Int, b: Int, c: Int, time: Int), _ year: Int64) -> Int64 {
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
            if o.last != std { t.append(last + 1); o.append(std) }
            return
        }
        let startYear = civilDate(day: last / 86400).year
        guard startYear <= endYear else { return }
        for year in startYear...endYear {
            // Start: local standard time; end: local daylight time.
            let on = day(start, year) * 86400 + Int64(start.time) - Int64(std)
            let off = day(end, year) * 86400 + Int64(end.time) - Int64(dst)
            for (at, offset) in (on < off ? [(on, dst), (off, std)] : [(off, std), (on, dst)]) where at > t.last! {
                t.append(at)
                o.append(offset)
            }
        }
    }
}

private func readWholeFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}
