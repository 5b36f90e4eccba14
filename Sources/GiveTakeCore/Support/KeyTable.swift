// Open-addressing hash table from a pair of Int64 keys to an Int32 index.
// Used for id -> row, (account, contact) -> contact slot and the like:
// no per-lookup allocation, no SipHash, linear probing on a power-of-two
// table kept at most half full, key and value in one slot so a probe
// touches one cache line.

struct KeyTable {
    private struct Slot {
        var a: Int64
        var b: Int64
        var value: Int32  // -1 = empty
    }

    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity &* 2 { size &<<= 1 }
        slots = [Slot](repeating: Slot(a: 0, b: 0, value: -1), count: size)
        mask = size &- 1
    }

    /// Home slot. CRM ids are mostly dense and ascending, so the low bits are
    /// kept in order (neighbouring ids land in neighbouring slots: one cache
    /// line serves several rows) while higher bits are folded in to spread
    /// strided or time-based ids.
    @inline(__always)
    private func home(_ a: Int64, _ b: Int64) -> Int {
        let x = UInt64(bitPattern: a) &+ (UInt64(bitPattern: b) &* 0x9E37_79B9_7F4A_7C15)
        let h = x ^ (x >> 13) ^ (x >> 29) ^ (x >> 47)
        return Int(truncatingIfNeeded: h) & mask
    }

    func find(_ a: Int64, _ b: Int64 = 0) -> Int32? {
        slots.withUnsafeBufferPointer { s in
            var i = home(a, b)
            while true {
                let slot = s[i]
                if slot.value < 0 { return nil }
                if slot.a == a && slot.b == b { return slot.value }
                i = (i &+ 1) & mask
            }
        }
    }

    /// Returns the existing value, or inserts `value` and returns nil.
    mutating func findOrInsert(_ a: Int64, _ b: Int64 = 0, value: Int32) -> Int32? {
        if (count &+ 1) &* 2 > slots.count { grow() }
        let start = home(a, b), mask = self.mask
        let found: Int32? = slots.withUnsafeMutableBufferPointer { s in
            var i = start
            while true {
                let slot = s[i]
                if slot.value < 0 {
                    s[i] = Slot(a: a, b: b, value: value)
                    return nil
                }
                if slot.a == a && slot.b == b { return slot.value }
                i = (i &+ 1) & mask
            }
        }
        if found == nil { count &+= 1 }
        return found
    }

    /// Replaces the value of an existing key.
    mutating func update(_ a: Int64, _ b: Int64 = 0, value: Int32) {
        let start = home(a, b), mask = self.mask
        slots.withUnsafeMutableBufferPointer { s in
            var i = start
            while s[i].value >= 0 {
                if s[i].a == a && s[i].b == b { s[i].value = value; return }
                i = (i &+ 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = slots
        let size = slots.count &* 2
        slots = [Slot](repeating: Slot(a: 0, b: 0, value: -1), count: size)
        mask = size &- 1
        for slot in old where slot.value >= 0 {
            var i = home(slot.a, slot.b)
            while slots[i].value >= 0 { i = (i &+ 1) & mask }
            slots[i] = slot
        }
    }
}
