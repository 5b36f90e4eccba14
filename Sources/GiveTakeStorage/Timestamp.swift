// Timestamps: microseconds since the Unix epoch, UTC. SQLite stores them as
// ISO-8601 text (or Unix seconds); PostgreSQL's binary COPY counts from
// 2000-01-01. Calendar arithmetic is the engine's (dayNumber, civilDate).
import GiveTakeCore

public enum Timestamp {
    /// Microseconds from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch).
    public static let postgresEpochOffset: Int64 = 946_684_800_000_000

    /// Parses 'YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|(+|-)HH[:MM]]', or
    /// Unix seconds ('1700000000', '1700000000.5'). nil when malformed.
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = b.count
        @inline(__always) func digits(_ count: Int) -> Int64? {
            guard i + count <= n else { return nil }
            var v: Int64 = 0
            for k in 0..<count {
                let c = b[i + k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            i += count
            return v
        }
        @inline(__always) func expect(_ c: UInt8) -> Bool {
            if i < n && b[i] == c { i += 1; return true }
            return false
        }
        // Unix seconds: no '-' after four digits.
        if n > 0 && !(n >= 5 && b[4] == 0x2D) {
            return parseUnixSeconds(b)
        }
        guard let y = digits(4), expect(0x2D), let mo = digits(2), expect(0x2D), let d = digits(2),
              mo >= 1, mo <= 12, d >= 1, d <= 31 else { return nil }
        var h: Int64 = 0, mi: Int64 = 0, s: Int64 = 0, frac: Int64 = 0
        if i < n && (b[i] == 0x20 || b[i] == 0x54 || b[i] == 0x74) {
            i += 1
            guard let hh = digits(2), expect(0x3A), let mm = digits(2), hh <= 23, mm <= 59 else { return nil }
            h = hh; mi = mm
            if expect(0x3A) {
                guard let ss = digits(2), ss <= 60 else { return nil }
                s = ss
                if expect(0x2E) {
                    var scale: Int64 = 100_000
                    var any = false
                    while i < n && b[i] >= 0x30 && b[i] <= 0x39 {
                        frac += Int64(b[i] - 0x30) * scale
                        scale /= 10
                        any = true
                        i += 1
                    }
                    if !any { return nil }
                }
            }
        }
        var offset: Int64 = 0
        if i < n {
            if b[i] == 0x5A || b[i] == 0x7A {
                i += 1
            } else if b[i] == 0x2B || b[i] == 0x2D {
                let sign: Int64 = b[i] == 0x2D ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                var om: Int64 = 0
                if expect(0x3A) {
                    guard let m2 = digits(2) else { return nil }
                    om = m2
                } else if i + 2 <= n, let m2 = digits(2) {
                    om = m2
                }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == n else { return nil }
        let secs = dayNumber(year: y, month: mo, day: d) * 86400 + h * 3600 + mi * 60 + s - offset
        return secs * 1_000_000 + frac
    }

    static func parseUnixSeconds(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < b.count && (b[i] == 0x2D || b[i] == 0x2B) { negative = b[i] == 0x2D; i += 1 }
        var whole: Int64 = 0
        var any = false
        while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
            guard whole < 100_000_000_000_000 else { return nil }
            whole = whole * 10 + Int64(b[i] - 0x30); i += 1; any = true
        }
        var frac: Int64 = 0
        if i < b.count && b[i] == 0x2E {
            i += 1
            var scale: Int64 = 100_000
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
                frac += Int64(b[i] - 0x30) * scale; scale /= 10; i += 1; any = true
            }
        }
        guard any, i == b.count else { return nil }
        let v = whole * 1_000_000 + frac
        return negative ? -v : v
    }

    /// Unix seconds as a REAL (SQLite), rounded to the microsecond.
    public static func fromUnixSeconds(_ s: Double) -> Int64? {
        guard s.isFinite, abs(s) < 2.6e11 else { return nil }
        return Int64((s * 1_000_000).rounded())
    }

    /// 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC; the fraction only when non-zero.
    public static func format(_ micros: Int64) -> String {
        var text = TimestampText()
        return text.format(micros) { String(decoding: $0, as: UTF8.self) }
    }
}

/// Formats timestamps ('YYYY-MM-DD HH:MM:SS[.ffffff]' UTC, the fraction
/// only when non-zero; years beyond 9999 take more digits) into a reused
/// buffer: the one formatter behind Timestamp.format and the writers.
public struct TimestampText {
    private var buf = [UInt8](repeating: 0, count: 40)

    public init() {}

    public mutating func format<R>(_ micros: Int64, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var secs = micros / 1_000_000
        var frac = micros % 1_000_000
        if frac < 0 { frac += 1_000_000; secs -= 1 }
        var day = secs / 86400
        var rem = secs % 86400
        if rem < 0 { rem += 86400; day -= 1 }
        let (y, m, d) = civilDate(day: day)
        return try buf.withUnsafeMutableBufferPointer { b in
            var n = 0
            func put(_ v: Int64, _ width: Int) {
                var v = v, i = width
                while i > 0 { i -= 1; b[n + i] = UInt8(truncatingIfNeeded: v % 10) + 0x30; v /= 10 }
                n += width
            }
            func sep(_ c: UInt8) { b[n] = c; n += 1 }
            var year = y
            if year < 0 { sep(0x2D); year = -year }
            var width = 4, limit: Int64 = 10_000
            while year >= limit { width += 1; limit *= 10 }
            put(year, width); sep(0x2D); put(m, 2); sep(0x2D); put(d, 2); sep(0x20)
            put(rem / 3600, 2); sep(0x3A); put(rem / 60 % 60, 2); sep(0x3A); put(rem % 60, 2)
            if frac != 0 { sep(0x2E); put(frac, 6) }
            return try body(UnsafeBufferPointer(rebasing: b[0..<n]))
        }
    }
}
