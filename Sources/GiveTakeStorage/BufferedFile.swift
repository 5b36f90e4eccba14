// Buffered binary files for the temporary files of memory-bounded scoring
// (rows spilled per group, link keys per partition): records are packed
// straight into one reused buffer and written in large blocks, and read
// back sequentially in large chunks.
#if canImport(Glibc)
import Glibc
#endif

final class FileWriter {
    let path: String
    private var file: UnsafeMutablePointer<FILE>?
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
        if let file { fclose(file) }
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
        guard let file else { throw StorageError("temporary file '\(path)' is already complete") }
        if used > 0 && fwrite(buf, 1, used, file) != used {
            throw StorageError("cannot write temporary file '\(path)': \(String(cString: strerror(errno)))")
        }
        used = 0
    }

    /// Writes what is buffered and closes the file (many files are read
    /// at once later: they should not hold a descriptor each meanwhile).
    func finish() throws {
        try flush()
        let closed = fclose(file)
        file = nil
        if closed != 0 {
            throw StorageError("cannot write temporary file '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}

/// Reads a file of records front to back in large chunks. `recordSize`
/// gets the bytes available at a record's start and returns its size, or
/// nil when it needs more bytes to tell. A plain loop over `next()` (no
/// closure per record) keeps the caller's hot loop free of captures.
final class RecordReader {
    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private let recordSize: (UnsafeRawBufferPointer) -> Int?
    private var chunk: UnsafeMutableRawPointer
    private var capacity: Int
    private var have = 0  // bytes in chunk
    private var pos = 0   // start of the next record
    private var eof = false

    init(path: String, chunkSize: Int = 4 << 20, recordSize: @escaping (UnsafeRawBufferPointer) -> Int?) throws {
        guard let f = fopen(path, "rb") else {
            throw StorageError("cannot read temporary file '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        file = f
        self.recordSize = recordSize
        capacity = chunkSize
        chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
    }

    deinit {
        fclose(file)
        chunk.deallocate()
    }

    /// The next record (valid until the next call), or nil at the end.
    @inline(__always)
    func next() throws -> UnsafeRawBufferPointer? {
        while true {
            if pos < have, let size = recordSize(UnsafeRawBufferPointer(start: chunk + pos, count: have - pos)),
               pos + size <= have {
                defer { pos += size }
                return UnsafeRawBufferPointer(start: chunk + pos, count: size)
            }
            if eof {
                if pos != have { throw StorageError("temporary file '\(path)' is truncated") }
                return nil
            }
            try refill()
        }
    }

    private func refill() throws {
        // Keep the partial record at the front; grow for one larger than the chunk.
        memmove(chunk, chunk + pos, have - pos)
        have -= pos
        pos = 0
        if have == capacity {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            bigger.copyMemory(from: chunk, byteCount: have)
            chunk.deallocate()
            chunk = bigger
            capacity *= 2
        }
        let n = fread(chunk + have, 1, capacity - have, file)
        if n == 0 {
            if ferror(file) != 0 {
                throw StorageError("cannot read temporary file '\(path)': \(String(cString: strerror(errno)))")
            }
            eof = true
        }
        have += n
    }
}
