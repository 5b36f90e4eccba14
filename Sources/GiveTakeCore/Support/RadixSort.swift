// Sorting plain Int64 values (times to acknowledge) without comparisons:
// LSD radix sort on bytes, skipping bytes that are the same in every value
// (times rarely use more than 5 of 8). Small inputs use the standard
// library's sort.

func sortInt64(_ values: UnsafeMutableBufferPointer<Int64>, scratch: UnsafeMutableBufferPointer<Int64>) {
    let n = values.count
    if n < 128 {
        var v = values
        v.sort()
        return
    }
    guard let a = values.baseAddress, let b = scratch.baseAddress, scratch.count >= n else { return }
    // Order-preserving unsigned keys: flip the sign bit.
    var orAll: UInt64 = 0, andAll: UInt64 = ~0
    for i in 0..<n {
        let k = UInt64(bitPattern: a[i]) ^ 0x8000_0000_0000_0000
        orAll |= k
        andAll &= k
    }
    let varying = orAll ^ andAll  // bits that differ somewhere
    var src = a, dst = b
    var shift: UInt64 = 0
    while shift < 64 {
        if (varying >> shift) & 0xFF != 0 {
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
                counts.initialize(repeating: 0)
                for i in 0..<n {
                    let k = UInt64(bitPattern: src[i]) ^ 0x8000_0000_0000_0000
                    counts[Int((k >> shift) & 0xFF)] &+= 1
                }
                var total = 0
                for d in 0..<256 {
                    let c = counts[d]
                    counts[d] = total
                    total &+= c
                }
                for i in 0..<n {
                    let k = UInt64(bitPattern: src[i]) ^ 0x8000_0000_0000_0000
                    let d = Int((k >> shift) & 0xFF)
                    dst[counts[d]] = src[i]
                    counts[d] &+= 1
                }
            }
            swap(&src, &dst)
        }
        shift &+= 8
    }
    if src != a { a.update(from: src, count: n) }
}
