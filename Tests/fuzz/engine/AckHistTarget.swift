// (e) gt_ackhist_bucket and gt_ackhist_percentile: any double has a bucket
// in range and larger values never get a smaller bucket; a percentile is
// the representative of a non-empty bucket and grows with p.
import CGiveTake
import GiveTakeCore

func fuzzAckHist(_ data: UnsafeBufferPointer<UInt8>) {
    var input = FuzzInput(data)
    // Buckets: in range, monotone, NaN refused.
    let x = input.double(), y = input.double()
    var bx: Int32 = -1, by: Int32 = -1
    let sx = gt_ackhist_bucket(&bx, x), sy = gt_ackhist_bucket(&by, y)
    check(sx == (x.isNaN ? GT_ERANGE : GT_OK) && sy == (y.isNaN ? GT_ERANGE : GT_OK), "bucket status")
    check(bx >= 0 && bx < GT_ACKHIST_BUCKETS && by >= 0 && by < GT_ACKHIST_BUCKETS, "bucket \(bx) \(by)")
    if !x.isNaN && !y.isNaN && x <= y { check(bx <= by, "bucket(\(x)) = \(bx) > bucket(\(y)) = \(by)") }
    check(gt_ackhist_bucket(nil, x) == GT_EINVAL, "NULL out accepted")

    // Percentiles over counts drawn from the input.
    let nbuckets = input.byte() < 8 ? input.below(2000) : input.below(Int(GT_ACKHIST_BUCKETS) + 1)
    var counts = [Int64](repeating: 0, count: max(nbuckets, 1))
    var total: Int64 = 0, negative = false
    for _ in 0..<(input.below(12)) {
        let i = input.below(max(nbuckets, 1))
        counts[i] = input.byte() < 16 ? input.int64() : Int64(input.below(1000))
    }
    // Saturating, so counts adding up past 2^63 - 1 never look empty.
    for c in counts.prefix(nbuckets) {
        if c < 0 { negative = true } else {
            let (s, o) = total.addingReportingOverflow(c)
            total = o ? Int64.max : s
        }
    }
    let ps = [input.double(), input.double(), Double(input.below(101)) / 100].sorted { ($0.isNaN ? 2 : $0) < ($1.isNaN ? 2 : $1) }
    var last = -Double.infinity
    for p in ps {
        var out = 123.0
        let st = counts.withUnsafeBufferPointer { gt_ackhist_percentile(&out, $0.baseAddress, nbuckets, p) }
        if nbuckets > Int(GT_ACKHIST_BUCKETS) { check(st == GT_EINVAL, "nbuckets \(nbuckets) accepted"); return }
        if !(p > 0 && p <= 1) || negative { check(st == GT_ERANGE && out.isNaN, "p \(p) -> \(st)"); continue }
        check(st == GT_OK, "percentile status \(st)")
        if total == 0 { check(out.isNaN, "empty histogram -> \(out)"); continue }
        var b: Int32 = -1
        _ = gt_ackhist_bucket(&b, out)
        check(out.isFinite && out >= 0 && Int(b) < nbuckets && counts[Int(b)] > 0,
              "percentile \(out) is not in a non-empty bucket")
        check(out >= last, "percentile decreases with p")
        last = out
    }
    check(gt_ackhist_percentile(nil, counts, nbuckets, 0.5) == GT_EINVAL, "NULL out accepted")
    if nbuckets > 0 { check(gt_ackhist_percentile(&last, nil, nbuckets, 0.5) == GT_EINVAL, "NULL counts accepted") }
}
