// The TZif reader against hand-worked 2026 transitions and the POSIX
// footer rule far past the file's last explicit transition.
import Testing
@testable import GiveTakeCore
@testable import GiveTakeStorage

@Suite struct TZifTests {
    func at(_ y: Int64, _ m: Int64, _ d: Int64, _ h: Int64, _ min: Int64 = 0) -> Int64 {
        (dayNumber(year: y, month: m, day: d) * 86400 + h * 3600 + min * 60) * 1_000_000
    }

    @Test func berlinAndNewYork2026() throws {
        let berlin = try TZif.load("Europe/Berlin")
        // CEST from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC.
        #expect(berlin.offset(at: at(2026, 3, 29, 0, 59)) == 3600 * 1_000_000)
        #expect(berlin.offset(at: at(2026, 3, 29, 1)) == 7200 * 1_000_000)
        #expect(berlin.offset(at: at(2026, 10, 25, 0, 59)) == 7200 * 1_000_000)
        #expect(berlin.offset(at: at(2026, 10, 25, 1)) == 3600 * 1_000_000)
        // Local 02:30 on 03-29 is in the gap: 03:00 CEST = 01:00 UTC.
        #expect(berlin.instant(local: at(2026, 3, 29, 2, 30)) == at(2026, 3, 29, 1))
        // Local 02:30 on 10-25 exists twice: the first is CEST, 00:30 UTC.
        #expect(berlin.instant(local: at(2026, 10, 25, 2, 30)) == at(2026, 10, 25, 0, 30))
        let ny = try TZif.load("America/New_York")
        #expect(ny.offset(at: at(2026, 3, 8, 6, 59)) == -5 * 3600 * 1_000_000)
        #expect(ny.offset(at: at(2026, 3, 8, 7)) == -4 * 3600 * 1_000_000)
        #expect(ny.offset(at: at(2026, 11, 1, 5, 59)) == -4 * 3600 * 1_000_000)
        #expect(ny.offset(at: at(2026, 11, 1, 6)) == -5 * 3600 * 1_000_000)
    }

    @Test func theFooterRuleCoversLaterYears() throws {
        // 2150: last Sunday of March is 03-29, of October 10-25 (Berlin);
        // second Sunday of March 03-08, first of November 11-01 (New York).
        let berlin = try TZif.load("Europe/Berlin")
        #expect(berlin.offset(at: at(2150, 3, 29, 0, 59)) == 3600 * 1_000_000)
        #expect(berlin.offset(at: at(2150, 3, 29, 1)) == 7200 * 1_000_000)
        #expect(berlin.offset(at: at(2150, 10, 25, 1)) == 3600 * 1_000_000)
        let ny = try TZif.load("America/New_York")
        #expect(ny.offset(at: at(2150, 3, 8, 7)) == -4 * 3600 * 1_000_000)
        #expect(ny.offset(at: at(2150, 3, 8, 6, 59)) == -5 * 3600 * 1_000_000)
        #expect(ny.offset(at: at(2150, 11, 1, 6)) == -5 * 3600 * 1_000_000)
        // A zone without daylight saving, and UTC without a file.
        #expect(try TZif.load("Asia/Kolkata").offset(at: at(2026, 6, 1, 0)) == 19800 * 1_000_000)
        #expect(try TZif.load("UTC") == ZoneRules.utc)
    }

    @Test func unknownZonesAreErrors() {
        #expect(throws: StorageError.self) { try TZif.load("Mars/Olympus") }
        #expect(throws: StorageError.self) { try TZif.load("../etc/passwd") }
        #expect(throws: StorageError.self) { try TZif.load("") }
    }

    @Test func posixRules() {
        #expect(PosixTZ("CET-1CEST,M3.5.0,M10.5.0/3")?.std == 3600)
        #expect(PosixTZ("CET-1CEST,M3.5.0,M10.5.0/3")?.dst == 7200)
        #expect(PosixTZ("<+0545>-5:45")?.std == 20700)
        #expect(PosixTZ("<-03>3")?.dst == nil)
        #expect(PosixTZ("EST5EDT,M3.2.0,M11.1.0")?.std == -18000)
        #expect(PosixTZ("garbage,,") == nil)
    }
}
