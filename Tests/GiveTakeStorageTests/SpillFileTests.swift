import Testing
import GiveTakeCore
@testable import GiveTakeStorage
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SpillFileTests {
    /// A row's fields, texts copied, for comparing.
    struct Row: Equatable {
        var id, account: Int64
        var contact, parent, thread, agent: Int64?
        var channel, kind: Int32
        var inbound, automated, media: Bool
        var created: Int64
        var value: UInt64  // bit pattern: -0.0 and NaN payloads must survive
        var author, body: [UInt8]?

        init(_ r: Interaction) {
            (id, account, contact, parent, thread, agent) = (r.id, r.accountID, r.contactID, r.parentID, r.threadID, r.agentID)
            (channel, kind, inbound, automated, media) = (r.channel, r.kind, r.inbound, r.automated, r.hasMedia)
            (created, value) = (r.createdAt, r.value.bitPattern)
            author = r.authorName.map(Array.init)
            body = r.body.map(Array.init)
        }
    }

    @Test func recordsRoundTripAndMergeBackIntoScanOrder() throws {
        let dir = TempDir()
        let big = [UInt8](repeating: 0x61, count: 5 << 20)  // larger than a read chunk
        let name: [UInt8] = Array("Zoë".utf8), empty: [UInt8] = []
        var sent: [Row] = []
        let writers = try [SpillWriter(path: dir.file("a")), SpillWriter(path: dir.file("b"))]
        for i in 0..<3000 {
            let author: [UInt8]? = i % 4 == 0 ? nil : i % 4 == 1 ? empty : name
            let body: [UInt8]? = i == 1234 ? big : i % 3 == 0 ? nil : i % 3 == 1 ? empty : Array("text \(i)".utf8)
            let values: [Double] = [0, -0.0, 1.5, .nan, -3e300]
            try (author ?? []).withUnsafeBufferPointer { a in
                try (body ?? []).withUnsafeBufferPointer { b in
                    let r = Interaction(
                        id: i % 7 == 0 ? -Int64(i) : Int64(i) << 40, accountID: Int64(i % 5) - 2,
                        contactID: i % 2 == 0 ? Int64(i) * 3 : nil, parentID: i % 5 == 0 ? Int64.min : nil,
                        channel: [0, 5, 255, 256, -1, Int32.max][i % 6], kind: [1, 300, -7][i % 3],
                        inbound: i % 2 == 1, automated: i % 3 == 2, hasMedia: i % 5 == 4,
                        createdAt: Int64(i) * 1_000_003 - 5, authorName: author == nil ? nil : a,
                        body: body == nil ? nil : b, value: values[i % values.count],
                        threadID: i % 4 == 3 ? Int64.max : nil, agentID: i % 6 == 1 ? 42 : nil)
                    sent.append(Row(r))
                    // Scattered over two files, each in scan order.
                    try writers[(i / 7) % 2].append(r, seq: Int64(i))
                }
            }
        }
        for w in writers { try w.finish() }
        var back: [Row] = []
        try readSpill([dir.file("a"), dir.file("b")], batchSize: 100) { rows in
            for r in rows { back.append(Row(r)) }
        }
        #expect(back.count == sent.count)
        #expect(back == sent)
    }

    @Test func aTruncatedSpillFileIsAnError() throws {
        let dir = TempDir()
        let w = try SpillWriter(path: dir.file("t"))
        try Array("body".utf8).withUnsafeBufferPointer { b in
            try w.append(Interaction(id: 1, accountID: 1, channel: 0, kind: 0, inbound: true, createdAt: 0, body: b), seq: 0)
        }
        try w.finish()
        #expect(truncate(dir.file("t"), 20) == 0)
        #expect(throws: StorageError.self) { try readSpill([dir.file("t")], batchSize: 10) { _ in } }
    }
}
