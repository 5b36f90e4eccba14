// gt_classify*, gt_explain and the acknowledgement helpers.
import CGiveTake
import GiveTakeCore

@inline(__always)
private func lower(_ c: Classification, _ scalars: Int, into out: UnsafeMutablePointer<gt_classification>) {
    out.pointee = gt_classification(
        give_score: c.give, take_score: c.take, scalars: Int64(scalars), label: Int32(c.label.rawValue),
        cues: c.cues, we_words: c.weWords, you_words: c.youWords, appreciative: c.appreciative ? 1 : 0,
        reserved: 0)
}

/// Texts longer than this are validated and scanned in pieces of this size,
/// asking the lexicon's interrupt callback in between.
private let longText = 1 << 18

/// validateUTF8 in pieces of `longText` bytes (split before a lead byte),
/// asking `stop` between them; nil when it said yes.
private func validate(_ text: UnsafeBufferPointer<UInt8>, _ stop: () -> Bool) -> (scalars: Int, invalidAt: Int?)? {
    let n = text.count
    if n <= longText { return validateUTF8(text) }
    var scalars = 0, pos = 0
    while pos < n {
        var end = n &- pos > longText ? pos &+ longText : n
        var back = 0
        while end < n && back < 3 && text[end] & 0xC0 == 0x80 { end &-= 1; back &+= 1 }
        let r = validateUTF8(UnsafeBufferPointer(rebasing: text[pos..<end]))
        if let bad = r.invalidAt { return (scalars &+ r.scalars, pos &+ bad) }
        scalars &+= r.scalars
        pos = end
        if pos < n && stop() { return nil }
    }
    return (scalars, nil)
}

/// Validates and classifies one text: GT_OK or GT_EUTF8 (all-zero result).
@inline(__always)
private func classifyOne(_ lex: Lexicon, _ text: UnsafeBufferPointer<UInt8>,
                         _ out: UnsafeMutablePointer<gt_classification>) -> Int32 {
    let check = validateUTF8(text)
    if check.invalidAt != nil {
        lower(Classification(), 0, into: out)
        return GT_EUTF8
    }
    lower(lex.classify(text), check.scalars, into: out)
    return GT_OK
}

/// classifyOne for a long text with an interrupt callback: validated and
/// scanned in pieces, asking the callback in between; GT_ECANCELED (all-zero
/// result) when it said stop.
@inline(never)
private func classifyLong(_ lex: Lexicon, _ handle: LexiconHandle, _ text: UnsafeBufferPointer<UInt8>,
                          _ out: UnsafeMutablePointer<gt_classification>) -> Int32 {
    lower(Classification(), 0, into: out)
    guard let check = validate(text, handle.shouldStop) else { return GT_ECANCELED }
    if check.invalidAt != nil { return GT_EUTF8 }
    guard let c = lex.classify(text, shouldStop: handle.shouldStop) else { return GT_ECANCELED }
    lower(c, check.scalars, into: out)
    return GT_OK
}

@c @implementation public func gt_classify(_ out: UnsafeMutablePointer<gt_classification>?, _ lex: OpaquePointer?,
                                          _ text: UnsafePointer<CChar>?, _ len: Int) -> Int32 {
    guard let out, let b = bytes(text, len) else { return GT_EINVAL }
    if b.count > longText, let h = lexiconHandle(lex), h.interrupt != nil { return classifyLong(h.lexicon, h, b, out) }
    return classifyOne(lexicon(lex), b, out)
}

@c @implementation public func gt_classify_batch(_ out: UnsafeMutablePointer<gt_classification>?,
                                                _ firstBad: UnsafeMutablePointer<Int>?, _ lex: OpaquePointer?,
                                                _ texts: UnsafePointer<gt_text>?, _ n: Int) -> Int32 {
    guard n >= 0 else { return GT_EINVAL }
    firstBad?.pointee = n
    if n == 0 { return GT_OK }
    guard let out, let texts else { return GT_EINVAL }
    let l = lexicon(lex)
    var result = GT_OK
    guard let h = lexiconHandle(lex), h.interrupt != nil else {
        // No callback: the plain loop, nothing more per text.
        for i in 0..<n {
            guard let b = bytes(texts[i].ptr, texts[i].len) else {
                lower(Classification(), 0, into: out + i)
                if result == GT_OK { result = GT_EINVAL; firstBad?.pointee = i }
                continue
            }
            if classifyOne(l, b, out + i) != GT_OK && result == GT_OK {
                result = GT_EUTF8
                firstBad?.pointee = i
            }
        }
        return result
    }
    var sincePoll = 0
    for i in 0..<n {
        guard let b = bytes(texts[i].ptr, texts[i].len) else {
            lower(Classification(), 0, into: out + i)
            if result == GT_OK { result = GT_EINVAL; firstBad?.pointee = i }
            continue
        }
        var st = b.count > longText ? classifyLong(l, h, b, out + i) : classifyOne(l, b, out + i)
        // Many short texts add up: ask every 256 KiB of them too.
        sincePoll &+= b.count
        if sincePoll > longText && st != GT_ECANCELED {
            sincePoll = 0
            if h.shouldStop() { st = GT_ECANCELED }
        }
        if st == GT_ECANCELED {
            for k in i..<n { lower(Classification(), 0, into: out + k) }
            firstBad?.pointee = i
            return GT_ECANCELED
        }
        if st != GT_OK && result == GT_OK {
            result = st
            firstBad?.pointee = i
        }
    }
    return result
}

