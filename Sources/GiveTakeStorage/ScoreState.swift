// What a scoring run records next to its scores so that --incremental can
// tell which rows are new (ids above the previous maximum) and whether the
// rest of the table is unchanged.

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

import GiveTakeCore

/// GIVETAKE_TEST_KILL_BEFORE_COMMIT=1 makes the process kill itself with
/// SIGKILL inside the write transaction, just before COMMIT: the tests use
/// it to check that an interrupted run leaves the previous scores intact.
func crashPointBeforeCommit() {
    if getenv("GIVETAKE_TEST_KILL_BEFORE_COMMIT") != nil { kill(getpid(), SIGKILL) }
}

#if canImport(Glibc)
import Glibc
#endif
