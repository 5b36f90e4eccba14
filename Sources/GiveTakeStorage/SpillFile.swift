// Rows spilled to a temporary file and read back in batches, so that a
// table larger than memory can be scored one group of accounts at a time
// after a single scan of the database.
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

/// Record: id, account, contact, parent, created_at, value, thread,
/// agent (8 bytes each), channel, kind (4 each), flags (1), author length,
/// body length (4 each, -1 = NULL), the row's position in the scan (8),
/// then the author and body bytes.
private let fixedSize = 8 * 8 + 2 * 4 + 1 + 2 * 4 + 8

final class SpillWriter {
    private let out: FileWriter
    private(set) var rows = 0
    var path: String { out.path }

    init(path: String, bufferSize: Int = 1 << 20) throws {
        out = try FileWriter(path: path, bufferSize: bufferSize)
    }

    /// Appends `r`, the row at position `seq` of the scan.
    @inline(__always)
    func append(_ r: Interaction, seq: Int64) throws {
        let authorLen = r.authorName.map { $0.count } ?? -1
        let bodyLen = r.body.map { $0.count } ?? -1
        let size = fixedSize + max(0, authorLen) + max(0, bodyLen)
        let p = try out.reserve(size)
        @inline(__always) func put<T: FixedWidthInteger>(_ v: T, _ at: Int) {
            p.storeBytes(of: v.littleEndian, toByteOffset: at, as: T.self)
        }
        put(r.id, 0); put(r.accountID, 8); put(r.contactID ?? 0, 16); put(r.parentID ?? 0, 24)
        put(r.createdAt, 32); put(r.value.bitPattern, 40); put(r.threadID ?? 0, 48); put(r.agentID ?? 0, 56)
        put(r.channel, 64); put(r.kind, 68)
        var flags: UInt8 = 0
        if r.inbound { flags |= 1 }
        if r.automated { flags |= 2 }
        if r.hasMedia { flags |= 4 }
        if r.contactID != nil { flags |= 8 }
        if r.parentID != nil { flags |= 16 }
        if r.threadID != nil { flags |= 32 }
        if r.agentID != nil { flags |= 64 }
        put(flags, 72)
        put(Int32(truncatingIfNeeded: authorLen), 73)
        put(Int32(truncatingIfNeeded: bodyLen), 77)
        put(seq, 81)
        if let a = r.authorName, a.count > 0 { (p + fixedSize).copyMemory(from: a.baseAddress!, byteCount: a.count) }
        if let b = r.body, b.count > 0 {
            (p + fixedSize + max(0, authorLen)).copyMemory(from: b.baseAddress!, byteCount: b.count)
        }
        out.commit(size)
        rows += 1
    }

    /// Appends one record as read back by `spillRecords`.
    @inline(__always)
    func append(record: UnsafeRawBufferPointer) throws {
        try out.write(record.baseAddress!, count: record.count)
        rows += 1
    }

    func finish() throws { try out.finish() }
}

/// The account of a spilled record.
@inline(__always)
func spilledAccount(_ record: UnsafeRawBufferPointer) -> Int64 {
    Int64(littleEndian: record.loadUnaligned(fromByteOffset: 8, as: Int64.self))
}

/// The scan position of a spilled record.
@inline(__always)
func spilledSeq(_ record: UnsafeRawBufferPointer) -> Int64 {
    Int64(littleEndian: record.loadUnaligned(fromByteOffset: 81, as: Int64.self))
}

/// The records of a spill file, undecoded, in the order written.
func spillRecords(_ path: String, chunkSize: Int = 4 << 20) throws -> RecordReader {
    try RecordReader(path: path, chunkSize: chunkSize) { p in
        guard p.count >= fixedSize else { return nil }
        let authorLen = Int(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 73, as: Int32.self)))
        let bodyLen = Int(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 77, as: Int32.self)))
        return fixedSize + max(0, authorLen) + max(0, bodyLen)
    }
}

/// The records of several spill files, each written in scan order, merged
/// back into scan order.
final class MergedSpill {
    private let readers: [RecordReader]
    private let refs: [Unmanaged<RecordReader>]  // unretained, for the per-record call
    private var heads: [UnsafeRawBufferPointer?]
    private var taken = -1  // the reader whose head was returned last

    /// `paths` share `memory` bytes of read buffers.
    init(_ paths: [String], memory: Int = 16 << 20) throws {
        let chunk = max(64 << 10, min(4 << 20, memory / max(1, paths.count)))
        readers = try paths.map { try spillRecords($0, chunkSize: chunk) }
        refs = readers.map { Unmanaged.passUnretained($0) }
        heads = try readers.map { try $0.next() }
    }

    /// The record earliest in the scan (valid until the next call), or nil.
    @inline(__always)
    func next() throws -> UnsafeRawBufferPointer? {
        if taken >= 0 { heads[taken] = try refs[taken]._withUnsafeGuaranteedRef { try $0.next() } }
        taken = -1
        var least = Int64.max
        for i in heads.indices {
            if let h = heads[i] {
                let s = spilledSeq(h)
                if taken < 0 || s < least {
                    taken = i
                    least = s
                }
            }
        }
        return taken < 0 ? nil : heads[taken]
    }
}

/// Streams spill files back in batches, in scan order.
func readSpill(_ paths: [String], batchSize: Int, _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) throws {
    let batch = InteractionBatch(capacity: batchSize)
    let records = try MergedSpill(paths)
    @inline(__always) func load<T: FixedWidthInteger>(_ p: UnsafeRawPointer, _ at: Int, _: T.Type) -> T {
        T(littleEndian: p.loadUnaligned(fromByteOffset: at, as: T.self))
    }
    while let record = try records.next() {
        let p = record.baseAddress!
        let authorLen = Int(load(p, 73, Int32.self))
        let bodyLen = Int(load(p, 77, Int32.self))
        let flags = p.load(fromByteOffset: 72, as: UInt8.self)
        let row = Interaction(
            id: load(p, 0, Int64.self), accountID: load(p, 8, Int64.self),
            contactID: flags & 8 != 0 ? load(p, 16, Int64.self) : nil,
            parentID: flags & 16 != 0 ? load(p, 24, Int64.self) : nil,
            channel: load(p, 64, Int32.self), kind: load(p, 68, Int32.self),
            inbound: flags & 1 != 0, automated: flags & 2 != 0, hasMedia: flags & 4 != 0,
            createdAt: load(p, 32, Int64.self),
            value: Double(bitPattern: load(p, 40, UInt64.self)),
            threadID: flags & 32 != 0 ? load(p, 48, Int64.self) : nil,
            agentID: flags & 64 != 0 ? load(p, 56, Int64.self) : nil)
        let base = (p + fixedSize).assumingMemoryBound(to: UInt8.self)
        let author = authorLen < 0 ? nil : UnsafeBufferPointer(start: base, count: authorLen)
        let text = bodyLen < 0 ? nil : UnsafeBufferPointer(start: base + max(0, authorLen), count: bodyLen)
        batch.append(row, author: author, body: text)
        if batch.isFull {
            try batch.withRows(body)
            batch.removeAll()
        }
    }
    if !batch.isEmpty { try batch.withRows(body) }
}
