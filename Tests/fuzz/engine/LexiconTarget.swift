// (b) The lexicon parser and gt_lexicon_add/load sequences: a failed call
// changes nothing and says why, a successful one is visible in the
// entries, and every cue that fires points at a live entry.
import CGiveTake
@testable import GiveTakeCore

/// The entries of a lexicon handle, read through the C ABI.
func lexiconEntries(_ lex: OpaquePointer) -> [([UInt8], Int32, UInt64)] {
    var result: [([UInt8], Int32, UInt64)] = []
    let n = gt_lexicon_count(lex)
    for i in 0..<n {
        var p: UnsafePointer<CChar>? = nil
        var len = 0, cat: Int32 = -1, w = 0.0
        check(gt_lexicon_entry(&p, &len, &cat, &w, lex, i) == GT_OK, "gt_lexicon_entry \(i) of \(n)")
        let bytes = UnsafeRawBufferPointer(start: p, count: len)
        result.append((Array(bytes), cat, w.bitPattern))
    }
    return result
}

func sameEntries(_ a: [([UInt8], Int32, UInt64)], _ b: [([UInt8], Int32, UInt64)]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 }
}

func errmsgLength(_ p: UnsafePointer<CChar>?) -> Int {
    guard let p else { return -1 }
    var n = 0
    while p[n] != 0 { n += 1 }
    return n
}

/// Lexicon text drawn from the input: mostly well-formed lines with hostile
/// phrases, categories and weights, sometimes raw bytes.
func lexiconText(_ input: inout FuzzInput) -> [UInt8] {
    if input.byte() < 64 { return Array(input.chunk()) }
    var text: [UInt8] = []
    let categories = ["teaching", "helping", "crediting", "inviting", "responsibility", "give", "selling",
                      "self_promotion", "take", "negation", "TAKE", "nope", ""]
    let weights = ["1", "0", "-1", "0.5", "1e308", "1e309", "nan", "inf", "", "2.", ".5", "+1", "0x10", "1e-400"]
    for _ in 0..<(1 + input.below(4)) {
        text += Array(input.chunk().prefix(24))
        text.append(0x09)
        text += Array(categories[input.below(categories.count)].utf8)
        text.append(0x09)
        text += Array(weights[input.below(weights.count)].utf8)
        text += input.bool() ? [0x0A] : [0x0D, 0x0A]
    }
    return text
}

/// The parser alone (fast): entries come out normalised, errors name a
/// line, and entries written back as lexicon text parse to themselves.
func fuzzLexiconParse(_ text: UnsafeBufferPointer<UInt8>) {
    let entries: [LexiconEntry]
    do throws(GiveTakeError) {
        entries = try Lexicon.parse(text)
    } catch {
        check(error.message.hasPrefix("lexicon line ") || error.message.hasPrefix("lexicon: invalid UTF-8"),
              "parse error without a line: " + error.message)
        return
    }
    var written: [UInt8] = []
    for e in entries {
        let p = e.phrase
        check(!p.isEmpty && p.count <= 256 && p.first != 0x20 && p.last != 0x20, "phrase not trimmed: \(p)")
        check(!p.contains { ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D },
              "phrase not folded: \(p)")
        check(!zip(p, p.dropFirst()).contains { $0 == 0x20 && $1 == 0x20 }, "double space in \(p)")
        check(e.weight.isFinite && e.weight >= 0 && e.weight <= 1000, "weight \(e.weight)")
        let w = String(e.weight)
        if w.contains("e") { continue }
        written += p + [0x09] + Array("\(e.category.name)".utf8) + [0x09] + Array(w.utf8) + [0x0A]
    }
    if entries.contains(where: { String($0.weight).contains("e") }) { return }
    let again = written.withUnsafeBufferPointer { try? Lexicon.parse($0) }
    check(again.map { $0.count == entries.count && zip($0, entries).allSatisfy {
        $0.phrase == $1.phrase && $0.category == $1.category && $0.weight == $1.weight } } ?? false,
          "written lexicon does not read back the same")
}

