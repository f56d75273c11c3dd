/// The numbers the classifier reads for one source, derived once from its bucket.
struct SourceFeatures {
    let id: UInt32
    /// All the buckets (shared, not copied: arrays are copy-on-write) and this one's number.
    private let buckets: [SourceBucket]
    var bucket: SourceBucket { buckets[Int(id)] }
    let ports: [PortKey]
    let targetIDs: [UInt32]
    /// Ports that the firewall allowed inbound somewhere in the log.
    let openPortsProbed: [PortKey]
    /// Whether it took the local addresses in address order (as a sweep of this network does; mass scanners
    /// randomise the order), counting blocked probes and allowed connections apart.
    let sweptInOrder: Bool
    /// Share of its port-carrying probes' distinct ports above 10000 (random whole-range scanning).
    let highPortShare: Double
    let backscatterShare: Double
    let spanSeconds: Int64
    /// Ports per `window` seconds in its busiest visit.
    let busiestRate: Double

    init(id: UInt32, buckets: [SourceBucket], openPorts: Set<PortKey>, allowed: AllowedConnections?, window: Int64) {
        self.id = id
        self.buckets = buckets
        let bucket = buckets[Int(id)]
        ports = bucket.ports.elements.map(PortKey.init(packed:)).sorted()
        targetIDs = bucket.targets.numbers.elements.sorted()
        // Open ports it tried: blocked probes on ports allowed elsewhere, and its own allowed connections.
        let allowedPorts = (allowed?.ports.elements ?? []).map(PortKey.init(packed:))
        openPortsProbed = Set(ports.filter { openPorts.contains($0) } + allowedPorts).sorted()
        sweptInOrder = bucket.targets.inAddressOrder || allowed?.targets.inAddressOrder == true
        let withPorts = ports.compactMap(\.port)
        highPortShare = withPorts.isEmpty ? 0 : Double(withPorts.filter { $0 > 10000 }.count) / Double(withPorts.count)
        backscatterShare = bucket.probes == 0 ? 0 : Double(bucket.count(of: .backscatter)) / Double(bucket.probes)
        spanSeconds = bucket.seen.seconds
        busiestRate = Double(bucket.busiestVisitPorts) * Double(window) / Double(max(bucket.busiestVisitSeconds, window))
    }

    var probes: UInt64 { bucket.probes }
    var portCount: Int { ports.count }
    var targetCount: Int { targetIDs.count }
    var days: Int { bucket.days.count }
}

/// How sure a verdict is, from how far a measure is past its threshold (1x -> 0.55, 2x -> 0.78, 4x -> 0.89 ...).
func confidence(measure: Double, threshold: Double) -> Double {
    guard threshold > 0, measure >= threshold else { return 0.5 }
    return min(0.99, 1 - 0.45 * threshold / measure)
}
