// Numbers and times as text, written straight into a ByteBuffer (no
// Foundation, no String per value). The String forms used elsewhere (the
// report, summaries) are the same code.
#if CLI  // the CLI trait (Package.swift)
extension ByteBuffer {
    /// Decimal digits, as String(v).
    func append(int v: Int64) {
        var m = v.magnitude
        var digits = 1
        var t = m
        while t >= 10 { t /= 10; digits += 1 }
        let sign = v < 0 ? 1 : 0
        let p = reserve(digits + sign)
        if sign == 1 { p[0] = UInt8(ascii: "-") }
        var i = digits + sign
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: m % 10) &+ 0x30
            m /= 10
        } while m > 0
        commit(digits + sign)
    }

    /// The shortest text that reads back as `v`, as v.description.
    func append(real v: Double) {
        // Double.write prints a NaN's sign and payload; description does not.
        if v.isNaN { return append("nan") }
        var target = self
        v.write(to: &target)
    }

    /// 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC, as Timestamp.format.
    func append(time micros: Int64) {
        timestamps.format(micros) { append($0) }
    }

    /// `digits` decimals, rounded half away from zero; "-0.0" never.
    func append(fixed v: Double, _ digits: Int) {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = (abs(v) * scale).rounded()
        // Past Int64 (a stored table edited by hand), or not a number.
        guard n < 9.0e18 else { return append(real: v) }
        if v < 0 && n > 0 { append(UInt8(ascii: "-")) }
        append(int: Int64(n / scale))
        if digits == 0 { return }
        let frac = Int64(n.truncatingRemainder(dividingBy: scale))
        append(UInt8(ascii: "."))
        var width = 1
        var t = frac
        while t >= 10 { t /= 10; width += 1 }
        append(repeating: UInt8(ascii: "0"), count: digits - width)
        append(int: frac)
    }

    /// `fixed`, or "-" for no value.
    func append(opt v: Double?, _ digits: Int) {
        guard let v else { return append("-") }
        append(fixed: v, digits)
    }

    /// 12.3%, or "-".
    func append(percent v: Double?) {
        guard let v else { return append("-") }
        append(fixed: v * 100, 1)
        append(UInt8(ascii: "%"))
    }

    /// 45s, 12m 05s, 3h 20m, 2d 04h; "-" for no value.
    func append(duration seconds: Double?) {
        guard let s = seconds else { return append("-") }
        guard abs(s) < 9.0e18 else { append(real: s); return append("s") }
        let t = Int64(s.rounded())
        func two(_ v: Int64) {
            if v < 10 { append(UInt8(ascii: "0")) }
            append(int: v)
        }
        if t < 60 {
            append(int: t); append("s")
        } else if t < 3600 {
            append(int: t / 60); append("m "); two(t % 60); append("s")
        } else if t < 86400 {
            append(int: t / 3600); append("h "); two(t / 60 % 60); append("m")
        } else {
            append(int: t / 86400); append("d "); two(t / 3600 % 24); append("h")
        }
    }
}

func fixed(_ v: Double, _ digits: Int) -> String { collected { $0.append(fixed: v, digits) } }
func opt(_ v: Double?, _ digits: Int) -> String { collected { $0.append(opt: v, digits) } }
func percent(_ v: Double?) -> String { collected { $0.append(percent: v) } }
func duration(_ seconds: Double?) -> String { collected { $0.append(duration: seconds) } }

/// 1234567 -> "1,234,567".
func grouped(_ n: Int) -> String {
    let s = String(n.magnitude)
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

func rate(_ rowsPerSecond: Double) -> String {
    rowsPerSecond >= 1e6 ? fixed(rowsPerSecond / 1e6, 2) + " M rows/s" : fixed(rowsPerSecond / 1e3, 1) + " k rows/s"
}
#endif
