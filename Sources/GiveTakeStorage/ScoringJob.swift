// One scoring run over a store: stream the table into a Scorer, write the
// score tables in one transaction. With `incremental`, only the accounts
// that new rows can affect are read and rewritten (see ScoreState), and
// the result equals a full rescore.
import GiveTakeCore

public struct ScoringJob {
    public var table = "interactions"
    public var prefix = ""
    public var lexicon: Lexicon = .builtin
    public var config = ScoringConfig()
    /// Everything besides the rows that the scores depend on; a change
    /// forces a full rescore under --incremental.
    public var configKey = ""
    public var incremental = false
    public var batchSize = 8192
    /// Called after each batch with the rows read so far.
    public var progress: ((Int) -> Void)?
    /// Called when a phase starts: "computing scores", "writing scores".
    public var phase: ((String) -> Void)?
    /// Memory bound: above this many rows, accounts are scored in groups
    /// (PartitionedScoring.swift). nil = one group, however large.
    public var maxRowsInMemory: Int?
    /// A table estimated above this many rows is scored in groups even
    /// when one pass would fit `maxRowsInMemory` (nil: that bound alone
    /// decides): scorers the size of the CPU caches, fed from the spill,
    /// beat one scorer of every row in time and memory.
    public var groupAboveRows: Int?
    /// Rows a group aims at when the table is scored in groups (nil: as
    /// many as `maxRowsInMemory`). A group whose scorer state fits the CPU
    /// caches scores faster, and fewer rows mean less memory.
    public var rowsPerGroup: Int?
    /// Score in groups also when the source cannot estimate its row count
    /// (an explicit budget); a default budget only acts on a known estimate,
    /// so it never costs an extra planning scan of a small table.
    public var groupWhenCountUnknown = true
    /// Memory limit of each group's scorer in bytes (nil: none). A group
    /// whose scorer would outgrow it is split by linked set
    /// (GroupSplitting.swift); only one linked set that does not fit is an
    /// error, unless `scorerMemoryCeiling` holds it. (A table scored in one
    /// pass, or grouped only for speed, has no limit.)
    public var scorerMemoryLimit: Int?
    /// A linked set that does not fit `scorerMemoryLimit` is scored alone
    /// with a limit of up to this many bytes, and `oversized` is told,
    /// rather than stopping the run (nil: the run stops with
    /// LinkedSetTooLarge). For a bound that is a default, not the user's.
    public var scorerMemoryCeiling: Int?
    /// Told of each linked set scored past `scorerMemoryLimit` (what it
    /// needs, and the ceiling it was given).
    public var oversized: ((LinkedSetTooLarge, _ ceiling: Int) -> Void)?
    /// Spill buckets of grouped scoring (nil: from the row estimate); one
    /// bucket makes every plan split the spill by group (for tests).
    var spillBucketCount: Int?
    /// Business schedules given to every scorer.
    public var schedules: [ScheduleSpec] = []
    /// Called before a scorer gets its first row: once per scan, or per
    /// group of accounts (a group may be read twice when the global as_of
    /// must be found first), so `rowsScored` can start afresh.
    public var scorerStarts: (() -> Void)?
    /// Sees every batch of rows a scorer was given.
    public var rowsScored: ((UnsafeBufferPointer<Interaction>) throws -> Void)?
    /// The scorer that groups of accounts share (PartitionedScoring.swift).
    let groupScorer = GroupScorerSlot()

    public init() {}

    public struct Outcome {
        /// Account rows (empty when scored in groups or already up to date:
        /// read them from the account table, as the CLI prints them, so no
        /// run keeps every account in memory).
        public var accounts: [AccountScore]
        /// Contacts of the rescored accounts (empty when nothing was rescored,
        /// and when scored in groups: read them from the contact table).
        public var contacts: [ContactScore]
        /// Account names from the source (empty when it has none).
        public var names: AccountNames
        public var asOf: Int64
        /// Accounts rescored (nil = all).
        public var rescored: [Int64]?
        public var rowsRead: Int
        /// Why an incremental run fell back to a full one (nil if it did not).
        public var fullReason: String?
    }

    public func run(_ store: InteractionStore) throws -> Outcome {
        try store.checkTable(table)
        let names = try store.accountNames(table)
        if incremental {
            switch try plan(store) {
            case .upToDate(let state):
                // Nothing new: the stored scores stand.
                return Outcome(accounts: [], contacts: [], names: names, asOf: state.asOf, rescored: [],
                               rowsRead: 0, fullReason: nil)
            case .partial(let accounts, let asOf, let state):
                var cfg = config
                cfg.asOf = asOf
                let (result, stats) = try score(store, ScanRequest(table: table, accounts: accounts), cfg)
                phase?("writing scores")
                try store.writeScores(result, names: names, prefix: prefix, replacing: accounts, state: state)
                return Outcome(accounts: result.accounts, contacts: result.contacts, names: names, asOf: result.asOf,
                               rescored: accounts, rowsRead: Int(stats.rows), fullReason: nil)
            case .full(let reason):
                var outcome = try full(store, names)
                outcome.fullReason = reason
                return outcome
            }
        }
        return try full(store, names)
    }

