// A reusable batch of rows whose texts live in one byte arena, so reading
// a row copies its bytes but allocates nothing. Text pointers are patched
// in only when the batch is handed out, after the arena stopped growing.
import GiveTakeCore

public final class InteractionBatch {
    public let capacity: Int
    private let rows: UnsafeMutablePointer<Interaction>
    // Text spans in the arena; offset -1 = NULL.
    private let authorStart: UnsafeMutablePointer<Int>
    private let authorLength: UnsafeMutablePointer<Int>
    private let bodyStart: UnsafeMutablePointer<Int>
    private let bodyLength: UnsafeMutablePointer<Int>
    private var arena: [UInt8] = []
    public private(set) var count = 0

    public init(capacity: Int = 8192) {
        precondition(capacity > 0)
        self.capacity = capacity
        rows = .allocate(capacity: capacity)
        authorStart = .allocate(capacity: capacity)
        authorLength = .allocate(capacity: capacity)
        bodyStart = .allocate(capacity: capacity)
        bodyLength = .allocate(capacity: capacity)
        arena.reserveCapacity(capacity * 128)
    }

    deinit {
        rows.deallocate()
        authorStart.deallocate()
        authorLength.deallocate()
        bodyStart.deallocate()
        bodyLength.deallocate()
    }

    public var isFull: Bool { count == capacity }
    public var isEmpty: Bool { count == 0 }

    /// Appends a row; its own text pointers are ignored, `author` and
    /// `body` are copied (nil = NULL).
    @inline(__always)
    public func append(_ row: Interaction, author: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>?) {
        precondition(count < capacity, "InteractionBatch is full")
        rows[count] = row
        copyText(author, authorStart + count, authorLength + count)
        copyText(body, bodyStart + count, bodyLength + count)
        count &+= 1
    }

    @inline(__always)
    private func copyText(_ t: UnsafeBufferPointer<UInt8>?, _ start: UnsafeMutablePointer<Int>,
                          _ length: UnsafeMutablePointer<Int>) {
        guard let t else { start.pointee = -1; length.pointee = 0; return }
        start.pointee = arena.count
        length.pointee = t.count
        if t.count > 0 { arena.append(contentsOf: t) }
    }

    /// The rows with their texts pointing into the arena, valid during `body`.
    public func withRows<R>(_ body: (UnsafeBufferPointer<Interaction>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress
            for i in 0..<count {
                rows[i].authorName = authorStart[i] < 0 ? nil
                    : UnsafeBufferPointer(start: base.map { $0 + authorStart[i] }, count: authorLength[i])
                rows[i].body = bodyStart[i] < 0 ? nil
                    : UnsafeBufferPointer(start: base.map { $0 + bodyStart[i] }, count: bodyLength[i])
            }
            return try body(UnsafeBufferPointer(start: rows, count: count))
        }
    }

    public func removeAll() {
        count = 0
        arena.removeAll(keepingCapacity: true)
    }
}
