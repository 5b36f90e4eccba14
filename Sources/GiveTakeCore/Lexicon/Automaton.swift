// Aho–Corasick automaton over ASCII-case-folded bytes, compiled to a dense
// DFA so that the scan does one table load per input byte.
//
// Layout: bytes map to equivalence classes (upper-case ASCII letters share
// the class of their lower-case letter; bytes used by no pattern share one
// class per word-ness). Failure links only lead to suffixes that start on a
// word boundary, so patterns are matched as whole words on the left by
// construction. The transition table has one entry per state and byte class
// and stores the *offset* of the next state's row (state × stride). States that
// end a pattern are numbered after all others, so "a pattern ends here" is
// one comparison with `firstOutputOffset`. The scan loop is therefore
// `s = table[s + class[byte]]; if s >= firstOutputOffset { ... }`.
//
// With a large table, a word met in the root state (no match under way)
// is read in one step instead: the word table maps its folded bytes to
// the state the automaton would reach at its end. Read from the root, a
// word only passes trie states, whose patterns all need the word to end
// there, unless one is a prefix pattern or grows over a number: such
// words, and words over 8 bytes, are read byte by byte as before.

/// What a pattern is for. Layers are resolved independently, so a
/// pronoun inside a cue ("our" in "our new") still counts.
enum Layer: UInt8 {
    case cue = 0, negation, pronoun, appreciation
}

struct PatternFlags: OptionSet {
    let rawValue: UInt8
    /// Match on a word prefix: no boundary needed after it ("thank" → "thanks").
    static let prefix = PatternFlags(rawValue: 1)
    /// A number pattern: the span grows left over digits, '.' and ','.
    static let extendLeftNumber = PatternFlags(rawValue: 2)
    /// A currency amount: the span grows right over digits, '.' and ','.
    static let extendRightNumber = PatternFlags(rawValue: 4)
}

/// What the scan needs to know about a pattern, without its bytes, so a
/// hit costs no reference counting.
struct PatternInfo {
    var length: Int32
    var payload: Int32
    /// For cues: the entry's weight signed by polarity (+ give, - take).
    var signedWeight: Double
    var layer: Layer
    var flags: PatternFlags
    var needsRightBoundary: Bool
}

/// A pattern ending in a state, with all the report needs before it
/// chooses to record a hit: 8 bytes, so a state's outputs are one or two
/// consecutive loads after its span (no pattern table load per output).
struct OutputRecord {
    var pattern: Int32
    var length: UInt16
    var flags: PatternFlags
    /// Bits 0-1: layer; bit 2: needs a right boundary; bit 3: pronoun payload (you).
    var bits: UInt8

    var layer: Layer { Layer(rawValue: bits & 3) ?? .cue }
    var needsRightBoundary: Bool { bits & 4 != 0 }
    var isYou: Bool { bits & 8 != 0 }
}

let wordHashMultiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
/// `WordSlot.state` of a word inside which a pattern may end.
let wordWalkMarker = UInt32.max

struct WordSlot {
    var key: UInt64
    var state: UInt32
}

/// Where a state's outputs lie in `Automaton.outputs`.
struct OutputSpan {
    var start: Int32
    var count: Int32
}

struct Pattern {
    var bytes: [UInt8]  // folded
    var layer: Layer
    var flags: PatternFlags
    /// cue/negation: lexicon entry index; pronoun: 0 = we, 1 = you.
    var payload: Int32
    var signedWeight: Double
    /// Whether the last byte is a word character (and the pattern is not a
    /// prefix), which requires a word boundary after it. The left boundary
    /// is built into the automaton.
    var needsRightBoundary: Bool
}

