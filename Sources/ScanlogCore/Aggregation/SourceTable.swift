/// Every source address seen in probes, by number (the order of first appearance), in flat storage sized by
/// the number of sources: a 104-byte record per source in segments that never move, its small sets in shared
/// pools, and an open-addressing index from address to number (4 bytes a slot). No object, array or hash table
/// per source, so no allocator overhead per source either.
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

    public subscript(position: Int) -> SourceBucket {
        precondition(position >= 0 && position < storage.count, "source number out of range")
        return SourceBucket(storage: storage, id: UInt32(truncatingIfNeeded: position))
    }

    /// The number of `address`, if it sent a probe.
    func id(of address: IPAddress) -> UInt32? { storage.find(address) }

    /// Counts a probe (see `SourceStorage.record`).
    @inline(__always)
    mutating func record(
        _ record: FirewallRecord, key: PortKey, target: UInt32, weight: UInt64,
        retransmissionWindow: Int64, visitGap: Int64, targetAddresses: [IPAddress]
    ) -> (id: UInt32, counted: UInt64, newPort: Bool) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage.record(record, packed: key.packed, target: target, weight: weight,
                              window: retransmissionWindow, gap: visitGap, targetAddresses: targetAddresses)
    }

    /// Bytes held, by part (for measurements and tests).
    var footprint: [(String, Int)] { storage.footprint }
}

/// Source numbers by address (`Aggregator.sourceIDs`).
public struct SourceIndex: Sendable {
    let table: SourceTable
    public subscript(address: IPAddress) -> UInt32? { table.id(of: address) }
}

/// One source, read from a `SourceTable`: counts, sets and the features the classifier reads. Its size does
/// not grow with the number of probes, only with distinct ports, targets and days.
public struct SourceBucket: Sendable {
    let storage: SourceStorage
    let id: UInt32

