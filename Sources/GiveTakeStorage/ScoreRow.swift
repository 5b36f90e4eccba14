// One row of a score table as an adapter reads it, reused from row to row:
// numbers in one flat buffer and texts in one byte arena, so reading a
// table of any size allocates nothing per row or per value. The readers
// are inlinable: a printer calls them for every value.
import GiveTakeCore

public final class ScoreRow {
    /// What a column holds in the current row (ScoreValue's cases).
    public enum Kind: UInt8 { case null, int, real, text, time, bool }

    public let columns: [(String, Schema.ColumnType)]
    public let count: Int
    @usableFromInline let kinds: UnsafeMutablePointer<Kind>
    /// int, time and bool (0/1) as their value, real as its bit pattern,
    /// text as its arena offset (high 32 bits) and length (low 32 bits).
    @usableFromInline let payload: UnsafeMutablePointer<UInt64>
    @usableFromInline var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0, arenaCapacity = 256

    public init(columns: [(String, Schema.ColumnType)]) {
        self.columns = columns
        count = columns.count
        kinds = .allocate(capacity: count)
        kinds.initialize(repeating: .null, count: count)
        payload = .allocate(capacity: count)
        payload.initialize(repeating: 0, count: count)
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        kinds.deallocate()
        payload.deallocate()
        arena.deallocate()
    }

    // MARK: Reading

    @inlinable public func kind(_ k: Int) -> Kind {
        precondition(k >= 0 && k < count, "no such column")
        return kinds[k]
    }

    /// An int or time column (microseconds), or a bool as 0/1.
    @inlinable public func int(_ k: Int) -> Int64 {
        precondition(k >= 0 && k < count, "no such column")
        return Int64(bitPattern: payload[k])
    }

    @inlinable public func real(_ k: Int) -> Double {
        precondition(k >= 0 && k < count, "no such column")
        return Double(bitPattern: payload[k])
    }

    /// A text column's bytes (valid UTF-8), valid during `body`.
    @inlinable
    public func withText<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(k >= 0 && k < count && kinds[k] == .text, "no text column")
        let p = payload[k]
        return try body(UnsafeBufferPointer(start: arena + Int(p >> 32), count: Int(p & 0xFFFF_FFFF)))
    }

    public func value(_ k: Int) -> ScoreValue {
        switch kind(k) {
        case .null: return .null
        case .int: return .int(int(k))
        case .real: return .real(real(k))
        case .text: return .text(withText(k) { String(decoding: $0, as: UTF8.self) })
        case .time: return .time(int(k))
        case .bool: return .bool(int(k) != 0)
        }
    }

    /// The row as values, in column order.
    public var values: [ScoreValue] { (0..<count).map(value) }

    // MARK: Writing (by the adapters and loaders; every column is set)

    /// Drops the texts of the previous row.
    func startRow() { arenaCount = 0 }

    func setNull(_ k: Int) { set(k, .null, 0) }
    func set(_ k: Int, int v: Int64) { set(k, .int, UInt64(bitPattern: v)) }
    func set(_ k: Int, real v: Double) { set(k, .real, v.bitPattern) }
    func set(_ k: Int, time v: Int64) { set(k, .time, UInt64(bitPattern: v)) }
    func set(_ k: Int, bool v: Bool) { set(k, .bool, v ? 1 : 0) }

    /// Text as bytes (nil reads as empty); invalid UTF-8 is repaired as
    /// String(decoding:) repairs it, so a row reads as its values would.
    func set(_ k: Int, text b: UnsafeBufferPointer<UInt8>?) {
        guard let b, let src = b.baseAddress, b.count > 0 else { return set(k, .text, UInt64(arenaCount) << 32) }
        if firstInvalidUTF8(b) != nil { return set(k, text: String(decoding: b, as: UTF8.self)) }
        if arenaCount + b.count > arenaCapacity { growArena(arenaCount + b.count) }
        (arena + arenaCount).update(from: src, count: b.count)
        set(k, .text, UInt64(arenaCount) << 32 | UInt64(b.count))
        arenaCount += b.count
    }

    func set(_ k: Int, text s: String) {
        var s = s
        s.withUTF8 { set(k, text: $0) }
    }

    @inline(__always) private func set(_ k: Int, _ kind: Kind, _ v: UInt64) {
        precondition(k >= 0 && k < count, "no such column")
        kinds[k] = kind
        payload[k] = v
    }

    private func growArena(_ needed: Int) {
        (arena, arenaCapacity) = grownBytes(arena, count: arenaCount, capacity: arenaCapacity, needed: needed)
    }
}

/// A byte buffer of at least `needed` bytes (doubling `capacity`) holding
/// the first `count` bytes of `base`, which it frees.
public func grownBytes(_ base: UnsafeMutablePointer<UInt8>, count: Int, capacity: Int,
                       needed: Int) -> (UnsafeMutablePointer<UInt8>, Int) {
    var c = capacity * 2
    while c < needed { c *= 2 }
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
    p.update(from: base, count: count)
    base.deallocate()
    return (p, c)
}
