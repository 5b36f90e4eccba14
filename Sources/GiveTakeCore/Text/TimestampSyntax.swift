// Timestamps as text: the forms every host accepts for created_at, and the
// one form the score tables store. Values are microseconds since the Unix
// epoch, UTC. One parser and one formatter, behind the CLI's readers and
// writers and the C ABI's gt_time_parse / gt_time_format.

/// Bytes `formatTimestamp` may write (a sign, a six-digit year, the
/// fraction); the C ABI adds one for the NUL.
public let timestampTextCapacity = 31

/// Parses 'YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|(+|-)HH[:MM]]', or Unix
/// seconds ('1700000000', '-5', '1700000000.5'). Digits past the sixth of a
/// fraction are ignored. nil when malformed, or Unix seconds beyond about
/// ±285,000 years (the microseconds would not fit an Int64).
public func parseTimestamp(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
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
    var h: Int64 = 0, mi: Int64 = 0, s: Int64 = 0
    var frac: Int64 = 0
    if i < n && (b[i] == 0x20 || b[i] == 0x54 || b[i] == 0x74) {
        i += 1
        guard let hh = digits(2), expect(0x3A), let mm = digits(2), hh <= 23, mm <= 59 else { return nil }
        h = hh; mi = mm
        if expect(0x3A) {
            guard let ss = digits(2), ss <= 60 else { return nil }
            s = ss
            if expect(0x2E) {
                guard let f = fraction(b, &i) else { return nil }
                frac = f
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
    let day = dayNumber(year: y, month: mo, day: d)
    // A day past its month's end ("2026-02-30") is no date.
    guard civilDate(day: day) == (y, mo, d) else { return nil }
    let secs = day * 86400 + h * 3600 + mi * 60 + s - offset
    return secs * 1_000_000 + frac
}

/// The digits after a '.', as microseconds (at least one digit; those past
/// the sixth are read and ignored); `i` moves past them.
@inline(__always)
private func fraction(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int64? {
    var frac: Int64 = 0
    var scale: Int64 = 100_000
    var any = false
    while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
        frac += Int64(b[i] - 0x30) * scale
        scale /= 10
        any = true
        i += 1
    }
    return any ? frac : nil
}

private func parseUnixSeconds(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
    var i = 0
    var negative = false
    if i < b.count && (b[i] == 0x2D || b[i] == 0x2B) { negative = b[i] == 0x2D; i += 1 }
    var whole: Int64 = 0
    var any = false
    while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
        // 9e12 s keeps whole * 1e6 + frac inside Int64.
        guard whole < 900_000_000_000 else { return nil }
        whole = whole * 10 + Int64(b[i] - 0x30); i += 1; any = true
    }
    var frac: Int64 = 0
    if i < b.count && b[i] == 0x2E {
        i += 1
        if let f = fraction(b, &i) { frac = f; any = true }
    }
    guard any, i == b.count else { return nil }
    let v = whole * 1_000_000 + frac
    return negative ? -v : v
}

/// Writes 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC (the fraction only when
/// non-zero; years beyond 9999 take more digits, years before 1 a '-') to
/// `out`, which holds at least `timestampTextCapacity` bytes; returns the
/// number of bytes written.
public func formatTimestamp(_ micros: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var secs = micros / 1_000_000
    var frac = micros % 1_000_000
    if frac < 0 { frac += 1_000_000; secs -= 1 }
    var day = secs / 86400
    var rem = secs % 86400
    if rem < 0 { rem += 86400; day -= 1 }
    let (y, m, d) = civilDate(day: day)
    var n = 0
    func put(_ v: Int64, _ width: Int) {
        var v = v, i = width
        while i > 0 { i -= 1; out[n + i] = UInt8(truncatingIfNeeded: v % 10) + 0x30; v /= 10 }
        n += width
    }
    func sep(_ c: UInt8) { out[n] = c; n += 1 }
    var year = y
    if year < 0 { sep(0x2D); year = -year }
    var width = 4, limit: Int64 = 10_000
    while year >= limit { width += 1; limit *= 10 }
    put(year, width); sep(0x2D); put(m, 2); sep(0x2D); put(d, 2); sep(0x20)
    put(rem / 3600, 2); sep(0x3A); put(rem / 60 % 60, 2); sep(0x3A); put(rem % 60, 2)
    if frac != 0 { sep(0x2E); put(frac, 6) }
    return n
}
