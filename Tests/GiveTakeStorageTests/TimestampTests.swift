import Testing
@testable import GiveTakeStorage

@Suite struct TimestampTests {
    func parse(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBufferPointer { Timestamp.parse($0) } }

    @Test func acceptsTheSQLiteForms() {
        let t: Int64 = 1_509_487_847_000_000  // 2017-10-31 22:10:47 UTC
        #expect(parse("2017-10-31 22:10:47") == t)
        #expect(parse("2017-10-31T22:10:47") == t)
        #expect(parse("2017-10-31T22:10:47Z") == t)
        #expect(parse("2017-10-31 22:10:47+00:00") == t)
        #expect(parse("2017-10-31 23:10:47+01:00") == t)
        #expect(parse("2017-10-31 22:10:47.25") == t + 250_000)
        #expect(parse("2017-10-31 22:10:47.123456") == t + 123_456)
        #expect(parse("1509487847") == t)
        #expect(parse("1509487847.5") == t + 500_000)
        #expect(parse("2017-10-31") == t - (22 * 3600 + 10 * 60 + 47) * 1_000_000)
    }

    @Test func rejectsMalformedText() {
        for bad in ["", "soon", "2017-13-01 00:00:00", "2017-10-31 25:00:00", "2017-10-31 22:10:47 junk", "12ab"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    @Test func formatRoundTrips() {
        for t: Int64 in [0, 1_509_487_847_000_000, 1_509_487_847_000_001, -86_400_000_000 - 1, 253_402_300_799_999_999] {
            #expect(parse(Timestamp.format(t)) == t)
        }
        #expect(Timestamp.format(1_509_487_847_250_000) == "2017-10-31 22:10:47.250000")
        #expect(Timestamp.format(0) == "1970-01-01 00:00:00")
    }
}
