import Testing
@testable import ScanlogCore
import ScanlogTestSupport

/// The compact source table (`SourceTable`) against the general form it falls back on (`WideSource`, the
/// bucket code scanlog had before): random probe streams through both must read the same, property by
/// property, whichever form each source ends in.
@Suite struct SourceTableTests {
    @Test func recordStaysSmall() {
        #expect(MemoryLayout<SourceRecord>.stride <= 104)
    }

    /// What a stream tries hard: out-of-order and untimed probes, retransmissions, heavy repeat counts, three
    /// fingerprints, more than 64 ports or targets, days far apart, IPv6 sources.
    struct Shape: CustomStringConvertible {
        var sources = 6
        var ports = 6
        var targets = 3
        var sourcePorts = 4
        var untimedShare = 0.0
        var backwardShare = 0.05
        var farJumpShare = 0.0
        var heavyShare = 0.0
        var retransmitShare = 0.1
        /// TCP header shapes per source, of five (one gives no fingerprint, four give one each).
        var toolsPerSource = 2
        var description: String {
            "sources \(sources) ports \(ports) targets \(targets) sports \(sourcePorts) untimed \(untimedShare) back \(backwardShare) far \(farJumpShare) heavy \(heavyShare) tools \(toolsPerSource)"
        }
    }

    static let shapes: [Shape] = [
        Shape(),
        Shape(sources: 3, ports: 3, targets: 1, sourcePorts: 1, retransmitShare: 0.4),
        Shape(sources: 4, ports: 200, targets: 2, sourcePorts: 100),
        Shape(sources: 4, ports: 5, targets: 120, sourcePorts: 3),
        Shape(sources: 8, ports: 10, targets: 5, sourcePorts: 10, untimedShare: 0.3),
        Shape(sources: 5, ports: 8, targets: 4, sourcePorts: 5, backwardShare: 0.3, farJumpShare: 0.003),
        Shape(sources: 5, ports: 8, targets: 4, sourcePorts: 5, backwardShare: 0.1, farJumpShare: 0.05),
        Shape(sources: 5, ports: 4, targets: 2, sourcePorts: 3, heavyShare: 0.05),
        Shape(sources: 30, ports: 70, targets: 70, sourcePorts: 70, untimedShare: 0.1, backwardShare: 0.1,
              farJumpShare: 0.02, heavyShare: 0.02, retransmitShare: 0.2, toolsPerSource: 3),
        Shape(sources: 6, ports: 6, targets: 3, sourcePorts: 4, toolsPerSource: 4),
    ]

    @Test(arguments: 0..<shapes.count)
    func compactReadsAsTheGeneralForm(_ shapeIndex: Int) {
        let shape = Self.shapes[shapeIndex]
        var (wide, compact) = (0, 0)
        for seed in 1...40 {
            var random = SeededGenerator(seed: UInt64(shapeIndex * 1000 + seed))
            let records = Self.stream(shape, length: 300 + Int(random.next() % 600), random: &random)
            let forms = Self.compare(records, context: "\(shape) seed \(seed)")
            wide += forms.wide
            compact += forms.compact
        }
        // Both forms are exercised: a third fingerprint kind (ICMP backscatter beside two TCP tools), heavy counts,
        // many ports or targets and days far apart send sources to the wide form; probes days apart send all.
        #expect(compact > 0 || shape.farJumpShare >= 0.05, "\(shape): no source kept its record")
        #expect(wide > 0, "\(shape): no source outgrew its record")
    }

