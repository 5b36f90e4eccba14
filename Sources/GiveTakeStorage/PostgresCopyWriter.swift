// COPY ... FROM STDIN for every PostgreSQL write of many rows (score
// tables, loaded interactions): rows are encoded into one reused buffer
// that goes to the server in chunks of about 1 MB, so neither a row nor
// the whole table is ever a separate allocation. Text format escapes
// backslash, tab, newline and carriage return; binary format is the
// PGCOPY file layout.
import CLibPQ

struct PostgresCopyWriter {
    private let pg: PostgresConnection
    private let binary: Bool
    private var buf: [UInt8] = []
    private var time = TimestampText()
    private static let chunk = 1 << 20

    /// Starts `COPY <table> (<columns>) FROM STDIN [(FORMAT binary)]`.
    init(_ pg: PostgresConnection, table: String, columns: [String], binary: Bool = false) throws {
        self.pg = pg
        self.binary = binary
        try pg.exec("COPY \(table) (" + columns.joined(separator: ", ") + ") FROM STDIN"
                    + (binary ? " (FORMAT binary)" : ""))
        // Signature, flags, header extension length.
        if binary { buf = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [UInt8](repeating: 0, count: 8) }
        buf.reserveCapacity(Self.chunk)
    }

    /// Ends a row (text format: with its newline); sends the buffer once
    /// it is large.
    mutating func endRow() throws {
        if !binary { buf.append(0x0A) }
        if buf.count > Self.chunk { try flush() }
    }

    /// Sends what is left (binary format: and the trailer), ends the COPY
    /// and collects its result.
    mutating func finish() throws {
        if binary { buf.append(contentsOf: [0xFF, 0xFF]) }
        if !buf.isEmpty { try flush() }
        if PQputCopyEnd(pg.conn, nil) != 1 { throw StorageError("PostgreSQL: COPY failed: \(pg.errorMessage)") }
        try pg.finishCopy()
    }

    private mutating func flush() throws {
        let rc = buf.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { PQputCopyData(pg.conn, $0.baseAddress, Int32($0.count)) }
        }
        if rc != 1 { throw StorageError("PostgreSQL: COPY failed: \(pg.errorMessage)") }
        buf.removeAll(keepingCapacity: true)
    }

    // MARK: Text format

    @inline(__always) mutating func tab() { buf.append(0x09) }
    @inline(__always) mutating func null() { buf.append(contentsOf: [0x5C, 0x4E]) }  // \N

    mutating func int(_ v: Int64?) {
        guard let v else { null(); return }
        appendDecimal(&buf, v)
    }

    mutating func real(_ v: Double) { buf.append(contentsOf: v.description.utf8) }
    mutating func bool(_ v: Bool) { buf.append(v ? 0x74 : 0x66) }  // t / f

    /// A UTC timestamp, marked as UTC so a timestamptz column reads it right.
    mutating func time(_ micros: Int64) {
        time.format(micros) { buf.append(contentsOf: $0) }
        buf.append(contentsOf: "+00".utf8)
    }

    mutating func text(_ t: UnsafeBufferPointer<UInt8>?) {
        guard let t else { null(); return }
        for b in t {
            switch b {
            case 0x5C: buf.append(0x5C); buf.append(0x5C)
            case 0x09: buf.append(0x5C); buf.append(0x74)
            case 0x0A: buf.append(0x5C); buf.append(0x6E)
            case 0x0D: buf.append(0x5C); buf.append(0x72)
            default: buf.append(b)
            }
        }
    }

    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { text($0) }
    }

    mutating func value(_ v: ScoreValue) {
        switch v {
        case .int(let x): int(x)
        case .real(let x): real(x)
        case .text(let s): text(s)
        case .time(let t): time(t)
        case .bool(let b): bool(b)
        case .null: null()
        }
    }

    // MARK: Binary format

    /// Starts a row of `fields` fields.
    mutating func binaryRow(fields: Int16) {
        withUnsafeBytes(of: fields.bigEndian) { buf.append(contentsOf: $0) }
    }

    /// An 8-byte field (int8, float8 bits, timestamptz).
    mutating func field8(_ v: UInt64) {
        buf.append(contentsOf: [0, 0, 0, 8])
        withUnsafeBytes(of: v.bigEndian) { buf.append(contentsOf: $0) }
    }

    /// A 4-byte field (int4).
    mutating func field4(_ v: UInt32) {
        buf.append(contentsOf: [0, 0, 0, 4])
        withUnsafeBytes(of: v.bigEndian) { buf.append(contentsOf: $0) }
    }

    /// A NULL field (length -1).
    mutating func nullField() { buf.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF]) }

    /// An int8 field, or NULL.
    mutating func field(_ v: Int64?) {
        if let v { field8(UInt64(bitPattern: v)) } else { nullField() }
    }

    /// A float8 field, or NULL.
    mutating func field(_ v: Double?) {
        if let v { field8(v.bitPattern) } else { nullField() }
    }

    /// A boolean field, or NULL.
    mutating func field(_ v: Bool?) {
        guard let v else { nullField(); return }
        buf.append(contentsOf: [0, 0, 0, 1, v ? 1 : 0])
    }

    /// A timestamptz field from microseconds since 1970 (UTC).
    mutating func timeField(_ micros: Int64) {
        field8(UInt64(bitPattern: micros &- Timestamp.postgresEpochOffset))
    }

    /// A text field: its bytes as they are (valid UTF-8), no escaping.
    mutating func textField(_ t: UnsafeBufferPointer<UInt8>) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: t.count).bigEndian) { buf.append(contentsOf: $0) }
        buf.append(contentsOf: t)
    }

    mutating func textField(_ s: StaticString) {
        textField(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    mutating func textField(_ s: String?) {
        guard var s else { nullField(); return }
        s.withUTF8 { textField($0) }
    }
}

/// Decimal digits of `v`, without allocating.
func appendDecimal(_ buf: inout [UInt8], _ v: Int64) {
    if v == 0 { buf.append(0x30); return }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    var m = v.magnitude
    withUnsafeMutableBytes(of: &digits) { d in
        while m > 0 { d[n] = UInt8(m % 10) + 0x30; m /= 10; n += 1 }
        if v < 0 { buf.append(0x2D) }
        while n > 0 { n -= 1; buf.append(d[n]) }
    }
}
