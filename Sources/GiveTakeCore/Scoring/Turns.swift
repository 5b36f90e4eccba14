// Threads and turns (spec section 3). The needs-ack rows of one thread,
// in (created_at, id) order, form turns: a turn takes in needs-ack rows
// until an outbound non-automated row of the same thread ends it. The
// first acknowledgement of a turn is the earliest of that ending row and
// the direct replies to any of its rows.

/// One turn, found by `formTurns`. Row references are indices into the
/// scorer's rows.
struct TurnRecord {
    /// Its first row.
    var start: Int32
    /// Its first acknowledgement (-1 none).
    var firstAck: Int32 = -1
    /// Needs-ack rows in it.
    var rows: Int32 = 1
    /// First name of its first row with an author_name: an interned name,
    /// -2 when that author_name has no first name, -1 while none is named.
    var name: Int32
    var status: TurnStatus = .unacknowledged
    /// TurnRecord.personal | .appreciative | .withinSLA.
    var marks: UInt8 = 0
    /// Time to acknowledge in microseconds (clamped at 0).
    var micros: Int64 = 0

    static let personal: UInt8 = 1
    static let appreciative: UInt8 = 2
    static let withinSLA: UInt8 = 4

    init(start: Int32, name: Int32) {
        self.start = start
        self.name = name
    }
}

extension ScoringRun {
    /// (created_at, id) order of candidate acknowledgements.
    @inline(__always)
    func earlier(_ a: StoredRow, _ b: StoredRow) -> Bool {
        a.created < b.created || (a.created == b.created && a.id < b.id)
    }

    /// Direct replies: `directAck[i]` = the earliest non-automated outbound
    /// row of the same account whose parent is needs-ack row i.
    mutating func findDirectAcknowledgements(_ rows: [StoredRow]) {
        for o in 0..<rows.count {
            if interrupted(o) { return }
            let r = rows[o]
            let p = Int(parentOf[o])
            if p < 0 || r.inbound || r.automated { continue }
            let parent = rows[p]
            if parent.needsAck && parent.account == r.account {
                let current = directAck[p]
                if current < 0 || earlier(r, rows[Int(current)]) { directAck[p] = Int32(o) }
            }
        }
    }

    /// The thread key of a row for turn forming, or -1: explicit threads
    /// are their slot; a derived DM thread (account, contact, channel) is
    /// `threadCount + contactSlot * channels + channel`. Needs-ack rows
    /// without a key are threads of their own; outbound rows without one
    /// end no turn.
    @inline(__always)
    func threadKey(_ r: StoredRow, _ i: Int) -> Int64 {
        if r.thread >= 0 { return Int64(r.thread) }
        if r.kind == Kind.message.rawValue && parentOf[i] < 0 && contactOf[i] >= 0 {
            return Int64(scorer.threadIDs.count) &+ Int64(contactOf[i]) &* Int64(Channel.allCases.count)
                &+ Int64(r.channel)
        }
        return -1
    }

    /// Forms every turn, with its first acknowledgement.
    mutating func formTurns(_ rows: [StoredRow]) {
        struct Entry {
            var key: Int64, created: Int64, id: Int64
            var row: Int32, outbound: UInt8
        }
        var entries: [Entry] = []
        let perRow = config.ackUnit == .row
        for i in 0..<rows.count {
            if interrupted(i) { return }
            let r = rows[i]
            if r.needsAck {
                let key = threadKey(r, i)
                if key < 0 {
                    var t = TurnRecord(start: Int32(i), name: r.aux)
                    t.firstAck = directAck[i]
                    turns.append(t)
                } else {
                    entries.append(Entry(key: key, created: r.created, id: r.id, row: Int32(i), outbound: 0))
                }
            } else if !r.inbound && !r.automated {
                let key = threadKey(r, i)
                if key >= 0 {
                    entries.append(Entry(key: key, created: r.created, id: r.id, row: Int32(i), outbound: 1))
                }
            }
        }
        if entries.isEmpty || stopped { return }
        // Within a thread: by time, inbound before outbound at the same
        // instant (an answer in the same microsecond counts), then id.
        entries.sort { a, b in
            if a.key != b.key { return a.key < b.key }
            if a.created != b.created { return a.created < b.created }
            if a.outbound != b.outbound { return a.outbound < b.outbound }
            return a.id < b.id
        }
        var open = turns.count  // turns[open...] wait for the thread's answer
        var key: Int64 = -1
        for k in 0..<entries.count {
            if interrupted(k) { return }
            let e = entries[k]
            if e.key != key {
                key = e.key
                open = turns.count
            }
            if e.outbound == 1 {
                // The thread's answer acknowledges every open turn, and
                // is the earliest acknowledgement in the thread after them.
                for t in open..<turns.count { offer(rows, ack: e.row, to: t) }
                open = turns.count
                continue
            }
            let i = Int(e.row)
            if perRow || open == turns.count {
                var t = TurnRecord(start: e.row, name: rows[i].aux)
                t.firstAck = directAck[i]
                turns.append(t)
            } else {
                let t = turns.count &- 1
                turns[t].rows &+= 1
                if turns[t].name == -1 { turns[t].name = rows[i].aux }
                if directAck[i] >= 0 { offer(rows, ack: directAck[i], to: t) }
            }
        }
    }

    @inline(__always)
    private mutating func offer(_ rows: [StoredRow], ack o: Int32, to t: Int) {
        let current = turns[t].firstAck
        if current < 0 || earlier(rows[Int(o)], rows[Int(current)]) { turns[t].firstAck = o }
    }
}
