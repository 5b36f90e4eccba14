// An open-addressing map from a key — one Int64 (a contact_id) or two (an
// account and a thread_id) — to an Int32 node, for planning the parts of
// an account: 12 or 20 bytes a slot, at most 3/4 full (a Swift Dictionary
// of the same keys took about three times the memory).

struct NodeTable {
    private var keysA: [Int64]
    private var keysB: [Int64]  // empty for one-key tables
    private var nodes: [Int32]  // -1: empty slot
    private var mask: Int
    private(set) var count = 0
    private let pairs: Bool

    /// `pairs`: keys of two Int64 (else the second is ignored).
    init(pairs: Bool) {
        self.pairs = pairs
        keysA = [Int64](repeating: 0, count: 1024)
        keysB = pairs ? [Int64](repeating: 0, count: 1024) : []
        nodes = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    var bytesHeld: Int { nodes.count * (pairs ? 20 : 12) }

    /// The node of (a, b); `make()` gives the node of a key not seen before.
    mutating func node(_ a: Int64, _ b: Int64, orInsert make: () -> Int32) -> Int32 {
        if (count + 1) * 4 > nodes.count * 3 { grow() }
        var i = home(a, b)
        while nodes[i] >= 0 {
            if keysA[i] == a && (!pairs || keysB[i] == b) { return nodes[i] }
            i = (i + 1) & mask
        }
        let n = make()
        keysA[i] = a
        if pairs { keysB[i] = b }
        nodes[i] = n
        count += 1
        return n
    }

    @inline(__always)
    private func home(_ a: Int64, _ b: Int64) -> Int {
        var h = UInt64(bitPattern: a) &* 0x9E37_79B9_7F4A_7C15
        if pairs { h ^= UInt64(bitPattern: b) &* 0xC2B2_AE3D_27D4_EB4F }
        return Int(truncatingIfNeeded: (h ^ (h >> 29)) & UInt64(mask))
    }

    private mutating func grow() {
        let (oldA, oldB, oldNodes) = (keysA, keysB, nodes)
        let size = nodes.count * 2
        keysA = [Int64](repeating: 0, count: size)
        keysB = pairs ? [Int64](repeating: 0, count: size) : []
        nodes = [Int32](repeating: -1, count: size)
        mask = size - 1
        for j in oldNodes.indices where oldNodes[j] >= 0 {
            let b = pairs ? oldB[j] : 0
            var i = home(oldA[j], b)
            while nodes[i] >= 0 { i = (i + 1) & mask }
            keysA[i] = oldA[j]
            if pairs { keysB[i] = b }
            nodes[i] = oldNodes[j]
        }
    }
}
