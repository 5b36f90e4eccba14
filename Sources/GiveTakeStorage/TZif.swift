// Zone rules from the system tz database (/usr/share/zoneinfo): the file
// is read here, its TZif data parsed by the engine (ZoneRules(tzif:)).
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

public enum TZif {
    public static let directory = "/usr/share/zoneinfo"

    /// Transitions (Unix seconds) and the UTC offset from each on; "UTC"
    /// and "Etc/UTC" work without a file.
    public static func load(_ name: String) throws -> ZoneRules {
        if name == "UTC" || name == "Etc/UTC" { return .utc }
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains(".."),
              name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw StorageError("unknown time zone \"\(name)\"")
        }
        guard let data = readWholeFile(directory + "/" + name) else {
            throw StorageError("unknown time zone \"\(name)\" (no file in \(directory))")
        }
        do {
            return try data.withUnsafeBufferPointer { b throws(GiveTakeError) in try ZoneRules(tzif: b) }
        } catch {
            throw StorageError("time zone \"\(name)\": \(error.message)")
        }
    }
}

private func readWholeFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { return ferror(f) != 0 ? nil : out }  // a directory is no file
        out += buf[0..<n]
    }
    return out
}
