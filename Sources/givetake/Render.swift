// Output of the score tables: aligned tables for people (the all-channel
// account rows, turns, agents), every row and column as JSON or CSV for
// programs. Rows are formatted one at a time into one reused ByteBuffer.
#if CLI  // the CLI trait (Package.swift)
import GiveTakeCore
import GiveTakeStorage

/// The account table: all-channel rows aligned for people, every row as
/// JSON or CSV for programs.
func writeAccounts(format: OutputFormat, names: AccountNames, asOf: Int64, to out: ByteBuffer,
                   rows: RowFeed<AccountScore>) rethrows {
    defer { out.flush() }
    switch format {
    case .table:
        // With names, a name column follows the account id.
        let named = !names.isEmpty
        var headers = accountHeaders
        if named { headers.insert("name", at: 1) }
        try writeAlignedTable(headers, empty: "(no accounts)", to: out,
                              rows: { sink in try rows { a in if a.channel == nil { sink(a) } } }) { a, cells in
            accountCells(a, name: named ? names[a.accountID] ?? "-" : nil, cells)
        }
    case .json, .csv:
        let row = ScoreRow.accounts()
        try writeRows(scoreColumnNames, format: format, key: "accounts", asOf: asOf, to: out) { sink in
            try rows { a in
                row.load(a, name: names.isEmpty ? nil : names[a.accountID])
                sink(row)
            }
        }
    }
}

private let accountHeaders = [
    "account", "needs_ack", "pending", "ack", "personal", "thanks", "in_sla", "median_ack", "p90_ack",
    "give:take", "give_ratio", "me_index", "trust", "lift", "health", "anomalies",
]

/// The cells of `accountHeaders` (and the name after the account, if given).
private func accountCells(_ a: AccountScore, name: String?, _ cells: Cells) {
    let t = cells.text
    t.append(int: a.accountID); cells.close()
    if let name { t.append(string: name); cells.close() }
    t.append(int: a.needsAck); cells.close()
    t.append(int: a.pending); cells.close()
    t.append(percent: a.ackRate); cells.close()
    t.append(percent: a.personalRate); cells.close()
    t.append(percent: a.appreciativeRate); cells.close()
    t.append(percent: a.slaRate); cells.close()
    t.append(duration: a.medianAckSeconds); cells.close()
    t.append(duration: a.p90AckSeconds); cells.close()
    t.append(int: a.givePosts); t.append(":"); t.append(int: a.takePosts); cells.close()
    t.append(opt: a.giveRatio, 2); cells.close()
    t.append(opt: a.meIndex, 2); cells.close()
    t.append(opt: a.meanTrust, 1); cells.close()
    t.append(opt: a.conversionLift, 2); cells.close()
    t.append(opt: a.health, 1); cells.close()
    t.append(int: a.anomalies); cells.close()
}

/// account_scores column names (spec section 7, then account_name).
let scoreColumnNames = Schema.accountColumns.map(\.0)

/// Score rows as CSV, JSON ({"as_of", key: [...]}) or an aligned table
/// (turns and agents with named cells for people), written as they come.
func writeRows(_ columns: [String], format: OutputFormat, key: String, asOf: Int64, to out: ByteBuffer,
               rows: RowFeed<ScoreRow>) rethrows {
    defer { out.flush() }
    switch format {
    case .table:
        if let people = peopleTable(key, columns) {
            // The name column only when the source knows names.
            var named = false
            try writeAlignedTable(people.headers, empty: "(no \(key))", to: out,
                                  shown: { people.headers.indices.filter { named || people.headers[$0] != "name" } },
                                  rows: { sink in
                                      try rows { r in
                                          if people.name >= 0 && r.kind(people.name) != .null { named = true }
                                          sink(r)
                                      }
                                  }, fill: people.fill)
        } else {
            try writeAlignedTable(columns, empty: "(no \(key))", to: out, rows: rows) { r, cells in
                for k in 0..<r.count { cells.text.append(cell: r, k); cells.close() }
            }
        }
    case .csv:
        out.append(string: columns.joined(separator: ","))
        out.append("\n")
        try rows { r in
            for k in 0..<r.count {
                if k > 0 { out.append(",") }
                out.append(csv: r, k)
            }
            out.append("\n")
            out.endLine()
        }
    case .json:
        out.append("{\"as_of\": \"")
        out.append(time: asOf)
        out.append(string: "\", \"\(key)\": [")
        // Each column's `"name": `, made once.
        let keys = ByteBuffer()
        var keyEnds: [Int] = []
        for name in columns { keys.append(string: "\"\(name)\": "); keyEnds.append(keys.count) }
        var count = 0
        try rows { r in
            out.append(count == 0 ? "\n  {" : ",\n  {")
            for k in 0..<min(columns.count, r.count) {
                if k > 0 { out.append(", ") }
                out.append(UnsafeBufferPointer(rebasing: keys.bytes[(k == 0 ? 0 : keyEnds[k - 1])..<keyEnds[k]]))
                out.append(json: r, k)
            }
            out.append("}")
            out.endLine()
            count += 1
        }
        out.append(count == 0 ? "]}\n" : "\n]}\n")
    }
}
#endif
