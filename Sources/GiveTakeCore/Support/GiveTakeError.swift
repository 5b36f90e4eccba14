// The one error type of the engine. Codes are the C ABI's GT_E* values, so
// the C thunks map an error to a status without a table.

public struct GiveTakeError: Error, Sendable {
    public enum Code: Int32, Sendable {
        case invalidArgument = -1
        case outOfMemory = -2
        case parse = -3
        case invalidUTF8 = -4
        case outOfRange = -5
        case badState = -6
        case cancelled = -7
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Decimal rendering of an integer without Foundation (Embedded-safe).
func decimal(_ value: Int) -> String {
    if value == 0 { return "0" }
    var digits: [UInt8] = []
    var v = value.magnitude
    while v > 0 {
        digits.append(UInt8(truncatingIfNeeded: v % 10) &+ 0x30)
        v /= 10
    }
    if value < 0 { digits.append(0x2D) }
    digits.reverse()
    return String(decoding: digits, as: UTF8.self)
}

func decimal(_ value: Int64) -> String { decimal(Int(value)) }

/// A StaticString as a String (Embedded-safe).
func string(_ s: StaticString) -> String {
    String(decoding: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), as: UTF8.self)
}
