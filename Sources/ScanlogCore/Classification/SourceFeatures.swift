/// The numbers the classifier reads for one source, derived once from its bucket.
struct SourceFeatures {
    let id: UInt32
    /// All the buckets (shared, not copied: arrays are copy-on-write) and this one's number.
    private let buckets: [SourceBucket]
    var bucket: SourceBucket { buckets[Int(id)] }
    /// Its ports and target numbers, sorted: made when a rule or a report asks (most sources never need them),
    /// so that the features of a million sources hold no arrays.
    var ports: [PortKey] {
        let set = bucket.ports
        if set.count == 1 {
            // Most sources: one port, one small array.
            var only: UInt32 = 0
            set.forEach { only = $0 }
            return [PortKey(packed: only)]
        }
        return set.elements.map(PortKey.init(packed:)).sorted()
    }
    var targetIDs: [UInt32] { bucket.targets.numbers.elements.sorted() }
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
        // One pass over its ports (no array): open ports it tried, and how many ports are above 10000.
        var probedOpen: [PortKey] = []
        var withPorts = 0, high = 0
        bucket.ports.forEach { packed in
            let key = PortKey(packed: packed)
            if let port = key.port {
                withPorts += 1
                if port > 10000 { high += 1 }
            }
            if !openPorts.isEmpty && openPorts.contains(key) { probedOpen.append(key) }
        }
        // Open ports it tried: blocked probes on ports allowed elsewhere, and its own allowed connections.
        let allowedPorts = (allowed?.ports.elements ?? []).map(PortKey.init(packed:))
        // Most sources probed no open port: no set to build.
        openPortsProbed = probedOpen.isEmpty && allowedPorts.isEmpty ? [] : Set(probedOpen + allowedPorts).sorted()
        sweptInOrder = bucket.targets.inAddressOrder || allowed?.targets.inAddressOrder == true
        highPortShare = withPorts == 0 ? 0 : Double(high) / Double(withPorts)
        backscatterShare = bucket.probes == 0 ? 0 : Double(bucket.count(of: .backscatter)) / Double(bucket.probes)
        spanSeconds = bucket.seen.seconds
        busiestRate = Double(bucket.busiestVisitPorts) * Double(window) / Double(max(bucket.busiestVisitSeconds, window))
    }

    var probes: UInt64 { bucket.probes }
    var portCount: Int { bucket.portCount }
    var targetCount: Int { bucket.targetCount }
    var days: Int { bucket.days.count }
}

/// How sure a verdict is, from how far a measure is past its threshold (1x -> 0.55, 2x -> 0.78, 4x -> 0.89 ...).
func confidence(measure: Double, threshold: Double) -> Double {
    guard threshold > 0, measure >= threshold else { return 0.5 }
    return min(0.99, 1 - 0.45 * threshold / measure)
}
