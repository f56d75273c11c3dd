#if canImport(Glibc)
import Glibc
#endif

/// A moment in time as microseconds since the Unix epoch, UTC.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }
    public init(seconds: Int64, microseconds: Int64 = 0) { self.microseconds = seconds * 1_000_000 + microseconds }

    public var seconds: Int64 { microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000 }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// RFC 3339 in UTC with second precision (`2026-11-22T02:11:03Z`), or with microseconds when `fractional`.
    /// Written byte by byte into the string's own storage: one allocation per call (reports make two per bucket).
    public func rfc3339(fractional: Bool = false, offsetSeconds: Int = 0) -> String {
        let local = seconds + Int64(offsetSeconds)
        let civil = CivilDate(daysSinceEpoch: Int(local >= 0 ? local / 86400 : (local - 86399) / 86400))
        let secondOfDay = Int(local - Int64(civil.daysSinceEpoch) * 86400)
        let micros = Int(microseconds - seconds * 1_000_000)
        return String(unsafeUninitializedCapacity: 64) { buffer in
            var count = 0
            @inline(__always) func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            @inline(__always) func two(_ value: Int) {
                // Values below 100 as two digits; larger ones (never in a valid date) in full, as "\(value)" would.
                if value >= 0 && value < 100 {
                    put(0x30 &+ UInt8(value / 10))
                    put(0x30 &+ UInt8(value % 10))
                } else {
                    decimal(value)
                }
            }
            func decimal(_ value: Int) {
                if value < 0 { put(0x2D) }
                var magnitude = value.magnitude
                var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                             UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                    (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                var length = 0
                withUnsafeMutableBytes(of: &digits) { digitBytes in
                    repeat {
                        digitBytes[length] = 0x30 &+ UInt8(magnitude % 10)
                        magnitude /= 10
                        length += 1
                    } while magnitude > 0
                    while length > 0 {
                        length -= 1
                        put(digitBytes[length])
                    }
                }
            }
            decimal(civil.year)
            put(0x2D)
            two(civil.month)
            put(0x2D)
            two(civil.day)
            put(0x54)
            two(secondOfDay / 3600)
            put(0x3A)
            two(secondOfDay / 60 % 60)
            put(0x3A)
            two(secondOfDay % 60)
            if fractional {
                put(0x2E)
                var divisor = 100_000
                while divisor > 0 {
                    put(0x30 &+ UInt8(micros / divisor % 10))
                    divisor /= 10
                }
            }
            if offsetSeconds == 0 {
                put(0x5A)
            } else {
                put(offsetSeconds < 0 ? 0x2D : 0x2B)
                let minutes = abs(offsetSeconds) / 60
                two(minutes / 60)
                put(0x3A)
                two(minutes % 60)
            }
            return count
        }
    }
}

/// A proleptic Gregorian calendar date, converted to and from days since 1970-01-01 without Foundation.
public struct CivilDate: Hashable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Howard Hinnant's `days_from_civil`.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// Howard Hinnant's `civil_from_days`.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Whether the day exists (29 February only in leap years).
    public var isValid: Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return day <= (month == 2 && leap ? 29 : lengths[month - 1])
    }
}

/// Converts wall-clock times written without a UTC offset, as in traditional syslog, using the local time zone
/// (`TZ`), with the offset cached per hour so that no line pays for a time-zone look-up.
public struct LocalTimeConverter: Sendable {
    private var cachedHour: Int64 = .min
    private var cachedOffset: Int64 = 0
    /// A fixed offset (seconds east of UTC) instead of the local zone, e.g. for `--utc` input.
    public let fixedOffset: Int64?

    public init(fixedOffset: Int64? = nil) { self.fixedOffset = fixedOffset }

    /// The UTC instant for a local wall-clock time given as seconds since the epoch "as if it were UTC".
    public mutating func utcSeconds(fromLocal local: Int64) -> Int64 {
        if let fixedOffset { return local - fixedOffset }
        let hour = local / 3600
        if hour != cachedHour {
            cachedHour = hour
            cachedOffset = Self.offset(atLocal: hour * 3600)
        }
        return local - cachedOffset
    }

    /// The zone's offset at a local time: guess with the offset at that instant read as UTC, then refine.
    static func offset(atLocal local: Int64) -> Int64 {
        func offsetAt(_ instant: Int64) -> Int64 {
            var time = time_t(instant)
            var parts = tm()
            guard localtime_r(&time, &parts) != nil else { return 0 }
            return Int64(parts.tm_gmtoff)
        }
        let first = offsetAt(local)
        return offsetAt(local - first)
    }

    /// The local calendar date of a UTC instant.
    public static func localDate(ofUTCSeconds seconds: Int64) -> CivilDate {
        var time = time_t(seconds)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else { return CivilDate(daysSinceEpoch: Int(seconds / 86400)) }
        return CivilDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
    }
}

/// Chooses the year for timestamps that have none (`Nov 22 02:11:03`).
///
/// Without `--year`, the log was written before its reference date (the file's modification time, or now for
/// standard input), so a month and day later in the year than the reference belong to the year before. That
/// holds for a log that crosses New Year too: December lines get the previous year, January lines the
/// reference year. With an explicit year (the year of the first line), the year advances when the month
/// jumps back by more than half a year (December to January).
public struct YearInference: Sendable {
    public let explicitYear: Int?
    public let reference: CivilDate
    private var currentYear: Int
    private var lastMonth = 0

    public init(explicitYear: Int?, reference: CivilDate) {
        self.explicitYear = explicitYear
        self.reference = reference
        self.currentYear = explicitYear ?? reference.year
    }

    public mutating func year(month: Int, day: Int) -> Int {
        if explicitYear != nil {
            if lastMonth - month > 6 { currentYear += 1 }
            lastMonth = month
            return currentYear
        }
        // One day of slack for clocks and time zones.
        let lineKey = month * 32 + day
        let referenceKey = reference.month * 32 + reference.day + 1
        return lineKey > referenceKey ? reference.year - 1 : reference.year
    }
}
