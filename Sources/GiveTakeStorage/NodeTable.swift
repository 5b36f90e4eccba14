// An open-addressing map from an Int64 key (a contact_id, or an
// (account, thread_id) pair as one key: `threadKey`) to an Int32 node, for
// planning the parts of an account: 12 bytes a slot, at most 3/4 full (a
// Swift Dictionary of the same keys took about three times the memory).

struct NodeTable {
    private var keys: [Int64]
    private var nodes: [Int32]  // -1: empty slot
    private var mask: Int
    private(set) var count = 0

    init() {
        keys = [Int64](repeating: 0, count: 1024)
        nodes = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    var bytesHeld: Int { nodes.count * 12 }

    /// The node of `key`; `make()` gives the node of a key not seen before.
    mutating func node(_ key: Int64, orInsert make: () -> Int32) -> Int32 {
        if (count + 1) * 4 > nodes.count * 3 { grow() }
        var i = home(key)
        while nodes[i] >= 0 {
            if keys[i] == key { return nodes[i] }
            i = (i + 1) & mask
        }
        let n = make()
        keys[i] = key
        nodes[i] = n
        count += 1
        return n
    }

    /// One key for (account, thread_id): the thread_id with the bits of
    /// its account's hash flipped, so the threads of one account never
    /// share a key. Threads of two accounts may (about one pair in 2^64),
    /// which only keeps them in one part and changes no score.
    static func threadKey(account: Int64, thread: Int64) -> Int64 {
        Int64(bitPattern: mix(UInt64(bitPattern: account)) ^ UInt64(bitPattern: thread))
    }

    /// MurmurHash3's 64-bit finalizer.
    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }

    @inline(__always)
    private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: NodeTable.mix(UInt64(bitPattern: key)) & UInt64(mask))
    }

    private mutating func grow() {
        let (oldKeys, oldNodes) = (keys, nodes)
        let size = nodes.count * 2
        keys = [Int64](repeating: 0, count: size)
        nodes = [Int32](repeating: -1, count: size)
        mask = size - 1
        for j in oldNodes.indices where oldNodes[j] >= 0 {
            var i = home(oldKeys[j])
            while nodes[i] >= 0 { i = (i + 1) & mask }
            keys[i] = oldKeys[j]
            nodes[i] = oldNodes[j]
        }
    }
}
