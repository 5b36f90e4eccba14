// The transaction bracket both stores use: BEGIN, the work, COMMIT; on
// any failure ROLLBACK (its own failure ignored, the first error is the
// one to report) and rethrow, so a failed write leaves the previous rows.
#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` between `begin` and COMMIT through `exec`. `beforeCommit`
/// runs last inside the transaction.
func runTransaction(exec: (String) throws -> Void, begin: String, beforeCommit: () -> Void = {},
                   _ body: () throws -> Void) throws {
    try exec(begin)
    do {
        try body()
        beforeCommit()
        try exec("COMMIT")
    } catch {
        try? exec("ROLLBACK")
        throw error
    }
}

/// GIVETAKE_TEST_KILL_BEFORE_COMMIT=1 makes the process kill itself with
/// SIGKILL inside the write transaction, just before COMMIT: the tests use
/// it to check that an interrupted run leaves the previous scores intact.
func crashPointBeforeCommit() {
    if getenv("GIVETAKE_TEST_KILL_BEFORE_COMMIT") != nil { kill(getpid(), SIGKILL) }
}
