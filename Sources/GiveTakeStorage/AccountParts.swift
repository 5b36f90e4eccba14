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
// (a dictionary entry and a set slot, about 50 bytes each), a node per row
// with neither (20 bytes), and the ids of one partition file at a time (a
// dictionary of about 1/64 of the set's rows).
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

/// Where each spilled row of a linked set goes when it is scored in parts.
final class AccountPartPlan {
    private var contactNode = NodeTable(pairs: false)
    private var threadNode = NodeTable(pairs: true)
    private var sets = DisjointSets(0)
    private var rowsOfNode: [Int] = []
    /// The node of each row with neither contact nor thread, in scan order
    /// (every read of the set sees its rows in that order), and how many
    /// of them the current read has passed.
    private var loneNodes: [Int32] = []
    private var lonePassed = 0
    /// Per node: its part when it is a root.
    private var partOfRoot: [Int32] = []
    /// Ids of posts each part needs as references.
    /// (post id, part) pairs, sorted: the posts each part needs as
    /// references.
    private var references: [(post: Int64, part: Int32)] = []
    /// Posts given as references.
    private(set) var referencedPosts = 0
    private(set) var parts = 0
    /// The memory limit of each part's scorer (nil: none).
    private(set) var partLimit: Int?
    /// The latest created_at of a row the engine keeps: the set's default
    /// as_of (Int64.min when it keeps none).
    private(set) var latestKept = Int64.min

    private static let partitions = 64
    /// Marks a referable row's node in the id records.
    private static let referable: Int64 = 1 << 62

    private func newNode() -> Int32 {
        rowsOfNode.append(0)
        return Int32(sets.add())
    }

    /// The node of a spilled row (new contacts and threads get one).
    private func node(_ k: SpilledKeys) -> Int {
        var n = -1
        if let c = k.contact { n = Int(contactNode.node(c, 0, orInsert: newNode)) }
        if let t = k.thread {
            let m = Int(threadNode.node(k.account, t, orInsert: newNode))
            if n < 0 { n = m } else { sets.join(n, m) }
        }
        if n < 0 {
            // A node of its own: such rows (posts, mostly) join units only
            // through their ids and parents. Shared nodes would join the
            // units of unrelated rows into one.
            if lonePassed == loneNodes.count { loneNodes.append(newNode()) }
            n = Int(loneNodes[lonePassed])
            lonePassed += 1
        }
        return n
    }

