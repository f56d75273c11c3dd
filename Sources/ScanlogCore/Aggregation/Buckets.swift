/// The first and last time something was seen; empty until a record with a time arrives.
public struct SeenSpan: Sendable, Equatable {
    public private(set) var first: Timestamp?
    public private(set) var last: Timestamp?

    public init() {}

    @inline(__always)
    public mutating func add(_ time: Timestamp?) {
        guard let time else { return }
        if first == nil || time < first! { first = time }
        if last == nil || time > last! { last = time }
    }

    public mutating func merge(_ other: SeenSpan) {
        add(other.first)
        add(other.last)
    }

    /// Seconds from first to last, 0 when fewer than two times are known.
    public var seconds: Int64 {
        guard let first, let last else { return 0 }
        return last.seconds - first.seconds
    }
}

/// Probes to one destination bucket: how many, from how many sources, to how many local addresses.
public struct PortBucket: Sendable {
    public let key: PortKey
    public internal(set) var probes: UInt64 = 0
    public internal(set) var sources: Set<IPAddress> = []
    public internal(set) var targets: Set<IPAddress> = []
    public internal(set) var seen = SeenSpan()

    public init(key: PortKey) { self.key = key }

    mutating func merge(_ other: PortBucket) {
        probes += other.probes
        sources.formUnion(other.sources)
        targets.formUnion(other.targets)
        seen.merge(other.seen)
    }
}

/// Probes from one source address: how many, to how many ports and local addresses, and when.
public struct SourceBucket: Sendable {
    public let address: IPAddress
    public internal(set) var probes: UInt64 = 0
    public internal(set) var ports: Set<PortKey> = []
    public internal(set) var targets: Set<IPAddress> = []
    public internal(set) var seen = SeenSpan()

    public init(address: IPAddress) { self.address = address }

    mutating func merge(_ other: SourceBucket) {
        probes += other.probes
        ports.formUnion(other.ports)
        targets.formUnion(other.targets)
        seen.merge(other.seen)
    }
}
