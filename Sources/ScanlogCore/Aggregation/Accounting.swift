/// Where every line went: the counters that every report shows. `lines` always equals
/// `recordLines + ignored + unparsed`; `records` also counts what `message repeated N times` stood for.
public struct Accounting: Sendable, Equatable {
    public internal(set) var lines: UInt64 = 0
    /// Lines that were firewall records.
    public internal(set) var recordLines: UInt64 = 0
    /// Records, counting a `message repeated N times` line as N.
    public internal(set) var records: UInt64 = 0
    /// Records that are probes: inbound, and not allowed or audited.
    public internal(set) var probes: UInt64 = 0
    /// Records left out of the buckets by a filter (`--since`, `--port`, ...).
    public internal(set) var filteredOut: UInt64 = 0
    public internal(set) var ignored: [IgnoredReason: UInt64] = [:]
    public internal(set) var unparsed: [UnparsedReason: UInt64] = [:]
    /// The first line (`path:line`) for each unparsed reason, so the user can look at it.
    public internal(set) var firstUnparsed: [UnparsedReason: String] = [:]
    /// Records by action (only actions that occurred), from `actionCounts`.
    public var actions: [FirewallAction: UInt64] {
        var result: [FirewallAction: UInt64] = [:]
        for action in FirewallAction.allCases where actionCounts[Int(action.rawValue)] > 0 {
            result[action] = actionCounts[Int(action.rawValue)]
        }
        return result
    }
    /// Records by `FirewallAction.rawValue`: counted per record without hashing.
    var actionCounts = SIMD4<UInt64>()
    public internal(set) var seen = SeenSpan()

    public init() {}

    public var ignoredTotal: UInt64 { ignored.values.reduce(0, +) }
    public var unparsedTotal: UInt64 { unparsed.values.reduce(0, +) }

    /// Whether every line landed in exactly one counter.
    public var isBalanced: Bool { lines == recordLines + ignoredTotal + unparsedTotal }

    public mutating func merge(_ other: Accounting) {
        lines += other.lines
        recordLines += other.recordLines
        records += other.records
        probes += other.probes
        filteredOut += other.filteredOut
        ignored.merge(other.ignored, uniquingKeysWith: +)
        unparsed.merge(other.unparsed, uniquingKeysWith: +)
        firstUnparsed.merge(other.firstUnparsed) { mine, _ in mine }
        for index in 0..<4 { actionCounts[index] += other.actionCounts[index] }
        seen.merge(other.seen)
    }
}
