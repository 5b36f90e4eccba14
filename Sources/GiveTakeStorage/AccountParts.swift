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
// Memory, at its peak in the first read: a node per distinct contact and
// per distinct (account, thread) (a table slot of 12 bytes at a load of
// 3/8 to 3/4, and two 4-byte entries: 24 to 40 bytes each) and per row
// with neither (8 bytes). The tables are freed after that read (each
// row's node went to a file, in scan order, which the second read
// follows); then the ids of one partition file at a time (a dictionary of
// 1/64 of the set's rows, or of about 250,000 rows when the set is
// larger), and 4 bytes a node. Which parts need which post as a reference
// goes to disk, a file per partition of post ids. The plan is freed before
// the parts are scored, each by a scorer of half the limit.
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

/// Where each spilled row of a linked set goes when it is scored in parts.
final class AccountPartPlan {
    /// Read 1 only: the nodes of contacts and of (account, thread) pairs.
    private var contactNode = NodeTable()
    private var threadNode = NodeTable()
    /// Until the parts are planned: the units, and rows per node.
    private var sets = DisjointSets(0)
    /// Per node: its rows, then (once planned) its part.
    private var perNode: [Int32] = []
    /// Each row's node, in scan order (every read of the set sees its rows
    /// in that order): written by read 1, read back by read 2.
    private let nodesPath: String
    private var nodes: RecordReader?
    /// Per partition of post ids: a file of (post id, part) pairs, sorted
    /// and distinct, naming the parts that need each post as a reference.
    private var referencePaths: [String] = []
    /// Posts given as references, and to how many parts in all.
    private(set) var referencedPosts = 0
    private(set) var referencesGiven = 0
    private(set) var parts = 0
    /// The memory limit of each part's scorer (nil: none).
    private(set) var partLimit: Int?
    /// The latest created_at of a row the engine keeps: the set's default
    /// as_of (Int64.min when it keeps none).
    private(set) var latestKept = Int64.min
    /// What the plan held at its peak (its tables and arrays, in read 1).
    private(set) var peakBytes = 0

    /// Partition files of ids: enough that one partition's ids (held in a
    /// dictionary while it is read) stay near 250,000, at least 64.
    let partitions: Int
    /// Marks a referable row's node in the id records.
    private static let referable: Int64 = 1 << 62

    /// The partition file of an id.
    func partition(_ id: Int64) -> Int {
        Int((UInt64(bitPattern: id) &* 0xD6E8_FEB8_6659_FD93) >> 40) % partitions
    }

    /// A row that its answers get as a reference when they are in another
    /// part (if its id is its own).
    static func referable(_ k: SpilledKeys) -> Bool { !k.inbound && k.contact == nil && k.thread == nil }

    deinit { for path in referencePaths + [nodesPath] { unlink(path) } }

    private func newNode() -> Int32 {
        perNode.append(0)
        return Int32(sets.add())
    }

    /// Nodes are Int32 and a row makes at most two.
    private static let mostNodes = Int(Int32.max) - 2

    /// The node of a spilled row in read 1 (new contacts and threads get
    /// one; a row with neither gets its own: such rows, posts mostly, join
    /// units only through their ids and parents, and a shared node would
    /// join the units of unrelated rows into one).
    private func node(_ k: SpilledKeys) -> Int {
        var n = -1
        if let c = k.contact { n = Int(contactNode.node(c, orInsert: newNode)) }
        if let t = k.thread {
            let m = Int(threadNode.node(NodeTable.threadKey(account: k.account, thread: t), orInsert: newNode))
            if n < 0 { n = m } else { sets.join(n, m) }
        }
        return n < 0 ? Int(newNode()) : n
    }

    /// What the plan holds now.
    private var bytesHeld: Int {
        contactNode.bytesHeld + threadNode.bytesHeld + sets.bytesHeld + perNode.capacity * 4
    }

