/// Classifies one source at a time from its features, in a fixed order of rules; the first rule that holds
/// decides. Every verdict says which numbers crossed which thresholds.
struct SourceClassifier {
    let config: ClassifierConfig
    let aggregator: Aggregator
    /// All local addresses seen (targets of probes and of allowed traffic).
    let localAddresses: Int
    /// Whether the log is short enough that slow behaviour cannot be judged yet.
    let provisional: Bool

    typealias F = TextFormatting

    /// Judges source `id`, making its features (`features`) only when a rule could hold: most sources of a
    /// large log (a probe or two on a port or two) fail a condition of every rule on their bucket's plain
    /// counts, and are quiet without the work of features.
    func judge(_ id: UInt32, bucket: SourceBucket, features: (UInt32) -> SourceFeatures) -> SourceJudgement {
        mayHoldARule(bucket) ? classify(features(id)) : quiet(bucket)
    }

    /// False only when every rule of `classify` (and its sweep shape) fails on a condition read from the bucket
    /// alone; true otherwise, and then `classify` decides.
    func mayHoldARule(_ bucket: SourceBucket) -> Bool {
        let ports = bucket.portCount, targets = bucket.targetCount
        if !config.knownScanners.isEmpty || SourceFeatures.backscatterShare(bucket) >= config.backscatterShare { return true }
        // Fast vertical and hammering read the bucket alone; the other rules need more ports, days or targets.
        if targets <= config.slowVerticalMaxTargets,
            Double(config.verticalPorts) <= SourceFeatures.busiestRate(bucket, window: config.verticalWindowSeconds)
        {
            return true
        }
        if isHammering(bucket) || isSweepShaped(targets: targets, ports: ports) { return true }
        if ports >= config.slowVerticalPorts || ports >= config.institutionalPorts || bucket.dayCount >= config.returningDays { return true }
        return localAddresses >= 2 && targets == localAddresses && ports >= Self.institutionalAliasPorts
    }

    /// A background source that no rule singled out and no sweep shape: worded from its bucket when a report asks.
    private func quiet(_ bucket: SourceBucket) -> SourceJudgement {
        .quiet(highConfidence: bucket.portCount <= config.sweepMaxPorts && bucket.visits <= 2, fingerprint: bucket.dominantFingerprint)
    }

    func classify(_ source: SourceFeatures) -> SourceJudgement {
        let bucket = source.bucket
        var verdict = SourceVerdict(
            sourceID: source.id, threatClass: .background, kind: .backgroundSweep, confidence: 0.5,
            fingerprint: bucket.dominantFingerprint, eventID: nil)
        // The tool fingerprint's line follows the rule's lines. A quiet background source's is worded by the
        // report that shows it (`deriveEvidence`), so it is worded here only when a rule fires.
        var fingerprintLines: [String] {
            guard let fingerprint = bucket.dominantFingerprint, fingerprint != .backscatter else { return [] }
            return [Self.fingerprintLine(fingerprint, bucket: bucket)]
        }
        if let network = config.knownScanners.first(where: { $0.contains(bucket.address) }) {
            verdict.kind = .institutionalScanner
            verdict.confidence = 0.95
            verdict.evidence = ["in \(network), listed as a known scanner in the config"] + fingerprintLines
            return .verdict(verdict)
        }
        if source.backscatterShare >= config.backscatterShare {
            verdict.kind = .backscatter
            verdict.fingerprint = .backscatter
            verdict.confidence = confidence(measure: source.backscatterShare, threshold: config.backscatterShare)
            verdict.evidence = ["\(F.grouped(bucket.count(of: .backscatter))) of \(F.grouped(bucket.probes)) probes are SYN-ACK, RST or ICMP errors: replies to traffic spoofed in this host's name, not probes; threshold \(percent(config.backscatterShare))"] + fingerprintLines
            return .verdict(verdict)
        }
        if let targeted = targetedRule(source) {
            verdict.threatClass = .targeted
            verdict.kind = targeted.kind
            verdict.confidence = targeted.confidence
            verdict.evidence = targeted.evidence + fingerprintLines
            if !source.openPortsProbed.isEmpty {
                verdict.evidence.append("probed \(source.openPortsProbed.count) port(s) open here: \(list(source.openPortsProbed))")
            }
            if provisional && (targeted.kind == .slowVerticalScan || targeted.kind == .returningRecon) {
                verdict.confidence *= 0.8
            }
            return .verdict(verdict)
        }
        if let institutional = institutionalRule(source) {
            verdict.kind = .institutionalScanner
            verdict.confidence = institutional.confidence
            verdict.evidence = institutional.evidence + fingerprintLines
            return .verdict(verdict)
        }
        let highConfidence = source.portCount <= config.sweepMaxPorts && bucket.visits <= 2
        guard let sweep = sweepShape(source) else { return quiet(bucket) }
        verdict.evidence = [sweep + "; no port swept is open here: the same probe every address gets, mass-scanner behaviour"] + fingerprintLines
        verdict.confidence = highConfidence ? 0.9 : 0.7
        return .verdict(verdict)
    }

