// Byte-level text primitives shared by the matcher and the scorer.
// Everything works on UTF-8 bytes; no String is built on a hot path.

/// Word characters per the spec: ASCII letters, ASCII digits and every
/// non-ASCII byte (so a multi-byte character is never split by a match).
@inline(__always)
func isWordByte(_ b: UInt8) -> Bool {
    b >= 0x80 || (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
}

/// Letters for first names: ASCII letters and any non-ASCII byte.
@inline(__always)
func isNameByte(_ b: UInt8) -> Bool {
    b >= 0x80 || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
}

@inline(__always)
func isDigitByte(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

/// ASCII-only lower-casing.
@inline(__always)
func foldByte(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

/// UTF-8 continuation bytes do not start a Unicode scalar.
@inline(__always)
func isScalarStart(_ b: UInt8) -> Bool { b & 0xC0 != 0x80 }

/// Number of Unicode scalars in valid UTF-8.
public func scalarCount(_ text: UnsafeBufferPointer<UInt8>) -> Int {
    var n = 0
    for b in text where isScalarStart(b) { n &+= 1 }
    return n
}

/// Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
/// Returns the byte offset of the first invalid sequence, or nil when valid.
public func firstInvalidUTF8(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
    validateUTF8(text).invalidAt
}

/// Validates UTF-8 and counts its Unicode scalars in the same pass; ASCII
/// runs are checked eight bytes at a time.
public func validateUTF8(_ text: UnsafeBufferPointer<UInt8>) -> (scalars: Int, invalidAt: Int?) {
    guard let base = text.baseAddress else { return (0, nil) }
    let n = text.count
    // Fast path for all-ASCII text of 8+ bytes: whole words, then one
    // overlapping word for the tail, instead of a byte loop.
    if n >= 8 {
        var j = 0
        var high: UInt64 = 0
        while j &+ 8 <= n {
            high |= UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            j &+= 8
        }
        high |= UnsafeRawPointer(base + (n &- 8)).loadUnaligned(as: UInt64.self)
        if high & 0x8080_8080_8080_8080 == 0 { return (n, nil) }
    }
    var i = 0
    var scalars = 0
    while i < n {
        if i &+ 8 <= n {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 == 0 { i &+= 8; scalars &+= 8; continue }
        }
        let b0 = base[i]
        scalars &+= 1
        if b0 < 0x80 { i &+= 1; continue }
        let need: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return (scalars, i)
        }
        if i &+ need >= n { return (scalars, i) }  // truncated sequence
        let b1 = base[i &+ 1]
        if b1 < lo || b1 > hi { return (scalars, i) }
        var k = 2
        while k <= need {
            let bk = base[i &+ k]
            if bk < 0x80 || bk > 0xBF { return (scalars, i) }
            k &+= 1
        }
        i &+= need &+ 1
    }
    return (scalars, nil)
}

/// Case-insensitive (ASCII) byte equality of two spans.
@inline(__always)
func equalFolded(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ b: UnsafeBufferPointer<UInt8>,
                 _ bStart: Int, _ count: Int) -> Bool {
    var k = 0
    while k < count {
        if foldByte(a[aStart &+ k]) != foldByte(b[bStart &+ k]) { return false }
        k &+= 1
    }
    return true
}
