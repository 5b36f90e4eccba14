// The scorer's rows in fixed-size chunks, and the id -> row index over
// them. Growing never copies a row and never needs twice the memory (an
// Array doubles and copies); a chunk is allocated when the last one is
// full. Value semantics as an Array: a copy (a TurnTable keeps one) shares
// the chunks until either side writes, then the writer copies them.

/// Rows per chunk: 8192 rows of 64 bytes, 512 KB (small enough for a
/// scorer of a few rows under a tight memory limit).
let rowChunkShift = 13
let rowChunkSize = 1 << rowChunkShift

final class RowChunks: @unchecked Sendable {
    var chunks: [UnsafeMutablePointer<StoredRow>] = []
    var count = 0

    init() {}

    func copy() -> RowChunks {
        let c = RowChunks()
        var left = count
        for p in chunks {
            let q = UnsafeMutablePointer<StoredRow>.allocate(capacity: rowChunkSize)
            q.initialize(from: p, count: min(left, rowChunkSize))
            left &-= min(left, rowChunkSize)
            c.chunks.append(q)
        }
        c.count = count
        return c
    }

    deinit {
        for p in chunks { p.deallocate() }  // StoredRow is trivial: no deinitialize
    }
}

struct RowStore {
    private var storage = RowChunks()

    var count: Int { storage.count }
    var isEmpty: Bool { storage.count == 0 }
    /// Bytes held with `rows` rows (whole chunks, and their pointer list).
    static func bytesHeld(rows: Int) -> Int {
        let chunks = (rows &+ rowChunkSize &- 1) >> rowChunkShift
        return chunks &* (rowChunkSize &* MemoryLayout<StoredRow>.stride &+ 8)
    }

    @inline(__always)
    subscript(i: Int) -> StoredRow {
        get { storage.chunks[i &>> rowChunkShift][i & (rowChunkSize &- 1)] }
        set {
            unique()
            storage.chunks[i &>> rowChunkShift][i & (rowChunkSize &- 1)] = newValue
        }
    }

    mutating func append(_ row: StoredRow) {
        unique()
        appendUnique(row)
    }

    /// Copies the chunks if a copy of the store shares them.
    mutating func makeUnique() { unique() }

    /// No rows; the chunks stay for the next rows unless a copy of the
    /// store still reads them.
    mutating func removeAll() {
        if isKnownUniquelyReferenced(&storage) { storage.count = 0 } else { storage = RowChunks() }
    }

    /// `append` without the sharing check: `makeUnique()` was called
    /// since the store was last copied (per-row loops call it once).
    @inline(__always)
    mutating func appendUnique(_ row: StoredRow) {
        let i = storage.count
        if i & (rowChunkSize &- 1) == 0 && i >> rowChunkShift == storage.chunks.count {
            storage.chunks.append(UnsafeMutablePointer<StoredRow>.allocate(capacity: rowChunkSize))
        }
        (storage.chunks[i &>> rowChunkShift] + (i & (rowChunkSize &- 1))).initialize(to: row)
        storage.count = i &+ 1
    }

    @inline(__always)
    private mutating func unique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }
}

/// id -> row index by open addressing on row indices alone (4 bytes a
/// slot): the id of a slot is read from its row. Linear probing on a
/// power-of-two table at most 3/4 full. The home slot first keeps the low
/// bits of an id in order: ids are mostly dense and ascending, so
/// neighbouring ids probe neighbouring slots and rows. Two id ranges that
/// meet modulo the table size (a table scanned from its middle, the ids
/// of two systems interleaved) would then pile into one probe run, and
/// every insert would walk it (quadratic time): the first probe longer
/// than `orderedProbeLimit` switches the table for good to scattered homes
/// (runs of 16 consecutive ids, one cache line of slots, placed by a
/// multiplicative hash) and rebuilds it.
struct IdTable {
    private var slots: [Int32]
    private var mask: Int
    private var scattered = false
    private(set) var count = 0

    /// Probes one look-up may take with ordered homes before the table
    /// switches to scattered ones.
    static let orderedProbeLimit = 64

    init() {
        slots = [Int32](repeating: -1, count: 16)
        mask = 15
    }

    @inline(__always)
    private static func home(_ id: Int64, _ mask: Int, _ scattered: Bool) -> Int {
        let x = UInt64(bitPattern: id)
        if !scattered { return Int(truncatingIfNeeded: x ^ (x >> 13) ^ (x >> 29) ^ (x >> 47)) & mask }
        var run = (x >> 4) &* 0x9E37_79B9_7F4A_7C15
        run ^= run >> 32
        return Int(truncatingIfNeeded: run << 4 | x & 15) & mask
    }

    /// Bytes the slots take now.
    var bytesHeld: Int { slots.count &* 4 }

    /// Bytes the slots would take once `keys` ids are in.
    func bytesHeld(keys: Int) -> Int {
        var size = slots.count
        while size &* 3 < keys &* 4 { size &<<= 1 }
        return size &* 4
    }

    func find(_ id: Int64, in rows: RowStore) -> Int32? {
        slots.withUnsafeBufferPointer { s in
            var i = IdTable.home(id, mask, scattered)
            while true {
                let r = s[i]
                if r < 0 { return nil }
                if rows[Int(r)].id == id { return r }
                i = (i &+ 1) & mask
            }
        }
    }

    /// The row holding `id`, or nil after recording `row` (whose id is
    /// `id`, appended next) for it.
    mutating func findOrInsert(_ id: Int64, row: Int32, in rows: RowStore) -> Int32? {
        if (count &+ 1) &* 4 > slots.count &* 3 { rebuild(rows, size: slots.count &* 2) }
        while true {
            let mask = self.mask, scattered = self.scattered
            // (found, probed too long): with ordered homes a long probe
            // stops the look-up before it inserts.
            let (found, long): (Int32?, Bool) = slots.withUnsafeMutableBufferPointer { s in
                var i = IdTable.home(id, mask, scattered)
                var probes = 0
                while true {
                    let r = s[i]
                    if r < 0 {
                        if !scattered && probes > IdTable.orderedProbeLimit { return (nil, true) }
                        s[i] = row
                        return (nil, false)
                    }
                    if rows[Int(r)].id == id { return (r, false) }
                    i = (i &+ 1) & mask
                    probes &+= 1
                }
            }
            if long {
                self.scattered = true
                rebuild(rows, size: slots.count)
                continue
            }
            if found == nil { count &+= 1 }
            return found
        }
    }

    /// No ids, ordered homes, the same slots (cleared in place).
    mutating func removeAll() {
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
        scattered = false
        count = 0
    }

    /// Makes room for `keys` ids without growing.
    mutating func reserveCapacity(_ keys: Int, _ rows: RowStore) {
        var size = slots.count
        while size &* 3 < keys &* 4 { size &<<= 1 }
        if size != slots.count { rebuild(rows, size: size) }
    }

    /// The same ids in a table of `size` slots (homes as `scattered` says).
    private mutating func rebuild(_ rows: RowStore, size: Int) {
        var fresh = [Int32](repeating: -1, count: size)
        let mask = size &- 1, scattered = self.scattered
        fresh.withUnsafeMutableBufferPointer { s in
            for r in slots where r >= 0 {
                var i = IdTable.home(rows[Int(r)].id, mask, scattered)
                while s[i] >= 0 { i = (i &+ 1) & mask }
                s[i] = r
            }
        }
        slots = fresh
        self.mask = mask
    }
}
