/// One night's probes folded into per-day cells, ready to be added to the history database.
///
/// Days are UTC days (`CivilDate(daysSinceEpoch:)`), so they do not move with daylight saving time. Cells are
/// exact and additive: a day split between two runs adds up to the same numbers as one run over the whole day.
/// Probes are counted as the report's `probes` count them (log records, retransmissions included).
public struct DailyTally: Sendable {
    /// One (day, source, port) cell of one log host.
    struct CellKey: Hashable, Sendable {
        var host: UInt32
        var day: Int32
        var source: IPAddress
        var port: UInt32
    }

    /// One (day, port, target) cell of one log host.
    struct TargetKey: Hashable, Sendable {
        var host: UInt32
        var day: Int32
        var port: UInt32
        var target: IPAddress
    }

    struct SourceDayKey: Hashable, Sendable {
        var host: UInt32
        var day: Int32
        var source: IPAddress
    }

    struct SourceDay: Sendable {
        var probes: UInt64 = 0
        var first: Int64 = .max
        var last: Int64 = .min
    }

    /// One (day, source, target) cell of one log host.
    struct SourceTargetKey: Hashable, Sendable {
        var host: UInt32
        var day: Int32
        var source: IPAddress
        var target: IPAddress
    }

    /// Log host names in order of appearance ("" when the envelope has none).
    public private(set) var hosts: [String] = []
    private var hostNumbers: [String: UInt32] = [:]
    private(set) var cells: [CellKey: UInt64] = [:]
    private(set) var targets: [TargetKey: UInt64] = [:]
    private(set) var sourceDays: [SourceDayKey: SourceDay] = [:]
    private(set) var sourceTargets: [SourceTargetKey: UInt64] = [:]
    /// Probes counted into cells.
    public private(set) var probes: UInt64 = 0
    /// Probes without a wall-clock time (plain `dmesg`): they belong to no day and are not kept.
    public private(set) var untimed: UInt64 = 0
    /// The earliest and latest probe time (seconds since the epoch).
    public private(set) var firstSeconds: Int64?
    public private(set) var lastSeconds: Int64?

    public init() {}

    /// Adds one probe as it streams past (`AnalysisOptions.probeSink`).
    public mutating func add(_ probe: ProbeRow) {
        let record = probe.record
        let weight = UInt64(record.repeatCount)
        guard let time = record.time else {
            untimed += weight
            return
        }
        let seconds = time.seconds
        let day = Int32(clamping: Self.day(ofSeconds: seconds))
        let host = number(ofHost: probe.host)
        let port = PortKey(record: record).packed
        probes += weight
        firstSeconds = min(firstSeconds ?? seconds, seconds)
        lastSeconds = max(lastSeconds ?? seconds, seconds)
        cells[CellKey(host: host, day: day, source: record.source, port: port), default: 0] += weight
        targets[TargetKey(host: host, day: day, port: port, target: record.destination), default: 0] += weight
        sourceTargets[SourceTargetKey(host: host, day: day, source: record.source, target: record.destination), default: 0] += weight
        sourceDays[SourceDayKey(host: host, day: day, source: record.source), default: SourceDay()].add(seconds, weight: weight)
    }

    /// The UTC day number (days since 1970-01-01) of a time in seconds since the epoch.
    public static func day(ofSeconds seconds: Int64) -> Int {
        Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// `2026-11-21` for a day number.
    public static func dateText(_ day: Int) -> String {
        let date = CivilDate(daysSinceEpoch: day)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day))"
    }

    /// The distinct days this tally's probes fall on.
    public var days: Set<Int> { Set(sourceDays.keys.map { Int($0.day) }) }

    /// The distinct days this tally's probes fall on, per source address.
    var daysBySource: [IPAddress: Set<Int>] {
        var days: [IPAddress: Set<Int>] = [:]
        for key in sourceDays.keys { days[key.source, default: []].insert(Int(key.day)) }
        return days
    }

    private mutating func number(ofHost name: String) -> UInt32 {
        if let number = hostNumbers[name] { return number }
        let number = UInt32(hosts.count)
        hosts.append(name)
        hostNumbers[name] = number
        return number
    }
}

extension DailyTally.SourceDay {
    mutating func add(_ seconds: Int64, weight: UInt64) {
        probes += weight
        first = min(first, seconds)
        last = max(last, seconds)
    }
}
