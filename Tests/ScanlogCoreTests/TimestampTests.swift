import Testing
@testable import ScanlogCore

@Suite struct TimestampTests {
    @Test(arguments: [(1970, 1, 1, 0), (2000, 3, 1, 11017), (2024, 2, 29, 19782), (2026, 11, 22, 20779), (1969, 12, 31, -1)])
    func civilDateRoundTrips(year: Int, month: Int, day: Int, days: Int) {
        let date = CivilDate(year: year, month: month, day: day)
        #expect(date.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == date)
    }

    @Test func validity() {
        #expect(CivilDate(year: 2024, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 2025, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 2025, month: 13, day: 1).isValid)
        #expect(!CivilDate(year: 2025, month: 4, day: 31).isValid)
    }

    @Test func rfc3339() {
        let time = Timestamp(seconds: utc("2026-11-22T02:11:03Z"), microseconds: 654_321)
        #expect(time.rfc3339() == "2026-11-22T02:11:03Z")
        #expect(time.rfc3339(fractional: true) == "2026-11-22T02:11:03.654321Z")
        #expect(time.rfc3339(offsetSeconds: -5 * 3600) == "2026-11-21T21:11:03-05:00")
    }

    @Test func yearInferenceUsesReferenceDate() {
        var years = YearInference(explicitYear: nil, reference: CivilDate(year: 2027, month: 1, day: 2))
        // A log that crosses New Year: December belongs to the year before the reference.
        #expect(years.year(month: 12, day: 31) == 2026)
        #expect(years.year(month: 1, day: 1) == 2027)
        #expect(years.year(month: 1, day: 3) == 2027)  // one day of slack
        #expect(years.year(month: 1, day: 4) == 2026)
    }

    @Test func explicitYearAdvancesAtNewYear() {
        var years = YearInference(explicitYear: 2025, reference: CivilDate(year: 2030, month: 6, day: 1))
        #expect(years.year(month: 12, day: 30) == 2025)
        #expect(years.year(month: 12, day: 31) == 2025)
        #expect(years.year(month: 1, day: 1) == 2026)
        #expect(years.year(month: 1, day: 2) == 2026)
    }
}
