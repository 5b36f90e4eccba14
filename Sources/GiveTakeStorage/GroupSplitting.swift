// Groups of accounts are packed by row count, but what a scorer holds also
// depends on the contacts, threads and texts of its rows: a group of many
// small accounts can outgrow the scorer's memory limit although each of its
// linked sets (an account with the accounts linked to it) fits. Such a
// group is split by linked set into parts, each scored by a fresh scorer
// (and split again if it still does not fit); only one linked set that
// does not fit is an error. Parts are closed under links like groups, so
// the results equal one pass.
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

extension ScoringJob {
    /// Scores group `group` and hands `each` its result, or, when it was
    /// split, the result of each part (`whole` is false). With `lastRead`
    /// the group's files are deleted once read.
    func scoreSplitting(_ spilled: SpilledGroups, _ group: Int, _ cfg: ScoringConfig, label: String, lastRead: Bool,
                        _ each: (ScoringResult, _ whole: Bool) throws -> Void) throws {
        try scoreSplitting(spilled, spilled.paths[group], rows: spilled.rows[group], cfg, label: label,
                           lastRead: lastRead, each)
    }

    private func scoreSplitting(_ spilled: SpilledGroups, _ paths: [String], rows: Int, _ cfg: ScoringConfig,
                                label: String, lastRead: Bool,
                                _ each: (ScoringResult, _ whole: Bool) throws -> Void) throws {
        let result: ScoringResult
        do {
            result = try scoreSpill(paths, rows: rows, cfg)
        } catch let e as GiveTakeError where e.code == .outOfMemory {
            // The failed scorer is gone; nothing of it was handed on (a
            // group's result is written only once it is complete).
            let parts = try split(spilled, paths, rows: rows, cause: e)
            if lastRead { for p in paths { unlink(p) } }
            for (k, part) in parts.enumerated() {
                let partLabel = label + ", part \(k + 1) of \(parts.count)"
                phase?("computing scores, " + partLabel)
                try scoreSplitting(spilled, [part.path], rows: part.rows, cfg, label: partLabel, lastRead: true) { r, _ in
                    try each(r, false)
                }
            }
            return
        }
        if lastRead { for p in paths { unlink(p) } }
        try each(result, true)
    }

    /// Writes the rows of `paths` to two part files by linked set (see
    /// `halves`), each in scan order. One linked set cannot be split: the
    /// error says it does not fit.
    private func split(_ spilled: SpilledGroups, _ paths: [String], rows: Int,
                       cause: GiveTakeError) throws -> [(path: String, rows: Int)] {
        let t = monotonicSeconds()
        var counts = RowCounts()
        let records = try MergedSpill(paths)
        while let r = try records.next() { counts.note(spilledAccount(r)) }
        let accounts = counts.perAccount()
        guard let partOf = halves(accounts, spilled.links) else {
            let who = accounts.count <= 1 ? "account \(accounts.first?.account ?? 0) (\(rows) rows) does"
                : "account \(accounts[0].account) with the \(accounts.count - 1) account(s) linked to it (\(rows) rows) does"
            throw StorageError("table '\(table)': \(who) not fit the memory bound: " + cause.message)
        }
        let parts = 2
        let n = spilled.splits
        spilled.splits += 1
        let writers = try (0..<parts).map {
            try SpillWriter(path: spilled.dir + "/split-\(n)-\($0)", bufferSize: max(64 << 10, (4 << 20) / parts))
        }
        let again = try MergedSpill(paths)
        while let r = try again.next() { try writers[Int(partOf[spilledAccount(r)] ?? 0)].append(record: r) }
        for w in writers { try w.finish() }
        if traceEnabled {
            trace("\(rows) rows of \(accounts.count) accounts do not fit (\(cause.message)): split into \(parts) parts, "
                  + "\(monotonicSeconds() - t) s")
        }
        return writers.map { (path: $0.path, rows: $0.rows) }
    }
}

/// Two parts of about half the rows each, of whole linked sets: the sets,
/// largest first, each to the part with fewer rows so far. The part (0 or
/// 1) of each account; nil when the accounts are one linked set.
func halves(_ counts: [(account: Int64, rows: Int)], _ links: [(Int64, Int64)]) -> [Int64: Int32]? {
    var index: [Int64: Int] = [:]
    for (i, c) in counts.enumerated() { index[c.account] = i }
    var sets = DisjointSets(counts.count)
    for (a, b) in links {
        if let i = index[a], let j = index[b] { sets.join(i, j) }
    }
    var size: [Int: Int] = [:]
    for i in counts.indices { size[sets.find(i), default: 0] += counts[i].rows }
    if size.count < 2 { return nil }
    // Largest first, ties by root index, so the split is deterministic.
    let roots = size.keys.sorted { (size[$0]!, -$0) > (size[$1]!, -$1) }
    var load = (0, 0)
    var partOfRoot: [Int: Int32] = [:]
    for r in roots {
        if load.0 <= load.1 {
            load.0 += size[r]!
            partOfRoot[r] = 0
        } else {
            load.1 += size[r]!
            partOfRoot[r] = 1
        }
    }
    var partOf: [Int64: Int32] = [:]
    for i in counts.indices { partOf[counts[i].account] = partOfRoot[sets.find(i)]! }
    return partOf
}
