// Channels and kinds of interactions. Raw values are the C ABI's codes.

public enum Channel: UInt8, CaseIterable, Sendable {
    case twitter = 0, facebook, instagram, linkedin, other

    public var name: StaticString {
        switch self {
        case .twitter: return "twitter"
        case .facebook: return "facebook"
        case .instagram: return "instagram"
        case .linkedin: return "linkedin"
        case .other: return "other"
        }
    }

    /// ASCII case-insensitive; nil when unknown.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Channel? {
        // The first letter names the one candidate (hosts parse a code per row).
        guard let first = bytes.first else { return nil }
        let c: Channel
        switch foldByte(first) {
        case UInt8(ascii: "t"): c = .twitter
        case UInt8(ascii: "f"): c = .facebook
        case UInt8(ascii: "i"): c = .instagram
        case UInt8(ascii: "l"): c = .linkedin
        case UInt8(ascii: "o"): c = .other
        default: return nil
        }
        return staticEquals(c.name, bytes) ? c : nil
    }
}

public enum Kind: UInt8, CaseIterable, Sendable {
    case post = 0, share, comment, reply, mention, message, like, lead, purchase

    public var name: StaticString {
        switch self {
        case .post: return "post"
        case .share: return "share"
        case .comment: return "comment"
        case .reply: return "reply"
        case .mention: return "mention"
        case .message: return "message"
        case .like: return "like"
        case .lead: return "lead"
        case .purchase: return "purchase"
        }
    }

    /// ASCII case-insensitive; nil when unknown.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Kind? {
        // The first letter and the length name the one candidate (hosts
        // parse a code per row).
        guard bytes.count >= 4 else { return nil }
        let k: Kind
        switch foldByte(bytes[0]) {
        case UInt8(ascii: "p"): k = bytes.count == 4 ? .post : .purchase
        case UInt8(ascii: "s"): k = .share
        case UInt8(ascii: "c"): k = .comment
        case UInt8(ascii: "r"): k = .reply
        case UInt8(ascii: "m"): k = foldByte(bytes[2]) == UInt8(ascii: "n") ? .mention : .message
        case UInt8(ascii: "l"): k = foldByte(bytes[1]) == UInt8(ascii: "i") ? .like : .lead
        default: return nil
        }
        return staticEquals(k.name, bytes) ? k : nil
    }

    /// Inbound rows of these kinds deserve an answer (spec section 3).
    @inline(__always)
    var deservesAnswer: Bool { Kind.deservesAnswer(rawValue) }

    /// `deservesAnswer` of a raw kind code (false for codes of no kind):
    /// one bit test, for per-row loops that keep the code.
    @inline(__always)
    static func deservesAnswer(_ raw: UInt8) -> Bool {
        let kinds: UInt32 = 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5  // comment, reply, mention, message
        return raw < 32 && (kinds >> UInt32(raw)) & 1 != 0
    }
}
