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
        for c in allCases where staticEquals(c.name, bytes) { return c }
        return nil
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

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Kind? {
        for k in allCases where staticEquals(k.name, bytes) { return k }
        return nil
    }

    /// Inbound rows of these kinds deserve an answer (spec section 3).
    var deservesAnswer: Bool {
        self == .comment || self == .mention || self == .message || self == .reply
    }
}
