import ScanlogCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads option values: times, spans, offsets, small files.
enum CommandValues {
    /// `2026-11-21T00:00:00Z` (any RFC 3339 offset), or a span before `now`: `90m`, `24h`, `7d`, `2w`.
    static func time(_ text: String, now: Int64) -> Timestamp? {
        if let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 {
            let seconds: Int64? = switch unit {
            case "s": 1
            case "m": 60
            case "h": 3600
            case "d": 86400
            case "w": 7 * 86400
            default: nil
            }
            if let seconds { return Timestamp(seconds: now - amount * seconds) }
        }
        var parser = EnvelopeParser(years: YearInference(explicitYear: nil, reference: CivilDate(year: 1970, month: 1, day: 1)),
                                    localTime: LocalTimeConverter(fixedOffset: 0))
        var text = text
        return text.withUTF8 { bytes -> Timestamp? in
            let raw = UnsafeRawBufferPointer(bytes)
            guard let parsed = parser.parseTimestamp(raw, at: 0, limit: raw.count), parsed.end == raw.count,
                  raw.count > 10, raw[10] == UInt8(ascii: "T") || raw[10] == UInt8(ascii: " ")
            else { return nil }
            return parsed.time
        }
    }

    /// `+01:00`, `-0500`, `Z` -> seconds east of UTC.
    static func utcOffset(_ text: String) -> Int64? {
        if text == "Z" || text == "UTC" { return 0 }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().filter { $0 != ":" }
        guard digits.count == 4 || digits.count == 2, let value = Int64(digits) else { return nil }
        let hours = digits.count == 4 ? value / 100 : value
        let minutes = digits.count == 4 ? value % 100 : 0
        guard hours <= 14, minutes < 60 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return sign == "-" ? -seconds : seconds
    }

    /// A small text file (a config), or nil when it cannot be read.
    static func readText(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > 1 << 20 { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
