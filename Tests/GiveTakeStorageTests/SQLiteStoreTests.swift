import Testing
import GiveTakeCore
@testable import GiveTakeStorage

@Suite struct SQLiteStoreTests {
    @Test func rowsRoundTripExactly() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("rt.db"), create: true)
        try load(store, rows: 3000)
        let back = try readAll(store, ScanRequest(table: "interactions"))
        let sent = syntheticRows(3000)
        #expect(back.count == sent.count)
        #expect(back == sent)  // ids, NULLs, empty texts, UTF-8 names, microseconds, values
    }

    @Test func scoresEqualTheInProcessEngine() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("s.db"), create: true)
        try load(store, rows: 8000, seed: 3)
        let outcome = try ScoringJob().run(store)
        let expected = try inProcess(8000, seed: 3)
        #expect(outcome.accounts == expected.accounts)
        #expect(outcome.contacts == expected.contacts)
        #expect(outcome.asOf == expected.asOf)
        // And what was written reads back the same.
        #expect(try store.readAccountScores(prefix: "") == expected.accounts)
    }

    @Test func groupsOfAccountsGiveTheSameScores() throws {
        let dir = TempDir()
        let (store, groupedJob, whole) = try linkedAccountsInGroups(dir.file("g.db"), prefix: "g_")
        var job = groupedJob
        // Groups of whole spill buckets; one bucket forces the split by group.
        for buckets in [nil, 1, 3] {
            job.spillBucketCount = buckets
            let grouped = try job.run(store)
            // Grouped runs keep no account rows: they are in the table.
            #expect(grouped.accounts.isEmpty)
            #expect(try store.readAccountScores(prefix: "g_") == whole.accounts)
            #expect(grouped.asOf == whole.asOf)
            // Each group's rows were written as it was scored: the tables match.
            #expect(grouped.contacts.isEmpty && whole.contacts.count > 100)
            let orders = ["contact_scores": ["account_id", "contact_id"], "turn_scores": ["account_id", "turn_id"],
                          "agent_scores": ["account_id", "agent_id NULLS FIRST"]]
            for (table, order) in orders {
                let a = try store.readScoreRows(prefix: "", table: table, status: nil, orderBy: order)
                let b = try store.readScoreRows(prefix: "g_", table: table, status: nil, orderBy: order)
                #expect(a.count > 0 && a == b, "\(table), \(buckets.map(String.init) ?? "default") buckets")
            }
        }
    }

    @Test func aLargeTableGetsMoreBucketsThanTheUsualOpenFileLimit() throws {
        // 10^8 rows in groups of 50,000: past 256 buckets, with the soft
        // open-file limit raised to hold them beside the link partitions.
        let buckets = spillBuckets(rows: 100_000_000, cap: 50_000, linkPartitions: 256)
        #expect(buckets > 256 && buckets <= maxSpillBuckets)
        #expect(openFileRoom(wanted: buckets, alreadyOpen: 256) == buckets)
        #expect(spillBuckets(rows: 1_000_000, cap: 50_000) == 84)

        // So many files at once score as one pass does.
        let dir = TempDir()
        let (store, groupedJob, whole) = try linkedAccountsInGroups(dir.file("b.db"), prefix: "b_")
        var job = groupedJob
        job.spillBucketCount = min(buckets, 1500)
        _ = try job.run(store)
        #expect(try store.readAccountScores(prefix: "b_") == whole.accounts)
        let a = try store.readScoreRows(prefix: "", table: "turn_scores", status: nil, orderBy: ["account_id", "turn_id"])
        let b = try store.readScoreRows(prefix: "b_", table: "turn_scores", status: nil, orderBy: ["account_id", "turn_id"])
        #expect(a.count > 0 && a == b)
    }

    @Test func scoreEachHandsOverEveryGroupWithItsRows() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("e.db"), create: true)
        try loadLinkedAccounts(store)
        var job = ScoringJob()
        let whole = try job.run(store)
        var seen = Set<Int64>(), rowsOfPass = 0, rowsHandedOver = 0
        var accounts: [AccountScore] = [], asOfs = Set<Int64>()
        job.maxRowsInMemory = 1200
        job.scorerStarts = { seen = []; rowsOfPass = 0 }
        job.rowsScored = { rows in
            rowsOfPass += rows.count
            for r in rows { seen.insert(r.accountID) }
        }
        let run = try job.scoreEach(store) { r in
            // The rows the scorer was given are those of the accounts it returns.
            #expect(Set(r.accounts.map(\.accountID)) == seen)
            rowsHandedOver += rowsOfPass
            accounts += r.accounts
            asOfs.insert(r.asOf)
        }
        #expect(run.groups == 2)  // every account is over the cap; the linked ones share a group
        #expect(run.rowsRead == 9002 && rowsHandedOver == 9002)
        #expect(asOfs == [whole.asOf] && run.asOf == whole.asOf)
        #expect(accounts.sorted(by: oneRunOrder) == whole.accounts)
        // One pass when the table fits: a single result.
        job.maxRowsInMemory = 10_000
        var results = 0
        let one = try job.scoreEach(store) { r in
            results += 1
            #expect(r.accounts == whole.accounts)
        }
        #expect(one.groups == 1 && results == 1 && one.rowsRead == 9002)
    }

    @Test func planBucketsKeepsLinkedAccountsInOneGroupOrDeclines() {
        let counts: [(account: Int64, rows: Int)] = (Int64(1)...40).map { (account: $0, rows: 10) }
        let buckets = 8
        let b = { (a: Int64) in bucketOf(a, buckets) }
        // Unlinked: every group within the cap, every non-empty bucket in one group.
        let free = planBuckets(counts, [], buckets: buckets, cap: 100)!
        var load: [Int32: Int] = [:]
        for c in counts { load[free[b(c.account)], default: 0] += c.rows }
        #expect(load.values.allSatisfy { $0 <= 100 } && !load.keys.contains(-1))
        // Linked accounts in two buckets: those buckets share a group.
        let (x, y) = (Int64(1), (Int64(2)...40).first { b($0) != b(1) }!)
        let linked = planBuckets(counts, [(x, y)], buckets: buckets, cap: 200)!
        #expect(linked[b(x)] == linked[b(y)])
        // Linked buckets that together pass the cap with other accounts in them: no plan.
        #expect(planBuckets(counts, [(x, y)], buckets: buckets, cap: 60) == nil)
        // One account larger than the cap alone in its bucket: a group of its own.
        let big = planBuckets([(account: 7, rows: 500), (account: 8, rows: 5)], [], buckets: 64, cap: 100)!
        if b(7) != bucketOf(8, 64) { #expect(big[bucketOf(7, 64)] != big[bucketOf(8, 64)]) }
    }

    @Test func planGroupsKeepsLinkedAccountsTogether() {
        let counts: [(account: Int64, rows: Int)] = [(1, 50), (2, 50), (3, 50), (4, 50), (5, 10)]
        let g = planGroups(counts, [(1, 3), (3, 5)], cap: 100)
        #expect(g[1] == g[3] && g[3] == g[5])
        #expect(g[2] != g[1] && g[4] != g[1])
        #expect(Set(g.values).count == 2)  // {1,3,5}=110 over the cap, alone; {2,4}=100
    }

    @Test func accountFilterReadsOnlyThoseAccounts() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("f.db"), create: true)
        try load(store, rows: 4000)
        let some = try readAll(store, ScanRequest(table: "interactions", accounts: [1002, 1004]))
        #expect(some == syntheticRows(4000).filter { $0.account == 1002 || $0.account == 1004 })
    }

    @Test func missingTableAndColumnsAreNamed() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("e.db"), create: true)
        #expect {
            try store.checkTable("interactions")
        } throws: { e in
            "\(e)".contains("no table 'interactions'") && "\(e)".contains(Schema.expectedColumnsText)
        }
        try store.conn.exec("CREATE TABLE t (id INTEGER, account_id INTEGER, body TEXT)")
        #expect {
            try store.checkTable("t")
        } throws: { e in
            "\(e)".contains("has no column 'contact_id', 'parent_id', 'channel'")
        }
    }

    @Test func badValuesNameTheRowAndColumn() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("v.db"), create: true)
        try load(store, rows: 50)
        try store.conn.exec("UPDATE interactions SET created_at = 'tomorrow' WHERE id = 7")
        #expect {
            try readAll(store, ScanRequest(table: "interactions"))
        } throws: { e in
            "\(e)".contains("(id 7): created_at 'tomorrow' is not a timestamp")
        }
    }

    /// A full disk (here: SQLite's max_page_count, which fails the same way
    /// with SQLITE_FULL) is named as such, and the previous scores stay.
    @Test func aFullDiskSaysSoAndKeepsThePreviousScores() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("full.db"), create: true)
        try load(store, rows: 3000, seed: 4)
        _ = try ScoringJob().run(store)
        let before = try store.readAccountScores(prefix: "")
        let pages = try store.conn.prepare("PRAGMA page_count")
        _ = try pages.step()
        try store.conn.exec("PRAGMA max_page_count = \(pages.int64(0) + 2)")
        var job = ScoringJob()
        job.prefix = "more_"  // new tables: they need new pages
        #expect {
            _ = try job.run(store)
        } throws: { e in
            "\(e)".hasPrefix("disk full writing SQLite database '\(dir.file("full.db"))'")
                && "\(e)".contains("rolled back")
        }
        #expect(try store.readAccountScores(prefix: "") == before)
        #expect(throws: StorageError.self) { try store.readAccountScores(prefix: "more_") }  // not created
    }

    /// Every value that does not fit its column fails the scan with the
    /// row's position, its id, the column and the value: never a silent 0.
    @Test func valuesThatDoNotFitTheirColumnAreErrors() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("w.db"), create: true)
        let rest = "'twitter', 'post', 0, 0, 0, '2026-01-01 00:00:00', NULL, 'hi', 0"
        let cases: [(String, String)] = [
            ("'abc', 10, 5, NULL, \(rest)", "row 2: id 'abc' is not an integer"),
            ("3, 'abc', 5, NULL, \(rest)", "row 2 (id 3): account_id 'abc' is not an integer"),
            ("3, 10, '12abc', NULL, \(rest)", "row 2 (id 3): contact_id '12abc' is not an integer"),
            ("3, 10, 5, 2.5, \(rest)", "row 2 (id 3): parent_id 2.5 is not an integer"),
            ("3, 10, 5, x'01', \(rest)", "row 2 (id 3): parent_id (a blob of 1 bytes) is not an integer"),
            ("3, 10, 5, NULL, 'twitter', 'post', 'maybe', 0, 0, '2026-01-01 00:00:00', NULL, 'hi', 0",
             "row 2 (id 3): inbound 'maybe' is not a boolean"),
            ("3, 10, 5, NULL, 'twitter', 'post', 0, 2, 0, '2026-01-01 00:00:00', NULL, 'hi', 0",
             "row 2 (id 3): automated 2 is not a boolean"),
            ("3, 10, 5, NULL, 'twitter', 'post', 0, 0, 0, '2026-01-01 00:00:00', NULL, 'hi', 'lots'",
             "row 2 (id 3): value 'lots' is not a number"),
        ]
        for (row, message) in cases {
            // Untyped columns, so SQLite keeps every value as given.
            try store.conn.exec("DROP TABLE IF EXISTS interactions; CREATE TABLE interactions (id, account_id, contact_id, "
                                + "parent_id, channel, kind, inbound, automated, has_media, created_at, author_name, "
                                + "body, value)")
            try store.conn.exec("INSERT INTO interactions VALUES (1, 10, 5, NULL, 'twitter', 'post', 0, 0, 0, "
                                + "'2026-01-01 00:00:00', NULL, 'hi', 0), (2, 10, '7', NULL, 'twitter', 'post', "
                                + "'yes', 'OFF', 1.0, '2026-01-01 00:00:00', NULL, 'hi', '2.5'), (\(row))")
            #expect {
                try readAll(store, ScanRequest(table: "interactions"))
            } throws: { e in
                "\(e)".hasPrefix("table 'interactions', \(message)")
            }
        }
        // The first two rows alone are fine: '7', 'yes', 'OFF', 1.0 and '2.5' fit their columns.
        try store.conn.exec("DELETE FROM interactions WHERE rowid > 2")
        let rows = try readAll(store, ScanRequest(table: "interactions"))
        #expect(rows.count == 2 && rows[1].contact == 7 && rows[1].inbound && !rows[1].automated)
        #expect(rows[1].value == 2.5)
    }

    @Test func unixSecondsAndTextBooleansAreAccepted() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("u.db"), create: true)
        try store.createInteractionsTable("interactions", replace: true)
        try store.conn.exec("""
            INSERT INTO interactions VALUES
              (1, 10, 5, NULL, 'Twitter', 'MENTION', 'true', 0, 0, 1509487847, 'Ana Li', 'help?', 0, NULL, NULL),
              (2, 10, 5, 1, 'twitter', 'reply', 0, 'false', 0, 1509487907.5, NULL, 'Thanks Ana!', 0, NULL, NULL),
              (3, 10, NULL, NULL, 'tiktok', 'post', 0, 0, 0, '2017-10-31 22:10:47', NULL, '', 0, NULL, NULL)
            """)
        let rows = try readAll(store, ScanRequest(table: "interactions"))
        #expect(rows.map(\.createdAt) == [1_509_487_847_000_000, 1_509_487_907_500_000, 1_509_487_847_000_000])
        #expect(rows[0].inbound && !rows[1].inbound)
        #expect(rows[0].channel == 0 && rows[0].kind == Int32(Kind.mention.rawValue))
        #expect(rows[2].channel == -1)  // unknown: the engine counts it as an anomaly
        #expect(rows[2].body == [])  // empty, not NULL
        #expect(rows[1].author == nil)
        let out = try ScoringJob().run(store)
        let all = try #require(out.accounts.first { $0.channel == nil })
        #expect(all.acknowledged == 1 && all.personalRate == 1 && all.anomalies == 1)
    }

    @Test func incrementalEqualsAFullRescore() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("i.db"), create: true)
        try load(store, rows: 12000, seed: 9)
        var job = ScoringJob()
        job.config.asOf = time("2026-04-05 00:00:00")
        job.incremental = true
        #expect(try job.run(store).rescored == nil)  // first run: full
        // New rows for one account, some answering old rows of it.
        try store.conn.exec("""
            INSERT INTO interactions SELECT id + 50000000, account_id, contact_id, id, channel, 'reply', 0, 0, 0,
              created_at, NULL, 'Thanks ' || coalesce(author_name, ''), 0, thread_id, 7
            FROM interactions WHERE account_id = 1003 AND inbound = 1 AND id % 3 = 0
            """)
        let inc = try job.run(store)
        #expect(inc.rescored == [1003])
        var full = job
        full.incremental = false
        full.prefix = "full_"
        let reference = try full.run(store)
        #expect(try store.readAccountScores(prefix: "") == reference.accounts)
        #expect(inc.contacts == reference.contacts.filter { $0.accountID == 1003 })
        #expect(try job.run(store).rescored == [])  // nothing new
    }

    @Test func optionsChangeForcesAFullRescore() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("o.db"), create: true)
        try load(store, rows: 2000)
        var job = ScoringJob()
        job.incremental = true
        job.configKey = "a"
        _ = try job.run(store)
        job.configKey = "b"
        let out = try job.run(store)
        #expect(out.rescored == nil && out.fullReason == "the options or lexicon changed")
    }

    @Test func quotingSurvivesHostileNames() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("q.db"), create: true)
        let name = "we\"ird; DROP TABLE x; --"
        try load(store, rows: 300, table: name)
        var job = ScoringJob()
        job.table = name
        job.prefix = "p\"q_"
        let out = try job.run(store)
        #expect(try store.readAccountScores(prefix: "p\"q_") == out.accounts)
    }
}

