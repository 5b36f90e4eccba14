// Reads the rows of a binary COPY ... TO STDOUT (the canonical SELECT,
// every column cast to int8/text/bool/timestamptz/float8) into an
// InteractionBatch. Each CopyData message holds one row (the first also
// carries the 19-byte file header, the last is the trailer); fields are
// length-prefixed, so texts are copied straight from libpq's buffer into
// the batch arena.
import CLibPQ
import GiveTakeCore

struct PostgresCopyReader: RowCursor {
    let pg: PostgresConnection
    let table: String
    private var sawHeader = false
    /// The current CopyData message (libpq's, freed on the next advance).
    private var message: UnsafeMutablePointer<CChar>?
    private var length = 0
    /// The COPY's final result was collected (by the end or a failure).
    private var finished = false

    init(_ pg: PostgresConnection, table: String) {
        self.pg = pg
        self.table = table
    }

    mutating func advance() throws -> Bool {
        if let message { PQfreemem(message) }
        message = nil
        let n = PQgetCopyData(pg.conn, &message, 0)
        if n >= 0 { length = Int(n); return true }
        finished = true
        try pg.finishCopy()
        if n == -2 { throw StorageError("PostgreSQL: " + pg.errorMessage) }
        return false
    }

    @inline(__always)
    mutating func decode(into batch: InteractionBatch, row: Int) throws {
        _ = try read(UnsafeRawBufferPointer(start: message, count: length), into: batch, row: row)
    }

    /// After a failure: reads the rest of the COPY (keeping the connection
    /// usable) and collects its result, whose server error wins.
    mutating func drain() throws {
        while !finished { _ = try advance() }
    }

    /// Decodes one message; returns false on the end-of-data trailer.
    /// `row` is the row's position in the scan (from 0), for messages.
    @inline(__always)
    private mutating func read(_ msg: UnsafeRawBufferPointer, into batch: InteractionBatch, row: Int) throws -> Bool {
        var p = 0
        let n = msg.count
        if !sawHeader {
            // "PGCOPY\n\377\r\n\0", int32 flags, int32 extension length, extension.
            guard n >= 19, msg[0] == 0x50, msg[5] == 0x59 else { throw truncated() }
            let ext = Int(be32(msg, 15))
            p = 19 + ext
            sawHeader = true
            if p == n { return true }
        }
        guard p + 2 <= n else { throw truncated() }
        let fields = Int16(bitPattern: UInt16(bigEndian: msg.loadUnaligned(fromByteOffset: p, as: UInt16.self)))
        p += 2
        if fields == -1 { return false }
        guard fields == 15 else { throw StorageError("table '\(table)': COPY returned \(fields) columns, expected 15") }

        // Field spans (offset, length; length -1 = NULL).
        var off = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var len = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        try withUnsafeMutableBytes(of: &off) { offs in
            try withUnsafeMutableBytes(of: &len) { lens in
                let o = offs.bindMemory(to: Int.self), l = lens.bindMemory(to: Int.self)
                for f in 0..<15 {
                    guard p + 4 <= n else { throw truncated() }
                    let fl = Int(Int32(bitPattern: be32(msg, p)))
                    p += 4
                    o[f] = p
                    l[f] = fl
                    if fl > 0 {
                        guard p + fl <= n else { throw truncated() }
                        p += fl
                    }
                }
            }
        }
        // Each field must have its type's binary size (or be NULL): any
        // other length means the column is not of the type the SELECT asked
        // for, and is an error rather than a silent NULL or false.
        @inline(__always) func sized(_ l: Int, _ size: Int, _ column: Int) throws -> Bool {
            if l == size { return true }
            if l == -1 { return false }
            throw StorageError("table '\(table)', row \(row): column \(Schema.interactionColumns[column]) has "
                               + "\(l) bytes in binary COPY, expected \(size)")
        }
        @inline(__always) func int8(_ o: Int, _ l: Int, _ column: Int) throws -> Int64? {
            try sized(l, 8, column)
                ? Int64(bitPattern: UInt64(bigEndian: msg.loadUnaligned(fromByteOffset: o, as: UInt64.self))) : nil
        }
        @inline(__always) func text(_ o: Int, _ l: Int) -> UnsafeBufferPointer<UInt8>? {
            l < 0 ? nil : UnsafeBufferPointer(start: msg.baseAddress!.advanced(by: o).assumingMemoryBound(to: UInt8.self),
                                              count: l)
        }
        @inline(__always) func bool(_ o: Int, _ l: Int, _ column: Int) throws -> Bool {
            try sized(l, 1, column) && msg[o] != 0
        }

        guard let id = try int8(off.0, len.0, 0) else { throw StorageError("table '\(table)', row \(row): id is NULL") }
        func at() -> String { "table '\(table)', row \(row) (id \(id))" }  // only on failure: runs per row
        guard let account = try int8(off.1, len.1, 1) else { throw StorageError("\(at()): account_id is NULL") }
        guard let pgTime = try int8(off.9, len.9, 9) else { throw StorageError("\(at()): created_at is NULL") }
        // timestamptz: microseconds since 2000-01-01; ±infinity are int64 extremes.
        guard pgTime != Int64.max, pgTime != Int64.min else {
            throw StorageError("\(at()): created_at is infinity")
        }
        let value = try sized(len.12, 8, 12)
            ? Double(bitPattern: UInt64(bigEndian: msg.loadUnaligned(fromByteOffset: off.12, as: UInt64.self))) : 0
        let interaction = Interaction(
            id: id, accountID: account, contactID: try int8(off.2, len.2, 2), parentID: try int8(off.3, len.3, 3),
            channel: text(off.4, len.4).flatMap { Channel.parse($0) }.map { Int32($0.rawValue) } ?? -1,
            kind: text(off.5, len.5).flatMap { Kind.parse($0) }.map { Int32($0.rawValue) } ?? -1,
            inbound: try bool(off.6, len.6, 6), automated: try bool(off.7, len.7, 7),
            hasMedia: try bool(off.8, len.8, 8),
            createdAt: pgTime &+ Timestamp.postgresEpochOffset, value: value,
            threadID: try int8(off.13, len.13, 13), agentID: try int8(off.14, len.14, 14))
        batch.append(interaction, author: text(off.10, len.10), body: text(off.11, len.11))
        return true
    }

    @inline(__always)
    private func be32(_ m: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(bigEndian: m.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    private func truncated() -> StorageError {
        StorageError("table '\(table)': truncated or malformed binary COPY data")
    }
}
