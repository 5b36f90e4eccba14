// Structural cues: patterns about a post's shape rather than its words (an
// @-reply, a question put to the reader, numbered steps, a link...). A
// lexicon names them like the number patterns, "<question_to_you>", with a
// category and a weight, so `explain` shows them and users can re-weigh or
// drop them. The automaton finds a short trigger ("@", "?", "2."); a check
// on the bytes around it confirms the hit in the same pass.
//
// Unlike word cues they do not take part in leftmost-longest selection (a
// mention inside "via @x" still counts), are never negated, and count at
// most once per text: they describe the post, not a phrase in it.
//
// A sentence-start cue, "<start> try", is a phrase that counts only where a
// sentence begins: "Try restarting" is an instruction, "worth a try" is not.
// It is a structural cue whose trigger is its own phrase; it stays outside
// leftmost-longest selection (so "<start> try" and "try restarting" both
// count) and is never negated, but counts every sentence it opens.

enum StructuralCue: UInt8, CaseIterable {
    case reply = 1, mention, questionToYou, question, step, link, percent, exclamation, hashtag
    /// "<start> phrase": written with its phrase, so not among the bare names.
    case sentenceStart

    /// The name inside the angle brackets in a lexicon file.
    var name: StaticString {
        switch self {
        case .reply: return "reply"                    // the text opens with @handle
        case .mention: return "mention"                // @handle later in the text
        case .questionToYou: return "question_to_you"  // '?' after a you-word
        case .question: return "question"              // any '?'
        case .step: return "step"                      // "1. ", "2) " opening a line or after a space
        case .link: return "link"                      // http://, www., .com ...
        case .percent: return "percent"                // "40%" not followed by "off"
        case .exclamation: return "exclamation"        // '!'
        case .hashtag: return "hashtag"                // #word
        case .sentenceStart: return "start"            // "<start> phrase": the phrase opens a sentence
        }
    }

    static func parse(_ phrase: [UInt8]) -> StructuralCue? {
        guard phrase.count > 2, phrase.first == 0x3C, phrase.last == 0x3E else { return nil }
        let inner = Array(phrase[1..<(phrase.count &- 1)])
        for c in StructuralCue.allCases where c != .sentenceStart {
            let s = c.name
            if s.utf8CodeUnitCount == inner.count
                && inner.withUnsafeBufferPointer({ staticEquals(s, $0) }) { return c }
        }
        return nil
    }

    /// The literals the automaton looks for; `span` confirms each hit.
    var triggers: [[UInt8]] {
        switch self {
        case .reply, .mention: return [[0x40]]
        case .questionToYou, .question: return [[0x3F]]
        case .step:
            var t: [[UInt8]] = []
            for d in UInt8(0x31)...UInt8(0x39) { t.append([d, 0x2E]); t.append([d, 0x29]) }
            return t
        case .link:
            return ["http://", "https://", "www.", ".com", ".org", ".net", ".io", ".co.uk", ".ly"]
                .map { Array($0.utf8) }
        case .percent: return [[0x25]]
        case .exclamation: return [[0x21]]
        case .hashtag: return [[0x23]]
        case .sentenceStart: return []  // the phrase itself (Lexicon.compile)
        }
    }
}

extension PatternFlags {
    /// Bits 3...7 hold a structural cue's raw value (0: none).
    init(structural: StructuralCue) { self.init(rawValue: structural.rawValue << 3) }
    var structuralKind: UInt8 { rawValue >> 3 }
}

