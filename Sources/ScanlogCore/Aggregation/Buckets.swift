/// The first and last time something was seen; empty until a record with a time arrives.
public struct SeenSpan: Sendable, Equatable {
    private var firstMicros = Int64.max
    private var lastMicros = Int64.min

    public init() {}

    /// From the raw bounds (`Int64.max` / `Int64.min` when nothing was seen).
    init(firstMicros: Int64, lastMicros: Int64) {
        self.firstMicros = firstMicros
        self.lastMicros = lastMicros
    }

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

    /// One target, whose address only a later `insert` would read.
    init(single number: UInt32) { numbers = CompactSet(single: number) }

    /// A set built elsewhere: `lastNew` is the address of the last new target (nil when only read).
    init(numbers: CompactSet, ascendingSteps: UInt32, lastNew: IPAddress?) {
        self.numbers = numbers
        self.ascendingSteps = ascendingSteps
        self.lastNew = lastNew
    }

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
    private var storedSourceCount: UInt32 = 0
    public internal(set) var probes: UInt64 = 0
    /// Target numbers (see `Aggregator.targets`).
    public internal(set) var targetIDs = CompactSet()
    public internal(set) var seen = SeenSpan()

    public init(key: PortKey) { self.key = key }

    /// Sources with a counted probe here: a source is counted on its first probe of this bucket, which its own
    /// port set tells. The sources themselves are those whose `ports` hold this key (no list is kept per port).
    public var sourceCount: Int { Int(storedSourceCount) }
    public var targetCount: Int { targetIDs.count }

    @inline(__always)
    mutating func addSource() { storedSourceCount &+= 1 }
}

/// A source in its wide form: the general representation, for the few sources that outgrow the compact record
/// of `SourceTable` (more than 64 ports or targets, a count past its narrow field, a third fingerprint, probes
/// on days more than 55 apart). Exact for every input; `SourceBucket` reads either form the same way.
///
/// Two tiers: while it has counted one probe its whole state is a few fields here (72 bytes); the second
/// counted probe moves it to a `SourceState` behind a reference (copied on write).
struct WideSource: Sendable {
    let address: IPAddress
    /// Probes, with SYN retransmissions folded into the probe they repeat.
    var probes: UInt64 = 0
    /// Repeats of the previous probe (same target, port and source port within `retransmissionWindow`).
    var retransmissions: UInt64 = 0
    /// The last probe's time (also moved by retransmissions), `.min` before the first timed probe.
    var lastTime: Int64 = .min
    /// The one counted probe's time, while the source is compact (`hasFirstTime`).
    var firstTime: Int64 = 0
    /// The full state, from the second counted probe on.
    var detail: SourceStateBox?
    var lastTarget: UInt32 = .max
    var lastPort: UInt32 = .max
    var lastSourcePort: UInt16 = 0
    /// `Fingerprint.rawValue` of the one counted probe, or `noFingerprint`, while the source is compact.
    var firstFingerprint: UInt8 = WideSource.noFingerprint
    var flags: UInt8 = 0

    static let noFingerprint: UInt8 = 0xFF
    static let hasProbe: UInt8 = 1
    static let hasFirstTime: UInt8 = 2
    static let firstHasPorts: UInt8 = 4

    init(address: IPAddress) { self.address = address }

    /// The full state: the detail, or the state after the one counted probe (empty before it).
    /// `firstTarget` is the address of that probe's target; only `TargetSet.insert` later reads it.
    func state(firstTarget: IPAddress = .unspecified) -> SourceState {
        if let detail { return detail.state }
        var state = SourceState()
        guard flags & Self.hasProbe != 0 else { return state }
        state.ports.insert(lastPort)
        state.firstPortProbes[0] = UInt32(truncatingIfNeeded: probes)
        state.targets.insert(lastTarget, address: firstTarget)
        if flags & Self.firstHasPorts != 0 { state.sourcePorts.insert(UInt32(lastSourcePort)) }
        if firstFingerprint != Self.noFingerprint {
            state.fingerprintCounts[Int(firstFingerprint)] = UInt32(truncatingIfNeeded: probes)
        }
        if flags & Self.hasFirstTime != 0 {
            state.seen.add(Timestamp(microseconds: firstTime))
            state.days.insert(UInt32(truncatingIfNeeded: (firstTime / 1_000_000) / 86400))
            state.visits = 1
            state.visitStart = firstTime
            state.visitLast = firstTime
            state.visitNewPorts = 1
            state.busiestVisitPorts = 1
            state.busiestVisitSeconds = 0
        } else {
            state.busiestVisitPorts = 1
        }
        return state
    }

    private var hasProbe: Bool { flags & Self.hasProbe != 0 }
    private var hasFirstTime: Bool { flags & Self.hasFirstTime != 0 }