    private func full(_ store: InteractionStore, _ names: AccountNames) throws -> Outcome {
        if let spilled = try spilledIfLarge(store) { return try fullInGroups(store, names, spilled) }
        let (result, stats) = try score(store, ScanRequest(table: table), config)
        let state = ScoreState(table: table, maxID: stats.maxID, rowsUpToMaxID: stats.rows, asOf: result.asOf,
                               configKey: configKey)
        phase?("writing scores")
        let t = monotonicSeconds()
        try store.writeScores(result, names: names, prefix: prefix, replacing: nil, state: state)
        if traceEnabled { trace("write \(result.accounts.count) accounts, \(result.contacts.count) contacts: \(monotonicSeconds() - t) s") }
        return Outcome(accounts: result.accounts, contacts: result.contacts, names: names, asOf: result.asOf,
                       rescored: nil, rowsRead: Int(stats.rows), fullReason: nil)
    }

    /// Scores the groups one after another inside the write transaction,
    /// each written (on this thread) as soon as it is scored (on another). The outcome's accounts and
    /// contacts are left empty (they are in the score tables).
    private func fullInGroups(_ store: InteractionStore, _ names: AccountNames,
                              _ spilled: SpilledGroups) throws -> Outcome {
        let t = monotonicSeconds()
        var asOf: Int64 = 0
        try store.writeScores(names: names, prefix: prefix, replacing: nil, periods: config.period != nil) { append in
            // The next group is scored while this one is written.
            asOf = try pipelinedResults({ emit in try scoreGroups(spilled, emit) }, consume: append)
            phase?("writing scores")
            return ScoreState(table: table, maxID: spilled.stats.maxID, rowsUpToMaxID: spilled.stats.rows,
                              asOf: asOf, configKey: configKey)
        }
        if traceEnabled { trace("scored and wrote \(spilled.paths.count) groups of accounts: \(monotonicSeconds() - t) s") }
        return Outcome(accounts: [], contacts: [], names: names, asOf: asOf, rescored: nil,
                       rowsRead: Int(spilled.stats.rows), fullReason: nil)
    }

    func score(_ store: InteractionStore, _ request: ScanRequest,
               _ cfg: ScoringConfig) throws -> (Scores, ScanStats) {
        let scorer = makeScorer(cfg)
        try scorer.configure(cfg)
        scorerStarts?()
        var stats = ScanStats()
        var addTime = 0.0
        let start = monotonicSeconds()
        try pipelinedScan(store, request, batchSize: batchSize) { rows in
            stats.note(rows)
            let t = monotonicSeconds()
            do {
                try scorer.add(rows)
            } catch let e as GiveTakeError {
                throw StorageError("table '\(request.table)', " + e.message)  // "row N (id X): ..."
            }
            addTime += monotonicSeconds() - t
            try rowsScored?(rows)
            progress?(Int(stats.rows))
        }
        phase?("computing scores")
        let t = monotonicSeconds()
        let result = try scorer.finish()
        if traceEnabled {
            trace("read \(stats.rows) rows: scan+add \(t - start) s (add \(addTime) s), "
                  + "finish \(monotonicSeconds() - t) s")
        }
        return (result, stats)
    }

    /// A scorer with the job's lexicon and schedules.
    func makeScorer(_ cfg: ScoringConfig) -> Scorer {
        let scorer = Scorer(lexicon: lexicon, config: ScoringConfig())
        for s in schedules { scorer.setSchedule(s.schedule, account: s.accountID, channel: s.channel) }
        return scorer
    }

    enum Plan {
        case full(String)
        case partial([Int64], Int64, ScoreState)
        case upToDate(ScoreState)
    }

    private func plan(_ store: InteractionStore) throws -> Plan {
        guard let state = try store.readState(prefix: prefix) else { return .full("no previous scores") }
        if state.table != table { return .full("the previous scores are of table '\(state.table)'") }
        if state.configKey != configKey { return .full("the options or lexicon changed") }
        let delta = try store.incrementalDelta(table, since: state)
        if delta.rowsUpToMaxID != state.rowsUpToMaxID {
            return .full("rows at or below the previous largest id were added or deleted")
        }
        if delta.newRows == 0 { return .upToDate(state) }
        // An explicit --as-of pins the scoring time; otherwise it is the
        // latest created_at, and newer rows move it for every account.
        var asOf = state.asOf
        if let pinned = config.asOf {
            asOf = pinned
        } else if let newest = delta.newMaxCreatedAt, newest > state.asOf {
            return .full("new rows are later than the previous as_of, which moves every account's scores")
        }
        let next = ScoreState(table: table, maxID: delta.newMaxID ?? state.maxID,
                              rowsUpToMaxID: state.rowsUpToMaxID + delta.newRows, asOf: asOf, configKey: configKey)
        return .partial(delta.affectedAccounts, asOf, next)
    }
}

/// GIVETAKE_TRACE=1 prints phase timings on stderr (for benchmarking).
let traceEnabled = getenv("GIVETAKE_TRACE") != nil

func trace(_ s: String) {
    let line = Array(("givetake trace: " + s + " [rss \(residentMegabytes()) MB]\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// The process's resident memory now, in MB (the second field of
/// /proc/self/statm, in pages; 0 when it cannot be read).
func residentMegabytes() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY)
    if fd < 0 { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 128) }
    guard n > 0 else { return 0 }
    let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
    return (pages * Int(sysconf(Int32(_SC_PAGESIZE)))) >> 20
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

#if canImport(Glibc)
import Glibc
#endif
