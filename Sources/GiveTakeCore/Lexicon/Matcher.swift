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
    var weWords: Int32 = 0
    var youWords: Int32 = 0
    var appreciative = false

    init(hits: UnsafeMutablePointer<CueHit>, capacity: Int) {
        self.hits = hits
        self.hitCapacity = capacity
    }

    mutating func append(_ h: CueHit) {
        if overflow == nil && hitCount < hitCapacity {
            hits[hitCount] = h
        } else {
            if overflow == nil {
                var all: [CueHit] = []
                all.reserveCapacity(hitCount &* 2)
                for k in 0..<hitCount { all.append(hits[k]) }
                overflow = all
            }
            overflow!.append(h)
        }
        hitCount &+= 1
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
    /// Runs the DFA over `text`, recording hits in `st`.
    @inline(__always)
    func run(_ text: UnsafeBufferPointer<UInt8>, _ st: inout ScanState) {
        guard let base = text.baseAddress else { return }
        let n = text.count
        let table = self.table, classOf = self.classOf, firstOutput = self.firstOutputOffset
        var s: UInt32 = 0
        var p = base
        let end = base + n
        while p != end {
            s = table[Int(s &+ classOf[Int(p.pointee)])]
            p += 1
            if s >= firstOutput { report(text, p - base, Int(s >> shift), &st) }
        }
    }

    // Kept out of line: inlined, it makes the scan loop spill registers.
    @inline(never)
    private func report(_ text: UnsafeBufferPointer<UInt8>, _ end: Int, _ state: Int, _ st: inout ScanState) {
        let n = text.count
        let first = Int(outStart[state])
        let last = first &+ Int(outCount[state])
        var k = first
        while k < last {
            let p = Int(outputs[k])
            k &+= 1
            let pat = patterns[p]
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
                guard let span = structuralSpan(kind, text, ms, me, youWordsSoFar: st.youWords) else { continue }
                if pat.layer == .cue {
                    st.append(CueHit(start: span.0, end: span.1, pattern: Int32(p), negated: false))
                } else if pat.layer == .negation {
                    st.pushNegation(span.0, span.1)
                }
                continue
            }
            switch pat.layer {
            case .cue:
                st.append(CueHit(start: ms, end: me, pattern: Int32(p), negated: isNegated(text, ms, st)))
            case .negation:
                st.pushNegation(ms, me)
            case .pronoun:
                if ms != st.lastPronounStart {
                    st.lastPronounStart = ms
                    if pat.payload == 0 { st.weWords &+= 1 } else { st.youWords &+= 1 }
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

extension Lexicon {
    /// Classifies a UTF-8 text (spec section 2). Never allocates for texts
    /// with fewer than 40 cue hits.
    public func classify(_ text: UnsafeBufferPointer<UInt8>) -> Classification {
        scan(text) { _ in }
    }

    /// Every give/take cue that fired, in text order.
    public func explain(_ text: UnsafeBufferPointer<UInt8>) -> [Cue] {
        var cues: [Cue] = []
        let entries = self.entries
        _ = scan(text) { hit in
            let entry = entries[Int(hit.pattern)]
            cues.append(Cue(start: hit.start, end: hit.end, entry: Int(hit.pattern),
                            category: entry.category, weight: entry.weight))
        }
        return cues
    }

    /// Spec section 3 "appreciative".
    public func isAppreciative(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        classify(text).appreciative
    }

    @inline(__always)
    func scan(_ text: UnsafeBufferPointer<UInt8>, _ fired: (CueHit) -> Void) -> Classification {
        let automaton = self.automaton
        // 40 hits stay under the stdlib's 1 KiB stack-allocation limit.
        return withUnsafeTemporaryAllocation(of: CueHit.self, capacity: 40) { buffer in
            var st = ScanState(hits: buffer.baseAddress!, capacity: buffer.count)
            automaton.run(text, &st)
            var result = Classification()
            result.weWords = st.weWords
            result.youWords = st.youWords
            result.appreciative = st.appreciative
            if st.hitCount > 0 {
                if st.overflow == nil {
                    resolve(UnsafeMutableBufferPointer(start: st.hits, count: st.hitCount), &result, fired)
                } else {
                    st.overflow!.withUnsafeMutableBufferPointer { resolve($0, &result, fired) }
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

    /// Leftmost-longest selection among cue hits, then scoring.
    private func resolve(_ hits: UnsafeMutableBufferPointer<CueHit>, _ result: inout Classification,
                         _ fired: (CueHit) -> Void) {
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
        var lastEnd = -1
        var structuralSeen: UInt32 = 0
        for h in hits {
            let pat = patterns[Int(h.pattern)]
            let kind = pat.flags.structuralKind
            if kind != 0 {
                // Outside the overlap rule, once per text (StructuralCues.swift).
                let bit: UInt32 = 1 << UInt32(kind & 31)
                if structuralSeen & bit != 0 { continue }
                structuralSeen |= bit
            } else {
                if h.start < lastEnd { continue }
                lastEnd = h.end
                if h.negated { continue }
            }
            if pat.signedWeight > 0 { result.give += pat.signedWeight } else { result.take -= pat.signedWeight }
            result.cues &+= 1
            var reported = h
            reported.pattern = pat.payload  // the lexicon entry
            fired(reported)
        }
    }
}