    /// A random stream of probes.
    static func stream(_ shape: Shape, length: Int, random: inout SeededGenerator) -> [FirewallRecord] {
        let sources: [IPAddress] = (0..<shape.sources).map { index in
            index % 4 == 3 ? IPAddress(high: 0x2001_0db8_0000_0000 | UInt64(index), low: 0x1234) : IPAddress(v4: 0xC633_6400 | UInt32(index))
        }
        let tools: [[UInt64]] = sources.map { _ in (0..<shape.toolsPerSource).map { _ in random.next() % 5 } }
        var time: Int64 = 1_700_000_000_000_000 + Int64(random.next() % 1_000_000)
        var records: [FirewallRecord] = []
        for _ in 0..<length {
            if let last = records.last, Double.random(in: 0..<1, using: &random) < shape.retransmitShare {
                var again = last
                if let previous = last.time { again.time = Timestamp(microseconds: previous.microseconds + Int64(random.next() % 4_000_000)) }
                records.append(again)
                continue
            }
            let roll = Double.random(in: 0..<1, using: &random)
            if roll < shape.farJumpShare {
                time += (random.next() % 2 == 0 ? 1 : -1) * Int64(40 + random.next() % 60) * 86_400_000_000
            } else if roll < shape.farJumpShare + shape.backwardShare {
                time -= Int64(random.next() % 3) == 0 ? Int64(random.next() % 7_200_000_000) : Int64(random.next() % 90_000_000)
            } else {
                time += Int64(random.next() % 2 == 0 ? random.next() % 5_000_000 : random.next() % 3_000_000_000)
            }
            var record = FirewallRecord()
            record.action = .blocked
            record.direction = .inbound
            let sourceIndex = Int(random.next() % UInt64(sources.count))
            record.source = sources[sourceIndex]
            record.destination = IPAddress(v4: 0xCB00_7100 | UInt32(random.next() % UInt64(shape.targets)))
            if Double.random(in: 0..<1, using: &random) >= shape.untimedShare { record.time = Timestamp(microseconds: time) }
            let port = UInt16(1 + random.next() % UInt64(shape.ports))
            switch random.next() % 10 {
            case 0:
                record.proto = .icmp
                record.hasICMPType = true
                record.icmpType = UInt8(port % 20)
            case 1:
                record.proto = .udp
                record.hasPorts = true
                record.destinationPort = port
                record.sourcePort = UInt16(1000 + random.next() % UInt64(shape.sourcePorts))
            default:
                record.proto = .tcp
                record.hasPorts = random.next() % 20 != 0
                record.destinationPort = record.hasPorts ? port : 0
                record.sourcePort = record.hasPorts ? UInt16(1000 + random.next() % UInt64(shape.sourcePorts)) : 0
                switch tools[sourceIndex][Int(random.next() % UInt64(shape.toolsPerSource))] {
                case 0: record.tcpFlags = [.syn]; record.ipID = 54321
                case 1: record.tcpFlags = [.syn]; record.window = 1024; record.length = 40
                case 2: record.tcpFlags = [.rst]
                case 3: record.tcpFlags = [.fin]
                default: record.tcpFlags = [.syn]; record.ipID = UInt16(random.next() % 50000)
                }
            }
            if Double.random(in: 0..<1, using: &random) < shape.heavyShare {
                record.repeatCount = [200, 300, 40_000, 70_000, UInt32.max / 3][Int(random.next() % 5)]
            } else if random.next() % 10 == 0 {
                record.repeatCount = UInt32(2 + random.next() % 5)
            }
            records.append(record)
        }
        return records
    }

