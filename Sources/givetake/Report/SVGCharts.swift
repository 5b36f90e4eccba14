// Inline SVG charts. Each chart is a <figure>: the SVG (role="img", with a
// <title> and <desc> it is labelled by), a caption, and the same numbers
// as a table in a <details> element. Colours are the Okabe–Ito palette,
// and every series also differs by pattern, dash or marker shape and is
// labelled in text, so no chart relies on colour alone.
#if CLI  // the CLI trait (Package.swift)
enum SeriesStyle {
    case give, take, neutral, ink, accent, muted

    var fill: String {
        switch self {
        case .give: return "#0072B2"
        case .take: return "url(#gt-hatch)"
        case .neutral: return "url(#gt-dots)"
        case .ink: return "#009E73"
        case .accent: return "#CC79A7"
        case .muted: return "#56B4E9"
        }
    }
    var stroke: String {
        switch self {
        case .give: return "#0072B2"
        case .take: return "#D55E00"
        case .neutral: return "#777777"
        case .ink: return "#009E73"
        case .accent: return "#CC79A7"
        case .muted: return "#56B4E9"
        }
    }
    /// Dash pattern of a line series ("" = solid).
    var dash: String {
        switch self {
        case .take, .accent: return "6 4"
        case .neutral: return "2 3"
        default: return ""
        }
    }
}

/// Shared <defs>: the take hatch and neutral dots patterns.
let chartDefs = """
    <svg class="defs" aria-hidden="true" focusable="false" width="0" height="0"><defs>\
    <pattern id="gt-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
    <rect width="6" height="6" fill="#D55E00"/><rect width="2" height="6" fill="#fff" fill-opacity=".6"/></pattern>\
    <pattern id="gt-dots" width="6" height="6" patternUnits="userSpaceOnUse">\
    <rect width="6" height="6" fill="#C8C8C8"/><circle cx="3" cy="3" r="1.3" fill="#555"/></pattern>\
    </defs></svg>
    """

/// The numbers behind a chart.
struct DataTable {
    var headers: [String]
    var rows: [[String]]
}

private func n(_ v: Double) -> String { fixed(v, 1) }

extension HTMLWriter {
    /// <figure> with an accessible SVG, a caption and the data table.
    mutating func chart(title: String, summary: String, width: Int, height: Int, table: DataTable,
                        _ draw: (inout HTMLWriter) -> Void) {
        let tid = uniqueID("t"), did = uniqueID("d")
        raw("<figure class=\"chart\"><svg viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"\(tid) \(did)\">")
        raw("<title id=\"\(tid)\">"); text(title); raw("</title><desc id=\"\(did)\">"); text(summary); raw("</desc>")
        draw(&self)
        raw("</svg><figcaption>"); text(title); raw("</figcaption>")
        dataTable(table, summary: "Data table")
        raw("</figure>")
    }

    mutating func dataTable(_ t: DataTable, summary: String) {
        raw("<details class=\"data\"><summary>"); text(summary); raw("</summary><div class=\"scroll\"><table><thead><tr>")
        for h in t.headers { element("th", "scope=\"col\"", h) }
        raw("</tr></thead><tbody>")
        for r in t.rows {
            raw("<tr>")
            for (i, c) in r.enumerated() { if i == 0 { element("th", "scope=\"row\"", c) } else { element("td", "", c) } }
            raw("</tr>")
        }
        raw("</tbody></table></div></details>")
    }

    /// SVG <text>; `anchor` start, middle or end.
    mutating func svgText(_ x: Double, _ y: Double, _ s: String, anchor: String = "start", cls: String = "") {
        raw("<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(cls.isEmpty ? "" : " class=\"\(cls)\"")>")
        text(s)
        raw("</text>")
    }

