// Open-addressing hash table from a pair of Int64 keys to an Int32 index.
// Used for id -> row, (account, contact) -> contact slot and the like:
// no per-lookup allocation, no SipHash, linear probing on a power-of-two
// table kept at most half full.

struct KeyTable {
    private var keysA: [Int64]
    private var keysB: [Int64]
    private var values: [Int32]  // -1 = empty slot
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity &* 2 { size &<<= 1 }
        keysA = [Int64](repeating: 0, count: size)
        keysB = [Int64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size &- 1
    }

    @inline(__always)
    private func slot(_ a: Int64, _ b: Int64) -> Int {
        var h = UInt64(bitPattern: a) &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(bitPattern: b) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= h >> 29
        return Int(truncatingIfNeeded: h) & mask
    }

    func find(_ a: Int64, _ b: Int64 = 0) -> Int32? {
        var s = slot(a, b)
        while true {
            let v = values[s]
            if v < 0 { return nil }
            if keysA[s] == a && keysB[s] == b { return v }
            s = (s &+ 1) & mask
        }
    }

    /// Returns the existing value, or inserts `value` and returns nil.
    mutating func findOrInsert(_ a: Int64, _ b: Int64 = 0, value: Int32) -> Int32? {
        if (count &+ 1) &* 2 > values.count { grow() }
        var s = slot(a, b)
        while true {
            let v = values[s]
            if v < 0 {
                keysA[s] = a; keysB[s] = b; values[s] = value
                count &+= 1
                return nil
            }
            if keysA[s] == a && keysB[s] == b { return v }
            s = (s &+ 1) & mask
        }
    }

    /// Replaces the value of an existing key.
    mutating func update(_ a: Int64, _ b: Int64 = 0, value: Int32) {
        var s = slot(a, b)
        while values[s] >= 0 {
            if keysA[s] == a && keysB[s] == b { values[s] = value; return }
            s = (s &+ 1) & mask
        }
    }

    private mutating func grow() {
        let oldA = keysA, oldB = keysB, oldV = values
        let size = values.count &* 2
        keysA = [Int64](repeating: 0, count: size)
        keysB = [Int64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size &- 1
        for i in 0..<oldV.count where oldV[i] >= 0 {
            var s = slot(oldA[i], oldB[i])
            while values[s] >= 0 { s = (s &+ 1) & mask }
            keysA[s] = oldA[i]; keysB[s] = oldB[i]; values[s] = oldV[i]
        }
    }
}
