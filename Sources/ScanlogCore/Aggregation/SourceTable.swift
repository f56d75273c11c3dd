/// Every source address seen in probes, by number (the order of first appearance), in flat storage sized by
/// the number of sources: a 104-byte record per source in segments that never move, its small sets in shared
/// pools, and an open-addressing index from address to number (`AddressIndex`, 8 bytes a slot). No object,
/// array or hash table per source, so no allocator overhead per source either.
///
/// A source whose state outgrows its record (more than 64 ports or targets, a count past its narrow field, two
/// tool fingerprints, probes on days more than 55 apart) moves to the general form (`WideSource`), kept beside
/// the record; both read the same through `SourceBucket`.
///
/// A value type: copies share the storage until one of them is changed (then the changed one copies it).
public struct SourceTable: RandomAccessCollection, Sendable {
    var storage: SourceStorage

    init() { storage = SourceStorage() }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    /// Source `position`: a bucket that keeps the table's storage, so it may be kept.
    public subscript(position: Int) -> SourceBucket {
        precondition(position >= 0 && position < storage.count, "source number out of range")
        return SourceBucket(storage: storage, id: UInt32(truncatingIfNeeded: position), owning: true)
    }

    /// Source `position` as a view: valid only while this table lives, for loops over the table that count no
    /// references per source (see `SourceBucket`).
    @inline(__always)
    func view(_ position: Int) -> SourceBucket {
        precondition(position >= 0 && position < storage.count, "source number out of range")
        return SourceBucket(storage: storage, id: UInt32(truncatingIfNeeded: position), owning: false)
    }

    /// The number of `address`, if it sent a probe.
    func id(of address: IPAddress) -> UInt32? { storage.find(address) }

    /// Counts a probe, from a source whose number is `id` if the caller numbered it (see `SourceStorage.record`).
    @inline(__always)
    mutating func record(
        _ record: FirewallRecord, id: UInt32?, key: PortKey, target: UInt32, weight: UInt64,
        retransmissionWindow: Int64, visitGap: Int64, targetAddresses: [IPAddress]
    ) -> (id: UInt32, counted: UInt64, newPort: Bool) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage.record(record, id: id, packed: key.packed, target: target, weight: weight,
                              window: retransmissionWindow, gap: visitGap, targetAddresses: targetAddresses)
    }

    /// Brings the address index up to date after probes counted by number (see `SourceStorage.completeIndex`).
    mutating func completeIndex(from candidate: AddressIndex?) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.completeIndex(from: candidate)
    }

    /// Bytes held, by part (for measurements and tests).
    var footprint: [(String, Int)] { storage.footprint }
}

/// Source numbers by address (`Aggregator.sourceIDs`).
public struct SourceIndex: Sendable {
    let table: SourceTable
    public subscript(address: IPAddress) -> UInt32? { table.id(of: address) }
}
