// gt_lexicon_*: thunks over GiveTakeCore.Lexicon.
import CGiveTake
import GiveTakeCore

final class LexiconHandle {
    let lexicon: Lexicon
    var error = ErrorMessage()
    /// gt_lexicon_set_interrupt: asked during compilation and long scans.
    var interrupt: gt_interrupt_fn? = nil
    var interruptContext: UnsafeMutableRawPointer? = nil
    /// Phrases copied into memory the handle owns, so gt_lexicon_entry can
    /// hand out stable pointers. Rebuilt after every change.
    private var arena = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private var offsets: [Int] = []

    init(_ lexicon: Lexicon) {
        self.lexicon = lexicon
        refreshArena()
    }

    deinit { arena.deallocate() }

    func refreshArena() {
        arena.deallocate()
        var total = 0
        for e in lexicon.entries { total += e.phrase.count }
        arena = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(total, 1))
        offsets = []
        offsets.reserveCapacity(lexicon.entries.count + 1)
        var k = 0
        for e in lexicon.entries {
            offsets.append(k)
            for b in e.phrase { arena[k] = b; k += 1 }
        }
        offsets.append(k)
    }

    /// Whether the interrupt callback asks to stop (false without one).
    func shouldStop() -> Bool {
        guard let fn = interrupt else { return false }
        return fn(interruptContext) != 0
    }

    func phrase(_ i: Int) -> (UnsafePointer<UInt8>, Int) {
        (UnsafePointer(arena.baseAddress! + offsets[i]), offsets[i + 1] - offsets[i])
    }
}

@inline(__always)
func lexiconHandle(_ handle: OpaquePointer?) -> LexiconHandle? {
    guard let handle else { return nil }
    return object(handle, as: LexiconHandle.self)
}

@inline(__always)
func lexicon(_ handle: OpaquePointer?) -> Lexicon {
    guard let handle else { return Lexicon.builtin }
    return object(handle, as: LexiconHandle.self).lexicon
}

@c @implementation public func gt_lexicon_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ flags: Int32) -> Int32 {
    guard let out else { return GT_EINVAL }
    out.pointee = nil
    guard flags == GT_LEXICON_DEFAULT || flags == GT_LEXICON_EMPTY else { return GT_EINVAL }
    out.pointee = retainedHandle(LexiconHandle(Lexicon(withDefaults: flags == GT_LEXICON_DEFAULT)))
    return GT_OK
}

@c @implementation public func gt_lexicon_load(_ lex: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ len: Int) -> Int32 {
    guard let lex else { return GT_EINVAL }
    let h = object(lex, as: LexiconHandle.self)
    guard let b = bytes(text, len) else {
        h.error.set("gt_lexicon_load: " + textProblem(text, len, "text"))
        return GT_EINVAL
    }
    do {
        try h.lexicon.load(b, shouldStop: h.shouldStop)
    } catch {
        h.error.set(error.message)
        return status(error.code)
    }
    h.error.clear()
    h.refreshArena()
    return GT_OK
}

@c @implementation public func gt_lexicon_add(_ lex: OpaquePointer?, _ phrase: UnsafePointer<CChar>?, _ len: Int,
                                              _ category: Int32, _ weight: Double) -> Int32 {
    guard let lex else { return GT_EINVAL }
    let h = object(lex, as: LexiconHandle.self)
    guard let b = bytes(phrase, len) else {
        h.error.set("gt_lexicon_add: " + textProblem(phrase, len, "phrase"))
        return GT_EINVAL
    }
    guard category >= 0, category < 256, let c = Category(rawValue: UInt8(category)) else {
        h.error.set("gt_lexicon_add: unknown category code " + String(category))
        return GT_EINVAL
    }
    do {
        try h.lexicon.add(phrase: b, category: c, weight: weight, shouldStop: h.shouldStop)
    } catch {
        h.error.set("gt_lexicon_add: " + error.message)
        return status(error.code)
    }
    h.error.clear()
    h.refreshArena()
    return GT_OK
}

