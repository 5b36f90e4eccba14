// Memory-bounded scoring: the engine keeps every row of what it scores, so
// a table larger than the budget is scored one group of accounts at a time.
// Groups are closed under cross-account references (a parent_id or a
// duplicate id in another account) so that orphans and duplicates resolve
// as in one run, and every group uses the global as_of: the results are
// identical to a single run. The table is scanned once (SpillScan.swift):
// its rows are spilled to bucket files by account while the scan collects
// what the plan needs; each group is then read back from its buckets, in
// scan order, by one scorer reset between groups so that it reuses its
// memory (split by linked set when a group outgrows the scorer's memory
// limit: GroupSplitting.swift). Each group's results are
// written as soon as it is scored (inside the one write transaction), or
// summarised by a reader (`scoreEach`, for the report), so only the
// account rows outlive their group.
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

/// A table's rows spilled to files, each group of accounts the rows of
/// one or more files (merged back into scan order); the files are removed
/// with the value.
final class SpilledGroups {
    let dir: String
    let paths: [[String]]
    /// Rows of each group.
    let rows: [Int]
    let stats: ScanStats
    /// Latest created_at of a row the engine can keep, and its group.
    let latest: Int64?
    let latestGroup: Int
    /// The cross-account links (as planGroups takes them), to split a
    /// group by linked set when its scorer runs out of memory.
    let links: [(Int64, Int64)]
    /// Whether the rows would have fitted one pass (grouped for speed
    /// only): then, as in one pass, no group's scorer is limited.
    let withinBound: Bool
    /// Files of split groups made so far (their names are numbered).
    var splits = 0
    /// Linked sets (by their files) planned in parts while the global
    /// as_of was sought: scored with that plan at once the next time.
    var partPlans: [[String]: AccountPartPlan] = [:]

    init(dir: String, paths: [[String]], rows: [Int], stats: ScanStats, latest: Int64?, latestGroup: Int,
         links: [(Int64, Int64)], withinBound: Bool) {
        self.dir = dir
        self.withinBound = withinBound
        self.paths = paths
        self.rows = rows
        self.stats = stats
        self.latest = latest
        self.latestGroup = latestGroup
        self.links = links
    }

    deinit { dir.withCString { removeTree($0) } }
}

extension ScoringJob {
    /// The table spilled to groups of accounts when its estimated row count
    /// exceeds `maxRowsInMemory` or `groupAboveRows` (an unknown count
    /// only with `groupWhenCountUnknown`); else nil, and the caller scores
    /// it in one pass. (A spilled table that turns out to fit is one
    /// group, read back from the spill rather than scanned again.)
    func spilledIfLarge(_ store: InteractionStore) throws -> SpilledGroups? {
        guard let cap = maxRowsInMemory,
              (store.estimatedRowCount(table) ?? (groupWhenCountUnknown ? Int.max : 0)) > min(cap, groupAboveRows ?? cap)
        else { return nil }
        // One read snapshot: the plan covers every row read.
        var spilled: SpilledGroups?
        try store.inReadSnapshot { spilled = try spillGroups(store, rowsPerGroup: cap) }
        return spilled
    }

    /// Scores the whole table and writes nothing, for a caller that keeps
    /// only part of each result: in one pass, or, when the table is larger
    /// than `maxRowsInMemory` (the rule of `run`), group of accounts by
    /// group, the group holding the latest row first. `each` gets every
    /// result (all of an account's rows are in one) and must not keep it;
    /// at most one is alive at a time. Every result has the global as_of,
    /// so the numbers equal one pass.
    public func scoreEach(_ store: InteractionStore,
                          _ each: (Scores) throws -> Void) throws -> (asOf: Int64, rowsRead: Int, groups: Int) {
        if let spilled = try spilledIfLarge(store) {
            let asOf = try scoreGroups(spilled, each)
            return (asOf, Int(spilled.stats.rows), spilled.paths.count)
        }
        let (result, stats) = try score(store, ScanRequest(table: table), config)
        try each(result)
        return (result.asOf, Int(stats.rows), 1)
    }

