// The C ABI called the way a C program calls it: status codes, messages on
// handles, NULL safety and ownership rules from include/givetake.h.
import CGiveTake
import GiveTake
import Testing

private func withText<R>(_ s: String, _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    var bytes = Array(s.utf8CString)
    return bytes.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count - 1) }
}

private func message(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "<null>" }

@Suite struct ABITests {
    @Test func versionMatchesHeader() {
        #expect(gt_version_number() == GT_VERSION_NUMBER)
        #expect(message(gt_version_string()) == GT_VERSION_STRING)
        #expect(message(gt_strerror(GT_EUTF8)).hasPrefix("GT_EUTF8"))
        #expect(message(gt_strerror(12345)) == "unknown status")
    }

    @Test func enumsRoundTrip() {
        #expect(withText("TWITTER") { gt_channel_parse($0, $1) } == GT_CHANNEL_TWITTER)
        #expect(withText("fax") { gt_channel_parse($0, $1) } == -1)
        #expect(withText("purchase") { gt_kind_parse($0, $1) } == GT_KIND_PURCHASE)
        #expect(message(gt_kind_name(GT_KIND_MESSAGE)) == "message")
        #expect(gt_kind_name(99) == nil && gt_channel_name(-1) == nil && gt_category_name(10) == nil)
        #expect(withText("self_promotion") { gt_category_parse($0, $1) } == GT_CAT_SELF_PROMOTION)
        #expect(gt_category_polarity(GT_CAT_SELLING) == -1 && gt_category_polarity(GT_CAT_TEACHING) == 1)
    }

    @Test func nullArgumentsAreErrorsNotCrashes() {
        var c = gt_classification()
        #expect(gt_classify(nil, nil, "x", 1) == GT_EINVAL)
        #expect(gt_classify(&c, nil, nil, 5) == GT_EINVAL)
        #expect(gt_classify(&c, nil, nil, 0) == GT_OK)  // NULL + 0 = empty text
        #expect(gt_lexicon_new(nil, GT_LEXICON_DEFAULT) == GT_EINVAL)
        #expect(gt_scorer_new(nil, nil) == GT_EINVAL)
        #expect(gt_scorer_add(nil, nil, 0) == GT_EINVAL)
        #expect(gt_scorer_finish(nil) == GT_EINVAL)
        var n = 0
        #expect(gt_explain(nil, 4, &n, nil, "x", 1) == GT_EINVAL)
        gt_lexicon_free(nil)
        gt_scorer_free(nil)
        #expect(message(gt_scorer_errmsg(nil)).contains("NULL"))
    }

    /// A fixed lexicon, so these tests check the ABI, not the learned weights.
    private func fixedLexicon() -> OpaquePointer? {
        var lex: OpaquePointer? = nil
        #expect(gt_lexicon_new(&lex, GT_LEXICON_EMPTY) == GT_OK)
        let text = "shop now\tselling\t1.5\n<percent_off>\tselling\t1.5\nbuy now\tselling\t1.5\n"
            + "tips\tteaching\t1\nguide\tteaching\t1\n"
        #expect(withText(text) { gt_lexicon_load(lex, $0, $1) } == GT_OK)
        return lex
    }

    @Test func classifyAndBatch() {
        let lex = fixedLexicon()
        defer { gt_lexicon_free(lex) }
        var c = gt_classification()
        #expect(withText("Shop now, 20% off") { gt_classify(&c, lex, $0, $1) } == GT_OK)
        #expect(c.label == GT_LABEL_TAKE && c.take_score == 3.0 && c.cues == 2 && c.scalars == 17)
        // NULL is the built-in lexicon.
        #expect(withText("Shop now, 20% off") { gt_classify(&c, nil, $0, $1) } == GT_OK)
        #expect(c.label == GT_LABEL_TAKE && c.take_score > 1 && c.cues == 2)
        let bad: [UInt8] = [0x41, 0xFF]
        let texts = ["tips and a guide", "", "Buy now"]
        var storage = texts.map { Array($0.utf8) }
        storage.append(bad)
        var results = [gt_classification](repeating: gt_classification(), count: 4)
        var firstBad = -1
        let rc = storage[0].withUnsafeBufferPointer { a in storage[1].withUnsafeBufferPointer { b in
            storage[2].withUnsafeBufferPointer { c in storage[3].withUnsafeBufferPointer { d in
                var items = [a, b, c, d].map { gt_text(ptr: UnsafeRawPointer($0.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }, len: $0.count) }
                items[1] = gt_text(ptr: nil, len: 0)
                return gt_classify_batch(&results, &firstBad, lex, items, 4)
            } } } }
        #expect(rc == GT_EUTF8 && firstBad == 3)
        #expect(results[0].label == GT_LABEL_GIVE && results[1].label == GT_LABEL_NEUTRAL)
        #expect(results[2].label == GT_LABEL_TAKE && results[3].cues == 0)
    }

