/// Folds records into per-port and per-source buckets. Memory grows with the number of buckets, not lines.
public struct Aggregator: Sendable {
    public internal(set) var accounting = Accounting()
    public internal(set) var ports = PortTable()
    /// Source buckets by number (order of first probe); `sourceIDs` maps an address to its number.
    public internal(set) var sources = SourceTable()
    public var sourceIDs: SourceIndex { SourceIndex(table: sources) }
    /// Local addresses (destinations of inbound records) by number.
    public internal(set) var targets: [IPAddress] = []
    var targetIDs: [IPAddress: UInt32] = [:]
    /// Ports that the firewall allowed inbound somewhere in the log: open here.
    public internal(set) var openPorts: Set<PortKey> = []
    /// Allowed inbound connections per source (few: clients of the open services).
    public internal(set) var allowedSources: [IPAddress: AllowedConnections] = [:]
    /// The most records in one minute, and whether the prefixes are ufw's (whose logging is rate-limited).
    public internal(set) var busiestMinuteRecords: UInt64 = 0
    public internal(set) var sawUFWPrefix = false
    var currentMinute: Int64 = .min
    var currentMinuteRecords: UInt64 = 0

    /// Two probes with the same target, port and source port this close are one probe sent twice.
    public var retransmissionWindow: Int64 = 3_000_000
    /// A gap this long (microseconds) ends a visit.
    public var visitGap: Int64 = 3600 * 1_000_000

    /// Records outside it are counted but not bucketed.
    public var filter = RecordFilter()

    public init() {}

    /// Counts one line's outcome; `location` names it (`path:line`) for the first unparsed line of each reason.
    /// Returns whether the line was a probe that went into the buckets.
    @inline(__always) @discardableResult
    public mutating func count(_ outcome: LineOutcome, record: FirewallRecord, where location: @autoclosure () -> String) -> Bool {
        count(outcome, record: record, sourceID: nil, where: location())
    }

    /// The same, with the number of the record's source when the caller gave it (`ParseStage`), for the lines
    /// where `numbersSource` holds; then `completeSourceIndex` must follow before the sources are looked up.
    @inline(__always) @discardableResult
    mutating func count(
        _ outcome: LineOutcome, record: FirewallRecord, sourceID: UInt32?, where location: @autoclosure () -> String
    ) -> Bool {
        accounting.lines += 1
        switch outcome {
        case .record:
            return add(record, sourceID: sourceID)
        case .ignored(let reason):
            accounting.ignored[reason, default: 0] += 1
        case .unparsed(let reason):
            accounting.unparsed[reason, default: 0] += 1
            if accounting.firstUnparsed[reason] == nil { accounting.firstUnparsed[reason] = location() }
        }
        return false
    }

    /// Whether `count` puts the line into a source bucket, numbering its source if it is new (sources are
    /// numbered in this order): a record that `filter` takes and that is a probe. `ParseStage` numbers the
    /// sources ahead of the aggregator with it.
    @inline(__always)
    static func numbersSource(_ outcome: LineOutcome, _ record: FirewallRecord, filter: RecordFilter) -> Bool {
        guard case .record = outcome else { return false }
        return filter.takes(record) && record.isProbe
    }

    /// After lines counted with source numbers: brings the index from address to number up to date, taking
    /// `index` if it is the one that gave the numbers.
    mutating func completeSourceIndex(from index: AddressIndex?) {
        sources.completeIndex(from: index)
    }

    /// The number of an address among the local targets.
    @inline(__always)
    mutating func targetID(_ address: IPAddress) -> UInt32 {
        // A host has few local addresses: compare with them before hashing.
        if targets.count <= 8 {
            for index in targets.indices where targets[index] == address { return UInt32(index) }
        } else if let id = targetIDs[address] {
            return id
        }
        let id = UInt32(targets.count)
        targets.append(address)
        targetIDs[address] = id
        return id
    }

    /// Notes that the log's prefixes are ufw's (whose default logging is rate-limited).
    public mutating func noteUFWPrefixes() { sawUFWPrefix = true }

    /// Adds one record (already counted as a line).
    @inline(__always)
    mutating func add(_ record: FirewallRecord, sourceID: UInt32?) -> Bool {
        let weight = UInt64(record.repeatCount)
        accounting.recordLines += 1
        accounting.records += weight
        // What passes here and is a probe numbers its source: `numbersSource`.
        if !filter.takes(record) {
            accounting.filteredOut += weight
            return false
        }
        accounting.actionCounts[Int(record.action.rawValue)] += weight
        accounting.seen.add(record.time)
        if let time = record.time {
            let minute = time.seconds / 60
            if minute != currentMinute {
                currentMinute = minute
                currentMinuteRecords = 0
            }
            currentMinuteRecords += weight
            busiestMinuteRecords = max(busiestMinuteRecords, currentMinuteRecords)
        }
        if record.action == .allowed && record.direction == .inbound {
            let key = PortKey(record: record)
            openPorts.insert(key)
            allowedSources[record.source, default: AllowedConnections()].record(record, key: key, target: targetID(record.destination))
        }
        guard record.isProbe else { return false }
        accounting.probes += weight

        let key = PortKey(record: record)
        let target = targetID(record.destination)
        // The number the caller gave (no look-up then), or one hash look-up whether the source is known or new.
        assert(sourceID == nil || Self.numbersSource(.record, record, filter: filter),
               "numbered a line that is not bucketed")
        let (_, counted, newPort) = sources.record(
            record, id: sourceID, key: key, target: target, weight: weight,
            retransmissionWindow: retransmissionWindow, visitGap: visitGap, targetAddresses: targets)
        guard counted > 0 else { return true }
        ports.record(record, key: key, newSource: newPort, target: target, weight: counted)
        return true
    }
}

