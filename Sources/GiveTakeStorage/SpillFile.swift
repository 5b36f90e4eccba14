// Rows spilled to a temporary file and read back in batches, so that a
// table larger than memory can be scored one group of accounts at a time
// after a single scan of the database.
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

/// Record, packed (fields little-endian): flags (1: inbound, automated,
/// has_media, then which of contact, parent, thread, agent and a non-zero
/// value follow), layout (1: channel and kind as 4 bytes rather than 1,
/// author and body present), the row's position in the scan, id, account,
/// created_at (8 each), value, contact, parent, thread, agent (8 each,
/// when present), channel, kind (1 or 4 each), author and body lengths
/// (4 each, when present), then the author and body bytes. The fixed part
/// averages about 60 bytes, not 89 with every field in place.
private enum Flag {
    static let inbound: UInt8 = 1, automated: UInt8 = 2, hasMedia: UInt8 = 4, contact: UInt8 = 8
    static let parent: UInt8 = 16, thread: UInt8 = 32, agent: UInt8 = 64, value: UInt8 = 128
    static let optional: UInt8 = 0b1111_1000
}

private enum Layout {
    static let wideChannel: UInt8 = 1, wideKind: UInt8 = 2, author: UInt8 = 4, body: UInt8 = 8
}

/// Offsets of the fields every record has.
private let seqAt = 2, idAt = 10, accountAt = 18, createdAt = 26, optionalAt = 34

/// Bytes before the texts, from the first two bytes.
@inline(__always)
private func headerSize(_ flags: UInt8, _ layout: UInt8) -> Int {
    optionalAt + 8 * (flags & Flag.optional).nonzeroBitCount
        + (layout & Layout.wideChannel != 0 ? 4 : 1) + (layout & Layout.wideKind != 0 ? 4 : 1)
        + (layout & Layout.author != 0 ? 4 : 0) + (layout & Layout.body != 0 ? 4 : 0)
}

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
        var flags: UInt8 = 0, layout: UInt8 = 0
        if r.inbound { flags |= Flag.inbound }
        if r.automated { flags |= Flag.automated }
        if r.hasMedia { flags |= Flag.hasMedia }
        if r.contactID != nil { flags |= Flag.contact }
        if r.parentID != nil { flags |= Flag.parent }
        if r.threadID != nil { flags |= Flag.thread }
        if r.agentID != nil { flags |= Flag.agent }
        if r.value.bitPattern != 0 { flags |= Flag.value }
        let wideChannel = !(r.channel >= 0 && r.channel < 256), wideKind = !(r.kind >= 0 && r.kind < 256)
        if wideChannel { layout |= Layout.wideChannel }
        if wideKind { layout |= Layout.wideKind }
        if r.authorName != nil { layout |= Layout.author }
        if r.body != nil { layout |= Layout.body }
        let authorLen = r.authorName?.count ?? 0, bodyLen = r.body?.count ?? 0
        let header = headerSize(flags, layout)
        let size = header + authorLen + bodyLen
        let p = try out.reserve(size)
        p.storeBytes(of: flags, as: UInt8.self)
        p.storeBytes(of: layout, toByteOffset: 1, as: UInt8.self)
        var o = seqAt
        @inline(__always) func put<T: FixedWidthInteger>(_ v: T) {
            p.storeBytes(of: v.littleEndian, toByteOffset: o, as: T.self)
            o += MemoryLayout<T>.size
        }
        put(seq); put(r.id); put(r.accountID); put(r.createdAt)
        if flags & Flag.value != 0 { put(r.value.bitPattern) }
        if let v = r.contactID { put(v) }
        if let v = r.parentID { put(v) }
        if let v = r.threadID { put(v) }
        if let v = r.agentID { put(v) }
        if wideChannel { put(r.channel) } else { put(UInt8(truncatingIfNeeded: r.channel)) }
        if wideKind { put(r.kind) } else { put(UInt8(truncatingIfNeeded: r.kind)) }
        if r.authorName != nil { put(UInt32(truncatingIfNeeded: authorLen)) }
        if r.body != nil { put(UInt32(truncatingIfNeeded: bodyLen)) }
        if let a = r.authorName, authorLen > 0 { (p + header).copyMemory(from: a.baseAddress!, byteCount: authorLen) }
        if let b = r.body, bodyLen > 0 { (p + header + authorLen).copyMemory(from: b.baseAddress!, byteCount: bodyLen) }
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
    Int64(littleEndian: record.loadUnaligned(fromByteOffset: accountAt, as: Int64.self))
}