/// The compiled tables. A plain struct of pointers, so scanning copies no
/// references and does no reference counting; `AutomatonOwner` frees them.
struct Automaton {
    let patterns: UnsafeMutableBufferPointer<PatternInfo>
    /// byte -> class (0..<stride)
    let classOf: UnsafeMutablePointer<UInt32>
    /// Dense transitions; see the file comment for the encoding.
    let table: UnsafeMutablePointer<UInt32>
    /// Entries per state: the number of byte classes (rows are not padded
    /// to a power of two, which would double the table in the worst case).
    let stride: UInt32
    /// Row offset -> state number without a division (a hit is not rare in
    /// short posts): offsets are exact multiples of `stride`, so
    /// `(offset >> strideShift) &* strideInverse` is the quotient, with
    /// `strideInverse` the inverse of the odd part of `stride` mod 2^32.
    let strideShift: UInt32
    let strideInverse: UInt32
    let firstOutputOffset: UInt32
    /// For each state: first index into `outputs` and count, in one word.
    /// Outputs list the patterns that end in that state, longest first.
    let outSpan: UnsafeMutablePointer<OutputSpan>
    let outputs: UnsafeMutableBufferPointer<OutputRecord>
    /// Whole words of up to 8 bytes read from the root: folded bytes
    /// (little-endian, zero-padded) -> the state at the word's end, or
    /// `wordWalkMarker` when a pattern may end inside the word. A word not
    /// in the table ends in the dead state unless `riskyFirstByte`.
    let words: UnsafeMutablePointer<WordSlot>
    let wordShift: UInt64
    let wordMask: Int
    let deadOffset: UInt32
    /// Whether the scan uses the word table (see `wordTableMinBytes`).
    let usesWords: Bool
    /// byte -> a word starting with it may pass a pattern that ends
    /// inside it (a prefix such as "thank", or "€5" growing over "€50").
    let riskyFirstByte: UnsafeMutablePointer<Bool>
    /// The longest pattern in bytes: no match starts more than this many
    /// bytes before the position where it is reported.
    let maxPatternLength: Int

    /// State numbers during construction (ROOT stays 0 after renumbering).
    static let root = 0, dead = 1

    /// The tables of a lexicon may not exceed this many bytes (about 4 bytes
    /// per state and byte class): 100,000 multi-word cues need ~100 MiB.
    static let maxTableBytes = 512 << 20
    /// The word table is used when the transition table is at least this
    /// big: then the rows a word walks through are spread beyond the
    /// caches and one lookup beats a load per byte (built-in lexicon, 1.1 MB
    /// table: +11 %); with a small table the per-byte loads hit L1 and the
    /// lookup costs more (the tests' 101-entry lexicon: -11 % when used).
    static let wordTableMinBytes = 512 << 10
    /// At most this many words in the table (4 MiB of slots).
    static let maxWordEntries = 1 << 16

    /// The construction asks `shouldStop` after this many units of work
    /// (a unit is a table entry or a trie step: well under a millisecond).
    static let pollInterval = 1 << 18

