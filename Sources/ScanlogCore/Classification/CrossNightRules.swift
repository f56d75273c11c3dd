/// What the history knows of one source: every (day, port) it probed, earlier nights and tonight together.
public struct NightsSeen: Sendable, Equatable {
    /// For each port, the UTC days (days since the epoch) it was probed on.
    public var portDays: [PortKey: Set<Int>] = [:]
    /// The days of tonight's probes (the rest come from the history).
    public var tonight: Set<Int> = []
    /// The most local addresses it probed on any one day, and on all the days together.
    public var maxTargetsPerDay = 0
    public var targets = 0

    public init() {}

    public var days: Set<Int> { portDays.values.reduce(into: Set<Int>()) { $0.formUnion($1) } }
    /// Days seen before tonight's probes.
    public var earlierDays: Set<Int> { days.subtracting(tonight) }
}

/// The two rules only a history can support: a slow scan spread over many nights, and a source that comes
/// back night after night to the same few ports. A source that a single log already judged targeted, or
/// recognised as a scanner or backscatter, keeps its verdict.
struct CrossNightRules {
    let config: ClassifierConfig
    /// Local addresses probed by anyone over the days kept.
    let localAddresses: Int

    typealias Finding = (kind: ScanKind, confidence: Double, evidence: [String])

    func judge(_ seen: NightsSeen) -> Finding? {
        let earlier = seen.earlierDays
        // Singling out one or two addresses: a source that probes every local address alike scans address space.
        guard !earlier.isEmpty, seen.maxTargetsPerDay <= config.slowVerticalMaxTargets,
            seen.targets < localAddresses || localAddresses == 1
        else { return nil }
        let days = seen.days
        let ports = seen.portDays.keys.sorted()
        let probedTonight = seen.portDays.filter { !$0.value.isDisjoint(with: seen.tonight) }.count
        let dayRange = "\(DailyTally.dateText(days.min()!)) to \(DailyTally.dateText(days.max()!))"
        let hosts = seen.maxTargetsPerDay == 1 ? "one local address" : "at most \(seen.maxTargetsPerDay) local addresses"

        // Slow scan over nights: many ports of one or two addresses, a few each night, a chosen list.
        let withPorts = ports.compactMap(\.port)
        let highShare = withPorts.isEmpty ? 0 : Double(withPorts.filter { $0 > 10_000 }.count) / Double(withPorts.count)
        if ports.count >= config.slowVerticalPorts, highShare < config.institutionalHighPortShare {
            let evidence = [
                "\(ports.count) ports of \(hosts) a day over \(days.count) days (\(dayRange)), \(probedTonight) of them tonight; threshold \(config.slowVerticalPorts) ports: a slow scan spread over nights (history)",
                "\(Int(((1 - highShare) * 100).rounded()))% of its ports are at or below 10000: a chosen list, not the whole range",
            ]
            return (.slowVerticalScan, confidence(measure: Double(ports.count), threshold: Double(config.slowVerticalPorts)), evidence)
        }
        // Returning across nights: the same few ports, each on at least two days.
        if days.count >= config.returningDays, ports.count <= config.returningMaxPorts,
            seen.portDays.values.allSatisfy({ $0.count >= 2 })
        {
            let dates = days.sorted().map(DailyTally.dateText)
            let shown = dates.count <= 5 ? dates.joined(separator: ", ") : dayRange
            let evidence = [
                "came back on \(days.count) days (\(shown)) to the same \(ports.count) port(s) of \(hosts): \(ports.map(\.description).joined(separator: ", ")); threshold \(config.returningDays) days on at most \(config.returningMaxPorts) ports (history)",
            ]
            return (.returningRecon, confidence(measure: Double(days.count), threshold: Double(config.returningDays)), evidence)
        }
        return nil
    }
}

extension Classification {
    /// Sources that tonight's log alone calls background but the history does not: judged again with what
    /// earlier nights saw (`nights`, by source number), made targeted with their evidence, and given events.
    /// Event numbers and port verdicts are redone.
    public mutating func addCrossNightFindings(
        _ nights: [UInt32: NightsSeen], localAddresses: Int, aggregator: Aggregator, config: ClassifierConfig
    ) {
        let rules = CrossNightRules(config: config, localAddresses: localAddresses)
        let allowedTraffic = AllowedTraffic(aggregator)
        var added: [Event] = []
        for id in nights.keys.sorted() {
            guard let seen = nights[id], var verdict = sources[Int(id)], Self.mayTurnTargeted(verdict),
                let finding = rules.judge(seen)
            else { continue }
            let before = verdict.evidence.first.map { "tonight alone: \($0)" }
            verdict.threatClass = .targeted
            verdict.kind = finding.kind
            verdict.confidence = finding.confidence
            verdict.evidence = finding.evidence + (before.map { [$0] } ?? [])
            sources[Int(id)] = verdict
            let features = SourceFeatures(id: id, buckets: aggregator.sources, allowedTraffic: allowedTraffic,
                                          window: config.verticalWindowSeconds)
            added.append(Self.makeEvent(kind: finding.kind, members: [features], aggregator: aggregator,
                                        confidence: finding.confidence, evidence: finding.evidence))
        }
        guard !added.isEmpty else { return }
        for index in sources.indices { sources[index]?.eventID = nil }
        events = numbered(events + added)
        ports = Self.portVerdicts(aggregator, sources: sources)
    }

    /// Only plain background sources are judged again: a known or institutional scanner, backscatter, or a
    /// source already targeted keeps its verdict.
    static func mayTurnTargeted(_ verdict: SourceVerdict) -> Bool {
        verdict.threatClass == .background && verdict.kind == .backgroundSweep && verdict.fingerprint != .backscatter
    }
}