/// The scan position of a spilled record.
@inline(__always)
func spilledSeq(_ record: UnsafeRawBufferPointer) -> Int64 {
    Int64(littleEndian: record.loadUnaligned(fromByteOffset: seqAt, as: Int64.self))
}

/// What decides a spilled record's part when its account is scored in
/// parts (AccountParts.swift).
struct SpilledKeys {
    var id: Int64
    var account: Int64
    var contact: Int64?
    var parent: Int64?
    var thread: Int64?
    var inbound: Bool
    /// Its channel and kind codes are known (else the engine drops it).
    var known: Bool
    var createdAt: Int64
}

@inline(__always)
func spilledKeys(_ record: UnsafeRawBufferPointer) -> SpilledKeys {
    let flags = record[0]
    var o = optionalAt + (flags & Flag.value != 0 ? 8 : 0)
    @inline(__always) func next(_ present: UInt8) -> Int64? {
        guard flags & present != 0 else { return nil }
        defer { o += 8 }
        return Int64(littleEndian: record.loadUnaligned(fromByteOffset: o, as: Int64.self))
    }
    let contact = next(Flag.contact), parent = next(Flag.parent), thread = next(Flag.thread)
    if flags & Flag.agent != 0 { o += 8 }
    let layout = record[1]
    let channel: Int32, kind: Int32
    if layout & Layout.wideChannel != 0 {
        channel = Int32(littleEndian: record.loadUnaligned(fromByteOffset: o, as: Int32.self))
        o += 4
    } else {
        channel = Int32(record[o])
        o += 1
    }
    if layout & Layout.wideKind != 0 {
        kind = Int32(littleEndian: record.loadUnaligned(fromByteOffset: o, as: Int32.self))
    } else {
        kind = Int32(record[o])
    }
    let known = channel >= 0 && channel < Int32(Channel.allCases.count) && kind >= 0 && kind < Int32(Kind.allCases.count)
    return SpilledKeys(id: Int64(littleEndian: record.loadUnaligned(fromByteOffset: idAt, as: Int64.self)),
                       account: spilledAccount(record), contact: contact, parent: parent, thread: thread,
                       inbound: flags & Flag.inbound != 0, known: known,
                       createdAt: Int64(littleEndian: record.loadUnaligned(fromByteOffset: createdAt, as: Int64.self)))
}

/// The records of a spill file, undecoded, in the order written.
func spillRecords(_ path: String, chunkSize: Int = 4 << 20) throws -> RecordReader {
    try RecordReader(path: path, chunkSize: chunkSize) { p in
        guard p.count >= 2 else { return nil }
        let flags = p[0], layout = p[1]
        let header = headerSize(flags, layout)
        guard p.count >= header else { return nil }
        // The lengths are the last fields of the header.
        var end = header, texts = 0
        if layout & Layout.body != 0 {
            end -= 4
            texts += Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: end, as: UInt32.self)))
        }
        if layout & Layout.author != 0 {
            end -= 4
            texts += Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: end, as: UInt32.self)))
        }
        return header + texts
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
        let flags = p.load(as: UInt8.self), layout = p.load(fromByteOffset: 1, as: UInt8.self)
        var o = optionalAt
        @inline(__always) func next<T: FixedWidthInteger>(_: T.Type) -> T {
            defer { o += MemoryLayout<T>.size }
            return load(p, o, T.self)
        }
        let value = flags & Flag.value != 0 ? Double(bitPattern: next(UInt64.self)) : 0
        let contact = flags & Flag.contact != 0 ? next(Int64.self) : nil
        let parent = flags & Flag.parent != 0 ? next(Int64.self) : nil
        let thread = flags & Flag.thread != 0 ? next(Int64.self) : nil
        let agent = flags & Flag.agent != 0 ? next(Int64.self) : nil
        let channel = layout & Layout.wideChannel != 0 ? next(Int32.self) : Int32(next(UInt8.self))
        let kind = layout & Layout.wideKind != 0 ? next(Int32.self) : Int32(next(UInt8.self))
        let authorLen = layout & Layout.author != 0 ? Int(next(UInt32.self)) : -1
        let bodyLen = layout & Layout.body != 0 ? Int(next(UInt32.self)) : -1
        let row = Interaction(
            id: load(p, idAt, Int64.self), accountID: load(p, accountAt, Int64.self),
            contactID: contact, parentID: parent, channel: channel, kind: kind,
            inbound: flags & Flag.inbound != 0, automated: flags & Flag.automated != 0,
            hasMedia: flags & Flag.hasMedia != 0, createdAt: load(p, createdAt, Int64.self),
            value: value, threadID: thread, agentID: agent)
        let base = (p + o).assumingMemoryBound(to: UInt8.self)
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
