// (f) gt_time_parse and gt_time_format: any bytes parse to GT_OK inside
// GT_TIME_MIN..GT_TIME_MAX or to an error, never a trap; every instant
// formats within GT_TIME_TEXT_SIZE and, inside the range, parses back to
// itself.
import CGiveTake

func fuzzTime(_ data: UnsafeBufferPointer<UInt8>) {
    var input = FuzzInput(data)
    let micros = input.int64()
    var text = [CChar](repeating: 0x7F, count: Int(GT_TIME_TEXT_SIZE))
    var len = -1
    check(gt_time_format(&text, text.count, &len, micros) == GT_OK, "format status")
    check(len > 0 && len < text.count && text[len] == 0, "format length \(len)")
    if micros >= GT_TIME_MIN && micros <= GT_TIME_MAX {
        var back: Int64 = 0
        check(gt_time_parse(&back, text, len) == GT_OK && back == micros, "\(micros) does not round-trip")
    }
    let rest = input.rest()
    var t: Int64 = 42
    let st = rest.withMemoryRebound(to: CChar.self) { gt_time_parse(&t, $0.baseAddress, $0.count) }
    switch st {
    case GT_OK: check(t >= GT_TIME_MIN && t <= GT_TIME_MAX, "parsed \(t) outside the range")
    case GT_EINVAL, GT_ERANGE: check(t == 42, "out written on error \(st)")
    default: check(false, "parse status \(st)")
    }
}
