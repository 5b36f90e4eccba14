// Thin wrapper over libpq: connection (URL, key=value string and PG*
// variables, as libpq users expect), statements with server errors turned
// into StorageError, identifier quoting with PQescapeIdentifier.
import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

final class PostgresConnection {
    let conn: OpaquePointer
    /// The location without its password, for messages.
    let display: String

    init(conninfo: String) throws {
        display = redactPassword(conninfo)
        guard let c = PQconnectdb(conninfo) else { throw StorageError("libpq: out of memory") }
        if PQstatus(c) != CONNECTION_OK {
            let msg = trimmed(String(cString: PQerrorMessage(c)))
            PQfinish(c)
            throw StorageError("cannot connect to PostgreSQL (\(display)): \(msg)")
        }
        conn = c
        // Naive timestamps are read as UTC, like the spec's created_at.
        try exec("SET TIME ZONE 'UTC'")
        // The engine reads and writes UTF-8: the server converts from and to
        // a database in another encoding (LATIN1, ...); text a SQL_ASCII
        // database holds comes as it is and must then be UTF-8.
        try exec("SET client_encoding = 'UTF8'")
        try exec("SET client_min_messages = warning")
    }

    deinit { PQfinish(conn) }

    var errorMessage: String { trimmed(String(cString: PQerrorMessage(conn))) }

    /// Inside a transaction block (BEGIN issued, no COMMIT yet).
    var inTransaction: Bool { PQtransactionStatus(conn) != PQTRANS_IDLE }

    /// Runs a statement; returns the result (caller clears) for queries.
    @discardableResult
    func exec(_ sql: String, _ params: [String?] = []) throws -> PostgresResult {
        let res: OpaquePointer?
        if params.isEmpty {
            res = PQexec(conn, sql)
        } else {
            var cstrings: [UnsafeMutablePointer<CChar>?] = params.map { $0.map { strdup($0) } ?? nil }
            defer { for p in cstrings { free(p) } }
            res = cstrings.withUnsafeMutableBufferPointer { buf in
                buf.withMemoryRebound(to: UnsafePointer<CChar>?.self) {
                    PQexecParams(conn, sql, Int32(params.count), nil, $0.baseAddress, nil, nil, 0)
                }
            }
        }
        let result = PostgresResult(res)
        let status = res.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_OUT
                || status == PGRES_COPY_IN else {
            throw StorageError("PostgreSQL: " + (res.map { trimmed(String(cString: PQresultErrorMessage($0))) }
                                                 ?? errorMessage))
        }
        return result
    }

    /// SQLSTATE of the last COPY that failed ("22P02": a value did not cast).
    private(set) var copySQLState: String?

    /// Collects the final result of a COPY and reports a server error.
    func finishCopy() throws {
        var failure: String?
        while let res = PQgetResult(conn) {
            if PQresultStatus(res) != PGRES_COMMAND_OK && failure == nil {
                failure = trimmed(String(cString: PQresultErrorMessage(res)))
                copySQLState = PQresultErrorField(res, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            }
            PQclear(res)
        }
        if let failure { throw StorageError("PostgreSQL: " + failure) }
    }

    /// A name quoted with PQescapeIdentifier; "schema.table" part by part.
    func quote(_ name: String) throws -> String {
        try identifierParts(name).map { part -> String in
            guard let p = PQescapeIdentifier(conn, part, part.utf8.count) else {
                throw StorageError("PostgreSQL: cannot quote identifier '\(part)': \(errorMessage)")
            }
            defer { PQfreemem(p) }
            return String(cString: p)
        }.joined(separator: ".")
    }

    /// A string as a quoted SQL literal (PQescapeLiteral), for statements
    /// that take no parameters (DECLARE CURSOR).
    func literal(_ value: String) throws -> String {
        guard let p = PQescapeLiteral(conn, value, value.utf8.count) else {
            throw StorageError("PostgreSQL: cannot quote '\(value)': \(errorMessage)")
        }
        defer { PQfreemem(p) }
        return String(cString: p)
    }
}

/// Owns a PGresult.
final class PostgresResult {
    let res: OpaquePointer?
    init(_ res: OpaquePointer?) { self.res = res }
    deinit { if let res { PQclear(res) } }

    var rows: Int { res.map { Int(PQntuples($0)) } ?? 0 }
    func isNull(_ row: Int, _ col: Int) -> Bool { PQgetisnull(res, Int32(row), Int32(col)) != 0 }
    func string(_ row: Int, _ col: Int) -> String? {
        isNull(row, col) ? nil : String(cString: PQgetvalue(res, Int32(row), Int32(col)))
    }
    func int64(_ row: Int, _ col: Int) -> Int64? { string(row, col).flatMap { Int64($0) } }
    func double(_ row: Int, _ col: Int) -> Double? { string(row, col).flatMap { Double($0) } }
    /// A value's text in the result's own memory (NUL-terminated after
    /// `count`), valid as long as this result.
    func bytes(_ row: Int, _ col: Int) -> UnsafeBufferPointer<UInt8> {
        let p = PQgetvalue(res, Int32(row), Int32(col))
        let n = Int(PQgetlength(res, Int32(row), Int32(col)))
        return UnsafeBufferPointer(start: UnsafeRawPointer(p).map { $0.assumingMemoryBound(to: UInt8.self) }, count: n)
    }
}

/// Double(String) on NUL-terminated text, without making the String: the
/// whole text must be a number, no leading white space.
func parseDouble(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
    guard let p = b.baseAddress, b.count > 0 else { return nil }
    switch p[0] {
    case 9, 10, 11, 12, 13, 32: return nil
    default: break
    }
    var end: UnsafeMutablePointer<CChar>?
    let v = UnsafeRawPointer(p).withMemoryRebound(to: CChar.self, capacity: b.count + 1) { strtod($0, &end) }
    guard let end, UnsafeMutableRawPointer(end) == UnsafeRawPointer(p + b.count) else { return nil }
    return v
}

func trimmed(_ s: String) -> String {
    var t = Substring(s)
    while let c = t.last, c == "\n" || c == " " { t.removeLast() }
    return String(t)
}

/// postgres://user:secret@host/db -> postgres://user:***@host/db;
/// password=secret -> password=***.
func redactPassword(_ s: String) -> String {
    let c = Array(s.utf8)
    func find(_ needle: String, from: Int) -> Int? {
        let n = Array(needle.utf8)
        guard c.count >= n.count else { return nil }
        var i = from
        while i + n.count <= c.count {
            if Array(c[i..<(i + n.count)]) == n { return i }
            i += 1
        }
        return nil
    }
    func str(_ r: Range<Int>) -> String { String(decoding: c[r], as: UTF8.self) }
    if let scheme = find("://", from: 0) {
        let start = scheme + 3
        guard let at = c[start...].firstIndex(of: UInt8(ascii: "@")) else { return s }
        guard let colon = c[start..<at].firstIndex(of: UInt8(ascii: ":")) else { return s }
        return str(0..<colon) + ":***" + str(at..<c.count)
    }
    guard let p = find("password=", from: 0) else { return s }
    let v = p + 9
    let end = c[v...].firstIndex(of: UInt8(ascii: " ")) ?? c.count
    return str(0..<v) + "***" + str(end..<c.count)
}
