/// Folds records into per-port and per-source buckets. Memory grows with the number of buckets, not lines.
public struct Aggregator: Sendable {
    public internal(set) var accounting = Accounting()
    public internal(set) var ports: [PortKey: PortBucket] = [:]
    public internal(set) var sources: [IPAddress: SourceBucket] = [:]

    public init() {}

    /// Counts one line's outcome; `where` names it (`path:line`) for the first unparsed line of each reason.
    @inline(__always)
    public mutating func count(_ outcome: LineOutcome, record: FirewallRecord, where location: @autoclosure () -> String) {
        accounting.lines += 1
        switch outcome {
        case .record:
            add(record)
        case .ignored(let reason):
            accounting.ignored[reason, default: 0] += 1
        case .unparsed(let reason):
            accounting.unparsed[reason, default: 0] += 1
            if accounting.firstUnparsed[reason] == nil { accounting.firstUnparsed[reason] = location() }
        }
    }

    /// Adds one record (already counted as a line).
    @inline(__always)
    mutating func add(_ record: FirewallRecord) {
        let weight = UInt64(record.repeatCount)
        accounting.recordLines += 1
        accounting.records += weight
        accounting.actions[record.action, default: 0] += weight
        accounting.seen.add(record.time)
        guard record.isProbe else { return }
        accounting.probes += weight

        let key = PortKey(record: record)
        ports[key, default: PortBucket(key: key)].record(record, weight: weight)
        sources[record.source, default: SourceBucket(address: record.source)].record(record, key: key, weight: weight)
    }

    /// Adds another aggregator's buckets (from a file read in parallel).
    public mutating func merge(_ other: Aggregator) {
        accounting.merge(other.accounting)
        for (key, bucket) in other.ports { ports[key, default: PortBucket(key: key)].merge(bucket) }
        for (address, bucket) in other.sources { sources[address, default: SourceBucket(address: address)].merge(bucket) }
    }
}

extension PortBucket {
    @inline(__always)
    mutating func record(_ record: FirewallRecord, weight: UInt64) {
        probes += weight
        sources.insert(record.source)
        targets.insert(record.destination)
        seen.add(record.time)
    }
}

extension SourceBucket {
    @inline(__always)
    mutating func record(_ record: FirewallRecord, key: PortKey, weight: UInt64) {
        probes += weight
        ports.insert(key)
        targets.insert(record.destination)
        seen.add(record.time)
    }
}