    @inline(__always) private var record: SourceRecord { storage.recordPointer(Int(id)).pointee }
    private var wide: WideSource? {
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)] : nil
    }

    public var address: IPAddress { storage.address(of: record) }
    /// Probes, with SYN retransmissions folded into the probe they repeat.
    public var probes: UInt64 {
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)].probes : UInt64(record.probes)
    }
    /// Repeats of the previous probe (same target, port and source port within `retransmissionWindow`).
    public var retransmissions: UInt64 {
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)].retransmissions : UInt64(record.retransmissions)
    }
    /// Packed `PortKey`s (see `PortKey.packed`).
    public var ports: CompactSet {
        if let wide { return wide.ports }
        var set = CompactSet()
        storage.forEachPort(of: record) { set.insert($0) }
        return set
    }
    /// Calls `body` with each packed port, in the order first probed (wide sources: in no particular order).
    func forEachPort(_ body: (UInt32) -> Void) {
        if let wide { wide.ports.forEach(body) } else { storage.forEachPort(of: record, body) }
    }
    /// Its packed ports, ascending (the order of `PortKey`).
    var sortedPorts: [UInt32] {
        if let wide { return wide.ports.elements.sorted() }
        var ports: [UInt32] = []
        ports.reserveCapacity(Int(record.portCount))
        storage.forEachPort(of: record) { ports.append($0) }
        return ports.sorted()
    }
    /// Its three lowest packed ports, ascending; `.max` where it has fewer.
    var smallestPorts: SIMD3<UInt32> {
        let record = self.record
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
        let record = self.record
        var numbers = CompactSet()
        storage.forEachTarget(of: record) { numbers.insert($0) }
        return TargetSet(numbers: numbers, ascendingSteps: UInt32(record.ascendingSteps), lastNew: nil)
    }
    /// Whether most new targets came in address order (`TargetSet.inAddressOrder`).
    var targetsInAddressOrder: Bool {
        let record = self.record
        if record.isWide { return storage.wide[Int(record.port0)].targets.inAddressOrder }
        let count = Int(record.targetCount)
        return count >= 3 && Double(record.ascendingSteps) >= 0.8 * Double(count - 1)
    }
    /// Its lowest target number (its only one, for most sources), nil before its first probe.
    var lowestTargetID: UInt32? {
        let record = self.record
        if !record.isWide && record.targetCount == 1 { return record.target0 }
        return sortedTargetIDs.first
    }
    /// Its target numbers, ascending.
    var sortedTargetIDs: [UInt32] {
        if let wide { return wide.targets.numbers.elements.sorted() }
        var targets: [UInt32] = []
        storage.forEachTarget(of: record) { targets.append($0) }
        return targets.sorted()
    }
    /// Days (since the epoch, UTC) with at least one probe.
    public var days: CompactSet {
        if let wide { return wide.days }
        let record = self.record
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
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)].days.count : record.dayMask.nonzeroBitCount
    }
    public var seen: SeenSpan {
        let record = self.record
        if record.isWide { return storage.wide[Int(record.port0)].seen }
        return SeenSpan(firstMicros: record.firstSeen, lastMicros: record.lastSeen)
    }
    /// Distinct source ports used (capped count, to tell a hammering client from a retrying one).
    public var sourcePorts: CompactSet {
        if let wide { return wide.sourcePorts }
        var set = CompactSet()
        storage.forEachSourcePort(of: record) { set.insert(UInt32($0)) }
        return set
    }
    /// Visits: runs of probes with gaps shorter than `visitGap`.
    public var visits: UInt32 {
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)].visits : UInt32(record.visits)
    }
    /// The visit with the most new ports: how many, over how long, against how many targets.
    public var busiestVisitPorts: UInt32 {
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)].busiestVisitPorts : UInt32(record.busiestVisitPorts)
    }
    public var busiestVisitSeconds: Int64 {
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)].busiestVisitSeconds : Int64(record.busiestVisitSeconds)
    }
    /// Fingerprint counts, indexed by `Fingerprint.rawValue`.
    public var fingerprintCounts: SIMD8<UInt32> {
        if let wide { return wide.fingerprintCounts }
        var counts = SIMD8<UInt32>()
        let record = self.record
        if record.fingerprint0 != SourceRecord.noFingerprint { counts[Int(record.fingerprint0)] = UInt32(record.fingerprintCount0) }
        if record.fingerprint1 != SourceRecord.noFingerprint { counts[Int(record.fingerprint1)] = UInt32(record.fingerprintCount1) }
        return counts
    }

    public var portCount: Int {
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)].portCount : Int(record.portCount)
    }
    public var targetCount: Int {
        let record = self.record
        return record.isWide ? storage.wide[Int(record.port0)].targetCount : Int(record.targetCount)
    }

    /// The most probes on a single port (among the first four ports it tried).
    public var maxProbesOnOnePort: UInt64 { UInt64(firstPortProbes.max()) }

    public func count(of fingerprint: Fingerprint) -> UInt64 {
        let record = self.record
        if record.isWide { return storage.wide[Int(record.port0)].count(of: fingerprint) }
        return UInt64(record.count(ofFingerprint: UInt8(fingerprint.rawValue)))
    }

    /// The tool fingerprint seen on most of its probes, if any.
    public var dominantFingerprint: Fingerprint? {
        let record = self.record
        if record.isWide { return storage.wide[Int(record.port0)].dominantFingerprint }
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

/// The compact state of one source: exactly what `WideSource` keeps, in narrow fields (104 bytes). Up to two
/// tool fingerprints are counted.
///
/// Sets are kept in the order of first insertion: up to two ports, one target and two source ports inline, more
/// in a block of `SourceStorage`'s pools (then `port0`, `target0` and `sourcePortWord` hold the block's offset).
/// Days are bits from `day(firstSeen) - daysBefore`. While `isWide`, `port0` is the index of the `WideSource`.
struct SourceRecord {
    var firstSeen: Int64 = .max
    var lastSeen: Int64 = .min
    /// The last probe's time (also moved by retransmissions), `.min` before the first timed probe.
    var lastTime: Int64 = .min
    var visitStart: Int64 = 0
    var visitLast: Int64 = .min
    var dayMask: UInt64 = 0
    /// The IPv4 address, or the index of an IPv6 address in `SourceStorage.v6Addresses`.
    var address: UInt32 = 0
    var probes: UInt32 = 0
    var retransmissions: UInt32 = 0
    var busiestVisitSeconds: UInt32 = 0
    var port0: UInt32 = 0
    var port1: UInt32 = 0
    var target0: UInt32 = 0
    var sourcePortWord: UInt32 = 0
    /// Probes on each of the first four ports, 8 bits each.
    var firstPortProbes: UInt32 = 0
    var lastSourcePort: UInt16 = 0
    var visits: UInt16 = 0
    /// Probes with the first and the second fingerprint seen.
    var fingerprintCount0: UInt16 = 0
    var fingerprintCount1: UInt16 = 0
    var portCount: UInt8 = 0
    var targetCount: UInt8 = 0
    var sourcePortCount: UInt8 = 0
    var ascendingSteps: UInt8 = 0
    var busiestVisitPorts: UInt8 = 0
    var visitNewPorts: UInt8 = 0
    /// Insertion index of the last counted probe's port and target.
    var lastPortIndex: UInt8 = 0
    var lastTargetIndex: UInt8 = 0
    /// `Fingerprint.rawValue` of the first and the second fingerprint seen, or `noFingerprint`.
    var fingerprint0: UInt8 = SourceRecord.noFingerprint
    var fingerprint1: UInt8 = SourceRecord.noFingerprint
    var flags: UInt8 = 0

    static let noFingerprint: UInt8 = 0xFF
    static let isV6Flag: UInt8 = 1
    static let isWideFlag: UInt8 = 2
    /// Most members of a compact port or target set (and the cap on source ports, as in `WideSource`).
    static let setLimit = 64
    /// Days kept before the first probe's day (for probes logged out of order); 55 after it.
    static let daysBefore: Int64 = 8

    var isWide: Bool { flags & Self.isWideFlag != 0 }
    var isV6: Bool { flags & Self.isV6Flag != 0 }

    /// The four 8-bit counts of `firstPortProbes`.
    static func unpack(_ packed: UInt32) -> SIMD4<UInt32> {
        SIMD4(packed & 0xFF, packed >> 8 & 0xFF, packed >> 16 & 0xFF, packed >> 24)
    }

    /// The count of a fingerprint (`Fingerprint.rawValue`).
    @inline(__always)
    func count(ofFingerprint raw: UInt8) -> UInt16 {
        fingerprint0 == raw ? fingerprintCount0 : fingerprint1 == raw ? fingerprintCount1 : 0
    }

    /// The UTC day of a time, as `WideSource` counts it.
    @inline(__always)
    static func day(_ micros: Int64) -> Int64 { (micros / 1_000_000) / 86400 }
}

/// Blocks of 4, 8, 16, 32 or 64 small integers, in segments that never move, with a free list per size. A set
/// of n members beyond its record's inline room takes the smallest block that holds n (4 at least).
struct SetPool<Element: FixedWidthInteger & UnsignedInteger> {
    private(set) var segments: [UnsafeMutablePointer<Element>] = []
    private var used = 0
    private var freeHeads: [UInt32] = [UInt32](repeating: .max, count: 5)
    static var segmentShift: Int { 16 }
    static var segmentSize: Int { 1 << segmentShift }

    /// The block size for `count` members.
    @inline(__always)
    static func capacity(for count: Int) -> Int { count <= 4 ? 4 : 1 << (Int.bitWidth - (count - 1).leadingZeroBitCount) }
    @inline(__always)
    static func sizeClass(_ capacity: Int) -> Int { capacity.trailingZeroBitCount - 2 }

    @inline(__always)
    func pointer(_ offset: UInt32) -> UnsafeMutablePointer<Element> {
        segments[Int(offset) >> Self.segmentShift] + (Int(offset) & (Self.segmentSize - 1))
    }

    mutating func allocate(capacity: Int) -> UInt32 {
        let sizeClass = Self.sizeClass(capacity)
        let head = freeHeads[sizeClass]
        if head != .max {
            freeHeads[sizeClass] = UnsafeMutableRawPointer(pointer(head)).load(as: UInt32.self)
            return head
        }
        if used & (Self.segmentSize - 1) + capacity > Self.segmentSize || used >> Self.segmentShift >= segments.count {
            // The rest of the last segment is too small (or there is none): start a new one.
            if used >> Self.segmentShift < segments.count { used = segments.count << Self.segmentShift }
            precondition(segments.count < Int(UInt32.max) >> Self.segmentShift, "set pool full")
            segments.append(.allocate(capacity: Self.segmentSize))
        }
        let offset = UInt32(used)
        used += capacity
        return offset
    }

    mutating func free(_ offset: UInt32, capacity: Int) {
        let sizeClass = Self.sizeClass(capacity)
        UnsafeMutableRawPointer(pointer(offset)).storeBytes(of: freeHeads[sizeClass], as: UInt32.self)
        freeHeads[sizeClass] = offset
    }

    /// Index of `value` among the `count` members of a block.
    @inline(__always)
    func firstIndex(of value: Element, block: UInt32, count: Int) -> Int? {
        let members = pointer(block)
        for index in 0..<count where members[index] == value { return index }
        return nil
    }

    /// Appends to a block of `count` members, moving it to a larger one when it is full; returns the block.
    @inline(__always)
    mutating func append(_ value: Element, block: UInt32, count: Int) -> UInt32 {
        var block = block
        if count >= 4 && count & (count - 1) == 0 {
            let larger = allocate(capacity: count * 2)
            pointer(larger).update(from: pointer(block), count: count)
            free(block, capacity: count)
            block = larger
        }
        pointer(block)[count] = value
        return block
    }

    /// A new block of 4 holding two or three members.
    @inline(__always)
    mutating func block(_ first: Element, _ second: Element, _ third: Element? = nil) -> UInt32 {
        let block = allocate(capacity: 4)
        let members = pointer(block)
        members[0] = first
        members[1] = second
        if let third { members[2] = third }
        return block
    }

    var bytes: Int { segments.count * Self.segmentSize * MemoryLayout<Element>.stride }

    func copy() -> SetPool {
        var copy = self
        copy.segments = segments.map { segment in
            let new = UnsafeMutablePointer<Element>.allocate(capacity: Self.segmentSize)
            new.initialize(from: segment, count: Self.segmentSize)
            return new
        }
        return copy
    }

    func deallocate() { for segment in segments { segment.deallocate() } }
}

/// The storage behind `SourceTable` (a reference, copied on write by `SourceTable`).
///
/// Its properties are only touched by its own methods, one at a time (no access overlaps another), so they skip
/// the runtime exclusivity checks that class properties otherwise pay on every probe.
final class SourceStorage: @unchecked Sendable {
    @exclusivity(unchecked) private(set) var count = 0
    /// Records in segments of 2^16 (6.5 MB each).
    @exclusivity(unchecked) private var recordSegments: [UnsafeMutablePointer<SourceRecord>] = []
    static let recordShift = 16
    /// Sources in their wide form, by `SourceRecord.port0`.
    @exclusivity(unchecked) private(set) var wide: [WideSource] = []
    @exclusivity(unchecked) private(set) var v6Addresses: [IPAddress] = []
    /// Packed ports and target numbers.
    @exclusivity(unchecked) private var pool32 = SetPool<UInt32>()
    /// Source ports.
    @exclusivity(unchecked) private var pool16 = SetPool<UInt16>()
    /// Open addressing, linear probing: source numbers, `.max` for an empty slot; at most half full.
    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) private var slotMask: Int
    /// Per-process hash key: crafted addresses cannot make the probe sequences long.
    private let seed: UInt64

    init() {
        slotMask = 63
        slots = .allocate(capacity: 64)
        slots.initialize(repeating: .max, count: 64)
        var generator = SystemRandomNumberGenerator()
        seed = generator.next() | 1
    }

    deinit {
        for segment in recordSegments { segment.deallocate() }
        slots.deallocate()
        pool32.deallocate()
        pool16.deallocate()
    }

    func copy() -> SourceStorage {
        let copy = SourceStorage()
        copy.count = count
        copy.recordSegments = recordSegments.map { segment in
            let new = UnsafeMutablePointer<SourceRecord>.allocate(capacity: 1 << Self.recordShift)
            new.initialize(from: segment, count: 1 << Self.recordShift)
            return new
        }
        copy.wide = wide
        copy.v6Addresses = v6Addresses
        copy.pool32 = pool32.copy()
        copy.pool16 = pool16.copy()
        // The copy's hash key differs: its index is built anew.
        copy.rehash(capacity: slotMask + 1)
        return copy
    }

    var footprint: [(String, Int)] {
        [("records", recordSegments.count << Self.recordShift * MemoryLayout<SourceRecord>.stride),
         ("index", (slotMask + 1) * 4), ("pool32", pool32.bytes), ("pool16", pool16.bytes),
         ("v6", v6Addresses.capacity * 16), ("wide", wide.capacity * MemoryLayout<WideSource>.stride)]
    }

    // MARK: Records

    @inline(__always)
    func recordPointer(_ id: Int) -> UnsafeMutablePointer<SourceRecord> {
        recordSegments[id >> Self.recordShift] + (id & ((1 << Self.recordShift) - 1))
    }

    func address(of record: SourceRecord) -> IPAddress {
        record.isV6 ? v6Addresses[Int(record.address)] : IPAddress(v4: record.address)
    }

    // MARK: Index

    @inline(__always)
    private func hash(_ address: IPAddress) -> Int {
        var x = (address.high &* 0x9E37_79B9_7F4A_7C15) ^ address.low ^ seed
        x ^= x >> 32
        x &*= 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        return Int(truncatingIfNeeded: x)
    }

    @inline(__always)
    private func matches(_ id: UInt32, _ address: IPAddress) -> Bool {
        let record = recordPointer(Int(id))
        if record.pointee.isV6 { return v6Addresses[Int(record.pointee.address)] == address }
        return address.isIPv4 && record.pointee.address == address.v4Value
    }

    func find(_ address: IPAddress) -> UInt32? {
        var slot = hash(address) & slotMask
        while true {
            let id = slots[slot]
            if id == .max { return nil }
            if matches(id, address) { return id }
            slot = (slot + 1) & slotMask
        }
    }

    /// The number of `address`, a new one (and an empty record) if it is new.
    @inline(__always)
    private func findOrInsert(_ address: IPAddress) -> UInt32 {
        var slot = hash(address) & slotMask
        while true {
            let id = slots[slot]
            if id == .max { break }
            if matches(id, address) { return id }
            slot = (slot + 1) & slotMask
        }
        precondition(count < Int(UInt32.max), "too many sources")
        let id = UInt32(count)
        if count >> Self.recordShift == recordSegments.count {
            recordSegments.append(.allocate(capacity: 1 << Self.recordShift))
        }
        var record = SourceRecord()
        if address.isIPv4 {
            record.address = address.v4Value
        } else {
            record.address = UInt32(v6Addresses.count)
            record.flags = SourceRecord.isV6Flag
            v6Addresses.append(address)
        }
        recordPointer(count).initialize(to: record)
        count += 1
        slots[slot] = id
        if count * 2 > slotMask + 1 { rehash(capacity: (slotMask + 1) * 2) }
        return id
    }

    private func rehash(capacity: Int) {
        slots.deallocate()
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: .max, count: capacity)
        slotMask = capacity - 1
        for id in 0..<count {
            var slot = hash(address(of: recordPointer(id).pointee)) & slotMask
            while slots[slot] != .max { slot = (slot + 1) & slotMask }
            slots[slot] = UInt32(id)
        }
    }

    // MARK: Sets

    @inline(__always)
    func forEachPort(of record: SourceRecord, _ body: (UInt32) -> Void) {
        let count = Int(record.portCount)
        if count <= 2 {
            if count > 0 { body(record.port0) }
            if count > 1 { body(record.port1) }
        } else {
            let members = pool32.pointer(record.port0)
            for index in 0..<count { body(members[index]) }
        }
    }

    @inline(__always)
    func forEachTarget(of record: SourceRecord, _ body: (UInt32) -> Void) {
        let count = Int(record.targetCount)
        if count <= 1 {
            if count > 0 { body(record.target0) }
        } else {
            let members = pool32.pointer(record.target0)
            for index in 0..<count { body(members[index]) }
        }
    }

    @inline(__always)
    func forEachSourcePort(of record: SourceRecord, _ body: (UInt16) -> Void) {
        let count = Int(record.sourcePortCount)
        if count <= 2 {
            if count > 0 { body(UInt16(truncatingIfNeeded: record.sourcePortWord)) }
            if count > 1 { body(UInt16(truncatingIfNeeded: record.sourcePortWord >> 16)) }
        } else {
            let members = pool16.pointer(record.sourcePortWord)
            for index in 0..<count { body(members[index]) }
        }
    }

    @inline(__always)
    private func port(_ record: SourceRecord, at index: Int) -> UInt32 {
        record.portCount <= 2 ? (index == 0 ? record.port0 : record.port1) : pool32.pointer(record.port0)[index]
    }

    @inline(__always)
    private func target(_ record: SourceRecord, at index: Int) -> UInt32 {
        record.targetCount <= 1 ? record.target0 : pool32.pointer(record.target0)[index]
    }

    @inline(__always)
    private func portIndex(_ record: SourceRecord, _ packed: UInt32) -> Int? {
        let count = Int(record.portCount)
        if count <= 2 {
            if count > 0 && record.port0 == packed { return 0 }
            if count > 1 && record.port1 == packed { return 1 }
            return nil
        }
        return pool32.firstIndex(of: packed, block: record.port0, count: count)
    }

    @inline(__always)
    private func targetIndex(_ record: SourceRecord, _ target: UInt32) -> Int? {
        let count = Int(record.targetCount)
        if count <= 1 { return count == 1 && record.target0 == target ? 0 : nil }
        return pool32.firstIndex(of: target, block: record.target0, count: count)
    }

    @inline(__always)
    private func hasSourcePort(_ record: SourceRecord, _ port: UInt16) -> Bool {
        let count = Int(record.sourcePortCount)
        if count <= 2 {
            return (count > 0 && UInt16(truncatingIfNeeded: record.sourcePortWord) == port)
                || (count > 1 && UInt16(truncatingIfNeeded: record.sourcePortWord >> 16) == port)
        }
        return pool16.firstIndex(of: port, block: record.sourcePortWord, count: count) != nil
    }

    @inline(__always)
    private func appendPort(_ packed: UInt32, to record: inout SourceRecord) {
        switch record.portCount {
        case 0: record.port0 = packed
        case 1: record.port1 = packed
        case 2: record.port0 = pool32.block(record.port0, record.port1, packed)
        default: record.port0 = pool32.append(packed, block: record.port0, count: Int(record.portCount))
        }
        record.portCount += 1
    }

    @inline(__always)
    private func appendTarget(_ target: UInt32, to record: inout SourceRecord) {
        switch record.targetCount {
        case 0: record.target0 = target
        case 1: record.target0 = pool32.block(record.target0, target)
        default: record.target0 = pool32.append(target, block: record.target0, count: Int(record.targetCount))
        }
        record.targetCount += 1
    }

    @inline(__always)
    private func appendSourcePort(_ port: UInt16, to record: inout SourceRecord) {
        switch record.sourcePortCount {
        case 0: record.sourcePortWord = UInt32(port)
        case 1: record.sourcePortWord |= UInt32(port) << 16
        case 2:
            record.sourcePortWord = pool16.block(UInt16(truncatingIfNeeded: record.sourcePortWord),
                                                 UInt16(truncatingIfNeeded: record.sourcePortWord >> 16), port)
        default:
            record.sourcePortWord = pool16.append(port, block: record.sourcePortWord, count: Int(record.sourcePortCount))
        }
        record.sourcePortCount += 1
    }

    /// Returns a compact record's blocks to the pools.
    private func freeBlocks(of record: SourceRecord) {
        if record.portCount > 2 { pool32.free(record.port0, capacity: SetPool<UInt32>.capacity(for: Int(record.portCount))) }
        if record.targetCount > 1 { pool32.free(record.target0, capacity: SetPool<UInt32>.capacity(for: Int(record.targetCount))) }
        if record.sourcePortCount > 2 {
            pool16.free(record.sourcePortWord, capacity: SetPool<UInt16>.capacity(for: Int(record.sourcePortCount)))
        }
    }

    // MARK: Counting

    /// Counts a probe from `record.source`: returns its number, how many probes it counts as (0 for a
    /// retransmission of the previous one) and whether its port is new for this source.
    @inline(__always)
    func record(
        _ record: FirewallRecord, packed: UInt32, target: UInt32, weight: UInt64, window: Int64, gap: Int64,
        targetAddresses: [IPAddress]
    ) -> (id: UInt32, counted: UInt64, newPort: Bool) {
        let id = findOrInsert(record.source)
        let pointer = recordPointer(Int(id))
        if !pointer.pointee.isWide,
            let result = add(record, to: pointer, packed: packed, target: target, weight: weight, window: window, gap: gap,
                             targetAddresses: targetAddresses)
        {
            return (id, result.counted, result.newPort)
        }
        if !pointer.pointee.isWide {
            // Outgrown: move to the wide form, as it stands before this probe.
            let compact = pointer.pointee
            wide.append(wideSource(from: compact, targetAddresses: targetAddresses))
            freeBlocks(of: compact)
            var moved = SourceRecord()
            moved.address = compact.address
            moved.flags = (compact.flags & SourceRecord.isV6Flag) | SourceRecord.isWideFlag
            moved.port0 = UInt32(wide.count - 1)
            pointer.pointee = moved
        }
        let (counted, newPort) = wide[Int(pointer.pointee.port0)].record(
            record, key: PortKey(packed: packed), target: target, weight: weight,
            retransmissionWindow: window, visitGap: gap, targetAddresses: targetAddresses)
        return (id, counted, newPort)
    }

    /// `WideSource.record` on the compact record; nil (and nothing changed) when the result would not fit.
    @inline(__always)
    private func add(
        _ record: FirewallRecord, to pointer: UnsafeMutablePointer<SourceRecord>, packed: UInt32, target: UInt32,
        weight: UInt64, window: Int64, gap: Int64, targetAddresses: [IPAddress]
    ) -> (counted: UInt64, newPort: Bool)? {
        var r = pointer.pointee
        guard let weight32 = UInt32(exactly: weight) else { return nil }
        let time = record.time?.microseconds
        // A SYN sent again to the same place from the same source port within seconds: one probe.
        if let time, r.portCount > 0, record.sourcePort == r.lastSourcePort, record.hasPorts, r.lastTime != .min,
            time >= r.lastTime, time - r.lastTime <= window,
            target == self.target(r, at: Int(r.lastTargetIndex)), packed == port(r, at: Int(r.lastPortIndex))
        {
            let (retransmissions, overflow) = r.retransmissions.addingReportingOverflow(weight32)
            guard !overflow else { return nil }
            pointer.pointee.retransmissions = retransmissions
            pointer.pointee.lastTime = time
            return (0, false)
        }
        let (probes, probesOverflow) = r.probes.addingReportingOverflow(weight32)
        guard !probesOverflow else { return nil }

        // Everything is checked before anything changes: a probe that does not fit leaves the record as it was.
        let portIndex = self.portIndex(r, packed)
        let isNewPort = portIndex == nil
        if isNewPort && Int(r.portCount) >= SourceRecord.setLimit { return nil }
        let slot = portIndex ?? Int(r.portCount)
        let portCount = Int(r.portCount) + (isNewPort ? 1 : 0)
        var firstPortProbes = r.firstPortProbes
        if portCount <= 4 {
            let shift = UInt32(8 * slot)
            let sum = UInt64(firstPortProbes >> shift & 0xFF) + weight
            guard sum <= 0xFF else { return nil }
            firstPortProbes = firstPortProbes & ~(0xFF << shift) | UInt32(sum) << shift
        }
        let targetIndex = self.targetIndex(r, target)
        let isNewTarget = targetIndex == nil
        if isNewTarget && Int(r.targetCount) >= SourceRecord.setLimit { return nil }
        var ascendingSteps = r.ascendingSteps
        if isNewTarget, r.targetCount > 0 {
            let lastNew = self.target(r, at: Int(r.targetCount) - 1)
            if record.destination > targetAddresses[Int(lastNew)] { ascendingSteps += 1 }
        }
        let addSourcePort = record.hasPorts && Int(r.sourcePortCount) < SourceRecord.setLimit && !hasSourcePort(r, record.sourcePort)
        if let found = Fingerprint.of(record) {
            let raw = UInt8(found.rawValue)
            if r.fingerprint0 == SourceRecord.noFingerprint || r.fingerprint0 == raw {
                let sum = UInt64(r.fingerprintCount0) + weight
                guard sum <= 0xFFFF else { return nil }
                r.fingerprint0 = raw
                r.fingerprintCount0 = UInt16(sum)
            } else if r.fingerprint1 == SourceRecord.noFingerprint || r.fingerprint1 == raw {
                let sum = UInt64(r.fingerprintCount1) + weight
                guard sum <= 0xFFFF else { return nil }
                r.fingerprint1 = raw
                r.fingerprintCount1 = UInt16(sum)
            } else {
                return nil
            }
        }
        if let time {
            // Days: bits from `base`, moved up when a probe comes before the first one's day.
            if r.lastSeen == .min {
                r.firstSeen = time
                r.lastSeen = time
                r.dayMask = 1 << UInt64(SourceRecord.daysBefore)
            } else {
                var base = SourceRecord.day(r.firstSeen) - SourceRecord.daysBefore
                if time < r.firstSeen {
                    let newBase = SourceRecord.day(time) - SourceRecord.daysBefore
                    let shift = base - newBase
                    if shift > 0 {
                        guard shift < 64, r.dayMask >> UInt64(64 - shift) == 0 else { return nil }
                        r.dayMask <<= UInt64(shift)
                    }
                    base = newBase
                    r.firstSeen = time
                }
                let bit = SourceRecord.day(time) - base
                guard bit >= 0 && bit < 64 else { return nil }
                r.dayMask |= 1 << UInt64(bit)
                r.lastSeen = max(r.lastSeen, time)
            }
            // A probe logged out of time order (merged logs, a clock stepped back) within the gap before the
            // visit's start belongs to the visit: it extends it backwards instead of starting another one.
            if r.visitLast == .min || time - r.visitLast > gap || (time < r.visitStart && r.visitStart - time > gap) {
                guard r.visits < .max else { return nil }
                r.visits += 1
                r.visitStart = time
                r.visitLast = time
                r.visitNewPorts = 0
            } else if time < r.visitStart {
                r.visitStart = time
            }
            r.visitLast = max(r.visitLast, time)
            if isNewPort { r.visitNewPorts += 1 }
            if r.visitNewPorts > r.busiestVisitPorts {
                r.busiestVisitPorts = r.visitNewPorts
                guard let seconds = UInt32(exactly: (r.visitLast - r.visitStart) / 1_000_000) else { return nil }
                r.busiestVisitSeconds = seconds
            }
            r.lastTime = time
        } else if isNewPort {
            r.busiestVisitPorts = max(r.busiestVisitPorts, UInt8(portCount))
        }
        // It fits: commit.
        r.probes = probes
        r.firstPortProbes = firstPortProbes
        r.ascendingSteps = ascendingSteps
        if isNewPort { appendPort(packed, to: &r) }
        if isNewTarget { appendTarget(target, to: &r) }
        if addSourcePort { appendSourcePort(record.sourcePort, to: &r) }
        r.lastPortIndex = UInt8(slot)
        r.lastTargetIndex = UInt8(targetIndex ?? Int(r.targetCount) - 1)
        r.lastSourcePort = record.sourcePort
        pointer.pointee = r
        return (weight, isNewPort)
    }

    /// The wide form of a compact record: the state `WideSource` would have after the same probes.
    private func wideSource(from r: SourceRecord, targetAddresses: [IPAddress]) -> WideSource {
        var source = WideSource(address: address(of: r))
        guard r.portCount > 0 else { return source }
        source.probes = UInt64(r.probes)
        source.retransmissions = UInt64(r.retransmissions)
        source.lastTime = r.lastTime
        source.lastTarget = target(r, at: Int(r.lastTargetIndex))
        source.lastPort = port(r, at: Int(r.lastPortIndex))
        source.lastSourcePort = r.lastSourcePort
        source.flags = WideSource.hasProbe
        var state = SourceState()
        forEachPort(of: r) { state.ports.insert($0) }
        state.firstPortProbes = SourceRecord.unpack(r.firstPortProbes)
        var numbers = CompactSet()
        var lastNew: UInt32 = 0
        forEachTarget(of: r) {
            numbers.insert($0)
            lastNew = $0
        }
        state.targets = TargetSet(numbers: numbers, ascendingSteps: UInt32(r.ascendingSteps), lastNew: targetAddresses[Int(lastNew)])
        if r.lastSeen != .min {
            let base = SourceRecord.day(r.firstSeen) - SourceRecord.daysBefore
            var mask = r.dayMask
            while mask != 0 {
                state.days.insert(UInt32(truncatingIfNeeded: base + Int64(mask.trailingZeroBitCount)))
                mask &= mask - 1
            }
        }
        state.seen = SeenSpan(firstMicros: r.firstSeen, lastMicros: r.lastSeen)
        forEachSourcePort(of: r) { state.sourcePorts.insert(UInt32($0)) }
        state.visits = UInt32(r.visits)
        state.busiestVisitPorts = UInt32(r.busiestVisitPorts)
        state.busiestVisitSeconds = Int64(r.busiestVisitSeconds)
        if r.fingerprint0 != SourceRecord.noFingerprint { state.fingerprintCounts[Int(r.fingerprint0)] = UInt32(r.fingerprintCount0) }
        if r.fingerprint1 != SourceRecord.noFingerprint { state.fingerprintCounts[Int(r.fingerprint1)] = UInt32(r.fingerprintCount1) }
        state.visitStart = r.visitStart
        state.visitLast = r.visitLast
        state.visitNewPorts = UInt32(r.visitNewPorts)
        source.detail = SourceStateBox(state)
        return source
    }
}
