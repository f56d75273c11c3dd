/// The numbers the classifier reads for one source, derived once from its bucket.
struct SourceFeatures {
    let id: UInt32
    /// Its bucket: a view of the aggregator's table (`SourceTable.view`), valid while the classification runs.
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

    init(id: UInt32, buckets: SourceTable, allowedTraffic: AllowedTraffic, window: Int64) {
        self.id = id
        let bucket = buckets.view(Int(id))
        self.bucket = bucket
        let allowed = allowedTraffic.connections(of: id, address: bucket.address)
        // One pass over its ports (no array): open ports it tried, and how many ports are above 10000.
        var probedOpen: [PortKey] = []
        var withPorts = 0, high = 0
        bucket.forEachPort { packed in
            let key = PortKey(packed: packed)
            if let port = key.port {
                withPorts += 1
                if port > 10000 { high += 1 }
            }
            if allowedTraffic.isOpen(packed) { probedOpen.append(key) }
        }
        // Open ports it tried: blocked probes on ports allowed elsewhere, and its own allowed connections.
        let allowedPorts = (allowed?.ports.elements ?? []).map(PortKey.init(packed:))
        // Most sources probed no open port: no set to build.
        openPortsProbed = probedOpen.isEmpty && allowedPorts.isEmpty ? [] : Set(probedOpen + allowedPorts).sorted()
        sweptInOrder = bucket.targetsInAddressOrder || allowed?.targets.inAddressOrder == true
        highPortShare = withPorts == 0 ? 0 : Double(high) / Double(withPorts)
        backscatterShare = Self.backscatterShare(bucket)
        spanSeconds = bucket.seen.seconds
        busiestRate = Self.busiestRate(bucket, window: window)
    }

    var probes: UInt64 { bucket.probes }
    var portCount: Int { bucket.portCount }
    var targetCount: Int { bucket.targetCount }
    var days: Int { bucket.dayCount }

    /// Ports per `window` seconds in the bucket's busiest visit.
    static func busiestRate(_ bucket: SourceBucket, window: Int64) -> Double {
        Double(bucket.busiestVisitPorts) * Double(window) / Double(max(bucket.busiestVisitSeconds, window))
    }

    /// Share of its probes that are backscatter (replies to spoofed traffic).
    static func backscatterShare(_ bucket: SourceBucket) -> Double {
        let probes = bucket.probes
        return probes == 0 ? 0 : Double(bucket.count(of: .backscatter)) / Double(probes)
    }
}

/// The allowed traffic each source's features look up, indexed once per classification: the open ports as
/// sorted packed keys (a few; a binary search instead of hashing a `PortKey` for every port of every source),
/// and a flag per source number for the few sources that also had allowed connections.
struct AllowedTraffic {
    private let openPorts: [UInt32]
    private let hasConnections: [Bool]
    private let connections: [IPAddress: AllowedConnections]

    init(_ aggregator: Aggregator) {
        openPorts = aggregator.openPorts.map(\.packed).sorted()
        connections = aggregator.allowedSources
        var flags = [Bool](repeating: false, count: connections.isEmpty ? 0 : aggregator.sources.count)
        for address in connections.keys {
            if let id = aggregator.sourceIDs[address] { flags[Int(id)] = true }
        }
        hasConnections = flags
    }

    /// Whether the firewall allowed this port (packed `PortKey`) inbound somewhere in the log.
    @inline(__always)
    func isOpen(_ packed: UInt32) -> Bool {
        guard !openPorts.isEmpty else { return false }
        var low = 0, high = openPorts.count
        while low < high {
            let middle = (low + high) / 2
            if openPorts[middle] < packed { low = middle + 1 } else { high = middle }
        }
        return low < openPorts.count && openPorts[low] == packed
    }

    /// The allowed connections of source `id` (at `address`), if it had any.
    func connections(of id: UInt32, address: IPAddress) -> AllowedConnections? {
        Int(id) < hasConnections.count && hasConnections[Int(id)] ? connections[address] : nil
    }
}

/// How sure a verdict is, from how far a measure is past its threshold (1x -> 0.55, 2x -> 0.78, 4x -> 0.89 ...).
func confidence(measure: Double, threshold: Double) -> Double {
    guard threshold > 0, measure >= threshold else { return 0.5 }
    return min(0.99, 1 - 0.45 * threshold / measure)
}
