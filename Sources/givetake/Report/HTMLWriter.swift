// An append-only HTML buffer. Every piece of data goes through `text`,
// which escapes it for both element content and quoted attribute values,
// so a post body or a name can never open a tag or an attribute.
#if CLI  // the CLI trait (Package.swift)
struct HTMLWriter {
    private(set) var bytes: [UInt8] = []
    /// Source of unique element ids (chart titles and descriptions).
    private var nextID = 0

    init(reserving capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    /// Markup written by the report itself (never data).
    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Data: escaped.
    mutating func text(_ s: String) { escape(s.utf8) }

    mutating func escape<C: Collection>(_ utf8: C) where C.Element == UInt8 {
        for b in utf8 {
            switch b {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&#39;".utf8)
            case 0x0A, 0x09: bytes.append(b)
            case 0x0D: bytes.append(0x20)
            // Other control characters are not allowed in HTML text.
            case 0..<0x20, 0x7F: break
            default: bytes.append(b)
            }
        }
    }

    /// `<tag attrs>text</tag>`; attrs is report markup, text is data.
    mutating func element(_ tag: String, _ attrs: String = "", _ content: String) {
        raw(attrs.isEmpty ? "<\(tag)>" : "<\(tag) \(attrs)>")
        text(content)
        raw("</\(tag)>")
    }

    mutating func uniqueID(_ prefix: String) -> String {
        nextID += 1
        return prefix + String(nextID)
    }
}

/// Escapes data for use inside markup built as a String.
func escaped(_ s: String) -> String {
    var w = HTMLWriter(reserving: s.utf8.count + 16)
    w.text(s)
    return String(decoding: w.bytes, as: UTF8.self)
}
#endif
