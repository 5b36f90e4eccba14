// One account's detail section: health, give vs take, acknowledgement,
// trust, return on giving and data quality.
#if CLI  // the CLI trait (Package.swift)
import GiveTakeCore
import GiveTakeStorage

func renderAccount(_ w: inout HTMLWriter, _ ctx: ReportContext, _ d: AccountDigest) {
    let a = d.all, id = a.accountID
    let periods = d.periods
    w.raw("<section class=\"account\" id=\"account-\(id)\" data-account=\"\(id)\" aria-labelledby=\"account-\(id)-h\">")
    w.raw("<h2 id=\"account-\(id)-h\">"); w.text(ctx.name(id)); w.raw(" <span class=\"id\">#\(id)</span></h2>")
    w.raw("<div class=\"kpis\">")
    kpi(&w, "Health", opt(a.health, 1), metric: "health", note: "out of 100")
    kpi(&w, "Ack rate", percent(a.ackRate), metric: "ack_rate", note: "\(a.acknowledged) of \(a.needsAck) turns")
    kpi(&w, "In SLA", percent(a.slaRate), metric: "sla_rate", note: "answered within target")
    kpi(&w, "Give share", percent(a.giveRatio), metric: "give_ratio",
        note: "\(a.givePosts) give : \(a.takePosts) take posts")
    kpi(&w, "Mean trust", opt(a.meanTrust, 1), metric: "mean_trust", note: "\(a.contacts) contacts")
    kpi(&w, "Pending", String(a.pending), metric: "pending", note: "turns still within SLA")
    w.raw("</div>")
    healthSection(&w, ctx, a, periods)
    giveTakeSection(&w, ctx, d)
    ackSection(&w, ctx, d)
    trustSection(&w, ctx, d)
    returnSection(&w, a)
    qualitySection(&w, ctx, a, periods)
    w.raw("<p><a href=\"#overview\">Back to the overview</a></p></section>\n")
}

private func h3(_ w: inout HTMLWriter, _ title: String, _ lead: String) {
    w.element("h3", "", title)
    w.element("p", "class=\"note\"", lead)
}

// MARK: Health

private func healthSection(_ w: inout HTMLWriter, _ ctx: ReportContext, _ a: AccountScore, _ periods: [PeriodScore]) {
    h3(&w, "Health", "One number out of 100 from five parts; a part without data is left out and the others reweighted.")
    let weights = ctx.config.healthWeights
    let target = ctx.config.giveTarget
    let parts: [(String, Double?)] = [
        ("Ack rate", a.ackRate), ("Personal answers", a.personalRate), ("In SLA", a.slaRate),
        ("Give vs target", a.giveRatio.map { min(1, $0 / target) }), ("1 − me-index", a.meIndex.map { 1 - $0 }),
    ]
    let used = zip(parts, weights).reduce(0.0) { $0 + ($1.0.1 == nil ? 0 : $1.1) }
    var rows: [[String]] = []
    for (p, wt) in zip(parts, weights) {
        let points = p.1.map { used > 0 ? 100 * wt * $0 / used : 0 }
        rows.append([p.0, p.1.map { percent($0) } ?? "n/a", percent0(wt), points.map { fixed($0, 1) } ?? "—"])
    }
    rows.append(["Health", "", "", opt(a.health, 1)])
    w.raw("<div class=\"grid2\">")
    w.horizontalBars(title: "Health components",
                     summary: "Each part's value from 0 to 100%: " + zip(parts, weights).map {
                         "\($0.0.0) \($0.0.1.map { percent($0) } ?? "n/a") (weight \(percent0($0.1)))"
                     }.joined(separator: "; ") + ". Health \(opt(a.health, 1)).",
                     items: zip(parts, weights).map { p, wt in
                         (p.0 + " ×" + fixed(wt, 2), p.1, p.1.map { percent($0) } ?? "n/a", SeriesStyle.give)
                     },
                     maxValue: 1,
                     table: DataTable(headers: ["part", "value", "weight", "health points"], rows: rows))
    if periods.isEmpty {
        w.element("p", "class=\"note\"", "No \(periodNoun(ctx.input.period)) trend: the account has no rows.")
    } else {
        let labels = periods.map { periodLabel($0.periodStart, ctx.input.period) }
        let health = periods.map(\.score.health)
        w.lineChart(title: "Health by \(periodWord(ctx.input.period))",
                    summary: trendSummary("Health", labels, health.map { $0.map { fixed($0, 1) } }),
                    xLabels: labels, series: [("Health", health, .ink)], yMax: 100, yLabel: { fixed($0, 0) },
                    table: DataTable(headers: [periodWord(ctx.input.period), "health", "ack rate", "personal", "in SLA",
                                               "give share", "me-index"],
                                     rows: periods.map { p in
                                         [dateText(p.periodStart), opt(p.score.health, 1), percent(p.score.ackRate),
                                          percent(p.score.personalRate), percent(p.score.slaRate),
                                          percent(p.score.giveRatio), opt(p.score.meIndex, 2)]
                                     }))
    }
    w.raw("</div>")
}

