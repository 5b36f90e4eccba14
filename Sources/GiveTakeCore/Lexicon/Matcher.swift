// One pass of the automaton over a text, turning pattern hits into the
// classification of spec section 2: whole-word checks, number patterns,
// the negation window, and leftmost-longest selection among overlapping
// cues (so "free shipping" counts once, not also as "shipping").

/// The result of classifying one text.
public struct Classification: Sendable, Equatable {
    public var give: Double = 0
    public var take: Double = 0
    public var label: Label = .neutral
    /// Give/take cues that fired (negated cues do not fire).
    public var cues: Int32 = 0
    public var weWords: Int32 = 0
    public var youWords: Int32 = 0
    public var appreciative = false
    public init() {}
}

/// One cue that fired, for `explain`.
public struct Cue: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var entry: Int
    public var category: Category
    public var weight: Double
}

/// A cue hit before overlap resolution.
struct CueHit {
    var start: Int
    var end: Int
    var pattern: Int32
    var negated: Bool
}

/// Words counted between a negation cue and the cue it negates: "no
/// purchase necessary" (0 words), "not a great deal" (2 words).
let negationWindowWords = 2
/// Floating-point slack for the spec's ">= 1.0" decision on weight sums.
let decisionEpsilon = 1e-9

struct ScanState {
    var hits: UnsafeMutablePointer<CueHit>
    var hitCapacity: Int
    var hitCount = 0
    /// Hits beyond `hitCapacity` (long texts only). Optional, so a short text
    /// never touches an array, not even to release the empty one.
    var overflow: [CueHit]? = nil
    // The last few negation cues, newest last (start, end).
    var negStart: (Int, Int, Int, Int) = (0, 0, 0, 0)
    var negEnd: (Int, Int, Int, Int) = (-1, -1, -1, -1)
    var lastPronounStart = -1
    /// The text's `leadingHandlesEnd`, once a cue asked (-1 before).
    var handlesEnd = -1
    /// The text's `closingSignatureStart`, once a cue asked (-1 before).
    var signatureStart = -1
    /// The text's `firstAddressToken` after its opening handles, once a cue
    /// asked (-1 before).
    var addressFrom = -1
    var weWords: Int32 = 0
    var youWords: Int32 = 0
    var appreciative = false

    init(hits: UnsafeMutablePointer<CueHit>, capacity: Int) {
        self.hits = hits
        self.hitCapacity = capacity
    }

    @inline(__always)
    mutating func append(_ h: CueHit) {
        if overflow == nil && hitCount < hitCapacity {
            hits[hitCount] = h
            hitCount &+= 1
        } else {
            appendBeyondCapacity(h)
        }
    }

    @inline(never)
    private mutating func appendBeyondCapacity(_ h: CueHit) {
        if overflow == nil {
            var all: [CueHit] = []
            all.reserveCapacity(hitCount &* 2)
            for k in 0..<hitCount { all.append(hits[k]) }
            overflow = all
        }
        overflow!.append(h)
        hitCount &+= 1
    }

