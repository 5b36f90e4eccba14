// Groups of accounts are packed by row count, but what a scorer holds also
// depends on the contacts, threads and texts of its rows: a group of many
// small accounts can outgrow the scorer's memory limit although each of its
// linked sets (an account with the accounts linked to it) fits. Such a
// group is split by linked set into as many parts as its planned memory
// needs, each scored in turn (and split again if it still does
// not fit); only one linked set that does not fit is an error, unless the
// job has a ceiling that holds it (a default bound): then it is scored
// alone under that. Parts are closed under links like groups, so the
// results equal one pass.
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
        let limit = spilled.withinBound ? nil : scorerMemoryLimit
        try scoreSplitting(spilled, spilled.paths[group], rows: spilled.rows[group], cfg, label: label,
                           lastRead: lastRead, limit: limit, each)
    }

    /// `limit`: the scorer's memory limit (nil: none).
    private func scoreSplitting(_ spilled: SpilledGroups, _ paths: [String], rows: Int, _ cfg: ScoringConfig,
                                label: String, lastRead: Bool, limit: Int?,
                                _ each: (ScoringResult, _ whole: Bool) throws -> Void) throws {
        if spilled.partPlans[paths] != nil,
           try scoreInParts(spilled, paths, rows: rows, bytesPerRow: 0, cfg, label: label, limit: limit,
                            { try each($0, false) }) {
            if lastRead { for p in paths { unlink(p) } }
            return
        }
        let result: ScoringResult
        do {
            // Rows that cannot fit are not tried (a try fills the scorer up
            // to the limit first: time, and memory the allocator may keep).
            if let limit, rows > limit / leastScorerBytesPerRow {
                throw GroupTooLarge(rows: rows, limit: limit)
            }
            result = try scoreSpill(paths, rows: rows, cfg, limit: limit)
        } catch let e as GroupTooLarge {
            // The failed scorer was dropped; nothing of it was handed on (a
            // group's result is written only once it is complete).
            let parts: [(path: String, rows: Int)]
            do {
                parts = try split(spilled, paths, rows: rows, into: e.partsNeeded, cause: e)
            } catch let tooLarge as LinkedSetTooLarge {
                // One linked set: in parts of whole contacts and threads
                // (AccountParts.swift), else alone up to the ceiling, if any.
                if try scoreInParts(spilled, paths, rows: rows, bytesPerRow: e.plannedBytes / max(1, rows), cfg,
                                    label: label, limit: limit,
                                    { try each($0, false) }) {
                    if lastRead { for p in paths { unlink(p) } }
                    return
                }
                guard let ceiling = scorerMemoryCeiling, let limit, limit < ceiling,
                      tooLarge.scorerBytesNeeded + tooLarge.scorerBytesNeeded / 4 <= ceiling else { throw tooLarge }
                oversized?(tooLarge, ceiling)
                try scoreSplitting(spilled, paths, rows: rows, cfg, label: label, lastRead: lastRead, limit: ceiling,
                                   each)
                return
            }
            if lastRead { for p in paths { unlink(p) } }
            for (k, part) in parts.enumerated() {
                let partLabel = label + ", part \(k + 1) of \(parts.count)"
                phase?("computing scores, " + partLabel)
                try scoreSplitting(spilled, [part.path], rows: part.rows, cfg, label: partLabel, lastRead: true,
                                   limit: limit) { r, _ in
                    try each(r, false)
                }
            }
            return
        }
        if lastRead { for p in paths { unlink(p) } }
        try each(result, true)
    }

    /// Writes the rows of `paths` to `wanted` part files (fewer when there
    /// are fewer linked sets) by linked set (see `partition`), each in scan
    /// order. One linked set cannot be split: the error says it does not
    /// fit.
    private func split(_ spilled: SpilledGroups, _ paths: [String], rows: Int, into wanted: Int,
                       cause: GroupTooLarge) throws -> [(path: String, rows: Int)] {
        let t = monotonicSeconds()
        var counts = RowCounts()
        let records = try MergedSpill(paths)
        while let r = try records.next() { counts.note(spilledAccount(r)) }
        let accounts = counts.perAccount()
        guard let (partOf, parts) = partition(accounts, spilled.links, parts: wanted) else {
            let who = accounts.count <= 1 ? "account \(accounts.first?.account ?? 0) (\(rows) rows) does"
                : "account \(accounts[0].account) with the \(accounts.count - 1) account(s) linked to it (\(rows) rows) does"
            throw LinkedSetTooLarge(message: "table '\(table)': \(who) not fit the memory bound: " + cause.cause.message,
                                    scorerBytesNeeded: cause.plannedBytes)
        }
        let n = spilled.splits
        spilled.splits += 1
        let writers = try (0..<parts).map {
            try SpillWriter(path: spilled.dir + "/split-\(n)-\($0)", bufferSize: max(64 << 10, (4 << 20) / parts))
        }
        let again = try MergedSpill(paths)
        while let r = try again.next() { try writers[Int(partOf[spilledAccount(r)] ?? 0)].append(record: r) }
        for w in writers { try w.finish() }
        if traceEnabled {
            trace("\(rows) rows of \(accounts.count) accounts do not fit (\(cause.cause.message)): split into \(parts) parts, "
                  + "\(monotonicSeconds() - t) s")
        }
        return writers.map { (path: $0.path, rows: $0.rows) }
    }
}

