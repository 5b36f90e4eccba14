// Open-addressing hash table from a key (an Int64, or a pair of them) to an
// Int32 index. Used for id -> row, (account, contact) -> contact slot and
// the like: no per-lookup allocation, no SipHash, linear probing on a
// power-of-two table at most 3/4 full, key and value in one slot so a probe
// touches one cache line (16 bytes per slot for Int64 keys).

protocol TableKey: Equatable {
    /// 64 bits that identify the key; `KeyTable` spreads them.
    var bits: UInt64 { get }
}

extension Int64: TableKey {
    @inline(__always) var bits: UInt64 { UInt64(bitPattern: self) }
}

struct PairKey: TableKey {
    var a: Int64
    var b: Int64
    @inline(__always) var bits: UInt64 {
        UInt64(bitPattern: a) &+ (UInt64(bitPattern: b) &* 0x9E37_79B9_7F4A_7C15)
    }
}

struct KeyTable<Key: TableKey> {
    private struct Slot {
        var key: Key
        var value: Int32
    }

    private var slots: [Slot?]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size &* 3 < capacity &* 4 { size &<<= 1 }
        slots = [Slot?](repeating: nil, count: size)
        mask = size &- 1
    }

    /// Home slot. CRM ids are mostly dense and ascending, so the low bits are
    /// kept in order (neighbouring ids land in neighbouring slots: one cache
    /// line serves several rows) while higher bits are folded in to spread
    /// strided or time-based ids.
    @inline(__always)
    private func home(_ key: Key) -> Int {
        let x = key.bits
        let h = x ^ (x >> 13) ^ (x >> 29) ^ (x >> 47)
        return Int(truncatingIfNeeded: h) & mask
    }

    func find(_ key: Key) -> Int32? {
        slots.withUnsafeBufferPointer { s in
            var i = home(key)
            while let slot = s[i] {
                if slot.key == key { return slot.value }
                i = (i &+ 1) & mask
            }
            return nil
        }
    }

    /// Returns the existing value, or inserts `value` and returns nil.
    mutating func findOrInsert(_ key: Key, value: Int32) -> Int32? {
        // A key that is in is found by reading alone: no check for a shared
        // array, no write back.
        if let found = find(key) { return found }
        if (count &+ 1) &* 4 > slots.count &* 3 { grow() }
        let start = home(key), mask = self.mask
        let found: Int32? = slots.withUnsafeMutableBufferPointer { s in
            var i = start
            while let slot = s[i] {
                if slot.key == key { return slot.value }
                i = (i &+ 1) & mask
            }
            s[i] = Slot(key: key, value: value)
            return nil
        }
        if found == nil { count &+= 1 }
        return found
    }

    /// Bytes the slots take now.
    var bytesHeld: Int { slots.count &* MemoryLayout<Slot?>.stride }

    /// Bytes the slots would take once `keys` keys are in (growth doubles).
    func bytesHeld(keys: Int) -> Int {
        var size = slots.count
        while size &* 3 < keys &* 4 { size &<<= 1 }
        return size &* MemoryLayout<Slot?>.stride
    }

    /// No keys, the same slots (cleared in place).
    mutating func removeAll() {
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: nil) }
        count = 0
    }

    /// Makes room for `capacity` keys without growing.
    mutating func reserveCapacity(_ capacity: Int) {
        while slots.count &* 3 < capacity &* 4 { grow() }
    }

    /// Replaces the value of an existing key.
    mutating func update(_ key: Key, value: Int32) {
        let start = home(key), mask = self.mask
        slots.withUnsafeMutableBufferPointer { s in
            var i = start
            while let slot = s[i] {
                if slot.key == key { s[i]!.value = value; return }
                i = (i &+ 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = slots
        let size = slots.count &* 2
        slots = [Slot?](repeating: nil, count: size)
        mask = size &- 1
        for case let slot? in old {
            var i = home(slot.key)
            while slots[i] != nil { i = (i &+ 1) & mask }
            slots[i] = slot
        }
    }
}