    /// Whether a word cue starting at `pos` is in a part of the text that
    /// is not prose (NotProse.swift); what that takes is found once per
    /// text, when the first cue asks.
    @inline(__always)
    mutating func notProse(_ text: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Bool {
        if addressFrom < 0 { addressFrom = firstAddressToken(text, from: leadingHandlesEnd(text, &handlesEnd)) }
        // Before the end of a reply's opening handles: inside one of them.
        if pos < handlesEnd { return true }
        if pos >= addressFrom && insideAddress(text, pos) { return true }
        if !mayOpenSignature(text, pos) { return false }
        if signatureStart < 0 { signatureStart = closingSignatureStart(text) }
        return pos >= signatureStart
    }

    mutating func pushNegation(_ start: Int, _ end: Int) {
        negStart = (negStart.1, negStart.2, negStart.3, start)
        negEnd = (negEnd.1, negEnd.2, negEnd.3, end)
    }

    /// End of the newest negation cue that ends at or before `position`.
    func negationEnd(before position: Int) -> Int {
        if negEnd.3 >= 0 && negEnd.3 <= position { return negEnd.3 }
        if negEnd.2 >= 0 && negEnd.2 <= position { return negEnd.2 }
        if negEnd.1 >= 0 && negEnd.1 <= position { return negEnd.1 }
        if negEnd.0 >= 0 && negEnd.0 <= position { return negEnd.0 }
        return -1
    }
}

@inline(__always)
private func isNumberByte(_ b: UInt8) -> Bool { isDigitByte(b) || b == 0x2E || b == 0x2C }

extension Automaton {
    /// Runs the DFA over `text[from..<to]` starting in `state` (0 at the
    /// start of a text; otherwise what the previous call returned), recording
    /// hits in `st`; returns the state reached (to resume at `to`).
    @inline(__always)
    func run(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int, state: UInt32,
             _ st: inout ScanState) -> UInt32 {
        guard let base = text.baseAddress else { return state }
        let classOf = self.classOf
        var s = state
        var p = base + from
        let end = base + to
        let table = self.table, firstOutput = self.firstOutputOffset
        if usesWords { return runWords(text, from: from, to: to, state: state, &st) }
        // Four bytes a round, one bounds test for them: the loop is short
        // and its instruction count is most of a hit-free text's cost.
        if to &- from >= 4 {
            let end4 = end - 3
            while p < end4 {
                s = table[Int(s &+ classOf[Int(p[0])])]
                if s >= firstOutput { report(text, p + 1 - base, s, &st) }
                s = table[Int(s &+ classOf[Int(p[1])])]
                if s >= firstOutput { report(text, p + 2 - base, s, &st) }
                s = table[Int(s &+ classOf[Int(p[2])])]
                if s >= firstOutput { report(text, p + 3 - base, s, &st) }
                s = table[Int(s &+ classOf[Int(p[3])])]
                p += 4
                if s >= firstOutput { report(text, p - base, s, &st) }
            }
        }
        while p != end {
            s = table[Int(s &+ classOf[Int(p.pointee)])]
            p += 1
            if s >= firstOutput { report(text, p - base, s, &st) }
        }
        return s
    }

    /// `run` for an automaton with a word table: a word met in the root
    /// state is read in one lookup. Out of line, so that the plain loop
    /// stays as small as it was.
    @inline(never)
    private func runWords(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int, state: UInt32,
                          _ st: inout ScanState) -> UInt32 {
        let base = text.baseAddress!
        let classOf = self.classOf
        var s = state
        var p = base + from
        let end = base + to
        let table = self.table, firstOutput = self.firstOutputOffset
        // One test a byte for both "a pattern ends here" and, with the word
        // table, "back in the root" (0 - 1 wraps to the largest value).
        let slowFrom = firstOutput &- 1
        // In the root at a word start (no match under way): the whole word
        // in one lookup when it is short and no pattern ends inside it.
        @inline(__always) func slow(_ s: inout UInt32, _ p: inout UnsafePointer<UInt8>) {
            if s != 0 {
                report(text, p - base, s, &st)
            } else if p != end && isWordByte(p.pointee) {
                let (length, t) = wordState(text, p - base, to)
                if length != 0 {
                    p += length
                    s = t
                    if s >= firstOutput { report(text, p - base, s, &st) }
                }
            }
        }
        if s == 0 { slow(&s, &p) }
        // Four bytes a round, one bounds test for them.
        while end - p >= 4 {
            s = table[Int(s &+ classOf[Int(p[0])])]
            if s &- 1 >= slowFrom { p += 1; slow(&s, &p); continue }
            s = table[Int(s &+ classOf[Int(p[1])])]
            if s &- 1 >= slowFrom { p += 2; slow(&s, &p); continue }
            s = table[Int(s &+ classOf[Int(p[2])])]
            if s &- 1 >= slowFrom { p += 3; slow(&s, &p); continue }
            s = table[Int(s &+ classOf[Int(p[3])])]
            p += 4
            if s &- 1 >= slowFrom { slow(&s, &p) }
        }
        while p != end {
            s = table[Int(s &+ classOf[Int(p.pointee)])]
            p += 1
            if s &- 1 >= slowFrom { slow(&s, &p) }
        }
        return s
    }

