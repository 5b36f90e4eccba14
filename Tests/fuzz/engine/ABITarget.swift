// (d) Random sequences of C ABI calls through the @c thunks: handles
// created, configured, fed, finished, read and freed in any order, with
// NULL pointers and out-of-domain arguments. Every call returns a known
// status, errors leave a message, results are readable in full.
import CGiveTake
import Glibc

private let statuses: Set<Int32> = [GT_OK, GT_EINVAL, GT_ENOMEM, GT_EPARSE, GT_EUTF8, GT_ERANGE, GT_ESTATE,
                                    GT_ECANCELED]

private func status(_ s: Int32, _ call: String) { check(statuses.contains(s), call + " returned \(s)") }

/// The interrupt callback: counts its calls and stops at a limit.
private let stopAfter: gt_interrupt_fn = { context in
    let counter = context!.assumingMemoryBound(to: Int.self)
    counter.pointee -= 1
    return counter.pointee < 0 ? 1 : 0
}

private struct Handles {
    var lexicons: [OpaquePointer?] = [nil, nil]
    var scorers: [OpaquePointer?] = [nil, nil]
    /// The lexicon slot each scorer was created from: a lexicon must not
    /// change while a scorer uses it.
    var scorerLexicon: [Int?] = [nil, nil]

    func pinned(_ slot: Int) -> Bool { scorerLexicon.contains(slot) }

    mutating func freeLexicon(_ slot: Int) {
        gt_lexicon_free(lexicons[slot])
        lexicons[slot] = nil
        for i in scorerLexicon.indices where scorerLexicon[i] == slot { scorerLexicon[i] = nil }
    }

    mutating func freeScorer(_ slot: Int) {
        gt_scorer_free(scorers[slot])
        scorers[slot] = nil
        scorerLexicon[slot] = nil
    }
}

private func readResults(_ s: OpaquePointer) {
    var accounts: UnsafePointer<gt_account_score>? = nil
    var contacts: UnsafePointer<gt_contact_score>? = nil
    var na = -1, nc = -1
    let sa = gt_scorer_accounts(&accounts, &na, s), sc = gt_scorer_contacts(&contacts, &nc, s)
    var asOf: Int64 = 0, rows = -1
    let so = gt_scorer_as_of(&asOf, s), sr = gt_scorer_row_count(&rows, s)
    check(sa == sc && sa == so && sa == sr && (sa == GT_OK || sa == GT_ESTATE), "result calls disagree: \(sa) \(sc)")
    guard sa == GT_OK else { check(na == 0 && nc == 0, "counts without results"); return }
    check(rows >= 0 && asOf >= GT_TIME_MIN && asOf <= GT_TIME_MAX, "as_of \(asOf), rows \(rows)")
    var previous: (Int64, Int32)? = nil
    for i in 0..<na {
        let a = accounts![i]  // reads the whole row: ASan checks the array
        if let p = previous { check(p < (a.account_id, a.channel), "accounts out of order") }
        previous = (a.account_id, a.channel)
        check(a.channel >= GT_CHANNEL_ALL && a.channel < GT_CHANNEL_COUNT && a.reserved == 0, "account channel")
    }
    for i in 0..<nc {
        let c = contacts![i]
        check(c.trust_score >= 0 && c.trust_score <= 100 && c.reserved == 0, "contact row \(i)")
    }
}