    /// Counts `records` into an aggregator, and per source into a `WideSource` directly; compares.
    @discardableResult
    static func compare(_ records: [FirewallRecord], context: String) -> (wide: Int, compact: Int) {
        var aggregator = Aggregator()
        var reference: [IPAddress: WideSource] = [:]
        var order: [IPAddress] = []
        var targets: [IPAddress] = []
        var ports: [PortKey: (probes: UInt64, sources: Int)] = [:]
        for record in records {
            aggregator.count(.record, record: record, where: "test")
            if !targets.contains(record.destination) { targets.append(record.destination) }
            let target = UInt32(targets.firstIndex(of: record.destination)!)
            if reference[record.source] == nil {
                reference[record.source] = WideSource(address: record.source)
                order.append(record.source)
            }
            let key = PortKey(record: record)
            let (counted, newPort) = reference[record.source]!.record(
                record, key: key, target: target, weight: UInt64(record.repeatCount),
                retransmissionWindow: aggregator.retransmissionWindow, visitGap: aggregator.visitGap, targetAddresses: targets)
            if counted > 0 {
                ports[key, default: (0, 0)].probes += counted
                if newPort { ports[key, default: (0, 0)].sources += 1 }
            }
        }
        #expect(aggregator.targets == targets, "\(context)")
        #expect(aggregator.sources.count == order.count, "\(context)")
        for (index, address) in order.enumerated() {
            let bucket = aggregator.sources[index]
            let wide = reference[address]!
            let where_ = "\(context), source \(address)"
            #expect(aggregator.sourceIDs[address] == UInt32(index), "\(where_)")
            #expect(bucket.address == address, "\(where_)")
            #expect(bucket.probes == wide.probes, "\(where_)")
            #expect(bucket.retransmissions == wide.retransmissions, "\(where_)")
            #expect(Set(bucket.ports.elements) == Set(wide.ports.elements), "\(where_)")
            #expect(bucket.portCount == wide.portCount, "\(where_)")
            #expect(bucket.sortedPorts == wide.ports.elements.sorted(), "\(where_)")
            #expect(bucket.firstPortProbes == wide.firstPortProbes, "\(where_): \(bucket.firstPortProbes) \(wide.firstPortProbes)")
            #expect(Set(bucket.targets.numbers.elements) == Set(wide.targets.numbers.elements), "\(where_)")
            #expect(bucket.targetCount == wide.targetCount, "\(where_)")
            #expect(bucket.targets.ascendingSteps == wide.targets.ascendingSteps, "\(where_)")
            #expect(bucket.targetsInAddressOrder == wide.targets.inAddressOrder, "\(where_)")
            #expect(bucket.lowestTargetID == wide.targets.numbers.elements.min(), "\(where_)")
            #expect(Set(bucket.days.elements) == Set(wide.days.elements), "\(where_)")
            #expect(bucket.dayCount == wide.days.count, "\(where_)")
            #expect(bucket.seen == wide.seen, "\(where_)")
            #expect(Set(bucket.sourcePorts.elements) == Set(wide.sourcePorts.elements), "\(where_)")
            #expect(bucket.visits == wide.visits, "\(where_)")
            #expect(bucket.busiestVisitPorts == wide.busiestVisitPorts, "\(where_)")
            #expect(bucket.busiestVisitSeconds == wide.busiestVisitSeconds, "\(where_)")
            #expect(bucket.fingerprintCounts == wide.fingerprintCounts, "\(where_)")
            #expect(bucket.maxProbesOnOnePort == wide.maxProbesOnOnePort, "\(where_)")
            #expect(bucket.dominantFingerprint == wide.dominantFingerprint, "\(where_)")
            for fingerprint in Fingerprint.allCases { #expect(bucket.count(of: fingerprint) == wide.count(of: fingerprint), "\(where_)") }
            let smallest = wide.ports.elements.sorted()
            #expect(bucket.smallestPorts == SIMD3(smallest.count > 0 ? smallest[0] : .max, smallest.count > 1 ? smallest[1] : .max,
                                                  smallest.count > 2 ? smallest[2] : .max), "\(where_)")
        }
        #expect(aggregator.ports.count == ports.count, "\(context)")
        for (key, expected) in ports {
            let bucket = aggregator.ports[key]
            #expect(bucket?.probes == expected.probes && bucket?.sourceCount == expected.sources, "\(context), port \(key)")
        }
        let wide = aggregator.sources.storage.wide.count
        return (wide, aggregator.sources.count - wide)
    }

    /// Many sources (the index grows and rehashes; pool blocks are freed and reused as sets grow).
    @Test func manySources() {
        var random = SeededGenerator(seed: 99)
        let records = Self.stream(Shape(sources: 3000, ports: 12, targets: 3, sourcePorts: 8), length: 40_000, random: &random)
        Self.compare(records, context: "many sources")
    }

    /// A copy is a snapshot: counting into the original later does not change it.
    @Test func copiesAreValues() {
        var random = SeededGenerator(seed: 7)
        let records = Self.stream(Shape(sources: 50, ports: 10, targets: 3, sourcePorts: 5), length: 2000, random: &random)
        var aggregator = Aggregator()
        for record in records.prefix(1000) { aggregator.count(.record, record: record, where: "test") }
        let snapshot = aggregator
        let before = (0..<snapshot.sources.count).map { (snapshot.sources[$0].probes, snapshot.sources[$0].sortedPorts) }
        for record in records.dropFirst(1000) { aggregator.count(.record, record: record, where: "test") }
        let after = (0..<snapshot.sources.count).map { (snapshot.sources[$0].probes, snapshot.sources[$0].sortedPorts) }
        #expect(before.elementsEqual(after) { $0.0 == $1.0 && $0.1 == $1.1 })
        #expect(snapshot.sources.count <= aggregator.sources.count)
        for index in 0..<snapshot.sources.count {
            #expect(snapshot.sourceIDs[snapshot.sources[index].address] == UInt32(index))
        }
    }

    /// The reports' order from integer keys (`numbersByProbes`, `PortTable.byProbes`) is the full sort: most
    /// probes first, ties by address or port key, across IPv4, IPv6 with and without a zero top half, equal
    /// address bits and counts past the keys' limits.
    @Test func reportOrderIsTheFullSort() {
        var random = SeededGenerator(seed: 23)
        let addresses: [IPAddress] = (0..<400).map { index in
            switch index % 5 {
            case 0: IPAddress(high: 0, low: random.next() % 2 == 0 ? random.next() % 0x1_0000 : random.next())
            case 1: IPAddress(high: 0x2001_0db8_0000_0000 | random.next() % 3, low: random.next())
            case 2: IPAddress(high: random.next(), low: random.next())
            default: IPAddress(v4: UInt32(truncatingIfNeeded: random.next() % 3 == 0 ? random.next() % 8 : random.next()))
            }
        }
        var aggregator = Aggregator()
        for _ in 0..<6000 {
            var record = FirewallRecord()
            record.action = .blocked
            record.direction = .inbound
            record.source = addresses[Int(random.next() % UInt64(addresses.count))]
            record.destination = IPAddress(v4: 0xCB00_7101)
            record.proto = random.next() % 3 == 0 ? .udp : .tcp
            record.hasPorts = true
            record.destinationPort = UInt16(random.next() % 300)
            if random.next() % 500 == 0 { record.repeatCount = [1 << 30, UInt32.max][Int(random.next() % 2)] }
            aggregator.count(.record, record: record, where: "test")
        }
        let sources = aggregator.sources
        let expected = (0..<UInt32(sources.count)).sorted { a, b in
            let (x, y) = (sources[Int(a)], sources[Int(b)])
            return x.probes != y.probes ? x.probes > y.probes : x.address < y.address
        }
        #expect(sources.numbersByProbes() == expected)
        #expect(Set(addresses).count > 300 && sources.count > 300)
        #expect(sources.indices.contains { sources[$0].probes >= 1 << 30 })
        let ports = aggregator.ports.values.sorted { ($0.probes, $1.key) > ($1.probes, $0.key) }
        #expect(aggregator.ports.byProbes().map(\.key) == ports.map(\.key))
    }

    /// Each case the sort keys cannot order alone, in a table of its own: equal keys (IPv6 addresses sharing
    /// their top 32 bits), `::x` addresses that sort after IPv4 (a large low half), and counts past the keys'
    /// limit in the opposite order to their addresses.
    @Test func reportOrderSettlesWhatTheKeysCannotTell() {
        var random = SeededGenerator(seed: 41)
        let sameTopBits = (0..<300).map { _ in IPAddress(high: 0x2001_0db8_0000_0000 | random.next() % 4, low: random.next()) }
        let zeroTopHalf = (0..<300).map { _ in IPAddress(high: 0, low: random.next() | 1 << 63) }
        let v4 = (0..<300).map { _ in IPAddress(v4: UInt32(truncatingIfNeeded: random.next())) }
        let pastLimit = v4.indices.map { index in UInt32(1 << 30) + UInt32(index) }
        let tables: [(String, [(IPAddress, UInt32)])] = [
            ("equal keys", (sameTopBits + v4).map { ($0, 1) }),
            ("zero top half", (zeroTopHalf + v4).shuffled(using: &random).map { ($0, 1) }),
            ("past the limit", Array(zip(v4.sorted(), pastLimit))),
        ]
        for (name, probes) in tables {
            var aggregator = Aggregator()
            for (address, count) in probes {
                var record = FirewallRecord()
                record.action = .blocked
                record.direction = .inbound
                record.source = address
                record.destination = IPAddress(v4: 0xCB00_7101)
                record.proto = .tcp
                record.hasPorts = true
                record.destinationPort = 22
                record.repeatCount = count
                aggregator.count(.record, record: record, where: "test")
            }
            let sources = aggregator.sources
            let expected = (0..<UInt32(sources.count)).sorted { a, b in
                let (x, y) = (sources[Int(a)], sources[Int(b)])
                return x.probes != y.probes ? x.probes > y.probes : x.address < y.address
            }
            #expect(sources.count == probes.count && sources.numbersByProbes() == expected, "\(name)")
        }
    }

    /// The radix sort agrees with a stable comparison sort: keys spread over all four 16-bit digits, keys that
    /// share some digits, and many equal keys (whose order must stay as it was).
    @Test func radixSortIsAStableSort() {
        var random = SeededGenerator(seed: 7)
        for size in [0, 1, 2, 17, 5000] {
            for spread in [UInt64.max, 0xFFFF_0000, 0xF] {
                let elements = (0..<size).map { index in (key: random.next() & spread, index: index) }
                var sorted = elements
                RadixSort.sort(&sorted) { $0.key }
                let expected = elements.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
                #expect(sorted.map(\.key) == expected.map(\.key) && sorted.map(\.index) == expected.map(\.index), "\(size) \(spread)")
            }
        }
    }

    /// Dense port numbers: the same number for the same key, none for keys never numbered.
    @Test func portNumbers() {
        var numbers = PortNumbers()
        var expected: [UInt32: Int] = [:]
        var random = SeededGenerator(seed: 5)
        for _ in 0..<5000 {
            let key = PortKey(proto: IPProtocol(number: UInt8(random.next() % 4 * 40)), number: random.next() % 7 == 0 ? nil : UInt16(random.next() % 70000 % 65536))
            let number = numbers.number(key.packed, next: expected.count)
            if let known = expected[key.packed] { #expect(number == known) } else { expected[key.packed] = number }
            #expect(numbers.existing(key.packed) == expected[key.packed])
        }
        #expect(numbers.existing(PortKey(proto: .udplite, number: 9).packed) == nil)
    }
}

