// Rows spilled to a temporary file and read back in batches, so that a
// table larger than memory can be scored one group of accounts at a time
// after a single scan of the database.
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

/// Record: id, account, contact, parent, created_at, value, thread,
/// agent (8 bytes each), channel, kind (4 each), flags (1), author length,
/// body length (4 each, -1 = NULL), then the author and body bytes.
private let fixedSize = 8 * 8 + 2 * 4 + 1 + 2 * 4

final class SpillWriter {
    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buf: [UInt8] = []
    private(set) var rows = 0

    init(path: String) throws {
        guard let f = fopen(path, "wb") else {
            throw StorageError("cannot create spill file '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        file = f
        buf.reserveCapacity(1 << 20)
    }

    deinit { fclose(file) }

    @inline(__always)
    func append(_ r: Interaction) throws {
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { buf.append(contentsOf: $0) } }
        put(r.id); put(r.accountID); put(r.contactID ?? 0); put(r.parentID ?? 0); put(r.createdAt)
        put(r.value.bitPattern); put(r.threadID ?? 0); put(r.agentID ?? 0); put(r.channel); put(r.kind)
        var flags: UInt8 = 0
        if r.inbound { flags |= 1 }
        if r.automated { flags |= 2 }
        if r.hasMedia { flags |= 4 }
        if r.contactID != nil { flags |= 8 }
        if r.parentID != nil { flags |= 16 }
        if r.threadID != nil { flags |= 32 }
        if r.agentID != nil { flags |= 64 }
        buf.append(flags)
        put(Int32(r.authorName.map { $0.count } ?? -1))
        put(Int32(r.body.map { $0.count } ?? -1))
        if let a = r.authorName, a.count > 0 { buf.append(contentsOf: a) }
        if let b = r.body, b.count > 0 { buf.append(contentsOf: b) }
        rows += 1
        if buf.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        let n = buf.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if n != buf.count { throw StorageError("cannot write spill file '\(path)': \(String(cString: strerror(errno)))") }
        buf.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try flush()
        if fflush(file) != 0 { throw StorageError("cannot write spill file '\(path)': \(String(cString: strerror(errno)))") }
        buf = []  // one buffer per group: release it before scoring
    }
}

/// Streams a spill file back in batches.
func readSpill(_ path: String, batchSize: Int, _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) throws {
    guard let f = fopen(path, "rb") else {
        throw StorageError("cannot read spill file '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    var chunk = [UInt8](repeating: 0, count: 4 << 20)
    var have = 0  // bytes in chunk
    var eof = false
    let batch = InteractionBatch(capacity: batchSize)
    func load<T: FixedWidthInteger>(_ p: UnsafeRawBufferPointer, _ at: Int, _: T.Type) -> T {
        T(littleEndian: p.loadUnaligned(fromByteOffset: at, as: T.self))
    }
    while true {
        if !eof {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress! + have, 1, $0.count - have, f) }
            have += n
            if n == 0 { eof = true }
        }
        var pos = 0
        try chunk.withUnsafeBytes { p in
            while pos + fixedSize <= have {
                let authorLen = Int(load(p, pos + 73, Int32.self))
                let bodyLen = Int(load(p, pos + 77, Int32.self))
                let size = fixedSize + max(0, authorLen) + max(0, bodyLen)
                if pos + size > have { break }
                let flags = p[pos + 72]
                let row = Interaction(
                    id: load(p, pos, Int64.self), accountID: load(p, pos + 8, Int64.self),
                    contactID: flags & 8 != 0 ? load(p, pos + 16, Int64.self) : nil,
                    parentID: flags & 16 != 0 ? load(p, pos + 24, Int64.self) : nil,
                    channel: load(p, pos + 64, Int32.self), kind: load(p, pos + 68, Int32.self),
                    inbound: flags & 1 != 0, automated: flags & 2 != 0, hasMedia: flags & 4 != 0,
                    createdAt: load(p, pos + 32, Int64.self),
                    value: Double(bitPattern: load(p, pos + 40, UInt64.self)),
                    threadID: flags & 32 != 0 ? load(p, pos + 48, Int64.self) : nil,
                    agentID: flags & 64 != 0 ? load(p, pos + 56, Int64.self) : nil)
                let base = p.baseAddress!.assumingMemoryBound(to: UInt8.self) + pos + fixedSize
                let author = authorLen < 0 ? nil : UnsafeBufferPointer(start: base, count: authorLen)
                let text = bodyLen < 0 ? nil : UnsafeBufferPointer(start: base + max(0, authorLen), count: bodyLen)
                batch.append(row, author: author, body: text)
                pos += size
                if batch.isFull {
                    try batch.withRows(body)
                    batch.removeAll()
                }
            }
        }
        // Keep the partial record; grow the chunk for one larger than it.
        if pos > 0 {
            chunk.withUnsafeMutableBytes { p in
                _ = memmove(p.baseAddress!, p.baseAddress! + pos, have - pos)
            }
            have -= pos
        } else if have == chunk.count {
            chunk += [UInt8](repeating: 0, count: chunk.count)
        }
        if eof {
            if have != 0 { throw StorageError("spill file '\(path)' is truncated") }
            break
        }
    }
    if !batch.isEmpty { try batch.withRows(body) }
}