func fuzzABI(_ data: UnsafeBufferPointer<UInt8>) {
    var input = FuzzInput(data)
    var pool = TextPool()
    var h = Handles()
    var interruptBudget = 0
    var madeDefault = false
    defer {
        for i in h.scorers.indices { h.freeScorer(i) }
        for i in h.lexicons.indices { h.freeLexicon(i) }
        pool.freeAll()
    }
    var steps = 0
    while !input.isEmpty && steps < 48 {
        steps += 1
        let l = input.below(2), s = input.below(2)
        switch input.below(14) {
        case 0:
            h.freeLexicon(l)
            // Mostly empty lexicons: building the default one costs more
            // than the rest of a run, so at most one per input.
            let k = input.byte()
            var flags = k == 255 ? GT_LEXICON_DEFAULT : k < 224 ? GT_LEXICON_EMPTY : input.int32()
            if flags == GT_LEXICON_DEFAULT { if madeDefault { flags = GT_LEXICON_EMPTY } else { madeDefault = true } }
            let st = gt_lexicon_new(&h.lexicons[l], flags)
            check((st == GT_OK) == (h.lexicons[l] != nil) && (st == GT_OK || st == GT_EINVAL), "gt_lexicon_new")
        case 1:
            guard let lex = h.lexicons[l], !h.pinned(l) else { continue }
            let t = input.chunk()
            status(gt_lexicon_load(lex, input.byte() == 0 ? nil : pool.copy(t), t.count), "gt_lexicon_load")
        case 2:
            guard let lex = h.lexicons[l], !h.pinned(l) else { continue }
            let t = input.chunk()
            let len = input.byte() < 8 ? Int.min + input.below(2) : t.count
            status(gt_lexicon_add(lex, pool.copy(t), len, input.int32(), input.double()), "gt_lexicon_add")
        case 3:
            let n = gt_lexicon_count(h.lexicons[l])
            var p: UnsafePointer<CChar>? = nil
            var len = 0, cat: Int32 = 0, w = 0.0
            let i = input.byte() < 16 ? Int(truncatingIfNeeded: input.int64()) : input.below(n + 2)
            let st = input.bool() ? gt_lexicon_entry(&p, &len, &cat, &w, h.lexicons[l], i)
                : gt_lexicon_entry(nil, nil, nil, nil, h.lexicons[l], i)
            check((st == GT_OK) == (h.lexicons[l] != nil && i >= 0 && i < n), "gt_lexicon_entry(\(i)) of \(n)")
            if let p { for k in 0..<len { _ = p[k] } }
            check(errmsgLength(gt_lexicon_errmsg(h.lexicons[l])) >= 0, "gt_lexicon_errmsg")
        case 4:
            let t = input.chunk()
            let p = input.byte() == 0 ? nil : pool.copy(t)
            var out = gt_classification()
            let st = input.byte() == 0 ? gt_classify(nil, h.lexicons[l], p, t.count)
                : gt_classify(&out, h.lexicons[l], p, t.count)
            status(st, "gt_classify")
            var cues = [gt_cue](repeating: gt_cue(), count: 3)
            var n = 0
            let cap = input.below(4)
            status(cues.withUnsafeMutableBufferPointer { gt_explain(cap == 0 ? nil : $0.baseAddress, cap, &n, h.lexicons[l], p, t.count) },
                   "gt_explain")
            classifyBatch([t, input.chunk(), input.chunk()], lexicon: h.lexicons[l])
        case 5:
            h.freeScorer(s)
            let useLexicon = input.bool() && h.lexicons[l] != nil
            check(gt_scorer_new(&h.scorers[s], useLexicon ? h.lexicons[l] : nil) == GT_OK, "gt_scorer_new")
            h.scorerLexicon[s] = useLexicon ? l : nil
        case 6:
            let sc = h.scorers[s]
            let st: Int32
            switch input.below(5) {
            case 0: st = gt_scorer_set_as_of(sc, input.int64())
            case 1: st = gt_scorer_set_sla(sc, input.int32() % 8, input.double())
            case 2: st = gt_scorer_set_half_life(sc, input.double())
            case 3: st = gt_scorer_set_health_weight(sc, input.int32(), input.double())
            default: st = gt_scorer_set_give_target(sc, input.double())
            }
            status(st, "gt_scorer_set_*")
            if sc == nil { check(st == GT_EINVAL, "a setter accepted a NULL scorer") }
        case 7:
            var rows: [gt_interaction] = []
            for _ in 0..<input.below(9) { rows.append(makeRow(&input, &pool)) }
            let n = input.byte() < 4 ? Int.min + input.below(2) : rows.count
            let st = rows.withUnsafeBufferPointer { gt_scorer_add(h.scorers[s], input.byte() == 0 ? nil : $0.baseAddress, n) }
            status(st, "gt_scorer_add")
            // A text length no buffer can have (>= 2^63) must be refused.
            let absurd = rows.prefix(max(n, 0)).contains { $0.body.len < 0 || $0.author_name.len < 0 }
            if h.scorers[s] != nil && absurd { check(st == GT_EINVAL, "a text length >= 2^63 accepted: \(st)") }
            if let sc = h.scorers[s], st != GT_OK { check(errmsgLength(gt_scorer_errmsg(sc)) > 0, "add failed silently") }
        case 8:
            if let sc = h.scorers[s], input.bool() {
                interruptBudget = input.below(3)
                status(gt_scorer_set_interrupt(sc, stopAfter, &interruptBudget), "gt_scorer_set_interrupt")
                let st = gt_scorer_finish(sc)
                check(st == GT_OK || st == GT_ECANCELED, "gt_scorer_finish with an interrupt -> \(st)")
                status(gt_scorer_set_interrupt(sc, nil, nil), "gt_scorer_set_interrupt(NULL)")
            } else {
                let st = gt_scorer_finish(h.scorers[s])
                check(h.scorers[s] == nil ? st == GT_EINVAL : st == GT_OK, "gt_scorer_finish -> \(st)")
            }
        case 9:
            if let sc = h.scorers[s] { readResults(sc) }
            check(errmsgLength(gt_scorer_errmsg(h.scorers[s])) >= 0, "gt_scorer_errmsg")
        case 10:
            if input.bool() {
                let st = gt_scorer_reset(h.scorers[s])
                check(st == (h.scorers[s] == nil ? GT_EINVAL : GT_OK), "gt_scorer_reset -> \(st)")
                var accounts: UnsafePointer<gt_account_score>? = nil
                var n = 0
                if let sc = h.scorers[s] { check(gt_scorer_accounts(&accounts, &n, sc) == GT_ESTATE, "results after a reset") }
            } else {
                h.freeScorer(s)
            }
        case 11:
            h.freeLexicon(l)
        case 12:
            let t = input.chunk()
            let p = input.byte() == 0 ? nil : pool.copy(t)
            let code = input.int32()
            check(gt_strerror(code) != nil, "gt_strerror(\(code))")
            let c = gt_channel_parse(p, t.count), k = gt_kind_parse(p, t.count), g = gt_category_parse(p, t.count)
            check(c >= -1 && c < GT_CHANNEL_COUNT && k >= -1 && k < GT_KIND_COUNT && g >= -1 && g < GT_CAT_COUNT,
                  "parse")
            if c >= 0 { check(gt_channel_name(c) != nil, "channel name") }
            if k >= 0 { check(gt_kind_name(k) != nil, "kind name") }
            if g >= 0 { check(gt_category_name(g) != nil, "category name") }
            _ = gt_channel_name(code); _ = gt_kind_name(code); _ = gt_category_name(code)
            _ = gt_category_polarity(code)
        default:
            let t = input.chunk(), u = input.chunk()
            let p = input.byte() == 0 ? nil : pool.copy(t)
            var off = -1, len = -1
            var flag: Int32 = -1
            let st = gt_first_name(&off, &len, p, t.count)
            status(st, "gt_first_name")
            if st == GT_OK { check(off >= 0 && len >= 0 && off + len <= t.count, "first name span") }
            status(gt_is_personal(&flag, p, t.count, pool.copy(u), u.count), "gt_is_personal")
            status(gt_is_appreciative(&flag, p, t.count), "gt_is_appreciative")
        }
    }
}
