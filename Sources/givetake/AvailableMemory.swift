// How much more memory this process can take: the kernel's MemAvailable,
// and, in a container, the room left under the cgroup's memory limit
// (which MemAvailable does not see), whichever is less.
#if CLI
#if canImport(Glibc)
import Glibc
#endif

/// Bytes the process may still allocate without pressure (nil where
/// /proc/meminfo cannot be read).
func availableMemoryBytes() -> Int? {
    guard let meminfo = readText("/proc/meminfo") else { return nil }
    var available: Int?
    for line in meminfo.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
        available = Int(String(line.filter(\.isNumber))).map { $0 * 1024 }  // kB
    }
    guard let available else { return nil }
    return min(available, cgroupRoom() ?? Int.max)
}

/// The memory limit of this process's cgroup minus what the cgroup uses
/// (nil: no limit, or none found). cgroup v2: memory.max and
/// memory.current; v1: memory.limit_in_bytes and memory.usage_in_bytes.
private func cgroupRoom() -> Int? {
    guard let groups = readText("/proc/self/cgroup") else { return nil }
    for line in groups.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { continue }
        let path = String(parts[2])
        let root: String, limitFile: String, usageFile: String
        if parts[0] == "0" && parts[1].isEmpty {
            (root, limitFile, usageFile) = ("/sys/fs/cgroup", "memory.max", "memory.current")
        } else if parts[1].split(separator: ",").contains("memory") {
            (root, limitFile, usageFile) = ("/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.usage_in_bytes")
        } else {
            continue
        }
        // Inside a container the cgroup's own directory is often the mount's root.
        for dir in [root + path, root] {
            // "max" (v2) or a near-2^63 value (v1): no limit.
            guard let text = readText(dir + "/" + limitFile), let limit = Int(trimmed(text)), limit < 1 << 60
            else { continue }
            let used = readText(dir + "/" + usageFile).flatMap { Int(trimmed($0)) } ?? 0
            return max(0, limit - used)
        }
    }
    return nil
}

private func trimmed(_ s: String) -> String { String(s.filter { !$0.isWhitespace }) }

/// A small file's text (nil if it cannot be read).
private func readText(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while bytes.count < 1 << 20 {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
#endif
