// The real-data sample (shared/data/twcs_sample.csv), mapped as spec §8
// and scored; expected counts are derived independently from the CSV.
import Foundation
import Testing
@testable import GiveTakeCore

/// RFC 4180 CSV: quoted cells may hold commas, quotes ("") and newlines.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], cell = ""
    var quoted = false
    var it = Array(text.unicodeScalars).makeIterator()
    var pending: Unicode.Scalar? = nil
    while let c = pending ?? it.next() {
        pending = nil
        if quoted {
            if c == "\"" {
                if let n = it.next() { if n == "\"" { cell.unicodeScalars.append(n) } else { quoted = false; pending = n } }
                else { quoted = false }
            } else { cell.unicodeScalars.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { row.append(cell); cell = "" }
        else if c == "\n" { row.append(cell); rows.append(row); row = []; cell = "" }
        else if c != "\r" { cell.unicodeScalars.append(c) }
    }
    if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
    return rows
}

/// "Tue Oct 31 22:10:47 +0000 2017" -> microseconds since the epoch.
func twitterTime(_ s: String) -> Int64? {
    let p = s.split(separator: " ")
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    guard p.count == 6, let m = months.firstIndex(of: String(p[1])), let d = Int(p[2]), let y = Int(p[5]) else { return nil }
    let t = p[3].split(separator: ":").compactMap { Int($0) }
    guard t.count == 3 else { return nil }
    // Days from civil (Howard Hinnant).
    let yy = m + 1 <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let mp = (m + 1 + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    return Int64((days * 86400 + t[0] * 3600 + t[1] * 60 + t[2])) * 1_000_000
}

func brandID(_ name: String) -> Int64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in name.lowercased().utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return Int64(bitPattern: h & 0x7FFF_FFFF_FFFF_FFFF)
}

@Suite struct TwcsSampleTests {
    /// shared/ beside the repository (as on CI), or beside a directory
    /// above it (a git worktree checked out in a subdirectory).
    static let path: String = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let first = dir.appendingPathComponent("shared/data/twcs_sample.csv").path
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/data/twcs_sample.csv").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return first
    }()

    @Test func sampleScoresAsSpecSection8() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let table = parseCSV(text)
        let header = try #require(table.first)
        #expect(header == ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
                           "in_response_to_tweet_id"])
        let records = table.dropFirst().filter { $0.count == 7 }
        #expect(records.count == 93)  // 100 lines; some cells span lines
        let author = Dictionary(records.map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
        func isBrand(_ a: String) -> Bool { Int64(a) == nil }
        func mentions(_ text: String) -> [String] {
            text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "@") })
                .filter { $0.hasPrefix("@") }.map { String($0.dropFirst()) }
        }
        var rows: [Row] = []
        for r in records {
            let inbound = r[2] == "True"
            let parentAuthor = r[6].isEmpty ? nil : author[r[6]]
            let brand: String?
            let contact: Int64?
            if inbound {
                let answers = r[5].split(separator: ",").compactMap { author[String($0)] }
                brand = [parentAuthor].compactMap { $0 }.first(where: isBrand) ?? answers.first(where: isBrand)
                    ?? mentions(r[4]).first(where: isBrand)
                contact = Int64(r[1])
            } else {
                brand = r[1]
                contact = parentAuthor.flatMap { Int64($0) } ?? mentions(r[4]).lazy.compactMap { Int64($0) }.first
            }
            guard let brand else { continue }
            rows.append(Row(
                id: Int64(r[0])!, account: brandID(brand), contact: contact,
                parent: r[6].isEmpty ? nil : Int64(r[6]), channel: 0, kind: r[6].isEmpty ? .mention : .reply,
                inbound: inbound, at: Double(try #require(twitterTime(r[3]))) / 1e6,
                author: inbound ? r[1] : brand, body: r[4]))
        }
        #expect(rows.count >= 85)
        let result = try score(rows, batch: 16)
        #expect(result.rowCount == rows.count)
        // Independent expectations from the CSV itself.
        let ids = Set(rows.map { $0.id })
        let orphans = rows.filter { $0.parent != nil && !ids.contains($0.parent!) }.count
        let answered = Set(rows.filter { !$0.inbound }.compactMap { $0.parent })
        let acknowledged = rows.filter { $0.inbound && answered.contains($0.id) }.count
        let all = result.accounts.filter { $0.channel == nil }
        #expect(all.reduce(0) { $0 + $1.anomalies } == Int64(orphans))
        #expect(all.reduce(0) { $0 + $1.acknowledged } == Int64(acknowledged))
        #expect(acknowledged > 0)
        #expect(all.contains { $0.meIndex != nil })
        // Names are anonymised (numbers): nothing can be personal.
        #expect(all.allSatisfy { ($0.personalRate ?? 0) == 0 })
    }

    @Test func twitterTimeParses() {
        #expect(twitterTime("Tue Oct 31 22:10:47 +0000 2017") == 1_509_487_847_000_000)
        #expect(twitterTime("Thu Jan 01 00:00:00 +0000 1970") == 0)
    }
}