    /// Spills the table in one scan and plans groups of at most `cap` rows.
    /// Rows go to bucket files by a hash of their account, each in scan
    /// order, while the scan counts rows per account and collects the keys
    /// of cross-account links (CrossAccountLinks). A group is then a set of
    /// whole buckets, read back merged in scan order; only when no such
    /// sets fit (linked accounts in buckets that together exceed `cap`) are
    /// the buckets split again into one file per group of accounts. Call
    /// inside one read snapshot.
    func spillGroups(_ store: InteractionStore, rowsPerGroup cap: Int) throws -> SpilledGroups {
        phase?("reading rows")
        let t0 = monotonicSeconds()
        let dir = try makeTempDir()
        do {
            let estimate = store.estimatedRowCount(table)
            let linkPartitions = CrossAccountLinks.partitions(rows: estimate, perPartition: cap)
            let bucketCount = spillBucketCount
                ?? spillBuckets(rows: estimate, cap: min(cap, rowsPerGroup ?? cap), linkPartitions: linkPartitions)
            let scan = try SpillScan(dir: dir, buckets: bucketCount, linkPartitions: linkPartitions)
            var stats = ScanStats()
            try pipelinedScan(store, ScanRequest(table: table), batchSize: batchSize) { rows in
                // Rows are checked here, where their position in the scan is
                // known, rather than by each group's scorer.
                for (i, r) in rows.enumerated() {
                    if let problem = Scorer.check(r) {
                        throw StorageError("table '\(table)', row \(Int(stats.rows) + i) (id \(r.id)): " + problem.message)
                    }
                }
                try scan.add(rows, first: Int64(stats.rows))
                stats.note(rows)
                progress?(Int(stats.rows))
            }
            let accounts = try scan.finish()
            let (latest, latestAccount) = (scan.latest, scan.latestAccount)
            if traceEnabled {
                trace("spilled \(stats.rows) rows of \(accounts.count) accounts to \(bucketCount) buckets: "
                      + "\(monotonicSeconds() - t0) s")
            }

            phase?("planning groups of accounts")
            let t1 = monotonicSeconds()
            // With a scorer memory limit, even one group may have to be
            // split by linked set.
            // Links keep linked accounts in one group: needed once the rows
            // may be planned into more than one.
            let withinBound = Int(stats.rows) <= cap
            let links = Int(stats.rows) > min(cap, rowsPerGroup ?? cap) || scorerMemoryLimit != nil
                ? try scan.links.links() : []
            let paths = scan.paths
            // Packed by rows plus each account's share of the report, so a
            // group of many small accounts is planned to fit rather than
            // found too large (and split) after it was read.
            let weighted = accounts.map { (account: $0.account, rows: $0.rows + accountWeightInRows) }
            // Groups aim at `rowsPerGroup` rows, never below one bucket (a
            // group stays whole buckets, read back in one merge); else, or
            // when linked accounts do not fit that, at the memory bound.
            let target = min(cap, max(rowsPerGroup ?? cap, largestBucket(weighted, bucketCount)))
            if let groupOfBucket = planBuckets(weighted, links, buckets: bucketCount, cap: target)
                ?? (target < cap ? planBuckets(weighted, links, buckets: bucketCount, cap: cap) : nil) {
                let groups = max(1, Int(groupOfBucket.max() ?? 0) + 1)
                var files = [[String]](repeating: [], count: groups)
                var rows = [Int](repeating: 0, count: groups)
                for (b, g) in groupOfBucket.enumerated() where g >= 0 {
                    files[Int(g)].append(paths[b])
                    rows[Int(g)] += scan.rowsPerBucket[b]
                }
                if traceEnabled {
                    trace("plan: \(links.count) cross-account links, \(groups) groups of whole buckets: "
                          + "\(monotonicSeconds() - t1) s")
                }
                let spilled = SpilledGroups(dir: dir, paths: files, rows: rows, stats: stats, latest: latest,
                                            latestGroup: Int(max(0, groupOfBucket[bucketOf(latestAccount, bucketCount)])),
                                            links: links, withinBound: withinBound)
                return spilled
            }
            // Linked accounts join buckets past the target: groups of
            // accounts instead, as near the target as the files allow (no
            // more group files than buckets were open).
            let total = weighted.reduce(0) { $0 + $1.rows }
            let groupOf = planGroups(weighted, links,
                                     cap: min(cap, max(rowsPerGroup ?? cap, (total + bucketCount - 1) / bucketCount)))
            let groups = Int(groupOf.values.max() ?? 0) + 1
            if traceEnabled { trace("plan: \(links.count) cross-account links, \(groups) groups of accounts: \(monotonicSeconds() - t1) s") }
            if groups == 1 {
                return SpilledGroups(dir: dir, paths: [paths], rows: [Int(stats.rows)], stats: stats,
                                            latest: latest, latestGroup: 0, links: links, withinBound: withinBound)
            }
            let t2 = monotonicSeconds()
            let writers = try (0..<groups).map {
                try SpillWriter(path: dir + "/group-\($0)", bufferSize: max(64 << 10, min(1 << 20, (64 << 20) / groups)))
            }
            let records = try MergedSpill(paths, memory: 64 << 20)
            while let record = try records.next() {
                try writers[Int(groupOf[spilledAccount(record)] ?? 0)].append(record: record)
            }
            for w in writers { try w.finish() }
            for p in paths { unlink(p) }
            if traceEnabled { trace("split into \(groups) group files: \(monotonicSeconds() - t2) s") }
            return SpilledGroups(dir: dir, paths: writers.map { [$0.path] }, rows: writers.map(\.rows),
                                        stats: stats, latest: latest,
                                        latestGroup: Int(groupOf[latestAccount] ?? 0), links: links,
                                        withinBound: withinBound)
        } catch {
            dir.withCString { removeTree($0) }
            throw error
        }
    }

