// Customer Support on Twitter (Kaggle "twcs") CSV -> canonical rows, as
// spec section 8 maps them: brand author -> account (FNV-1a of the
// lower-cased name), customer author -> contact, in_response_to -> parent,
// channel twitter, kind reply (with a parent) or mention.
import GiveTakeCore

public struct TwcsImport {
    public struct Summary: Sendable {
        public var rows = 0
        public var skipped = 0
        public var brands = 0
        /// Brand handles by account id (the spelling of the brand's own
        /// tweets where it has any), for an accounts(account_id, name) table.
        public var brandNames: [Int64: String] = [:]
        public init() {}
    }

    struct Tweet {
        var id: Int64
        var author: [UInt8]
        var inbound: Bool
        var createdAt: Int64
        var text: [UInt8]
        var responses: [Int64]
        var parent: Int64?
    }

    /// Stable positive int64 id of a brand name: FNV-1a 64 of its ASCII
    /// lower-cased bytes, top bit cleared.
    public static func brandID(_ name: some Sequence<UInt8>) -> Int64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name {
            h ^= UInt64((b >= 0x41 && b <= 0x5A) ? b | 0x20 : b)
            h = h &* 0x100_0000_01B3
        }
        return Int64(bitPattern: h & 0x7FFF_FFFF_FFFF_FFFF)
    }

    /// Parses the CSV (with a header naming the seven twcs columns, in any
    /// position, extra columns ignored) and emits rows in batches.
    public static func convert(csv: [UInt8], source: String, batchSize: Int = 8192,
                               _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) throws -> Summary {
        var records = CSVReader(csv, source: source)
        guard let header = try records.next() else { throw StorageError("\(source): empty file") }
        let names = header.map { String(decoding: $0, as: UTF8.self) }
        let wanted = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
                      "in_response_to_tweet_id"]
        var col: [Int] = []
        for w in wanted {
            guard let i = names.firstIndex(of: w) else {
                throw StorageError("\(source): no column '\(w)' in the header (expected the twcs columns: "
                                   + wanted.joined(separator: ", ") + ")")
            }
            col.append(i)
        }
        var tweets: [Tweet] = []
        var index: [Int64: Int] = [:]
        while let r = try records.next() {
            let line = records.line
            if r.count == 1 && r[0].isEmpty { continue }
            guard r.count > col.max()! else {
                throw StorageError("\(source): line \(line): \(r.count) fields, the header has \(header.count)")
            }
            guard let id = parseID(r[col[0]]) else {
                throw StorageError("\(source): line \(line): tweet_id '\(String(decoding: r[col[0]], as: UTF8.self))' is not an integer")
            }
            guard let t = parseTwitterTime(r[col[3]]) else {
                throw StorageError("\(source): line \(line) (tweet \(id)): created_at '"
                                   + String(decoding: r[col[3]], as: UTF8.self)
                                   + "' is not like 'Tue Oct 31 22:10:47 +0000 2017'")
            }
            // Texts are stored as they are, so they must be UTF-8 (the
            // engine rejects anything else): refuse the file here, naming
            // the line, not at scoring time.
            for (k, name) in [(1, "author_id"), (4, "text")] {
                if let bad = r[col[k]].withUnsafeBufferPointer({ firstInvalidUTF8($0) }) {
                    throw StorageError("\(source): line \(line) (tweet \(id)): \(name) is not valid UTF-8 "
                                       + "(byte \(bad) of the field); convert the file to UTF-8 first")
                }
            }
            func bad(_ name: String, _ value: [UInt8], _ expected: String) -> StorageError {
                StorageError("\(source): line \(line) (tweet \(id)): \(name) '\(String(decoding: value, as: UTF8.self))' "
                             + "is not \(expected)")
            }
            guard let inbound = r[col[2]].withUnsafeBufferPointer({ parseBoolean($0) }) else {
                throw bad("inbound", r[col[2]], "True or False")
            }
            var responses: [Int64] = []
            for part in r[col[5]].split(separator: UInt8(ascii: ",")) {
                guard let rid = parseID(Array(part)) else { throw bad("response_tweet_id", r[col[5]], "a list of tweet ids") }
                responses.append(rid)
            }
            let parentField = r[col[6]]
            let parent = parseID(parentField)
            if parent == nil && !parentField.isEmpty { throw bad("in_response_to_tweet_id", parentField, "a tweet id") }
            index[id] = tweets.count
            tweets.append(Tweet(id: id, author: r[col[1]], inbound: inbound, createdAt: t, text: r[col[4]],
                                responses: responses, parent: parent))
        }

        var summary = Summary()
        var brands = Set<Int64>()
        let batch = InteractionBatch(capacity: batchSize)
        for tw in tweets {
            guard let brand = brandName(tw, tweets, index) else { summary.skipped += 1; continue }
            let account = brandID(brand)
            brands.insert(account)
            if !tw.inbound {
                summary.brandNames[account] = String(decoding: tw.author, as: UTF8.self)
            } else if summary.brandNames[account] == nil {
                summary.brandNames[account] = String(decoding: brand, as: UTF8.self)
            }
            var contact: Int64?
            if tw.inbound {
                contact = parseID(tw.author)
            } else if let p = tw.parent, let pi = index[p], tweets[pi].inbound {
                contact = parseID(tweets[pi].author)
            } else {
                contact = mentions(tw.text).lazy.compactMap { parseID($0) }.first
            }
            let row = Interaction(id: tw.id, accountID: account, contactID: contact, parentID: tw.parent,
                                  channel: Int32(Channel.twitter.rawValue),
                                  kind: Int32((tw.parent != nil ? Kind.reply : Kind.mention).rawValue),
                                  inbound: tw.inbound, createdAt: tw.createdAt)
            tw.author.withUnsafeBufferPointer { a in
                tw.text.withUnsafeBufferPointer { batch.append(row, author: a, body: $0) }
            }
            summary.rows += 1
            if batch.isFull {
                try batch.withRows(body)
                batch.removeAll()
            }
        }
        if !batch.isEmpty { try batch.withRows(body) }
        summary.brands = brands.count
        return summary
    }

    /// The brand a tweet belongs to: its author for outbound tweets; for a
    /// customer's tweet the brand it replies to, else the brand that
    /// replied to it, else the first @-mentioned non-numeric handle.
    static func brandName(_ tw: Tweet, _ tweets: [Tweet], _ index: [Int64: Int]) -> [UInt8]? {
        if !tw.inbound { return tw.author }
        if let p = tw.parent, let pi = index[p], !tweets[pi].inbound { return tweets[pi].author }
        for r in tw.responses { if let ri = index[r], !tweets[ri].inbound { return tweets[ri].author } }
        return mentions(tw.text).first { h in !h.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    /// @handles in a text, in order.
    static func mentions(_ text: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        while i < text.count {
            if text[i] == 0x40 {
                var j = i + 1
                while j < text.count && (isASCIIAlnum(text[j]) || text[j] == 0x5F) { j += 1 }
                if j > i + 1 { out.append(Array(text[(i + 1)..<j])) }
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    static func isASCIIAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
    }

    /// "12345" or "12345.0" (pandas writes float ids); nil otherwise.
    static func parseID(_ b: [UInt8]) -> Int64? {
        var s = b[...]
        if s.count > 2 && s.suffix(2).elementsEqual([0x2E, 0x30]) { s = s.dropLast(2) }
        guard !s.isEmpty, s.count <= 18, s.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return s.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
    }

    /// "Tue Oct 31 22:10:47 +0000 2017" -> microseconds UTC.
    static func parseTwitterTime(_ b: [UInt8]) -> Int64? {
        let parts = b.split(separator: 0x20).map { Array($0) }
        guard parts.count == 6 else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let mon = String(decoding: parts[1].map { $0 | 0x20 }, as: UTF8.self)
        guard let m = months.firstIndex(of: mon), let d = Int64(String(decoding: parts[2], as: UTF8.self)),
              let y = Int64(String(decoding: parts[5], as: UTF8.self)) else { return nil }
        let hms = parts[3].split(separator: 0x3A).compactMap { Int64(String(decoding: $0, as: UTF8.self)) }
        guard hms.count == 3, parts[4].count == 5 else { return nil }
        let z = parts[4]
        guard let oh = Int64(String(decoding: z[1..<3], as: UTF8.self)),
              let om = Int64(String(decoding: z[3..<5], as: UTF8.self)) else { return nil }
        // Bounded before any arithmetic: absurd fields must not overflow.
        guard (1...9999).contains(y), (1...31).contains(d), (0...23).contains(hms[0]), (0...59).contains(hms[1]),
              (0...60).contains(hms[2]), (0...23).contains(oh), (0...59).contains(om),
              z[0] == 0x2B || z[0] == 0x2D else { return nil }
        let offset = (z[0] == 0x2D ? -1 : 1) * (oh * 3600 + om * 60)
        let secs = dayNumber(year: y, month: Int64(m + 1), day: d) * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2] - offset
        return secs * 1_000_000
    }
}

/// RFC 4180 records: quoted fields may hold commas, doubled quotes and
/// line breaks; CRLF or LF line ends; a leading UTF-8 byte order mark is
/// skipped. A quote left open at the end of the file is an error naming
/// the line where its field starts.
struct CSVReader {
    let data: [UInt8]
    let source: String
    private var i = 0
    private var physicalLine = 1
    /// The line on which the record last returned starts (from 1).
    private(set) var line = 1

    init(_ data: [UInt8], source: String) {
        self.data = data
        self.source = source
        if data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF { i = 3 }
    }

    mutating func next() throws -> [[UInt8]]? {
        if i >= data.count { return nil }
        line = physicalLine
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var quoted = false
        var quoteLine = 0
        while i < data.count {
            let c = data[i]
            if c == 0x0A { physicalLine += 1 }
            if quoted {
                if c == 0x22 {
                    if i + 1 < data.count && data[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                    quoted = false; i += 1; continue
                }
                field.append(c); i += 1; continue
            }
            switch c {
            case 0x22 where field.isEmpty: quoted = true; quoteLine = physicalLine; i += 1
            case 0x2C: fields.append(field); field = []; i += 1
            case 0x0D where i + 1 < data.count && data[i + 1] == 0x0A:
                i += 2; physicalLine += 1; fields.append(field); return fields
            case 0x0A: i += 1; fields.append(field); return fields
            default: field.append(c); i += 1
            }
        }
        if quoted {
            throw StorageError("\(source): line \(quoteLine): unterminated quote (a field opened with \" "
                               + "is not closed before the end of the file)")
        }
        fields.append(field)
        return fields
    }
}
