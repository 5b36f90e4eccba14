// (a) The classifier and explain, through the engine and the C ABI: any
// bytes are classified or rejected as invalid UTF-8, and the two paths,
// the batch call and explain agree with each other.
import CGiveTake
import GiveTakeCore

func fuzzClassify(_ data: UnsafeBufferPointer<UInt8>) {
    let ptr = UnsafeRawPointer(data.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
    classifyBatch(data.split(separator: 0, omittingEmptySubsequences: false).map { UnsafeBufferPointer(rebasing: $0) },
                  lexicon: nil)
    let check8 = validateUTF8(data)
    var out = gt_classification()
    let st = gt_classify(&out, nil, ptr, data.count)
    var n = 0
    var cues = [gt_cue](repeating: gt_cue(), count: 4)
    let cap = data.isEmpty ? 0 : Int(data[data.count - 1] & 3)
    let ex = cues.withUnsafeMutableBufferPointer { gt_explain($0.baseAddress, cap, &n, nil, ptr, data.count) }
    guard check8.invalidAt == nil else {
        check(st == GT_EUTF8 && ex == GT_EUTF8 && n == 0, "invalid UTF-8 not rejected")
        check(out.label == GT_LABEL_NEUTRAL && out.cues == 0 && out.give_score == 0, "rejected text has a result")
        return
    }
    check(st == GT_OK && ex == GT_OK, "valid UTF-8 rejected")
    let c = Lexicon.builtin.classify(data)
    let found = Lexicon.builtin.explain(data)
    // The C ABI reports the engine's result.
    check(out.give_score.bitPattern == c.give.bitPattern && out.take_score.bitPattern == c.take.bitPattern
          && out.cues == c.cues && Int(out.scalars) == check8.scalars, "gt_classify differs from the engine")
    check(n == found.count && Int(c.cues) == found.count, "explain lists \(n) cues, classify counts \(c.cues)")
    // Cues: in text order, inside the text, scores add up. Word and number
    // cues do not overlap; structural cues (docs/classifier.md) stay outside
    // that selection and may overlap them ("$11%" is <money> and <percent>),
    // but each fires at most once per text; a sentence-start cue ("<start>
    // try") is outside it too and fires once per sentence, never twice at
    // one place.
    var give = 0.0, take = 0.0, lastStart = 0, lastEnd = 0
    var structuralSeen: [[UInt8]] = []
    var startSeen: [([UInt8], Int)] = []
    for (i, cue) in found.enumerated() {
        check(cue.entry >= 0 && cue.entry < Lexicon.builtin.entries.count, "cue entry \(cue.entry)")
        let phrase = Lexicon.builtin.entries[cue.entry].phrase
        let structural = phrase.first == UInt8(ascii: "<") && phrase != Array("<money>".utf8)
            && phrase != Array("<percent_off>".utf8)
        let sentenceStart = phrase.starts(with: Array("<start> ".utf8))
        check(cue.start >= lastStart && cue.start < cue.end && cue.end <= data.count
              && (structural || cue.start >= lastEnd), "cue span \(cue.start)..<\(cue.end)")
        lastStart = cue.start
        if sentenceStart {
            check(!startSeen.contains { $0.0 == phrase && $0.1 == cue.start }, "sentence-start cue fired twice at one place")
            startSeen.append((phrase, cue.start))
        } else if structural {
            check(!structuralSeen.contains(phrase), "structural cue fired twice")
            structuralSeen.append(phrase)
        } else {
            lastEnd = cue.end
        }
        let polarity = cue.category.polarity
        check(polarity != 0, "a negation cue was listed as fired")
        if polarity > 0 { give += cue.weight } else { take += cue.weight }
        if i < cap {
            check(cues[i].offset == cue.start && cues[i].length == cue.end - cue.start
                  && cues[i].entry == Int32(cue.entry), "gt_explain cue \(i) differs")
        }
    }
    check(abs(give - c.give) <= 1e-9 * max(1, give) && abs(take - c.take) <= 1e-9 * max(1, take),
          "scores \(c.give)/\(c.take) are not the sums of the cues \(give)/\(take)")
    check(c.give >= 0 && c.take >= 0 && c.give.isFinite && c.take.isFinite, "scores \(c.give)/\(c.take)")
    switch c.label {
    case .give: check(c.give - c.take >= 1 - 1e-6, "label give with \(c.give)/\(c.take)")
    case .take: check(c.take - c.give >= 1 - 1e-6, "label take with \(c.give)/\(c.take)")
    case .neutral: check(abs(c.give - c.take) < 1 + 1e-6, "label neutral with \(c.give)/\(c.take)")
    }
    // Names and acknowledgement helpers on the same text.
    if let span = firstNameSpan(data) {
        check(span.lowerBound >= 0 && span.upperBound <= data.count && span.count >= 2, "first name span \(span)")
        // A first name followed by a digit ("Dic4") is not a word of its
        // own text; otherwise the text contains it.
        let digitAfter = span.upperBound < data.count && data[span.upperBound] >= 0x30 && data[span.upperBound] <= 0x39
        let digitBefore = span.lowerBound > 0 && data[span.lowerBound - 1] >= 0x30 && data[span.lowerBound - 1] <= 0x39
        if !digitAfter && !digitBefore {
            check(isPersonal(reply: data, authorName: data), "a text does not contain its own first name")
        }
    }
    var personal: Int32 = -1, appreciative: Int32 = -1
    check(gt_is_personal(&personal, ptr, data.count, ptr, data.count) == GT_OK && (personal == 0 || personal == 1),
          "gt_is_personal")
    check(gt_is_appreciative(&appreciative, ptr, data.count) == GT_OK && appreciative == out.appreciative,
          "gt_is_appreciative differs from gt_classify")
}

/// gt_classify_batch over the input cut at NUL bytes (so texts may split a
/// UTF-8 sequence): each result equals a single gt_classify, first_bad is
/// the first invalid text.
func classifyBatch(_ pieces: [UnsafeBufferPointer<UInt8>], lexicon: OpaquePointer?) {
    var texts = pieces.map { p in
        gt_text(ptr: UnsafeRawPointer(p.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }, len: p.count)
    }
    var out = [gt_classification](repeating: gt_classification(), count: texts.count)
    var firstBad = -1
    let st = out.withUnsafeMutableBufferPointer { o in
        texts.withUnsafeMutableBufferPointer { gt_classify_batch(o.baseAddress, &firstBad, lexicon, $0.baseAddress, $0.count) }
    }
    var expectBad = texts.count
    for (i, t) in texts.enumerated() {
        var one = gt_classification()
        let s = gt_classify(&one, lexicon, t.ptr, t.len)
        if s != GT_OK && expectBad == texts.count { expectBad = i }
        check(one.give_score.bitPattern == out[i].give_score.bitPattern && one.label == out[i].label
              && one.cues == out[i].cues && one.scalars == out[i].scalars, "batch result \(i) differs")
    }
    check(firstBad == expectBad && (st == GT_OK) == (expectBad == texts.count), "batch first_bad \(firstBad)")
}