    /// Compiles `list`. Throws `.outOfMemory` when the tables would exceed
    /// `maxTableBytes`, and `.cancelled` when `shouldStop` says so (it is
    /// asked every 256 Ki steps); nothing is leaked either way.
    init(_ list: [Pattern], shouldStop: () -> Bool = { false }) throws(GiveTakeError) {
        var work = 0
        func poll(_ units: Int) throws(GiveTakeError) {
            work &+= units
            if work >= Automaton.pollInterval {
                work = 0
                if shouldStop() { throw GiveTakeError(.cancelled, "lexicon compilation was cancelled") }
            }
        }

        // Byte classes: class 0 = non-word bytes no pattern uses, class 1 =
        // word bytes no pattern uses; every pattern byte gets its own class
        // (shared by the two ASCII cases), so each class is all-word or
        // all-non-word.
        var classes = [UInt32](repeating: 0, count: 256)
        for b in 0..<256 where isWordByte(UInt8(b)) { classes[b] = 1 }
        var assigned = [Bool](repeating: false, count: 256)
        var nextClass: UInt32 = 2
        var maxLength = 0
        for p in list {
            maxLength = max(maxLength, p.bytes.count)
            if p.bytes.count > Int(UInt16.max) {
                throw GiveTakeError(.invalidArgument, "pattern longer than " + decimal(Int(UInt16.max)) + " bytes")
            }
            for b in p.bytes where !assigned[Int(b)] {
                assigned[Int(b)] = true
                classes[Int(b)] = nextClass
                nextClass &+= 1
            }
        }
        for b in 0x41...0x5A { classes[b] = classes[b | 0x20] }
        let stride = Int(nextClass)
        var wordClass = [Bool](repeating: false, count: stride)
        for b in 0..<256 { wordClass[Int(classes[b])] = isWordByte(UInt8(b)) }

        // Trie (goto function) as first-child/next-sibling lists, so that
        // its size is known before the dense table is allocated. State 0 is
        // ROOT (a match may start at the next byte), state 1 is DEAD (inside
        // a word: only a pattern that begins with a non-word byte may start
        // next). Patterns ending in a state are chained through `termNext`.
        var firstChild: [Int32] = [-1, -1], nextSibling: [Int32] = [-1, -1]
        var label: [UInt8] = [0, 0], termHead: [Int32] = [-1, -1]
        var termNext = [Int32](repeating: -1, count: list.count)
        for (index, p) in list.enumerated() {
            var s = Automaton.root
            for b in p.bytes {
                let c = UInt8(truncatingIfNeeded: classes[Int(b)])
                var child = firstChild[s]
                while child >= 0 && label[Int(child)] != c { child = nextSibling[Int(child)] }
                if child < 0 {
                    child = Int32(truncatingIfNeeded: firstChild.count)
                    firstChild.append(-1)
                    nextSibling.append(firstChild[s])
                    label.append(c)
                    termHead.append(-1)
                    firstChild[s] = child
                }
                s = Int(child)
            }
            // Chained newest first; reversed below into load order.
            termNext[index] = termHead[s]
            termHead[s] = Int32(index)
            try poll(p.bytes.count &+ 16)
        }
        let states = firstChild.count
        let tableEntries = states.multipliedReportingOverflow(by: stride)
        if tableEntries.overflow || tableEntries.partialValue > Automaton.maxTableBytes / 4
            || states > Int(Int32.max) {
            throw GiveTakeError(.outOfMemory, "lexicon too large: its " + decimal(list.count)
                                + " patterns compile to " + decimal(states) + " states x " + decimal(stride)
                                + " byte classes, over the limit of " + decimal(Automaton.maxTableBytes >> 20)
                                + " MiB of tables; use fewer or shorter cues")
        }

        // The dense table, filled with the trie edges (UInt32.max = none).
        let none = UInt32.max
        let table = UnsafeMutablePointer<UInt32>.allocate(capacity: max(states &* stride, 1))
        var tableOwned = true
        defer { if tableOwned { table.deallocate() } }
        // In pieces: first touching a big table costs page faults too.
        var filled = 0
        while filled < states &* stride {
            let piece = min(Automaton.pollInterval, states &* stride &- filled)
            (table + filled).initialize(repeating: none, count: piece)
            filled &+= piece
            try poll(piece)
        }
        for s in 0..<states {
            var child = firstChild[s]
            while child >= 0 {
                table[s &* stride &+ Int(label[Int(child)])] = UInt32(child)
                child = nextSibling[Int(child)]
            }
            try poll(4)
        }
        firstChild = []; nextSibling = []; label = []
        // The trie's edges, kept before failure links fill the gaps.
        let trieEdges = UnsafeMutablePointer<UInt32>.allocate(capacity: max(states &* stride, 1))
        defer { trieEdges.deallocate() }
        trieEdges.update(from: table, count: states &* stride)

        // Breadth-first failure links over *allowed* suffixes only: a suffix
        // may start a match when it follows a non-word byte or begins with
        // one, which is the spec's left word boundary. So "our" is never
        // even reported inside "your". Missing edges become the failure
        // state's transition, which makes the table a DFA.
        var fail = [Int32](repeating: 0, count: states)
        var order: [Int32] = []
        order.reserveCapacity(states)
        let deadRow = Automaton.dead &* stride
        for c in 0..<stride {
            let t = table[c]
            let other = UInt32(wordClass[c] ? Automaton.dead : Automaton.root)
            if t == none {
                table[c] = other
            } else {
                fail[Int(t)] = Int32(other)
                order.append(Int32(t))
            }
            table[deadRow &+ c] = wordClass[c] ? UInt32(Automaton.dead) : table[c]
        }
        var head = 0
        while head < order.count {
            let s = Int(order[head])
            head &+= 1
            let row = s &* stride, failRow = Int(fail[s]) &* stride
            for c in 0..<stride {
                let t = table[row &+ c]
                let viaFail = table[failRow &+ c]
                if t == none {
                    table[row &+ c] = viaFail
                } else {
                    fail[Int(t)] = Int32(viaFail)
                    order.append(Int32(t))
                }
            }
            try poll(stride)
        }

        // Outputs: own patterns (one length per state, in load order), then
        // the failure state's. Counted in BFS order (a failure state comes
        // first), laid out after renumbering.
        var outN = [Int32](repeating: 0, count: states)
        var ownN = [Int32](repeating: 0, count: states)
        for s32 in order {
            let s = Int(s32)
            var k = termHead[s]
            while k >= 0 { ownN[s] &+= 1; k = termNext[Int(k)] }
            outN[s] = ownN[s] &+ outN[Int(fail[s])]
            try poll(1)
        }
        var total = 0
        for n in outN { total &+= Int(n) }
        if total > Int(Int32.max) {
            throw GiveTakeError(.outOfMemory, "lexicon too large: too many overlapping patterns")
        }

        // Renumber: states without outputs first (the root stays 0), so
        // "a pattern ends here" is one comparison in the scan.
        var newNumber = [Int32](repeating: 0, count: states)
        var next: Int32 = 0
        for s in 0..<states where outN[s] == 0 { newNumber[s] = next; next &+= 1 }
        let firstOutput = Int(next)
        for s in 0..<states where outN[s] != 0 { newNumber[s] = next; next &+= 1 }

        // The word table, from the trie: on a word read from the root the
        // automaton only visits trie states (their failure state is dead).
        var midWord = [Bool](repeating: false, count: states)
        for p in list where !p.needsRightBoundary || p.flags.contains(.extendRightNumber) {
            var s = Automaton.root
            for b in p.bytes { s = Int(trieEdges[s &* stride &+ Int(classes[Int(b)])]) }
            midWord[s] = true
        }
        var repByte = [UInt8](repeating: 0, count: stride)
        for b in (0..<256).reversed() { repByte[Int(classes[b])] = UInt8(b) }
        for b in 0x61...0x7A { repByte[Int(classes[b])] = UInt8(b) }
        var wordEntries: [(UInt64, UInt32)] = []
        var riskyClass = [Bool](repeating: false, count: stride)
        // (node, key, depth, first class, a state before it reports mid-word)
        let useWords = states &* stride &* 4 >= Automaton.wordTableMinBytes
        var stack: [(Int, UInt64, Int, Int, Bool)] = useWords ? [(Automaton.root, 0, 0, 0, false)] : []
        while wordEntries.count <= Automaton.maxWordEntries, let (node, key, depth, first, inside) = stack.popLast() {
            if depth > 0 {
                wordEntries.append((key, inside ? wordWalkMarker
                                        : UInt32(truncatingIfNeeded: Int(newNumber[node]) &* stride)))
                if midWord[node] { riskyClass[first] = true }
            }
            if depth == 8 { continue }
            for c in 2..<stride where wordClass[c] {
                let t = trieEdges[node &* stride &+ c]
                if t != none {
                    stack.append((Int(t), key | UInt64(repByte[c]) << UInt64(8 &* depth), depth &+ 1,
                                  depth == 0 ? c : first, inside || (depth > 0 && midWord[node])))
                }
            }
            try poll(stride)
        }
        let wordsUsed = useWords && wordEntries.count <= Automaton.maxWordEntries
        if !wordsUsed { wordEntries = [] }
        var wordCapacity = 16
        while wordCapacity < wordEntries.count &* 4 { wordCapacity &*= 2 }
        let words = UnsafeMutablePointer<WordSlot>.allocate(capacity: wordCapacity)
        words.initialize(repeating: WordSlot(key: 0, state: 0), count: wordCapacity)
        let wordShift = UInt64(64 &- wordCapacity.trailingZeroBitCount)
        for (key, state) in wordEntries {
            var h = Int(truncatingIfNeeded: (key &* wordHashMultiplier) &>> wordShift)
            while words[h].key != 0 { h = (h &+ 1) & (wordCapacity &- 1) }
            words[h] = WordSlot(key: key, state: state)
        }
        wordEntries = []; midWord = []
        let riskyFirstByte = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        for b in 0..<256 { riskyFirstByte[b] = riskyClass[Int(classes[b])] }

        let outputs = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(total, 1))
        defer { outputs.deallocate() }
        let outStart = UnsafeMutablePointer<Int32>.allocate(capacity: states)
        let outCount = UnsafeMutablePointer<Int32>.allocate(capacity: states)
        defer { outStart.deallocate(); outCount.deallocate() }
        var k = 0
        // BFS order again, so a failure state's list is written before it is copied.
        outStart[Int(newNumber[Automaton.root])] = 0; outCount[Int(newNumber[Automaton.root])] = 0
        outStart[Int(newNumber[Automaton.dead])] = 0; outCount[Int(newNumber[Automaton.dead])] = 0
        for s32 in order {
            let s = Int(s32), n = Int(newNumber[s])
            outStart[n] = Int32(k)
            outCount[n] = outN[s]
            let ownStart = k
            var t = termHead[s]
            while t >= 0 { outputs[k] = t; k &+= 1; t = termNext[Int(t)] }
            outputs[ownStart..<k].reverse()  // load order
            let f = Int(newNumber[Int(fail[s])])
            let fs = Int(outStart[f])
            for j in 0..<Int(outCount[f]) { outputs[k] = outputs[fs &+ j]; k &+= 1 }
            try poll(1 &+ Int(outCount[f]))
        }
        termHead = []; termNext = []; ownN = []; outN = []; order = []; fail = []