    // MARK: Rules

    typealias Finding = (kind: ScanKind, confidence: Double, evidence: [String])

    private func targetedRule(_ source: SourceFeatures) -> Finding? {
        let bucket = source.bucket
        let window = config.verticalWindowSeconds
        // Worded only when a rule below fires (most sources fire none).
        var target: String { targetsText(source) }
        // Fast vertical: many ports of one or two hosts within the window.
        if source.targetCount <= config.slowVerticalMaxTargets, Double(config.verticalPorts) <= source.busiestRate {
            let evidence = "\(F.grouped(bucket.busiestVisitPorts)) ports on \(target) in \(F.duration(seconds: bucket.busiestVisitSeconds)); threshold \(config.verticalPorts) in \(F.duration(seconds: window))"
            var lines = [evidence]
            if source.portCount > Int(bucket.busiestVisitPorts) { lines.append("\(F.grouped(source.portCount)) ports in all, \(bucket.visits) visit(s)") }
            return (.verticalScan, confidence(measure: source.busiestRate, threshold: Double(config.verticalPorts)), lines)
        }
        // Service hammering: one service over and over.
        if isHammering(bucket) {
            let port = source.ports.first.map(\.description) ?? "?"
            var evidence = "\(F.grouped(bucket.maxProbesOnOnePort)) probes on \(port) of \(target)"
            if source.spanSeconds > 0 { evidence += " over \(F.duration(seconds: source.spanSeconds))" }
            evidence += " from \(bucket.sourcePorts.count >= 64 ? "64 or more" : String(bucket.sourcePorts.count)) source ports; threshold \(config.hammeringProbes) on one port"
            var lines = [evidence]
            if bucket.retransmissions > 0 { lines.append("\(F.grouped(bucket.retransmissions)) SYN retransmissions not counted") }
            return (.serviceHammering, confidence(measure: Double(bucket.maxProbesOnOnePort), threshold: Double(config.hammeringProbes)), lines)
        }
        // Horizontal sweep on a port that is open here: aimed at this network's service.
        // Horizontal sweep in address order, taking in a port open here: aimed at this network's services.
        if let sweep = sweepShape(source), source.sweptInOrder, !source.openPortsProbed.isEmpty {
            return (.horizontalSweep, confidence(measure: Double(source.targetCount), threshold: Double(config.sweepTargets)),
                    [sweep, "in address order (mass scanners randomise it), and on \(list(source.openPortsProbed)), open here: aimed at this network's services"])
        }
        // Slow vertical: many ports of one or two hosts at any pace, singling them out among the local addresses,
        // on a chosen list of ports (not random across the whole range).
        if source.targetCount <= config.slowVerticalMaxTargets, source.portCount >= config.slowVerticalPorts,
            source.targetCount < localAddresses || localAddresses == 1,
            source.highPortShare < config.institutionalHighPortShare
        {
            let perHour = source.spanSeconds > 0 ? Double(source.portCount) * 3600 / Double(source.spanSeconds) : Double(source.portCount)
            var lines = ["\(F.grouped(source.portCount)) ports on \(target) over \(F.duration(seconds: source.spanSeconds)) (about \(rate(perHour)) an hour, \(bucket.visits) visit(s)); threshold \(config.slowVerticalPorts) ports"]
            lines.append("never faster than \(Int(source.busiestRate.rounded())) ports in \(F.duration(seconds: window)): below the fast-scan threshold of \(config.verticalPorts)")
            if source.highPortShare < config.institutionalHighPortShare {
                lines.append("\(percent(1 - source.highPortShare)) of its ports are at or below 10000: a chosen list, not the whole range")
            }
            return (.slowVerticalScan, confidence(measure: Double(source.portCount), threshold: Double(config.slowVerticalPorts)), lines)
        }
        // Returning recon: back on several days to the same few ports.
        // The same ports each time: every port it tried, tried on at least two visits' worth of probes.
        let triedCount = min(source.portCount, 4)
        let probesOnPorts = bucket.firstPortProbes
        var fewestOnAPort = UInt32.max
        for slot in 0..<triedCount { fewestOnAPort = min(fewestOnAPort, probesOnPorts[slot]) }
        let revisits = triedCount > 0 && fewestOnAPort >= 2 && bucket.probes >= 2 * UInt64(source.portCount)
        // ... to the same host: background sweepers land on a different local address each time.
        if source.days >= config.returningDays, source.portCount <= config.returningMaxPorts, bucket.visits >= UInt32(config.returningDays),
            revisits, source.targetCount <= config.slowVerticalMaxTargets
        {
            let evidence = "came back on \(source.days) days (\(bucket.visits) visits) to the same \(source.portCount) port(s): \(list(source.ports)), \(F.grouped(bucket.probes)) probes; threshold \(config.returningDays) days on at most \(config.returningMaxPorts) ports"
            var measure = Double(source.days)
            if !source.openPortsProbed.isEmpty { measure *= 1.5 }
            return (.returningRecon, confidence(measure: measure, threshold: Double(config.returningDays)), [evidence])
        }
        return nil
    }

