// A lexicon: cues (phrase, category, weight) compiled with the fixed
// pronoun and appreciation word lists into one automaton, so a single pass
// over a text yields everything the scorer needs from it.

public struct LexiconEntry: Sendable {
    /// The phrase as given (ASCII-lower-cased, single spaces).
    public var phrase: [UInt8]
    public var category: Category
    public var weight: Double
}

public final class Lexicon: @unchecked Sendable {
    public private(set) var entries: [LexiconEntry] = []
    private var indexByPhrase: [[UInt8]: Int] = [:]
    /// Keeps the tables alive; `automaton` is a reference-free copy of them.
    private var owner: AutomatonOwner
    private(set) var automaton: Automaton

    static let maxPhraseBytes = 256
    static let maxWeight = 1000.0
    /// More cues could not compile within `Automaton.maxTableBytes` anyway;
    /// refusing them early bounds the memory spent on the way.
    public static let maxCues = 1_000_000

    static func tooManyCues() -> GiveTakeError {
        GiveTakeError(.outOfMemory, "lexicon too large: more than 1,000,000 cues")
    }

    /// The built-in English lexicon, compiled once and shared.
    public static let builtin: Lexicon = Lexicon(withDefaults: true)

    /// A lexicon starting from the built-in one (`withDefaults`) or empty.
    public init(withDefaults: Bool) {
        var entries: [LexiconEntry] = []
        var index: [[UInt8]: Int] = [:]
        if withDefaults {
            let text = defaultLexiconText
            let parsed = try? Lexicon.parse(
                UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
            for e in parsed ?? [] { Lexicon.upsert(e, &entries, &index) }
        }
        // A few hundred fixed cues cannot exceed the size limit, and nothing
        // asks to stop: compiling them cannot fail.
        owner = try! Lexicon.compile(entries, shouldStop: { false })
        automaton = owner.automaton
        self.entries = entries
        indexByPhrase = index
    }

    /// Adds or replaces one cue. The phrase is lower-cased (ASCII) and its
    /// white space collapsed to single spaces.
    public func add(phrase: UnsafeBufferPointer<UInt8>, category: Category, weight: Double,
                    shouldStop: () -> Bool = { false }) throws(GiveTakeError) {
        let e = try Lexicon.makeEntry(phrase: phrase, category: category, weight: weight)
        try add(contentsOf: [e], shouldStop: shouldStop)
    }

    /// Adds or replaces cues from lexicon-file text. All or nothing: a bad
    /// line throws an error naming it and leaves the lexicon unchanged.
    public func load(_ text: UnsafeBufferPointer<UInt8>, shouldStop: () -> Bool = { false }) throws(GiveTakeError) {
        try add(contentsOf: try Lexicon.parse(text, shouldStop: shouldStop), shouldStop: shouldStop)
    }

    /// A checked cue for `add(contentsOf:)` (phrase normalised as in `add`).
    public static func entry(phrase: UnsafeBufferPointer<UInt8>, category: Category,
                             weight: Double) throws(GiveTakeError) -> LexiconEntry {
        try makeEntry(phrase: phrase, category: category, weight: weight)
    }

    /// Adds or replaces many cues with one compilation. All or nothing: when
    /// the compilation fails (size limit) or `shouldStop` stops it, the
    /// lexicon is unchanged.
    public func add(contentsOf new: [LexiconEntry], shouldStop: () -> Bool = { false }) throws(GiveTakeError) {
        var entries = self.entries
        var index = indexByPhrase
        for (i, e) in new.enumerated() {
            if i & 0xFFF == 0xFFF && shouldStop() {
                throw GiveTakeError(.cancelled, "lexicon compilation was cancelled")
            }
            Lexicon.upsert(e, &entries, &index)
        }
        if entries.count > Lexicon.maxCues { throw Lexicon.tooManyCues() }
        let compiled = try Lexicon.compile(entries, shouldStop: shouldStop)
        self.entries = entries
        indexByPhrase = index
        owner = compiled
        automaton = compiled.automaton
    }

    private static func upsert(_ e: LexiconEntry, _ entries: inout [LexiconEntry], _ index: inout [[UInt8]: Int]) {
        if let i = index[e.phrase] {
            entries[i] = e
        } else {
            index[e.phrase] = entries.count
            entries.append(e)
        }
    }

    // MARK: Parsing

    static func parse(_ text: UnsafeBufferPointer<UInt8>,
                      shouldStop: () -> Bool = { false }) throws(GiveTakeError) -> [LexiconEntry] {
        if let bad = firstInvalidUTF8(text) {
            throw GiveTakeError(.invalidUTF8, "lexicon: invalid UTF-8 at byte " + decimal(bad))
        }
        var result: [LexiconEntry] = []
        var line = 0
        var start = 0
        let n = text.count
        while start < n {
            line &+= 1
            var end = start
            while end < n && text[end] != 0x0A { end &+= 1 }
            var stop = end
            if stop > start && text[stop &- 1] == 0x0D { stop &-= 1 }
            if let e = try parseLine(text, start, stop, line) { result.append(e) }
            if line & 0xFFF == 0 {
                if shouldStop() { throw GiveTakeError(.cancelled, "lexicon parsing was cancelled") }
                if result.count > maxCues { throw tooManyCues() }
            }
            start = end &+ 1
        }
        return result
    }

    private static func parseLine(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ stop: Int,
                                  _ line: Int) throws(GiveTakeError) -> LexiconEntry? {
        var tabs: [Int] = []
        var allBlank = true
        for i in start..<stop {
            if text[i] == 0x09 { tabs.append(i) }
            if text[i] != 0x20 && text[i] != 0x09 { allBlank = false }
        }
        if allBlank { return nil }
        if tabs.isEmpty && text[start] == 0x23 { return nil }  // '#' comment
        let where_ = "lexicon line " + decimal(line) + ": "
        guard tabs.count == 2 else {
            throw GiveTakeError(.parse, where_ + "expected 3 TAB-separated fields (phrase, category, weight), found "
                                + decimal(tabs.count &+ 1))
        }
        let phrase = UnsafeBufferPointer(rebasing: text[start..<tabs[0]])
        let catBytes = trimmed(UnsafeBufferPointer(rebasing: text[(tabs[0] &+ 1)..<tabs[1]]))
        let weightBytes = trimmed(UnsafeBufferPointer(rebasing: text[(tabs[1] &+ 1)..<stop]))
        guard let category = Category.parse(catBytes) else {
            throw GiveTakeError(.parse, where_ + "unknown category '" + String(decoding: catBytes, as: UTF8.self)
                                + "' (expected one of teaching, helping, crediting, inviting, responsibility, give, "
                                + "selling, self_promotion, take, negation)")
        }
        guard let weight = parseDecimal(weightBytes) else {
            throw GiveTakeError(.parse, where_ + "weight '" + String(decoding: weightBytes, as: UTF8.self)
                                + "' is not a decimal number")
        }
        do {
            return try makeEntry(phrase: phrase, category: category, weight: weight)
        } catch {
            throw GiveTakeError(error.code, where_ + error.message)
        }
    }

    static func makeEntry(phrase raw: UnsafeBufferPointer<UInt8>, category: Category,
                          weight: Double) throws(GiveTakeError) -> LexiconEntry {
        if firstInvalidUTF8(raw) != nil { throw GiveTakeError(.invalidUTF8, "phrase is not valid UTF-8") }
        guard weight.isFinite, weight >= 0, weight <= maxWeight else {
            throw GiveTakeError(.outOfRange, "weight must be a number from 0 to 1000")
        }
        var phrase: [UInt8] = []
        var pendingSpace = false
        for b in raw {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                pendingSpace = !phrase.isEmpty
                continue
            }
            if pendingSpace { phrase.append(0x20); pendingSpace = false }
            phrase.append(foldByte(b))
        }
        if phrase.isEmpty { throw GiveTakeError(.parse, "empty phrase") }
        if phrase.count > maxPhraseBytes { throw GiveTakeError(.outOfRange, "phrase longer than 256 bytes") }
        if phrase.first == 0x3C && (phrase.last == 0x3E || phrase.starts(with: sentenceStartPrefix))
            && patternKind(phrase) == nil {
            throw GiveTakeError(.parse, "unknown pattern '" + String(decoding: phrase, as: UTF8.self)
                                + "' (patterns are <percent_off>, <money>" + structuralPatternList
                                + ", <start> followed by a phrase)")
        }
        return LexiconEntry(phrase: phrase, category: category, weight: weight)
    }