    /// Plans parts for the rows of `paths`, as many as `bytesPerRow` (what
    /// the set's scorer plans per row) makes them need under `partLimit`,
    /// about equal rows, the largest unit in the first; nil when one unit
    /// is too large for a part.
    init?(_ paths: [String], dir: String, bytesPerRow: Int, limit: Int?) throws {
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
        var requests: [(post: Int64, postNode: Int32, answer: Int32)] = []
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
                    requests.append((parent, Int32(o & ~AccountPartPlan.referable), Int32(n)))
                } else {
                    sets.join(Int(o), Int(n))
                }
            }
        }
        // Rows per unit, folded into its root; parts of about equal rows,
        // largest unit first.
        var roots: [(root: Int, rows: Int)] = []
        var total = 0, largest = 0
        for n in rowsOfNode.indices {
            let r = sets.find(n)
            if r != n {
                rowsOfNode[r] += rowsOfNode[n]
                rowsOfNode[n] = 0
            }
        }
        for n in rowsOfNode.indices where rowsOfNode[n] > 0 {
            roots.append((n, rowsOfNode[n]))
            total += rowsOfNode[n]
            largest = max(largest, rowsOfNode[n])
        }
        // Each part's scorer gets what the plan leaves of the limit, less a
        // third for the last part's results, still being written while the
        // next is scored, and at most half the limit; a unit past a part's
        // rows (with a margin) would not fit it.
        if let limit {
            let left = (limit - bytesHeld) * 2 / 3
            partLimit = max(limit / 8, min(limit / 2, left))
        }
        let need = bytesPerRow * total
        let wanted = partLimit.map { (need + need / 4) / max(1, $0) + 1 } ?? 2
        parts = min(max(2, wanted), roots.count)
        if roots.count < 2 || largest * parts > total + total / 4 { return nil }
        partOfRoot = [Int32](repeating: 0, count: rowsOfNode.count)
        for (root, part) in packLargestFirst(roots, parts: parts) { partOfRoot[root] = part }
        for q in requests {
            let answerPart = partOfRoot[sets.find(Int(q.answer))]
            if answerPart != partOfRoot[sets.find(Int(q.postNode))] { references.append((q.post, answerPart)) }
        }
        references.sort { ($0.post, $0.part) < ($1.post, $1.part) }
        var kept = 0
        for (i, r) in references.enumerated() where i == 0 || r != references[kept - 1] {
            if i == 0 || r.post != references[kept - 1].post { referencedPosts += 1 }
            references[kept] = r
            kept += 1
        }
        references.removeLast(references.count - kept)
    }

    /// The indices of `references` naming the parts that need the row with
    /// id `id` (only a row without contact or thread can be one).
    func referenceRange(_ id: Int64) -> Range<Int> {
        var lo = 0, hi = references.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if references[mid].post < id { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        while end < references.count && references[end].post == id { end += 1 }
        return lo..<end
    }

    func referencePart(_ i: Int) -> Int32 { references[i].part }

    /// What the plan holds (its tables and arrays).
    var bytesHeld: Int {
        // per node: its rows, its set's parent and its part
        contactNode.bytesHeld + threadNode.bytesHeld + rowsOfNode.capacity * (8 + 8 + 4)
            + loneNodes.capacity * 4 + references.capacity * 16
    }

    /// Before a read of the set's rows (in scan order) that asks `part`.
    func startRead() { lonePassed = 0 }

    /// The part of a spilled row, asked for every row in scan order.
    func part(_ k: SpilledKeys) -> Int32 {
        partOfRoot[sets.find(node(k))]
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
    func scoreInParts(_ spilled: SpilledGroups, _ paths: [String], rows: Int, bytesPerRow: Int, _ cfg: ScoringConfig,
                      label: String, limit: Int?, _ each: (ScoringResult) throws -> Void) throws -> Bool {
        let t = monotonicSeconds()
        let planned = spilled.partPlans[paths]
        guard let plan = try planned
                ?? AccountPartPlan(paths, dir: spilled.dir, bytesPerRow: bytesPerRow, limit: limit) else {
            return false
        }
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
        plan.startRead()
        while let r = try records.next() {
            let k = spilledKeys(r)
            try writers[Int(plan.part(k))].append(record: r)
            guard !k.inbound && k.contact == nil && k.thread == nil else { continue }
            for i in plan.referenceRange(k.id) { try referenceWriters[Int(plan.referencePart(i))].append(record: r) }
        }
        for w in writers + referenceWriters { try w.finish() }
        spilled.partPlans[paths] = nil
        if traceEnabled {
            trace("\(rows) rows of one linked set: \(plan.parts) parts of whole contacts and threads, "
                  + "\(plan.referencedPosts) posts given as references, \(monotonicSeconds() - t) s")
        }
        var totals = ScoreTotals()
        var asOf = Int64.min
        for (k, w) in writers.enumerated() {
            phase?("computing scores, " + label + ", part \(k + 1) of \(plan.parts)")
            let result: ScoringResult
            do {
                result = try scorePart(part: w.path, references: referenceWriters[k].path, rows: w.rows, cfg,
                                       limit: plan.partLimit)
            } catch is LinkedSetTooLarge where k == 0 {
                return false  // the largest unit does not fit; nothing was handed on
            }
            unlink(w.path)
            if traceEnabled { trace("part \(k + 1) of \(plan.parts): \(w.rows) rows scored") }
            if let partTotals = result.totals { totals.merge(partTotals) }
            asOf = max(asOf, result.asOf)
            var rowsOnly = result
            rowsOnly.totals = nil
            try each(rowsOnly)
        }
        try each(totals.result(cfg, asOf: cfg.asOf ?? asOf))
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