    /// The word at text[start...] read from the root: (its length, the
    /// state at its end), or length 0 when it must be read byte by byte
    /// (longer than 8 bytes, past `limit`, or a pattern may end inside it).
    @inline(__always)
    private func wordState(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ limit: Int) -> (Int, UInt32) {
        let base = text.baseAddress!
        let n = text.count
        var x: UInt64
        if start &+ 8 <= n {
            x = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
        } else if n >= 8 {
            x = UnsafeRawPointer(base + (n &- 8)).loadUnaligned(as: UInt64.self) &>> UInt64(8 &* (start &+ 8 &- n))
        } else {
            x = 0
            var k = n &- 1
            while k >= start { x = x &<< 8 | UInt64(base[k]); k &-= 1 }
        }
        let high = x & 0x8080_8080_8080_8080
        let y = x & 0x7F7F_7F7F_7F7F_7F7F
        let lower = y | 0x2020_2020_2020_2020
        let letter = (lower &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(lower &+ 0x0505_0505_0505_0505) & ~high & 0x8080_8080_8080_8080
        let digit = (y &+ 0x5050_5050_5050_5050) & ~(y &+ 0x4646_4646_4646_4646) & 0x8080_8080_8080_8080
        let nonWord = ~(high | letter | digit) & 0x8080_8080_8080_8080
        // Past the text end the bytes are 0: not word bytes.
        let length = nonWord == 0 ? 8 : nonWord.trailingZeroBitCount &>> 3
        let end = start &+ length
        if end > limit || (length == 8 && end < n && isWordByte(base[end])) { return (0, 0) }
        let key = (x | letter &>> 2) & (length == 8 ? UInt64.max : (UInt64(1) &<< UInt64(8 &* length)) &- 1)
        let slots = self.words
        var h = Int(truncatingIfNeeded: (key &* wordHashMultiplier) &>> wordShift)
        while true {
            let slot = slots[h]
            if slot.key == key { return slot.state == wordWalkMarker ? (0, 0) : (length, slot.state) }
            if slot.key == 0 { return riskyFirstByte[Int(base[start])] ? (0, 0) : (length, deadOffset) }
            h = (h &+ 1) & wordMask
        }
    }

    // Kept out of line: inlined, it makes the scan loop spill registers.
    @inline(never)
    private func report(_ text: UnsafeBufferPointer<UInt8>, _ end: Int, _ offset: UInt32, _ st: inout ScanState) {
        let n = text.count
        let state = Int((offset >> strideShift) &* strideInverse)
        let span = outSpan[state]
        var k = Int(span.start)
        let last = k &+ Int(span.count)
        while k < last {
            let pat = outputs[k]
            k &+= 1
            let p = Int(pat.pattern)
            var ms = end &- Int(pat.length)
            var me = end
            if pat.flags.contains(.extendLeftNumber) {
                let percent = ms
                if ms == 0 || !isDigitByte(text[ms &- 1]) { continue }  // "20%", not "a%"
                while ms > 0 && isNumberByte(text[ms &- 1]) { ms &-= 1 }
                while ms < percent && !isDigitByte(text[ms]) { ms &+= 1 }  // start on a digit
                if ms == percent { continue }  // no number before the '%'
                if ms > 0 && isWordByte(text[ms &- 1]) { continue }
            }
            // (The automaton only reaches patterns that start on a word
            // boundary, so the left side needs no check here.)
            if pat.flags.contains(.extendRightNumber) {
                while me < n && isNumberByte(text[me]) { me &+= 1 }
                while !isDigitByte(text[me &- 1]) { me &-= 1 }
            }
            if pat.needsRightBoundary && me < n && isWordByte(text[me]) { continue }
            let kind = pat.flags.structuralKind
            if kind != 0 {
                guard let span = structuralSpan(kind, text, ms, me, youWordsSoFar: st.youWords,
                                                handlesEnd: &st.handlesEnd) else { continue }
                if pat.layer == .cue {
                    st.append(CueHit(start: span.0, end: span.1, pattern: Int32(p), negated: false))
                } else if pat.layer == .negation {
                    st.pushNegation(span.0, span.1)
                }
                continue
            }
            switch pat.layer {
            case .cue:
                if st.notProse(text, ms) { continue }
                st.append(CueHit(start: ms, end: me, pattern: Int32(p), negated: isNegated(text, ms, st)))
            case .negation:
                if st.notProse(text, ms) { continue }
                st.pushNegation(ms, me)
            case .pronoun:
                if ms != st.lastPronounStart {
                    st.lastPronounStart = ms
                    if pat.isYou { st.youWords &+= 1 } else { st.weWords &+= 1 }
                }
            case .appreciation:
                st.appreciative = true
            }
        }
    }

    /// A cue is negated when a negation cue ends before it with at most
    /// `negationWindowWords` words in between.
    private func isNegated(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ st: ScanState) -> Bool {
        let negEnd = st.negationEnd(before: start)
        if negEnd < 0 || start &- negEnd > 256 { return false }
        var words = 0
        var inWord = false
        var i = negEnd
        while i < start {
            let w = isWordByte(text[i])
            if w && !inWord { words &+= 1 }
            inWord = w
            i &+= 1
        }
        return words <= negationWindowWords
    }
}

/// Texts longer than this are scanned in segments of this many bytes;
/// between two segments the scan asks whether to stop and settles the cue
/// hits that no later hit can precede, so memory stays bounded.
let scanSegmentBytes = 1 << 18

extension Lexicon {
    /// Classifies a UTF-8 text (spec section 2). Never allocates for texts
    /// with fewer than 40 cue hits.
    public func classify(_ text: UnsafeBufferPointer<UInt8>) -> Classification {
        scan(text, shouldStop: { false }) { _ in } ?? Classification()
    }