    /// Plans parts for the rows of `paths`, as many as `bytesPerRow` (what
    /// the set's scorer plans per row) makes them need under `partLimit`,
    /// about equal rows, the largest unit in the first; nil when one unit
    /// is too large for a part. `rows`: the set's rows, about; `prefix`:
    /// the path prefix of its files, its own (plans of several sets may be
    /// kept at once).
    init?(_ paths: [String], rows: Int, prefix: String, bytesPerRow: Int, limit: Int?) throws {
        partitions = min(1024, max(64, rows / 250_000))
        let p = partitions
        nodesPath = prefix + "nodes"
        let nodeOfRow = try FileWriter(path: nodesPath, bufferSize: 1 << 16)
        let ids = try (0..<p).map { try FileWriter(path: prefix + "ids-\($0)", bufferSize: 1 << 16) }
        let parents = try (0..<p).map { try FileWriter(path: prefix + "parents-\($0)", bufferSize: 1 << 16) }
        var requestPaths: [String] = []
        defer { for path in ids.map(\.path) + parents.map(\.path) + requestPaths { unlink(path) } }
        // Read 1: each row's node (to the node file) and rows per node; ids
        // and parents to their partitions.
        let records = try MergedSpill(paths)
        var scanned = 0
        while let r = try records.next() {
            let k = spilledKeys(r)
            guard scanned < Int(Int32.max), sets.count < AccountPartPlan.mostNodes else {
                throw StorageError("one linked set of accounts has more than \(Int32.max) rows, contacts or threads; "
                                   + "it cannot be scored in parts")
            }
            scanned += 1
            let n = node(k)
            perNode[n] += 1
            try nodeOfRow.reserve(4).storeBytes(of: Int32(n).littleEndian, as: Int32.self)
            nodeOfRow.commit(4)
            // A row the engine drops (unknown channel or kind) is no one's
            // parent and shares no id.
            guard k.known else { continue }
            let mark = AccountPartPlan.referable(k) ? AccountPartPlan.referable : 0
            try putRecord(ids[partition(k.id)], k.id, Int64(n) | mark, k.createdAt)
            if let parent = k.parent, parent != k.id { try putRecord(parents[partition(parent)], parent, Int64(n)) }
        }
        try nodeOfRow.finish()
        peakBytes = bytesHeld
        contactNode = NodeTable()
        threadNode = NodeTable()
        // Shared ids and parents join units, except a parent that is one
        // referable row: its answers get it as a reference. Such requests
        // (post, the post's node and the answer's) go to a file per
        // partition, read again once the units have parts.
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
            unlink(ids[i].path)
            for (_, o) in owner { latestKept = max(latestKept, o.created) }
            let requests = try FileWriter(path: prefix + "requests-\(i)", bufferSize: 1 << 16)
            requestPaths.append(requests.path)
            let parentRecords = try RecordReader(path: parents[i].path) { $0.count >= 16 ? 16 : nil }
            while let r = try parentRecords.next() {
                let (parent, n) = pairOf(r)
                guard let o = owner[parent]?.node else { continue }  // names no row: an orphan in any part
                if o & AccountPartPlan.referable != 0 {
                    try putRecord(requests, parent, (o & ~AccountPartPlan.referable) << 32 | n)
                } else {
                    sets.join(Int(o), Int(n))
                }
            }
            unlink(parents[i].path)
            try requests.finish()
        }
        // Rows per unit, folded into its root; parts of about equal rows,
        // largest unit first.
        var units = 0, total = 0, largest = 0
        for n in perNode.indices {
            let r = sets.find(n)
            if r != n {
                perNode[r] += perNode[n]
                perNode[n] = 0
            }
        }
        for n in perNode.indices where perNode[n] > 0 {
            units += 1
            total += Int(perNode[n])
            largest = max(largest, Int(perNode[n]))
        }
        // The plan is freed before the parts are scored: each part's scorer
        // gets half the limit, the rest being for the last part's results,
        // still being written while the next is scored. A unit past a
        // part's rows (with a margin) would not fit it.
        partLimit = limit.map { $0 / 2 }
        let need = bytesPerRow * total
        let wanted = partLimit.map { (need + need / 4) / max(1, $0) + 1 } ?? 2
        parts = min(max(2, wanted), units)
        if units < 2 || largest * parts > total + total / 4 { return nil }
        // Units to parts, largest first, each to the part with the fewest
        // rows; the root's entry becomes its part, then every node's.
        var roots: [(rows: Int32, root: Int32)] = []
        roots.reserveCapacity(units)
        for n in perNode.indices where perNode[n] > 0 { roots.append((perNode[n], Int32(n))) }
        packLargestFirst(&roots, parts: parts) { self.perNode[Int($0)] = $1 }
        roots = []
        for n in perNode.indices {
            let r = sets.find(n)
            if r != n { perNode[n] = perNode[r] }
        }
        sets = DisjointSets(0)
        // Each partition's requests become the (post, part) pairs of the
        // parts that need the post, where it is not in the answer's part.
        for (i, path) in requestPaths.enumerated() {
            var pairs: [(post: Int64, part: Int32)] = []
            let requests = try RecordReader(path: path) { $0.count >= 16 ? 16 : nil }
            while let r = try requests.next() {
                let (post, nodes) = pairOf(r)
                let answerPart = perNode[Int(nodes & 0xFFFF_FFFF)]
                if answerPart != perNode[Int(nodes >> 32)] { pairs.append((post, answerPart)) }
            }
            unlink(path)
            pairs.sort { ($0.post, $0.part) < ($1.post, $1.part) }
            let out = try FileWriter(path: prefix + "references-\(i)", bufferSize: 1 << 16)
            referencePaths.append(out.path)
            for (j, q) in pairs.enumerated() where j == 0 || q != pairs[j - 1] {
                if j == 0 || q.post != pairs[j - 1].post { referencedPosts += 1 }
                try putRecord(out, q.post, Int64(q.part))
                referencesGiven += 1
            }
            try out.finish()
        }
    }

    /// The (post id, part) pairs of partition `i` (see `referencePaths`).
    func references(partition i: Int) throws -> [(post: Int64, part: Int32)] {
        var pairs: [(post: Int64, part: Int32)] = []
        let records = try RecordReader(path: referencePaths[i]) { $0.count >= 16 ? 16 : nil }
        while let r = try records.next() {
            let (post, part) = pairOf(r)
            pairs.append((post, Int32(part)))
        }
        return pairs
    }

    /// Before the read of the set's rows (in scan order) that asks
    /// `nextPart` for each.
    func startRead() throws {
        nodes = try RecordReader(path: nodesPath, chunkSize: 1 << 20) { $0.count >= 4 ? 4 : nil }
    }

    /// The part of the next row of the read (rows in scan order).
    func nextPart() throws -> Int32 {
        guard let r = try nodes?.next() else {
            throw StorageError("the rows of a linked set changed between two reads of its spill files")
        }
        return perNode[Int(Int32(littleEndian: r.loadUnaligned(as: Int32.self)))]
    }
}

