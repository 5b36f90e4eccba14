// The one scan of memory-bounded scoring: rows spilled to bucket files by
// a hash of their account, each file in scan order, while what the plan
// needs is collected (rows per account, the keys of cross-account links,
// the latest row); and the plan of groups of whole buckets.
import GiveTakeCore

final class SpillScan {
    private let writers: [SpillWriter]
    // The hot loop calls the writers through unretained references (the
    // array above keeps them alive): no reference counting per row.
    private let refs: [Unmanaged<SpillWriter>]
    let links: CrossAccountLinks
    private var counts = RowCounts()
    /// Latest created_at of a row the engine can keep, and its account.
    private(set) var latest: Int64?
    private(set) var latestAccount: Int64 = 0
    var paths: [String] { writers.map(\.path) }
    var rowsPerBucket: [Int] { writers.map(\.rows) }

    init(dir: String, buckets: Int, linkPartitions: Int) throws {
        // The buckets' write buffers share 64 MB.
        let buffer = max(16 << 10, min(1 << 20, (64 << 20) / buckets))
        writers = try (0..<buckets).map { try SpillWriter(path: dir + "/bucket-\($0)", bufferSize: buffer) }
        refs = writers.map { Unmanaged.passUnretained($0) }
        links = try CrossAccountLinks(dir: dir, partitions: linkPartitions)
    }

    /// Spills `rows`, the first at position `first` of the scan.
    func add(_ rows: UnsafeBufferPointer<Interaction>, first: Int64) throws {
        let n = refs.count
        for (i, r) in rows.enumerated() {
            try refs[bucketOf(r.accountID, n)]._withUnsafeGuaranteedRef { try $0.append(r, seq: first + Int64(i)) }
            try links.note(id: r.id, account: r.accountID, parent: r.parentID)
            counts.note(r.accountID)
            if r.channel >= 0 && r.channel < Int32(Channel.allCases.count) && r.kind >= 0
                && r.kind < Int32(Kind.allCases.count) && (latest == nil || r.createdAt > latest!) {
                latest = r.createdAt
                latestAccount = r.accountID
            }
        }
    }

    /// Completes the files; the rows per account, by account id.
    func finish() throws -> [(account: Int64, rows: Int)] {
        for w in writers { try w.finish() }
        return counts.perAccount()
    }
}

/// Spill buckets for about `rows` rows and groups of `cap`: about four
/// per group, so whole buckets pack into groups with little slack. Past
/// 256 (tables above about 3 M rows), as many as the open-file limit
/// leaves room for beside `linkPartitions` files (raising its soft limit
/// when it is short, `openFileRoom`), at most
/// `maxSpillBuckets`: fewer would make each bucket, and so each group,
/// larger than `cap` (10^8 rows over 256 buckets: groups of 390,000 rows,
/// past the CPU caches).
func spillBuckets(rows: Int?, cap: Int, linkPartitions: Int = 0) -> Int {
    guard let rows else { return 64 }
    let wanted = min(maxSpillBuckets, max(2, 4 * (rows / max(1, cap) + 1)))
    if wanted <= 256 { return wanted }
    return max(256, openFileRoom(wanted: wanted, alreadyOpen: linkPartitions))
}

/// Enough for groups of 50,000 rows over 2 * 10^8 rows; their write buffers
/// share 64 MB at 16 KB each.
let maxSpillBuckets = 4096

@inline(__always)
func bucketOf(_ account: Int64, _ buckets: Int) -> Int {
    Int((UInt64(bitPattern: account) &* 0x9E37_79B9_7F4A_7C15) >> 33) % buckets
}

/// The group of each bucket (-1 for an empty one) when groups of whole
/// buckets keep linked accounts together within at most `cap` rows, or
/// put one set of linked accounts larger than `cap` in a group of its own
/// (as planGroups does); nil when they cannot.
func planBuckets(_ counts: [(account: Int64, rows: Int)], _ links: [(Int64, Int64)],
                 buckets: Int, cap: Int) -> [Int32]? {
    var accountIndex: [Int64: Int] = [:]
    for (i, c) in counts.enumerated() { accountIndex[c.account] = i }
    var accountSets = DisjointSets(counts.count)
    var bucketSets = DisjointSets(buckets)
    var bucketLinks: [(Int64, Int64)] = []
    for (a, b) in links {
        guard let i = accountIndex[a], let j = accountIndex[b] else { continue }
        accountSets.join(i, j)
        let x = bucketOf(a, buckets), y = bucketOf(b, buckets)
        if bucketSets.join(x, y) { bucketLinks.append((Int64(x), Int64(y))) }
    }
    var rows = [Int](repeating: 0, count: buckets)
    // Per set of buckets: its rows, and one account set in it (or -2: several).
    var setRows: [Int: Int] = [:]
    var setAccounts: [Int: Int] = [:]
    for (i, c) in counts.enumerated() {
        let b = bucketOf(c.account, buckets)
        rows[b] += c.rows
        let s = bucketSets.find(b)
        setRows[s, default: 0] += c.rows
        let a = accountSets.find(i)
        if let seen = setAccounts[s] {
            if seen != a { setAccounts[s] = -2 }
        } else {
            setAccounts[s] = a
        }
    }
    for (s, n) in setRows where n > cap && setAccounts[s] == -2 { return nil }
    let used = (0..<buckets).filter { rows[$0] > 0 }
    let groupOf = planGroups(used.map { (account: Int64($0), rows: rows[$0]) }, bucketLinks, cap: cap)
    return (0..<buckets).map { groupOf[Int64($0)] ?? -1 }
}

/// Rows per account, counted as rows stream by.
struct RowCounts {
    private var counts: [Int64: Int] = [:]
    // Rows of one account often come in runs: count a run, then add it.
    private var runAccount: Int64 = 0
    private var run = 0

    @inline(__always)
    mutating func note(_ account: Int64) {
        if account != runAccount || run == 0 {
            flushRun()
            runAccount = account
        }
        run += 1
    }

    private mutating func flushRun() {
        if run > 0 { counts[runAccount] = (counts[runAccount] ?? 0) + run }
        run = 0
    }

    /// By account id.
    mutating func perAccount() -> [(account: Int64, rows: Int)] {
        flushRun()
        return counts.map { (account: $0.key, rows: $0.value) }.sorted { $0.account < $1.account }
    }
}

