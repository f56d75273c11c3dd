/// Which records the buckets take (`--since`, `--until`, `--port`, `--source`, `--action`). Records left out
/// are still counted as records, and in `Accounting.filteredOut`.
public struct RecordFilter: Sendable {
    public var since: Timestamp?
    public var until: Timestamp?
    /// Destination ports (any protocol).
    public var ports: Set<UInt16> = []
    public var sources: [Network] = []
    public var actions: Set<FirewallAction> = []

    public init() {}

    public var isEmpty: Bool { since == nil && until == nil && ports.isEmpty && sources.isEmpty && actions.isEmpty }

    /// `includes`, quickly when the filter is empty.
    @inline(__always)
    func takes(_ record: FirewallRecord) -> Bool { isEmpty || includes(record) }

    public func includes(_ record: FirewallRecord) -> Bool {
        if since != nil || until != nil {
            guard let time = record.time else { return false }
            if let since, time < since { return false }
            if let until, time >= until { return false }
        }
        if !ports.isEmpty && !(record.hasPorts && ports.contains(record.destinationPort)) { return false }
        if !sources.isEmpty && !sources.contains(where: { $0.contains(record.source) }) { return false }
        if !actions.isEmpty && !actions.contains(record.action) { return false }
        return true
    }
}
