// Append-only byte storage with interning, for first names and the bodies
// of rows that may be a first acknowledgement (needed for "personal").

struct ByteArena {
    private(set) var bytes: [UInt8] = []
    private var starts: [Int] = []
    private var lengths: [Int32] = []

    var count: Int { starts.count }

    /// Bytes held, reserved capacity included.
    var bytesHeld: Int { bytes.capacity &+ starts.capacity &* 8 &+ lengths.capacity &* 4 }

    /// Appends a copy and returns its reference.
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        starts.append(bytes.count)
        lengths.append(Int32(b.count))
        bytes.append(contentsOf: b)
        return Int32(starts.count &- 1)
    }

    /// Appends an ASCII-lower-cased copy.
    mutating func appendFolded(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        starts.append(bytes.count)
        lengths.append(Int32(b.count))
        for x in b { bytes.append(foldByte(x)) }
        return Int32(starts.count &- 1)
    }

    @inline(__always)
    func withEntry<R>(_ ref: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = starts[Int(ref)], n = Int(lengths[Int(ref)])
        return bytes.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[start..<(start &+ n)]))
        }
    }
}

/// Interns ASCII-lower-cased byte strings (first names) to dense ids.
struct Interner {
    private(set) var arena = ByteArena()
    private var table = KeyTable<Int64>()
    private var chains: [Int32] = []  // next id with the same hash, -1 = end

    var bytesHeld: Int { arena.bytesHeld &+ table.bytesHeld &+ chains.capacity &* 4 }

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
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < n { tail |= UInt64(base[i]) << shift; shift &+= 8; i &+= 1 }
    h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    return h ^ (h >> 29)
}