    @Test func explainReportsTotalBeyondCapacity() {
        let lex = fixedLexicon()
        defer { gt_lexicon_free(lex) }
        let text = "Shop now: tips, a guide and 20% off"
        var n = 0
        #expect(withText(text) { gt_explain(nil, 0, &n, lex, $0, $1) } == GT_OK)
        #expect(n == 4)
        var cues = [gt_cue](repeating: gt_cue(), count: 2)
        #expect(withText(text) { gt_explain(&cues, 2, &n, lex, $0, $1) } == GT_OK)
        #expect(n == 4 && cues[0].offset == 0 && cues[0].length == 8 && cues[0].category == GT_CAT_SELLING)
        #expect(cues[1].offset == 10 && cues[1].length == 4 && cues[1].weight == 1.0)
    }

    @Test func lexiconErrorsLiveOnTheHandle() {
        var lex: OpaquePointer? = nil
        #expect(gt_lexicon_new(&lex, GT_LEXICON_EMPTY) == GT_OK)
        defer { gt_lexicon_free(lex) }
        #expect(withText("widget\tgive\t2\nbroken\n") { gt_lexicon_load(lex, $0, $1) } == GT_EPARSE)
        #expect(message(gt_lexicon_errmsg(lex)).hasPrefix("lexicon line 2:"))
        #expect(gt_lexicon_count(lex) == 0)
        #expect(withText("widget\tgive\t2\n") { gt_lexicon_load(lex, $0, $1) } == GT_OK)
        #expect(message(gt_lexicon_errmsg(lex)) == "")
        #expect(withText("mega deal") { gt_lexicon_add(lex, $0, $1, GT_CAT_SELLING, 1.5) } == GT_OK)
        #expect(withText("x") { gt_lexicon_add(lex, $0, $1, 77, 1) } == GT_EINVAL)
        #expect(gt_lexicon_count(lex) == 2)
        var p: UnsafePointer<CChar>? = nil, len = 0, cat: Int32 = -1, w = 0.0
        #expect(gt_lexicon_entry(&p, &len, &cat, &w, lex, 1) == GT_OK)
        #expect(String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self) == "mega deal")
        #expect(cat == GT_CAT_SELLING && w == 1.5)
        #expect(gt_lexicon_entry(&p, &len, &cat, &w, lex, 2) == GT_EINVAL)
        var c = gt_classification()
        #expect(withText("a widget") { gt_classify(&c, lex, $0, $1) } == GT_OK)
        #expect(c.give_score == 2)
    }

    @Test func helpers() {
        var off = 0, len = 0, yes: Int32 = -1
        #expect(withText("@José_99 Smith") { gt_first_name(&off, &len, $0, $1) } == GT_OK)
        #expect(off == 1 && len == 5)  // "José" is 5 bytes
        #expect(withText("Hi ann") { r, rl in withText("Ann Lee") { gt_is_personal(&yes, r, rl, $0, $1) } } == GT_OK)
        #expect(yes == 1)
        #expect(withText("Great point") { gt_is_appreciative(&yes, $0, $1) } == GT_OK && yes == 1)
        var bucket: Int32 = 0
        #expect(gt_ackhist_bucket(&bucket, 12.7) == GT_OK && bucket == 12)
        #expect(gt_ackhist_bucket(&bucket, 1e30) == GT_OK && bucket == GT_ACKHIST_BUCKETS - 1)
    }

    @Test func histogramPercentilesAreWithinOnePercentOrOneSecond() {
        var counts = [Int64](repeating: 0, count: Int(GT_ACKHIST_BUCKETS))
        var values: [Double] = []
        var x = 0.37
        for i in 0..<5000 {
            x = (x * 7919.0 + Double(i)).truncatingRemainder(dividingBy: 200_000)
            values.append(x)
            var b: Int32 = 0
            _ = gt_ackhist_bucket(&b, x)
            counts[Int(b)] += 1
        }
        values.sort()
        for p in [0.5, 0.9, 0.99, 1.0] {
            let exact = values[Int((p * Double(values.count)).rounded(.up)) - 1]
            var got = 0.0
            #expect(gt_ackhist_percentile(&got, counts, counts.count, p) == GT_OK)
            #expect(abs(got - exact) <= max(1, 0.01 * exact), "p\(p): \(got) vs \(exact)")
        }
        var empty = 0.0
        #expect(gt_ackhist_percentile(&empty, nil, 0, 0.5) == GT_OK && empty.isNaN)
        #expect(gt_ackhist_percentile(&empty, counts, counts.count, 0) == GT_ERANGE)
    }

