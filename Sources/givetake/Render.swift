// Output of the account table: an aligned summary for people (all-channel
// rows), or every row and column as JSON or CSV for programs.
#if CLI  // the CLI trait (Package.swift)
import GiveTakeCore
import GiveTakeStorage

/// Rows handed over one at a time, as often as asked: an aligned table
/// reads them twice (widths, then lines), so no row needs to be kept.
typealias RowFeed<Row> = (@escaping (Row) -> Void) throws -> Void

/// Writes text out as it is produced (stdout, or a String for tests).
typealias TextSink = (String) -> Void

/// Stdout, a line at a time.
func standardOutput(_ text: String) { print(text, terminator: "") }

/// Text written to `body`'s sink, collected in one String.
func collected(_ body: (@escaping TextSink) throws -> Void) rethrows -> String {
    var out = ""
    try body { out += $0 }
    return out
}

func render(_ accounts: [AccountScore], names: AccountNames = [:], format: OutputFormat, asOf: Int64) -> String {
    collected { writeAccounts(format: format, names: names, asOf: asOf, to: $0, rows: { sink in accounts.forEach(sink) }) }
}

/// The account table: all-channel rows aligned for people, every row as
/// JSON or CSV for programs.
func writeAccounts(format: OutputFormat, names: AccountNames, asOf: Int64, to out: @escaping TextSink,
                   rows: RowFeed<AccountScore>) rethrows {
    switch format {
    case .table:
        // With names, a name column follows the account id.
        var columns = tableColumns
        if !names.isEmpty { columns.insert(("name", { names[$0.accountID] ?? "-" }), at: 1) }
        try writeAlignedTable(columns.map(\.0), empty: "(no accounts)", to: out) { sink in
            try rows { a in if a.channel == nil { sink(columns.map { $0.1(a) }) } }
        }
    case .json, .csv:
        try writeRows(scoreColumnNames, format: format, key: "accounts", asOf: asOf, to: out) { sink in
            try rows { sink($0.values(names)) }
        }
    }
}

/// (header, cell) pairs of the people's table.
private let tableColumns: [(String, @Sendable (AccountScore) -> String)] = [
    ("account", { String($0.accountID) }),
    ("needs_ack", { String($0.needsAck) }),
    ("pending", { String($0.pending) }),
    ("ack", { percent($0.ackRate) }),
    ("personal", { percent($0.personalRate) }),
    ("thanks", { percent($0.appreciativeRate) }),
    ("in_sla", { percent($0.slaRate) }),
    ("median_ack", { duration($0.medianAckSeconds) }),
    ("p90_ack", { duration($0.p90AckSeconds) }),
    ("give:take", { "\($0.givePosts):\($0.takePosts)" }),
    ("give_ratio", { opt($0.giveRatio, 2) }),
    ("me_index", { opt($0.meIndex, 2) }),
    ("trust", { opt($0.meanTrust, 1) }),
    ("lift", { opt($0.conversionLift, 2) }),
    ("health", { opt($0.health, 1) }),
    ("anomalies", { String($0.anomalies) }),
]

/// Columns aligned: the first left, the others right.
func alignedTable(_ headers: [String], _ cells: [[String]], empty: String) -> String {
    collected { writeAlignedTable(headers, empty: empty, to: $0, rows: { sink in cells.forEach(sink) }) }
}