private func periodWord(_ p: Period) -> String { p == .day ? "day" : p == .week ? "week" : "month" }

/// "Health by week: 5 Jan 61.0, 12 Jan n/a, ..." (at most 12 values).
private func trendSummary(_ what: String, _ labels: [String], _ values: [String?]) -> String {
    let pairs = zip(labels, values).map { "\($0) \($1 ?? "n/a")" }
    let shown = pairs.count > 12 ? Array(pairs.suffix(12)) : pairs
    return "\(what) per period\(pairs.count > 12 ? " (last 12 of \(pairs.count))" : ""): " + shown.joined(separator: ", ") + "."
}

// MARK: Give vs take

private func giveTakeSection(_ w: inout HTMLWriter, _ ctx: ReportContext, _ d: AccountDigest) {
    let a = d.all, periods = d.periods
    let target = ctx.config.giveTarget
    h3(&w, "Give vs take", "The brand's own posts and shares, classified by their words. Target: "
       + "\(percent0(target)) give (\(targetName(target))).")
    let total = a.givePosts + a.takePosts + a.neutralPosts
    w.raw("<div class=\"grid2\"><div>")
    w.stackedBar(title: "Give vs take posts", summary: "\(a.givePosts) give, \(a.neutralPosts) neutral and \(a.takePosts) take posts"
                    + " of \(total); give share \(percent(a.giveRatio)) against a target of \(percent0(target)).",
                 parts: [("give", a.givePosts, .give), ("take", a.takePosts, .take)],
                 legendOnly: [("neutral, not in the share", a.neutralPosts, .neutral)],
                 target: (target, "target \(percent0(target)) give"),
                 table: DataTable(headers: ["posts", "count"], rows: [["give", String(a.givePosts)],
                                  ["neutral", String(a.neutralPosts)], ["take", String(a.takePosts)],
                                  ["give share", percent(a.giveRatio)], ["me-index", opt(a.meIndex, 2)]]))
    w.raw("<p>Me-index <b data-metric=\"me_index\">"); w.text(opt(a.meIndex, 2))
    w.raw("</b> (0 = all about the customer, 1 = all about the brand); replies are ")
    w.text(percent(a.replyShare)); w.raw(" of what the brand writes.</p></div>")
    if !periods.isEmpty {
        let labels = periods.map { periodLabel($0.periodStart, ctx.input.period) }
        w.lineChart(title: "Give share and me-index by \(periodWord(ctx.input.period))",
                    summary: trendSummary("Give share", labels, periods.map { $0.score.giveRatio.map { percent($0) } })
                        + " " + trendSummary("Me-index", labels, periods.map { $0.score.meIndex.map { fixed($0, 2) } }),
                    xLabels: labels,
                    series: [("Give share", periods.map(\.score.giveRatio), .give),
                             ("Me-index", periods.map(\.score.meIndex), .accent)],
                    yMax: 1, yLabel: { fixed($0 * 100, 0) + "%" }, target: (target, "give target \(percent0(target))"),
                    table: DataTable(headers: [periodWord(ctx.input.period), "give", "take", "neutral", "give share", "me-index"],
                                     rows: periods.map { p in
                                         [dateText(p.periodStart), String(p.score.givePosts), String(p.score.takePosts),
                                          String(p.score.neutralPosts), percent(p.score.giveRatio), opt(p.score.meIndex, 2)]
                                     }))
    }
    w.raw("</div><div class=\"grid2\">")
    postList(&w, ctx, d.give, .give)
    postList(&w, ctx, d.take, .take)
    w.raw("</div>")
}

