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

    /// A score table of the schema's types takes the turns straight from
    /// binary COPY, and a second run replaces them; one with a column made
    /// numeric by hand gets them through a temporary table of the schema's
    /// types, cast to its own: it keeps that type and holds the same turns.
    @Test func turnsAreWrittenWhateverTheTableTypes() throws {
        let store = try PostgresStore(conninfo: pgURL!)
        try load(store, rows: 6000, seed: 4, table: "gt_swift_turns")
        var job = ScoringJob()
        job.table = "gt_swift_turns"
        job.prefix = "gt_swift_exact_"
        _ = try job.run(store)
        let first = try store.pg.exec("SELECT count(*) FROM gt_swift_exact_turn_scores").int64(0, 0)
        _ = try job.run(store)
        #expect(try store.pg.exec("SELECT count(*) FROM gt_swift_exact_turn_scores").int64(0, 0) == first)
        _ = try store.pg.exec("DROP TABLE IF EXISTS gt_swift_other_turn_scores")
        _ = try store.pg.exec("CREATE TABLE gt_swift_other_turn_scores (LIKE gt_swift_exact_turn_scores)")
        _ = try store.pg.exec("ALTER TABLE gt_swift_other_turn_scores ALTER COLUMN inbound_rows TYPE numeric")
        // trust_score as older versions made it.
        _ = try store.pg.exec("DROP TABLE IF EXISTS gt_swift_other_contact_scores")
        _ = try store.pg.exec("CREATE TABLE gt_swift_other_contact_scores (LIKE gt_swift_exact_contact_scores)")
        _ = try store.pg.exec("ALTER TABLE gt_swift_other_contact_scores ALTER COLUMN trust_score TYPE bigint")
        job.prefix = "gt_swift_other_"
        _ = try job.run(store)
        #expect(try store.attributeTypes("gt_swift_other_turn_scores")["inbound_rows"] == "numeric")
        #expect(try store.attributeTypes("gt_swift_exact_turn_scores")["inbound_rows"] == "bigint")
        let count = try store.pg.exec("SELECT count(*) FROM gt_swift_exact_turn_scores")
        #expect((count.int64(0, 0) ?? 0) > 1000)
        let differ = try store.pg.exec(
            "SELECT count(*) FROM ((SELECT * FROM gt_swift_exact_turn_scores EXCEPT ALL "
            + "SELECT * FROM gt_swift_other_turn_scores) UNION ALL (SELECT * FROM gt_swift_other_turn_scores "
            + "EXCEPT ALL SELECT * FROM gt_swift_exact_turn_scores)) d")
        #expect(differ.int64(0, 0) == 0)
        let contacts = try store.pg.exec(
            "SELECT count(*) FROM ((SELECT * FROM gt_swift_exact_contact_scores EXCEPT ALL "
            + "SELECT * FROM gt_swift_other_contact_scores) UNION ALL (SELECT * FROM gt_swift_other_contact_scores "
            + "EXCEPT ALL SELECT * FROM gt_swift_exact_contact_scores)) d")
        #expect(contacts.int64(0, 0) == 0)
        #expect(try store.attributeTypes("gt_swift_other_contact_scores")["trust_score"] == "bigint")
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

    /// A value the casts cannot convert names its row, column and value.
    @Test func valuesThatDoNotCastNameTheRowAndColumn() throws {
        let store = try PostgresStore(conninfo: pgURL!)
        let cases: [(String, String, String)] = [
            ("account_id", "'abc'", "row 2 (id 3): account_id 'abc' is not a bigint"),
            ("inbound", "'maybe'", "row 2 (id 3): inbound 'maybe' is not a boolean"),
            ("value", "'lots'", "row 2 (id 3): value 'lots' is not a double precision"),
            ("id", "'x9'", "row 2: id 'x9' is not a bigint"),
        ]
        for (column, bad, message) in cases {
            try store.pg.exec("""
                DROP TABLE IF EXISTS gt_swift_bad;
                CREATE TABLE gt_swift_bad (id text, account_id text, contact_id text, parent_id text, channel text,
                  kind text, inbound text, automated text, has_media text, created_at text, author_name text,
                  body text, value text);
                INSERT INTO gt_swift_bad VALUES
                  ('1', '10', '5', NULL, 'twitter', 'post', 'f', 'false', '0', '2026-01-01 00:00:00', NULL, 'hi', '0'),
                  ('2', '10', ' 7 ', NULL, 'twitter', 'post', 'yes', 'off', '1', '2026-01-01', NULL, 'hi', '2.5'),
                  ('3', '10', '5', NULL, 'twitter', 'post', 'f', 'f', 'f', '2026-01-01', NULL, 'hi', '0');
                UPDATE gt_swift_bad SET \(column) = \(bad) WHERE id = '3'
                """)
            #expect {
                try readAll(store, ScanRequest(table: "gt_swift_bad"))
            } throws: { e in
                "\(e)".hasPrefix("table 'gt_swift_bad', \(message) (PostgreSQL: ERROR:")
            }
        }
        try store.pg.exec("DELETE FROM gt_swift_bad WHERE id NOT IN ('1', '2')")
        let rows = try readAll(store, ScanRequest(table: "gt_swift_bad"))
        #expect(rows.count == 2 && rows[1].contact == 7 && rows[1].inbound && rows[1].value == 2.5)
        try store.pg.exec("DROP TABLE gt_swift_bad")
    }

    @Test func refusedConnectionIsReported() {
        #expect {
            _ = try PostgresStore(conninfo: "postgresql://x:secret@127.0.0.1:1/none?connect_timeout=2")
        } throws: { e in
            "\(e)".contains("cannot connect to PostgreSQL") && !"\(e)".contains("secret")
        }
    }
}
