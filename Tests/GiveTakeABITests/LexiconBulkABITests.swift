// gt_lexicon_add_many, gt_lexicon_check and gt_lexicon_set_interrupt as a C
// program calls them.
import CGiveTake
import GiveTake
import Testing

private func message(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "<null>" }

/// An interrupt callback that says "stop" once *context (an Int32) is nonzero.
private let stopWhenSet: gt_interrupt_fn = { context in
    context!.assumingMemoryBound(to: Int32.self).pointee
}

/// Runs body with C cue definitions for (phrase, category, weight) triples.
private func withCues<R>(_ cues: [(String, Int32, Double)], _ body: (UnsafePointer<gt_cue_def>, Int) -> R) -> R {
    let storage = cues.map { Array($0.0.utf8CString) }
    var defs: [gt_cue_def] = []
    return withExtendedLifetime(storage) {
        for (i, c) in cues.enumerated() {
            storage[i].withUnsafeBufferPointer { p in
                defs.append(gt_cue_def(phrase: p.baseAddress, len: p.count - 1, category: c.1, reserved: 0, weight: c.2))
            }
        }
        return defs.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
}

private func withBytes<R>(_ s: String, _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    let bytes = Array(s.utf8CString)
    return bytes.withUnsafeBufferPointer { body($0.baseAddress!, $0.count - 1) }
}

@Suite struct LexiconBulkABITests {
    @Test func addManyIsAllOrNothing() {
        var lex: OpaquePointer? = nil
        #expect(gt_lexicon_new(&lex, GT_LEXICON_EMPTY) == GT_OK)
        defer { gt_lexicon_free(lex) }
        let good: [(String, Int32, Double)] = [("mega deal", GT_CAT_SELLING, 2), ("how-to video", GT_CAT_TEACHING, 1),
                                               ("MEGA  deal", GT_CAT_SELLING, 3)]
        #expect(withCues(good) { gt_lexicon_add_many(lex, $0, $1) } == GT_OK)
        #expect(gt_lexicon_count(lex) == 2)  // the later "mega deal" replaced the first
        var c = gt_classification()
        #expect(withBytes("a mega deal") { gt_classify(&c, lex, $0, $1) } == GT_OK)
        #expect(c.take_score == 3)
        let bad: [(String, Int32, Double)] = [("fine", GT_CAT_GIVE, 1), ("bad", GT_CAT_GIVE, .infinity)]
        #expect(withCues(bad) { gt_lexicon_add_many(lex, $0, $1) } == GT_ERANGE)
        #expect(message(gt_lexicon_errmsg(lex)) == "gt_lexicon_add_many: cue 1: weight must be a number from 0 to 1000")
        #expect(gt_lexicon_count(lex) == 2)
        #expect(withCues([("   ", GT_CAT_GIVE, 1)]) { gt_lexicon_add_many(lex, $0, $1) } == GT_EPARSE)
        #expect(withCues([("x", 99, 1)]) { gt_lexicon_add_many(lex, $0, $1) } == GT_EINVAL)
        // Over the cue limit: refused before any cue is read.
        #expect(withCues([("one", GT_CAT_GIVE, 1)]) { p, _ in gt_lexicon_add_many(lex, p, 1_000_001) } == GT_ENOMEM)
        #expect(message(gt_lexicon_errmsg(lex)).hasSuffix("more than 1,000,000 cues"))
        #expect(gt_lexicon_add_many(lex, nil, 0) == GT_OK)
        #expect(gt_lexicon_add_many(lex, nil, 1) == GT_EINVAL)
    }

    @Test func checkValidatesWithoutChanging() {
        var lex: OpaquePointer? = nil
        #expect(gt_lexicon_new(&lex, GT_LEXICON_EMPTY) == GT_OK)
        defer { gt_lexicon_free(lex) }
        #expect(withCues([(String(repeating: "a", count: 257), GT_CAT_GIVE, 1)]) { p, _ in gt_lexicon_check(lex, p) } == GT_ERANGE)
        #expect(message(gt_lexicon_errmsg(lex)) == "phrase longer than 256 bytes")
        #expect(withCues([("<nope>", GT_CAT_GIVE, 1)]) { p, _ in gt_lexicon_check(lex, p) } == GT_EPARSE)
        #expect(withCues([("fine", GT_CAT_GIVE, 1000)]) { p, _ in gt_lexicon_check(lex, p) } == GT_OK)
        #expect(message(gt_lexicon_errmsg(lex)) == "")
        #expect(gt_lexicon_count(lex) == 0)
    }

    @Test func interruptStopsCompilationAndLongScans() {
        var lex: OpaquePointer? = nil
        #expect(gt_lexicon_new(&lex, GT_LEXICON_DEFAULT) == GT_OK)
        defer { gt_lexicon_free(lex) }
        var stop: Int32 = 1
        let before = gt_lexicon_count(lex)
        withUnsafeMutablePointer(to: &stop) { flag in
            #expect(gt_lexicon_set_interrupt(lex, stopWhenSet, flag) == GT_OK)
            var file = ""
            for i in 0..<5000 { file += "widget model \(i)\tselling\t1\n" }
            #expect(withBytes(file) { gt_lexicon_load(lex, $0, $1) } == GT_ECANCELED)
            #expect(gt_lexicon_count(lex) == before)

            let long = String(repeating: "sale, order now! ", count: 40_000)
            var c = gt_classification()
            #expect(withBytes(long) { gt_classify(&c, lex, $0, $1) } == GT_ECANCELED)
            #expect(c.cues == 0)
            var count = 7
            #expect(withBytes(long) { gt_explain(nil, 0, &count, lex, $0, $1) } == GT_ECANCELED)
            #expect(count == 0)
            // Short texts never ask.
            #expect(withBytes("sale") { gt_classify(&c, lex, $0, $1) } == GT_OK)
            #expect(c.cues == 1)
            // A batch stops at the long text; the texts before it keep their results.
            withBytes("sale") { s, sn in
                withBytes(long) { l, ln in
                    let texts = [gt_text(ptr: s, len: sn), gt_text(ptr: l, len: ln), gt_text(ptr: s, len: sn)]
                    var out = [gt_classification](repeating: gt_classification(), count: 3)
                    var firstBad = 0
                    #expect(gt_classify_batch(&out, &firstBad, lex, texts, 3) == GT_ECANCELED)
                    #expect(firstBad == 1)
                    #expect(out[0].cues == 1 && out[1].cues == 0 && out[2].cues == 0)
                }
            }
            flag.pointee = 0
            #expect(withBytes(long) { gt_classify(&c, lex, $0, $1) } == GT_OK)
            #expect(c.cues == 80_000)
            #expect(withBytes(file) { gt_lexicon_load(lex, $0, $1) } == GT_OK)
            #expect(gt_lexicon_count(lex) == before + 5000)
        }
        #expect(gt_lexicon_set_interrupt(lex, nil, nil) == GT_OK)
        #expect(gt_lexicon_set_interrupt(nil, nil, nil) == GT_EINVAL)
    }
}