extension PortBucket {
    @inline(__always)
    mutating func record(_ record: FirewallRecord, newSource: Bool, target: UInt32, weight: UInt64) {
        probes += weight
        if newSource { addSource() }
        targetIDs.insert(target)
        seen.add(record.time)
    }
}

extension WideSource {
    /// Adds a probe; returns how many probes it counts as (0 for a retransmission of the previous one) and
    /// whether its port is new for this source. `targetAddresses` gives the address of a target number (read
    /// when a compact source moves to its full state).
    @inline(__always)
    mutating func record(
        _ record: FirewallRecord, key: PortKey, target: UInt32, weight: UInt64,
        retransmissionWindow: Int64, visitGap: Int64, targetAddresses: [IPAddress]
    ) -> (counted: UInt64, newPort: Bool) {
        let packed = key.packed
        let time = record.time?.microseconds
        // A SYN sent again to the same place from the same source port within seconds: one probe.
        if let time, target == lastTarget, packed == lastPort, record.sourcePort == lastSourcePort,
            record.hasPorts, lastTime != .min, time >= lastTime, time - lastTime <= retransmissionWindow
        {
            retransmissions += weight
            lastTime = time
            return (0, false)
        }
        if detail == nil {
            if flags & Self.hasProbe == 0 {
                // The first counted probe: the compact tier holds it.
                lastTarget = target
                lastPort = packed
                lastSourcePort = record.sourcePort
                if let time { lastTime = time }
                probes += weight
                flags = Self.hasProbe | (record.hasPorts ? Self.firstHasPorts : 0)
                if let time {
                    firstTime = time
                    flags |= Self.hasFirstTime
                }
                firstFingerprint = Fingerprint.of(record).map { UInt8($0.rawValue) } ?? Self.noFingerprint
                return (weight, true)
            }
            // The second: move to the full state as it stands after the first.
            detail = SourceStateBox(state(firstTarget: targetAddresses[Int(lastTarget)]))
        } else if !isKnownUniquelyReferenced(&detail!) {
            detail = SourceStateBox(detail!.state)
        }
        lastTarget = target
        lastPort = packed
        lastSourcePort = record.sourcePort
        if let time { lastTime = time }

        probes += weight
        return (weight, detail!.state.add(record, packed: packed, target: target, weight: weight, time: time, visitGap: visitGap))
    }
}

extension SourceState {
    /// Adds a counted probe; returns whether its port is new.
    @inline(__always)
    mutating func add(_ record: FirewallRecord, packed: UInt32, target: UInt32, weight: UInt64, time: Int64?, visitGap: Int64) -> Bool {
        let isNewPort = ports.insert(packed)
        if ports.count <= 4 {
            if let slot = ports.inlineIndex(of: packed) { firstPortProbes[slot] &+= UInt32(truncatingIfNeeded: weight) }
        }
        targets.insert(target, address: record.destination)
        if record.hasPorts && sourcePorts.count < 64 { sourcePorts.insert(UInt32(record.sourcePort)) }
        if let fingerprint = Fingerprint.of(record) { fingerprintCounts[fingerprint.rawValue] &+= UInt32(truncatingIfNeeded: weight) }
        if let time {
            seen.add(record.time)
            days.insert(UInt32(truncatingIfNeeded: (time / 1_000_000) / 86400))
            // A probe logged out of time order (merged logs, a clock stepped back) within the gap before the
            // visit's start belongs to the visit: it extends it backwards instead of starting another one.
            if visitLast == .min || time - visitLast > visitGap || (time < visitStart && visitStart - time > visitGap) {
                visits += 1
                visitStart = time
                visitLast = time
                visitNewPorts = 0
            } else if time < visitStart {
                visitStart = time
            }
            visitLast = max(visitLast, time)
            if isNewPort { visitNewPorts += 1 }
            if visitNewPorts > busiestVisitPorts {
                busiestVisitPorts = visitNewPorts
                busiestVisitSeconds = (visitLast - visitStart) / 1_000_000
            }
        } else if isNewPort {
            busiestVisitPorts = max(busiestVisitPorts, UInt32(ports.count))
        }
        return isNewPort
    }
}
