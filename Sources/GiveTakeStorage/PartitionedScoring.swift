// Memory-bounded scoring: the engine keeps every row of what it scores, so
// a table larger than the budget is scored one group of accounts at a time.
// Groups are closed under cross-account references (a parent_id or a
// duplicate id in another account) so that orphans and duplicates resolve
// as in one run, and every group uses the global as_of: the results are
// identical to a single run. The table is scanned once; rows are spilled
// to temporary files per group and read back. Each group's results are
// written as soon as it is scored (inside the one write transaction), or
// summarised by a reader (`scoreEach`, for the report), so only the
// account rows outlive their group.
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

/// A table's rows spilled to one file per group of accounts; the files
/// are removed with the value.
final class SpilledGroups {
    let dir: String
    let paths: [String]
    let stats: ScanStats
    /// Latest created_at of a row the engine can keep, and its group.
    let latest: Int64?
    let latestGroup: Int

    init(dir: String, paths: [String], stats: ScanStats, latest: Int64?, latestGroup: Int) {
        self.dir = dir
        self.paths = paths
        self.stats = stats
        self.latest = latest
        self.latestGroup = latestGroup
    }

    deinit { dir.withCString { removeTree($0) } }
}

extension ScoringJob {
    /// The table spilled to groups of accounts when its estimated row count
    /// exceeds `maxRowsInMemory` (an unknown count only with
    /// `groupWhenCountUnknown`) and it needs more than one group; else nil,
    /// and the caller scores it in one pass.
    func spilledIfLarge(_ store: InteractionStore) throws -> SpilledGroups? {
        guard let cap = maxRowsInMemory,
              (store.estimatedRowCount(table) ?? (groupWhenCountUnknown ? Int.max : 0)) > cap else { return nil }
        // Plan and scan in one read snapshot, so the plan covers every row read.
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

    /// Plans groups of at most `cap` rows and spills the table to them in
    /// one scan; nil when one group suffices (the caller then scores in
    /// one pass). Call inside one read snapshot, so the plan covers every
    /// row read.
    func spillGroups(_ store: InteractionStore, rowsPerGroup cap: Int) throws -> SpilledGroups? {
        phase?("planning")
        let tc = monotonicSeconds()
        let counts = try store.accountRowCounts(table)
        if traceEnabled { trace("row counts per account: \(monotonicSeconds() - tc) s") }
        let total = counts.reduce(0) { $0 + $1.rows }
        if total <= cap { return nil }
        let t0 = monotonicSeconds()
        let links = try store.crossAccountLinks(table)
        let groupOf = planGroups(counts, links, cap: cap)
        if traceEnabled { trace("plan: \(counts.count) accounts, \(links.count) cross-account links, \(monotonicSeconds() - t0) s") }
        let groups = Int(groupOf.values.max() ?? 0) + 1
        if groups == 1 { return nil }

        let dir = try makeTempDir()
        let paths = (0..<groups).map { dir + "/group-\($0)" }
        var stats = ScanStats()
        var latest: Int64?
        var latestGroup = 0
        do {
            let writers = try paths.map { try SpillWriter(path: $0) }
            try pipelinedScan(store, ScanRequest(table: table), batchSize: batchSize) { rows in
                // Rows are checked here, where their position in the scan is
                // known, rather than by each group's scorer.
                for (i, r) in rows.enumerated() {
                    if let problem = Scorer.check(r) {
                        throw StorageError("table '\(table)', row \(Int(stats.rows) + i) (id \(r.id)): " + problem.message)
                    }
                }
                stats.note(rows)
                for r in rows {
                    // Planning and scan share one read snapshot: every account is planned.
                    let g = Int(groupOf[r.accountID] ?? 0)
                    try writers[g].append(r)
                    if r.channel >= 0 && r.channel < Int32(Channel.allCases.count) && r.kind >= 0
                        && r.kind < Int32(Kind.allCases.count) && (latest == nil || r.createdAt > latest!) {
                        latest = r.createdAt
                        latestGroup = g
                    }
                }
                progress?(Int(stats.rows))
            }
            for w in writers { try w.finish() }
        } catch {
            dir.withCString { removeTree($0) }
            throw error
        }
        if traceEnabled { trace("spilled \(stats.rows) rows in \(groups) groups: \(monotonicSeconds() - t0) s since planning started") }
        return SpilledGroups(dir: dir, paths: paths, stats: stats, latest: latest, latestGroup: latestGroup)
    }

    /// Scores each group with a fresh scorer at the global as_of and hands
    /// its result to `append`, then drops it. Returns the as_of.
    func scoreGroups(_ spilled: SpilledGroups, _ append: (Scores) throws -> Void) throws -> Int64 {
        // The global default as_of is the latest created_at of a kept row.
        // The group holding the latest row is scored first; if that row was
        // kept, its as_of is the global one. (If it was a dropped duplicate,
        // every group is scored once just for its as_of.)
        let groups = spilled.paths.count
        var pinned = config.asOf
        var first: ScoringResult?
        if pinned == nil {
            phase?("computing scores, group 1 of \(groups)")
            let r = try scoreSpill(spilled.paths[spilled.latestGroup], config)
            if r.asOf == spilled.latest {
                pinned = r.asOf
                first = r
            } else {
                var asOf = r.asOf
                for g in 0..<groups where g != spilled.latestGroup {
                    asOf = max(asOf, try scoreSpill(spilled.paths[g], config).asOf)
                }
                pinned = asOf
            }
        }
        var cfg = config
        cfg.asOf = pinned
        let order = [spilled.latestGroup] + (0..<groups).filter { $0 != spilled.latestGroup }
        for (k, g) in order.enumerated() {
            phase?("computing scores, group \(k + 1) of \(groups)")
            let r: ScoringResult
            if k == 0, let f = first {
                r = f
                first = nil
            } else {
                r = try scoreSpill(spilled.paths[g], cfg)
            }
            try append(r)
        }
        return pinned ?? 0
    }

    private func scoreSpill(_ path: String, _ cfg: ScoringConfig) throws -> ScoringResult {
        let scorer = makeScorer(cfg)
        try scorer.configure(cfg)
        scorerStarts?()
        try readSpill(path, batchSize: batchSize) { rows in
            try scorer.add(rows)
            try rowsScored?(rows)
        }
        return try scorer.finish()
    }
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
    var parent = Array(0..<counts.count)
    func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
        return x
    }
    for (a, b) in links {
        guard let i = index[a], let j = index[b] else { continue }
        let ri = find(i), rj = find(j)
        if ri != rj { parent[max(ri, rj)] = min(ri, rj) }
    }
    var members: [Int: [Int]] = [:]
    var size: [Int: Int] = [:]
    for i in 0..<counts.count {
        let r = find(i)
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
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name != "." && name != ".." { unlink(String(cString: path) + "/" + name) }
        }
        closedir(d)
    }
    rmdir(path)
}