    // MARK: Compilation

    enum PatternKind { case percentOff, money, structural(StructuralCue), sentenceStart([UInt8]) }

    static func patternKind(_ phrase: [UInt8]) -> PatternKind? {
        if phrase == Array("<percent_off>".utf8) { return .percentOff }
        if phrase == Array("<money>".utf8) { return .money }
        if let s = StructuralCue.parse(phrase) { return .structural(s) }
        if let words = sentenceStartPhrase(phrase) { return .sentenceStart(words) }
        return nil
    }

    /// The phrase of "<start> phrase", when it is a word phrase (not a pattern).
    static func sentenceStartPhrase(_ phrase: [UInt8]) -> [UInt8]? {
        let n = sentenceStartPrefix.count
        guard phrase.count > n, phrase.starts(with: sentenceStartPrefix), phrase[n] != 0x3C else { return nil }
        return Array(phrase[n...])
    }

    private static var structuralPatternList: String {
        var s = ""
        for c in StructuralCue.allCases where c != .sentenceStart {
            let name = c.name
            s += ", <" + String(decoding: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount),
                                as: UTF8.self) + ">"
        }
        return s
    }

    private static func compile(_ entries: [LexiconEntry],
                                shouldStop: () -> Bool) throws(GiveTakeError) -> AutomatonOwner {
        var list: [Pattern] = []
        for (index, e) in entries.enumerated() where e.weight > 0 || e.category == .negation {
            if index & 0xFFF == 0xFFF && shouldStop() {
                throw GiveTakeError(.cancelled, "lexicon compilation was cancelled")
            }
            let layer: Layer = e.category == .negation ? .negation : .cue
            let w = e.category.polarity < 0 ? -e.weight : e.weight
            switch Lexicon.patternKind(e.phrase) {
            case .percentOff?:
                // Starts at '%' (a non-word byte, so it may follow digits);
                // the report extends it left over the number.
                list.append(makePattern(Array("% off".utf8), layer, [.extendLeftNumber], Int32(index), w))
                list.append(makePattern(Array("%off".utf8), layer, [.extendLeftNumber], Int32(index), w))
            case .money?:
                for symbol in ["$", "€", "£", "¥"] {
                    for d in UInt8(0x30)...UInt8(0x39) {
                        list.append(makePattern(Array(symbol.utf8) + [d], layer, [.extendRightNumber], Int32(index), w))
                    }
                }
            case .structural(let kind)?:
                for trigger in kind.triggers {
                    list.append(makePattern(trigger, layer, PatternFlags(structural: kind), Int32(index), w))
                }
            case .sentenceStart(let words)?:
                for variant in apostropheVariants(words) {
                    list.append(makePattern(variant, layer, PatternFlags(structural: .sentenceStart), Int32(index), w))
                }
            case nil:
                for variant in apostropheVariants(e.phrase) {
                    list.append(makePattern(variant, layer, [], Int32(index), w))
                }
            }
        }
        for (word, who) in Lexicon.pronouns {
            for variant in apostropheVariants(Array(word.utf8)) {
                list.append(makePattern(variant, .pronoun, [], who))
            }
        }
        for stem in ["thank", "appreciat", "grateful"] {
            list.append(makePattern(Array(stem.utf8), .appreciation, [.prefix], 0))
        }
        for phrase in ["thx", "good catch", "great question", "great point"] {
            list.append(makePattern(Array(phrase.utf8), .appreciation, [], 0))
        }
        return AutomatonOwner(try Automaton(list, shouldStop: shouldStop))
    }

    static let pronouns: [(String, Int32)] = [
        ("we", 0), ("we're", 0), ("we've", 0), ("we'll", 0), ("our", 0), ("ours", 0), ("us", 0),
        ("you", 1), ("you're", 1), ("you've", 1), ("you'll", 1), ("your", 1), ("yours", 1),
    ]
}

