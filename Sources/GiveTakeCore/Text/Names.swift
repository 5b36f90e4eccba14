// First names and the "personal" test of spec section 3.

/// The first name in a display name: the first run of letters (ASCII
/// letters and any non-ASCII character) that is at least 2 characters
/// (Unicode scalars) long. nil when there is none.
public func firstNameSpan(_ name: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
    let n = name.count
    var i = 0
    while i < n {
        if !isNameByte(name[i]) { i &+= 1; continue }
        let start = i
        var scalars = 0
        while i < n && isNameByte(name[i]) {
            if isScalarStart(name[i]) { scalars &+= 1 }
            i &+= 1
        }
        if scalars >= 2 { return start..<i }
    }
    return nil
}

/// True when `text` contains `word` as a whole word (ASCII case-insensitive).
/// `word` must consist of word characters only (a first name does), so an
/// occurrence is exactly a maximal run of word characters in the text.
public func containsWord(_ text: UnsafeBufferPointer<UInt8>, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = text.count, w = word.count
    if w == 0 || w > n { return false }
    // Look for the first byte (either ASCII case), then check the rest and
    // the boundaries: cheaper than tokenising the whole text.
    let first = foldByte(word[0])
    var i = 0
    let last = n &- w
    while i <= last {
        if foldByte(text[i]) == first
            && (i == 0 || !isWordByte(text[i &- 1]))
            && (i &+ w == n || !isWordByte(text[i &+ w]))
            && equalFolded(text, i, word, 0, w) {
            return true
        }
        i &+= 1
    }
    return false
}

/// Spec section 3 "personal": the reply contains the author's first name.
public func isPersonal(reply: UnsafeBufferPointer<UInt8>, authorName: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let span = firstNameSpan(authorName), let base = authorName.baseAddress else { return false }
    return containsWord(reply, UnsafeBufferPointer(start: base + span.lowerBound, count: span.count))
}
