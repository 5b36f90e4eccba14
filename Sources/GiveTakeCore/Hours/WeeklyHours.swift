// Weekly opening hours in one human-readable format, used by every host:
//
//   Mon-Fri 09:00-12:30, 13:30-17:00; Sat 10:00-14:00
//
// Groups are separated by ';'. A group is a day list (a name `Mon`..`Sun`,
// a range `Mon-Fri`, which may wrap like `Fri-Mon`, or a comma list
// `Mon,Wed`) and one or more local intervals `HH:MM-HH:MM` separated by
// ','; an end may be `24:00`. Empty text means no open intervals.

/// Local open intervals per weekday (Monday = 0), in minutes since local
/// midnight, sorted and non-overlapping.
public struct WeeklyHours: Sendable, Equatable {
    public var days: [[MinuteRange]]

    public init() { days = [[MinuteRange]](repeating: [], count: 7) }

    public var isEmpty: Bool {
        for d in days where !d.isEmpty { return false }
        return true
    }
}

public struct MinuteRange: Sendable, Equatable {
    public var start: Int32
    public var end: Int32
    public init(start: Int32, end: Int32) { self.start = start; self.end = end }
}

let dayNames: [StaticString] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

extension WeeklyHours {
    /// Parses the hours format; the error names the offending text.
    public static func parse(_ text: UnsafeBufferPointer<UInt8>) throws(GiveTakeError) -> WeeklyHours {
        var p = HoursParser(text: text)
        return try p.parse()
    }

    public static func parse(_ text: String) throws(GiveTakeError) -> WeeklyHours {
        var copy = text
        var result: WeeklyHours? = nil
        var failure: GiveTakeError? = nil
        copy.withUTF8 { b in
            do throws(GiveTakeError) { result = try parse(b) } catch { failure = error }
        }
        if let failure { throw failure }
        return result!
    }

    /// The canonical text of these hours (one group per weekday).
    public var text: String {
        var out: [UInt8] = []
        for d in 0..<7 where !days[d].isEmpty {
            if !out.isEmpty { out += [0x3B, 0x20] }
            let name = dayNames[d]
            out += UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            out.append(0x20)
            for (i, r) in days[d].enumerated() {
                if i > 0 { out += [0x2C, 0x20] }
                appendClock(&out, r.start)
                out.append(0x2D)
                appendClock(&out, r.end)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

private func appendClock(_ out: inout [UInt8], _ minutes: Int32) {
    let h = minutes / 60, m = minutes % 60
    out += [UInt8(0x30 + h / 10), UInt8(0x30 + h % 10), 0x3A, UInt8(0x30 + m / 10), UInt8(0x30 + m % 10)]
}

private func clockText(_ minutes: Int32) -> String {
    var b: [UInt8] = []
    appendClock(&b, minutes)
    return String(decoding: b, as: UTF8.self)
}

struct HoursParser {
    let text: UnsafeBufferPointer<UInt8>
    var i = 0

    init(text: UnsafeBufferPointer<UInt8>) { self.text = text }

    private func fail(_ what: String, at start: Int) -> GiveTakeError {
        var end = start
        while end < text.count && text[end] != 0x3B { end &+= 1 }
        let near = start < text.count
            ? " at \"" + String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self) + "\""
            : " at the end"
        return GiveTakeError(.parse, "hours \"" + String(decoding: text, as: UTF8.self) + "\": " + what + near)
    }

    private mutating func skipSpaces() {
        while i < text.count && (text[i] == 0x20 || text[i] == 0x09) { i &+= 1 }
    }

    private func peek() -> UInt8? { i < text.count ? text[i] : nil }

    private func isLetter(_ b: UInt8?) -> Bool {
        guard let b else { return false }
        return (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
    }

    private mutating func day() throws(GiveTakeError) -> Int {
        let start = i
        guard i &+ 3 <= text.count else { throw fail("expected a day name (Mon..Sun)", at: start) }
        for d in 0..<7 {
            let n = dayNames[d].utf8Start
            var same = true
            for k in 0..<3 where (text[i &+ k] | 0x20) != (n[k] | 0x20) { same = false }
            if same && !isLetter(i &+ 3 < text.count ? text[i &+ 3] : nil) {
                i &+= 3
                return d
            }
        }
        throw fail("expected a day name (Mon..Sun)", at: start)
    }

    private mutating func digits2() -> Int32? {
        guard i &+ 2 <= text.count else { return nil }
        let a = text[i], b = text[i &+ 1]
        guard a >= 0x30 && a <= 0x39 && b >= 0x30 && b <= 0x39 else { return nil }
        i &+= 2
        return Int32(a &- 0x30) * 10 + Int32(b &- 0x30)
    }

    private mutating func clock() throws(GiveTakeError) -> Int32 {
        let start = i
        guard let h = digits2(), peek() == 0x3A else { throw fail("expected a time HH:MM", at: start) }
        i &+= 1
        guard let m = digits2(), h <= 24, m <= 59, h < 24 || m == 0 else {
            throw fail("expected a time HH:MM between 00:00 and 24:00", at: start)
        }
        return h * 60 + m
    }

    mutating func parse() throws(GiveTakeError) -> WeeklyHours {
        var hours = WeeklyHours()
        skipSpaces()
        while i < text.count {
            if peek() == 0x3B { i &+= 1; skipSpaces(); continue }
            let groupStart = i
            // Day list.
            var selected = [Bool](repeating: false, count: 7)
            while true {
                let first = try day()
                var last = first
                if peek() == 0x2D {
                    i &+= 1
                    last = try day()
                }
                var d = first
                while true {
                    selected[d] = true
                    if d == last { break }
                    d = (d &+ 1) % 7
                }
                let save = i
                skipSpaces()
                if peek() == 0x2C {
                    i &+= 1
                    skipSpaces()
                    if isLetter(peek()) { continue }
                }
                i = save
                break
            }
            skipSpaces()
            if i == text.count || peek() == 0x3B { throw fail("expected open intervals after the days", at: groupStart) }
            // Intervals.
            while true {
                let at = i
                let s = try clock()
                guard peek() == 0x2D else { throw fail("expected '-' between two times", at: at) }
                i &+= 1
                let e = try clock()
                if s == 24 * 60 { throw fail("an interval cannot start at 24:00", at: at) }
                if e <= s { throw fail("interval end is not after its start", at: at) }
                for d in 0..<7 where selected[d] { hours.days[d].append(MinuteRange(start: s, end: e)) }
                skipSpaces()
                if peek() == 0x2C { i &+= 1; skipSpaces(); continue }
                if i == text.count || peek() == 0x3B { break }
                throw fail("expected ',' or ';'", at: i)
            }
        }
        for d in 0..<7 {
            hours.days[d].sort { $0.start < $1.start }
            let ranges = hours.days[d]
            if ranges.count > 1 {
                for k in 1..<ranges.count where ranges[k].start < ranges[k &- 1].end {
                    throw GiveTakeError(.parse, "hours \"" + String(decoding: text, as: UTF8.self)
                                        + "\": overlapping intervals on " + string(dayNames[d]) + ": "
                                        + clockText(ranges[k &- 1].start) + "-" + clockText(ranges[k &- 1].end)
                                        + " and " + clockText(ranges[k].start) + "-" + clockText(ranges[k].end))
                }
            }
        }
        return hours
    }
}