/// An aligned table in two passes over `rows`: the column widths, then the
/// lines. `shown`, asked between the passes, picks the columns to print
/// (a feed may note in its first pass whether a column is used).
func writeAlignedTable(_ headers: [String], empty: String, to out: @escaping TextSink,
                       shown: () -> [Int]? = { nil }, rows: RowFeed<[String]>) rethrows {
    var widths = headers.map { $0.count }
    try rows { row in for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
    let columns = shown() ?? Array(headers.indices)
    func line(_ values: [String]) -> String {
        columns.enumerated().map { k, i in
            let pad = String(repeating: " ", count: widths[i] - values[i].count)
            return k == 0 ? values[i] + pad : pad + values[i]
        }.joined(separator: "  ") + "\n"
    }
    out(line(headers))
    out(line(widths.map { String(repeating: "-", count: $0) }))
    var count = 0
    try rows { row in
        out(line(row))
        count += 1
    }
    if count == 0 { out(empty + "\n") }
}

/// account_scores column names (spec section 7, then account_name).
let scoreColumnNames = Schema.accountColumns.map(\.0)

/// A value as text (nil = null); doubles in their shortest exact form,
/// times as 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC.
func field(_ v: ScoreValue) -> String? {
    switch v {
    case .int(let x): return String(x)
    case .real(let x): return x.description
    case .text(let s): return s
    case .time(let t): return Timestamp.format(t)
    case .bool(let b): return b ? "true" : "false"
    case .null: return nil
    }
}

/// Score rows as CSV, JSON ({"as_of", key: [...]}) or an aligned table.
func renderRows(_ columns: [String], _ rows: [[ScoreValue]], format: OutputFormat, key: String,
                asOf: Int64) -> String {
    collected { writeRows(columns, format: format, key: key, asOf: asOf, to: $0, rows: { sink in rows.forEach(sink) }) }
}

/// `renderRows` written as the rows come.
func writeRows(_ columns: [String], format: OutputFormat, key: String, asOf: Int64, to out: @escaping TextSink,
               rows: RowFeed<[ScoreValue]>) rethrows {
    switch format {
    case .table:
        if let people = peopleColumns[key] {
            // Named cells for people: durations, percentages, short times.
            let index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
            // The name column only when the source knows names.
            let nameColumn = index["account_name"]
            var named = false
            try writeAlignedTable(people.map(\.0), empty: "(no \(key))", to: out,
                                  shown: { people.indices.filter { named || people[$0].0 != "name" } }) { sink in
                try rows { r in
                    if let k = nameColumn, r[k] != .null { named = true }
                    sink(people.map { $0.1 { name in index[name].map { r[$0] } ?? .null } })
                }
            }
        } else {
            try writeAlignedTable(columns, empty: "(no \(key))", to: out) { sink in
                try rows { r in sink(r.map { field($0) ?? "-" }) }
            }
        }
    case .csv:
        out(columns.joined(separator: ",") + "\n")
        try rows { r in out(r.map { csvField(field($0)) }.joined(separator: ",") + "\n") }
    case .json:
        out("{\"as_of\": \"\(Timestamp.format(asOf))\", \"\(key)\": [")
        var count = 0
        try rows { r in
            var line = count == 0 ? "\n  {" : ",\n  {"
            for (i, (name, value)) in zip(columns, r).enumerated() {
                if i > 0 { line += ", " }
                line += "\"\(name)\": " + jsonValue(value)
            }
            out(line + "}")
            count += 1
        }
        out(count == 0 ? "]}\n" : "\n]}\n")
    }
}

/// The people's tables of turns and agents: (header, cell from a column
/// lookup) pairs.
private typealias Lookup = (String) -> ScoreValue
private let peopleColumns: [String: [(String, @Sendable (Lookup) -> String)]] = [
    "turns": [
        ("account", { text($0("account_id")) }),
        ("name", { text($0("account_name")) }),
        ("turn", { text($0("turn_id")) }),
        ("thread", { text($0("thread_id")) }),
        ("contact", { text($0("contact_id")) }),
        ("channel", { text($0("channel")) }),
        ("started", { minute($0("started_at")) }),
        ("msgs", { text($0("inbound_rows")) }),
        ("status", { text($0("status")) }),
        ("ack_time", { duration(real($0("time_to_ack_s"))) }),
        ("agent", { text($0("agent_id")) }),
        ("due", { minute($0("due_at")) }),
    ],
    "agents": [
        ("account", { text($0("account_id")) }),
        ("name", { text($0("account_name")) }),
        ("agent", { text($0("agent_id")) }),
        ("acknowledged", { text($0("acknowledged")) }),
        ("median_ack", { duration(real($0("median_ack_s"))) }),
        ("p90_ack", { duration(real($0("p90_ack_s"))) }),
        ("personal", { percent(real($0("personal_rate"))) }),
        ("thanks", { percent(real($0("appreciative_rate"))) }),
        ("in_sla", { percent(real($0("sla_rate"))) }),
        ("give:take", { "\(text($0("give_posts"))):\(text($0("take_posts")))" }),
        ("give_ratio", { opt(real($0("give_ratio")), 2) }),
        ("me_index", { opt(real($0("me_index")), 2) }),
    ],
]

private func text(_ v: ScoreValue) -> String { field(v) ?? "-" }
private func real(_ v: ScoreValue) -> Double? {
    switch v {
    case .real(let x): return x
    case .int(let x): return Double(x)
    default: return nil
    }
}
/// 'YYYY-MM-DD HH:MM' UTC.
private func minute(_ v: ScoreValue) -> String {
    guard let s = field(v) else { return "-" }
    return String(s.prefix(16))
}

private func csvField(_ s: String?) -> String {
    guard let s else { return "" }
    if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + s.replacingAll("\"", "\"\"") + "\""
    }
    return s
}

