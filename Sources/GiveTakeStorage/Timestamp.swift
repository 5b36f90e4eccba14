// Timestamps: microseconds since the Unix epoch, UTC. SQLite stores them as
// ISO-8601 text (or Unix seconds); PostgreSQL's binary COPY counts from
// 2000-01-01. Calendar arithmetic is the engine's (dayNumber, civilDate).
import GiveTakeCore

public enum Timestamp {
    /// Microseconds from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch).
    public static let postgresEpochOffset: Int64 = 946_684_800_000_000

    /// Parses 'YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|(+|-)HH[:MM]]', or
    /// Unix seconds ('1700000000', '1700000000.5'). nil when malformed.
    @inline(__always)
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? { parseTimestamp(b) }

    /// Unix seconds as a REAL (SQLite), rounded to the microsecond.
    public static func fromUnixSeconds(_ s: Double) -> Int64? {
        guard s.isFinite, abs(s) < 2.6e11 else { return nil }
        return Int64((s * 1_000_000).rounded())
    }

    /// 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC; the fraction only when non-zero.
    public static func format(_ micros: Int64) -> String {
        var text = TimestampText()
        return text.format(micros) { String(decoding: $0, as: UTF8.self) }
    }
}

/// Formats timestamps (GiveTakeCore's formatTimestamp) into a reused
/// buffer: the one formatter behind Timestamp.format and the writers.
public struct TimestampText {
    private var buf = [UInt8](repeating: 0, count: timestampTextCapacity)

    public init() {}

    public mutating func format<R>(_ micros: Int64, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try buf.withUnsafeMutableBufferPointer { b in
            let n = formatTimestamp(micros, into: b.baseAddress!)
            return try body(UnsafeBufferPointer(rebasing: b[0..<n]))
        }
    }
}
