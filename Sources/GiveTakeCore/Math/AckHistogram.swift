// A fixed-layout, mergeable histogram of time-to-acknowledge values, so
// partial aggregates (parallel workers, shards, groups) combine by adding
// counts. Values below 64 s get 1-second buckets; from 64 s on, each power
// of two is split into 64 buckets by the top six mantissa bits, so a
// bucket is < 1.6 % wide and its midpoint is within 0.8 % of any value in
// it. No logarithm is needed: the bucket comes from the float's bits.

public enum AckHistogram {
    public static let bucketCount = 1792
    static let linearBuckets = 64

    /// Bucket of a time in seconds (negative and NaN count as 0; values past
    /// the last bucket land in it).
    public static func bucket(_ seconds: Double) -> Int {
        if !(seconds > 0) { return 0 }
        if seconds < Double(linearBuckets) { return Int(seconds) }
        let bits = seconds.bitPattern
        let exponent = Int((bits >> 52) & 0x7FF) - 1023  // >= 6 here
        let mantissaTop = Int((bits >> 46) & 0x3F)
        let b = linearBuckets + (exponent - 6) * 64 + mantissaTop
        return b < bucketCount ? b : bucketCount - 1
    }

    /// The value a bucket stands for: the second itself below 64 s, else the
    /// bucket's midpoint.
    public static func representative(_ bucket: Int) -> Double {
        if bucket < linearBuckets { return Double(bucket) }
        let k = bucket - linearBuckets
        let exponent = k / 64 + 6
        let lower = Double(sign: .plus, exponent: exponent, significand: 1.0 + Double(k % 64) / 64.0)
        let width = Double(sign: .plus, exponent: exponent, significand: 1.0) / 64.0
        return lower + width / 2
    }

    /// percentile_disc: the representative of the smallest bucket whose
    /// cumulative count reaches rank ceil(p * n). nil when empty.
    public static func percentile(_ counts: UnsafeBufferPointer<Int64>, _ p: Double) -> Double? {
        // Counts come from callers: the sums saturate instead of trapping.
        var total: Int64 = 0
        for c in counts where c > 0 { total = total > Int64.max - c ? Int64.max : total + c }
        if total <= 0 { return nil }
        let rank = Int64(truncatingIfNeeded: percentileRank(count: Int(truncatingIfNeeded: total), p: p))
        var running: Int64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            running = running > Int64.max - c ? Int64.max : running + c
            if running >= rank { return representative(i) }
        }
        return representative(counts.count - 1)
    }
}

/// 1-based rank ceil(p * n) of percentile_disc, clamped to 1...n. p is
/// snapped to millionths first so that 0.9 * 10 is exactly 9 (binary
/// floating point would make it 9.000000000000002 and the rank 10).
public func percentileRank(count n: Int, p: Double) -> Int {
    if n <= 0 { return 0 }
    guard p.isFinite else { return n }
    let millionths = Int((min(max(p, 0), 1) * 1_000_000).rounded())
    let (scaled, overflow) = n.multipliedReportingOverflow(by: millionths)  // rank = ceil(scaled / 1e6)
    // On overflow (n near Int.max) the product is a double that may round
    // up to 2^63, which Int(...) would trap on: clamp to n first.
    var rank: Int
    if overflow {
        let r = (Double(n) * (Double(millionths) / 1_000_000)).rounded(.up)
        rank = r >= Double(n) ? n : Int(r)
    } else {
        rank = scaled / 1_000_000 + (scaled % 1_000_000 == 0 ? 0 : 1)
    }
    if rank < 1 { rank = 1 }
    if rank > n { rank = n }
    return rank
}