private func jsonValue(_ v: ScoreValue) -> String {
    switch v {
    case .int(let x): return String(x)
    case .real(let x): return x.isFinite ? x.description : "null"
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .text, .time:
        var out = "\""
        for u in (field(v) ?? "").unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    func replacingAll(_ target: Character, _ with: String) -> String {
        var out = ""
        for c in self { if c == target { out += with } else { out.append(c) } }
        return out
    }
}

// MARK: Number formatting (no Foundation)

func fixed(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite else { return v.description }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let n = (abs(v) * scale).rounded()
    var whole = String(Int64(n / scale))
    if v < 0 && n > 0 { whole = "-" + whole }
    if digits == 0 { return whole }
    let frac = String(Int64(n.truncatingRemainder(dividingBy: scale)))
    return whole + "." + String(repeating: "0", count: digits - frac.count) + frac
}

func opt(_ v: Double?, _ digits: Int) -> String { v.map { fixed($0, digits) } ?? "-" }
func percent(_ v: Double?) -> String { v.map { fixed($0 * 100, 1) + "%" } ?? "-" }

/// 45s, 12m 05s, 3h 20m, 2d 04h.
func duration(_ seconds: Double?) -> String {
    guard let s = seconds else { return "-" }
    let t = Int64(s.rounded())
    func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
    if t < 60 { return "\(t)s" }
    if t < 3600 { return "\(t / 60)m \(two(t % 60))s" }
    if t < 86400 { return "\(t / 3600)h \(two(t / 60 % 60))m" }
    return "\(t / 86400)d \(two(t / 3600 % 24))h"
}

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

/// The trend of `score --period`: one line per account with its periods,
/// a sparkline each for ack rate, median time to acknowledge and give
/// ratio (oldest left; '·' = no value), and the latest period's values.
/// `rows` come ordered by account, then period; only one account's rows
/// are held at a time.
func writeTrend(period: String, names: AccountNames, to out: @escaping TextSink,
                rows: RowFeed<[ScoreValue]>) rethrows {
    func real(_ v: ScoreValue) -> Double? { if case .real(let x) = v { return x }; return nil }
    func text(_ v: ScoreValue) -> String { if case .text(let s) = v { return s }; return "" }
    let ack = Schema.periodColumns.firstIndex { $0.0 == "ack_rate" }!
    let median = Schema.periodColumns.firstIndex { $0.0 == "median_ack_s" }!
    let give = Schema.periodColumns.firstIndex { $0.0 == "give_ratio" }!
    func line(_ a: Int64, _ rs: [[ScoreValue]]) -> [String] {
        let last = rs.last!
        return [
            String(a), names[a] ?? "-", "\(rs.count)", text(rs.first![1]) + ".." + text(last[1]),
            sparkline(rs.map { real($0[ack]) }), real(last[ack]).map { fixed($0 * 100, 0) + "%" } ?? "-",
            sparkline(rs.map { real($0[median]) }), real(last[median]).map { fixed($0 / 60, 1) + "m" } ?? "-",
            sparkline(rs.map { real($0[give]) }), real(last[give]).map { fixed($0, 2) } ?? "-",
        ]
    }
    try writeAlignedTable(["account", "name", period + "s", "from..to", "ack rate", "last", "median ack", "last",
                           "give ratio", "last"], empty: "(no periods)", to: out) { sink in
        var account: Int64 = 0
        var periods: [[ScoreValue]] = []
        try rows { r in
            guard case .int(let a) = r[0] else { return }
            if a != account && !periods.isEmpty {
                sink(line(account, periods))
                periods.removeAll(keepingCapacity: true)
            }
            account = a
            periods.append(r)
        }
        if !periods.isEmpty { sink(line(account, periods)) }
    }
}

/// ▁▂▃▄▅▆▇█ scaled between the series' min and max; '·' for a null.
func sparkline(_ values: [Double?]) -> String {
    let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    let present = values.compactMap { $0 }
    guard let lo = present.min(), let hi = present.max() else { return String(repeating: "·", count: values.count) }
    return String(values.map { v -> Character in
        guard let v else { return "·" }
        if hi == lo { return bars[3] }
        return bars[min(7, Int((v - lo) / (hi - lo) * 7 + 0.5))]
    })
}
#endif