/// Up to `parts` parts of about equal rows, of whole linked sets: the
/// sets, largest first, each to the part with the fewest rows so far. The
/// part of each account and the number of parts; nil when the accounts
/// are one linked set.
func partition(_ counts: [(account: Int64, rows: Int)], _ links: [(Int64, Int64)],
               parts wanted: Int) -> (partOf: [Int64: Int32], parts: Int)? {
    var index: [Int64: Int] = [:]
    for (i, c) in counts.enumerated() { index[c.account] = i }
    var sets = DisjointSets(counts.count)
    for (a, b) in links {
        if let i = index[a], let j = index[b] { sets.join(i, j) }
    }
    var size: [Int: Int] = [:]
    for i in counts.indices { size[sets.find(i), default: 0] += counts[i].rows }
    if size.count < 2 { return nil }
    let parts = min(max(2, wanted), size.count)
    var partOfRoot: [Int: Int32] = [:]
    var roots = size.map { (rows: $0.value, root: $0.key) }
    packLargestFirst(&roots, parts: parts) { partOfRoot[$0] = $1 }
    var partOf: [Int64: Int32] = [:]
    for i in counts.indices { partOf[counts[i].account] = partOfRoot[sets.find(i)]! }
    return (partOf, parts)
}

/// Sets (their rows and root) dealt into `parts` parts: largest first,
/// ties by root so a split is deterministic, each to the part with the
/// fewest rows so far; `assign` gets each root's part. Sorts `sets` in
/// place (a plan of millions of units keeps them as two Int32).
func packLargestFirst<T: FixedWidthInteger & SignedInteger>(_ sets: inout [(rows: T, root: T)], parts: Int,
                                            _ assign: (_ root: T, _ part: Int32) -> Void) {
    sets.sort { ($0.rows, -$0.root) > ($1.rows, -$1.root) }
    var load = [Int](repeating: 0, count: parts)
    for set in sets {
        var least = 0
        for p in 1..<parts where load[p] < load[least] { least = p }
        load[least] += Int(set.rows)
        assign(set.root, Int32(least))
    }
}

/// A group's scorer ran out of its memory limit: the limit error and how
/// many parts of equal rows would each fit, from what the whole group
/// would plan (a scorer that stopped while storing plans for the rows it
/// holds: scaled to the group's rows), with a margin, as parts are
/// balanced by rows, not bytes.
struct GroupTooLarge: Error {
    let cause: GiveTakeError
    let partsNeeded: Int
    /// What the whole group's scorer would hold at its peak (estimated).
    let plannedBytes: Int

    init(_ cause: GiveTakeError, _ scorer: Scorer, groupRows: Int) {
        self.cause = cause
        let stored = scorer.storedRows
        let held = scorer.plannedBytes(rows: stored, textBytes: 0, finishing: true)
        let planned = stored > 0 && stored < groupRows ? held / stored * groupRows : held
        let limit = scorer.memoryLimit
        partsNeeded = limit > 0 ? max(2, (planned + planned / 4) / limit + 1) : 2
        plannedBytes = planned
    }
}

extension GroupTooLarge {
    /// Without a try: `rows` rows at the bytes a row of demo data plans
    /// (`typicalScorerBytesPerRow`).
    init(rows: Int, limit: Int) {
        let planned = rows.multipliedReportingOverflow(by: typicalScorerBytesPerRow).partialValue
        cause = GiveTakeError(.outOfMemory, "scoring \(rows) rows needs at least \(megabytes(rows * leastScorerBytesPerRow)) "
                              + "MB, above the memory limit of \(megabytes(limit)) MB")
        partsNeeded = max(2, (planned + planned / 4) / max(1, limit) + 1)
        plannedBytes = planned
    }
}

/// The least a scorer plans per row (its 64-byte row, an id slot, the
/// parent index of the finish), and what a row of demo data plans at the
/// peak of the finish (docs/architecture.md).
let leastScorerBytesPerRow = 72
let typicalScorerBytesPerRow = 190

/// One account, with the accounts linked to it, needs more memory than a
/// group's scorer may use: it cannot be split, so the run stops before
/// writing anything. `scorerBytesNeeded` is what its scorer would hold at
/// its peak (an estimate), so the caller can say what bound would do.
public struct LinkedSetTooLarge: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let scorerBytesNeeded: Int
    public var description: String { message }
}

/// Bytes as whole MB, rounded up (as the engine's messages say them).
func megabytes(_ bytes: Int) -> Int { (bytes + (1 << 20) - 1) >> 20 }
