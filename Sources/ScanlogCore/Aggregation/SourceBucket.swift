/// One source, read from a `SourceTable`: counts, sets and the features the classifier reads. Its size does
/// not grow with the number of probes, only with distinct ports, targets and days.
///
/// Reading a bucket counts no references: the storage is reached without a retain. A bucket from
/// `SourceTable[_:]` also holds the storage (`owner`), so it may be kept; one from `SourceTable.view(_:)` does
/// not, and is valid only while its table lives. The loops over every source (classification, report rows)
/// use views: with two threads, a reference count that both change on every source costs more than the work.
/// Sendable as its storage is: a bucket only reads, and its record pointer points into that storage.
public struct SourceBucket: @unchecked Sendable {
    private let storageReference: Unmanaged<SourceStorage>
    /// The storage, counted, for a bucket that may outlive the loop that read it; nil in a view.
    private let owner: SourceStorage?
    /// Its record (records never move), so that reading a field is one load, not a copy of the record.
    private let recordAddress: UnsafePointer<SourceRecord>
    let id: UInt32

    init(storage: SourceStorage, id: UInt32, owning: Bool) {
        storageReference = Unmanaged.passUnretained(storage)
        owner = owning ? storage : nil
        recordAddress = UnsafePointer(storage.recordPointer(Int(id)))
        self.id = id
    }

    /// Whether it holds its storage (may be kept), or is a view.
    var keepsStorage: Bool { owner != nil }

    /// The same bucket, holding its storage (a copy of a view that may be kept).
    var owning: SourceBucket { owner != nil ? self : SourceBucket(storage: storage, id: id, owning: true) }

    /// Whether the bucket reads `table`'s storage.
    func isIn(_ table: SourceTable) -> Bool { storageReference.toOpaque() == Unmanaged.passUnretained(table.storage).toOpaque() }

    /// The storage, reached without a retain for the length of `body`.
    @inline(__always) private func withStorage<Result>(_ body: (SourceStorage) -> Result) -> Result {
        storageReference._withUnsafeGuaranteedRef(body)
    }
    private var storage: SourceStorage { storageReference.takeUnretainedValue() }

    private var record: SourceRecord {
        @inline(__always) unsafeAddress { recordAddress }
    }
    @inline(__always) private func wideForm(_ record: SourceRecord) -> WideSource { withStorage { $0.wide[Int(record.port0)] } }
    private var wide: WideSource? {
        record.isWide ? wideForm(record) : nil
    }