    /// `classify`, asking `shouldStop` every 256 KiB of a long text; nil
    /// when it said yes.
    public func classify(_ text: UnsafeBufferPointer<UInt8>, shouldStop: () -> Bool) -> Classification? {
        scan(text, shouldStop: shouldStop) { _ in }
    }

    /// Every give/take cue that fired, in text order.
    public func explain(_ text: UnsafeBufferPointer<UInt8>) -> [Cue] {
        var cues: [Cue] = []
        _ = explain(text, shouldStop: { false }) { cues.append($0) }
        return cues
    }

    /// Hands every give/take cue that fired to `body`, in text order; false
    /// when `shouldStop` (asked every 256 KiB) stopped it.
    public func explain(_ text: UnsafeBufferPointer<UInt8>, shouldStop: () -> Bool,
                        _ body: (Cue) -> Void) -> Bool {
        let entries = self.entries
        return scan(text, shouldStop: shouldStop) { hit in
            let entry = entries[Int(hit.pattern)]
            body(Cue(start: hit.start, end: hit.end, entry: Int(hit.pattern),
                     category: entry.category, weight: entry.weight))
        } != nil
    }

    /// Spec section 3 "appreciative".
    public func isAppreciative(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        classify(text).appreciative
    }

    /// `segment` is a parameter for the tests only (results never depend on it).
    @inline(__always)
    func scan(_ text: UnsafeBufferPointer<UInt8>, segment: Int = scanSegmentBytes, shouldStop: () -> Bool,
              _ fired: (CueHit) -> Void) -> Classification? {
        let automaton = self.automaton
        // 40 hits stay under the stdlib's 1 KiB stack-allocation limit.
        return withUnsafeTemporaryAllocation(of: CueHit.self, capacity: 40) { buffer in
            var st = ScanState(hits: buffer.baseAddress!, capacity: buffer.count)
            var result = Classification()
            var resolved = ResolveState()
            let n = text.count
            if n <= segment {
                _ = automaton.run(text, from: 0, to: n, state: 0, &st)
            } else if !scanSegments(text, segment, &st, &resolved, &result, shouldStop, fired) {
                return nil
            }
            result.weWords = st.weWords
            result.youWords = st.youWords
            result.appreciative = st.appreciative
            if st.hitCount > 0 {
                if st.overflow == nil {
                    _ = resolve(UnsafeMutableBufferPointer(start: st.hits, count: st.hitCount), before: Int.max,
                                all: true, &resolved, &result, fired)
                } else {
                    _ = st.overflow!.withUnsafeMutableBufferPointer {
                        resolve($0, before: Int.max, all: true, &resolved, &result, fired)
                    }
                }
            }
            if result.give - result.take >= 1 - decisionEpsilon {
                result.label = .give
            } else if result.take - result.give >= 1 - decisionEpsilon {
                result.label = .take
            }
            return result
        }
    }

