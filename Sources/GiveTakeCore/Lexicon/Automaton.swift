// Aho–Corasick automaton over ASCII-case-folded bytes, compiled to a dense
// DFA so that the scan does one table load per input byte.
//
// Layout: bytes map to equivalence classes (upper-case ASCII letters share
// the class of their lower-case letter; bytes used by no pattern share one
// class per word-ness). Failure links only lead to suffixes that start on a
// word boundary, so patterns are matched as whole words on the left by
// construction. The transition table has a power-of-two stride per state and
// stores the *offset* of the next state's row (state << shift). States that
// end a pattern are numbered after all others, so "a pattern ends here" is
// one comparison with `firstOutputOffset`. The scan loop is therefore
// `s = table[s + class[byte]]; if s >= firstOutputOffset { ... }`.

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
    /// byte -> class (already shifted into the row: 0..<stride)
    let classOf: UnsafeMutablePointer<UInt32>
    /// Dense transitions; see the file comment for the encoding.
    let table: UnsafeMutablePointer<UInt32>
    let shift: UInt32
    let firstOutputOffset: UInt32
    /// For each state: first index into `outputs` and count. Outputs list the
    /// patterns that end in that state, longest first.
    let outStart: UnsafeMutablePointer<Int32>
    let outCount: UnsafeMutablePointer<Int32>
    let outputs: UnsafeMutableBufferPointer<Int32>

    /// State numbers during construction (ROOT stays 0 after renumbering).
    static let root = 0, dead = 1

    init(_ list: [Pattern]) {
        // Byte classes: class 0 = non-word bytes no pattern uses, class 1 =
        // word bytes no pattern uses; every pattern byte gets its own class
        // (shared by the two ASCII cases), so each class is all-word or
        // all-non-word.
        var classes = [UInt32](repeating: 0, count: 256)
        for b in 0..<256 where isWordByte(UInt8(b)) { classes[b] = 1 }
        var assigned = [Bool](repeating: false, count: 256)
        var nextClass: UInt32 = 2
        for p in list {
            for b in p.bytes where !assigned[Int(b)] {
                assigned[Int(b)] = true
                classes[Int(b)] = nextClass
                nextClass &+= 1
            }
        }
        for b in 0x41...0x5A { classes[b] = classes[b | 0x20] }
        var shift: UInt32 = 0
        while (1 << shift) < nextClass { shift &+= 1 }
        let stride = 1 << Int(shift)
        var wordClass = [Bool](repeating: false, count: stride)
        for b in 0..<256 { wordClass[Int(classes[b])] = isWordByte(UInt8(b)) }

        // Trie (goto function), -1 = missing. State 0 is ROOT (a match may
        // start at the next byte), state 1 is DEAD (inside a word: only a
        // pattern that begins with a non-word byte may start next).
        var maxStates = 2
        for p in list { maxStates &+= p.bytes.count }
        var goto = [Int32](repeating: -1, count: maxStates &* stride)
        var terminal = [[Int32]](repeating: [], count: maxStates)
        var states = 2
        for (index, p) in list.enumerated() {
            var s = Automaton.root
            for b in p.bytes {
                let c = Int(classes[Int(b)])
                let next = goto[s &* stride &+ c]
                if next >= 0 {
                    s = Int(next)
                } else {
                    goto[s &* stride &+ c] = Int32(states)
                    s = states
                    states &+= 1
                }
            }
            terminal[s].append(Int32(index))
        }

        // Breadth-first failure links over *allowed* suffixes only: a suffix
        // may start a match when it follows a non-word byte or begins with
        // one, which is the spec's left word boundary. So "our" is never
        // even reported inside "your".
        var fail = [Int32](repeating: 0, count: states)
        var order: [Int32] = []
        order.reserveCapacity(states)
        let deadRow = Automaton.dead &* stride
        for c in 0..<stride {
            let t = goto[c]
            if t < 0 {
                goto[c] = Int32(wordClass[c] ? Automaton.dead : Automaton.root)
            } else {
                fail[Int(t)] = Int32(wordClass[c] ? Automaton.dead : Automaton.root)
                order.append(t)
            }
            goto[deadRow &+ c] = wordClass[c] ? Int32(Automaton.dead) : goto[c]
        }
        var head = 0
        while head < order.count {
            let s = Int(order[head])
            head &+= 1
            for c in 0..<stride {
                let t = goto[s &* stride &+ c]
                let viaFail = goto[Int(fail[s]) &* stride &+ c]
                if t < 0 {
                    goto[s &* stride &+ c] = viaFail
                } else {
                    fail[Int(t)] = viaFail
                    order.append(t)
                }
            }
        }

        // Outputs: own patterns (longest first), then the failure state's.
        var outLists = [[Int32]](repeating: [], count: states)
        for s in order.map({ Int($0) }) {
            var own = terminal[s]
            own.sort { list[Int($0)].bytes.count > list[Int($1)].bytes.count }
            outLists[s] = own + outLists[Int(fail[s])]
        }

        var total = 0
        for l in outLists { total &+= l.count }
        let outputs = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(total, 1))
        let outStart = UnsafeMutablePointer<Int32>.allocate(capacity: states)
        let outCount = UnsafeMutablePointer<Int32>.allocate(capacity: states)
        // Renumber: states without outputs first (the root stays 0).
        var newNumber = [Int](repeating: 0, count: states)
        var next = 0
        for s in 0..<states where outLists[s].isEmpty { newNumber[s] = next; next &+= 1 }
        let firstOutput = next
        for s in 0..<states where !outLists[s].isEmpty { newNumber[s] = next; next &+= 1 }
        let table = UnsafeMutablePointer<UInt32>.allocate(capacity: states &* stride)
        for s in 0..<states {
            let row = newNumber[s] &* stride
            for c in 0..<stride {
                table[row &+ c] = UInt32(newNumber[Int(goto[s &* stride &+ c])] << Int(shift))
            }
        }
        var k = 0
        for s in 0..<states {
            let n = newNumber[s]
            outStart[n] = Int32(k)
            outCount[n] = Int32(outLists[s].count)
            for p in outLists[s] { outputs[k] = p; k &+= 1 }
        }
        let classOf = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
        for b in 0..<256 { classOf[b] = classes[b] }

        let pats = UnsafeMutableBufferPointer<PatternInfo>.allocate(capacity: max(list.count, 1))
        for (i, p) in list.enumerated() {
            pats[i] = PatternInfo(length: Int32(p.bytes.count), payload: p.payload, signedWeight: p.signedWeight,
                                  layer: p.layer, flags: p.flags,
                                  needsRightBoundary: p.needsRightBoundary)
        }
        self.patterns = UnsafeMutableBufferPointer(rebasing: pats[0..<list.count])
        self.classOf = classOf
        self.table = table
        self.shift = shift
        self.firstOutputOffset = UInt32(firstOutput << Int(shift))
        self.outStart = outStart
        self.outCount = outCount
        self.outputs = outputs
    }

    func deallocate() {
        patterns.deallocate()
        classOf.deallocate()
        table.deallocate()
        outStart.deallocate()
        outCount.deallocate()
        outputs.deallocate()
    }
}

/// Owns an automaton's memory for a Lexicon.
final class AutomatonOwner {
    let automaton: Automaton
    init(_ automaton: Automaton) { self.automaton = automaton }
    deinit { automaton.deallocate() }
}
