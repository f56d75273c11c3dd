import Foundation
import Testing
@testable import ScanlogCore
import ScanlogTestSupport

/// The parser thread numbers the sources (`SourceNumbering`) and the aggregator counts by those numbers: they
/// must be the numbers the aggregator gives itself, whatever the filter leaves out and whatever lines are not
/// probes, for IPv4 and IPv6 sources, across several inputs; and the index built on the parser thread must
/// serve look-ups afterwards.
@Suite struct SourceNumberingTests {
    /// Two inputs mixing IPv4 and IPv6 sources, probes and records that are not (allowed, audited, outbound),
    /// on several ports over two days; many sources are seen first in a record that is not a probe.
    static func mixedInputs(in dir: TemporaryDirectory) -> [String] {
        var generator = SeededGenerator(seed: 11)
        return (0..<2).map { file in
            var text = ""
            for index in 0..<1500 {
                let day = index < 750 ? "Nov 21" : "Nov 22"
                let time = "\(day) \(PipelineTests.two(index / 60 % 24)):\(PipelineTests.two(index % 60)):07"
                let number = Int.random(in: 1...300, using: &generator)
                let v6 = Int.random(in: 0...3, using: &generator) == 0
                let src = v6 ? "2001:db8:\(number % 3)::\(String(number, radix: 16))" : "198.51.100.\(number % 250 + 1)"
                let dst = v6 ? "2001:db8:ffff::1" : "192.0.2.20"
                let dpt = [22, 80, 443, 3389, Int.random(in: 1...65535, using: &generator)][Int.random(in: 0...4, using: &generator)]
                let prefix = ["[UFW BLOCK] ", "[UFW BLOCK] ", "[UFW ALLOW] ", "[UFW AUDIT] "][Int.random(in: 0...3, using: &generator)]
                var line = ufwLine(time: time, src: src, dst: dst, dpt: dpt, spt: 40000 + index % 7, prefix: prefix)
                if index % 9 == 4 { line = line.replacingOccurrences(of: "IN=eth0 OUT= ", with: "IN= OUT=eth0 ") }
                text += line + "\n"
            }
            return dir.write("mixed\(file).log", Data(text.utf8))
        }
    }

    static var filters: [RecordFilter] {
        var filters = [RecordFilter()]
        var port = RecordFilter()
        port.ports = [22, 443]
        var since = RecordFilter()
        since.since = Timestamp(seconds: utc("2026-11-22T00:00:00Z"))
        var network = RecordFilter()
        network.sources = [Network("2001:db8:1::/48")!, Network("198.51.100.0/26")!]
        var allowed = RecordFilter()
        allowed.actions = [.allowed]
        var blocked = RecordFilter()
        blocked.actions = [.blocked]
        filters += [port, since, network, allowed, blocked]
        return filters
    }

    @Test(arguments: 0..<6)
    func numbersEqualSequential(filterIndex: Int) throws {
        let dir = TemporaryDirectory()
        let paths = Self.mixedInputs(in: dir)
        let filter = Self.filters[filterIndex]
        let sequential = PipelineTests.run(paths, parallel: false, filter: filter)
        for batchSize in [nil, 5] {
            let parallel = PipelineTests.run(paths, parallel: true, batchSize: batchSize, depth: 2, filter: filter)
            PipelineTests.expectSame(sequential, parallel)
            let sources = parallel.analysis.aggregator.sources
            #expect(sources.map(\.address) == sequential.analysis.aggregator.sources.map(\.address))
            // The index the parser thread built (or, without one, the one built anew) finds every source.
            for (id, bucket) in sources.enumerated() {
                #expect(parallel.analysis.aggregator.sourceIDs[bucket.address] == UInt32(id))
            }
            #expect(parallel.analysis.aggregator.sourceIDs[IPAddress("203.0.113.1")!] == nil)
        }
        if filterIndex == 0 {
            let addresses = sequential.analysis.aggregator.sources.map(\.address)
            #expect(addresses.contains { $0.isIPv4 } && addresses.contains { !$0.isIPv4 })
        }
    }