    /// Scores each group at the global as_of with one scorer, reset between
    /// groups, and hands its results to `append` (one, or one per part of a
    /// group split for memory: GroupSplitting.swift), dropping each.
    /// Returns the as_of.
    func scoreGroups(_ spilled: SpilledGroups, _ append: (Scores) throws -> Void) throws -> Int64 {
        defer { groupScorer.scorer = nil }
        // The global default as_of is the latest created_at of a kept row.
        // The group holding the latest row is scored first; if that row was
        // kept, its as_of is the global one, and its result is kept when it
        // was scored in one piece (the parts of a split group each have
        // their own as_of: they are scored again). If the latest row was a
        // dropped duplicate, every group is scored once just for its as_of.
        let groups = spilled.paths.count
        var pinned = config.asOf
        var first: ScoringResult?
        if pinned == nil {
            let label = "group 1 of \(groups)"
            phase?("computing scores, " + label)
            var asOf = Int64.min
            try scoreSplitting(spilled, spilled.latestGroup, config, label: label, lastRead: false) { r, whole in
                asOf = max(asOf, r.asOf)
                if whole { first = r }
            }
            if asOf != spilled.latest {
                first = nil
                for g in 0..<groups where g != spilled.latestGroup {
                    try scoreSplitting(spilled, g, config, label: "group \(g + 1) of \(groups)", lastRead: false) { r, _ in
                        asOf = max(asOf, r.asOf)
                    }
                }
            }
            pinned = asOf
        }
        var cfg = config
        cfg.asOf = pinned
        let order = [spilled.latestGroup] + (0..<groups).filter { $0 != spilled.latestGroup }
        for (k, g) in order.enumerated() {
            let label = "group \(k + 1) of \(groups)"
            phase?("computing scores, " + label)
            if k == 0, let f = first {
                first = nil
                for p in spilled.paths[g] { unlink(p) }
                try append(f)
                continue
            }
            // Read for the last time: its files are deleted once read (to
            // free the disk and spare writing back pages no longer needed).
            try scoreSplitting(spilled, g, cfg, label: label, lastRead: true) { r, _ in try append(r) }
        }
        return pinned ?? 0
    }

    /// The last group's scorer reset (or a new one) for `rows` rows, with
    /// `cfg` and the memory limit `limit` (nil: none).
    func groupScorerReady(_ cfg: ScoringConfig, limit: Int?, rows: Int) throws -> Scorer {
        let scorer: Scorer
        if let kept = groupScorer.scorer {
            kept.reset()
            scorer = kept
        } else {
            scorer = makeScorer(cfg)
            groupScorer.scorer = scorer
        }
        try scorer.configure(cfg)
        scorer.memoryLimit = limit ?? 0
        // The row count is known: the id table is sized once.
        scorer.reserveCapacity(rows: rows)
        scorerStarts?()
        return scorer
    }

