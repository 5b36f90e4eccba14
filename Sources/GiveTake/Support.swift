// Lowering and lifting helpers shared by the C-ABI thunks. Thunks only
// convert values and map errors; all logic lives in GiveTakeCore.
import CGiveTake
import GiveTakeCore

/// A (pointer, length) text from C as a byte buffer. A NULL pointer is an
/// empty text; a NULL pointer with a non-zero length is an error.
@inline(__always)
func bytes(_ ptr: UnsafePointer<CChar>?, _ len: Int) -> UnsafeBufferPointer<UInt8>? {
    guard let ptr else { return len == 0 ? UnsafeBufferPointer(start: nil, count: 0) : nil }
    if len < 0 { return nil }
    return UnsafeBufferPointer(start: UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: len)
}

/// Why a (pointer, length) pair from C is unusable, for error messages:
/// a length above Int.max (SIZE_MAX, a negative ssize_t) arrives negative.
func textProblem(_ ptr: UnsafeRawPointer?, _ len: Int, _ name: String) -> String {
    len < 0 ? name + " length " + String(UInt(bitPattern: len)) + " is larger than the largest object size"
            : name + " is NULL with a non-zero length"
}

/// True when a gt_text can be read: a non-NULL pointer, or NULL with length 0.
@inline(__always)
func isReadable(_ t: gt_text) -> Bool { t.ptr == nil ? t.len == 0 : t.len >= 0 }

@inline(__always)
func status(_ code: GiveTakeError.Code) -> Int32 { code.rawValue }

/// A message kept on a handle as a NUL-terminated C string.
struct ErrorMessage {
    private var storage: [CChar] = [0]

    mutating func set(_ message: String) {
        var s: [CChar] = []
        s.reserveCapacity(message.utf8.count + 1)
        for b in message.utf8 { s.append(CChar(bitPattern: b)) }
        s.append(0)
        storage = s
    }

    mutating func clear() { if storage.count != 1 { storage = [0] } }

    func pointer() -> UnsafePointer<CChar> {
        storage.withUnsafeBufferPointer { $0.baseAddress! }
    }
}

/// Box a Swift object behind an opaque C handle, and back.
@inline(__always)
func retainedHandle(_ object: AnyObject) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(object).toOpaque())
}

@inline(__always)
func object<T: AnyObject>(_ handle: OpaquePointer, as: T.Type) -> T {
    Unmanaged<T>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
}

/// A static NUL-terminated string for C.
@inline(__always)
func cString(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// An array of trivial C structs that a handle hands out, filled again for
/// each result in the memory of the last (grown when a result is larger):
/// a host that scores many groups with one scorer takes no new pages.
struct ReusedArray<Element> {
    private(set) var baseAddress: UnsafeMutablePointer<Element>? = nil
    private var capacity = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// `n` elements, to be written by the caller.
    mutating func resize(_ n: Int) -> UnsafeMutablePointer<Element>? {
        if n > capacity {
            baseAddress?.deallocate()
            baseAddress = .allocate(capacity: n)
            capacity = n
        }
        count = n
        return baseAddress
    }

    mutating func clear() { count = 0 }

    /// Gives the memory back; the array is empty after.
    mutating func release() {
        baseAddress?.deallocate()
        self = ReusedArray()
    }
}
