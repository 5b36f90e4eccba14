// A reader over one fuzz input: every draw is defined for every input (an
// exhausted input reads as zeros), so one byte string is one test case.
import Glibc

struct FuzzInput {
    let data: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(_ data: UnsafeBufferPointer<UInt8>) { self.data = data }

    var isEmpty: Bool { pos >= data.count }

    mutating func byte() -> UInt8 {
        guard pos < data.count else { return 0 }
        defer { pos += 1 }
        return data[pos]
    }

    mutating func bool() -> Bool { byte() & 1 == 1 }

    mutating func u64() -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(byte()) << (8 * UInt64(k)) }
        return v
    }

    /// 0..<n (n > 0), from one or two bytes.
    mutating func below(_ n: Int) -> Int {
        n <= 256 ? Int(byte()) % n : (Int(byte()) << 8 | Int(byte())) % n
    }

    /// Mostly values a caller would never send, else raw bits.
    mutating func double() -> Double {
        let table: [Double] = [0, -0.0, 1, -1, 0.5, 2, .nan, -.nan, .infinity, -.infinity,
                               .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
                               1e12, 1e9, 86400, 3600, 64, 63.999, 1e-300, 9.3e18, -9.3e18, 1.0000001]
        let k = Int(byte())
        return k < table.count * 8 ? table[k % table.count] : Double(bitPattern: u64())
    }

    mutating func int64() -> Int64 {
        let table: [Int64] = [0, 1, -1, 2, .min, .max, .min + 1, .max - 1,
                              -62_135_596_800_000_000, 253_402_300_799_999_999,
                              -62_135_596_800_000_001, 253_402_300_799_999_999 + 1, 1_500_000_000_000_000]
        let k = Int(byte())
        return k < table.count * 8 ? table[k % table.count] : Int64(bitPattern: u64())
    }

    mutating func int32() -> Int32 {
        let table: [Int32] = [0, 1, -1, 2, 5, 9, 10, 255, 256, .min, .max]
        let k = Int(byte())
        return k < table.count * 8 ? table[k % table.count] : Int32(truncatingIfNeeded: u64())
    }

    /// The next `n` bytes (fewer at the end of the input).
    mutating func bytes(_ n: Int) -> UnsafeBufferPointer<UInt8> {
        let k = min(max(n, 0), data.count - min(pos, data.count))
        defer { pos += k }
        return UnsafeBufferPointer(rebasing: data[min(pos, data.count)..<(min(pos, data.count) + k)])
    }

    /// A length-prefixed byte string of at most 255 bytes.
    mutating func chunk() -> UnsafeBufferPointer<UInt8> { bytes(Int(byte())) }

    mutating func rest() -> UnsafeBufferPointer<UInt8> { bytes(data.count) }
}

/// Texts copied into allocations of exactly their size, so AddressSanitizer
/// sees a read one byte past a text's end. Freed together.
struct TextPool {
    private var blocks: [UnsafeMutableRawPointer] = []

    /// A copy of `b` as a C text; a non-empty pointer even for 0 bytes.
    mutating func copy(_ b: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar> {
        let p = malloc(max(b.count, 1))!
        if b.count > 0 { memcpy(p, b.baseAddress!, b.count) }
        blocks.append(p)
        return UnsafePointer(p.assumingMemoryBound(to: CChar.self))
    }

    mutating func freeAll() {
        for p in blocks { free(p) }
        blocks = []
    }
}

/// Stops the process with a message libFuzzer records next to the input.
func check(_ ok: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !ok {
        let m = "fuzz invariant failed: " + message() + " (" + String(describing: file) + ":" + String(line) + ")\n"
        _ = m.withCString { fputs($0, stderr) }
        abort()
    }
}