/// 9,000 synthetic rows plus links across accounts: a duplicate id, and a
/// reply whose parent is in another account.
private func loadLinkedAccounts(_ store: SQLiteStore) throws {
    try load(store, rows: 9000, seed: 5)
    try store.conn.exec("""
        INSERT INTO interactions SELECT id, 1004, contact_id, parent_id, channel, kind, inbound, automated,
          has_media, created_at, author_name, 'dup ' || coalesce(body, ''), value, thread_id, agent_id FROM interactions WHERE id = 10;
        INSERT INTO interactions SELECT 90000001, 1001, contact_id, (SELECT min(id) FROM interactions WHERE account_id = 1003),
          channel, 'reply', 0, 0, 0, created_at, NULL, 'see above', 0, NULL, NULL FROM interactions WHERE id = 20
        """)
}

/// A store of linked accounts, scored once in one pass (`whole`), and a job
/// that scores it in groups of 1,200 rows into the tables named `prefix`.
private func linkedAccountsInGroups(_ path: String, prefix: String) throws
    -> (store: SQLiteStore, job: ScoringJob, whole: ScoringJob.Outcome) {
    let store = try SQLiteStore(path: path, create: true)
    try loadLinkedAccounts(store)
    var job = ScoringJob()
    let whole = try job.run(store)
    job.maxRowsInMemory = 1200
    job.prefix = prefix
    return (store, job, whole)
}