        // Targets become row offsets of the new numbers, then rows move to
        // their new places, in place (cycle by cycle), so the table is never
        // held twice.
        for i in 0..<(states &* stride) {
            table[i] = UInt32(truncatingIfNeeded: Int(newNumber[Int(table[i])]) &* stride)
            if i & 0xFFFF == 0 { try poll(0x10000) }
        }
        var placed = [Bool](repeating: false, count: states)
        let temp = UnsafeMutablePointer<UInt32>.allocate(capacity: max(stride, 1))
        defer { temp.deallocate() }
        for start in 0..<states where !placed[start] {
            // Carry the row at `start` to its target, displacing that row, ...
            temp.update(from: table + start &* stride, count: stride)
            var s = start
            while true {
                placed[s] = true
                let target = Int(newNumber[s])
                if target == start {
                    (table + target &* stride).update(from: temp, count: stride)
                    break
                }
                // Swap temp with the row at `target`.
                for c in 0..<stride {
                    let v = table[target &* stride &+ c]
                    table[target &* stride &+ c] = temp[c]
                    temp[c] = v
                }
                // The displaced row belongs to the state numbered `target`
                // before renumbering only if that state is unplaced.
                s = target
                if placed[s] { break }
                try poll(stride)
            }
        }

        // The scan's form of the outputs: spans in one word, records in place of indices.
        let records = UnsafeMutableBufferPointer<OutputRecord>.allocate(capacity: max(total, 1))
        let spans = UnsafeMutablePointer<OutputSpan>.allocate(capacity: states)
        for i in 0..<total {
            let p = list[Int(outputs[i])]
            let you: UInt8 = p.layer == .pronoun && p.payload != 0 ? 8 : 0
            records[i] = OutputRecord(pattern: outputs[i], length: UInt16(truncatingIfNeeded: p.bytes.count),
                                      flags: p.flags,
                                      bits: p.layer.rawValue | (p.needsRightBoundary ? 4 : 0) | you)
        }
        for s in 0..<states { spans[s] = OutputSpan(start: outStart[s], count: outCount[s]) }