    /// Horizontal bars, one per item, scaled to `maxValue`; a nil value is
    /// drawn as "n/a". `marker` draws a labelled vertical line (a target).
    mutating func horizontalBars(title: String, summary: String,
                                 items: [(label: String, value: Double?, shown: String, style: SeriesStyle)],
                                 maxValue: Double, marker: (value: Double, label: String)? = nil,
                                 table: DataTable) {
        let rowH = 30.0, top = marker == nil ? 6.0 : 22.0
        let height = Int(top + rowH * Double(items.count) + 6)
        let left = 190.0, right = 580.0
        chart(title: title, summary: summary, width: 660, height: height, table: table) { w in
            for (i, it) in items.enumerated() {
                let y = top + rowH * Double(i)
                w.svgText(left - 8, y + 19, it.label, anchor: "end")
                w.raw("<rect x=\"\(n(left))\" y=\"\(n(y + 5))\" width=\"\(n(right - left))\" height=\"20\" class=\"track\"/>")
                if let v = it.value, maxValue > 0 {
                    let len = max(0, min(1, v / maxValue)) * (right - left)
                    w.raw("<rect x=\"\(n(left))\" y=\"\(n(y + 5))\" width=\"\(n(len))\" height=\"20\" fill=\"\(it.style.fill)\" stroke=\"\(it.style.stroke)\"/>")
                }
                w.svgText(right + 8, y + 19, it.value == nil ? "n/a" : it.shown, cls: "val")
            }
            if let m = marker, maxValue > 0 {
                let x = left + max(0, min(1, m.value / maxValue)) * (right - left)
                w.raw("<line x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"14\" y2=\"\(n(Double(height) - 2))\" class=\"marker\"/>")
                w.svgText(x, 11, m.label, anchor: x > right - 60 ? "end" : "middle", cls: "small")
            }
        }
    }

    /// One bar split into parts (counts), each labelled below with its
    /// count and share; `target` marks a share of the first part.
    mutating func stackedBar(title: String, summary: String, parts: [(name: String, count: Int64, style: SeriesStyle)],
                             legendOnly: [(name: String, count: Int64, style: SeriesStyle)] = [],
                             target: (share: Double, label: String)?, table: DataTable) {
        let total = parts.reduce(0) { $0 + $1.count }
        let left = 10.0, right = 650.0
        chart(title: title, summary: summary, width: 660, height: 104, table: table) { w in
            var x = left
            if total == 0 {
                w.raw("<rect x=\"\(n(left))\" y=\"22\" width=\"\(n(right - left))\" height=\"34\" class=\"track\"/>")
                w.svgText((left + right) / 2, 44, "no give or take posts", anchor: "middle")
            }
            for p in parts where total > 0 && p.count > 0 {
                let len = Double(p.count) / Double(total) * (right - left)
                w.raw("<rect x=\"\(n(x))\" y=\"22\" width=\"\(n(len))\" height=\"34\" fill=\"\(p.style.fill)\" stroke=\"#fff\"/>")
                x += len
            }
            // Legend: a swatch, the name, the count and the share.
            var lx = left
            for (k, p) in (parts + legendOnly).enumerated() {
                let share = total > 0 && k < parts.count ? " (" + fixed(Double(p.count) / Double(total) * 100, 0) + "%)" : ""
                w.raw("<rect x=\"\(n(lx))\" y=\"74\" width=\"14\" height=\"14\" fill=\"\(p.style.fill)\" stroke=\"\(p.style.stroke)\"/>")
                let label = "\(p.name) \(p.count)\(share)"
                w.svgText(lx + 20, 86, label)
                lx += 34 + Double(label.count) * 8
            }
            if let t = target {
                let tx = left + max(0, min(1, t.share)) * (right - left)
                w.raw("<line x1=\"\(n(tx))\" x2=\"\(n(tx))\" y1=\"14\" y2=\"62\" class=\"marker\"/>")
                w.svgText(tx, 11, t.label, anchor: tx > right - 80 ? "end" : (tx < 80 ? "start" : "middle"), cls: "small")
            }
        }
    }

