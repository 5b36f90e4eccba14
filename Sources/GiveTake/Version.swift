// Version, status names and enumeration names.
import CGiveTake
import GiveTakeCore

// The version is defined once, in givetake.h (GT_VERSION_*).
@c @implementation public func gt_version_number() -> Int32 { GT_VERSION_NUMBER }

@c @implementation public func gt_version_string() -> UnsafePointer<CChar>? { versionCString }

/// GT_VERSION_STRING as a NUL-terminated string that lives as long as the
/// library (written once, by the lazy global initialiser).
nonisolated(unsafe) private let versionCString: UnsafePointer<CChar> = {
    let utf8 = Array(GT_VERSION_STRING.utf8CString)
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
    p.initialize(from: utf8, count: utf8.count)
    return UnsafePointer(p)
}()

@c @implementation public func gt_strerror(_ code: Int32) -> UnsafePointer<CChar>? {
    switch code {
    case 0: return cString("GT_OK: success")
    case -1: return cString("GT_EINVAL: invalid argument")
    case -2: return cString("GT_ENOMEM: out of memory or over a size limit")
    case -3: return cString("GT_EPARSE: parse error")
    case -4: return cString("GT_EUTF8: invalid UTF-8")
    case -5: return cString("GT_ERANGE: value out of range")
    case -6: return cString("GT_ESTATE: call not valid in this state")
    case -7: return cString("GT_ECANCELED: cancelled by the interrupt callback")
    default: return cString("unknown status")
    }
}

@c @implementation public func gt_channel_parse(_ name: UnsafePointer<CChar>?, _ len: Int) -> Int32 {
    guard let b = bytes(name, len), let c = Channel.parse(b) else { return -1 }
    return Int32(c.rawValue)
}

@c @implementation public func gt_kind_parse(_ name: UnsafePointer<CChar>?, _ len: Int) -> Int32 {
    guard let b = bytes(name, len), let k = Kind.parse(b) else { return -1 }
    return Int32(k.rawValue)
}

@c @implementation public func gt_channel_name(_ channel: Int32) -> UnsafePointer<CChar>? {
    guard channel >= 0, channel < 256, let c = Channel(rawValue: UInt8(channel)) else { return nil }
    return cString(c.name)
}

@c @implementation public func gt_kind_name(_ kind: Int32) -> UnsafePointer<CChar>? {
    guard kind >= 0, kind < 256, let k = Kind(rawValue: UInt8(kind)) else { return nil }
    return cString(k.name)
}

@c @implementation public func gt_category_name(_ category: Int32) -> UnsafePointer<CChar>? {
    guard category >= 0, category < 256, let c = Category(rawValue: UInt8(category)) else { return nil }
    return cString(c.name)
}

@c @implementation public func gt_category_parse(_ name: UnsafePointer<CChar>?, _ len: Int) -> Int32 {
    guard let b = bytes(name, len), let c = Category.parse(b) else { return -1 }
    return Int32(c.rawValue)
}

@c @implementation public func gt_category_polarity(_ category: Int32) -> Int32 {
    guard category >= 0, category < 256, let c = Category(rawValue: UInt8(category)) else { return 0 }
    return Int32(c.polarity)
}