/// The verdicts of quiet background sources are kept as 2 bytes (`SourceVerdicts`) and read back whole.
@Suite struct CompactVerdictTests {
    static func analysis() -> Analysis {
        var log = ScenarioLog()
        log.noise(count: 400, days: 3)
        // A zmap source (fingerprint line), a fast vertical scan, a sweep of every local address.
        for index in 0..<6 { log.probe(100 + Int64(index), src: "198.51.100.7", dpt: 23, spt: 41000 + index, id: 54321) }
        for port in 1...60 { log.probe(7200 + Int64(port), src: "198.51.100.10", dpt: port, window: 1024) }
        return log.analyze()
    }

    @Test func compactVerdictsReadAsBefore() throws {
        let analysis = Self.analysis()
        let sources = analysis.classification.sources
        let table = analysis.aggregator.sources
        var compact = 0
        for id in sources.indices {
            guard let verdict = sources[id] else { continue }
            guard verdict.derivedFrom != nil else { continue }
            compact += 1
            // The evidence the classifier's background path words: its summary, then the fingerprint line.
            let bucket = table[id]
            var expected = [BackgroundSummary(probes: bucket.probes, ports: bucket.sortedPorts.map(PortKey.init(packed:)),
                                              visits: bucket.visits, days: bucket.days.count).text]
            if let fingerprint = bucket.dominantFingerprint, fingerprint != .backscatter {
                expected.append(SourceClassifier.fingerprintLine(fingerprint, bucket: bucket))
            }
            #expect(verdict.evidence == expected)
            #expect(verdict.threatClass == .background && verdict.kind == .backgroundSweep && verdict.eventID == nil)
            #expect(verdict.fingerprint == bucket.dominantFingerprint)
        }
        #expect(compact > 300)
        let zmap = try #require(analysis.verdict("198.51.100.7"))
        #expect(zmap.evidence.count == 2 && zmap.evidence[1].hasPrefix("zmap fingerprint on 6 of 6 probes"))
        #expect(analysis.verdict("198.51.100.10")?.threatClass == .targeted)
    }