@c @implementation public func gt_explain(_ cues: UnsafeMutablePointer<gt_cue>?, _ cap: Int,
                                         _ count: UnsafeMutablePointer<Int>?, _ lex: OpaquePointer?,
                                         _ text: UnsafePointer<CChar>?, _ len: Int) -> Int32 {
    guard let count, let b = bytes(text, len), cap >= 0, cap == 0 || cues != nil else { return GT_EINVAL }
    count.pointee = 0
    let h = lexiconHandle(lex)
    let stop: () -> Bool = { h?.shouldStop() ?? false }
    guard let check = validate(b, stop) else { return GT_ECANCELED }
    if check.invalidAt != nil { return GT_EUTF8 }
    var found = 0
    let finished = lexicon(lex).explain(b, shouldStop: stop) { c in
        if found < cap {
            cues![found] = gt_cue(offset: c.start, length: c.end - c.start, category: Int32(c.category.rawValue),
                                  entry: Int32(clamping: c.entry), weight: c.weight)
        }
        found &+= 1
    }
    if !finished { return GT_ECANCELED }
    count.pointee = found
    return GT_OK
}

@c @implementation public func gt_first_name(_ offset: UnsafeMutablePointer<Int>?, _ length: UnsafeMutablePointer<Int>?,
                                            _ name: UnsafePointer<CChar>?, _ len: Int) -> Int32 {
    guard let offset, let length, let b = bytes(name, len) else { return GT_EINVAL }
    offset.pointee = 0
    length.pointee = 0
    if firstInvalidUTF8(b) != nil { return GT_EUTF8 }
    if let span = firstNameSpan(b) {
        offset.pointee = span.lowerBound
        length.pointee = span.count
    }
    return GT_OK
}

@c @implementation public func gt_is_personal(_ out: UnsafeMutablePointer<Int32>?, _ reply: UnsafePointer<CChar>?,
                                             _ replyLen: Int, _ author: UnsafePointer<CChar>?, _ authorLen: Int) -> Int32 {
    guard let out, let r = bytes(reply, replyLen), let a = bytes(author, authorLen) else { return GT_EINVAL }
    out.pointee = 0
    if firstInvalidUTF8(r) != nil || firstInvalidUTF8(a) != nil { return GT_EUTF8 }
    out.pointee = isPersonal(reply: r, authorName: a) ? 1 : 0
    return GT_OK
}

@c @implementation public func gt_is_appreciative(_ out: UnsafeMutablePointer<Int32>?, _ text: UnsafePointer<CChar>?,
                                                 _ len: Int) -> Int32 {
    guard let out, let b = bytes(text, len) else { return GT_EINVAL }
    out.pointee = 0
    if firstInvalidUTF8(b) != nil { return GT_EUTF8 }
    out.pointee = Lexicon.builtin.isAppreciative(b) ? 1 : 0
    return GT_OK
}

@c @implementation public func gt_ackhist_bucket(_ out: UnsafeMutablePointer<Int32>?, _ seconds: Double) -> Int32 {
    guard let out else { return GT_EINVAL }
    out.pointee = Int32(AckHistogram.bucket(seconds))
    return seconds.isNaN ? GT_ERANGE : GT_OK
}

@c @implementation public func gt_ackhist_percentile(_ out: UnsafeMutablePointer<Double>?,
                                                    _ counts: UnsafePointer<Int64>?, _ nbuckets: Int,
                                                    _ p: Double) -> Int32 {
    guard let out, nbuckets >= 0, nbuckets <= AckHistogram.bucketCount, nbuckets == 0 || counts != nil else {
        return GT_EINVAL
    }
    out.pointee = .nan
    guard p > 0, p <= 1 else { return GT_ERANGE }
    for i in 0..<nbuckets where counts![i] < 0 { return GT_ERANGE }
    let buffer = UnsafeBufferPointer(start: counts, count: nbuckets)
    out.pointee = AckHistogram.percentile(buffer, p) ?? .nan
    return GT_OK
}