    /// A sweep across the local network on few ports, described; nil when the source is not sweep-shaped.
    func sweepShape(_ source: SourceFeatures) -> String? {
        guard isSweepShaped(targets: source.targetCount, ports: source.portCount) else { return nil }
        return "\(list(source.ports)) on \(source.targetCount) of \(localAddresses) local addresses in \(F.duration(seconds: source.spanSeconds)); threshold \(config.sweepTargets) addresses and \(percent(config.sweepTargetShare)) of the network"
    }

    /// Few ports on many local addresses: at least `sweepTargets` of them and `sweepTargetShare` of the network.
    private func isSweepShaped(targets: Int, ports: Int) -> Bool {
        localAddresses >= config.sweepTargets && targets >= config.sweepTargets
            && Double(targets) >= config.sweepTargetShare * Double(localAddresses) && ports <= config.sweepMaxPorts
    }

    /// One service over and over: few ports, and at least `hammeringProbes` probes on one of them.
    private func isHammering(_ bucket: SourceBucket) -> Bool {
        bucket.portCount <= config.hammeringMaxPorts && bucket.maxProbesOnOnePort >= UInt64(config.hammeringProbes)
    }

    /// Ports an institutional scanner takes on every local address alike, at the least.
    private static let institutionalAliasPorts = 5

    private func institutionalRule(_ source: SourceFeatures) -> Finding? {
        let bucket = source.bucket
        // Many ports on every local address alike: it scans the internet, not this host.
        if localAddresses >= 2, source.targetCount == localAddresses, source.portCount >= Self.institutionalAliasPorts {
            let perTarget = Double(source.portCount) / Double(localAddresses)
            return (.institutionalScanner, confidence(measure: Double(localAddresses), threshold: 2),
                    ["\(F.grouped(source.portCount)) ports on all \(localAddresses) local addresses alike (about \(rate(perTarget)) each) over \(F.duration(seconds: source.spanSeconds)), never faster than \(Int(source.busiestRate.rounded())) in \(F.duration(seconds: config.verticalWindowSeconds)): scanning address space, not singling out a host"])
        }
        let longEnough = source.days >= config.institutionalDays || source.spanSeconds >= 12 * 3600
        guard longEnough, source.portCount >= config.institutionalPorts, source.highPortShare >= config.institutionalHighPortShare else { return nil }
        let perDay = Double(bucket.probes) / Double(max(source.days, 1))
        var lines = ["steady over \(source.days) day(s) at about \(rate(perDay)) probes a day, \(F.grouped(source.portCount)) ports spread over the whole range (\(percent(source.highPortShare)) above 10000)"]
        if localAddresses > 1 { lines.append("\(source.targetCount) of \(localAddresses) local addresses alike") }
        return (.institutionalScanner, confidence(measure: source.highPortShare, threshold: config.institutionalHighPortShare), lines)
    }

    // MARK: Wording

    /// `zmap fingerprint on 3 of 4 probes (IP ID 54321)`.
    static func fingerprintLine(_ fingerprint: Fingerprint, bucket: SourceBucket) -> String {
        FingerprintLine(fingerprint, bucket: bucket).text
    }

    func targetsText(_ source: SourceFeatures) -> String {
        let names = source.targetIDs.prefix(2).map { aggregator.targets[Int($0)].description }
        return names.joined(separator: " and ") + (source.targetCount > 2 ? " and \(source.targetCount - 2) more" : "")
    }

    func list(_ ports: [PortKey]) -> String { ports.map(\.description).joined(separator: ", ") }
    func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
    func rate(_ value: Double) -> String { value >= 10 ? F.grouped(Int(value.rounded())) : String(Double(Int(value * 10)) / 10) }
}
