// Output of the account table: an aligned summary for people (all-channel
// rows), or every row and column as JSON or CSV for programs.
import GiveTakeCore
import GiveTakeStorage

func render(_ accounts: [AccountScore], format: OutputFormat, asOf: Int64) -> String {
    switch format {
    case .table: return renderTable(accounts.filter { $0.channel == nil }, asOf: asOf)
    case .json: return renderJSON(accounts, asOf: asOf)
    case .csv: return renderCSV(accounts)
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

func renderTable(_ rows: [AccountScore], asOf: Int64) -> String {
    let cells = rows.map { r in tableColumns.map { $0.1(r) } }
    var widths = tableColumns.map { $0.0.count }
    for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ values: [String]) -> String {
        values.enumerated().map { i, v in
            let pad = String(repeating: " ", count: widths[i] - v.count)
            return i == 0 ? v + pad : pad + v
        }.joined(separator: "  ") + "\n"
    }
    var out = line(tableColumns.map { $0.0 })
    out += line(widths.map { String(repeating: "-", count: $0) })
    for row in cells { out += line(row) }
    if rows.isEmpty { out += "(no accounts)\n" }
    return out
}

func renderCSV(_ rows: [AccountScore]) -> String {
    var out = scoreColumnNames.joined(separator: ",") + "\n"
    for r in rows { out += scoreFields(r).map { $0 ?? "" }.joined(separator: ",") + "\n" }
    return out
}

func renderJSON(_ rows: [AccountScore], asOf: Int64) -> String {
    var out = "{\"as_of\": \"\(Timestamp.format(asOf))\", \"accounts\": ["
    for (k, r) in rows.enumerated() {
        out += k == 0 ? "\n  {" : ",\n  {"
        for (i, (name, value)) in zip(scoreColumnNames, scoreFields(r)).enumerated() {
            if i > 0 { out += ", " }
            let v = value.map { name == "channel" ? "\"\($0)\"" : $0 } ?? "null"
            out += "\"\(name)\": \(v)"
        }
        out += "}"
    }
    out += rows.isEmpty ? "]}\n" : "\n]}\n"
    return out
}

/// Spec section 7 column names, in order.
let scoreColumnNames = [
    "account_id", "channel", "needs_ack", "pending", "acknowledged", "ack_rate", "personal_rate",
    "appreciative_rate", "sla_rate", "median_ack_s", "p90_ack_s", "give_posts", "take_posts", "neutral_posts",
    "give_ratio", "me_index", "reply_share", "channel_fit", "contacts", "mean_trust", "conv_rate_ack",
    "conv_rate_ignored", "conversion_lift", "value_per_ack_contact", "give_attributed_leads", "health", "anomalies",
]

/// Values as text (nil = null); doubles in their shortest exact form.
func scoreFields(_ r: AccountScore) -> [String?] {
    func d(_ v: Double?) -> String? { v.map { $0.description } }
    return [
        String(r.accountID), r.channel.map(channelName), String(r.needsAck), String(r.pending),
        String(r.acknowledged), d(r.ackRate), d(r.personalRate), d(r.appreciativeRate), d(r.slaRate),
        d(r.medianAckSeconds), d(r.p90AckSeconds), String(r.givePosts), String(r.takePosts),
        String(r.neutralPosts), d(r.giveRatio), d(r.meIndex), d(r.replyShare), d(r.channelFit),
        String(r.contacts), d(r.meanTrust), d(r.convRateAck), d(r.convRateIgnored), d(r.conversionLift),
        d(r.valuePerAckContact), String(r.giveAttributedLeads), d(r.health), String(r.anomalies),
    ]
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