@c @implementation public func gt_lexicon_add_many(_ lex: OpaquePointer?, _ cues: UnsafePointer<gt_cue_def>?,
                                                   _ n: Int) -> Int32 {
    guard let lex else { return GT_EINVAL }
    let h = object(lex, as: LexiconHandle.self)
    guard n >= 0, n == 0 || cues != nil else {
        h.error.set("gt_lexicon_add_many: cues is NULL with a non-zero count")
        return GT_EINVAL
    }
    if n > Lexicon.maxCues {
        h.error.set("gt_lexicon_add_many: lexicon too large: more than 1,000,000 cues")
        return GT_ENOMEM
    }
    var entries: [LexiconEntry] = []
    entries.reserveCapacity(n)
    for i in 0..<n {
        if i & 0xFFF == 0xFFF && h.shouldStop() {
            h.error.set("gt_lexicon_add_many: cancelled")
            return GT_ECANCELED
        }
        let cue = cues![i]
        func what() -> String { "gt_lexicon_add_many: cue " + String(i) + ": " }
        guard let b = bytes(cue.phrase, cue.len) else {
            h.error.set(what() + textProblem(cue.phrase, cue.len, "phrase"))
            return GT_EINVAL
        }
        guard cue.category >= 0, cue.category < 256, let c = Category(rawValue: UInt8(cue.category)) else {
            h.error.set(what() + "unknown category code " + String(cue.category))
            return GT_EINVAL
        }
        do {
            entries.append(try Lexicon.entry(phrase: b, category: c, weight: cue.weight))
        } catch {
            h.error.set(what() + error.message)
            return status(error.code)
        }
    }
    do {
        try h.lexicon.add(contentsOf: entries, shouldStop: h.shouldStop)
    } catch {
        h.error.set("gt_lexicon_add_many: " + error.message)
        return status(error.code)
    }
    h.error.clear()
    h.refreshArena()
    return GT_OK
}

@c @implementation public func gt_lexicon_check(_ lex: OpaquePointer?, _ cue: UnsafePointer<gt_cue_def>?) -> Int32 {
    guard let lex else { return GT_EINVAL }
    let h = object(lex, as: LexiconHandle.self)
    guard let cue else {
        h.error.set("gt_lexicon_check: cue is NULL")
        return GT_EINVAL
    }
    guard let b = bytes(cue.pointee.phrase, cue.pointee.len) else {
        h.error.set(textProblem(cue.pointee.phrase, cue.pointee.len, "phrase"))
        return GT_EINVAL
    }
    let code = cue.pointee.category
    guard code >= 0, code < 256, Category(rawValue: UInt8(code)) != nil else {
        h.error.set("unknown category code " + String(code))
        return GT_EINVAL
    }
    do {
        _ = try Lexicon.entry(phrase: b, category: Category(rawValue: UInt8(code))!, weight: cue.pointee.weight)
    } catch {
        h.error.set(error.message)
        return status(error.code)
    }
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_lexicon_set_interrupt(_ lex: OpaquePointer?, _ fn: gt_interrupt_fn?,
                                                       _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let lex else { return GT_EINVAL }
    let h = object(lex, as: LexiconHandle.self)
    h.interrupt = fn
    h.interruptContext = context
    return GT_OK
}

@c @implementation public func gt_lexicon_count(_ lex: OpaquePointer?) -> Int {
    guard let lex else { return 0 }
    return object(lex, as: LexiconHandle.self).lexicon.entries.count
}

@c @implementation public func gt_lexicon_entry(
    _ phrase: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ phraseLen: UnsafeMutablePointer<Int>?,
    _ category: UnsafeMutablePointer<Int32>?, _ weight: UnsafeMutablePointer<Double>?,
    _ lex: OpaquePointer?, _ index: Int
) -> Int32 {
    guard let lex else { return GT_EINVAL }
    let h = object(lex, as: LexiconHandle.self)
    let entries = h.lexicon.entries
    guard index >= 0, index < entries.count else { return GT_EINVAL }
    let (p, n) = h.phrase(index)
    phrase?.pointee = UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)
    phraseLen?.pointee = n
    category?.pointee = Int32(entries[index].category.rawValue)
    weight?.pointee = entries[index].weight
    return GT_OK
}

@c @implementation public func gt_lexicon_errmsg(_ lex: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let lex else { return cString("no lexicon (NULL handle)") }
    return object(lex, as: LexiconHandle.self).error.pointer()
}

@c @implementation public func gt_lexicon_free(_ lex: OpaquePointer?) {
    guard let lex else { return }
    Unmanaged<LexiconHandle>.fromOpaque(UnsafeRawPointer(lex)).release()
}
