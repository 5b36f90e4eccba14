// Shared helpers: synthetic rows as plain values, temp files, and the
// in-process reference result every adapter must reproduce.
import GiveTakeCore
@testable import GiveTakeStorage
#if canImport(Glibc)
import Glibc
#endif

/// An Interaction with owned texts, for comparing what went in and out.
struct PlainRow: Equatable {
    var id, account: Int64
    var contact, parent: Int64?
    var channel, kind: Int32
    var inbound, automated, media: Bool
    var createdAt: Int64
    var author, body: [UInt8]?
    var value: Double
    var thread, agent: Int64?

    init(_ r: Interaction) {
        thread = r.threadID; agent = r.agentID
        id = r.id; account = r.accountID; contact = r.contactID; parent = r.parentID
        channel = r.channel; kind = r.kind; inbound = r.inbound; automated = r.automated; media = r.hasMedia
        createdAt = r.createdAt; author = r.authorName.map(Array.init); body = r.body.map(Array.init); value = r.value
    }
}

func syntheticRows(_ n: Int, seed: UInt64 = 42) -> [PlainRow] {
    var out: [PlainRow] = []
    SyntheticData(rows: n, seed: seed).generate(batchSize: 1000) { batch in out += batch.map(PlainRow.init) }
    return out
}

/// Scores the generator's rows directly with the engine.
func inProcess(_ n: Int, seed: UInt64 = 42, config: ScoringConfig = ScoringConfig()) throws -> ScoringResult {
    let scorer = Scorer()
    try scorer.configure(config)
    try SyntheticData(rows: n, seed: seed).generate { try scorer.add($0) }
    return try scorer.finish()
}

/// Fills a store's interactions table with the generator's rows.
func load(_ store: InteractionStore, rows n: Int, seed: UInt64 = 42, table: String = "interactions") throws {
    try store.inTransaction {
        try store.createInteractionsTable(table, replace: true)
        try SyntheticData(rows: n, seed: seed).generate { try store.insert(table, $0) }
    }
}

func readAll(_ store: InteractionStore, _ request: ScanRequest, batchSize: Int = 777) throws -> [PlainRow] {
    var out: [PlainRow] = []
    try store.scan(request, batchSize: batchSize) { out += $0.map(PlainRow.init) }
    return out
}

final class TempDir {
    let path: String
    init() {
        var template = Array("/tmp/givetake-storage-test.XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    deinit { _ = system("rm -rf '\(path)'") }
    func file(_ name: String) -> String { path + "/" + name }
}

func sql(_ path: String, _ statement: String) throws {
    let store = try SQLiteStore(path: path)
    try store.conn.exec(statement)
}

func time(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBufferPointer { Timestamp.parse($0) } }