private func makePattern(_ bytes: [UInt8], _ layer: Layer, _ flags: PatternFlags, _ payload: Int32,
                         _ signedWeight: Double = 0) -> Pattern {
    let folded = bytes.map(foldByte)
    let last = folded.last ?? 0x20
    return Pattern(bytes: folded, layer: layer, flags: flags, payload: payload, signedWeight: signedWeight,
                   needsRightBoundary: isWordByte(last) && !flags.contains(.prefix))
}

/// A phrase with ASCII apostrophes also matches U+2019, and vice versa.
private func apostropheVariants(_ phrase: [UInt8]) -> [[UInt8]] {
    let curly: [UInt8] = [0xE2, 0x80, 0x99]
    var ascii: [UInt8] = [], typographic: [UInt8] = []
    var i = 0, changed = false
    while i < phrase.count {
        if phrase[i] == 0x27 {
            ascii.append(0x27); typographic.append(contentsOf: curly); changed = true; i &+= 1
        } else if i &+ 2 < phrase.count && phrase[i] == 0xE2 && phrase[i &+ 1] == 0x80 && phrase[i &+ 2] == 0x99 {
            ascii.append(0x27); typographic.append(contentsOf: curly); changed = true; i &+= 3
        } else {
            ascii.append(phrase[i]); typographic.append(phrase[i]); i &+= 1
        }
    }
    return changed ? [ascii, typographic] : [phrase]
}

private func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var lo = 0, hi = b.count
    while lo < hi && (b[lo] == 0x20) { lo &+= 1 }
    while hi > lo && (b[hi &- 1] == 0x20) { hi &-= 1 }
    return UnsafeBufferPointer(rebasing: b[lo..<hi])
}

/// Parses `[-+]digits[.digits]` (no exponent) without Foundation.
func parseDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
    var i = 0
    var negative = false
    if i < b.count && (b[i] == 0x2D || b[i] == 0x2B) { negative = b[i] == 0x2D; i &+= 1 }
    // All digits into one integer mantissa, then one division by a power of
    // ten: both exact while the mantissa stays below 2^53 and there are at
    // most 22 decimals, so "1.59" is the double nearest 1.59 (adding 0.59 to
    // 1 would round twice and print as 1.5899999999999999).
    var mantissa = 0.0
    var decimals = 0
    var digits = 0
    var inFraction = false
    while i < b.count {
        if isDigitByte(b[i]) {
            mantissa = mantissa * 10 + Double(b[i] &- 0x30)
            digits &+= 1
            if inFraction { decimals &+= 1 }
        } else if b[i] == 0x2E && !inFraction {
            inFraction = true
        } else {
            break
        }
        i &+= 1
    }
    if digits == 0 || i != b.count { return nil }
    var value: Double
    if mantissa <= 9_007_199_254_740_992 && decimals <= 22 {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        value = mantissa / scale
    } else {
        value = mantissa
        for _ in 0..<decimals { value /= 10 }
    }
    return negative ? -value : value
}
