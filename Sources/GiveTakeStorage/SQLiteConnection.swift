// Thin, allocation-free wrappers over the SQLite C API: a connection that
// turns result codes into StorageError with sqlite3_errmsg, and prepared
// statements.
import CSQLite3

/// Process-wide SQLite settings for a program that owns its process.
public enum SQLiteProcess {
    /// Stops SQLite counting allocations (sqlite3_memory_used) under a
    /// global mutex that each of its allocations takes. Only before the
    /// first connection opens; a no-op after.
    public static func stopAllocationCounting() { _ = gt_sqlite_disable_memstatus() }
}

final class SQLiteConnection {
    let db: OpaquePointer
    let path: String

    init(path: String, create: Bool) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close_v2(handle) }
            if rc == SQLITE_CANTOPEN && !create {
                throw StorageError("cannot open SQLite database '\(path)': no such file (or not writable)")
            }
            throw StorageError("cannot open SQLite database '\(path)': \(msg)")
        }
        db = handle
        self.path = path
        // Wait for a concurrent writer instead of failing with SQLITE_BUSY.
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(db) }

    var errorMessage: String { String(cString: sqlite3_errmsg(db)) }

    /// The error for a failed call: a full disk (SQLITE_FULL, which is also
    /// what max_page_count gives, or ENOSPC under an I/O error) says so
    /// plainly; anything else carries SQLite's message.
    func failure(_ rc: Int32, _ message: String? = nil) -> StorageError {
        let msg = message ?? errorMessage
        if rc & 0xFF == SQLITE_FULL || (rc & 0xFF == SQLITE_IOERR && sqlite3_system_errno(db) == ENOSPC) {
            return StorageError("disk full writing SQLite database '\(path)' (SQLite: \(msg)); "
                                + "the write was rolled back: free some space and run again")
        }
        return StorageError("SQLite (\(path)): \(msg)")
    }

    func exec(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(err)
            throw failure(rc, msg)
        }
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        if rc != SQLITE_OK || stmt == nil { throw failure(rc) }
        return SQLiteStatement(stmt!, self)
    }

    /// A name quoted as an SQLite identifier with %w; "schema.table" is
    /// quoted part by part.
    static func quote(_ name: String) -> String {
        identifierParts(name).map { part in
            part.withCString { cs in
                withVaList([cs]) { args -> String in
                    guard let p = sqlite3_vmprintf("\"%w\"", args) else { return "\"\"" }
                    defer { sqlite3_free(p) }
                    return String(cString: p)
                }
            }
        }.joined(separator: ".")
    }
}

final class SQLiteStatement {
    let stmt: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ stmt: OpaquePointer, _ connection: SQLiteConnection) {
        self.stmt = stmt
        self.connection = connection
    }

    deinit { sqlite3_finalize(stmt) }

    /// true: a row is ready; false: done.
    @inline(__always)
    func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.failure(rc)
    }

    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    @inline(__always) func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(stmt, i, v) }
    @inline(__always) func bind(_ i: Int32, _ v: Double) { sqlite3_bind_double(stmt, i, v) }
    @inline(__always) func bindNull(_ i: Int32) { sqlite3_bind_null(stmt, i) }
    @inline(__always) func bind(_ i: Int32, _ v: Int64?) {
        if let v { sqlite3_bind_int64(stmt, i, v) } else { sqlite3_bind_null(stmt, i) }
    }
    @inline(__always) func bind(_ i: Int32, _ v: Double?) {
        if let v { sqlite3_bind_double(stmt, i, v) } else { sqlite3_bind_null(stmt, i) }
    }
    /// Binds a static string (no copy).
    @inline(__always) func bindStatic(_ i: Int32, _ s: StaticString) {
        bindStatic(i, UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
    func bind(_ i: Int32, _ s: String) { sqlite3_bind_text(stmt, i, s, -1, gt_sqlite_transient()) }
    /// Binds bytes that stay valid until the next step (no copy).
    @inline(__always) func bindStatic(_ i: Int32, _ b: UnsafeBufferPointer<UInt8>?) {
        guard let b else { sqlite3_bind_null(stmt, i); return }
        // A zero-length text still needs a non-NULL pointer to stay '' (not NULL).
        let p = UnsafeRawPointer(b.baseAddress ?? UnsafePointer(emptyText)).assumingMemoryBound(to: CChar.self)
        sqlite3_bind_text64(stmt, i, p, UInt64(b.count), nil, UInt8(SQLITE_UTF8))
    }

    @inline(__always) func type(_ i: Int32) -> Int32 { sqlite3_column_type(stmt, i) }
    @inline(__always) func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }
    @inline(__always) func double(_ i: Int32) -> Double { sqlite3_column_double(stmt, i) }
    /// Text bytes, valid until the next step; nil for NULL.
    @inline(__always) func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
        if sqlite3_column_type(stmt, i) == SQLITE_NULL { return nil }
        let p = sqlite3_column_text(stmt, i)
        let n = Int(sqlite3_column_bytes(stmt, i))
        return UnsafeBufferPointer(start: p, count: n)
    }
    func string(_ i: Int32) -> String? { bytes(i).map { String(decoding: $0, as: UTF8.self) } }
}

nonisolated(unsafe) private let emptyText = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

#if canImport(Glibc)
import Glibc
#endif
