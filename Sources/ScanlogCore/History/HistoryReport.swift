/// What the history adds to a nightly report: ports rising against their 30-day mean (DShield's trend
/// score), ports never probed before, and how much history there is to judge by.
public struct HistoryReport: Sendable {
    /// Days of a port's past the trend compares with, and how many of them must have probes.
    public static let baselineDays = 30
    public static let minimumBaselineDays = 7
    /// A port is reported as rising when its score reaches this, its sources at least doubled their mean, and
    /// it had at least `minimumSources` sources: the score alone is about a z-score, and with hundreds of ports
    /// a night, chance alone would cross 3 somewhere every night (a mail that cries wolf is soon unread).
    public static let scoreThreshold = 4.0
    public static let minimumRise = 2.0
    public static let minimumSources = 5

    public var path: String
    public var keepDays: Int
    /// Days kept, first and last, and how many of them have probes.
    public var firstDay: Int?
    public var lastDay: Int?
    public var daysWithProbes = 0
    /// The last complete UTC day, which the trends describe: the newest day with probes once it has ended,
    /// else the day before it.
    public var trendDay: Int?
    /// Days with probes among the 30 before the trend day (per host: the smallest).
    public var baselineDaysObserved = 0
    /// Rising ports, highest score first.
    public var trends: [PortTrend] = []
    /// Ports probed tonight that no day kept had seen, with tonight's sources and probes.
    public var newPorts: [(port: PortKey, sources: Int, probes: UInt64)] = []
    /// Targeted events that only earlier nights made (a source tonight alone calls background).
    public var eventsFromHistory = 0
    /// Why something could not be judged (not enough history yet, ...).
    public var notes: [String] = []

    public init(path: String, keepDays: Int) {
        self.path = path
        self.keepDays = keepDays
    }

    /// Whether the history alone makes tonight worth a mail.
    public var standsOut: Bool { !trends.isEmpty }
}

/// One port of one host on the trend day against the mean of the days before.
public struct PortTrend: Sendable, Equatable {
    public let host: String
    public let port: PortKey
    public let probes: UInt64
    public let sources: Int
    public let targets: Int
    public let meanSources: Double
    public let meanTargets: Double
    /// sqrt((S-s)^2/s + (T-t)^2/t); infinite when the port had no probes in the baseline.
    public let score: Double

    /// DShield's trend score for `sources` and `targets` against their means (a zero mean gives infinity).
    public static func score(sources: Int, targets: Int, meanSources: Double, meanTargets: Double) -> Double {
        guard meanSources > 0, meanTargets > 0 else { return .infinity }
        let s = Double(sources) - meanSources
        let t = Double(targets) - meanTargets
        return (s * s / meanSources + t * t / meanTargets).squareRoot()
    }
}

extension HistorySession {
    /// The history part of tonight's report, read after tonight's tally was recorded. `newPorts` were found
    /// before recording (`knownPorts`). `now` (seconds since the epoch) tells whether the newest day has ended.
    public func report(path: String, keepDays: Int, now: Int64) throws -> HistoryReport {
        var report = HistoryReport(path: path, keepDays: keepDays)
        guard let coverage = try coverage() else { return report }
        (report.firstDay, report.lastDay, report.daysWithProbes) = (coverage.first, coverage.last, coverage.days)
        // The newest day with probes, unless it is later than today (a mis-dated line).
        let clockDay = DailyTally.day(ofSeconds: now)
        let newest = min(coverage.last, clockDay)
        let day = clockDay > newest ? newest : newest - 1
        report.trendDay = day
        let window = (day - HistoryReport.baselineDays)...(day - 1)
        let observed = try observedDays(in: window)
        let today = try portDays(host: nil, days: day...day)
        guard !today.isEmpty else {
            report.notes.append("no probes on \(DailyTally.dateText(day)), the last complete day: no trends")
            return report
        }
        let past = try portDays(host: nil, days: window)
        var sums: [String: [PortKey: (sources: Int, targets: Int)]] = [:]
        for row in past {
            let sum = sums[row.host]?[row.port] ?? (0, 0)
            sums[row.host, default: [:]][row.port] = (sum.sources + row.sources, sum.targets + row.targets)
        }
        var fewest = Int.max
        for host in Set(today.map(\.host)).sorted() {
            let days = observed[host]?.count ?? 0
            fewest = min(fewest, days)
            guard days >= HistoryReport.minimumBaselineDays else {
                let name = host.isEmpty ? "" : " of \(host)"
                report.notes.append("trends\(name) need \(HistoryReport.minimumBaselineDays) days with probes before \(DailyTally.dateText(day)); the history has \(days)")
                continue
            }
            for row in today where row.host == host && row.sources >= HistoryReport.minimumSources {
                let sum = sums[host]?[row.port] ?? (0, 0)
                let meanSources = Double(sum.sources) / Double(days)
                let meanTargets = Double(sum.targets) / Double(days)
                guard Double(row.sources) >= HistoryReport.minimumRise * meanSources else { continue }
                let score = PortTrend.score(sources: row.sources, targets: row.targets, meanSources: meanSources, meanTargets: meanTargets)
                guard score >= HistoryReport.scoreThreshold else { continue }
                report.trends.append(PortTrend(host: host, port: row.port, probes: row.probes, sources: row.sources,
                                               targets: row.targets, meanSources: meanSources, meanTargets: meanTargets, score: score))
            }
        }
        report.baselineDaysObserved = fewest == .max ? 0 : fewest
        report.trends.sort { ($0.score, $1.host, $1.port) > ($1.score, $0.host, $0.port) }
        return report
    }
}
