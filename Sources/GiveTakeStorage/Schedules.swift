// Business schedules for the CLI: rows of the `schedules` table (in the
// source database, or a TSV file with the same columns) turned into
// engine schedules, with zone rules from the system tz database.
import GiveTakeCore

/// One row of `schedules(account_id, channel, time_zone, hours, holidays)`;
/// nil = NULL. Holidays are dates YYYY-MM-DD.
public struct ScheduleRow: Sendable {
    public var accountID: Int64?
    public var channel: String?
    public var timeZone: String
    public var hours: String?
    public var holidays: [String]
    /// Where it came from, for errors ("schedules.tsv line 3").
    public var origin: String

    public init(accountID: Int64?, channel: String?, timeZone: String, hours: String?, holidays: [String],
                origin: String) {
        self.accountID = accountID
        self.channel = channel
        self.timeZone = timeZone
        self.hours = hours
        self.holidays = holidays
        self.origin = origin
    }
}

/// A source database that may hold a `schedules` table.
public protocol ScheduleTableSource {
    /// Rows of the schedules table that goes with `table` (nil when there is none).
    func scheduleRows(besides table: String) throws -> [ScheduleRow]?
}

/// The columns of a schedules table, in the order the readers select them.
let scheduleColumns = ["account_id", "channel", "time_zone", "hours", "holidays"]

/// Throws naming the first column `name` lacks.
func checkScheduleColumns(_ name: String, _ have: Set<String>) throws {
    for c in scheduleColumns where !have.contains(c) {
        throw StorageError("table \(name) lacks column \(c) (expected \(scheduleColumns.joined(separator: ", ")))")
    }
}

extension ScheduleRow {
    /// A row from a table's values as text (nil = NULL): account_id must be
    /// an integer, holidays a comma-separated list, a NULL zone is UTC.
    init(table name: String, number: Int, accountID: String?, channel: String?, timeZone: String?,
         hours: String?, holidays: String?) throws {
        let origin = "\(name) row \(number)"
        var account: Int64? = nil
        if let a = accountID {
            guard let v = Int64(a) else { throw StorageError("schedule \(origin): account_id \"\(a)\" is not an integer") }
            account = v
        }
        self.init(accountID: account, channel: channel, timeZone: timeZone ?? "UTC", hours: hours,
                  holidays: splitHolidays(holidays), origin: origin)
    }
}

public struct ScheduleSpec: Sendable {
    public var accountID: Int64?
    public var channel: Channel?
    public var schedule: Schedule
}

/// Checks and converts the rows; an error names the row's origin, account,
/// channel and the offending text.
public func buildSchedules(_ rows: [ScheduleRow]) throws -> [ScheduleSpec] {
    var zones: [String: ZoneRules] = [:]
    var seen = Set<String>()
    var out: [ScheduleSpec] = []
    for r in rows {
        let who = "\(r.origin) (account \(r.accountID.map(String.init) ?? "NULL"), channel \(r.channel ?? "NULL"))"
        var channel: Channel? = nil
        if let c = r.channel {
            var bytes = Array(c.utf8)
            channel = bytes.withUnsafeMutableBufferPointer { Channel.parse(UnsafeBufferPointer($0)) }
            if channel == nil { throw StorageError("schedule \(who): unknown channel \"\(c)\"") }
        }
        let key = "\(r.accountID.map(String.init) ?? "-")/\(channel.map { String($0.rawValue) } ?? "-")"
        if !seen.insert(key).inserted { throw StorageError("schedule \(who): a second schedule for the same account and channel") }
        let zone: ZoneRules
        if let z = zones[r.timeZone] {
            zone = z
        } else {
            do { zone = try TZif.load(r.timeZone) } catch let e as StorageError {
                throw StorageError("schedule \(who): \(e.message)")
            }
            zones[r.timeZone] = zone
        }
        let hours: WeeklyHours
        do { hours = try WeeklyHours.parse(r.hours ?? "") } catch {
            throw StorageError("schedule \(who): \(error.message)")
        }
        var days: [Int64] = []
        for h in r.holidays {
            guard let d = parseDate(h) else { throw StorageError("schedule \(who): holiday \"\(h)\" is not a date YYYY-MM-DD") }
            days.append(d)
        }
        out.append(ScheduleSpec(accountID: r.accountID, channel: channel,
                                schedule: Schedule(zone: zone, hours: hours, holidays: days)))
    }
    return out
}

/// "2026-12-25" -> days since 1970-01-01.
func parseDate(_ s: String) -> Int64? {
    let p = s.trimmingSpaces.split(separator: "-", omittingEmptySubsequences: false)
    guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
          let y = Int64(p[0]), let m = Int64(p[1]), let d = Int64(p[2]), (1...12).contains(m), d >= 1 else { return nil }
    let day = dayNumber(year: y, month: m, day: d)
    return civilDate(day: day) == (y, m, d) ? day : nil
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}

/// Holidays as a comma-separated list ("2026-12-25, 2026-12-26").
public func splitHolidays(_ s: String?) -> [String] {
    guard let s else { return [] }
    return s.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
}

/// A TSV file with the columns account_id, channel, time_zone, hours,
/// holidays (an optional header line; empty field = NULL; '#' comments).
public func readScheduleFile(_ path: String, _ text: String) throws -> [ScheduleRow] {
    var rows: [ScheduleRow] = []
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = String(raw).hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
        if line.trimmingSpaces.isEmpty || line.hasPrefix("#") { continue }
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        if n == 0 && f.first == "account_id" { continue }
        let origin = "\(path) line \(n + 1)"
        guard f.count >= 3 && f.count <= 5 else {
            throw StorageError("schedule \(origin): expected account_id<TAB>channel<TAB>time_zone[<TAB>hours[<TAB>holidays]], got \(f.count) fields")
        }
        var account: Int64? = nil
        if !f[0].isEmpty {
            guard let a = Int64(f[0]) else { throw StorageError("schedule \(origin): account_id \"\(f[0])\" is not an integer") }
            account = a
        }
        rows.append(ScheduleRow(accountID: account, channel: f[1].isEmpty ? nil : f[1],
                                timeZone: f[2].isEmpty ? "UTC" : f[2],
                                hours: f.count > 3 && !f[3].isEmpty ? f[3] : nil,
                                holidays: f.count > 4 ? splitHolidays(f[4]) : [], origin: origin))
    }
    return rows
}
