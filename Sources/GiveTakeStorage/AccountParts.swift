// One linked set of accounts (most often one large account: a self-hosted
// CRM keeps every conversation in one) whose scorer would outgrow its
// memory limit is scored in parts. Units that must stay whole are found in
// its spilled rows: rows sharing a contact_id, an (account, thread_id) or
// an id, and a row with its parent. A parent that is one outbound row
// without contact or thread (a post, which many contacts may answer) does
// not join its answers' units: each part holding an answer gets it as a
// reference instead (`Scorer.addReferences`). Units are packed into parts
// by rows, largest first; each part is scored with `Scorer.finishPart`,
// its contact and turn rows handed on at once, and the parts' totals
// merged into the set's account, agent and period rows at the end
// (`ScoreTotals`: counts exact, percentiles from a mergeable histogram,
// within 1 % or 1 s).
//
// Memory: a node per distinct contact and per distinct (account, thread)
// (a dictionary entry and a set slot, about 50 bytes each), 4,096 shared
// nodes for rows with neither, and the ids of one partition file at a time
// (a dictionary of about 1/64 of the set's rows).
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

/// Where each spilled row of a linked set goes when it is scored in parts.
final class AccountPartPlan {
    private var contactNode: [Int64: Int] = [:]
    private var threadNode: [ThreadKey: Int] = [:]
    private var sets = DisjointSets(AccountPartPlan.sharedNodes)
    private var rowsOfNode = [Int](repeating: 0, count: AccountPartPlan.sharedNodes)
    private var partOfRoot: [Int: Int32] = [:]
    /// Ids of posts each part needs as references.
    private(set) var referencesOf: [Int64: [Int32]] = [:]
    private(set) var parts = 0
    /// The latest created_at of a row the engine keeps: the set's default
    /// as_of (Int64.min when it keeps none).
    private(set) var latestKept = Int64.min

    /// Rows with neither contact nor thread share these nodes by a hash of
    /// their id (rows sharing an id share a node).
    static let sharedNodes = 4096
    private static let partitions = 64
    /// Marks a referable row's node in the id records.
    private static let referable: Int64 = 1 << 62

    struct ThreadKey: Hashable {
        var account: Int64
        var thread: Int64
    }

    /// The node of a spilled row (new contacts and threads get one).
    private func node(_ k: SpilledKeys) -> Int {
        var n = -1
        if let c = k.contact {
            if let found = contactNode[c] { n = found } else {
                n = sets.add()
                rowsOfNode.append(0)
                contactNode[c] = n
            }
        }
        if let t = k.thread {
            let key = ThreadKey(account: k.account, thread: t)
            let m: Int
            if let found = threadNode[key] { m = found } else {
                m = sets.add()
                rowsOfNode.append(0)
                threadNode[key] = m
            }
            if n < 0 { n = m } else { sets.join(n, m) }
        }
        if n < 0 {
            n = Int((UInt64(bitPattern: k.id) &* 0x9E37_79B9_7F4A_7C15) >> 52) % AccountPartPlan.sharedNodes
        }
        return n
    }

