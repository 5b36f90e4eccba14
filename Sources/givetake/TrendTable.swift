// The trend of `score --period`: one line per account with its periods, a
// sparkline each for ack rate, median time to acknowledge and give ratio
// (oldest left; '·' = no value), and the latest period's values.
#if CLI  // the CLI trait (Package.swift)
import GiveTakeStorage

/// One account's periods, as far as the trend shows them.
private struct AccountTrend {
    var account: Int64 = 0
    var first = "", last = ""
    var ack: [Double?] = [], median: [Double?] = [], give: [Double?] = []

    var isEmpty: Bool { ack.isEmpty }

    mutating func removeAll() {
        ack.removeAll(keepingCapacity: true)
        median.removeAll(keepingCapacity: true)
        give.removeAll(keepingCapacity: true)
    }
}

/// `rows` come ordered by account, then period; only one account's
/// periods are held at a time.
func writeTrend(period: String, names: AccountNames, to out: ByteBuffer, rows: RowFeed<ScoreRow>) rethrows {
    defer { out.flush() }
    func real(_ r: ScoreRow, _ k: Int) -> Double? { r.kind(k) == .real ? r.real(k) : nil }
    func text(_ r: ScoreRow, _ k: Int) -> String {
        r.kind(k) == .text ? r.withText(k) { String(decoding: $0, as: UTF8.self) } : ""
    }
    let ack = Schema.periodColumns.firstIndex { $0.0 == "ack_rate" }!
    let median = Schema.periodColumns.firstIndex { $0.0 == "median_ack_s" }!
    let give = Schema.periodColumns.firstIndex { $0.0 == "give_ratio" }!
    let headers = ["account", "name", period + "s", "from..to", "ack rate", "last", "median ack", "last",
                   "give ratio", "last"]
    try writeAlignedTable(headers, empty: "(no periods)", to: out, rows: { sink in
        var trend = AccountTrend()
        try rows { r in
            guard r.kind(0) == .int else { return }
            let a = r.int(0)
            if a != trend.account && !trend.isEmpty {
                sink(trend)
                trend.removeAll()
            }
            trend.account = a
            if trend.isEmpty { trend.first = text(r, 1) }
            trend.last = text(r, 1)
            trend.ack.append(real(r, ack))
            trend.median.append(real(r, median))
            trend.give.append(real(r, give))
        }
        if !trend.isEmpty { sink(trend) }
    }) { trend, cells in
        let t = cells.text
        t.append(int: trend.account); cells.close()
        t.append(string: names[trend.account] ?? "-"); cells.close()
        t.append(int: Int64(trend.ack.count)); cells.close()
        t.append(string: trend.first); t.append(".."); t.append(string: trend.last); cells.close()
        t.append(sparkline: trend.ack); cells.close()
        if let v = trend.ack.last! { t.append(fixed: v * 100, 0); t.append("%") } else { t.append("-") }
        cells.close()
        t.append(sparkline: trend.median); cells.close()
        if let v = trend.median.last! { t.append(fixed: v / 60, 1); t.append("m") } else { t.append("-") }
        cells.close()
        t.append(sparkline: trend.give); cells.close()
        t.append(opt: trend.give.last!, 2); cells.close()
    }
}

extension ByteBuffer {
    /// ▁▂▃▄▅▆▇█ scaled between the series' min and max; '·' for a null.
    func append(sparkline values: [Double?]) {
        let bars: [StaticString] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let present = values.compactMap { $0 }
        guard let lo = present.min(), let hi = present.max() else {
            for _ in values { append("·") }
            return
        }
        for v in values {
            guard let v else { append("·"); continue }
            // Values past Double's range leave no scale: the middle bar.
            let x = (v - lo) / (hi - lo) * 7 + 0.5
            append(hi == lo || !x.isFinite ? bars[3] : bars[min(7, Int(x))])
        }
    }
}
#endif
