/// The verdicts for one analysis: every source, every port, and the targeted events.
public struct Classification: Sendable {
    /// By source number (same order as `Aggregator.sources`); nil for own networks (ignored as sources).
    public var sources = SourceVerdicts()
    public var ports = PortVerdicts()
    /// Targeted events, earliest first.
    public var events: [Event] = []
    /// Notes on the whole log: how far its time span (and the history) carries the verdicts, then the rest.
    public var notes: [String] { (coverageNote.map { [$0] } ?? []) + logNotes }
    /// Notes other than the coverage one (rate-limited logging).
    var logNotes: [String] = []
    /// Sources in own networks, ignored.
    public var ownSources = 0
    /// Whether the log is too short for the verdicts that need days (`ClassifierConfig.provisionalHours`).
    public var provisional = false
    /// Seconds from the log's first record to its last.
    var span: Int64 = 0
    /// Days of history before tonight's log that judged the slow behaviour (`judgedWithHistory`).
    var earlierHistoryDays = 0

    public init() {}

    public func verdict(forSource id: UInt32) -> SourceVerdict? { sources.indices.contains(Int(id)) ? sources[Int(id)] : nil }

    /// Background sources by kind (what `sources.compactMap { $0 }` filtered on `.background` and counted by
    /// kind gives), without making a verdict per source: a million sources' verdicts take 64 MB.
    public var backgroundKindCounts: [ScanKind: Int] { sources.backgroundKindCounts }

    /// Classifies every source, finds distributed groups, derives port verdicts and events. Deterministic: with
    /// `parallel`, the sources are classified in two halves on two threads, with the same verdicts.
    public static func classify(_ aggregator: Aggregator, config: ClassifierConfig = ClassifierConfig(), parallel: Bool = false) -> Classification {
        var result = Classification()
        result.span = aggregator.accounting.seen.seconds
        result.provisional = result.span < config.provisionalHours * 3600
        if aggregator.sawUFWPrefix, aggregator.busiestMinuteRecords <= 13, aggregator.accounting.records >= 100 {
            result.logNotes.append("the log looks rate-limited (never more than \(aggregator.busiestMinuteRecords) records a minute; ufw logs at most 3 a minute after a burst of 10): rates are floors")
        }
        // Features are made for one source at a time (and again for the few that a later step needs), not kept
        // for all: with a million sources they would take more memory than the verdicts.
        let table = aggregator.sources
        let allowedTraffic = AllowedTraffic(aggregator)
        @Sendable func features(_ id: UInt32) -> SourceFeatures {
            SourceFeatures(id: id, buckets: table, allowedTraffic: allowedTraffic, window: config.verticalWindowSeconds)
        }
        let classifier = SourceClassifier(config: config, aggregator: aggregator, localAddresses: aggregator.targets.count, provisional: result.provisional)
        result.sources = SourceVerdicts(table: table, parallel: parallel) { index in
            let bucket = table.view(index)
            if config.ownNetworks.contains(where: { $0.contains(bucket.address) }) { return nil }
            return classifier.judge(UInt32(index), bucket: bucket, features: features)
        }
        result.ownSources = table.count - result.sources.judgedCount
        let verdicts = result.sources

        var events: [Event] = []
        for group in DistributedScanFinder(config: config).find(table, isJudged: verdicts.isJudged, features: features) {
            let ids = group.members.map(\.id)
            // A source already in a group stays in the first one.
            if ids.contains(where: { result.sources[Int($0)]?.kind == .distributedScan }) { continue }
            let evidence = [
                "\(group.members.count) sources \(group.network.map { "in \($0)" } ?? "from scattered networks with the same tool (\(group.members[0].bucket.dominantFingerprint?.name ?? "no fingerprint"))") split \(TextFormatting.grouped(group.unionPorts.count)) ports of \(aggregator.targets[Int(group.target)]) between them (overlap \(classifier.percent(group.overlap))), first probes within \(TextFormatting.duration(seconds: group.startSpread)); threshold \(config.distributedSources) sources, \(config.distributedPorts) ports, overlap at most \(classifier.percent(config.distributedMaxOverlap))",
            ]
            let confidenceValue = confidence(measure: Double(group.members.count), threshold: Double(config.distributedSources))
            for member in group.members {
                let index = Int(member.id)
                var verdict = result.sources[index]!
                let before = "\(verdict.threatClass.rawValue) \(verdict.kind.rawValue)"
                verdict.threatClass = .targeted
                verdict.kind = .distributedScan
                verdict.confidence = confidenceValue
                verdict.evidence = evidence + ["alone it would be \(before): \(verdict.evidence.first ?? "")"]
                result.sources[index] = verdict
            }
            events.append(makeEvent(kind: .distributedScan, members: group.members, aggregator: aggregator, confidence: confidenceValue, evidence: evidence))
        }
        markScannerNetworks(table, features: features, config: config, into: &result)
        // Targeted verdicts are all kept whole: the others need not be looked at.
        for id in result.sources.wholeIDs {
            guard let verdict = result.sources[Int(id)], verdict.threatClass == .targeted, verdict.kind != .distributedScan else { continue }
            events.append(makeEvent(kind: verdict.kind, members: [features(id)], aggregator: aggregator, confidence: verdict.confidence, evidence: verdict.evidence))
        }
        events += allowedConnectionEvents(aggregator, config: config, into: &result)
        result.events = result.numbered(events)
        result.ports = portVerdicts(aggregator, sources: result.sources)
        return result
    }