    /// The scan of a text longer than `segment`, out of line so that the
    /// short-text path stays small; false when `shouldStop` said yes.
    @inline(never)
    private func scanSegments(_ text: UnsafeBufferPointer<UInt8>, _ segment: Int, _ st: inout ScanState,
                              _ resolved: inout ResolveState, _ result: inout Classification, _ shouldStop: () -> Bool,
                              _ fired: (CueHit) -> Void) -> Bool {
        let automaton = self.automaton
        let n = text.count
        var pos = 0, state: UInt32 = 0, safe = 0
        while pos < n {
            let stop = n &- pos > segment ? pos &+ segment : n
            state = automaton.run(text, from: pos, to: stop, state: state, &st)
            pos = stop
            if pos == n { break }
            if shouldStop() { return false }
            // A later hit starts at most maxPatternLength bytes back, or
            // further back over a number it extends left across.
            var candidate = pos &- automaton.maxPatternLength
            if candidate > safe {
                while candidate > safe && isNumberByte(text[candidate &- 1]) { candidate &-= 1 }
                safe = candidate
            }
            settle(&st, before: safe, &resolved, &result, fired)
        }
        return true
    }

    /// Resolves and scores the hits that start before `limit`, and keeps
    /// the others for later.
    @inline(__always)
    private func settle(_ st: inout ScanState, before limit: Int, _ resolved: inout ResolveState,
                        _ result: inout Classification, _ fired: (CueHit) -> Void) {
        if st.hitCount == 0 { return }
        if st.overflow == nil {
            let hits = UnsafeMutableBufferPointer(start: st.hits, count: st.hitCount)
            let done = resolve(hits, before: limit, all: false, &resolved, &result, fired)
            if done < st.hitCount {
                (st.hits).update(from: st.hits + done, count: st.hitCount &- done)
            }
            st.hitCount &-= done
        } else {
            let done = st.overflow!.withUnsafeMutableBufferPointer {
                resolve($0, before: limit, all: false, &resolved, &result, fired)
            }
            st.overflow!.removeFirst(done)
            st.hitCount &-= done
            if st.hitCount <= st.hitCapacity {
                for k in 0..<st.hitCount { st.hits[k] = st.overflow![k] }
                st.overflow = nil
            }
        }
    }

    /// Leftmost-longest selection among the hits that start before `limit`
    /// (after sorting, a prefix), or among `all`, then scoring; returns how
    /// many it took.
    @inline(__always)
    private func resolve(_ hits: UnsafeMutableBufferPointer<CueHit>, before limit: Int, all: Bool,
                         _ resolved: inout ResolveState, _ result: inout Classification, _ fired: (CueHit) -> Void) -> Int {
        let before: (CueHit, CueHit) -> Bool = { a, b in
            a.start < b.start || (a.start == b.start && a.end > b.end)
        }
        if hits.count <= 32 {
            var i = 1
            while i < hits.count {
                let h = hits[i]
                var j = i
                while j > 0 && before(h, hits[j &- 1]) { hits[j] = hits[j &- 1]; j &-= 1 }
                hits[j] = h
                i &+= 1
            }
        } else {
            var all = hits
            all.sort(by: before)
        }
        let patterns = automaton.patterns
        var taken = 0
        for h in hits {
            if !all {
                if h.start >= limit { break }
                taken &+= 1
            }
            let pat = patterns[Int(h.pattern)]
            let kind = pat.flags.structuralKind
            if kind != 0 {
                // Outside the overlap rule (StructuralCues.swift): once per
                // text, a sentence-start cue once per sentence it opens.
                if kind != StructuralCue.sentenceStart.rawValue {
                    let bit: UInt32 = 1 << UInt32(kind & 31)
                    if resolved.structuralSeen & bit != 0 { continue }
                    resolved.structuralSeen |= bit
                }
            } else {
                if h.start < resolved.lastEnd { continue }
                resolved.lastEnd = h.end
                if h.negated { continue }
            }
            if pat.signedWeight > 0 { result.give += pat.signedWeight } else { result.take -= pat.signedWeight }
            result.cues &+= 1
            var reported = h
            reported.pattern = pat.payload  // the lexicon entry
            fired(reported)
        }
        return taken
    }
}

/// What leftmost-longest selection carries from one batch of hits to the
/// next: where the last chosen word cue ended, and which structural cues
/// have already counted (once per text).
struct ResolveState {
    var lastEnd = -1
    var structuralSeen: UInt32 = 0
}