/// Appends 8-byte values, little-endian, as one record.
private func putRecord(_ w: FileWriter, _ values: Int64...) throws {
    let q = try w.reserve(8 * values.count)
    for (i, v) in values.enumerated() { q.storeBytes(of: v.littleEndian, toByteOffset: 8 * i, as: Int64.self) }
    w.commit(8 * values.count)
}

/// The files of a set's parts and their references (deleted with it).
private final class PartFiles {
    var parts: [SpillWriter] = []
    var references: [SpillWriter] = []
    /// The memory limit of each part's scorer (nil: none).
    let partLimit: Int?

    init(partLimit: Int?) { self.partLimit = partLimit }

    deinit { for w in parts + references { unlink(w.path) } }
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
        let files: PartFiles
        do {
            var planned = spilled.partPlans[paths]
            if planned == nil {
                spilled.splits += 1
                planned = try AccountPartPlan(paths, rows: rows, prefix: spilled.dir + "/plan-\(spilled.splits)-",
                                              bytesPerRow: bytesPerRow, limit: limit)
            }
            guard let plan = planned else { return false }
            if cfg.asOf == nil {
                // The pass that finds the global as_of (PartitionedScoring's
                // scoreGroups) needs only the set's: the plan has it, kept
                // for the pass that scores.
                spilled.partPlans[paths] = plan
                try each(ScoringResult(accounts: [], contacts: [],
                                       asOf: plan.latestKept == .min ? 0 : plan.latestKept, rowCount: 0))
                return true
            }
            spilled.partPlans[paths] = nil
            files = try writeParts(plan, spilled, paths)
            if traceEnabled {
                trace("\(rows) rows of one linked set: \(plan.parts) parts of whole contacts and threads, "
                      + "\(plan.referencedPosts) posts given as \(plan.referencesGiven) references, plan "
                      + "\(plan.peakBytes >> 20) MB, \(monotonicSeconds() - t) s")
            }
        }  // the plan is freed here, before the parts are scored
        var totals = ScoreTotals()
        var asOf = Int64.min
        let parts = files.parts.count
        for (k, w) in files.parts.enumerated() {
            phase?("computing scores, " + label + ", part \(k + 1) of \(parts)")
            let result: ScoringResult
            do {
                result = try scorePart(part: w.path, references: files.references[k].path, rows: w.rows, cfg,
                                       limit: files.partLimit)
            } catch is LinkedSetTooLarge where k == 0 {
                return false  // the largest unit does not fit; nothing was handed on
            }
            unlink(w.path)
            unlink(files.references[k].path)
            if traceEnabled { trace("part \(k + 1) of \(parts): \(w.rows) rows scored") }
            if let partTotals = result.totals { totals.merge(partTotals) }
            asOf = max(asOf, result.asOf)
            var rowsOnly = result
            rowsOnly.totals = nil
            try each(rowsOnly)
        }
        try each(totals.result(cfg, asOf: cfg.asOf ?? asOf))
        return true
    }

    /// Read 2 of a set scored in parts: each row to its part's file; each
    /// referable row also to the file of its id's partition, from which
    /// the parts that need it get it in their reference files.
    private func writeParts(_ plan: AccountPartPlan, _ spilled: SpilledGroups, _ paths: [String]) throws -> PartFiles {
        let n = spilled.splits
        spilled.splits += 1
        let files = PartFiles(partLimit: plan.partLimit)
        files.parts = try (0..<plan.parts).map {
            try SpillWriter(path: spilled.dir + "/part-\(n)-\($0)", bufferSize: max(64 << 10, (4 << 20) / plan.parts))
        }
        let posts = try (0..<plan.partitions).map {
            try SpillWriter(path: spilled.dir + "/part-\(n)-posts-\($0)", bufferSize: 64 << 10)
        }
        defer { for w in posts { unlink(w.path) } }
        let records = try MergedSpill(paths)
        try plan.startRead()
        while let r = try records.next() {
            let k = spilledKeys(r)
            try files.parts[Int(try plan.nextPart())].append(record: r)
            if AccountPartPlan.referable(k) { try posts[plan.partition(k.id)].append(record: r) }
        }
        for w in files.parts + posts { try w.finish() }
        files.references = try (0..<plan.parts).map {
            try SpillWriter(path: spilled.dir + "/part-\(n)-\($0)-references", bufferSize: 64 << 10)
        }
        for (i, w) in posts.enumerated() {
            let pairs = try plan.references(partition: i)
            guard !pairs.isEmpty else { continue }
            let postRecords = try spillRecords(w.path, chunkSize: 1 << 20)
            while let r = try postRecords.next() {
                let id = spilledKeys(r).id
                var lo = 0, hi = pairs.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if pairs[mid].post < id { lo = mid + 1 } else { hi = mid }
                }
                while lo < pairs.count && pairs[lo].post == id {
                    try files.references[Int(pairs[lo].part)].append(record: r)
                    lo += 1
                }
            }
            unlink(w.path)
        }
        for w in files.references { try w.finish() }
        return files
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
