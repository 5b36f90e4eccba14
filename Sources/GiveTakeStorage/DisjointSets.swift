// Union-find for grouping accounts linked by references (the plan of
// memory-bounded scoring, the split of a group that outgrows its scorer)
// and the units of an account scored in parts (4 bytes an element).

/// Union-find over 0..<n, n < 2^31.
struct DisjointSets {
    private var parent: [Int32]

    init(_ n: Int) { parent = (0..<Int32(n)).map { $0 } }

    var count: Int { parent.count }

    /// Bytes it holds.
    var bytesHeld: Int { parent.capacity * 4 }

    /// A new set of one element; its index.
    mutating func add() -> Int {
        parent.append(Int32(parent.count))
        return parent.count - 1
    }

    mutating func find(_ x: Int) -> Int {
        var x = Int32(x)
        while parent[Int(x)] != x {
            let up = parent[Int(parent[Int(x)])]
            parent[Int(x)] = up
            x = up
        }
        return Int(x)
    }

    /// Joins the sets of `a` and `b`; false when they were one already.
    @discardableResult
    mutating func join(_ a: Int, _ b: Int) -> Bool {
        let ra = find(a), rb = find(b)
        if ra == rb { return false }
        parent[max(ra, rb)] = Int32(min(ra, rb))
        return true
    }
}