    /// Lines over periods on a fixed y range, gaps where a value is nil;
    /// each series has its own dash and marker shape, and a legend.
    mutating func lineChart(title: String, summary: String, xLabels: [String],
                            series: [(name: String, values: [Double?], style: SeriesStyle)],
                            yMax: Double, yLabel: (Double) -> String, target: (value: Double, label: String)? = nil,
                            table: DataTable) {
        let width = 660.0, height = 250.0
        let left = 46.0, right = width - 16, top = 30.0, bottom = height - 34
        let count = xLabels.count
        func xAt(_ i: Int) -> Double { count <= 1 ? (left + right) / 2 : left + (right - left) * Double(i) / Double(count - 1) }
        func yAt(_ v: Double) -> Double { bottom - (bottom - top) * max(0, min(1, v / yMax)) }
        chart(title: title, summary: summary, width: Int(width), height: Int(height), table: table) { w in
            for k in 0...4 {
                let v = yMax * Double(k) / 4, y = yAt(v)
                w.raw("<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(y))\" y2=\"\(n(y))\" class=\"grid\"/>")
                w.svgText(left - 6, y + 4, yLabel(v), anchor: "end", cls: "small")
            }
            let step = max(1, (count + 7) / 8)
            for i in stride(from: 0, to: count, by: step) {
                let anchor = count == 1 ? "middle" : i == 0 ? "start" : i == count - 1 ? "end" : "middle"
                w.svgText(xAt(i), bottom + 18, xLabels[i], anchor: anchor, cls: "small")
            }
            if let t = target {
                let y = yAt(t.value)
                w.raw("<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(y))\" y2=\"\(n(y))\" class=\"marker\"/>")
                w.svgText(right, y - 5, t.label, anchor: "end", cls: "small")
            }
            for (k, s) in series.enumerated() {
                var d = ""
                var pen = false
                for (i, v) in s.values.enumerated() {
                    guard let v else { pen = false; continue }
                    d += (pen ? "L" : "M") + n(xAt(i)) + " " + n(yAt(v))
                    pen = true
                }
                if !d.isEmpty {
                    w.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(s.style.stroke)\" stroke-width=\"2.5\"\(s.style.dash.isEmpty ? "" : " stroke-dasharray=\"\(s.style.dash)\"")/>")
                }
                for (i, v) in s.values.enumerated() {
                    guard let v else { continue }
                    let x = xAt(i), y = yAt(v)
                    if k % 2 == 0 {
                        w.raw("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"4\" fill=\"\(s.style.stroke)\"/>")
                    } else {
                        w.raw("<rect x=\"\(n(x - 4))\" y=\"\(n(y - 4))\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"\(s.style.stroke)\" stroke-width=\"2\"/>")
                    }
                }
                // Legend entry.
                let lx = left + Double(k) * 200
                w.raw("<line x1=\"\(n(lx))\" x2=\"\(n(lx + 26))\" y1=\"12\" y2=\"12\" stroke=\"\(s.style.stroke)\" stroke-width=\"2.5\"\(s.style.dash.isEmpty ? "" : " stroke-dasharray=\"\(s.style.dash)\"")/>")
                if k % 2 == 0 {
                    w.raw("<circle cx=\"\(n(lx + 13))\" cy=\"12\" r=\"4\" fill=\"\(s.style.stroke)\"/>")
                } else {
                    w.raw("<rect x=\"\(n(lx + 9))\" y=\"8\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"\(s.style.stroke)\" stroke-width=\"2\"/>")
                }
                w.svgText(lx + 32, 16, s.name)
            }
        }
    }

    /// Vertical bars over bins; `markers` are labelled vertical lines at
    /// fractional bin positions (e.g. the median).
    mutating func histogram(title: String, summary: String, bins: [(label: String, count: Int64)], style: SeriesStyle,
                            markers: [(position: Double, label: String, dashed: Bool)], table: DataTable) {
        let labelRows = Double(markers.count)
        let width = 660.0, height = 210.0 + 14 * labelRows
        let left = 40.0, right = width - 10, top = 22.0 + 14 * labelRows, bottom = height - 26
        let maxCount = max(1, bins.map(\.count).max() ?? 1)
        let bw = (right - left) / Double(max(1, bins.count))
        chart(title: title, summary: summary, width: Int(width), height: Int(height), table: table) { w in
            w.raw("<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(bottom))\" y2=\"\(n(bottom))\" class=\"axis\"/>")
            for (i, b) in bins.enumerated() {
                let x = left + bw * Double(i)
                let h = (bottom - top) * Double(b.count) / Double(maxCount)
                if b.count > 0 {
                    w.raw("<rect x=\"\(n(x + 3))\" y=\"\(n(bottom - h))\" width=\"\(n(bw - 6))\" height=\"\(n(h))\" fill=\"\(style.fill)\" stroke=\"\(style.stroke)\"/>")
                    w.svgText(x + bw / 2, bottom - h - 4, grouped(Int(b.count)), anchor: "middle", cls: "small")
                }
                w.svgText(x + bw / 2, bottom + 16, b.label, anchor: "middle", cls: "small")
            }
            for (k, m) in markers.enumerated() {
                let x = left + bw * max(0, min(Double(bins.count), m.position))
                let y = 14 + 14 * Double(k)
                w.raw("<line x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(y - 10))\" y2=\"\(n(bottom))\" class=\"\(m.dashed ? "marker" : "marker solid")\"/>")
                let anchor = x > right - 120 ? "end" : "start"
                w.svgText(anchor == "end" ? x - 4 : x + 4, y, m.label, anchor: anchor, cls: "small strong")
            }
        }
    }
}
#endif
