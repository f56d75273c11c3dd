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
    /// Source numbers by address. It may lag behind `count` while a reading hands in numbers given elsewhere
    /// (`record(_:id:...)`); `completeIndex` brings it up to date.
    @exclusivity(unchecked) private var index = AddressIndex()

    init() {}

    deinit {
        for segment in recordSegments { segment.deallocate() }
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
        // The same numbers (an index still behind `count` is completed by the copy when next needed).
        copy.index = index.copy()
        return copy
    }

    var footprint: [(String, Int)] {
        [("records", recordSegments.count << Self.recordShift * MemoryLayout<SourceRecord>.stride),
         ("index", index.bytes), ("pool32", pool32.bytes), ("pool16", pool16.bytes),
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
    private func address(ofID id: Int) -> IPAddress { address(of: recordPointer(id).pointee) }

    func find(_ address: IPAddress) -> UInt32? {
        precondition(index.count == count, "source index not complete")
        return index.find(address)
    }

    /// The number of `address`, a new one (and an empty record) if it is new.
    @inline(__always)
    private func findOrInsert(_ address: IPAddress) -> UInt32 {
        if index.count != count { completeIndex(from: nil) }
        let (id, isNew) = index.findOrInsert(address)
        if isNew {
            assert(Int(id) == count)
            append(address)
        }
        return id
    }

    /// Adds an empty record for `address` under the next number.
    @inline(__always)
    private func append(_ address: IPAddress) {
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
    }

    /// Brings the index up to date after probes counted by number: takes `candidate` if it numbers the same
    /// sources (the parser stage's, which gave the numbers), else indexes the records anew.
    func completeIndex(from candidate: AddressIndex?) {
        guard index.count != count else { return }
        if let candidate, candidate.count == count {
            index = candidate
        } else {
            index = AddressIndex()
            for id in 0..<count { _ = index.findOrInsert(address(ofID: id)) }
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
    /// `given` is the source's number when the caller knows it (numbered in the same order, a new source
    /// getting `count`): then the index is not read, and stays behind until `completeIndex`.
    @inline(__always)
    func record(
        _ record: FirewallRecord, id given: UInt32?, packed: UInt32, target: UInt32, weight: UInt64, window: Int64,
        gap: Int64, targetAddresses: [IPAddress]
    ) -> (id: UInt32, counted: UInt64, newPort: Bool) {
        let id: UInt32
        if let given {
            precondition(Int(given) <= count, "source numbered out of order")
            if Int(given) == count { append(record.source) }
            id = given
        } else {
            id = findOrInsert(record.source)
        }
        assert(address(ofID: Int(id)) == record.source, "source numbered wrongly")
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
