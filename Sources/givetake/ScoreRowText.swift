// A score row's values as text, written into a ByteBuffer: plain (tables,
// CSV fields), CSV-quoted and JSON. Doubles in their shortest exact form,
// times as 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC.
#if CLI  // the CLI trait (Package.swift)
import GiveTakeStorage

extension ByteBuffer {
    /// Column `k` as plain text; false (nothing written) for null.
    @discardableResult
    func append(field row: ScoreRow, _ k: Int) -> Bool {
        switch row.kind(k) {
        case .null: return false
        case .int: append(int: row.int(k))
        case .real: append(real: row.real(k))
        case .text: row.withText(k) { append($0) }
        case .time: append(time: row.int(k))
        case .bool: append(row.int(k) != 0 ? "true" : "false")
        }
        return true
    }

    /// Column `k` as plain text, "-" for null (or a missing column, k < 0).
    func append(cell row: ScoreRow, _ k: Int) {
        if k < 0 || !append(field: row, k) { append("-") }
    }

    /// Column `k` as a CSV field: empty for null, quoted (quotes doubled)
    /// when it holds a comma, quote, LF or CR.
    func append(csv row: ScoreRow, _ k: Int) {
        guard row.kind(k) == .text else { return _ = append(field: row, k) }
        row.withText(k) { b in
            // Non-ASCII text and CR are checked by character, as String does
            // it (CR LF is one character, neither CR nor LF).
            guard isPlainASCII(b) else { return append(string: csvQuoted(String(decoding: b, as: UTF8.self))) }
            let quote = UInt8(ascii: "\"")
            guard b.contains(where: { $0 == UInt8(ascii: ",") || $0 == quote || $0 == 0x0A }) else { return append(b) }
            append(quote)
            for c in b {
                if c == quote { append(quote) }
                append(c)
            }
            append(quote)
        }
    }

    /// Column `k` as a JSON value.
    func append(json row: ScoreRow, _ k: Int) {
        switch row.kind(k) {
        case .null: append("null")
        case .int: append(int: row.int(k))
        case .real: let v = row.real(k); if v.isFinite { append(real: v) } else { append("null") }
        case .bool: append(row.int(k) != 0 ? "true" : "false")
        case .text: row.withText(k) { appendJSONString($0) }
        case .time:
            append(UInt8(ascii: "\""))
            append(time: row.int(k))
            append(UInt8(ascii: "\""))
        }
    }

    /// A JSON string of valid UTF-8 text: quote, backslash and control
    /// characters escaped, the rest as it is.
    func appendJSONString(_ b: UnsafeBufferPointer<UInt8>) {
        let hex: StaticString = "0123456789abcdef"
        append(UInt8(ascii: "\""))
        for c in b {
            switch c {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20:
                append("\\u00")
                append(hex.utf8Start[Int(c >> 4)])
                append(hex.utf8Start[Int(c & 15)])
            default: append(c)
            }
        }
        append(UInt8(ascii: "\""))
    }
}

/// A CSV field by characters (what the byte path does for plain ASCII).
private func csvQuoted(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    var out = "\""
    for c in s { if c == "\"" { out += "\"\"" } else { out.append(c) } }
    return out + "\""
}

/// A real column's value: reals, and integers read as reals; nil otherwise.
func realValue(_ row: ScoreRow, _ k: Int) -> Double? {
    guard k >= 0 else { return nil }
    switch row.kind(k) {
    case .real: return row.real(k)
    case .int: return Double(row.int(k))
    default: return nil
    }
}
#endif
