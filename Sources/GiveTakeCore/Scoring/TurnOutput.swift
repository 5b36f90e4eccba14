// The per-turn and per-agent outputs (spec section 7).

public enum TurnStatus: UInt8, Sendable {
    case acknowledged = 0, unacknowledged, pending

    public var name: StaticString {
        switch self {
        case .acknowledged: return "acknowledged"
        case .unacknowledged: return "unacknowledged"
        case .pending: return "pending"
        }
    }
}

/// One row per turn. Times in microseconds since the Unix epoch; the
/// acknowledgement fields are nil unless the turn is acknowledged.
public struct TurnScore: Sendable, Equatable {
    public var accountID: Int64
    /// The id of its first row.
    public var turnID: Int64
    /// nil for a derived DM thread or a single-row thread.
    public var threadID: Int64?
    public var contactID: Int64?
    public var channel: Channel
    public var startedAt: Int64
    public var inboundRows: Int64
    public var status: TurnStatus
    public var firstAckID: Int64?
    public var agentID: Int64?
    public var timeToAckSeconds: Double?
    /// Business time (spec 3b); equal to timeToAckSeconds without a schedule.
    public var businessTimeToAckSeconds: Double?
    public var personal: Bool?
    public var appreciative: Bool?
    public var withinSLA: Bool?
    /// When the turn's SLA clock reaches the channel's target.
    public var dueAt: Int64
}

/// One row per account x agent_id (nil: the rows without an agent_id).
public struct AgentScore: Sendable, Equatable {
    public var accountID: Int64
    public var agentID: Int64?
    public var acknowledged: Int64 = 0
    public var medianAckSeconds: Double?, p90AckSeconds: Double?
    public var medianAckBusinessSeconds: Double?, p90AckBusinessSeconds: Double?
    public var personalRate: Double?, appreciativeRate: Double?, slaRate: Double?
    public var givePosts: Int64 = 0, takePosts: Int64 = 0
    public var giveRatio: Double?, meIndex: Double?

    public init(accountID: Int64, agentID: Int64?) {
        self.accountID = accountID
        self.agentID = agentID
    }
}

/// The turns of one finish, kept compact (20 bytes a turn); `rows()`
/// materialises them in output order (account_id, started_at, turn_id).
/// It shares the scorer's row storage, so drop it before adding more rows.
public struct TurnTable: Sendable {
    let rows: RowStore
    let records: [TurnRecord]
    let accountIDs: [Int64]
    let threadIDs: [Int64]
    let agentIDs: [Int64]
    let contactIDs: [Int64]
    let slaMicros: [Int64]
    /// Turns already materialised (merged tables), besides the records.
    let materialized: [TurnScore]

    /// No turns.
    public init() {
        rows = RowStore(); records = []; accountIDs = []; threadIDs = []; agentIDs = []; contactIDs = []; slaMicros = []; materialized = []
    }

    /// Turns of several runs (e.g. groups of accounts scored separately)
    /// as one table; materialises them (about 150 bytes a turn).
    public init(merging tables: [TurnTable]) {
        rows = RowStore(); records = []; accountIDs = []; threadIDs = []; agentIDs = []; contactIDs = []; slaMicros = []
        var all: [TurnScore] = []
        for t in tables { all += t.rows() }
        materialized = all
    }

    init(rows: RowStore, records: [TurnRecord], accountIDs: [Int64], threadIDs: [Int64], agentIDs: [Int64],
         contactIDs: [Int64], slaMicros: [Int64]) {
        self.contactIDs = contactIDs
        self.rows = rows
        self.records = records
        self.accountIDs = accountIDs
        self.threadIDs = threadIDs
        self.agentIDs = agentIDs
        self.slaMicros = slaMicros
        self.materialized = []
    }

    public var count: Int { records.count &+ materialized.count }

    /// Every turn (or those whose status `keep` accepts), ordered by
    /// account_id, started_at, turn_id.
    public func rows(where keep: (TurnStatus) -> Bool = { _ in true }) -> [TurnScore] {
        Array(ordered(where: keep))
    }

