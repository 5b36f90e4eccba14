// Groups of accounts whose scorer outgrows its memory limit are split by
// linked set, and a linked set that does not fit into parts of whole
// contacts and threads; the scores stay those of one pass (percentiles of
// a set in parts within the spec's tolerance), and only rows that cannot
// be split and do not fit are an error.
import GiveTakeCore
import Testing
@testable import GiveTakeStorage

/// Every score table of the one-pass run (no prefix) equals the grouped
/// run's (prefix g_), row for row.
private func expectSameScores(_ store: SQLiteStore, _ context: String) throws {
    let orders = ["account_scores": ["account_id", "channel NULLS FIRST"],
                  "contact_scores": ["account_id", "contact_id"], "turn_scores": ["account_id", "turn_id"],
                  "agent_scores": ["account_id", "agent_id NULLS FIRST"]]
    for (table, order) in orders {
        let a = try store.readScoreRows(prefix: "", table: table, status: nil, orderBy: order)
        let b = try store.readScoreRows(prefix: "g_", table: table, status: nil, orderBy: order)
        #expect(a.count > 0 && a == b, "\(table), \(context)")
    }
}

/// The same, except that for accounts scored in parts the percentile
/// columns of account and agent rows come from a mergeable histogram:
/// within 1 % or 1 s of one pass, as the spec allows.
private func expectSameScoresInParts(_ store: SQLiteStore, _ context: String) throws {
    let tables: [(String, [String], [(String, Schema.ColumnType)])] = [
        ("account_scores", ["account_id", "channel NULLS FIRST"], Schema.accountColumns),
        ("contact_scores", ["account_id", "contact_id"], Schema.contactColumns),
        ("turn_scores", ["account_id", "turn_id"], Schema.turnColumns),
        ("agent_scores", ["account_id", "agent_id NULLS FIRST"], Schema.agentColumns)]
    for (table, order, columns) in tables {
        let a = try store.readScoreRows(prefix: "", table: table, status: nil, orderBy: order)
        let b = try store.readScoreRows(prefix: "g_", table: table, status: nil, orderBy: order)
        #expect(a.count > 0 && a.count == b.count, "\(table), \(context)")
        var differ = 0, approximate = 0
        for (x, y) in zip(a, b) {
            for (k, (name, _)) in columns.enumerated() where k < x.count && k < y.count && x[k] != y[k] {
                if name.contains("_ack_") && !name.contains("rate"), case .real(let u) = x[k], case .real(let v) = y[k],
                   abs(u - v) <= max(1, 0.01 * abs(u)) {
                    approximate += 1
                } else {
                    differ += 1
                }
            }
        }
        #expect(differ == 0, "\(table), \(context): \(differ) values differ, \(approximate) percentiles approximate")
    }
}

