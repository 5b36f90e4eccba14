// givetake score <db>: read the interactions table, score it, write the
// score tables and print the account table.
#if CLI  // the CLI trait (Package.swift): needs swift-argument-parser
import ArgumentParser
import GiveTakeCore
import GiveTakeStorage
#if canImport(Glibc)
import Glibc
#endif

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a CRM interactions table; write account_scores, contact_scores, turn_scores, agent_scores.",
        discussion: """
            <db> is a SQLite file or a PostgreSQL URL (postgres://user@host:5432/db; PG* \
            environment variables apply as in psql). The table needs the columns: \
            \(Schema.expectedColumnsText). Account names come from an account_name column \
            or an accounts(account_id, name) table beside it. The score tables are replaced in \
            one transaction, so an interrupted run leaves the previous scores intact.

            By default the account table is printed; --turns pending prints the at-risk list \
            (turns still within their SLA, soonest due first), --turns all|acknowledged|unacknowledged \
            the other turns, and --agents the agent table.

            --incremental rescores only the accounts that rows added since the last run \
            (ids above its largest id) can change; the result equals a full rescore. \
            Unless --as-of is given, new rows later than the previous as_of move every \
            account's scores, and a full rescore is done.
            """)

    @Argument(help: ArgumentHelp("SQLite file path or postgres:// URL.", valueName: "db"))
    var db: String

    @OptionGroup var options: ScoringOptions

    @Flag(help: "Rescore only the accounts affected by rows added since the last run.")
    var incremental = false

    @OptionGroup var memory: MemoryOptions

    @Flag(name: .shortAndLong, help: "No progress bar or summary on stderr.")
    var quiet = false

    @Option(help: ArgumentHelp("Print turns instead of accounts: pending (the at-risk list, by due_at), "
                               + "acknowledged, unacknowledged or all.", valueName: "status"))
    var turns: TurnListOption?

    @Flag(help: "Print the agent table instead of accounts.")
    var agents = false

    @Option(help: ArgumentHelp("Also score per period in each account's time zone: day, week (ISO, from Monday) "
                               + "or month; writes period_scores and prints the trend.", valueName: "period"))
    var period: PeriodOption?

    func validate() throws {
        try requireLocation(db, "<db>")
        if turns != nil && agents { throw ValidationError("--turns and --agents each print a table: choose one") }
        if period != nil && (turns != nil || agents) {
            throw ValidationError("--period prints the trend table: leave out --turns and --agents")
        }
        if period != nil && incremental { throw ValidationError("--period rescores every account: leave out --incremental") }
    }

    func run() throws {
        let store = try openStore(db)
        let (lexicon, lexBytes) = try options.loadLexicon()
        var job = ScoringJob()
        job.table = options.table
        job.prefix = options.outPrefix
        job.lexicon = lexicon
        job.config = try options.config()
        switch period {
        case .day?: job.config.period = .day
        case .week?: job.config.period = .week
        case .month?: job.config.period = .month
        case nil: break
        }
        let (schedules, scheduleKey) = try options.loadSchedules(store)
        job.schedules = schedules
        job.configKey = options.configKey(job.config, lexBytes) + scheduleKey
        job.incremental = incremental
        memory.apply(to: &job)
        let progress = Progress(label: "scoring \(options.table)", total: store.estimatedRowCount(options.table),
                                enabled: !quiet)
        job.progress = { progress.update($0) }
        job.phase = { progress.show($0) }
        let clock = Stopwatch()
        let outcome = try job.run(store)
        progress.finish()
        let seconds = clock.seconds
        // Printed from the score tables as they are read, a batch at a
        // time: the same rows whatever the run mode, and no table is held
        // in memory however many accounts or turns it has.
        let p = options.outPrefix
        func rows(_ table: String, status: String? = nil, _ order: [String]) -> RowFeed<ScoreRow> {
            { sink in
                try store.forEachScoreRow(prefix: p, table: table, filter: status.map { .status($0) } ?? .all,
                                          orderBy: order) { sink($0) }
            }
        }
        let standardOutput = ByteBuffer.standardOutput()
        if let turns {
            let status = turns == .all ? nil : turns.rawValue
            let order = turns == .pending ? ["due_at", "account_id", "turn_id"] : ["account_id", "started_at", "turn_id"]
            try writeRows(Schema.turnColumns.map(\.0), format: options.format, key: "turns", asOf: outcome.asOf,
                          to: standardOutput, rows: rows("turn_scores", status: status, order))
        } else if agents {
            try writeRows(Schema.agentColumns.map(\.0), format: options.format, key: "agents", asOf: outcome.asOf,
                          to: standardOutput, rows: rows("agent_scores", ["account_id", "agent_id NULLS FIRST"]))
        } else if let period {
            if options.format == .table {
                try writeTrend(period: period.rawValue, names: outcome.names, to: standardOutput,
                               rows: rows("period_scores", ["account_id", "period_start"]))
            } else {
                try writeRows(Schema.periodColumns.map(\.0), format: options.format, key: "periods",
                              asOf: outcome.asOf, to: standardOutput,
                              rows: rows("period_scores", ["account_id", "period_start"]))
            }
        } else {
            // The table for people shows the all-channel rows only: the
            // others are not read.
            let allChannelsOnly = options.format == .table
            try writeAccounts(format: options.format, names: outcome.names, asOf: outcome.asOf, to: standardOutput) {
                sink in try store.forEachAccountScore(prefix: p, allChannelsOnly: allChannelsOnly) { sink($0) }
            }
        }
        if !quiet {
            var note = "scored \(grouped(outcome.rowsRead)) rows of '\(options.table)' in \(fixed(seconds, 2)) s"
            if seconds > 0 && outcome.rowsRead > 0 { note += " (\(rate(Double(outcome.rowsRead) / seconds)))" }
            note += "; as_of \(Timestamp.format(outcome.asOf)) UTC"
            if let rescored = outcome.rescored {
                note += rescored.isEmpty ? "; no new rows, scores are up to date"
                    : "; rescored \(rescored.count) affected account(s)"
            } else if let why = outcome.fullReason, incremental {
                note += "; full rescore: \(why)"
            }
            if outcome.rescored?.isEmpty != true {
                note += "; wrote \(p)account_scores, \(p)contact_scores, \(p)turn_scores"
                    + (period == nil ? " and \(p)agent_scores" : ", \(p)agent_scores and \(p)period_scores")
            }
            printError(note)
        }
    }
}