    /// A short log's verdicts that need days are provisional, unless the history's earlier days judged them.
    var coverageNote: String? {
        guard provisional else { return nil }
        let covered = TextFormatting.duration(seconds: span)
        if earlierHistoryDays > 0 {
            return "tonight's log covers \(covered); slow scans and returning sources are judged with the \(earlierHistoryDays) earlier day(s) of the history"
        }
        return "the log covers only \(covered): verdicts that need days (slow scans, returning sources) are provisional"
    }

    /// With a history of `earlierDays` days before tonight's log, slow behaviour is judged across nights
    /// (`addCrossNightFindings`): the coverage note says so instead of calling the verdicts provisional.
    public mutating func judgedWithHistory(earlierDays: Int) {
        earlierHistoryDays = earlierDays
    }

    /// Events earliest first, numbered E1, E2, ... in that order; each member source gets its event's number.
    mutating func numbered(_ events: [Event]) -> [Event] {
        var events = events.sorted {
            ($0.start?.microseconds ?? .min, $0.sources.first ?? .unspecified) < ($1.start?.microseconds ?? .min, $1.sources.first ?? .unspecified)
        }
        for index in events.indices {
            let id = "E\(index + 1)"
            events[index] = events[index].withID(id)
            for member in events[index].sourceIDs { sources[Int(member)]?.eventID = id }
        }
        return events
    }