/// The strongest posts of one side, cue spans marked, cues listed.
private func postList(_ w: inout HTMLWriter, _ ctx: ReportContext, _ posts: [TopPost], _ side: Label) {
    let name = side == .give ? "give" : "take"
    w.raw("<div>"); w.element("h4", "", "Strongest \(name) posts")
    if posts.isEmpty {
        w.element("p", "class=\"note\"", "No \(name) posts.")
        w.raw("</div>")
        return
    }
    w.raw("<ol class=\"posts \(name)\">")
    for p in posts {
        let cues = p.body.withUnsafeBufferPointer { ctx.input.lexicon.explain($0) }
        w.raw("<li><span class=\"body\">")
        // Long bodies are cut at a character boundary after 320 bytes.
        var limit = min(p.body.count, 320)
        while limit < p.body.count && p.body[limit] & 0xC0 == 0x80 { limit += 1 }
        var at = 0
        for c in cues where c.start >= at && c.end <= limit {
            w.escape(p.body[at..<c.start])
            let cls = c.category.polarity > 0 ? "give" : "take"
            w.raw("<mark class=\"\(cls)\">"); w.escape(p.body[c.start..<c.end]); w.raw("</mark>")
            at = c.end
        }
        w.escape(p.body[at..<limit])
        if limit < p.body.count { w.raw("…") }
        w.raw("</span><span class=\"cues\">")
        w.text("\(channelName(p.channel)) · \(minuteTime(p.createdAt)) · cues: ")
        w.text(cues.map { c in
            let phrase = String(decoding: ctx.input.lexicon.entries[c.entry].phrase, as: UTF8.self)
            return "\(phrase) (\(categoryName(c.category)), \(c.category.polarity > 0 ? "+" : "−")\(number(c.weight)))"
        }.joined(separator: ", "))
        w.raw("</span></li>")
    }
    w.raw("</ol></div>")
}

// MARK: Acknowledgement

let ackEdges: [Double] = [0, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200]
let ackLabels = ["<5m", "5–15m", "15–30m", "30m–1h", "1–2h", "2–4h", "4–8h", "8–24h", "1–3d", "≥3d"]

/// A time's position in the ackEdges bins (fractional, for markers).
private func ackPosition(_ s: Double) -> Double {
    for i in 0..<(ackEdges.count - 1) where s < ackEdges[i + 1] {
        return Double(i) + (s - ackEdges[i]) / (ackEdges[i + 1] - ackEdges[i])
    }
    return Double(ackEdges.count - 1) + 0.5
}

/// The histogram band of a time to acknowledge.
func ackBand(_ s: Double) -> Int { min(ackLabels.count - 1, Int(ackPosition(s))) }

