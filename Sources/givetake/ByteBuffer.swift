// The bytes the table writers produce, in one growable buffer that is
// reused: values are formatted straight into it (no String per value) and,
// for stdout, handed on in large chunks instead of a write per line.
#if CLI  // the CLI trait (Package.swift)
#if canImport(Glibc)
import Glibc
#endif
import GiveTakeStorage

final class ByteBuffer: TextOutputStream {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    /// Where full chunks go; nil keeps every byte (a String's worth).
    private let drain: ((UnsafeBufferPointer<UInt8>) -> Void)?
    /// Timestamps are formatted through this one reused formatter.
    var timestamps = TimestampText()

    init(capacity: Int = 256, drain: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil) {
        self.capacity = max(capacity, 16)
        self.drain = drain
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Stdout (file descriptor 1). What `print` still holds in the C
    /// library's buffer goes first, so text stays in order.
    static func standardOutput() -> ByteBuffer {
        ByteBuffer(capacity: chunk + chunk / 4, drain: writeStandardOutput)
    }

    /// Bytes held before `endLine` hands them on.
    static let chunk = 1 << 16

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
    var string: String { String(decoding: bytes, as: UTF8.self) }

    func removeAll() { count = 0 }
    func removeLast(_ n: Int) { count -= n }

    /// Room for `n` more bytes at the returned address; `count` grows by
    /// what `commit` says was written.
    @inline(__always)
    func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(count + n) }
        return base + count
    }

    @inline(__always) func commit(_ n: Int) { count += n }

    private func grow(_ needed: Int) {
        (base, capacity) = grownBytes(base, count: count, capacity: capacity, needed: needed)
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1).pointee = byte
        count += 1
    }

    @inline(__always)
    func append(_ b: UnsafeBufferPointer<UInt8>) {
        guard let src = b.baseAddress, b.count > 0 else { return }
        reserve(b.count).update(from: src, count: b.count)
        count += b.count
    }

    @inline(__always)
    func append(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    func append(string s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    func append(repeating byte: UInt8, count n: Int) {
        guard n > 0 else { return }
        reserve(n).update(repeating: byte, count: n)
        count += n
    }

    /// At the end of a line: once a chunk is held, hands it to the drain.
    @inline(__always)
    func endLine() {
        if count >= ByteBuffer.chunk && drain != nil { flush() }
    }

    /// Hands everything held to the drain (nothing without one).
    func flush() {
        guard let drain, count > 0 else { return }
        drain(bytes)
        count = 0
    }

    // TextOutputStream: how Double writes its shortest form here without a String.
    func write(_ s: String) { append(string: s) }
    func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { append(buffer) }
}

private func writeStandardOutput(_ b: UnsafeBufferPointer<UInt8>) {
    fflush(nil)
    var off = 0
    while off < b.count {
        let n = write(1, b.baseAddress! + off, b.count - off)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        off += n
    }
}

/// The text `body` writes, as a String.
func collected(_ body: (ByteBuffer) throws -> Void) rethrows -> String {
    let out = ByteBuffer()
    try body(out)
    return out.string
}
#endif