    /// Findings among allowed connections, which are not probes: a burst against one open service (brute force
    /// the firewall let through), and a sweep of an open service across the network from a source with no probes.
    static func allowedConnectionEvents(_ aggregator: Aggregator, config: ClassifierConfig, into result: inout Classification) -> [Event] {
        var events: [Event] = []
        let window: Int64 = 600
        // Sorted addresses, not sorted (address, connections) pairs: no copy of every source's connections.
        for address in aggregator.allowedSources.keys.sorted() {
            let allowed = aggregator.allowedSources[address]!
            guard !config.ownNetworks.contains(where: { $0.contains(address) }) else { continue }
            let local = aggregator.targets.count
            let ports = allowed.ports.elements.map(PortKey.init(packed:)).sorted()
            let portsText = ports.map(\.description).joined(separator: ", ")
            // A sweep of an open service across the network, in address order, from a source that sent no probes.
            let sweepTargets = max(config.sweepTargets, Int((config.sweepTargetShare * Double(local)).rounded(.up)))
            if aggregator.sourceIDs[address] == nil, local >= config.sweepTargets, allowed.targets.count >= sweepTargets,
                allowed.targets.inAddressOrder, ports.count <= config.sweepMaxPorts
            {
                let evidence = [
                    "\(portsText) on \(allowed.targets.count) of \(local) local addresses in address order in \(TextFormatting.duration(seconds: allowed.seen.seconds)), all allowed (open here); threshold \(sweepTargets) addresses: a sweep of this network's service (mass scanners randomise the order)",
                ]
                events.append(Event(id: "", kind: .horizontalSweep, threatClass: .targeted, sources: [address], sourceIDs: [],
                                    targets: allowed.targets.numbers.elements.map { aggregator.targets[Int($0)] }.sorted(), ports: ports,
                                    probes: allowed.connections, start: allowed.seen.first, end: allowed.seen.last,
                                    confidence: confidence(measure: Double(allowed.targets.count), threshold: Double(sweepTargets)), evidence: evidence))
                continue
            }
            guard allowed.ports.count <= config.hammeringMaxPorts, allowed.busiestBurst >= UInt64(config.hammeringProbes) else { continue }
            let perWindow = Double(allowed.busiestBurst) * Double(window) / Double(max(allowed.busiestBurstSeconds, window))
            guard perWindow >= Double(config.hammeringProbes) else { continue }
            let targets = allowed.targets.numbers.elements.map { aggregator.targets[Int($0)] }.sorted()
            let evidence = [
                "\(TextFormatting.grouped(allowed.busiestBurst)) connections allowed to \(portsText) in \(TextFormatting.duration(seconds: allowed.busiestBurstSeconds)) (\(TextFormatting.grouped(allowed.connections)) in all); threshold \(config.hammeringProbes) in \(TextFormatting.duration(seconds: window)): brute force against an open service",
            ]
            let confidenceValue = confidence(measure: perWindow, threshold: Double(config.hammeringProbes))
            var ids: [UInt32] = []
            if let id = aggregator.sourceIDs[address], var verdict = result.sources[Int(id)] {
                ids = [id]
                verdict.threatClass = .targeted
                verdict.kind = .serviceHammering
                verdict.confidence = max(verdict.confidence, confidenceValue)
                verdict.evidence = evidence + verdict.evidence
                result.sources[Int(id)] = verdict
            }
            events.append(Event(id: "", kind: .serviceHammering, threatClass: .targeted, sources: [address], sourceIDs: ids,
                                targets: targets, ports: ports, probes: allowed.connections, start: allowed.seen.first,
                                end: allowed.seen.last, confidence: confidenceValue, evidence: evidence))
        }
        return events
    }

    /// Sibling sources in one /24 (or /48) that each scatter probes over many ports without crossing a fast
    /// threshold: a scanning network (research, search engine, bulk scanner), background. A distributed scan
    /// was already taken out by then.
    static func markScannerNetworks(
        _ table: SourceTable, features: (UInt32) -> SourceFeatures, config: ClassifierConfig, into result: inout Classification
    ) {
        // (network, source) pairs sorted, then runs of one network: no array per network.
        func isMember(_ index: Int) -> Bool {
            guard result.sources.isJudged(index), table.view(index).portCount >= 5, let verdict = result.sources[index] else { return false }
            return verdict.kind == .slowVerticalScan || verdict.kind == .backgroundSweep || verdict.kind == .institutionalScanner
        }
        var entries: [NetworkMember] = []
        entries.reserveCapacity(table.indices.reduce(0) { isMember($1) ? $0 + 1 : $0 })
        for index in table.indices where isMember(index) {
            entries.append(NetworkMember(network: NetworkMember.network(of: table.view(index).address), id: UInt32(index)))
        }
        entries.sort()
        NetworkMember.forEachGroup(of: entries, atLeast: config.distributedSources) { group in
            let members = group.map { features($0.id) }
            let prefix = Network(siblingsOf: members[0].bucket.address).description
            let ports = members.reduce(0) { $0 + $1.portCount }
            for member in members {
                let index = Int(member.id)
                guard var verdict = result.sources[index], verdict.kind != .institutionalScanner else { continue }
                let before = "\(verdict.threatClass.rawValue) \(verdict.kind.rawValue)"
                verdict.threatClass = .background
                verdict.kind = .institutionalScanner
                verdict.confidence = confidence(measure: Double(members.count), threshold: Double(config.distributedSources))
                verdict.evidence = [
                    "one of \(members.count) sources in \(prefix) that each scatter probes over many ports (\(TextFormatting.grouped(ports)) between them) without a fast scan: a scanning network, not one actor singling out this host",
                    "alone it would be \(before): \(verdict.evidence.first ?? "")",
                ]
                result.sources[index] = verdict
            }
        }
    }