private func ackSection(_ w: inout HTMLWriter, _ ctx: ReportContext, _ v: AccountDigest) {
    let a = v.all
    h3(&w, "Acknowledgement", "Did customers get an answer, how fast, and how personal? Counted in turns (a customer's "
       + "messages up to the answer).")
    // Time to acknowledge per channel, on the channel's SLA clock.
    let hist = v.ackBins
    w.raw("<div class=\"grid2\"><div>")
    if a.needsAck == 0 && a.pending == 0 {
        w.element("p", "", "No customer messages that need an answer.")
    } else {
        w.horizontalBars(title: "Answer rates",
                         summary: "Ack rate \(percent(a.ackRate)), personal \(percent(a.personalRate)), appreciative "
                            + "\(percent(a.appreciativeRate)), in SLA \(percent(a.slaRate)).",
                         items: [("Acknowledged", a.ackRate, percent(a.ackRate), .give),
                                 ("Personal", a.personalRate, percent(a.personalRate), .muted),
                                 ("Appreciative", a.appreciativeRate, percent(a.appreciativeRate), .muted),
                                 ("In SLA", a.slaRate, percent(a.slaRate), .ink)],
                         maxValue: 1,
                         table: DataTable(headers: ["rate", "value", "of"], rows: [
                             ["acknowledged", percent(a.ackRate), "\(a.needsAck) turns"],
                             ["personal", percent(a.personalRate), "\(a.acknowledged) answered"],
                             ["appreciative", percent(a.appreciativeRate), "\(a.acknowledged) answered"],
                             ["in SLA", percent(a.slaRate), "\(a.needsAck) turns"]]))
    }
    w.raw("<p>Personal <b data-metric=\"personal_rate\">"); w.text(percent(a.personalRate))
    w.raw("</b> · appreciative <b data-metric=\"appreciative_rate\">"); w.text(percent(a.appreciativeRate))
    w.raw("</b> · median time to acknowledge <b data-metric=\"median_ack\">"); w.text(duration(a.medianAckSeconds))
    w.raw("</b> · 90% within <b data-metric=\"p90_ack\">"); w.text(duration(a.p90AckSeconds)); w.raw("</b></p>")

    w.raw("</div><div>")
    // At-risk list.
    w.element("h4", "", "At risk: waiting for an answer, soonest due first")
    if v.pendingTurns == 0 {
        w.element("p", "class=\"note\"", "No turn is waiting within its SLA right now.")
    } else {
        let shown = v.atRisk
        w.raw("<div class=\"scroll\"><table class=\"risk\"><thead><tr>")
        for h in ["Due (UTC)", "Due in", "Channel", "Contact", "Waiting since (UTC)", "Messages", "Turn"] {
            w.element("th", "scope=\"col\"", h)
        }
        w.raw("</tr></thead><tbody>")
        for t in shown {
            w.raw("<tr>")
            w.element("td", "", minuteTime(t.dueAt))
            w.element("td", "", duration(Double(t.dueAt - ctx.asOf) / 1e6))
            w.element("td", "", channelName(t.channel))
            w.element("td", "", t.contactID.map { String($0) } ?? "—")
            w.element("td", "", minuteTime(t.startedAt))
            w.element("td", "", String(t.inboundRows))
            w.element("td", "", String(t.turnID))
            w.raw("</tr>")
        }
        w.raw("</tbody></table></div>")
        if v.pendingTurns > shown.count {
            w.element("p", "class=\"note\"", "and \(v.pendingTurns - shown.count) more; `givetake score --turns pending` lists them all.")
        }
    }

    w.raw("</div></div>")
    if !hist.isEmpty {
        w.element("h4", "", "Time to acknowledge, per channel")
        w.raw("<div class=\"grid2\">")
        for ch in Channel.allCases {
            guard let bins = hist[ch], let row = v.channels.first(where: { $0.channel == ch }) else { continue }
            let business = ctx.config.slaClock[Int(ch.rawValue)] == .business
            let median = business ? row.medianAckBusinessSeconds : row.medianAckSeconds
            let p90 = business ? row.p90AckBusinessSeconds : row.p90AckSeconds
            let sla = ctx.config.slaSeconds[Int(ch.rawValue)]
            var markers: [(Double, String, Bool)] = []
            if let median { markers.append((ackPosition(median), "median \(duration(median))", false)) }
            if let p90 { markers.append((ackPosition(p90), "p90 \(duration(p90))", true)) }
            markers.append((ackPosition(sla), "SLA \(duration(sla))", true))
            let clock = business ? "business hours" : "calendar time"
            let name = channelName(ch)
            w.histogram(title: "\(name): time to acknowledge (\(clock))",
                        summary: "\(bins.reduce(0, +)) answered turns on \(name); median \(duration(median)), "
                            + "90th percentile \(duration(p90)), SLA target \(duration(sla)). Counts per band: "
                            + zip(ackLabels, bins).map { "\($0) \($1)" }.joined(separator: ", ") + ".",
                        bins: zip(ackLabels, bins).map { ($0, $1) }, style: .muted, markers: markers,
                        table: DataTable(headers: ["time to acknowledge", "turns"],
                                         rows: zip(ackLabels, bins).map { [$0, String($1)] }
                                            + [["median", duration(median)], ["90th percentile", duration(p90)],
                                               ["SLA target", duration(sla)], ["in SLA", percent(row.slaRate)]]))
        }
        w.raw("</div>")
    }

    // Agents.
    w.element("h4", "", "Agents")
    if v.topAgents.isEmpty {
        w.element("p", "class=\"note\"", "No answers or posts by the brand.")
    } else {
        w.raw("<div class=\"scroll\"><table class=\"agents\"><thead><tr>")
        for h in ["Agent", "Answered turns", "Median", "p90", "Personal", "Appreciative", "In SLA", "Give : take", "Me-index"] {
            w.element("th", "scope=\"col\"", h)
        }
        w.raw("</tr></thead><tbody>")
        for g in v.topAgents {
            w.raw("<tr>")
            w.element("th", "scope=\"row\"", g.agentID.map { "agent \($0)" } ?? "no agent id")
            w.element("td", "", String(g.acknowledged))
            w.element("td", "", duration(g.medianAckSeconds))
            w.element("td", "", duration(g.p90AckSeconds))
            w.element("td", "", percent(g.personalRate))
            w.element("td", "", percent(g.appreciativeRate))
            w.element("td", "", percent(g.slaRate))
            w.element("td", "", "\(g.givePosts) : \(g.takePosts)")
            w.element("td", "", opt(g.meIndex, 2))
            w.raw("</tr>")
        }
        w.raw("</tbody></table></div>")
        if v.agentCount > v.topAgents.count {
            w.element("p", "class=\"note\"", "and \(v.agentCount - v.topAgents.count) more agents.")
        }
    }
}

