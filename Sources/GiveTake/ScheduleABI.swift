// gt_schedule_*: thunks over GiveTakeCore.Schedule.
import CGiveTake
import GiveTakeCore

final class ScheduleHandle {
    var schedule = Schedule()
    var error = ErrorMessage()
}

@inline(__always)
func scheduleHandle(_ s: OpaquePointer) -> ScheduleHandle { object(s, as: ScheduleHandle.self) }

@c @implementation public func gt_schedule_new(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return GT_EINVAL }
    out.pointee = retainedHandle(ScheduleHandle())
    return GT_OK
}

@c @implementation public func gt_schedule_set(_ sched: OpaquePointer?, _ transitions: UnsafePointer<Int64>?,
                                              _ offsets: UnsafePointer<Int32>?, _ n: Int,
                                              _ hours: UnsafePointer<CChar>?, _ hoursLen: Int,
                                              _ holidays: UnsafePointer<Int32>?, _ nHolidays: Int) -> Int32 {
    guard let sched else { return GT_EINVAL }
    let h = scheduleHandle(sched)
    guard n >= 0, n == 0 || (transitions != nil && offsets != nil) else {
        h.error.set("gt_schedule_set: a NULL array with a non-zero length")
        return GT_EINVAL
    }
    return setSchedule(h, hours, hoursLen, holidays, nHolidays) { () throws(GiveTakeError) in
        try ZoneRules(transitionSeconds: UnsafeBufferPointer(start: transitions, count: n),
                      offsetSeconds: UnsafeBufferPointer(start: offsets, count: n))
    }
}

@c @implementation public func gt_schedule_set_tzif(_ sched: OpaquePointer?, _ tzif: UnsafeRawPointer?, _ tzifLen: Int,
                                                   _ hours: UnsafePointer<CChar>?, _ hoursLen: Int,
                                                   _ holidays: UnsafePointer<Int32>?, _ nHolidays: Int) -> Int32 {
    guard let sched else { return GT_EINVAL }
    let h = scheduleHandle(sched)
    guard tzifLen >= 0, tzifLen == 0 || tzif != nil else {
        h.error.set("gt_schedule_set_tzif: tzif is NULL with a non-zero length")
        return GT_EINVAL
    }
    return setSchedule(h, hours, hoursLen, holidays, nHolidays) { () throws(GiveTakeError) in
        if tzifLen == 0 { return ZoneRules.utc }
        do throws(GiveTakeError) {
            return try ZoneRules(tzif: UnsafeBufferPointer(start: tzif!.assumingMemoryBound(to: UInt8.self),
                                                           count: tzifLen))
        } catch {
            throw GiveTakeError(error.code, "time zone: " + error.message)
        }
    }
}

/// The rest of a schedule from C, with the zone `zone` makes: all of it
/// replaced, or nothing on failure.
private func setSchedule(_ h: ScheduleHandle, _ hours: UnsafePointer<CChar>?, _ hoursLen: Int,
                         _ holidays: UnsafePointer<Int32>?, _ nHolidays: Int,
                         _ zone: () throws(GiveTakeError) -> ZoneRules) -> Int32 {
    guard nHolidays >= 0, nHolidays == 0 || holidays != nil, let text = bytes(hours, hoursLen) else {
        h.error.set("gt_schedule_set: a NULL array with a non-zero length")
        return GT_EINVAL
    }
    do {
        let rules = try zone()
        if let bad = firstInvalidUTF8(text) {
            h.error.set("hours: not valid UTF-8 (byte " + String(bad) + ")")
            return GT_EUTF8
        }
        let weekly = try WeeklyHours.parse(text)
        var days: [Int64] = []
        days.reserveCapacity(nHolidays)
        for i in 0..<nHolidays { days.append(Int64(holidays![i])) }
        h.schedule = Schedule(zone: rules, hours: weekly, holidays: days)
    } catch {
        h.error.set(error.message)
        return status(error.code)
    }
    h.error.clear()
    return GT_OK
}

@c @implementation public func gt_schedule_business_time(_ seconds: UnsafeMutablePointer<Double>?,
                                                        _ sched: OpaquePointer?, _ from: Int64,
                                                        _ to: Int64) -> Int32 {
    guard let seconds, let sched else { return GT_EINVAL }
    guard from >= timeMin, from <= timeMax, to >= timeMin, to <= timeMax else { return GT_ERANGE }
    seconds.pointee = Double(scheduleHandle(sched).schedule.businessMicros(from: from, to: to)) / 1e6
    return GT_OK
}

@c @implementation public func gt_schedule_local_day(_ day: UnsafeMutablePointer<Int64>?, _ sched: OpaquePointer?,
                                                    _ instant: Int64) -> Int32 {
    guard let day, let sched else { return GT_EINVAL }
    guard instant >= timeMin, instant <= timeMax else { return GT_ERANGE }
    day.pointee = scheduleHandle(sched).schedule.zone.localDay(instant)
    return GT_OK
}

@c @implementation public func gt_schedule_instant(_ instant: UnsafeMutablePointer<Int64>?, _ sched: OpaquePointer?,
                                                  _ local: Int64) -> Int32 {
    guard let instant, let sched else { return GT_EINVAL }
    guard local >= timeMin, local <= timeMax else { return GT_ERANGE }
    instant.pointee = scheduleHandle(sched).schedule.zone.instant(local: local)
    return GT_OK
}

@c @implementation public func gt_schedule_errmsg(_ sched: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let sched else { return cString("no schedule (NULL handle)") }
    return scheduleHandle(sched).error.pointer()
}

@c @implementation public func gt_schedule_free(_ sched: OpaquePointer?) {
    guard let sched else { return }
    Unmanaged<ScheduleHandle>.fromOpaque(UnsafeRawPointer(sched)).release()
}
