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
        guard s.type(0) != SQLITE_NULL else { throw StorageError("table '\(table)': a row has id NULL") }
        let id = s.int64(0)
        guard s.type(1) != SQLITE_NULL else { throw fieldError(id, "account_id is NULL") }
        let row = Interaction(
            id: id, accountID: s.int64(1),
            contactID: s.type(2) == SQLITE_NULL ? nil : s.int64(2),
            parentID: s.type(3) == SQLITE_NULL ? nil : s.int64(3),
            channel: s.bytes(4).flatMap { Channel.parse($0) }.map { Int32($0.rawValue) } ?? -1,
            kind: s.bytes(5).flatMap { Kind.parse($0) }.map { Int32($0.rawValue) } ?? -1,
            inbound: try flag(6, id, "inbound"), automated: try flag(7, id, "automated"),
            hasMedia: try flag(8, id, "has_media"),
            createdAt: try Self.timestamp(s, 9, table: table, id: id),
            value: s.type(12) == SQLITE_NULL ? 0 : s.double(12))
        batch.append(row, author: s.bytes(10), body: s.bytes(11))
    }

    /// Booleans: 0/1 (SQLite's own), or text true/false/t/f/yes/no.
    @inline(__always)
    private func flag(_ col: Int32, _ id: Int64, _ name: String) throws -> Bool {
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