    /// Plans parts for the rows of `paths`, aiming at `wanted` parts of
    /// about equal rows, the largest unit in the first; nil when one unit
    /// is too large for a part.
    init?(_ paths: [String], dir: String, wanted: Int) throws {
        let p = AccountPartPlan.partitions
        let ids = try (0..<p).map { try FileWriter(path: dir + "/unit-ids-\($0)", bufferSize: 1 << 16) }
        let parents = try (0..<p).map { try FileWriter(path: dir + "/unit-parents-\($0)", bufferSize: 1 << 16) }
        defer { for w in ids + parents { unlink(w.path) } }
        func partition(_ id: Int64) -> Int { Int((UInt64(bitPattern: id) &* 0xD6E8_FEB8_6659_FD93) >> 40) % p }
        func put(_ w: FileWriter, _ values: Int64...) throws {
            let q = try w.reserve(8 * values.count)
            for (i, v) in values.enumerated() { q.storeBytes(of: v.littleEndian, toByteOffset: 8 * i, as: Int64.self) }
            w.commit(8 * values.count)
        }
        let records = try MergedSpill(paths)
        while let r = try records.next() {
            let k = spilledKeys(r)
            let n = node(k)
            rowsOfNode[n] += 1
            // A row the engine drops (unknown channel or kind) is no one's
            // parent and shares no id.
            guard k.known else { continue }
            let mark = !k.inbound && k.contact == nil && k.thread == nil ? AccountPartPlan.referable : 0
            try put(ids[partition(k.id)], k.id, Int64(n) | mark, k.createdAt)
            if let parent = k.parent, parent != k.id { try put(parents[partition(parent)], parent, Int64(n)) }
        }
        // Shared ids and parents join units, except a parent that is one
        // referable row: its answers get it as a reference.
        var requests: [(post: Int64, postNode: Int, answer: Int)] = []
        for i in 0..<p {
            try ids[i].finish()
            try parents[i].finish()
            // id -> its first row's node (with the referable mark, dropped
            // once the id is shared) and the earliest created_at of its
            // rows: the kept one's (the duplicate rule keeps the earliest).
            var owner: [Int64: (node: Int64, created: Int64)] = [:]
            let idRecords = try RecordReader(path: ids[i].path) { $0.count >= 24 ? 24 : nil }
            while let r = try idRecords.next() {
                let (id, n) = pairOf(r)
                let created = Int64(littleEndian: r.loadUnaligned(fromByteOffset: 16, as: Int64.self))
                if let first = owner[id] {
                    sets.join(Int(first.node & ~AccountPartPlan.referable), Int(n & ~AccountPartPlan.referable))
                    owner[id] = (first.node & ~AccountPartPlan.referable, min(first.created, created))
                } else {
                    owner[id] = (n, created)
                }
            }
            for (_, o) in owner { latestKept = max(latestKept, o.created) }
            let parentRecords = try RecordReader(path: parents[i].path) { $0.count >= 16 ? 16 : nil }
            while let r = try parentRecords.next() {
                let (parent, n) = pairOf(r)
                guard let o = owner[parent]?.node else { continue }  // names no row: an orphan in any part
                if o & AccountPartPlan.referable != 0 {
                    requests.append((parent, Int(o & ~AccountPartPlan.referable), Int(n)))
                } else {
                    sets.join(Int(o), Int(n))
                }
            }
        }
        var rowsOfRoot: [Int: Int] = [:]
        for n in rowsOfNode.indices where rowsOfNode[n] > 0 { rowsOfRoot[sets.find(n), default: 0] += rowsOfNode[n] }
        // Parts are as large as the rows over `wanted`, with a margin: a
        // unit past that would not fit its part.
        let total = rowsOfRoot.values.reduce(0, +), largest = rowsOfRoot.values.max() ?? 0
        parts = min(max(2, wanted), rowsOfRoot.count)
        if rowsOfRoot.count < 2 || largest * parts > total + total / 4 { return nil }
        let roots = rowsOfRoot.keys.sorted { (rowsOfRoot[$0]!, -$0) > (rowsOfRoot[$1]!, -$1) }
        var load = [Int](repeating: 0, count: parts)
        for r in roots {
            var least = 0
            for q in 1..<parts where load[q] < load[least] { least = q }
            load[least] += rowsOfRoot[r]!
            partOfRoot[r] = Int32(least)
        }
        for q in requests {
            let answerPart = partOfRoot[sets.find(q.answer)]!
            guard answerPart != partOfRoot[sets.find(q.postNode)]! else { continue }
            if !(referencesOf[q.post]?.contains(answerPart) ?? false) { referencesOf[q.post, default: []].append(answerPart) }
        }
    }

    /// The part of a spilled row.
    func part(_ k: SpilledKeys) -> Int32 {
        partOfRoot[sets.find(node(k))] ?? 0
    }
}

@inline(__always)
private func pairOf(_ r: UnsafeRawBufferPointer) -> (Int64, Int64) {
    (Int64(littleEndian: r.loadUnaligned(as: Int64.self)),
     Int64(littleEndian: r.loadUnaligned(fromByteOffset: 8, as: Int64.self)))
}

