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

private let rowSize = MemoryLayout<gt_interaction>.stride
private let accountSize = MemoryLayout<gt_account_score>.stride

/// A row without texts.
private func plain(_ id: Int64, _ kind: Int32, inbound: Bool, seconds: Int64, thread: Int64? = nil,
                   agent: Int64? = nil, parent: Int64? = nil) -> gt_interaction {
    var flags = UInt32(GT_ROW_HAS_CONTACT)
    if inbound { flags |= UInt32(GT_ROW_INBOUND) }
    if thread != nil { flags |= UInt32(GT_ROW_HAS_THREAD) }
    if agent != nil { flags |= UInt32(GT_ROW_HAS_AGENT) }
    if parent != nil { flags |= UInt32(GT_ROW_HAS_PARENT) }
    return gt_interaction(id: id, account_id: 7, contact_id: 3, parent_id: parent ?? 0, created_at: seconds * 1_000_000,
                          value: 0, author_name: gt_text(ptr: nil, len: 0), body: gt_text(ptr: nil, len: 0),
                          channel: GT_CHANNEL_FACEBOOK, kind: kind, flags: flags, reserved: 0,
                          thread_id: thread ?? 0, agent_id: agent ?? 0)
}

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
        #expect(c.label == GT_LABEL_TAKE && c.take_score > 1 && c.cues >= 2)  // "shop now", "20% off" (and what else the built-in knows)
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
        #expect(gt_scorer_account_rows(&rows, &n, accountSize, s) == GT_ESTATE)
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
                               flags: UInt32(GT_ROW_INBOUND | GT_ROW_HAS_CONTACT), reserved: 0, thread_id: 0, agent_id: 0),
                gt_interaction(id: 2, account_id: 5, contact_id: 0, parent_id: 1, created_at: 60_000_000, value: 0,
                               author_name: gt_text(ptr: nil, len: 0), body: gt_text(ptr: b.baseAddress, len: 10),
                               channel: GT_CHANNEL_TWITTER, kind: GT_KIND_REPLY,
                               flags: UInt32(GT_ROW_HAS_PARENT), reserved: 0, thread_id: 0, agent_id: 0),
            ]
            #expect(gt_scorer_add_rows(s, batch, 2, rowSize) == GT_OK)
            batch[0].created_at = Int64.max
            #expect(gt_scorer_add_rows(s, batch, 2, rowSize) == GT_ERANGE)
            // Rows count across calls: two were added before this batch.
            #expect(message(gt_scorer_errmsg(s)) == "row 2 (id 1): created_at is outside years 0001..9999")
            batch[0].created_at = 0
            batch[1].body = gt_text(ptr: nil, len: 4)
            #expect(gt_scorer_add_rows(s, batch, 2, rowSize) == GT_EINVAL)
            #expect(message(gt_scorer_errmsg(s)).contains("row 3 (id 2): body is NULL"))
        } }
        #expect(gt_scorer_set_half_life(s, 100) == GT_ESTATE)
        #expect(gt_scorer_finish(s) == GT_OK)
        #expect(gt_scorer_account_rows(&rows, &n, accountSize, s) == GT_OK)
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
                           flags: UInt32(GT_ROW_INBOUND | GT_ROW_HAS_CONTACT), reserved: 0, thread_id: 0, agent_id: 0)
        }
        #expect(gt_scorer_add_rows(s, &rows, rows.count, rowSize) == GT_OK)
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
        #expect(gt_scorer_account_rows(&out, &n, accountSize, s) == GT_ESTATE)
        // The rows stay: without the callback the same scorer finishes.
        #expect(gt_scorer_set_interrupt(s, nil, nil) == GT_OK)
        #expect(gt_scorer_finish(s) == GT_OK)
        #expect(gt_scorer_account_rows(&out, &n, accountSize, s) == GT_OK && out![0].needs_ack + out![0].pending == 70_000)
    }

    @Test func turnsAgentsAndOlderLayouts() {
        // Thread 40: two customer messages, then agent 9 answers after 100 s.
        // A third customer message after the answer is a new turn, still open.
        var rows = [
            plain(1, GT_KIND_COMMENT, inbound: true, seconds: 0, thread: 40),
            plain(2, GT_KIND_COMMENT, inbound: true, seconds: 30, thread: 40),
            plain(3, GT_KIND_COMMENT, inbound: false, seconds: 100, thread: 40, agent: 9),
            plain(4, GT_KIND_COMMENT, inbound: true, seconds: 200, thread: 40),
        ]
        func score(_ unit: Int32, _ add: (OpaquePointer?) -> Int32) -> (OpaquePointer?, [gt_turn_score]) {
            var s: OpaquePointer? = nil
            #expect(gt_scorer_new(&s, nil) == GT_OK)
            #expect(gt_scorer_set_ack_unit(s, unit) == GT_OK)
            #expect(add(s) == GT_OK)
            #expect(gt_scorer_finish(s) == GT_OK)
            var t: UnsafePointer<gt_turn_score>? = nil
            var n = 0
            #expect(gt_scorer_turns(&t, &n, s) == GT_OK)
            return (s, Array(UnsafeBufferPointer(start: t, count: n)))
        }
        let (s, turns) = score(GT_ACK_UNIT_TURN) { gt_scorer_add_rows($0, &rows, rows.count, rowSize) }
        defer { gt_scorer_free(s) }
        #expect(turns.count == 2)
        #expect(turns[0].turn_id == 1 && turns[0].inbound_rows == 2 && turns[0].status == GT_TURN_ACKNOWLEDGED)
        #expect(turns[0].first_ack_id == 3 && turns[0].agent_id == 9 && turns[0].time_to_ack_s == 100)
        #expect(turns[0].flags == UInt32(GT_TURN_HAS_THREAD | GT_TURN_HAS_CONTACT | GT_TURN_HAS_AGENT))
        #expect(turns[0].thread_id == 40 && turns[0].due_at == 4 * 3600 * 1_000_000)
        #expect(turns[1].turn_id == 4 && turns[1].status == GT_TURN_PENDING && turns[1].personal == -1)
        #expect(turns[1].time_to_ack_s.isNaN)
        #expect(message(gt_turn_status_name(turns[1].status)) == "pending")
        var agents: UnsafePointer<gt_agent_score>? = nil
        var n = 0
        #expect(gt_scorer_agents(&agents, &n, s) == GT_OK && n == 1)
        #expect(agents![0].agent_id == 9 && agents![0].has_agent == 1 && agents![0].acknowledged == 1)
        #expect(agents![0].median_ack_s == 100 && agents![0].sla_rate == 1)
        var acc: UnsafePointer<gt_account_score>? = nil
        #expect(gt_scorer_account_rows(&acc, &n, accountSize, s) == GT_OK)
        #expect(acc![0].needs_ack == 1 && acc![0].pending == 1 && acc![0].median_ack_business_s == 100)
        // The first layout: 216-byte account rows, same leading fields.
        #expect(gt_scorer_accounts(&acc, &n, s) == GT_OK && n == 2)
        let second = UnsafeRawPointer(acc!) + Int(GT_ACCOUNT_SCORE_V1_SIZE)
        #expect(second.loadUnaligned(fromByteOffset: 8, as: Int32.self) == GT_CHANNEL_FACEBOOK)
        #expect(gt_scorer_account_rows(&acc, &n, 100, s) == GT_EINVAL)

        // Row mode: every needs-ack row is a turn (v1 numbers).
        let (r, rowTurns) = score(GT_ACK_UNIT_ROW) { gt_scorer_add_rows($0, &rows, rows.count, rowSize) }
        defer { gt_scorer_free(r) }
        #expect(rowTurns.map(\.turn_id) == [1, 2, 4] && rowTurns[1].time_to_ack_s == 70)

        // Rows of the first layout (96 bytes, no thread): gt_scorer_add reads
        // that stride, so thread 40 is unknown and each comment is alone.
        var packed = [UInt8](repeating: 0, count: Int(GT_INTERACTION_V1_SIZE) * rows.count)
        for i in 0..<rows.count {
            withUnsafeBytes(of: rows[i]) { src in
                for b in 0..<Int(GT_INTERACTION_V1_SIZE) { packed[i * Int(GT_INTERACTION_V1_SIZE) + b] = src[b] }
            }
        }
        let (v, v1Turns) = score(GT_ACK_UNIT_TURN) { h in
            packed.withUnsafeBytes { gt_scorer_add(h, $0.baseAddress!.assumingMemoryBound(to: gt_interaction.self), 4) }
        }
        defer { gt_scorer_free(v) }
        #expect(v1Turns.count == 3 && v1Turns.allSatisfy { $0.status != GT_TURN_ACKNOWLEDGED && $0.flags == 2 })
        #expect(gt_scorer_add_rows(v, &rows, 1, 90) == GT_EINVAL)

        // A 104-byte layout (thread_id, no agent_id): the thread is read,
        // the agent is null.
        var mid = [UInt8](repeating: 0, count: 104 * rows.count)
        for i in 0..<rows.count {
            withUnsafeBytes(of: rows[i]) { src in for b in 0..<104 { mid[i * 104 + b] = src[b] } }
        }
        let (m, midTurns) = score(GT_ACK_UNIT_TURN) { h in
            mid.withUnsafeBytes {
                gt_scorer_add_rows(h, $0.baseAddress!.assumingMemoryBound(to: gt_interaction.self), 4, 104)
            }
        }
        defer { gt_scorer_free(m) }
        #expect(midTurns.count == 2 && midTurns[0].inbound_rows == 2 && midTurns[0].first_ack_id == 3)
        #expect(midTurns[0].flags & UInt32(GT_TURN_HAS_AGENT) == 0)
    }
}