    /// The last group's scorer reset (or a new one) with the memory limit
    /// `limit` (nil: none), given the rows of `paths` (`rows` of them) in
    /// scan order.
    func scoreSpill(_ paths: [String], rows: Int, _ cfg: ScoringConfig, limit: Int?) throws -> ScoringResult {
        let scorer = try groupScorerReady(cfg, limit: limit, rows: rows)
        let rowsScored = self.rowsScored  // the batch closure captures no copy of the job
        do {
            try readSpill(paths, batchSize: batchSize) { batch in
                try scorer.add(batch)
                try rowsScored?(batch)
            }
        } catch let e as GiveTakeError where e.code == .outOfMemory {
            defer { groupScorer.scorer = nil }  // its memory goes back before the split
            throw GroupTooLarge(e, scorer, groupRows: rows)
        }
        if traceEnabled {
            trace("scoring \(rows) rows: \(scorer.plannedBytes(rows: scorer.storedRows, textBytes: 0, finishing: true)) "
                  + "bytes planned at the finish")
        }
        do {
            return try scorer.finish()
        } catch {  // typed: a GiveTakeError
            groupScorer.scorer = nil
            if error.code == .outOfMemory { throw GroupTooLarge(error, scorer, groupRows: rows) }
            throw error
        }
    }
}

/// The scorer of the last group, kept so that the next group reuses its
/// memory (`Scorer.reset`) instead of taking fresh pages from the kernel.
final class GroupScorerSlot {
    var scorer: Scorer?
}

/// What one account adds to a group's scorer beyond its rows, in rows of
/// the 200 bytes a group is planned with: its report (about 4 KB).
let accountWeightInRows = Scorer.reportBytesPerAccount / 200 + 1

/// Rows of the largest spill bucket.
func largestBucket(_ counts: [(account: Int64, rows: Int)], _ buckets: Int) -> Int {
    var rows = [Int](repeating: 0, count: buckets)
    for c in counts { rows[bucketOf(c.account, buckets)] += c.rows }
    return rows.max() ?? 0
}

/// The order of account rows in one run: account, then its all-channels
/// row, then channel code.
func oneRunOrder(_ x: AccountScore, _ y: AccountScore) -> Bool {
    func key(_ a: AccountScore) -> (Int64, Int) { (a.accountID, a.channel.map { Int($0.rawValue) } ?? -1) }
    return key(x) < key(y)
}

/// Union-find over accounts linked by references, then first-fit
/// decreasing packing of the linked sets into groups of at most `cap` rows
/// (a set larger than `cap` gets a group of its own).
func planGroups(_ counts: [(account: Int64, rows: Int)], _ links: [(Int64, Int64)], cap: Int) -> [Int64: Int32] {
    var index: [Int64: Int] = [:]
    for (i, c) in counts.enumerated() { index[c.account] = i }
    var linked = DisjointSets(counts.count)
    for (a, b) in links {
        if let i = index[a], let j = index[b] { linked.join(i, j) }
    }
    var members: [Int: [Int]] = [:]
    var size: [Int: Int] = [:]
    for i in 0..<counts.count {
        let r = linked.find(i)
        members[r, default: []].append(i)
        size[r, default: 0] += counts[i].rows
    }
    // Largest first, ties by root index, so the plan is deterministic.
    let sets = size.keys.sorted { (size[$0]!, -$0) > (size[$1]!, -$1) }
    var load: [Int] = []
    var groupOf: [Int64: Int32] = [:]
    for r in sets {
        let n = size[r]!
        let g = load.firstIndex { $0 + n <= cap } ?? load.count
        if g == load.count { load.append(0) }
        load[g] += n
        for i in members[r]! { groupOf[counts[i].account] = Int32(g) }
    }
    return groupOf
}

private func makeTempDir() throws -> String {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((base + "/givetake-spill.XXXXXX").utf8CString)
    guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw StorageError("cannot create a temporary directory in \(base): \(String(cString: strerror(errno)))")
    }
    return String(cString: p)
}

/// rm -r of the spill directory (flat: files only).
func removeTree(_ path: UnsafePointer<CChar>) {
    if let d = opendir(path) {
        while let e = readdir(d) {
            // Read in place: the kernel's record ends after the name's NUL,
            // so copying the whole 256-byte d_name can read past the buffer.
            let field = UnsafeRawPointer(e) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let name = String(cString: field.assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { unlink(String(cString: path) + "/" + name) }
        }
        closedir(d)
    }
    rmdir(path)
}
