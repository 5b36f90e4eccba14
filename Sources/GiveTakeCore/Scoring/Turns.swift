// Threads and turns (spec section 3). The needs-ack rows of one thread,
// in (created_at, id) order, form turns: a turn takes in needs-ack rows
// until an outbound non-automated row of the same thread ends it. The
// first acknowledgement of a turn is the earliest of that ending row and
// the direct replies to any of its rows. A message with a parent (and no
// thread_id) is a thread of its own, yet the brand's next message to that
// contact on that channel without a parent acknowledges it too, as in a
// DM thread.

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
    /// Business time to acknowledge in microseconds.
    var businessMicros: Int64 = 0
    /// When its SLA clock reaches the channel's target.
    var due: Int64 = 0

    static let personal: UInt8 = 1
    static let appreciative: UInt8 = 2
    static let withinSLA: UInt8 = 4
    /// Its first acknowledgement is earlier than its start.
    static let skewed: UInt8 = 8

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
    mutating func findDirectAcknowledgements(_ rows: RowStore) {
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
        if r.kind == Kind.message.rawValue && parentOf[i] == -1 && r.contact >= 0 {
            return Int64(scorer.threadIDs.count) &+ Int64(r.contact) &* Int64(Channel.allCases.count)
                &+ Int64(r.channel)
        }
        return -1
    }

    /// Forms every turn, with its first acknowledgement. Rows with a thread
    /// key are grouped by it (thread keys are dense, so a list head per key
    /// and a link per row: no hashing, no global sort); each thread is then
    /// ordered on its own, usually a handful of rows.
    mutating func formTurns(_ rows: RowStore) {
        // Thread lists: head[key] is the last row of thread `key`, next[i]
        // the row before i in the same thread (-1 none).
        let keyCount = scorer.threadIDs.count &+ contacts.count &* Channel.allCases.count
        var head = [Int32](repeating: -1, count: keyCount)
        var next = [Int32](repeating: -1, count: rows.count)
        var threaded = false
        // Turns of messages with a parent, by the DM thread whose answers
        // also acknowledge them: (thread key, turn).
        var answeredByDM: [(key: Int64, turn: Int32)] = []
        turns.reserveCapacity(needsAckRows)
        for i in 0..<rows.count {
            if interrupted(i) { return }
            let r = rows[i]
            guard r.needsAck || (!r.inbound && !r.automated) else { continue }
            let key = Int(threadKey(r, i))
            if key >= 0 {
                next[i] = head[key]
                head[key] = Int32(i)
                threaded = true
            } else if r.needsAck {
                var t = TurnRecord(start: Int32(i), name: r.firstName)
                t.firstAck = directAck[i]
                let dm = dmThreadKey(r)
                if dm >= 0 { answeredByDM.append((dm, Int32(turns.count))) }
                turns.append(t)
            }
        }
        if !threaded || stopped { return }
        answeredByDM.sort { $0.key < $1.key }
        var nextAnswered = 0
        var thread: [Int32] = []  // row indices of one thread
        var answers: [Int32] = []  // its outbound rows, when a message of its own needs them
        for g in 0..<keyCount where head[g] >= 0 {
            if interrupted(g) { return }
            thread.removeAll(keepingCapacity: true)
            var k = head[g]
            while k >= 0 {
                thread.append(k)
                k = next[Int(k)]
            }
            orderThread(&thread, rows)
            formTurns(inThread: thread, rows)
            while nextAnswered < answeredByDM.count && answeredByDM[nextAnswered].key < Int64(g) { nextAnswered &+= 1 }
            if nextAnswered < answeredByDM.count && answeredByDM[nextAnswered].key == Int64(g) {
                answers.removeAll(keepingCapacity: true)
                for row in thread where !rows[Int(row)].needsAck { answers.append(row) }
                while nextAnswered < answeredByDM.count && answeredByDM[nextAnswered].key == Int64(g) {
                    offerFirstAnswer(in: answers, rows, to: Int(answeredByDM[nextAnswered].turn))
                    nextAnswered &+= 1
                }
            }
        }
    }

    /// The derived DM thread whose answers acknowledge a message that is a
    /// thread of its own (it has a parent), or -1: as `threadKey` for the
    /// same message without its parent.
    @inline(__always)
    private func dmThreadKey(_ r: StoredRow) -> Int64 {
        guard r.thread < 0 && r.kind == Kind.message.rawValue && r.contact >= 0 else { return -1 }
        return Int64(scorer.threadIDs.count) &+ Int64(r.contact) &* Int64(Channel.allCases.count) &+ Int64(r.channel)
    }

    /// Offers turn `t` (a message of its own thread) the first of a DM
    /// thread's ordered answers at or after its start (at the same instant
    /// an inbound row comes first, so an answer then counts).
    private mutating func offerFirstAnswer(in answers: [Int32], _ rows: RowStore, to t: Int) {
        let start = rows[Int(turns[t].start)].created
        var lo = 0, hi = answers.count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if rows[Int(answers[mid])].created < start { lo = mid &+ 1 } else { hi = mid }
        }
        if lo < answers.count { offer(rows, ack: answers[lo], to: t) }
    }

    /// Orders one thread's rows by time, inbound before outbound at the
    /// same instant (an answer in the same microsecond counts), then id.
    private func orderThread(_ thread: inout [Int32], _ rows: RowStore) {
        @inline(__always) func before(_ a: Int32, _ b: Int32) -> Bool {
            let x = rows[Int(a)], y = rows[Int(b)]
            if x.created != y.created { return x.created < y.created }
            if x.inbound != y.inbound { return x.inbound }
            return x.id < y.id
        }
        if thread.count > 24 {
            thread.sort(by: before)
            return
        }
        var i = 1
        while i < thread.count {
            let v = thread[i]
            var j = i
            while j > 0 && before(v, thread[j &- 1]) {
                thread[j] = thread[j &- 1]
                j &-= 1
            }
            thread[j] = v
            i &+= 1
        }
    }

    /// The turns of one ordered thread: each outbound row answers the turns
    /// still open (one, or with ack_unit = row every row since the last
    /// answer).
    private mutating func formTurns(inThread thread: [Int32], _ rows: RowStore) {
        let perRow = config.ackUnit == .row
        var open = turns.count
        for row in thread {
            let i = Int(row)
            let r = rows[i]
            if !r.needsAck {
                // The thread's answer acknowledges every open turn, and is
                // the earliest acknowledgement in the thread after them.
                for t in open..<turns.count { offer(rows, ack: row, to: t) }
                open = turns.count
                continue
            }
            if perRow || open == turns.count {
                var t = TurnRecord(start: row, name: r.firstName)
                t.firstAck = directAck[i]
                turns.append(t)
            } else {
                let t = turns.count &- 1
                turns[t].rows &+= 1
                if turns[t].name == -1 { turns[t].name = r.firstName }
                if directAck[i] >= 0 { offer(rows, ack: directAck[i], to: t) }
            }
        }
    }

    /// Puts the turns in the order of their first rows (each row starts at
    /// most one turn: a counting placement, no sort). Results do not depend
    /// on the order of turns; the later passes then read rows in storage
    /// order instead of thread by thread.
    mutating func orderTurnsByStart(_ rowCount: Int) {
        if turns.count < 2 { return }
        var at = [Int32](repeating: -1, count: rowCount)
        for t in 0..<turns.count { at[Int(turns[t].start)] = Int32(t) }
        var ordered: [TurnRecord] = []
        ordered.reserveCapacity(turns.count)
        for i in 0..<rowCount where at[i] >= 0 { ordered.append(turns[Int(at[i])]) }
        turns = ordered
    }

    @inline(__always)
    private mutating func offer(_ rows: RowStore, ack o: Int32, to t: Int) {
        let current = turns[t].firstAck
        if current < 0 || earlier(rows[Int(o)], rows[Int(current)]) { turns[t].firstAck = o }
    }
}
