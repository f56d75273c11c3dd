/// The first and last time something was seen; empty until a record with a time arrives.
public struct SeenSpan: Sendable, Equatable {
    private var firstMicros = Int64.max
    private var lastMicros = Int64.min

    public init() {}

    public var first: Timestamp? { firstMicros == .max ? nil : Timestamp(microseconds: firstMicros) }
    public var last: Timestamp? { lastMicros == .min ? nil : Timestamp(microseconds: lastMicros) }

    @inline(__always)
    public mutating func add(_ time: Timestamp?) {
        guard let time else { return }
        if time.microseconds < firstMicros { firstMicros = time.microseconds }
        if time.microseconds > lastMicros { lastMicros = time.microseconds }
    }

    public mutating func merge(_ other: SeenSpan) {
        firstMicros = min(firstMicros, other.firstMicros)
        lastMicros = max(lastMicros, other.lastMicros)
    }

    /// Seconds from first to last, 0 when fewer than two times are known.
    public var seconds: Int64 {
        guard let first, let last else { return 0 }
        return last.seconds - first.seconds
    }
}

/// Local addresses reached, and how often each new one was above the one before (a sweep in address order;
/// mass scanners randomise the order).
public struct TargetSet: Sendable {
    public internal(set) var numbers = CompactSet()
    public internal(set) var ascendingSteps: UInt32 = 0
    private var lastNew: IPAddress?

    public init() {}

    public var count: Int { numbers.count }

    /// Notes a target; returns whether it was new.
    @discardableResult
    mutating func insert(_ number: UInt32, address: IPAddress) -> Bool {
        guard numbers.insert(number) else { return false }
        if let lastNew, address > lastNew { ascendingSteps += 1 }
        lastNew = address
        return true
    }

    /// Whether most new targets came in address order (80% of the steps, at least three targets).
    public var inAddressOrder: Bool { count >= 3 && Double(ascendingSteps) >= 0.8 * Double(count - 1) }
}

/// Probes to one destination bucket: how many, from how many sources, to how many local addresses.
public struct PortBucket: Sendable {
    public let key: PortKey
    public internal(set) var probes: UInt64 = 0
    /// Source numbers (see `Aggregator.sources`), each once: a source is added on its first probe of this
    /// bucket, which its own port set tells without hashing here.
    public internal(set) var sourceIDs: [UInt32] = []
    /// Target numbers (see `Aggregator.targets`).
    public internal(set) var targetIDs = CompactSet()
    public internal(set) var seen = SeenSpan()

    public init(key: PortKey) { self.key = key }

    public var sourceCount: Int { sourceIDs.count }
    public var targetCount: Int { targetIDs.count }
}

/// Everything scanlog keeps about one source address: counts, sets and the features the classifier reads.
/// Its size does not grow with the number of probes, only with distinct ports, targets and days.
public struct SourceBucket: Sendable {
    public let address: IPAddress
    /// Probes, with SYN retransmissions folded into the probe they repeat.
    public internal(set) var probes: UInt64 = 0
    /// Repeats of the previous probe (same target, port and source port within `retransmissionWindow`).
    public internal(set) var retransmissions: UInt64 = 0
    /// Packed `PortKey`s (see `PortKey.packed`).
    public internal(set) var ports = CompactSet()
    /// Probes on each of the first four ports, in the order first seen (to see one service hammered).
    public internal(set) var firstPortProbes = SIMD4<UInt32>()
    public internal(set) var targets = TargetSet()
    /// Days (since the epoch, UTC) with at least one probe.
    public internal(set) var days = CompactSet()
    public internal(set) var seen = SeenSpan()
    /// Distinct source ports used (capped count, to tell a hammering client from a retrying one).
    public internal(set) var sourcePorts = CompactSet()
    /// Visits: runs of probes with gaps shorter than `visitGap`.
    public internal(set) var visits: UInt32 = 0
    /// The visit with the most new ports: how many, over how long, against how many targets.
    public internal(set) var busiestVisitPorts: UInt32 = 0
    public internal(set) var busiestVisitSeconds: Int64 = 0
    /// Fingerprint counts, indexed by `Fingerprint.rawValue`.
    public internal(set) var fingerprintCounts = SIMD8<UInt32>()

    // Running state of the current visit and the last probe.
    var visitStart: Int64 = 0
    var visitLast: Int64 = .min
    var visitNewPorts: UInt32 = 0
    var lastTarget: UInt32 = .max
    var lastPort: UInt32 = .max
    var lastSourcePort: UInt16 = 0
    var lastTime: Int64 = .min

    public init(address: IPAddress) { self.address = address }

    public var portCount: Int { ports.count }
    public var targetCount: Int { targets.count }

    /// The most probes on a single port (among the first four ports it tried).
    public var maxProbesOnOnePort: UInt64 { UInt64(firstPortProbes.max()) }

    public func count(of fingerprint: Fingerprint) -> UInt64 { UInt64(fingerprintCounts[fingerprint.rawValue]) }

    /// The tool fingerprint seen on most of its probes, if any.
    public var dominantFingerprint: Fingerprint? {
        let best = Fingerprint.allCases.max { count(of: $0) < count(of: $1) }!
        return count(of: best) * 2 > probes ? best : nil
    }
}

/// Inbound connections the firewall allowed from one source (`[UFW ALLOW]`, `ACCEPT`): not probes, but a burst
/// of them against one open service is brute force.
public struct AllowedConnections: Sendable {
    public internal(set) var connections: UInt64 = 0
    public internal(set) var ports = CompactSet()
    public internal(set) var targets = TargetSet()
    public internal(set) var seen = SeenSpan()
    /// The busiest burst (connections with gaps under a minute): how many, over how long.
    public internal(set) var busiestBurst: UInt64 = 0
    public internal(set) var busiestBurstSeconds: Int64 = 0
    var burstStart: Int64 = 0
    var burstLast: Int64 = .min
    var burstCount: UInt64 = 0

    public init() {}

    mutating func record(_ record: FirewallRecord, key: PortKey, target: UInt32) {
        let weight = UInt64(record.repeatCount)
        connections += weight
        ports.insert(key.packed)
        targets.insert(target, address: record.destination)
        seen.add(record.time)
        guard let time = record.time?.microseconds else { return }
        if burstLast == .min || time - burstLast > 60_000_000 || time < burstStart {
            burstStart = time
            burstCount = 0
        }
        burstLast = max(burstLast, time)
        burstCount += weight
        if burstCount > busiestBurst {
            busiestBurst = burstCount
            busiestBurstSeconds = (burstLast - burstStart) / 1_000_000
        }
    }
}
