// Per-channel values kept in a 5-tuple (one element per Channel), which
// stays inline in its struct where an array would be a heap object per
// contact. These stand in for indexing a fixed-size array.

@inline(__always)
func withChannel<T>(_ t: inout (T, T, T, T, T), _ c: Int, _ body: (inout T) -> Void) {
    switch c {
    case 0: body(&t.0)
    case 1: body(&t.1)
    case 2: body(&t.2)
    case 3: body(&t.3)
    default: body(&t.4)
    }
}

@inline(__always)
func channelValue<T>(_ t: (T, T, T, T, T), _ c: Int) -> T {
    switch c {
    case 0: return t.0
    case 1: return t.1
    case 2: return t.2
    case 3: return t.3
    default: return t.4
    }
}
