// gt_time_parse and gt_time_format: the engine's timestamp text, for hosts
// that read created_at from text (the SQLite plugin) or write score rows.
import CGiveTake
import GiveTakeCore

@c @implementation public func gt_time_parse(_ out: UnsafeMutablePointer<Int64>?, _ text: UnsafePointer<CChar>?,
                                            _ len: Int) -> Int32 {
    guard let out, let b = bytes(text, len) else { return GT_EINVAL }
    guard let t = parseTimestamp(b) else { return GT_EINVAL }
    guard t >= timeMin, t <= timeMax else { return GT_ERANGE }
    out.pointee = t
    return GT_OK
}

@c @implementation public func gt_time_format(_ out: UnsafeMutablePointer<CChar>?, _ cap: Int,
                                             _ len: UnsafeMutablePointer<Int>?, _ micros: Int64) -> Int32 {
    guard let out, cap > timestampTextCapacity else { return GT_EINVAL }
    let n = UnsafeMutableRawPointer(out).withMemoryRebound(to: UInt8.self, capacity: cap) {
        formatTimestamp(micros, into: $0)
    }
    out[n] = 0
    len?.pointee = n
    return GT_OK
}