    @Test func scorerLifecycleAndErrors() {
        var s: OpaquePointer? = nil
        #expect(gt_scorer_new(&s, nil) == GT_OK)
        defer { gt_scorer_free(s) }
        var rows: UnsafePointer<gt_account_score>? = nil
        var n = 0
        #expect(gt_scorer_accounts(&rows, &n, s) == GT_ESTATE)
        #expect(gt_scorer_set_sla(s, GT_CHANNEL_TWITTER, -1) == GT_ERANGE)
        #expect(message(gt_scorer_errmsg(s)).contains("positive"))
        #expect(gt_scorer_set_sla(s, 9, 60) == GT_EINVAL)
        #expect(gt_scorer_set_as_of(s, 86_400_000_000) == GT_OK)
        let body = Array("Thanks Ann".utf8CString), name = Array("Ann".utf8CString)
        body.withUnsafeBufferPointer { b in name.withUnsafeBufferPointer { a in
            var batch = [
                gt_interaction(id: 1, account_id: 5, contact_id: 9, parent_id: 0, created_at: 0, value: 0,
                               author_name: gt_text(ptr: a.baseAddress, len: 3), body: gt_text(ptr: nil, len: 0),
                               channel: GT_CHANNEL_TWITTER, kind: GT_KIND_MENTION,
                               flags: UInt32(GT_ROW_INBOUND | GT_ROW_HAS_CONTACT), reserved: 0),
                gt_interaction(id: 2, account_id: 5, contact_id: 0, parent_id: 1, created_at: 60_000_000, value: 0,
                               author_name: gt_text(ptr: nil, len: 0), body: gt_text(ptr: b.baseAddress, len: 10),
                               channel: GT_CHANNEL_TWITTER, kind: GT_KIND_REPLY,
                               flags: UInt32(GT_ROW_HAS_PARENT), reserved: 0),
            ]
            #expect(gt_scorer_add(s, batch, 2) == GT_OK)
            batch[0].created_at = Int64.max
            #expect(gt_scorer_add(s, batch, 2) == GT_ERANGE)
            #expect(message(gt_scorer_errmsg(s)) == "row 0 (id 1): created_at is outside years 0001..9999")
            batch[0].created_at = 0
            batch[1].body = gt_text(ptr: nil, len: 4)
            #expect(gt_scorer_add(s, batch, 2) == GT_EINVAL)
            #expect(message(gt_scorer_errmsg(s)).contains("row 1 (id 2): body is NULL"))
        } }
        #expect(gt_scorer_set_half_life(s, 100) == GT_ESTATE)
        #expect(gt_scorer_finish(s) == GT_OK)
        #expect(gt_scorer_accounts(&rows, &n, s) == GT_OK)
        #expect(n == 2)  // all channels + twitter
        let a = rows![0]
        #expect(a.account_id == 5 && a.channel == GT_CHANNEL_ALL && a.acknowledged == 1)
        #expect(a.personal_rate == 1 && a.appreciative_rate == 1 && a.median_ack_s == 60)
        #expect(a.give_ratio.isNaN && a.conversion_lift.isNaN)
        var contacts: UnsafePointer<gt_contact_score>? = nil
        #expect(gt_scorer_contacts(&contacts, &n, s) == GT_OK && n == 1)
        #expect(contacts![0].contact_id == 9 && contacts![0].acknowledged == 1)
        var asOf: Int64 = 0, kept = 0
        #expect(gt_scorer_as_of(&asOf, s) == GT_OK && asOf == 86_400_000_000)
        #expect(gt_scorer_row_count(&kept, s) == GT_OK && kept == 2)
    }

    @Test func interruptCallbackCancelsFinish() {
        var s: OpaquePointer? = nil
        #expect(gt_scorer_new(&s, nil) == GT_OK)
        defer { gt_scorer_free(s) }
        var rows = (0..<70_000).map { i in
            gt_interaction(id: Int64(i), account_id: 1, contact_id: Int64(i % 50), parent_id: 0,
                           created_at: Int64(i) * 1_000_000, value: 0, author_name: gt_text(ptr: nil, len: 0),
                           body: gt_text(ptr: nil, len: 0), channel: GT_CHANNEL_TWITTER, kind: GT_KIND_MENTION,
                           flags: UInt32(GT_ROW_INBOUND | GT_ROW_HAS_CONTACT), reserved: 0)
        }
        #expect(gt_scorer_add(s, &rows, rows.count) == GT_OK)
        var calls: Int32 = 0
        let stop: gt_interrupt_fn = { context in
            let counter = context!.assumingMemoryBound(to: Int32.self)
            counter.pointee += 1
            return 1
        }
        #expect(gt_scorer_set_interrupt(s, stop, &calls) == GT_OK)
        #expect(gt_scorer_finish(s) == GT_ECANCELED)
        #expect(calls == 1)
        #expect(message(gt_scorer_errmsg(s)) == "scoring was cancelled")
        var out: UnsafePointer<gt_account_score>? = nil
        var n = 0
        #expect(gt_scorer_accounts(&out, &n, s) == GT_ESTATE)
        // The rows stay: without the callback the same scorer finishes.
        #expect(gt_scorer_set_interrupt(s, nil, nil) == GT_OK)
        #expect(gt_scorer_finish(s) == GT_OK)
        #expect(gt_scorer_accounts(&out, &n, s) == GT_OK && out![0].needs_ack + out![0].pending == 70_000)
    }
}