/// --max-memory (and --group-rows, hidden, for tests): the memory bound
/// of `score` and `report`.
struct MemoryOptions: ParsableArguments {
    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Memory bound of the whole run, e.g. 512M or 2G (default 512M; 'none': no bound): larger tables, "
        + "and any over 500,000 rows, are scored in groups of accounts (same results).",
        valueName: "size"))
    var maxMemory: String?

    @Option(name: .customLong("group-rows"), help: .hidden)
    var groupRows: Int?

    func validate() throws {
        if let maxMemory, maxMemory != "none" && parseSize(maxMemory) == nil {
            throw ValidationError("--max-memory '\(maxMemory)' is not a size (e.g. 512M, 2G) or 'none'")
        }
        if let g = groupRows, g < 1 { throw ValidationError("--group-rows must be at least 1") }
    }

    /// The job's bound in rows per group. A source whose row count cannot
    /// be estimated (a view) is spilled and planned like a large one (read
    /// back as one group when it fits), so the bound holds without a flag.
    func apply(to job: inout ScoringJob) {
        job.maxRowsInMemory = groupRows ?? parseSize(maxMemory ?? defaultMaxMemory).map(rowsFitting)
        job.groupWhenCountUnknown = job.maxRowsInMemory != nil
        if groupRows == nil {
            job.rowsPerGroup = cacheGroupRows
            job.groupAboveRows = oneScanMaxRows
        }
        job.scorerMemoryLimit = parseSize(maxMemory ?? defaultMaxMemory).map(scorerBytes)
        // The default bound cannot hold one large tenant (one account is
        // scored whole): rather than stop, score it alone within half the
        // memory available now (AvailableMemory.swift), and say so. A bound the user gave is strict.
        if maxMemory == nil && groupRows == nil, let available = availableMemoryBytes(),
           let limit = job.scorerMemoryLimit, available / 2 > limit {
            job.scorerMemoryCeiling = available / 2
            job.oversized = { e, ceiling in
                // On a line of its own, also when a progress bar is drawn.
                printError((isatty(2) != 0 ? "\r\u{1B}[K" : "") + "givetake: note: \(e.message); scored alone "
                           + "with up to \(ceiling >> 20) MB "
                           + "(half the memory available), as no --max-memory was given")
            }
        }
    }
}

/// Memory is bounded by default: a table whose estimated row count would
/// not fit is scored in groups of accounts.
let defaultMaxMemory = "512M"

/// "512M", "2G", "300000K", "1000000" (bytes).
func parseSize(_ s: String) -> Int? {
    guard let last = s.last else { return nil }
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
    let (number, unit) = units[last].map { (String(s.dropLast()), $0) } ?? (s, 1)
    guard let v = Int(number), v > 0 else { return nil }
    return v * unit
}

/// Rows per group for a process bound of `bytes`: one group's scorer gets
/// 60 % of it (the rest is for the plan, the account rows of every group,
/// one group's results while they are written or digested for the report,
/// buffers and the database library). The scorer's measured peak is 162–175 bytes per row (1 M and
/// 10 M rows, synthetic data; it plans 190), plus ~48 MB fixed.
func rowsFitting(_ bytes: Int) -> Int { max(50_000, (bytes * 3 / 5 - 48 << 20) / plannedBytesPerRow) }

/// The memory limit of one group's scorer for a process bound of `bytes`:
/// its 60 % (the 48 MB fixed part is outside the scorer's plan, so a group
/// of `rowsFitting` rows of typical data plans well under it), and never
/// less than what a group's rows were given (the 50,000-row floor). A
/// group whose contacts, threads or texts make it outgrow the limit is
/// split by linked set.
func scorerBytes(_ bytes: Int) -> Int { max(bytes * 3 / 5, rowsFitting(bytes) * plannedBytesPerRow) }

let plannedBytesPerRow = 200

/// The --max-memory, in whole 256 MB steps, whose scorer limit holds
/// `needed` bytes and a quarter more (the plan is an estimate).
func maxMemoryHolding(scorerBytes needed: Int) -> String {
    let step = 256 << 20
    let bytes = ((needed + needed / 4) * 5 / 3 + step - 1) / step * step
    return bytes % (1 << 30) == 0 ? "\(bytes >> 30)G" : "\(bytes >> 20)M"
}

/// Rows a group aims at once a table is scored in groups: a scorer of
/// about 10 MB works in the CPU caches, and scored groups of 50,000 rows
/// 1.2–1.5× faster than groups of a million (docs/architecture.md).
let cacheGroupRows = 50_000

/// Tables estimated above this many rows are scored in groups of
/// accounts even within the memory bound. Over SQLite, demo data, median
/// of three: equal time up to 700,000 rows with a third less memory; at
/// 1 M rows 2.1–2.6 s and 138 MB against 2.9–3.0 s and 188 MB in one pass
/// (over PostgreSQL 3.1–4.3 s and 135 MB against 3.7–4.4 s and 184 MB).
let oneScanMaxRows = 500_000
#endif
