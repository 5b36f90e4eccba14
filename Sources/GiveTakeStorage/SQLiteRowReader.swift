// Decodes one row of the canonical SELECT into an InteractionBatch. Texts
// are read as bytes straight from SQLite's row buffer and copied into the
// batch arena; nothing is allocated per row. SQLite stores any value in
// any column, so every value is checked against its column's type: one
// that does not fit is an error naming the row, the column and the value,
// never a silent 0.
import CSQLite3
import GiveTakeCore

struct SQLiteRowReader: RowCursor {
    let stmt: SQLiteStatement
    let table: String

    @inline(__always)
    func advance() throws -> Bool { try stmt.step() }

    /// `row` is the row's position in the scan (from 0), for messages.
    @inline(__always)
    func decode(into batch: InteractionBatch, row: Int) throws {
        let s = stmt
        guard let id = try integer(0, row, nil, "id") else {
            throw StorageError("table '\(table)', row \(row): id is NULL")
        }
        guard let account = try integer(1, row, id, "account_id") else {
            throw fieldError(row, id, "account_id is NULL")
        }
        let interaction = Interaction(
            id: id, accountID: account, contactID: try integer(2, row, id, "contact_id"),
            parentID: try integer(3, row, id, "parent_id"),
            channel: text(4).flatMap { Channel.parse($0) }.map { Int32($0.rawValue) } ?? -1,
            kind: text(5).flatMap { Kind.parse($0) }.map { Int32($0.rawValue) } ?? -1,
            inbound: try flag(6, row, id, "inbound"), automated: try flag(7, row, id, "automated"),
            hasMedia: try flag(8, row, id, "has_media"),
            createdAt: try Self.timestamp(s, 9, table: table, id: id, row: row),
            value: try real(12, row, id, "value"),
            threadID: try integer(13, row, id, "thread_id"), agentID: try integer(14, row, id, "agent_id"))
        batch.append(interaction, author: text(10), body: text(11))
    }

    /// An integer column: INTEGER, a REAL with an integral value, or text
    /// spelling an integer; nil for NULL.
    @inline(__always)
    private func integer(_ col: Int32, _ row: Int, _ id: Int64?, _ name: StaticString) throws -> Int64? {
        switch stmt.type(col) {
        case SQLITE_INTEGER: return stmt.int64(col)
        case SQLITE_NULL: return nil
        case SQLITE_FLOAT:
            if let v = Int64(exactly: stmt.double(col)) { return v }
        case SQLITE_TEXT:
            if let v = parseInteger(stmt.bytes(col)!) { return v }
        default: break
        }
        throw fieldError(row, id, "\(name) \(shown(col)) is not an integer")
    }

    /// The value column: a number, or text spelling one; NULL reads as 0.
    @inline(__always)
    private func real(_ col: Int32, _ row: Int, _ id: Int64, _ name: StaticString) throws -> Double {
        switch stmt.type(col) {
        case SQLITE_FLOAT, SQLITE_INTEGER: return stmt.double(col)
        case SQLITE_NULL: return 0
        case SQLITE_TEXT:
            if let v = Double(String(decoding: stmt.bytes(col)!, as: UTF8.self)), v.isFinite { return v }
        default: break
        }
        throw fieldError(row, id, "\(name) \(shown(col)) is not a number")
    }

    /// Text bytes; sqlite3_column_text returns NULL exactly for SQL NULL.
    @inline(__always)
    private func text(_ col: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let p = sqlite3_column_text(stmt.stmt, col) else { return nil }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt.stmt, col)))
    }

    /// Booleans: 0/1 (SQLite's own), or text true/false, t/f, yes/no, y/n,
    /// on/off, 1/0 (PostgreSQL's spellings, any case). NULL is false.
    @inline(__always)
    private func flag(_ col: Int32, _ row: Int, _ id: Int64, _ name: StaticString) throws -> Bool {
        switch stmt.type(col) {
        case SQLITE_INTEGER:
            let v = stmt.int64(col)
            if v == 0 || v == 1 { return v == 1 }
        case SQLITE_NULL: return false
        case SQLITE_FLOAT:
            let v = stmt.double(col)
            if v == 0 || v == 1 { return v == 1 }
        case SQLITE_TEXT:
            if let v = parseBoolean(stmt.bytes(col)!) { return v }
        default: break
        }
        throw fieldError(row, id, "\(name) \(shown(col)) is not a boolean (expected 0 or 1)")
    }

    /// The value as the message shows it: quoted text, or the number.
    private func shown(_ col: Int32) -> String {
        switch stmt.type(col) {
        case SQLITE_BLOB: return "(a blob of \(sqlite3_column_bytes(stmt.stmt, col)) bytes)"
        case SQLITE_TEXT: return "'" + (stmt.string(col) ?? "") + "'"
        default: return stmt.string(col) ?? ""
        }
    }

    private func fieldError(_ row: Int, _ id: Int64?, _ what: String) -> StorageError {
        StorageError("table '\(table)', row \(row)" + (id.map { " (id \($0))" } ?? "") + ": " + what)
    }

    /// created_at as ISO-8601 UTC text, or INTEGER/REAL Unix seconds. `row`
    /// (the scan position) is named when known.
    @inline(__always)
    static func timestamp(_ s: SQLiteStatement, _ col: Int32, table: String, id: Int64, row: Int? = nil) throws -> Int64 {
        // Built only on failure: this runs for every row.
        func at() -> String { "table '\(table)', " + (row.map { "row \($0) (id \(id))" } ?? "row id \(id)") }
        switch s.type(col) {
        case SQLITE_INTEGER:
            let v = s.int64(col)
            if abs(v) < 260_000_000_000 { return v * 1_000_000 }
        case SQLITE_FLOAT:
            if let t = Timestamp.fromUnixSeconds(s.double(col)) { return t }
        case SQLITE_NULL:
            throw StorageError("\(at()): created_at is NULL")
        case SQLITE_TEXT:
            if let t = Timestamp.parse(s.bytes(col)!) { return t }
        default: break
        }
        throw StorageError("\(at()): created_at '\(s.string(col) ?? "")' is not a timestamp "
                           + "(expected 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC or Unix seconds)")
    }
}

/// "-12", "+7", "42": decimal digits with an optional sign, in Int64 range.
func parseInteger(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
    var i = 0
    var negative = false
    if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
        negative = b[i] == UInt8(ascii: "-")
        i += 1
    }
    if i == b.count { return nil }
    var v: Int64 = 0
    while i < b.count {
        let d = b[i] &- UInt8(ascii: "0")
        guard d < 10 else { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
        if o1 || o2 { return nil }
        v = a
        i += 1
    }
    return v
}
