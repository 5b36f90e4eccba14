// Decodes one row of the canonical SELECT into an InteractionBatch. Texts
// are read as bytes straight from SQLite's row buffer and copied into the
// batch arena; nothing is allocated per row.
import CSQLite3
import GiveTakeCore

struct SQLiteRowReader {
    let stmt: SQLiteStatement
    let table: String

    @inline(__always)
    func read(into batch: InteractionBatch) throws {
        let s = stmt
        // Every sqlite3_column_* call costs; ask for the type only when the
        // value alone is ambiguous (0 may be NULL, a text column NULL).
        let id = s.int64(0)
        if id == 0 && s.type(0) == SQLITE_NULL { throw StorageError("table '\(table)': a row has id NULL") }
        let account = s.int64(1)
        if account == 0 && s.type(1) == SQLITE_NULL { throw fieldError(id, "account_id is NULL") }
        let row = Interaction(
            id: id, accountID: account, contactID: optionalInt(2), parentID: optionalInt(3),
            channel: text(4).flatMap { Channel.parse($0) }.map { Int32($0.rawValue) } ?? -1,
            kind: text(5).flatMap { Kind.parse($0) }.map { Int32($0.rawValue) } ?? -1,
            inbound: try flag(6, id, "inbound"), automated: try flag(7, id, "automated"),
            hasMedia: try flag(8, id, "has_media"),
            createdAt: try Self.timestamp(s, 9, table: table, id: id),
            value: s.double(12),  // NULL reads as 0
            threadID: optionalInt(13), agentID: optionalInt(14))
        batch.append(row, author: text(10), body: text(11))
    }

    @inline(__always)
    private func optionalInt(_ col: Int32) -> Int64? {
        let v = stmt.int64(col)
        return v == 0 && stmt.type(col) == SQLITE_NULL ? nil : v
    }

    /// Text bytes; sqlite3_column_text returns NULL exactly for SQL NULL.
    @inline(__always)
    private func text(_ col: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let p = sqlite3_column_text(stmt.stmt, col) else { return nil }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt.stmt, col)))
    }

    /// Booleans: 0/1 (SQLite's own), or text true/false/t/f/yes/no.
    @inline(__always)
    private func flag(_ col: Int32, _ id: Int64, _ name: String) throws -> Bool {
        if stmt.int64(col) != 0 { return true }
        switch stmt.type(col) {
        case SQLITE_INTEGER: return stmt.int64(col) != 0
        case SQLITE_NULL: return false
        case SQLITE_FLOAT: return stmt.double(col) != 0
        default:
            let b = stmt.bytes(col)!
            if b.count > 0 {
                switch b[0] | 0x20 {
                case UInt8(ascii: "t"), UInt8(ascii: "y"), UInt8(ascii: "1"): return true
                case UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "0"): return false
                default: break
                }
            }
            throw fieldError(id, "\(name) '\(String(decoding: b, as: UTF8.self))' is not a boolean (expected 0 or 1)")
        }
    }

    private func fieldError(_ id: Int64, _ what: String) -> StorageError {
        StorageError("table '\(table)', row id \(id): \(what)")
    }

    /// created_at as ISO-8601 UTC text, or INTEGER/REAL Unix seconds.
    @inline(__always)
    static func timestamp(_ s: SQLiteStatement, _ col: Int32, table: String, id: Int64) throws -> Int64 {
        switch s.type(col) {
        case SQLITE_INTEGER:
            let v = s.int64(col)
            if abs(v) < 260_000_000_000 { return v * 1_000_000 }
        case SQLITE_FLOAT:
            if let t = Timestamp.fromUnixSeconds(s.double(col)) { return t }
        case SQLITE_NULL:
            throw StorageError("table '\(table)', row id \(id): created_at is NULL")
        default:
            if let t = Timestamp.parse(s.bytes(col)!) { return t }
        }
        throw StorageError("table '\(table)', row id \(id): created_at '\(s.string(col) ?? "")' is not a timestamp "
                           + "(expected 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC or Unix seconds)")
    }
}
