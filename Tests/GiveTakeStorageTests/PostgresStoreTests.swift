// PostgreSQL round trip, against the server named by GIVETAKE_TEST_PGURL
// (Tests/cli/run.sh starts a throwaway cluster and sets it). Without it
// these tests are skipped, and say so.
import Testing
import GiveTakeCore
@testable import GiveTakeStorage
#if canImport(Glibc)
import Glibc
#endif

let pgURL: String? = getenv("GIVETAKE_TEST_PGURL").map { String(cString: $0) }

@Suite(.enabled(if: pgURL != nil, "GIVETAKE_TEST_PGURL is not set: PostgreSQL round-trip skipped"),
       .serialized)
struct PostgresStoreTests {
    @Test func rowsRoundTripExactlyThroughBinaryCopy() throws {
        let store = try PostgresStore(conninfo: pgURL!)
        try load(store, rows: 3000, table: "gt_swift_rt")
        #expect(try readAll(store, ScanRequest(table: "gt_swift_rt")) == syntheticRows(3000))
        let some = try readAll(store, ScanRequest(table: "gt_swift_rt", accounts: [1001]))
        #expect(some == syntheticRows(3000).filter { $0.account == 1001 })
    }

    @Test func scoresEqualSQLiteAndTheInProcessEngine() throws {
        let store = try PostgresStore(conninfo: pgURL!)
        try load(store, rows: 8000, seed: 3, table: "gt_swift_score")
        var job = ScoringJob()
        job.table = "gt_swift_score"
        job.prefix = "gt_swift_"
        let pg = try job.run(store)
        let expected = try inProcess(8000, seed: 3)
        #expect(pg.accounts == expected.accounts)
        #expect(pg.contacts == expected.contacts)
        #expect(try store.readAccountScores(prefix: "gt_swift_") == expected.accounts)

        let dir = TempDir()
        let lite = try SQLiteStore(path: dir.file("same.db"), create: true)
        try load(lite, rows: 8000, seed: 3)
        let sq = try ScoringJob().run(lite)
        #expect(sq.accounts == pg.accounts && sq.contacts == pg.contacts)
    }

    @Test func serverErrorsCarryTheServerMessage() throws {
        let store = try PostgresStore(conninfo: pgURL!)
        #expect {
            try store.pg.exec("SELECT 1/0")
        } throws: { e in
            "\(e)".contains("division by zero")
        }
        #expect {
            try store.checkTable("no_such_table_here")
        } throws: { e in
            "\(e)".contains("no table 'no_such_table_here'")
        }
    }

    @Test func refusedConnectionIsReported() {
        #expect {
            _ = try PostgresStore(conninfo: "postgresql://x:secret@127.0.0.1:1/none?connect_timeout=2")
        } throws: { e in
            "\(e)".contains("cannot connect to PostgreSQL") && !"\(e)".contains("secret")
        }
    }
}
