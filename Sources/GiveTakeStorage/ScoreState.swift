// What a scoring run records next to its scores so that --incremental can
// tell which rows are new (ids above the previous maximum) and whether the
// rest of the table is unchanged.
import GiveTakeCore

public struct ScoreState: Sendable, Equatable {
    /// The interactions table that was scored.
    public var table: String
    /// Highest id scored; nil when the table was empty.
    public var maxID: Int64?
    /// Rows with id <= maxID at that time (a cheap check that no old row
    /// was deleted or back-filled since).
    public var rowsUpToMaxID: Int64
    /// The as_of the scores were computed at (microseconds).
    public var asOf: Int64
    /// Everything else the result depends on (lexicon, SLA, --as-of, ...).
    public var configKey: String

    public init(table: String, maxID: Int64?, rowsUpToMaxID: Int64, asOf: Int64, configKey: String) {
        self.table = table
        self.maxID = maxID
        self.rowsUpToMaxID = rowsUpToMaxID
        self.asOf = asOf
        self.configKey = configKey
    }
}

extension ScoreState {
    /// Values in Schema.stateColumns order.
    var values: [ScoreValue] {
        [.text(table), maxID.map { .int($0) } ?? .null, .int(rowsUpToMaxID), .int(asOf), .text(configKey)]
    }
}

/// What changed since a ScoreState.
public struct IncrementalDelta: Sendable {
    /// Rows with id <= the previous maxID now (compare with the state).
    public var rowsUpToMaxID: Int64
    /// Rows with id > the previous maxID, and their largest id.
    public var newRows: Int64
    public var newMaxID: Int64?
    /// Latest created_at among the new rows (nil: none).
    public var newMaxCreatedAt: Int64?
    /// Accounts whose scores can change: those of new rows and of rows
    /// whose parent is a new row, closed under "has a
    /// row whose parent, or another row with the same id, is in another
    /// account" so each rescored account sees every row it refers to.
    public var affectedAccounts: [Int64]
}

/// Closes the affected accounts: rows of an affected account may refer (by
/// parent_id or a shared id) to rows of other accounts, which must be
/// scored together so orphans and duplicates resolve as in a full run.
/// Each round `write`s the set to the table the query of `linked` names
/// and adds the accounts it finds, until none is new.
func closeAccountSet(_ accounts: inout Set<Int64>, write: ([Int64]) throws -> Void,
                     linked: () throws -> [Int64]) throws {
    while true {
        try write(Array(accounts))
        var grew = false
        for a in try linked() where accounts.insert(a).inserted { grew = true }
        if !grew { break }
    }
}

/// Accounts outside `set` (a table of account_id) with a row that is the
/// parent of, or shares its id with, a row of an account in the set.
/// IN (subquery) rather than a join on "a OR b": SQLite builds one
/// ephemeral index per subquery instead of a nested loop.
func linkedAccountsQuery(_ table: String, set: String) -> String {
    """
    SELECT DISTINCT account_id FROM \(table)
    WHERE account_id NOT IN (SELECT account_id FROM \(set))
      AND (id IN (SELECT parent_id FROM \(table) WHERE account_id IN (SELECT account_id FROM \(set)))
           OR id IN (SELECT id FROM \(table) WHERE account_id IN (SELECT account_id FROM \(set))))
    """
}

/// Tracks the highest id and row count while a full scan streams by.
public struct ScanStats: Sendable {
    public var rows: Int64 = 0
    public var maxID: Int64?
    public init() {}

    @inline(__always)
    public mutating func note(_ batch: UnsafeBufferPointer<Interaction>) {
        rows &+= Int64(batch.count)
        for r in batch where maxID == nil || r.id > maxID! { maxID = r.id }
    }
}