extension ScoringJob {
    /// Scores the linked set of `paths` in parts (see above) with the
    /// scorer memory limit `limit`, handing `each` every part's contact and
    /// turn rows and then the set's account, agent and period rows. False,
    /// with nothing handed on, when its largest unit does not fit a part.
    func scoreInParts(_ spilled: SpilledGroups, _ paths: [String], rows: Int, wanted: Int, _ cfg: ScoringConfig,
                      label: String, limit: Int?, _ each: (ScoringResult) throws -> Void) throws -> Bool {
        let t = monotonicSeconds()
        let planned = spilled.partPlans[paths]
        guard let plan = try planned ?? AccountPartPlan(paths, dir: spilled.dir, wanted: wanted) else { return false }
        spilled.partPlans[paths] = plan
        if cfg.asOf == nil {
            // The pass that finds the global as_of (PartitionedScoring's
            // scoreGroups) needs only the set's: the plan has it.
            try each(ScoringResult(accounts: [], contacts: [], asOf: plan.latestKept == .min ? 0 : plan.latestKept,
                                   rowCount: 0))
            return true
        }
        let n = spilled.splits
        spilled.splits += 1
        let writers = try (0..<plan.parts).map {
            try SpillWriter(path: spilled.dir + "/part-\(n)-\($0)", bufferSize: max(64 << 10, (4 << 20) / plan.parts))
        }
        let referenceWriters = try (0..<plan.parts).map {
            try SpillWriter(path: spilled.dir + "/part-\(n)-\($0)-references", bufferSize: 64 << 10)
        }
        defer { for w in writers + referenceWriters { unlink(w.path) } }
        let records = try MergedSpill(paths)
        while let r = try records.next() {
            let k = spilledKeys(r)
            try writers[Int(plan.part(k))].append(record: r)
            if let needs = plan.referencesOf[k.id] { for q in needs { try referenceWriters[Int(q)].append(record: r) } }
        }
        for w in writers + referenceWriters { try w.finish() }
        spilled.partPlans[paths] = nil
        if traceEnabled {
            trace("\(rows) rows of one linked set: \(plan.parts) parts of whole contacts and threads, "
                  + "\(plan.referencesOf.count) posts given as references, \(monotonicSeconds() - t) s")
        }
        var totals = ScoreTotals()
        var asOf = Int64.min
        for (k, w) in writers.enumerated() {
            phase?("computing scores, " + label + ", part \(k + 1) of \(plan.parts)")
            let result: ScoringResult
            do {
                result = try scorePart(part: w.path, references: referenceWriters[k].path, rows: w.rows, cfg,
                                       limit: limit)
            } catch is LinkedSetTooLarge where k == 0 {
                return false  // the largest unit does not fit; nothing was handed on
            }
            unlink(w.path)
            if let partTotals = result.totals { totals.merge(partTotals) }
            asOf = max(asOf, result.asOf)
            var rowsOnly = result
            rowsOnly.totals = nil
            try each(rowsOnly)
        }
        let (accounts, agents, periods) = totals.scores(cfg)
        var merged = ScoringResult(accounts: accounts, contacts: [], agents: agents, asOf: cfg.asOf ?? asOf,
                                   rowCount: 0)
        merged.periods = periods
        try each(merged)
        return true
    }

    /// One part, with its references, scored by the group scorer (reset).
    private func scorePart(part: String, references: String, rows: Int, _ cfg: ScoringConfig,
                           limit: Int?) throws -> ScoringResult {
        let scorer = try groupScorerReady(cfg, limit: limit, rows: rows)
        try readSpill([references], batchSize: batchSize) { try scorer.addReferences($0) }
        let rowsScored = self.rowsScored
        do {
            try readSpill([part], batchSize: batchSize) { batch in
                try scorer.add(batch)
                try rowsScored?(batch)
            }
            return try scorer.finishPart()
        } catch let e as GiveTakeError where e.code == .outOfMemory {
            groupScorer.scorer = nil
            throw LinkedSetTooLarge(message: "table '\(table)': one part of \(rows) rows (contacts and threads that "
                                    + "share rows cannot be split) does not fit the memory bound: " + e.message,
                                    scorerBytesNeeded: scorer.plannedBytes(rows: rows, textBytes: 0, finishing: true))
        }
    }
}
