// The cross-account links that memory-bounded scoring must keep inside one
// group (a parent_id naming a row of another account, an id shared by
// rows of two accounts), found from the rows of the one spill scan rather
// than by self-joins of the source table. Memory stays bounded: every id
// and every parent_id goes, with its row's account, to one of several
// partition files by a hash of the id, so each partition holds all the
// rows that can match one another; one partition at a time is loaded into
// an open-addressing table of ids.
#if canImport(Glibc)
import Glibc
#endif

final class CrossAccountLinks {
    private let ids: [FileWriter]
    private let parents: [FileWriter]
    // Unretained references for the per-row calls (the arrays keep them alive).
    private let idRefs: [Unmanaged<FileWriter>]
    private let parentRefs: [Unmanaged<FileWriter>]

    /// `partitions` files of ids and of parent ids under `dir` (removed
    /// with it).
    init(dir: String, partitions: Int) throws {
        let n = max(1, partitions)
        ids = try (0..<n).map { try FileWriter(path: dir + "/ids-\($0)", bufferSize: 1 << 16) }
        parents = try (0..<n).map { try FileWriter(path: dir + "/parents-\($0)", bufferSize: 1 << 16) }
        idRefs = ids.map { Unmanaged.passUnretained($0) }
        parentRefs = parents.map { Unmanaged.passUnretained($0) }
    }

    /// Partitions for about `rows` rows when a partition should hold at
    /// most `perPartition` of them.
    static func partitions(rows: Int?, perPartition: Int) -> Int {
        guard let rows else { return 64 }
        return min(256, max(1, rows / max(1, perPartition) + 1))
    }

    @inline(__always)
    private func partition(_ key: Int64) -> Int {
        Int((UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 32) % ids.count
    }

    @inline(__always)
    private static func put(_ w: Unmanaged<FileWriter>, _ key: Int64, _ account: Int64) throws {
        try w._withUnsafeGuaranteedRef { w in
            let p = try w.reserve(16)
            p.storeBytes(of: key.littleEndian, as: Int64.self)
            p.storeBytes(of: account.littleEndian, toByteOffset: 8, as: Int64.self)
            w.commit(16)
        }
    }

    @inline(__always)
    func note(id: Int64, account: Int64, parent: Int64?) throws {
        try Self.put(idRefs[partition(id)], id, account)
        if let parent { try Self.put(parentRefs[partition(parent)], parent, account) }
    }

    /// Pairs of accounts whose union (as connected sets) equals that of
    /// every (row's account, parent row's account) and (account, account
    /// of another row with the same id) pair with two different accounts.
    /// Each pair joins two sets not joined before, so there are fewer
    /// pairs than accounts.
    func links() throws -> [(Int64, Int64)] {
        for w in ids + parents { try w.finish() }
        var sets = AccountSets()
        var out: [(Int64, Int64)] = []
        for p in 0..<ids.count {
            let table = try IdTable(loading: ids[p].path) { a, b in
                if sets.join(a, b) { out.append((a, b)) }
            }
            let refs = try pairRecords(parents[p].path)
            while let r = try refs.next() {
                let (parent, account) = pair(r)
                if let owner = table.account(of: parent), owner != account, sets.join(owner, account) {
                    out.append((owner, account))
                }
            }
            unlink(ids[p].path)
            unlink(parents[p].path)
        }
        return out
    }
}

/// A file of (key, account) records.
private func pairRecords(_ path: String) throws -> RecordReader {
    try RecordReader(path: path) { $0.count >= 16 ? 16 : nil }
}

@inline(__always)
private func pair(_ r: UnsafeRawBufferPointer) -> (Int64, Int64) {
    (Int64(littleEndian: r.loadUnaligned(as: Int64.self)),
     Int64(littleEndian: r.loadUnaligned(fromByteOffset: 8, as: Int64.self)))
}

/// Ids of one partition and the account of the first row with each;
/// `onShared` gets (first account, other account) for a later row with
/// the same id in another account.
private struct IdTable {
    private struct Slot {
        var id: Int64 = 0
        var account: Int64 = 0
        var used = false
    }
    // One slot per probe: one cache line, not one per field.
    private var slots: [Slot]
    private let mask: Int

    init(loading path: String, onShared: (Int64, Int64) -> Void) throws {
        var size = 0
        if let f = fopen(path, "rb") {
            fseek(f, 0, SEEK_END)
            size = ftell(f)
            fclose(f)
        }
        var n = 16
        while n < 2 * (size / 16) { n *= 2 }
        let mask = n - 1
        var slots = [Slot](repeating: Slot(), count: n)
        let rows = try pairRecords(path)
        try slots.withUnsafeMutableBufferPointer { t in
            next: while let r = try rows.next() {
                let (id, account) = pair(r)
                var i = Self.home(id, mask)
                while t[i].used {
                    if t[i].id == id {
                        if t[i].account != account { onShared(t[i].account, account) }
                        continue next
                    }
                    i = (i + 1) & mask
                }
                t[i] = Slot(id: id, account: account, used: true)
            }
        }
        self.slots = slots
        self.mask = mask
    }

    @inline(__always)
    private static func home(_ key: Int64, _ mask: Int) -> Int {
        // Another multiplier than the partition's: its ids share those bits.
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0xC2B2_AE3D_27D4_EB4F) >> 17) & mask
    }

    /// The account of the first row with `id`, nil when no row has it.
    @inline(__always)
    func account(of id: Int64) -> Int64? {
        var i = Self.home(id, mask)
        while slots[i].used {
            if slots[i].id == id { return slots[i].account }
            i = (i + 1) & mask
        }
        return nil
    }
}

/// Union-find over account ids (DisjointSets over their first-seen order).
private struct AccountSets {
    private var index: [Int64: Int] = [:]
    private var sets = DisjointSets(0)

    private mutating func node(_ a: Int64) -> Int {
        if let i = index[a] { return i }
        index[a] = index.count
        return sets.add()
    }

    /// Joins the sets of `a` and `b`; false when they were one already.
    mutating func join(_ a: Int64, _ b: Int64) -> Bool {
        let i = node(a), j = node(b)
        return sets.join(i, j)
    }
}