    static func makeEvent(kind: ScanKind, members: [SourceFeatures], aggregator: Aggregator, confidence: Double, evidence: [String]) -> Event {
        var seen = SeenSpan()
        var targets = Set<UInt32>()
        var ports = Set<PortKey>()
        var probes: UInt64 = 0
        for member in members {
            seen.merge(member.bucket.seen)
            targets.formUnion(member.targetIDs)
            ports.formUnion(member.ports)
            probes += member.probes
        }
        return Event(id: "", kind: kind, threatClass: .targeted, sources: members.map(\.bucket.address).sorted(), sourceIDs: members.map(\.id).sorted(),
                     targets: targets.map { aggregator.targets[Int($0)] }.sorted(), ports: ports.sorted(), probes: probes,
                     start: seen.first, end: seen.last, confidence: confidence, evidence: evidence)
    }

    /// Background, targeted or mixed, from the verdicts of each port's sources (the sources whose ports hold it).
    static func portVerdicts(_ aggregator: Aggregator, sources: SourceVerdicts) -> PortVerdicts {
        // Per port bucket, by its position in `aggregator.ports`: judged and targeted sources, targeted kinds.
        var verdicts = PortVerdicts(ports: aggregator.ports)
        let table = aggregator.sources
        for id in table.indices {
            // 0 for own networks, 1 for background, 2 + kind index for targeted (no verdict copies).
            let mark = sources.mark(id)
            guard mark > 0 else { continue }
            table.view(id).forEachPort { verdicts.count(mark, on: $0) }
        }
        return verdicts
    }
}

extension Event {
    func withID(_ id: String) -> Event {
        Event(id: id, kind: kind, threatClass: threatClass, sources: sources, sourceIDs: sourceIDs, targets: targets, ports: ports, probes: probes,
              start: start, end: end, confidence: confidence, evidence: evidence)
    }
}

/// A source as a sortable 16-byte key, to group sources by sorting instead of an array per group: `high` holds
/// its /24 (IPv4) or /48 (IPv6) network (`network(of:)`) shifted left by 8, and a small value in the low byte
/// (a tool); `low` holds another value (a target) in the high half and the source number in the low half.
struct NetworkMember: Comparable {
    let high: UInt64
    let low: UInt64

    init(network: UInt64, small: UInt8 = 0, value: UInt32 = 0, id: UInt32) {
        high = network << 8 | UInt64(small)
        low = UInt64(value) << 32 | UInt64(id)
    }

    var id: UInt32 { UInt32(truncatingIfNeeded: low) }
    var value: UInt32 { UInt32(truncatingIfNeeded: low >> 32) }
    /// Whether two members share network, small value and value.
    func sameGroup(_ other: Self) -> Bool { high == other.high && low >> 32 == other.low >> 32 }

    /// Calls `body` with each run of at least `minimum` members of one group in `sorted`, in order.
    static func forEachGroup(of sorted: [NetworkMember], atLeast minimum: Int, _ body: (ArraySlice<NetworkMember>) -> Void) {
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].sameGroup(sorted[start]) { end += 1 }
            if end - start >= minimum { body(sorted[start..<end]) }
            start = end
        }
    }

    /// Equal exactly when `Network(siblingsOf: address)` is (55 bits at most).
    static func network(of address: IPAddress) -> UInt64 {
        address.isIPv4 ? UInt64(address.v4Value >> 8) : 1 << 54 | address.high >> 16
    }

    static func < (a: Self, b: Self) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

