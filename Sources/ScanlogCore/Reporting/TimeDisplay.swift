#if canImport(Glibc)
import Glibc
#endif

/// The zone the text report shows times in: the log's own (a fixed offset given for it, or this machine's `TZ`,
/// the zone that year-less syslog times were read in), or UTC.
public struct TimeDisplay: Sendable {
    public let utc: Bool
    public let fixedOffset: Int64?

    public init(utc: Bool = false, fixedOffset: Int64? = nil) {
        self.utc = utc
        self.fixedOffset = fixedOffset
    }

    /// Seconds east of UTC at `time`.
    public func offset(at time: Timestamp) -> Int {
        if utc { return 0 }
        if let fixedOffset { return Int(fixedOffset) }
        var seconds = time_t(time.seconds)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff)
    }

    /// `2026-11-22 03:43`.
    public func short(_ time: Timestamp) -> String {
        let text = time.rfc3339(offsetSeconds: offset(at: time))
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }

    /// `UTC`, or `UTC+01:00` for the offset at `time`.
    public func label(at time: Timestamp) -> String {
        let offset = offset(at: time)
        if offset == 0 { return "UTC" }
        let minutes = abs(offset) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "UTC\(offset < 0 ? "-" : "+")\(two(minutes / 60)):\(two(minutes % 60))"
    }
}