    /// Packed `PortKey`s (see `PortKey.packed`).
    var ports: CompactSet {
        if let detail { return detail.state.ports }
        return hasProbe ? CompactSet(single: lastPort) : CompactSet()
    }
    /// Probes on each of the first four ports, in the order first seen (to see one service hammered).
    var firstPortProbes: SIMD4<UInt32> {
        if let detail { return detail.state.firstPortProbes }
        return SIMD4(hasProbe ? UInt32(truncatingIfNeeded: probes) : 0, 0, 0, 0)
    }
    var targets: TargetSet {
        if let detail { return detail.state.targets }
        return hasProbe ? TargetSet(single: lastTarget) : TargetSet()
    }
    /// Days (since the epoch, UTC) with at least one probe.
    var days: CompactSet {
        if let detail { return detail.state.days }
        return hasFirstTime ? CompactSet(single: UInt32(truncatingIfNeeded: (firstTime / 1_000_000) / 86400)) : CompactSet()
    }
    var seen: SeenSpan {
        if let detail { return detail.state.seen }
        var seen = SeenSpan()
        if hasFirstTime { seen.add(Timestamp(microseconds: firstTime)) }
        return seen
    }
    /// Distinct source ports used (capped count, to tell a hammering client from a retrying one).
    var sourcePorts: CompactSet {
        if let detail { return detail.state.sourcePorts }
        return flags & Self.firstHasPorts != 0 ? CompactSet(single: UInt32(lastSourcePort)) : CompactSet()
    }
    /// Visits: runs of probes with gaps shorter than `visitGap`.
    var visits: UInt32 {
        if let detail { return detail.state.visits }
        return hasFirstTime ? 1 : 0
    }
    /// The visit with the most new ports: how many, over how long, against how many targets.
    var busiestVisitPorts: UInt32 {
        if let detail { return detail.state.busiestVisitPorts }
        return hasProbe ? 1 : 0
    }
    var busiestVisitSeconds: Int64 { detail?.state.busiestVisitSeconds ?? 0 }
    /// Fingerprint counts, indexed by `Fingerprint.rawValue`.
    var fingerprintCounts: SIMD8<UInt32> {
        if let detail { return detail.state.fingerprintCounts }
        var counts = SIMD8<UInt32>()
        if firstFingerprint != Self.noFingerprint { counts[Int(firstFingerprint)] = UInt32(truncatingIfNeeded: probes) }
        return counts
    }

    var portCount: Int {
        if let detail { return detail.state.ports.count }
        return flags & Self.hasProbe != 0 ? 1 : 0
    }
    var targetCount: Int {
        if let detail { return detail.state.targets.count }
        return flags & Self.hasProbe != 0 ? 1 : 0
    }

    /// The most probes on a single port (among the first four ports it tried).
    var maxProbesOnOnePort: UInt64 { UInt64(firstPortProbes.max()) }

    func count(of fingerprint: Fingerprint) -> UInt64 {
        if let detail { return UInt64(detail.state.fingerprintCounts[fingerprint.rawValue]) }
        return firstFingerprint == UInt8(fingerprint.rawValue) ? UInt64(UInt32(truncatingIfNeeded: probes)) : 0
    }

    /// The tool fingerprint seen on most of its probes, if any.
    var dominantFingerprint: Fingerprint? {
        if detail == nil {
            // One counted probe: its fingerprint, if any, is the only count above zero.
            guard firstFingerprint != Self.noFingerprint, let only = Fingerprint(rawValue: Int(firstFingerprint)) else { return nil }
            return count(of: only) * 2 > probes ? only : nil
        }
        let best = Fingerprint.allCases.max { count(of: $0) < count(of: $1) }!
        return count(of: best) * 2 > probes ? best : nil
    }
}

/// A source's sets and visit figures once it has counted two probes (see `SourceBucket`).
struct SourceState: Sendable {
    var ports = CompactSet()
    var firstPortProbes = SIMD4<UInt32>()
    var targets = TargetSet()
    var days = CompactSet()
    var seen = SeenSpan()
    var sourcePorts = CompactSet()
    var visits: UInt32 = 0
    var busiestVisitPorts: UInt32 = 0
    var busiestVisitSeconds: Int64 = 0
    var fingerprintCounts = SIMD8<UInt32>()
    // Running state of the current visit.
    var visitStart: Int64 = 0
    var visitLast: Int64 = .min
    var visitNewPorts: UInt32 = 0
}

/// The heap home of a `SourceState`; `SourceBucket` copies it before writing when it is shared.
final class SourceStateBox: @unchecked Sendable {
    var state: SourceState
    init(_ state: SourceState) { self.state = state }
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