        let classOf = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
        for b in 0..<256 { classOf[b] = classes[b] }
        let pats = UnsafeMutableBufferPointer<PatternInfo>.allocate(capacity: max(list.count, 1))
        for (i, p) in list.enumerated() {
            pats[i] = PatternInfo(length: Int32(p.bytes.count), payload: p.payload, signedWeight: p.signedWeight,
                                  layer: p.layer, flags: p.flags,
                                  needsRightBoundary: p.needsRightBoundary)
        }
        tableOwned = false
        self.words = words
        self.wordShift = wordShift
        self.wordMask = wordCapacity &- 1
        self.deadOffset = UInt32(truncatingIfNeeded: Int(newNumber[Automaton.dead]) &* stride)
        self.riskyFirstByte = riskyFirstByte
        self.usesWords = wordsUsed
        self.patterns = UnsafeMutableBufferPointer(rebasing: pats[0..<list.count])
        self.classOf = classOf
        self.table = table
        self.stride = UInt32(stride)
        (self.strideShift, self.strideInverse) = Automaton.exactDivision(by: UInt32(stride))
        self.firstOutputOffset = UInt32(truncatingIfNeeded: firstOutput &* stride)
        self.outSpan = spans
        self.outputs = records
        self.maxPatternLength = maxLength
    }

    /// (shift, inverse) such that `(x >> shift) &* inverse == x / d` for
    /// every multiple x of d (d > 0) below 2^32.
    static func exactDivision(by d: UInt32) -> (UInt32, UInt32) {
        let shift = UInt32(d.trailingZeroBitCount)
        let odd = d >> shift
        var inverse = odd  // Newton's iteration doubles the correct low bits.
        for _ in 0..<5 { inverse = inverse &* (2 &- odd &* inverse) }
        return (shift, inverse)
    }

    func deallocate() {
        patterns.deallocate()
        classOf.deallocate()
        table.deallocate()
        outSpan.deallocate()
        outputs.deallocate()
        words.deallocate()
        riskyFirstByte.deallocate()
    }
}

/// Owns an automaton's memory for a Lexicon.
final class AutomatonOwner {
    let automaton: Automaton
    init(_ automaton: Automaton) { self.automaton = automaton }
    deinit { automaton.deallocate() }
}