// MARK: Trust

private func trustSection(_ w: inout HTMLWriter, _ ctx: ReportContext, _ v: AccountDigest) {
    h3(&w, "Trust", "Each contact's trust, 0 to 100 (50 = no history). Answers raise it; ignored turns and take posts "
       + "aimed at the contact lower it; older events fade.")
    if v.contactCount == 0 {
        w.element("p", "class=\"note\"", "No contacts.")
        return
    }
    let bins = v.trustBins
    let labels = (0..<10).map { $0 == 9 ? "90–100" : "\($0 * 10)–\($0 * 10 + 9)" }
    w.raw("<div class=\"grid2\">")
    let mean = v.all.meanTrust
    w.histogram(title: "Trust of \(grouped(v.contactCount)) contacts",
                summary: "Contacts per trust band; mean trust \(opt(mean, 1)). "
                    + zip(labels, bins).map { "\($0): \($1)" }.joined(separator: ", ") + ".",
                bins: zip(labels, bins).map { ($0, $1) }, style: .give,
                markers: mean.map { [(Double($0) / 10, "mean \(fixed($0, 1))", false)] } ?? [],
                table: DataTable(headers: ["trust", "contacts"], rows: zip(labels, bins).map { [$0, String($1)] }))
    // Lowest balance first: the scorer keeps each contact's current
    // decayed balance, not its history, so "fell most" is "lowest now".
    let lowest = v.lowestTrust
    w.raw("<div>"); w.element("h4", "", "Lowest trust now")
    w.element("p", "class=\"note\"", "The contacts with the most negative balance: recent ignored turns (−1 each) "
              + "and take posts aimed at them (−0.5) weigh most. Trust cannot be compared with an earlier run here, "
              + "so this is the list of where it stands lowest, not of the largest drop.")
    if lowest.isEmpty {
        w.element("p", "", "No contact has a negative balance.")
    } else {
        w.raw("<div class=\"scroll\"><table><thead><tr>")
        for h in ["Contact", "Trust", "Balance", "Answered", "Ignored", "Last interaction (UTC)"] { w.element("th", "scope=\"col\"", h) }
        w.raw("</tr></thead><tbody>")
        for c in lowest {
            w.raw("<tr>")
            w.element("th", "scope=\"row\"", String(c.contactID))
            w.element("td", "", String(c.trustScore))
            w.element("td", "", fixed(c.balance, 2))
            w.element("td", "", String(c.acknowledged))
            w.element("td", "", String(c.unacknowledged))
            w.element("td", "", minuteTime(c.lastInteractionAt))
            w.raw("</tr>")
        }
        w.raw("</tbody></table></div>")
    }
    w.raw("</div></div>")
}

