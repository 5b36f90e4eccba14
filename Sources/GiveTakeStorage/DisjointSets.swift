// Union-find for grouping accounts linked by references (the plan of
// memory-bounded scoring, the split of a group that outgrows its scorer).

/// Union-find over 0..<n.
struct DisjointSets {
    private var parent: [Int]

    init(_ n: Int) { parent = Array(0..<n) }

    /// A new set of one element; its index.
    mutating func add() -> Int {
        parent.append(parent.count)
        return parent.count - 1
    }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
        return x
    }

    /// Joins the sets of `a` and `b`; false when they were one already.
    @discardableResult
    mutating func join(_ a: Int, _ b: Int) -> Bool {
        let ra = find(a), rb = find(b)
        if ra == rb { return false }
        parent[max(ra, rb)] = min(ra, rb)
        return true
    }
}