    /// Changing a compact verdict keeps it whole; setting it back makes it compact again.
    @Test func changesAreKept() throws {
        var classification = Self.analysis().classification
        let id = try #require(classification.sources.indices.first { classification.sources[$0]?.derivedFrom != nil })
        let original = try #require(classification.sources[id])
        classification.sources[id]?.eventID = "E9"
        #expect(classification.sources[id]?.eventID == "E9")
        #expect(classification.sources[id]?.evidence == original.evidence)
        classification.sources[id]?.eventID = nil
        #expect(classification.sources[id]?.derivedFrom != nil)
        classification.sources[id]?.evidence = ["other"]
        #expect(classification.sources[id]?.evidence == ["other"])
        classification.sources[id]?.confidence = 0.5
        #expect(classification.sources[id]?.confidence == 0.5)
        classification.sources[id] = nil
        #expect(classification.sources[id] == nil)
        classification.sources[id] = original
        #expect(classification.sources[id]?.evidence == original.evidence)
        // A changed fingerprint keeps the words the evidence had.
        var verdict = original
        let words = verdict.evidence
        verdict.fingerprint = .mirai
        #expect(verdict.evidence == words)
    }

    @Test func backgroundKindCounts() {
        let classification = Self.analysis().classification
        var expected: [ScanKind: Int] = [:]
        for verdict in classification.sources.compactMap({ $0 }) where verdict.threatClass == .background {
            expected[verdict.kind, default: 0] += 1
        }
        #expect(classification.backgroundKindCounts == expected)
        #expect(!expected.isEmpty)
    }
}
