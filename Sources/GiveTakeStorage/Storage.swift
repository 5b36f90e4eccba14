// The adapter contract: a source streams interaction rows in batches, a
// sink replaces the score tables. SQLiteStore and PostgresStore implement
// both; the CLI and the tests only talk to these protocols.
import GiveTakeCore

/// Which rows to read.
public struct ScanRequest: Sendable {
    /// The interactions table, optionally schema-qualified ("crm.interactions").
    public var table: String
    /// Only rows of these accounts (nil = every row).
    public var accounts: [Int64]?

    public init(table: String, accounts: [Int64]? = nil) {
        self.table = table
        self.accounts = accounts
    }
}

public protocol InteractionSource: AnyObject {
    /// Checks that the table exists and has every canonical column; the
    /// error names what is missing and lists the expected columns.
    func checkTable(_ table: String) throws
    /// Streams the rows in batches of up to `batchSize`. The buffer and
    /// its texts are valid only during the call. Returns the row count.
    @discardableResult
    func scan(_ request: ScanRequest, batchSize: Int,
              _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) throws -> Int
    /// Account names, where the source knows them: its `account_name`
    /// column (the smallest non-null name per account), else an
    /// `accounts(account_id, name)` table beside it; empty otherwise.
    func accountNames(_ table: String) throws -> AccountNames
}

public protocol ScoreSink: AnyObject {
    /// Writes `<prefix>account_scores`, `contact_scores`, `turn_scores` and
    /// `agent_scores` (and `period_scores` when `periods`) in one
    /// transaction. `replacing` nil replaces every row; otherwise only the
    /// rows of those accounts. `produce` is called inside the transaction:
    /// it hands over the results in parts (one per group of accounts, each
    /// written at once, so no part outlives its group) and returns the
    /// state recorded for --incremental. An error rolls everything back.
    func writeScores(names: AccountNames, prefix: String, replacing: [Int64]?, periods: Bool,
                     _ produce: (_ append: (Scores) throws -> Void) throws -> ScoreState) throws
}

extension ScoreSink {
    /// The scores of one run, written in one transaction.
    public func writeScores(_ result: Scores, names: AccountNames, prefix: String, replacing: [Int64]?,
                            state: ScoreState) throws {
        try writeScores(names: names, prefix: prefix, replacing: replacing, periods: !result.periods.isEmpty) {
            try $0(result)
            return state
        }
    }
}

/// The rows a scoring run produced (one ScoringResult, or several merged).
public typealias Scores = ScoringResult

/// Operations the CLI needs beyond reading and writing scores.
public protocol InteractionStore: InteractionSource, ScoreSink {
    /// Creates the canonical interactions table (dropping an existing one
    /// when `replace`).
    func createInteractionsTable(_ table: String, replace: Bool) throws
    /// Appends rows in one transaction.
    func insert(_ table: String, _ rows: UnsafeBufferPointer<Interaction>) throws
    /// Creates (if missing) the `accounts(account_id, name)` table beside
    /// `table` and sets these names (replacing earlier ones of the ids).
    func writeAccountNames(_ names: AccountNames, besides table: String) throws
    /// Runs `body` inside one write transaction (bulk loads).
    func inTransaction(_ body: () throws -> Void) throws
    /// Number of rows, or an estimate when counting would be slow; nil if unknown.
    func estimatedRowCount(_ table: String) -> Int?
    /// The state of the previous scoring run, if any.
    func readState(prefix: String) throws -> ScoreState?
    /// Accounts touched by rows with id > hwm (and rows whose parent is one), closed under parent and
    /// same-id references (see Incremental.swift), and the count check.
    func incrementalDelta(_ table: String, since state: ScoreState) throws -> IncrementalDelta
    /// Calls `body` with each row of a score table (`table` is one of
    /// Schema.scoreTables, unprefixed) that `filter` keeps, in Schema column
    /// order, ordered by `orderBy` (column names). Rows are read a batch at
    /// a time into one reused ScoreRow (valid only during the call), so a
    /// table of any size can be printed in bounded memory and without
    /// allocating per row.
    func forEachScoreRow(prefix: String, table: String, filter: ScoreRowFilter, orderBy: [String],
                         _ body: (ScoreRow) throws -> Void) throws
    /// Runs `body` in one read transaction (a consistent snapshot).
    func inReadSnapshot(_ body: () throws -> Void) throws
}

/// Which rows of a score table `forEachScoreRow` reads.
public enum ScoreRowFilter: Sendable {
    case all
    /// turn_scores rows of this status.
    case status(String)
    /// account_scores rows whose channel is NULL or not text equal, byte
    /// for byte, to a channel's name: every row AccountScore(row:) reads
    /// as an all-channel row (a printed table shows only those).
    case allChannels
}

/// An error with a message for the user; exit status 1.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Opens a SQLite path or a postgres:// / postgresql:// URL (or a libpq
/// "key=value" connection string).
public func openStore(_ location: String, create: Bool = false) throws -> InteractionStore {
    if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
        return try PostgresStore(conninfo: location)
    }
    // A libpq "key=value ..." string starts with one of its keywords.
    let keys = ["host=", "hostaddr=", "dbname=", "user=", "port=", "service=", "password="]
    if keys.contains(where: { location.hasPrefix($0) }) {
        return try PostgresStore(conninfo: location)
    }
    if location.contains("://") {
        throw StorageError("'\(location)' is neither a SQLite file path nor a postgres:// URL")
    }
    return try SQLiteStore(path: location, create: create)
}

extension InteractionStore {
    /// All rows of a score table (see `forEachScoreRow`) in one array.
    public func readScoreRows(prefix: String, table: String, status: String?,
                              orderBy: [String]) throws -> [[ScoreValue]] {
        var out: [[ScoreValue]] = []
        try forEachScoreRow(prefix: prefix, table: table, filter: status.map { .status($0) } ?? .all,
                            orderBy: orderBy) { out.append($0.values) }
        return out
    }

    /// Reads back the stored account rows (for printing after
    /// --incremental), by account with the all-channel row first, as the
    /// engine reports them.
    public func readAccountScores(prefix: String) throws -> [AccountScore] {
        var out: [AccountScore] = []
        try forEachAccountScore(prefix: prefix) { out.append($0) }
        return out
    }

    /// The stored account rows one at a time, in the order of a run's
    /// result (account id, then all channels before each channel); only
    /// the all-channel rows when `allChannelsOnly` (the others are then
    /// not even read).
    public func forEachAccountScore(prefix: String, allChannelsOnly: Bool = false,
                                    _ body: (AccountScore) throws -> Void) throws {
        try forEachScoreRow(prefix: prefix, table: "account_scores", filter: allChannelsOnly ? .allChannels : .all,
                            orderBy: ["account_id", Schema.channelOrder]) { row in
            let a = AccountScore(row: row)
            if !allChannelsOnly || a.channel == nil { try body(a) }
        }
    }
}

extension InteractionSource {
    /// A source that knows no names.
    public func accountNames(_ table: String) throws -> AccountNames { [:] }
}
