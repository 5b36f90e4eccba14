// Append-only byte storage with interning, for first names and the bodies
// of rows that may be a first acknowledgement (needed for "personal").
// Entries never move once written.

struct ByteArena {
    /// Bytes in chunks that never move: growing allocates the next chunk
    /// (doubling from 4 KB up to 1 MB; an entry larger than that gets a
    /// chunk of its own) instead of copying everything into a bigger array.
    private var storage = ArenaChunks()
    /// Per entry: its address, and its length.
    private var starts: [UnsafeMutablePointer<UInt8>] = []
    private var lengths: [Int32] = []

    var count: Int { starts.count }

    /// Bytes held, reserved capacity included.
    var bytesHeld: Int { storage.held &+ starts.capacity &* 8 &+ lengths.capacity &* 4 }

    /// Appends a copy and returns its reference.
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        let p = room(b.count)
        if let base = b.baseAddress { p.update(from: base, count: b.count) }
        return Int32(starts.count &- 1)
    }

    /// Appends an ASCII-lower-cased copy.
    mutating func appendFolded(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        let p = room(b.count)
        for i in 0..<b.count { p[i] = foldByte(b[i]) }
        return Int32(starts.count &- 1)
    }

    /// Records a new entry of `n` bytes and returns where to write them.
    private mutating func room(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(&starts) }
        let p = storage.reserve(n)
        starts.append(p)
        lengths.append(Int32(n))
        return p
    }

    /// No entries; the chunks stay for the next ones unless a copy of the
    /// arena still reads them.
    mutating func removeAll() {
        if isKnownUniquelyReferenced(&storage) { storage.rewind() } else { storage = ArenaChunks() }
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    func withEntry<R>(_ ref: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: starts[Int(ref)], count: Int(lengths[Int(ref)])))
    }
}

/// The memory of a ByteArena: chunks it fills in turn.
final class ArenaChunks {
    private var chunks: [(base: UnsafeMutablePointer<UInt8>, size: Int)] = []
    private var current = 0  // the chunk being filled
    private var used = 0  // in that chunk
    private(set) var held = 0

    init() {}

    /// `n` bytes in the current chunk, the next kept one, or a new one.
    func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        while current < chunks.count {
            let c = chunks[current]
            if c.size &- used >= n {
                defer { used &+= n }
                return c.base + used
            }
            if current == chunks.count &- 1 { break }
            current &+= 1
            used = 0
        }
        var size = min(1 << 20, max(4096, (chunks.last?.size ?? 2048) &* 2))
        if n > size { size = n }
        let base = UnsafeMutablePointer<UInt8>.allocate(capacity: max(size, 1))
        chunks.append((base, size))
        current = chunks.count &- 1
        held &+= size
        used = n
        return base
    }

    /// Forgets every entry; the chunks are filled again from the first.
    func rewind() {
        current = 0
        used = 0
    }

    /// A copy holding the same entries; `starts` is rebased onto it.
    func copy(_ starts: inout [UnsafeMutablePointer<UInt8>]) -> ArenaChunks {
        let c = ArenaChunks()
        var moved: [(old: UnsafeMutablePointer<UInt8>, new: UnsafeMutablePointer<UInt8>, size: Int)] = []
        for k in 0..<chunks.count {
            let (base, size) = chunks[k]
            let q = UnsafeMutablePointer<UInt8>.allocate(capacity: max(size, 1))
            q.update(from: base, count: k < current ? size : k == current ? used : 0)
            c.chunks.append((q, size))
            moved.append((base, q, size))
        }
        c.current = current
        c.used = used
        c.held = held
        for i in 0..<starts.count {
            for m in moved where starts[i] >= m.old && starts[i] <= m.old + m.size {
                starts[i] = m.new + (starts[i] - m.old)
                break
            }
        }
        return c
    }

    deinit {
        for c in chunks { c.base.deallocate() }
    }
}

/// Interns ASCII-lower-cased byte strings (first names) to dense ids.
struct Interner {
    private(set) var arena = ByteArena()
    private var table = KeyTable<Int64>()
    private var chains: [Int32] = []  // next id with the same hash, -1 = end

    var bytesHeld: Int { arena.bytesHeld &+ table.bytesHeld &+ chains.capacity &* 4 }

    /// No names; the memory stays for the next ones.
    mutating func removeAll() {
        arena.removeAll()
        table.removeAll()
        chains.removeAll(keepingCapacity: true)
    }

    mutating func intern(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = foldedHash(b)
        if let head = table.find(h) {
            var id = head
            while id >= 0 {
                if arena.withEntry(id, { $0.count == b.count && equalFolded($0, 0, b, 0, b.count) }) { return id }
                id = chains[Int(id)]
            }
            let new = arena.appendFolded(b)
            chains.append(head)
            table.update(h, value: new)
            return new
        }
        let new = arena.appendFolded(b)
        chains.append(-1)
        _ = table.findOrInsert(h, value: new)
        return new
    }
}

/// FNV-1a over ASCII-lower-cased bytes.
func foldedHash(_ b: UnsafeBufferPointer<UInt8>) -> Int64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for x in b { h = (h ^ UInt64(foldByte(x))) &* 0x0000_0100_0000_01B3 }
    return Int64(bitPattern: h)
}

/// A fast 64-bit hash of raw bytes, eight bytes per step (for ordering
/// duplicate rows only; not a cryptographic or stable on-disk hash).
func byteHash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
    guard let base = b.baseAddress else { return h }
    let n = b.count
    var i = 0
    while i &+ 8 <= n {
        let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        i &+= 8
    }
    // The last n - i bytes, the first in the low byte, zero-extended: one
    // load of the last eight bytes when there are eight.
    var tail: UInt64 = 0
    if i < n && n >= 8 {
        tail = UnsafeRawPointer(base + (n &- 8)).loadUnaligned(as: UInt64.self) &>> UInt64(8 &* (8 &- (n &- i)))
    } else {
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(base[i]) << shift; shift &+= 8; i &+= 1 }
    }
    h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    return h ^ (h >> 29)
}