    /// The stage numbers only what the aggregator buckets, and hands its index over with the last batch.
    @Test func stageNumbersProbesOnly() throws {
        let dir = TemporaryDirectory()
        let paths = Self.mixedInputs(in: dir)
        let stage = try #require(ParseStage.start(paths.map(InputSpec.init(path:)), options: AnalysisOptions(),
                                                  numberingSourcesWith: RecordFilter(), batchSize: 100, depth: 2))
        defer { stage.close() }
        var numbers: [IPAddress: UInt32] = [:]
        var index: AddressIndex?
        while stage.next({ batch in
            for line in batch.lines {
                let numbered = Aggregator.numbersSource(line.outcome, line.record, filter: RecordFilter())
                #expect((line.sourceID != nil) == numbered)
                guard let id = line.sourceID else { continue }
                let known = numbers[line.record.source]
                #expect(known == nil ? Int(id) == numbers.count : known == id)
                numbers[line.record.source] = id
            }
            if batch.sourceIndex != nil { index = batch.sourceIndex }
        }) {}
        let handed = try #require(index)
        #expect(handed.count == numbers.count)
        for (address, id) in numbers { #expect(handed.find(address) == id) }
    }

    /// An aggregator that has sources already counts the next inputs by address: the same as reading them all
    /// one after another.
    @Test func aggregatorWithSourcesEqualsSequential() throws {
        let dir = TemporaryDirectory()
        let paths = Self.mixedInputs(in: dir)
        var options = AnalysisOptions()
        options.localTimeOffset = 0
        options.now = 1_795_000_000
        var sequential = Analysis()
        var years: YearInference?
        for path in paths {
            sequential.inputs.append(LogReader.read(InputSpec(path: path), options: options, years: &years, into: &sequential.aggregator))
        }
        var mixed = Analysis()
        years = nil
        mixed.inputs.append(LogReader.read(InputSpec(path: paths[0]), options: options, years: &years, into: &mixed.aggregator))
        #expect(PipelinedReader.read([InputSpec(path: paths[1])], options: options, into: &mixed, batchSize: 7, depth: 2))
        #expect(mixed.aggregator.sources.map(\.address) == sequential.aggregator.sources.map(\.address))
        #expect(mixed.aggregator.sources.map(\.probes) == sequential.aggregator.sources.map(\.probes))
        for (id, bucket) in mixed.aggregator.sources.enumerated() { #expect(mixed.aggregator.sourceIDs[bucket.address] == UInt32(id)) }
    }

    /// IPv4 and IPv6 addresses numbered in order through several growths; a copy finds the same.
    @Test func addressIndexNumbersInOrder() {
        let index = AddressIndex()
        var generator = SeededGenerator(seed: 5)
        var addresses: [IPAddress] = []
        var seen: Set<IPAddress> = []
        while addresses.count < 5000 {
            let address = Bool.random(using: &generator)
                ? IPAddress(v4: UInt32.random(in: 0...UInt32.max, using: &generator))
                : IPAddress(high: 0x2001_0db8_0000_0000 | UInt64.random(in: 0...3, using: &generator), low: UInt64.random(in: 0...9999, using: &generator))
            let (id, isNew) = index.findOrInsert(address)
            #expect(isNew == !seen.contains(address))
            if isNew {
                #expect(Int(id) == addresses.count)
                addresses.append(address)
                seen.insert(address)
            } else {
                #expect(addresses[Int(id)] == address)
            }
        }
        let copy = index.copy()
        #expect(copy.count == addresses.count)
        for (id, address) in addresses.enumerated() {
            #expect(index.find(address) == UInt32(id))
            #expect(copy.find(address) == UInt32(id))
        }
        // An IPv6 address whose low half looks like a known IPv4 one is another address.
        let v4 = addresses.first { $0.isIPv4 }!
        #expect(index.find(IPAddress(high: 1, low: v4.low)) == nil)
        #expect(index.find(IPAddress(v4: v4.v4Value &+ 1)) == nil || seen.contains(IPAddress(v4: v4.v4Value &+ 1)))
    }
}