@Suite struct GroupSplittingTests {
    /// 1000 accounts of 3 rows, a contact per row (what a row count does
    /// not see), every tenth account replying to a row of the next, and one
    /// id shared by two accounts: linked sets that must stay together.
    private func loadSmallAccounts(_ store: SQLiteStore) throws {
        try store.createInteractionsTable("interactions", replace: true)
        try store.conn.exec("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
            INSERT INTO interactions (id, account_id, contact_id, parent_id, channel, kind, inbound, automated,
              has_media, created_at, author_name, body, value)
            SELECT i, (i - 1) / 3 + 1, i,
              CASE WHEN i % 30 = 3 THEN i + 1 END,
              'facebook', CASE WHEN i % 30 = 3 THEN 'reply' ELSE 'comment' END, i % 30 <> 3, 0, 0,
              datetime('2026-11-01', '+' || (i * 7 % 3000) || ' minutes'), NULL, 'help please', 0 FROM n;
            INSERT INTO interactions (id, account_id, contact_id, channel, kind, inbound, automated, has_media,
              created_at, body, value)
            VALUES (500, 900, 9001, 'facebook', 'comment', 1, 0, 0, '2026-11-02 10:00:00', 'dup', 0);
            """)
    }

    @Test func groupsThatOutgrowTheScorerAreSplitByLinkedSet() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("split.db"), create: true)
        try loadSmallAccounts(store)
        var job = ScoringJob()
        let whole = try job.run(store)
        job.prefix = "g_"
        job.maxRowsInMemory = 2000
        // About 1,000 rows of this table fit: groups of 2,000 rows do not,
        // their halves do.
        job.scorerMemoryLimit = 1_000_000
        var scorers = 0
        job.scorerStarts = { scorers += 1 }
        for buckets in [nil, 1] {
            job.spillBucketCount = buckets
            scorers = 0
            let grouped = try job.run(store)
            #expect(scorers > 4, "the groups were split (\(scorers) scorers)")
            // Grouped runs keep no account rows: they are in the table.
            #expect(grouped.accounts.isEmpty && grouped.asOf == whole.asOf)
            #expect(try store.readAccountScores(prefix: "g_") == whole.accounts)
            try expectSameScores(store, "\(buckets.map(String.init) ?? "default") buckets")
        }
        // The report's reader gets every account once, at the global as_of.
        var accounts: [AccountScore] = []
        let each = try job.scoreEach(store) { r in
            #expect(r.asOf == whole.asOf)
            accounts += r.accounts
        }
        #expect(each.asOf == whole.asOf && accounts.sorted(by: oneRunOrder) == whole.accounts)
    }

    /// One account that does not fit is scored in parts of whole contacts
    /// (here 10,804 rows: four copies of 2,701, a contact per row, every
    /// tenth reply answering the next row): the scores of one pass, the
    /// percentiles within the histogram's tolerance.
    @Test func oneLinkedSetThatDoesNotFitIsScoredInParts() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("big.db"), create: true)
        try loadSmallAccounts(store)
        try store.conn.exec("""
            UPDATE interactions SET account_id = 1 WHERE account_id <= 900;
            INSERT INTO interactions (id, account_id, contact_id, parent_id, channel, kind, inbound, automated,
              has_media, created_at, author_name, body, value)
            SELECT id + k * 10000, 1, contact_id + k * 10000, parent_id + k * 10000, channel, kind, inbound,
              automated, has_media, created_at, author_name, body, value
            FROM interactions, (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) WHERE account_id = 1;
            """)
        _ = try ScoringJob().run(store)
        var job = ScoringJob()
        job.prefix = "g_"
        job.maxRowsInMemory = 2000
        // Each part's scorer gets half: 2 MB, past the 512 KB a scorer's
        // first row chunk takes.
        job.scorerMemoryLimit = 4_000_000
        var scorers = 0
        job.scorerStarts = { scorers += 1 }
        var phases: [String] = []
        job.phase = { phases.append($0) }
        _ = try job.run(store)
        #expect(phases.contains { $0.contains("part 2 of") }, "\(phases.filter { $0.contains("part") })")
        try expectSameScoresInParts(store, "one account in parts")
        // Linked to another account: the linked set is scored in parts.
        try store.conn.exec("UPDATE interactions SET parent_id = 2800 WHERE id = 1")
        _ = try ScoringJob().run(store)
        phases = []
        _ = try job.run(store)
        #expect(phases.contains { $0.contains("part 2 of") }, "\(phases.filter { $0.contains("part") })")
        try expectSameScoresInParts(store, "a linked set in parts")
    }

    /// Brand posts (outbound, without contact or thread) answered by
    /// contacts in other parts: each such part gets the post as a
    /// reference, so its answers are no orphans and leads count the same.
    @Test func postsAnsweredFromOtherPartsAreGivenAsReferences() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("posts.db"), create: true)
        try load(store, rows: 20_000)
        try store.conn.exec("UPDATE interactions SET account_id = 1")
        let answers = try store.conn.prepare("""
            SELECT count(*) FROM interactions a JOIN interactions p ON p.id = a.parent_id
            WHERE p.inbound = 0 AND p.contact_id IS NULL AND p.thread_id IS NULL AND a.contact_id IS NOT NULL
            """)
        #expect(try answers.step() && answers.int64(0) > 100, "answers to posts: \(answers.int64(0))")
        _ = try ScoringJob().run(store)
        var job = ScoringJob()
        job.prefix = "g_"
        job.maxRowsInMemory = 2000
        job.scorerMemoryLimit = 4_000_000
        var phases: [String] = []
        job.phase = { phases.append($0) }
        _ = try job.run(store)
        #expect(phases.contains { $0.contains("part 2 of") }, "\(phases.filter { $0.contains("part") })")
        try expectSameScoresInParts(store, "posts as references")
        // Two such accounts, and a latest row the engine drops (a later
        // row of an id): every set is first scored for its as_of, and both
        // plans are kept for the pass that scores (each with files of its
        // own).
        try store.conn.exec("""
            INSERT INTO interactions (id, account_id, contact_id, parent_id, channel, kind, inbound, automated,
              has_media, created_at, author_name, body, value, thread_id, agent_id)
            SELECT id + 1000000000, 2, contact_id + 1000000000, parent_id + 1000000000, channel, kind, inbound,
              automated, has_media, created_at, author_name, body, value, thread_id + 1000000000, agent_id
            FROM interactions WHERE account_id = 1;
            INSERT INTO interactions (id, account_id, channel, kind, inbound, created_at, body)
            VALUES (3000000000, 3, 'twitter', 'mention', 1, '2020-01-01 00:00:00', 'hello'),
                   (3000000000, 3, 'twitter', 'mention', 1, '2030-01-01 00:00:00', 'hello again');
            """)
        _ = try ScoringJob().run(store)
        phases = []
        _ = try job.run(store)
        #expect(phases.filter { $0.contains("part 1 of") }.count == 2, "\(phases.filter { $0.contains("part") })")
        try expectSameScoresInParts(store, "two accounts in parts, the latest row dropped")
    }

    /// Rows that cannot be split (each answers the one before) and do not
    /// fit are an error, and nothing is written.
    @Test func oneUnitThatDoesNotFitIsAnErrorAndWritesNothing() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("unit.db"), create: true)
        try loadSmallAccounts(store)
        var job = ScoringJob()
        job.maxRowsInMemory = 2000
        job.scorerMemoryLimit = 1_000_000
        _ = try job.run(store)
        let before = try store.readAccountScores(prefix: "")
        #expect(before.count > 900)
        try store.conn.exec("UPDATE interactions SET account_id = 1, parent_id = id - 1 WHERE account_id <= 900 AND id > 1")
        do {
            _ = try job.run(store)
            Issue.record("one unit larger than the memory limit was scored")
        } catch let e as LinkedSetTooLarge {
            #expect(e.message.contains("account 1 (2701 rows) does not fit the memory bound"), "\(e.message)")
            #expect(e.message.contains("above the memory limit of 1 MB"), "\(e.message)")
            // What its scorer would hold: over the limit, and enough to score it.
            #expect(e.scorerBytesNeeded > 1_000_000, "\(e.scorerBytesNeeded)")
            var roomy = job
            roomy.scorerMemoryLimit = e.scorerBytesNeeded + e.scorerBytesNeeded / 4
            _ = try roomy.scoreEach(store) { _ in }
        }
        #expect(try store.readAccountScores(prefix: "") == before)
        // Linked to another account: both are named.
        try store.conn.exec("UPDATE interactions SET parent_id = 2800 WHERE id = 1")
        do {
            _ = try job.run(store)
            Issue.record("a linked set larger than the memory limit was scored")
        } catch let e as LinkedSetTooLarge {
            #expect(e.message.contains("account 1 with the 1 account(s) linked to it"), "\(e.message)")
        }
        #expect(try store.readAccountScores(prefix: "") == before)
    }

    /// With a ceiling (a default bound), one unit that does not fit is
    /// scored alone under it and the caller is told; a ceiling that does
    /// not hold it either leaves the error.
    @Test func aCeilingScoresOneUnitThatDoesNotFitAlone() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("ceiling.db"), create: true)
        try loadSmallAccounts(store)
        try store.conn.exec("UPDATE interactions SET account_id = 1, parent_id = id - 1 WHERE account_id <= 900 AND id > 1")
        let whole = try ScoringJob().run(store)
        var job = ScoringJob()
        job.prefix = "g_"
        job.maxRowsInMemory = 2000
        // 1.4 MB: the other groups fit (none is split), account 1 does not.
        job.scorerMemoryLimit = 1_400_000
        var told: [(String, Int)] = []
        job.oversized = { e, ceiling in told.append((e.message, ceiling)) }
        #expect(throws: LinkedSetTooLarge.self) { _ = try job.run(store) }
        // A ceiling that does not hold it either.
        job.scorerMemoryCeiling = 1_400_001
        #expect(throws: LinkedSetTooLarge.self) { _ = try job.run(store) }
        #expect(told.isEmpty)

        job.scorerMemoryCeiling = 64 << 20
        _ = try job.run(store)
        #expect(told.count == 1 && told.first?.1 == 64 << 20)
        #expect(told.first?.0.contains("account 1 (2701 rows) does not fit the memory bound") == true, "\(told)")
        #expect(try store.readAccountScores(prefix: "g_") == whole.accounts)
        try expectSameScores(store, "one unit")

        // Linked to account 934: the set is scored under the ceiling.
        try store.conn.exec("UPDATE interactions SET parent_id = 2800 WHERE id = 1")
        _ = try ScoringJob().run(store)
        told = []
        _ = try job.run(store)
        #expect(told.count == 1 && told.first?.0.contains("account 1 with the 1 account(s) linked to it") == true,
                "\(told)")
        try expectSameScores(store, "a linked set")
    }

    /// A table past `groupAboveRows` but within the bound is scored in
    /// groups for speed, with the results of one pass, and its scorers are
    /// not limited (one pass would not be): one account larger than the
    /// scorer limit still scores.
    @Test func aTableWithinTheBoundIsGroupedForSpeedWithoutALimit() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("speed.db"), create: true)
        try loadSmallAccounts(store)
        var job = ScoringJob()
        let whole = try job.run(store)
        job.prefix = "g_"
        job.maxRowsInMemory = 10_000
        job.groupAboveRows = 1_000
        job.rowsPerGroup = 500
        job.scorerMemoryLimit = 1_000_000
        var scorers = 0
        job.scorerStarts = { scorers += 1 }
        let grouped = try job.run(store)
        #expect(scorers > 2, "grouped (\(scorers) scorers)")
        #expect(grouped.accounts.isEmpty && grouped.asOf == whole.asOf)
        try expectSameScores(store, "grouped for speed")
        // One account of 2,701 rows: over the scorer limit (see above),
        // within the bound of 10,000 rows.
        try store.conn.exec("UPDATE interactions SET account_id = 1 WHERE account_id <= 900")
        scorers = 0
        _ = try job.run(store)
        #expect(scorers >= 2, "grouped (\(scorers) scorers)")
        job.prefix = ""
        job.maxRowsInMemory = nil
        let onePass = try job.run(store)
        #expect(try store.readAccountScores(prefix: "g_") == onePass.accounts)
    }

    @Test func partsKeepLinkedSetsWholeAndBalanceRows() throws {
        let counts: [(account: Int64, rows: Int)] = [(1, 50), (2, 40), (3, 30), (4, 20), (5, 10), (6, 10)]
        let links: [(Int64, Int64)] = [(5, 6)]  // accounts 5 and 6: one set of 20 rows
        let (partOf, parts) = try #require(partition(counts, links, parts: 3))
        #expect(parts == 3 && partOf[5] == partOf[6])
        var load = [0, 0, 0]
        for c in counts { load[Int(partOf[c.account]!)] += c.rows }
        #expect(load.sorted() == [50, 50, 60])
        // No more parts than linked sets; one set cannot be split.
        #expect(try #require(partition(counts, links, parts: 10)).parts == 5)
        #expect(partition([(7, 100), (8, 1)], [(7, 8)], parts: 2) == nil)
    }
}