    public var address: IPAddress {
        record.isV6 ? withStorage { $0.address(of: record) } : IPAddress(v4: record.address)
    }
    /// Probes, with SYN retransmissions folded into the probe they repeat.
    public var probes: UInt64 {
        record.isWide ? wideForm(record).probes : UInt64(record.probes)
    }
    /// Repeats of the previous probe (same target, port and source port within `retransmissionWindow`).
    public var retransmissions: UInt64 {
        record.isWide ? wideForm(record).retransmissions : UInt64(record.retransmissions)
    }
    /// Packed `PortKey`s (see `PortKey.packed`).
    public var ports: CompactSet {
        if let wide { return wide.ports }
        var set = CompactSet()
        withStorage { storage in storage.forEachPort(of: record) { set.insert($0) } }
        return set
    }
    /// Calls `body` with each packed port, in the order first probed (wide sources: in no particular order).
    func forEachPort(_ body: (UInt32) -> Void) {
        if let wide { wide.ports.forEach(body) } else { withStorage { $0.forEachPort(of: record, body) } }
    }
    /// Its packed ports, ascending (the order of `PortKey`).
    var sortedPorts: [UInt32] {
        if let wide { return wide.ports.elements.sorted() }
        var ports: [UInt32] = []
        ports.reserveCapacity(Int(record.portCount))
        withStorage { storage in storage.forEachPort(of: record) { ports.append($0) } }
        return ports.sorted()
    }
    /// Its three lowest packed ports, ascending; `.max` where it has fewer.
    var smallestPorts: SIMD3<UInt32> {
        if !record.isWide && record.portCount <= 2 {
            switch record.portCount {
            case 0: return SIMD3(.max, .max, .max)
            case 1: return SIMD3(record.port0, .max, .max)
            default: return SIMD3(min(record.port0, record.port1), max(record.port0, record.port1), .max)
            }
        }
        let ports = sortedPorts
        return SIMD3(ports.count > 0 ? ports[0] : .max, ports.count > 1 ? ports[1] : .max, ports.count > 2 ? ports[2] : .max)
    }
    /// Probes on each of the first four ports, in the order first seen (to see one service hammered).
    public var firstPortProbes: SIMD4<UInt32> {
        if let wide { return wide.firstPortProbes }
        return SourceRecord.unpack(record.firstPortProbes)
    }
    /// Its targets. Read only: the address of the last new target, which only `insert` reads, is not kept.
    public var targets: TargetSet {
        if let wide { return wide.targets }
        var numbers = CompactSet()
        withStorage { storage in storage.forEachTarget(of: record) { numbers.insert($0) } }
        return TargetSet(numbers: numbers, ascendingSteps: UInt32(record.ascendingSteps), lastNew: nil)
    }
    /// Whether most new targets came in address order (`TargetSet.inAddressOrder`).
    var targetsInAddressOrder: Bool {
        if record.isWide { return wideForm(record).targets.inAddressOrder }
        let count = Int(record.targetCount)
        return count >= 3 && Double(record.ascendingSteps) >= 0.8 * Double(count - 1)
    }
    /// Its lowest target number (its only one, for most sources), nil before its first probe.
    var lowestTargetID: UInt32? {
        if !record.isWide && record.targetCount == 1 { return record.target0 }
        return sortedTargetIDs.first
    }
    /// Its target numbers, ascending.
    var sortedTargetIDs: [UInt32] {
        if let wide { return wide.targets.numbers.elements.sorted() }
        var targets: [UInt32] = []
        withStorage { storage in storage.forEachTarget(of: record) { targets.append($0) } }
        return targets.sorted()
    }
    /// Days (since the epoch, UTC) with at least one probe.
    public var days: CompactSet {
        if let wide { return wide.days }
        var set = CompactSet()
        guard record.lastSeen != .min else { return set }
        let base = SourceRecord.day(record.firstSeen) - SourceRecord.daysBefore
        var mask = record.dayMask
        while mask != 0 {
            set.insert(UInt32(truncatingIfNeeded: base + Int64(mask.trailingZeroBitCount)))
            mask &= mask - 1
        }
        return set
    }
    public var dayCount: Int {
        record.isWide ? wideForm(record).days.count : record.dayMask.nonzeroBitCount
    }
    public var seen: SeenSpan {
        if record.isWide { return wideForm(record).seen }
        return SeenSpan(firstMicros: record.firstSeen, lastMicros: record.lastSeen)
    }
    /// Distinct source ports used (capped count, to tell a hammering client from a retrying one).
    public var sourcePorts: CompactSet {
        if let wide { return wide.sourcePorts }
        var set = CompactSet()
        withStorage { storage in storage.forEachSourcePort(of: record) { set.insert(UInt32($0)) } }
        return set
    }
    /// Visits: runs of probes with gaps shorter than `visitGap`.
    public var visits: UInt32 {
        record.isWide ? wideForm(record).visits : UInt32(record.visits)
    }
    /// The visit with the most new ports: how many, over how long, against how many targets.
    public var busiestVisitPorts: UInt32 {
        record.isWide ? wideForm(record).busiestVisitPorts : UInt32(record.busiestVisitPorts)
    }
    public var busiestVisitSeconds: Int64 {
        record.isWide ? wideForm(record).busiestVisitSeconds : Int64(record.busiestVisitSeconds)
    }
    /// Fingerprint counts, indexed by `Fingerprint.rawValue`.
    public var fingerprintCounts: SIMD8<UInt32> {
        if let wide { return wide.fingerprintCounts }
        var counts = SIMD8<UInt32>()
        if record.fingerprint0 != SourceRecord.noFingerprint { counts[Int(record.fingerprint0)] = UInt32(record.fingerprintCount0) }
        if record.fingerprint1 != SourceRecord.noFingerprint { counts[Int(record.fingerprint1)] = UInt32(record.fingerprintCount1) }
        return counts
    }

    public var portCount: Int {
        record.isWide ? wideForm(record).portCount : Int(record.portCount)
    }
    public var targetCount: Int {
        record.isWide ? wideForm(record).targetCount : Int(record.targetCount)
    }

    /// The most probes on a single port (among the first four ports it tried).
    public var maxProbesOnOnePort: UInt64 { UInt64(firstPortProbes.max()) }

    public func count(of fingerprint: Fingerprint) -> UInt64 {
        if record.isWide { return wideForm(record).count(of: fingerprint) }
        return UInt64(record.count(ofFingerprint: UInt8(fingerprint.rawValue)))
    }

    /// The tool fingerprint seen on most of its probes, if any.
    public var dominantFingerprint: Fingerprint? {
        if record.isWide { return wideForm(record).dominantFingerprint }
        // Each probe has at most one fingerprint: only the most frequent one can be on more than half of them.
        let probes = UInt64(record.probes)
        if record.fingerprint0 != SourceRecord.noFingerprint, UInt64(record.fingerprintCount0) * 2 > probes {
            return Fingerprint(rawValue: Int(record.fingerprint0))
        }
        if record.fingerprint1 != SourceRecord.noFingerprint, UInt64(record.fingerprintCount1) * 2 > probes {
            return Fingerprint(rawValue: Int(record.fingerprint1))
        }
        return nil
    }
}
