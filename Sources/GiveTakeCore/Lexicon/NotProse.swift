// Where a text is not prose, so that no give/take cue is found there:
// inside an @handle or an e-mail address, inside a link, and in the
// sign-off a support agent closes a reply with ("^RR", "-AD", "/AY").
// "@shop_deals" names someone, "t.co/…" and ".../sale/buy-now" are
// addresses, and "-AD" is an agent's initials, not an advert. (The structural cues
// <reply>, <mention> and <link> still see handles and links.)

/// Bytes looked at for a token (on either side of a cue, or back from the
/// text's end); a longer one counts as prose.
private let tokenLimit = 512

/// The first byte of the closing signature, or `text.count` when there is
/// none. The signature is the text's last token, after any trailing links
/// and "1/2"-style part counters, when it is '^' and 1 to 20 letters
/// ("^RR", "^Jools"), or '-', '/' or '~' and 1 to 3 capital letters
/// ("-AD", "/AY"), or 1 to 3 capital letters after a lone dash ("- AD").
func closingSignatureStart(_ text: UnsafeBufferPointer<UInt8>) -> Int {
    let n = text.count
    var end = n
    var dropped = 0
    while true {
        while end > 0 && isSpaceByte(text[end &- 1]) { end &-= 1 }
        var start = end
        while start > 0 && !isSpaceByte(text[start &- 1]) && end &- start < tokenLimit { start &-= 1 }
        if start == end { return n }
        let token = UnsafeBufferPointer(rebasing: text[start..<end])
        if dropped < 3 && (isLink(token) || isPartCounter(token)) {
            end = start
            dropped &+= 1
            continue
        }
        return isSignature(token, text, start) ? start : n
    }
}

private func isSignature(_ token: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
    let first = token[0]
    let rest = UnsafeBufferPointer(rebasing: token[1...])
    if first == 0x5E { return rest.count >= 1 && rest.count <= 20 && rest.allSatisfy(isASCIILetter) }  // ^
    if first == 0x2D || first == 0x2F || first == 0x7E { return isInitials(rest) }  // - / ~
    // "- AD": the token before is a lone dash.
    guard isInitials(token), start >= 3, isSpaceByte(text[start &- 1]), text[start &- 2] == 0x2D,
          isSpaceByte(text[start &- 3]) else { return false }
    return true
}

private func isInitials(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
    t.count >= 1 && t.count <= 3 && t.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }
}

/// "1/2", "2/2": a thread's part counter.
private func isPartCounter(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
    t.count == 3 && isDigitByte(t[0]) && t[1] == 0x2F && isDigitByte(t[2])
}

/// A token that is an address: it holds "://", or a host name and a path
/// (a '/' after a '.' that joins a letter or digit to two letters: "t.co/x",
/// "example.com/sale"; not "£2.30/month" or "a.m./p.m.").
private func isLink(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
    var host = false
    var i = 0
    while i < t.count {
        let b = t[i]
        if b == 0x2F {
            if host || (i >= 1 && t[i &- 1] == 0x3A && i &+ 1 < t.count && t[i &+ 1] == 0x2F) { return true }
        } else if b == 0x2E && i >= 1 && i &+ 2 < t.count && (isASCIILetter(t[i &- 1]) || isDigitByte(t[i &- 1]))
                    && isASCIILetter(t[i &+ 1]) && isASCIILetter(t[i &+ 2]) {
            host = true
        }
        i &+= 1
    }
    return false
}

/// The start of the first token at or after `from` that holds an '@' or
/// a '/' (`text.count` when none does): no cue before it lies in a
/// handle, an e-mail address or a link. Eight bytes at a time.
func firstAddressToken(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
    guard let base = text.baseAddress else { return 0 }
    let n = text.count
    // A high bit per byte that is '@' or '/' (exact where it is set
    // first: no borrow from a lower byte reaches it).
    @inline(__always) func markers(_ w: UInt64) -> UInt64 {
        let x = w ^ 0x4040_4040_4040_4040, y = w ^ 0x2F2F_2F2F_2F2F_2F2F
        return ((x &- 0x0101_0101_0101_0101) & ~x | (y &- 0x0101_0101_0101_0101) & ~y) & 0x8080_8080_8080_8080
    }
    var i = from
    var found = -1
    while i &+ 8 <= n {
        let m = markers(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
        if m != 0 { found = i &+ m.trailingZeroBitCount &>> 3; break }
        i &+= 8
    }
    if found < 0 {
        if i >= n { return n }
        if n >= 8 && n &- 8 >= from {
            // The tail in one overlapping load; bytes before i were clean.
            let m = markers(UnsafeRawPointer(base + (n &- 8)).loadUnaligned(as: UInt64.self))
            if m == 0 { return n }
            found = n &- 8 &+ m.trailingZeroBitCount &>> 3
        } else {
            while i < n && base[i] != 0x40 && base[i] != 0x2F { i &+= 1 }
            if i == n { return n }
            found = i
        }
    }
    var start = found
    while start > from && !isSpaceByte(base[start &- 1]) { start &-= 1 }
    return start
}

/// Whether a cue starting at `pos` may lie in a closing signature: it
/// follows '^', '-', '/' or '~', or a lone dash and a space.
@inline(__always)
func mayOpenSignature(_ text: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Bool {
    guard pos > 0 else { return false }
    let b = text[pos &- 1]
    if b == 0x5E || b == 0x2D || b == 0x2F || b == 0x7E { return true }
    return b == 0x20 && pos >= 2 && text[pos &- 2] == 0x2D
}

/// Whether the cue starting at `pos` lies in a token (a run of non-space
/// bytes) that is an @handle, an e-mail address or a link.
func insideAddress(_ text: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Bool {
    let n = text.count
    var start = pos
    while start > 0 && !isSpaceByte(text[start &- 1]) {
        if pos &- start >= tokenLimit { return false }
        start &-= 1
    }
    var end = pos
    while end < n && !isSpaceByte(text[end]) {
        if end &- pos >= tokenLimit { return false }
        end &+= 1
    }
    let token = UnsafeBufferPointer(rebasing: text[start..<end])
    // An '@' before the cue: a handle ("@shop_deals") or the domain of an
    // e-mail address; one after it: the user part of an address.
    if token.contains(0x40) { return true }
    return isLink(token)
}
