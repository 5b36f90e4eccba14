// (g) gt_schedule_set_tzif on any bytes (seeds: real zone files): GT_OK or
// GT_EPARSE (GT_ERANGE for an offset of a day or more) with a message,
// never a trap; a failed call leaves the
// schedule as it was; a zone that loads answers local days and instants
// for any instant in range.
import CGiveTake

func fuzzTZif(_ data: UnsafeBufferPointer<UInt8>) {
    var sched: OpaquePointer? = nil
    check(gt_schedule_new(&sched) == GT_OK, "gt_schedule_new")
    defer { gt_schedule_free(sched) }
    // A known state first: UTC+2 from the epoch on.
    var t: [Int64] = [0], o: [Int32] = [7200]
    check(gt_schedule_set(sched, &t, &o, 1, nil, 0, nil, 0) == GT_OK, "gt_schedule_set")
    let st = gt_schedule_set_tzif(sched, data.baseAddress, data.count, nil, 0, nil, 0)
    var day: Int64 = 0, instant: Int64 = 0
    let probe: Int64 = 1_780_000_000_000_000  // 2026-05-28
    switch st {
    case GT_OK:
        for at in [GT_TIME_MIN, Int64(0), probe, GT_TIME_MAX] {
            check(gt_schedule_local_day(&day, sched, at) == GT_OK, "local day of \(at)")
            check(gt_schedule_instant(&instant, sched, at) == GT_OK, "instant of \(at)")
        }
    case GT_EPARSE, GT_ERANGE, GT_EINVAL:
        check(gt_schedule_errmsg(sched).map { $0.pointee != 0 } ?? false, "failed without a message")
        // Unchanged: 2026-05-28 23:00 UTC is the 29th (day 20602) at UTC+2.
        check(gt_schedule_local_day(&day, sched, 1_780_009_200_000_000) == GT_OK && day == 20_602,
              "a failed set changed the schedule (day \(day))")
    default:
        check(false, "gt_schedule_set_tzif -> \(st)")
    }
}