func fuzzLexicon(_ data: UnsafeBufferPointer<UInt8>) {
    fuzzLexiconParse(data)
    // A quarter of the inputs also drive a lexicon handle: each change
    // recompiles the automaton, so these runs are slow.
    if data.isEmpty || data[0] & 3 != 0 { return }
    var input = FuzzInput(data)
    _ = input.byte()
    var pool = TextPool()
    defer { pool.freeAll() }
    var lex: OpaquePointer? = nil
    // The default lexicon costs a full automaton build per change: rarely.
    check(gt_lexicon_new(&lex, input.byte() == 255 ? GT_LEXICON_DEFAULT : GT_LEXICON_EMPTY) == GT_OK && lex != nil,
          "gt_lexicon_new")
    defer { gt_lexicon_free(lex) }
    let sample = Array("Thanks Anna! Here's a free guide: 20% off, $19.99, not a great deal. We help you.".utf8)
    for _ in 0..<(1 + input.below(3)) {
        if input.isEmpty { break }
        let before = lexiconEntries(lex!)
        let st: Int32
        switch input.below(3) {
        case 0:
            let text = lexiconText(&input)
            let p = text.withUnsafeBufferPointer { pool.copy($0) }
            let null = input.byte() == 0
            st = gt_lexicon_load(lex, null ? nil : p, text.count)
            // The engine's parser decides what the C ABI does.
            let fresh = Lexicon(withDefaults: false)
            let parsed = text.withUnsafeBufferPointer { b -> Bool in (try? fresh.load(b)) != nil }
            if null && !text.isEmpty {
                check(st == GT_EINVAL, "NULL text with a length -> \(st)")
            } else {
                check(parsed == (st == GT_OK), "engine and gt_lexicon_load disagree")
            }
        case 1:
            let phrase = input.chunk()
            let lengths = [phrase.count, 0, 1, Int.max, -1, Int.min]
            let len = input.byte() < 200 ? phrase.count : lengths[input.below(lengths.count)]
            let p = input.byte() == 0 ? nil : pool.copy(phrase)
            // A pointer with a length past its text is the caller's bug,
            // except for lengths no buffer can have (>= 2^63), which the
            // library must refuse.
            let safeLen = (len >= 0 && len <= phrase.count) || len < 0 || p == nil
            if !safeLen { continue }
            st = gt_lexicon_add(lex, p, len, input.int32(), input.double())
            // A length >= 2^63 is refused as a bad length, not as a NULL phrase.
            if len < 0 && p != nil {
                let m = gt_lexicon_errmsg(lex).map { String(cString: $0) } ?? ""
                check(st == GT_EINVAL && !m.contains("NULL"), "length >= 2^63 reported as: " + m)
            }
        default:
            var p: UnsafePointer<CChar>? = nil
            var len = 0, cat: Int32 = 0, w = 0.0
            let index = input.bool() ? Int(input.int64()) : input.below(300)
            let s = gt_lexicon_entry(&p, &len, &cat, &w, lex, index)
            check((s == GT_OK) == (index >= 0 && index < before.count), "gt_lexicon_entry(\(index)) -> \(s)")
            continue
        }
        let after = lexiconEntries(lex!)
        let msg = errmsgLength(gt_lexicon_errmsg(lex))
        if st == GT_OK {
            check(msg == 0, "errmsg kept after success")
            check(after.count >= before.count, "entries lost on success")
        } else {
            check([GT_EINVAL, GT_EPARSE, GT_EUTF8, GT_ERANGE, GT_ENOMEM].contains(st), "status \(st)")
            check(msg > 0, "failure without a message")
            check(sameEntries(before, after), "a failed call changed the lexicon")
        }
        for (phrase, cat, _) in after {
            check(!phrase.isEmpty && cat >= 0 && cat < GT_CAT_COUNT, "entry with phrase \(phrase) category \(cat)")
        }
        // Cues that fire point at live entries with their category and weight.
        for text in [sample, Array(input.chunk())] {
            var n = 0
            var cues = [gt_cue](repeating: gt_cue(), count: 64)
            let p = text.withUnsafeBufferPointer { pool.copy($0) }
            let s = cues.withUnsafeMutableBufferPointer { gt_explain($0.baseAddress, 64, &n, lex, p, text.count) }
            if s != GT_OK { check(s == GT_EUTF8, "gt_explain -> \(s)"); continue }
            for c in cues.prefix(n) {
                check(c.entry >= 0 && Int(c.entry) < after.count, "cue entry \(c.entry) of \(after.count)")
                check(after[Int(c.entry)].1 == c.category && after[Int(c.entry)].2 == c.weight.bitPattern,
                      "cue differs from its entry")
                check(c.offset + c.length <= text.count && c.length > 0, "cue span")
                check(c.weight > 0, "a disabled cue fired")
            }
            var one = gt_classification()
            check(gt_classify(&one, lex, p, text.count) == GT_OK && Int(one.cues) == n, "classify/explain disagree")
        }
    }
}