// MARK: Return on giving

private func returnSection(_ w: inout HTMLWriter, _ a: AccountScore) {
    h3(&w, "Return on giving", "Do customers who get answers buy more? Conversion = a lead or purchase after the "
       + "contact's first turn.")
    let top = max(a.convRateAck ?? 0, a.convRateIgnored ?? 0)
    w.raw("<div class=\"grid2\">")
    w.horizontalBars(title: "Conversion: treated well vs ignored",
                     summary: "Contacts who were always answered converted at \(percent(a.convRateAck)); contacts "
                        + "never answered at \(percent(a.convRateIgnored)); lift \(opt(a.conversionLift, 2)).",
                     items: [("Treated well", a.convRateAck, percent(a.convRateAck), .give),
                             ("Ignored", a.convRateIgnored, percent(a.convRateIgnored), .take)],
                     maxValue: top > 0 ? top * 1.1 : 1,
                     table: DataTable(headers: ["contacts", "conversion rate"],
                                      rows: [["treated well", percent(a.convRateAck)], ["ignored", percent(a.convRateIgnored)]]))
    w.raw("<div class=\"kpis\">")
    kpi(&w, "Lift", a.conversionLift.map { fixed($0, 2) + "×" } ?? "n/a", metric: "conversion_lift",
        note: "treated well ÷ ignored")
    kpi(&w, "Value per answered contact", opt(a.valuePerAckContact, 2), metric: "value_per_ack_contact",
        note: "mean purchases of treated-well contacts")
    kpi(&w, "Give-attributed leads", String(a.giveAttributedLeads), metric: "give_attributed_leads",
        note: "leads within 30 days of replying to a give post")
    w.raw("</div></div>")
}

// MARK: Data quality

private func qualitySection(_ w: inout HTMLWriter, _ ctx: ReportContext, _ a: AccountScore, _ periods: [PeriodScore]) {
    h3(&w, "Data quality", "Rows the scorer had to repair or drop. They are counted, never fatal.")
    w.raw("<p>Anomalies: <b data-metric=\"anomalies\">\(a.anomalies)</b>")
    w.text(a.anomalies == 0 ? ". The data looks clean." : ". Kinds that are counted:")
    w.raw("</p>")
    if a.anomalies > 0 {
        w.raw("<ul class=\"note\">")
        for (k, d) in [
            ("Orphan parent", "parent_id names no row: the row is kept without a parent, so a reply may not count as an answer."),
            ("Self parent", "a row whose parent_id is its own id: kept, parent ignored."),
            ("Duplicate id", "rows sharing an id: one is kept by a fixed rule, the others dropped."),
            ("Clock skew", "an answer timed before the question: counted as answered at once (0 s)."),
            ("Unknown channel or kind", "the row is ignored."),
        ] {
            w.raw("<li><b>"); w.text(k); w.raw("</b>: "); w.text(d); w.raw("</li>")
        }
        w.raw("</ul>")
        let withAnomalies = periods.filter { $0.score.anomalies > 0 }
        if !withAnomalies.isEmpty {
            let labels = periods.map { periodLabel($0.periodStart, ctx.input.period) }
            w.histogram(title: "Anomalies by \(periodWord(ctx.input.period))",
                        summary: "Anomalies per period: " + zip(labels, periods).map { "\($0) \($1.score.anomalies)" }
                            .joined(separator: ", ") + ".",
                        bins: zip(labels, periods).map { ($0, $1.score.anomalies) }, style: .take, markers: [],
                        table: DataTable(headers: [periodWord(ctx.input.period), "anomalies"],
                                         rows: periods.map { [dateText($0.periodStart), String($0.score.anomalies)] }))
        }
    }
}
#endif
