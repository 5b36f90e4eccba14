// Boolean text as the storage adapters and the twcs CSV import read it.

/// PostgreSQL's boolean spellings, any case: true/false, t/f, yes/no, y/n,
/// on/off, 1/0. Compared in place: no allocation per row.
func parseBoolean(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
    @inline(__always) func isWord(_ w: StaticString) -> Bool {
        guard b.count == w.utf8CodeUnitCount else { return false }
        for i in 0..<b.count where (b[i] >= 0x41 && b[i] <= 0x5A ? b[i] | 0x20 : b[i]) != w.utf8Start[i] {
            return false
        }
        return true
    }
    if isWord("1") || isWord("t") || isWord("true") || isWord("y") || isWord("yes") || isWord("on") { return true }
    if isWord("0") || isWord("f") || isWord("false") || isWord("n") || isWord("no") || isWord("off") { return false }
    return nil
}
