// Cue categories (spec section 2). Raw values are the C ABI's GT_CAT_* codes.

public enum Category: UInt8, CaseIterable, Sendable {
    case teaching = 0, helping, crediting, inviting, responsibility, give
    case selling, selfPromotion, take
    case negation

    /// +1 give, -1 take, 0 negation.
    public var polarity: Int {
        switch self {
        case .teaching, .helping, .crediting, .inviting, .responsibility, .give: return 1
        case .selling, .selfPromotion, .take: return -1
        case .negation: return 0
        }
    }

    /// The name used in lexicon files, SQL and the C ABI.
    public var name: StaticString {
        switch self {
        case .teaching: return "teaching"
        case .helping: return "helping"
        case .crediting: return "crediting"
        case .inviting: return "inviting"
        case .responsibility: return "responsibility"
        case .give: return "give"
        case .selling: return "selling"
        case .selfPromotion: return "self_promotion"
        case .take: return "take"
        case .negation: return "negation"
        }
    }

    /// Parses a category name (ASCII case-insensitive).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Category? {
        for c in Category.allCases where staticEquals(c.name, bytes) { return c }
        return nil
    }
}

public enum Label: UInt8, Sendable {
    case neutral = 0, give = 1, take = 2
}

/// ASCII case-insensitive comparison of a lower-case static name with bytes.
@inline(__always)
func staticEquals(_ s: StaticString, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = s.utf8CodeUnitCount
    if n != bytes.count { return false }
    let p = s.utf8Start
    var i = 0
    while i < n {
        if p[i] != foldByte(bytes[i]) { return false }
        i &+= 1
    }
    return true
}