    /// The same rows, materialised a block at a time as they are iterated (the
    /// records in output order: a copy of 40 bytes a turn, 32 more while
    /// they are sorted), for writers that stream them out.
    public func ordered(where keep: (TurnStatus) -> Bool = { _ in true }) -> OrderedTurns {
        // Sorted on keys gathered once: a comparison that read the rows
        // would miss the cache twice each time.
        var keys: [TurnOrderKey] = []
        keys.reserveCapacity(records.count)
        for i in 0..<records.count where keep(records[i].status) {
            let r = rows[Int(records[i].start)]
            keys.append(TurnOrderKey(account: accountIDs[Int(r.account)], created: r.created, id: r.id, index: Int32(i)))
        }
        keys.sort { a, b in
            if a.account != b.account { return a.account < b.account }
            if a.created != b.created { return a.created < b.created }
            return a.id < b.id
        }
        // The records copied into that order in one tight loop, where their
        // cache misses overlap; iterating then reads them in sequence.
        var sorted: [TurnRecord] = []
        sorted.reserveCapacity(keys.count)
        for k in keys { sorted.append(records[Int(k.index)]) }
        keys = []
        var extra: [TurnScore] = []
        if !materialized.isEmpty {
            for t in materialized where keep(t.status) { extra.append(t) }
            extra.sort { ($0.accountID, $0.startedAt, $0.turnID) < ($1.accountID, $1.startedAt, $1.turnID) }
        }
        return OrderedTurns(table: self, records: sorted, extra: extra)
    }

    /// The turn of record `t`, whose first row is `r` and first
    /// acknowledgement `a` (read only when it has one).
    @inline(__always)
    func turn(_ t: TurnRecord, _ r: StoredRow, _ a: StoredRow) -> TurnScore {
        let due = t.due
        var s = TurnScore(
            accountID: accountIDs[Int(r.account)], turnID: r.id,
            threadID: r.thread >= 0 ? threadIDs[Int(r.thread)] : nil,
            contactID: r.contact >= 0 ? contactIDs[Int(r.contact)] : nil,
            channel: Channel(rawValue: r.channel) ?? .other, startedAt: r.created, inboundRows: Int64(t.rows),
            status: t.status, dueAt: due)
        if t.status == .acknowledged && t.firstAck >= 0 {
            s.firstAckID = a.id
            s.agentID = a.agent >= 0 ? agentIDs[Int(a.agent)] : nil
            s.timeToAckSeconds = Double(max(0, a.created &- r.created)) / 1e6
            s.businessTimeToAckSeconds = Double(t.businessMicros) / 1e6
            s.personal = t.marks & TurnRecord.personal != 0
            s.appreciative = t.marks & TurnRecord.appreciative != 0
            s.withinSLA = t.marks & TurnRecord.withinSLA != 0
        }
        return s
    }

    /// The turns of `records` into `out` (replacing what it held). Their
    /// rows are read first, in a loop that does nothing else, so that the
    /// cache misses of many turns overlap; materialised one by one, each
    /// turn waited on its own two misses (most of the time it took to
    /// write the turns of a large table).
    func materialize(_ records: ArraySlice<TurnRecord>, into out: inout [TurnScore],
                     _ starts: inout [StoredRow], _ acks: inout [StoredRow]) {
        starts.removeAll(keepingCapacity: true)
        acks.removeAll(keepingCapacity: true)
        for t in records {
            let r = rows[Int(t.start)]
            starts.append(r)
            acks.append(t.firstAck >= 0 ? rows[Int(t.firstAck)] : r)
        }
        out.removeAll(keepingCapacity: true)
        var k = 0
        for t in records {
            out.append(turn(t, starts[k], acks[k]))
            k &+= 1
        }
    }
}

/// Turns an `OrderedTurns` iterator materialises at a time: about 40 KB
/// of results and 32 KB of rows, at hand in the caches.
let turnBlockSize = 256

/// A turn's place in output order (account_id, started_at, turn_id).
struct TurnOrderKey {
    var account: Int64
    var created: Int64
    var id: Int64
    var index: Int32
}

/// Turns in output order, materialised while iterating (see
/// `TurnTable.ordered`). A table holds either records or materialised
/// turns, never both, so `extra` simply follows `records`.
public struct OrderedTurns: Sequence, Sendable {
    let table: TurnTable
    let records: [TurnRecord]
    let extra: [TurnScore]

    public var count: Int { records.count &+ extra.count }

    public struct Iterator: IteratorProtocol {
        let turns: OrderedTurns
        /// Records handed to a block so far (past them: the extra turns).
        var position = 0
        var block: [TurnScore] = []
        var blockPosition = 0
        var starts: [StoredRow] = []
        var acks: [StoredRow] = []

        public mutating func next() -> TurnScore? {
            if blockPosition == block.count {
                let records = turns.records
                guard position < records.count else {
                    let k = position &- records.count
                    position &+= 1
                    return k < turns.extra.count ? turns.extra[k] : nil
                }
                let end = Swift.min(records.count, position &+ turnBlockSize)
                turns.table.materialize(records[position..<end], into: &block, &starts, &acks)
                position = end
                blockPosition = 0
            }
            defer { blockPosition &+= 1 }
            return block[blockPosition]
        }
    }

    public func makeIterator() -> Iterator { Iterator(turns: self) }
}