@inline(__always)
func isSpaceByte(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

@inline(__always)
private func isHandleByte(_ b: UInt8) -> Bool { isWordByte(b) || b == 0x5F }

@inline(__always)
func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

/// Where the run of @handles a reply opens with ends: the first byte that
/// is neither white space, a comma nor part of an @handle (the text's
/// length when there is none). A position lies in that run exactly when it
/// is at most this. `known` caches it for the text (-1: not yet found), so
/// the run is walked once, not for every cue that asks.
func leadingHandlesEnd(_ text: UnsafeBufferPointer<UInt8>, _ known: inout Int) -> Int {
    if known >= 0 { return known }
    known = walkLeadingHandles(text)
    return known
}

private func walkLeadingHandles(_ text: UnsafeBufferPointer<UInt8>) -> Int {
    let n = text.count
    var i = 0
    while i < n {
        let b = text[i]
        if isSpaceByte(b) || b == 0x2C { i &+= 1; continue }
        if b != 0x40 { return i }
        i &+= 1
        while i < n && isHandleByte(text[i]) { i &+= 1 }
    }
    return n
}

/// The prefix of a sentence-start cue, "<start> ", folded.
let sentenceStartPrefix: [UInt8] = Array("<start> ".utf8)

/// Whether text[pos...] opens a sentence: nothing but white space before it,
/// or white space after '.', '!', '?' or an emoji, or a line break, or only
/// the @handles a reply opens with (`handlesEnd`: see `leadingHandlesEnd`).
func opensSentence(_ text: UnsafeBufferPointer<UInt8>, _ pos: Int, _ handlesEnd: inout Int) -> Bool {
    var i = pos
    var spaced = false
    while i > 0 && isSpaceByte(text[i &- 1]) {
        if text[i &- 1] == 0x0A { return true }
        spaced = true
        i &-= 1
    }
    if i == 0 { return true }
    let b = text[i &- 1]
    if spaced && (b == 0x2E || b == 0x21 || b == 0x3F) { return true }
    if spaced && b >= 0x80 {
        // The code point before the space: an emoji (4 bytes) or a dingbat
        // or symbol (U+2600-U+27BF) ends a sentence the way '!' does.
        var lead = i &- 1
        while lead > 0 && text[lead] & 0xC0 == 0x80 && i &- lead < 4 { lead &-= 1 }
        let l = text[lead]
        if l >= 0xF0 { return true }
        if l == 0xE2 && lead &+ 1 < i && text[lead &+ 1] >= 0x98 && text[lead &+ 1] <= 0x9E { return true }
    }
    return spaced && pos <= leadingHandlesEnd(text, &handlesEnd)
}

/// Confirms a structural trigger that matched text[start..<end]; returns the
/// span to report, or nil when the surroundings do not fit. `handlesEnd`:
/// the text's `leadingHandlesEnd` cache.
func structuralSpan(_ kind: UInt8, _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                    youWordsSoFar: Int32, handlesEnd: inout Int) -> (Int, Int)? {
    let n = text.count
    switch StructuralCue(rawValue: kind) {
    case .reply?, .mention?:
        guard end < n, isHandleByte(text[end]) else { return nil }
        if start > 0 && isWordByte(text[start &- 1]) { return nil }  // an e-mail address
        var firstVisible = 0
        while firstVisible < start && isSpaceByte(text[firstVisible]) { firstVisible &+= 1 }
        let opens = firstVisible == start
        if kind == StructuralCue.reply.rawValue ? !opens : start <= leadingHandlesEnd(text, &handlesEnd) { return nil }
        var e = end
        while e < n && isHandleByte(text[e]) { e &+= 1 }
        return (start, e)
    case .questionToYou?:
        return youWordsSoFar > 0 ? (start, end) : nil
    case .question?, .exclamation?:
        return (start, end)
    case .step?:
        if start > 0 && !isSpaceByte(text[start &- 1]) { return nil }
        guard end &+ 1 < n, text[end] == 0x20 || text[end] == 0x09, isASCIILetter(text[end &+ 1]) else { return nil }
        return (start, end)
    case .link?:
        if text[start] == 0x2E && (start == 0 || !isWordByte(text[start &- 1])) { return nil }
        return (start, end)
    case .percent?:
        var s = start
        while s > 0 && (isDigitByte(text[s &- 1]) || text[s &- 1] == 0x2E || text[s &- 1] == 0x2C) { s &-= 1 }
        while s < start && !isDigitByte(text[s]) { s &+= 1 }
        if s == start || (s > 0 && isWordByte(text[s &- 1])) { return nil }
        var k = end
        if k < n && text[k] == 0x20 { k &+= 1 }
        if k &+ 3 <= n && foldByte(text[k]) == 0x6F && foldByte(text[k &+ 1]) == 0x66
            && foldByte(text[k &+ 2]) == 0x66 && (k &+ 3 == n || !isWordByte(text[k &+ 3])) {
            return nil  // "% off" is the <percent_off> pattern
        }
        return (s, end)
    case .sentenceStart?:
        return opensSentence(text, start, &handlesEnd) ? (start, end) : nil
    case .hashtag?:
        if start > 0 && isWordByte(text[start &- 1]) { return nil }
        guard end < n, isASCIILetter(text[end]) else { return nil }
        var e = end
        while e < n && isHandleByte(text[e]) { e &+= 1 }
        return (start, e)
    case nil:
        return nil
    }
}
