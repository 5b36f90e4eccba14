// Buffered binary files for the temporary files of memory-bounded scoring
// (rows spilled per group, link keys per partition): records are packed
// straight into one reused buffer and written in large blocks, and read
// back sequentially in large chunks.
#if canImport(Glibc)
import Glibc
#endif

final class FileWriter {
    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buf: UnsafeMutableRawPointer
    private var capacity: Int
    private var used = 0

    init(path: String, bufferSize: Int = 1 << 20) throws {
        guard let f = fopen(path, "wb") else {
            throw StorageError("cannot create temporary file '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        file = f
        capacity = bufferSize
        buf = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 16)
    }

    deinit {
        fclose(file)
        buf.deallocate()
    }

    /// Room for `n` more bytes at the returned address; `commit(n)` keeps them.
    @inline(__always)
    func reserve(_ n: Int) throws -> UnsafeMutableRawPointer {
        if used + n > capacity {
            try flush()
            if n > capacity {  // one record larger than the buffer
                buf.deallocate()
                capacity = n
                buf = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 16)
            }
        }
        return buf + used
    }

    @inline(__always)
    func commit(_ n: Int) { used += n }

    func write(_ bytes: UnsafeRawPointer, count: Int) throws {
        let p = try reserve(count)
        p.copyMemory(from: bytes, byteCount: count)
        used += count
    }

    func flush() throws {
        if used > 0 && fwrite(buf, 1, used, file) != used {
            throw StorageError("cannot write temporary file '\(path)': \(String(cString: strerror(errno)))")
        }
        used = 0
    }

    /// Writes what is buffered; the file is complete on disk.
    func finish() throws {
        try flush()
        if fflush(file) != 0 {
            throw StorageError("cannot write temporary file '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}

/// Reads `path` front to back and hands `body` each complete record: the
/// bytes from the current position to its end. `recordSize` gets the bytes
/// available at a record's start and returns its size, or nil when it
/// needs more bytes to tell. A record never straddles two calls.
func readRecords(_ path: String, chunkSize: Int = 4 << 20,
                 recordSize: (UnsafeRawBufferPointer) -> Int?,
                 _ body: (UnsafeRawPointer, Int) throws -> Void) throws {
    guard let f = fopen(path, "rb") else {
        throw StorageError("cannot read temporary file '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    var capacity = chunkSize
    var chunk = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    defer { chunk.deallocate() }
    var have = 0
    var eof = false
    while true {
        if !eof {
            let n = fread(chunk + have, 1, capacity - have, f)
            if n == 0 {
                if ferror(f) != 0 { throw StorageError("cannot read temporary file '\(path)': \(String(cString: strerror(errno)))") }
                eof = true
            }
            have += n
        }
        var pos = 0
        while pos < have, let size = recordSize(UnsafeRawBufferPointer(start: chunk + pos, count: have - pos)),
              pos + size <= have {
            try body(chunk + pos, size)
            pos += size
        }
        if pos > 0 {
            // Keep the partial record at the front.
            memmove(chunk, chunk + pos, have - pos)
            have -= pos
        } else if have == capacity {
            // One record larger than the chunk: grow it.
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            bigger.copyMemory(from: chunk, byteCount: have)
            chunk.deallocate()
            chunk = bigger
            capacity *= 2
        }
        if eof {
            if have != 0 { throw StorageError("temporary file '\(path)' is truncated") }
            return
        }
    }
}
