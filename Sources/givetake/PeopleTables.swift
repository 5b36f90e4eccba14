// The people's tables of turns and agents: named cells (durations,
// percentages, times to the minute) from a score row's columns, which are
// found by name once per table, not per cell.
#if CLI  // the CLI trait (Package.swift)
import GiveTakeStorage

struct PeopleTable {
    let headers: [String]
    /// The account_name column (-1: none); its header is "name".
    let name: Int
    let fill: (ScoreRow, Cells) -> Void
}

/// The people's table of `key` ("turns", "agents") over rows of `columns`;
/// nil for other tables.
func peopleTable(_ key: String, _ columns: [String]) -> PeopleTable? {
    func column(_ name: String) -> Int { columns.firstIndex(of: name) ?? -1 }
    let account = column("account_id"), name = column("account_name"), agent = column("agent_id")
    switch key {
    case "turns":
        let turn = column("turn_id"), thread = column("thread_id"), contact = column("contact_id")
        let channel = column("channel"), started = column("started_at"), msgs = column("inbound_rows")
        let status = column("status"), ack = column("time_to_ack_s"), due = column("due_at")
        let plain = [account, name, turn, thread, contact, channel]
        return PeopleTable(headers: ["account", "name", "turn", "thread", "contact", "channel", "started", "msgs",
                                     "status", "ack_time", "agent", "due"], name: name) { r, cells in
            let t = cells.text
            for k in plain { t.append(cell: r, k); cells.close() }
            appendMinute(r, started, t); cells.close()
            t.append(cell: r, msgs); cells.close()
            t.append(cell: r, status); cells.close()
            t.append(duration: realValue(r, ack)); cells.close()
            t.append(cell: r, agent); cells.close()
            appendMinute(r, due, t); cells.close()
        }
    case "agents":
        let acknowledged = column("acknowledged"), median = column("median_ack_s"), p90 = column("p90_ack_s")
        let personal = column("personal_rate"), thanks = column("appreciative_rate"), sla = column("sla_rate")
        let give = column("give_posts"), take = column("take_posts")
        let ratio = column("give_ratio"), me = column("me_index")
        let plain = [account, name, agent, acknowledged]
        return PeopleTable(headers: ["account", "name", "agent", "acknowledged", "median_ack", "p90_ack", "personal",
                                     "thanks", "in_sla", "give:take", "give_ratio", "me_index"], name: name) { r, cells in
            let t = cells.text
            for k in plain { t.append(cell: r, k); cells.close() }
            t.append(duration: realValue(r, median)); cells.close()
            t.append(duration: realValue(r, p90)); cells.close()
            t.append(percent: realValue(r, personal)); cells.close()
            t.append(percent: realValue(r, thanks)); cells.close()
            t.append(percent: realValue(r, sla)); cells.close()
            t.append(cell: r, give); t.append(":"); t.append(cell: r, take); cells.close()
            t.append(opt: realValue(r, ratio), 2); cells.close()
            t.append(opt: realValue(r, me), 2); cells.close()
        }
    default:
        return nil
    }
}

/// 'YYYY-MM-DD HH:MM' UTC: the first 16 characters of column `k` as text,
/// "-" for null.
private func appendMinute(_ r: ScoreRow, _ k: Int, _ t: ByteBuffer) {
    let start = t.count
    guard k >= 0, t.append(field: r, k) else { return t.append("-") }
    let b = UnsafeBufferPointer(rebasing: t.bytes[start...])
    if isPlainASCII(b) {
        if b.count > 16 { t.removeLast(b.count - 16) }
    } else {
        let s = String(String(decoding: b, as: UTF8.self).prefix(16))
        t.removeLast(b.count)
        t.append(string: s)
    }
}
#endif
