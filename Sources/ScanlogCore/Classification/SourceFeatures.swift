/// The numbers the classifier reads for one source, derived once from its bucket.
struct SourceFeatures {
    let id: UInt32
    /// Its bucket (a view of the aggregator's table).
    let bucket: SourceBucket
    /// Its ports and target numbers, sorted: made when a rule or a report asks (most sources never need them),
    /// so that the features of a million sources hold no arrays. Packed ports sort as `PortKey`s do.
    var ports: [PortKey] { bucket.sortedPorts.map(PortKey.init(packed:)) }
    var targetIDs: [UInt32] { bucket.sortedTargetIDs }
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

    init(id: UInt32, buckets: SourceTable, openPorts: Set<PortKey>, allowed: AllowedConnections?, window: Int64) {
        self.id = id
        let bucket = buckets[Int(id)]
        self.bucket = bucket
        // One pass over its ports (no array): open ports it tried, and how many ports are above 10000.
        var probedOpen: [PortKey] = []
        var withPorts = 0, high = 0
        bucket.forEachPort { packed in
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
        sweptInOrder = bucket.targetsInAddressOrder || allowed?.targets.inAddressOrder == true
        highPortShare = withPorts == 0 ? 0 : Double(high) / Double(withPorts)
        backscatterShare = Self.backscatterShare(bucket)
        spanSeconds = bucket.seen.seconds
        busiestRate = Double(bucket.busiestVisitPorts) * Double(window) / Double(max(bucket.busiestVisitSeconds, window))
    }

    var probes: UInt64 { bucket.probes }
    var portCount: Int { bucket.portCount }
    var targetCount: Int { bucket.targetCount }
    var days: Int { bucket.dayCount }

    /// Share of its probes that are backscatter (replies to spoofed traffic).
    static func backscatterShare(_ bucket: SourceBucket) -> Double {
        let probes = bucket.probes
        return probes == 0 ? 0 : Double(bucket.count(of: .backscatter)) / Double(probes)
    }
}

/// How sure a verdict is, from how far a measure is past its threshold (1x -> 0.55, 2x -> 0.78, 4x -> 0.89 ...).
func confidence(measure: Double, threshold: Double) -> Double {
    guard threshold > 0, measure >= threshold else { return 0.5 }
    return min(0.99, 1 - 0.45 * threshold / measure)
}
