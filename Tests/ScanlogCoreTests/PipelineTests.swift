import Foundation
import Testing
@testable import ScanlogCore
import ScanlogTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Reading with the parse stage on its own thread (`PipelinedReader`) must give exactly what reading one input
/// after another on one thread (`LogReader.read`) gives: every counter, bucket, verdict, unparsed location,
/// nightly offset, probe and progress call, in the same order.
@Suite struct PipelineTests {
    /// A rotated set with a bit of everything: two hosts, several prefixes (ufw's and others), allowed and
    /// audited records, every kind of odd line, CRLF, a cut line, and a live file whose last line has no newline.
    struct RotatedSet {
        let dir = TemporaryDirectory()
        var paths: [String] = []

        init(yearCrossing: Bool = false) throws {
            let days = yearCrossing ? ["Dec 30", "Dec 31", "Jan  1", "Jan  2"] : ["Nov 19", "Nov 20", "Nov 21", "Nov 22"]
            let names = ["ufw.log.3.gz", "ufw.log.2.gz", "ufw.log.1", "ufw.log"]
            var generator = SeededGenerator(seed: 7)
            for (fileIndex, name) in names.enumerated() {
                var text = ""
                for index in 0..<700 {
                    let time = "\(days[fileIndex]) \(PipelineTests.two(index / 60 % 24)):\(PipelineTests.two(index % 60)):\(PipelineTests.two(index * 7 % 60))"
                    let src = "198.51.\(Int.random(in: 100...101, using: &generator)).\(Int.random(in: 1...40, using: &generator))"
                    let dpt = [22, 23, 80, 443, 3389, Int.random(in: 1...65535, using: &generator)][Int.random(in: 0...5, using: &generator)]
                    let host = index % 5 == 0 ? "web2" : "web1"
                    let prefix = ["[UFW BLOCK] ", "[UFW BLOCK] ", "[UFW BLOCK] ", "[UFW ALLOW] ", "[UFW AUDIT] ", "DROP: "][Int.random(in: 0...5, using: &generator)]
                    switch index % 97 {
                    case 3: text += "\n"
                    case 5: text += "\(time) \(host) sshd[123]: Accepted publickey for root\n"
                    case 7: text += "\(time) \(host) kernel: [UFW BLOCK] IN=eth0 OUT= DST=192.0.2.20 PROTO=TCP SPT=1 DPT=2\n"
                    case 11: text += "\(time) \(host) kernel: [UFW BLOCK] IN=eth0 OUT= SRC=999.1.1.1 DST=192.0.2.20 PROTO=TCP SPT=1 DPT=2\n"
                    case 13: text += "\(time) \(host) kernel: TTL=126 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1\n"
                    case 17: text += ufwLine(time: time, host: host, src: src, dpt: dpt, prefix: prefix) + String(repeating: "X", count: 700) + "\n"
                    case 19: text += ufwLine(time: time, host: host, src: src, dpt: dpt, prefix: prefix) + "\r\n"
                    default: text += ufwLine(time: time, host: host, src: src, dst: "192.0.2.\(index % 3 + 20)", dpt: dpt, spt: 40000 + index % 3, prefix: prefix) + "\n"
                    }
                }
                if name == "ufw.log" { text += ufwLine(time: "\(days[3]) 23:59:59", dpt: 8080) }
                let data = name.hasSuffix(".gz") ? try gzipData(Data(text.utf8)) : Data(text.utf8)
                paths.append(dir.write(name, data))
            }
        }
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Everything an analysis holds, as text: `dump` goes through every stored property (buckets included).
    /// Dictionaries and sets list their members in an order of their own (seeded per instance), so the lines
    /// are sorted; the source buckets, in source number order, are also compared one by one.
    static func everything(_ analysis: Analysis) -> [String] {
        var text = ""
        dump(analysis.inputs, to: &text)
        dump(analysis.endOffsets, to: &text)
        dump(analysis.aggregator, to: &text)
        dump(analysis.classification, to: &text)
        // The source table's storage addresses and hash seed differ between any two analyses (the seed also
        // moves the slots, which the sorting of lines evens out): everything else is compared.
        var lines = text.split(separator: "\n").map(String.init)
            .filter { !$0.contains("pointerValue") && !$0.contains("0x0000") && !$0.contains("- seed: ") }
            .sorted()
        for bucket in analysis.aggregator.sources {
            lines.append("\(bucket.address) \(bucket.probes) \(bucket.retransmissions) \(bucket.visits) \(bucket.busiestVisitPorts) \(bucket.ports.elements.sorted()) \(bucket.days.elements.sorted()) \(bucket.seen)")
        }
        return lines
    }

    /// Runs an analysis and records what the callbacks saw.
    static func run(
        _ paths: [String], parallel: Bool, year: Int? = nil, readSize: Int = 1 << 20, hold: Bool = false,
        batchSize: Int? = nil, depth: Int = 4, filter: RecordFilter = RecordFilter()
    ) -> (analysis: Analysis, probes: [String], progress: [String]) {
        var options = AnalysisOptions()
        options.filter = filter
        options.year = year
        options.readSize = readSize
        options.maxLineLength = 600
        options.now = 1_795_000_000
        options.localTimeOffset = 0
        options.holdPartialLastLine = hold
        options.parallel = parallel
        var probes: [String] = []
        var progress: [String] = []
        options.probeSink = { probe in
            var text = "\(probe.host)|\(probe.prefix)|"
            dump(probe.record, to: &text)
            probes.append(text)
        }
        options.progress = { path, bytes, lines in progress.append("\(path) \(bytes) \(lines)") }
        let specs = paths.map(InputSpec.init(path:))
        guard let batchSize else { return (Analysis.run(specs, options: options), probes, progress) }
        // The reading part alone, with small batches.
        var analysis = Analysis()
        analysis.aggregator.filter = filter
        let started = PipelinedReader.read(RotationOrder.sorted(specs), options: options, into: &analysis, batchSize: batchSize, depth: depth)
        precondition(started)
        analysis.classification = Classification.classify(analysis.aggregator, config: options.classifier)
        return (analysis, probes, progress)
    }

    static func expectSame(_ a: (analysis: Analysis, probes: [String], progress: [String]), _ b: (analysis: Analysis, probes: [String], progress: [String])) {
        #expect(a.analysis.inputs == b.analysis.inputs)
        #expect(a.analysis.endOffsets == b.analysis.endOffsets)
        #expect(a.analysis.accounting == b.analysis.accounting)
        #expect(a.probes == b.probes)
        #expect(a.progress == b.progress)
        #expect(AnalysisJSON.render(a.analysis) == AnalysisJSON.render(b.analysis))
        let (x, y) = (everything(a.analysis), everything(b.analysis))
        #expect(x.count == y.count)
        #expect(x.count > 100)
        if let index = x.indices.first(where: { $0 < y.count && x[$0] != y[$0] }) { Issue.record("differs: \(x[index]) | \(y[index])") }
    }

    @Test(arguments: [1 << 20, 4096, 97, 7])
    func rotatedSetInParallelEqualsSequential(readSize: Int) throws {
        let set = try RotatedSet()
        let sequential = Self.run(set.paths.reversed(), parallel: false, readSize: readSize)
        let parallel = Self.run(set.paths.reversed(), parallel: true, readSize: readSize)
        Self.expectSame(sequential, parallel)
        // The set has what it is meant to have (so that the comparison compares something).
        let accounting = sequential.analysis.accounting
        #expect(sequential.analysis.inputs.map(\.lines) == [700, 700, 700, 701])
        #expect(sequential.analysis.inputs.map(\.isGzip) == [true, true, false, false])
        #expect(accounting.unparsed[.tooLong] == 32)
        #expect(accounting.unparsed[.missingAddress] == 32)
        #expect(accounting.ignored[.blank] == 32)
        #expect(accounting.probes > 1000)
        #expect(sequential.analysis.aggregator.sawUFWPrefix)
        #expect(Set(sequential.probes.map { $0.prefix(5) }) == ["web1|", "web2|"])
        #expect(sequential.progress.count >= 4)
        // The first unparsed line of each reason names its file and line, as before.
        #expect(accounting.firstUnparsed[.missingAddress] == "\(set.paths[0]):8")
        #expect(accounting.firstUnparsed[.tooLong] == "\(set.paths[0]):18")
    }

    /// Rows sorted while the sources are classified (`AnalysisOptions.sortsAllRows`) are the rows the report
    /// would sort after: the same order, the same JSON and CSV tables.
    @Test func rowsSortedWhileClassifyingEqualSortingAfter() throws {
        let dir = TemporaryDirectory()
        var text = ""
        var generator = SeededGenerator(seed: 11)
        for index in 0..<12_000 {
            // Many ties in probes (one or two each), over many ports: the order's tie-breaks matter.
            let src = "203.\(index / 62_500).\(index / 250 % 250).\(index % 250 + 1)"
            for _ in 0..<Int.random(in: 1...2, using: &generator) {
                text += ufwLine(time: "Nov 22 0\(index / 3600 % 10):\(PipelineTests.two(index / 60 % 60)):\(PipelineTests.two(index % 60))",
                                src: src, dpt: Int.random(in: 1...65535, using: &generator)) + "\n"
            }
        }
        let path = dir.write("ufw.log", Data(text.utf8))
        var options = AnalysisOptions()
        options.sortsAllRows = true
        let ahead = Analysis.run([InputSpec(path: path)], options: options)
        options.sortsAllRows = false
        let after = Analysis.run([InputSpec(path: path)], options: options)
        let order = try #require(ahead.rowOrder)
        #expect(after.rowOrder == nil)
        #expect(RowOrder.isLarge(ahead.aggregator))
        #expect(order.sourceIDs == after.aggregator.sources.numbersByProbes())
        #expect(order.ports.map(\.key) == after.aggregator.ports.byProbes().map(\.key))
        #expect(AnalysisJSON.render(ahead) == AnalysisJSON.render(after))
        for table in [AnalysisCSV.Table.sources, .ports] {
            var (first, second) = (CSVWriter(), CSVWriter())
            AnalysisCSV.write(table, of: ahead, top: nil, to: &first)
            AnalysisCSV.write(table, of: after, top: nil, to: &second)
            #expect(first.output == second.output, "\(table)")
        }
    }

    /// Batches of one line, a few lines, and the ring at its smallest: the hand-over at every boundary.
    @Test(arguments: [(1, 2), (3, 2), (250, 3), (4096, 4)])
    func smallBatchesEqualSequential(batchSize: Int, depth: Int) throws {
        let set = try RotatedSet()
        let sequential = Self.run(set.paths, parallel: false, readSize: 331)
        let parallel = Self.run(set.paths, parallel: true, readSize: 331, batchSize: batchSize, depth: depth)
        Self.expectSame(sequential, parallel)
    }

    /// An explicit --year carries its state from file to file (the set crosses New Year).
    @Test func explicitYearAcrossFilesEqualsSequential() throws {
        let set = try RotatedSet(yearCrossing: true)
        let sequential = Self.run(set.paths, parallel: false, year: 2025)
        let parallel = Self.run(set.paths, parallel: true, year: 2025, batchSize: 64, depth: 2)
        Self.expectSame(sequential, parallel)
        let seen = sequential.analysis.accounting.seen
        let first = try #require(seen.first).seconds
        let last = try #require(seen.last).seconds
        #expect(first >= utc("2025-12-30T00:00:00Z") && first < utc("2025-12-31T00:00:00Z"))
        #expect(last >= utc("2026-01-02T00:00:00Z") && last < utc("2026-01-03T00:00:00Z"))
    }

    /// `scanlog nightly`: a partial last line held back, resumed offsets, a missing file among the set.
    @Test func nightlyOffsetsEqualSequential() throws {
        let set = try RotatedSet()
        let live = set.paths[3]
        let size = UInt64(try FileManager.default.attributesOfItem(atPath: live)[.size] as! Int)
        let paths = [set.paths[1], set.dir.url.appendingPathComponent("ufw.log.9").path, set.paths[2], live]
        for hold in [false, true] {
            let sequential = Self.run(paths, parallel: false, readSize: 1000, hold: hold)
            let parallel = Self.run(paths, parallel: true, readSize: 1000, hold: hold)
            Self.expectSame(sequential, parallel)
            let lastLine = UInt64(ufwLine(time: "Nov 22 23:59:59", dpt: 8080).utf8.count)
            #expect(parallel.analysis.endOffsets.last == (hold ? size - lastLine : size))
            #expect(parallel.analysis.inputs.map { $0.error != nil } == [true, false, false, false])
        }
        // Resumed in the middle of a file (a plain one at a byte offset, a gzip one at an inflated offset).
        var options = AnalysisOptions()
        options.holdPartialLastLine = true
        let specs = [InputSpec(path: set.paths[1], startOffset: 5000), InputSpec(path: live, startOffset: 12345)]
        options.parallel = false
        let sequential = Analysis.run(specs, options: options)
        options.parallel = true
        let parallel = Analysis.run(specs, options: options)
        #expect(sequential.endOffsets == parallel.endOffsets)
        #expect(Self.everything(sequential) == Self.everything(parallel), "see the other tests for which line differs")
        #expect(parallel.endOffsets.last == size - UInt64(ufwLine(time: "Nov 22 23:59:59", dpt: 8080).utf8.count))
    }

    /// A gzip file cut short: the piece of a line at the cut is counted as cut-by-read-error at the same place.
    @Test func readErrorCutEqualsSequential() throws {
        let set = try RotatedSet()
        let compressed = try Data(contentsOf: URL(fileURLWithPath: set.paths[0]))
        let cut = set.dir.write("ufw.log.4.gz", compressed.prefix(compressed.count * 2 / 3))
        let sequential = Self.run([cut, set.paths[2]], parallel: false, readSize: 500)
        let parallel = Self.run([cut, set.paths[2]], parallel: true, readSize: 500, batchSize: 10, depth: 2)
        Self.expectSame(sequential, parallel)
        #expect(parallel.analysis.inputs[0].error != nil)
        #expect(parallel.analysis.accounting.unparsed[.cutByReadError] == 1)
        #expect(parallel.analysis.accounting.firstUnparsed[.cutByReadError]?.hasPrefix("\(cut):") == true)
    }

    /// Stopping the stage in the middle joins its threads and closes the file it was reading.
    @Test func closingEarlyJoinsAndClosesTheInput() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("big.log", InputFixtures.firewallLog(lines: 3000, seed: 3))
        var options = AnalysisOptions()
        options.readSize = 4096
        let stage = try #require(ParseStage.start(Array(repeating: InputSpec(path: path), count: 5), options: options, batchSize: 16, depth: 2))
        var first: [Int] = []
        #expect(stage.next { batch in first = batch.lines.map(\.number) })
        #expect(first == Array(1...16))
        #expect(Self.openDescriptors(of: path) > 0)
        stage.close()
        #expect(Self.openDescriptors(of: path) == 0)
    }

    /// How many of this process's file descriptors are open on `path`.
    static func openDescriptors(of path: String) -> Int {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == resolved }.count
    }

    /// The top-k selection the reports use gives the first k of the full sort, for every k.
    @Test func firstCountEqualsThePrefixOfTheSort() {
        var generator = SeededGenerator(seed: 23)
        for size in [0, 1, 2, 9, 10, 11, 200, 5000] {
            // Many equal keys, made a total order by the index as the reports do with the address.
            let values = (0..<size).map { index in (key: Int.random(in: 0..<7, using: &generator), index: index) }
            let order: ((key: Int, index: Int), (key: Int, index: Int)) -> Bool = { ($0.key, $1.index) > ($1.key, $0.index) }
            let sorted = values.sorted(by: order)
            for count in [0, 1, 3, 10, size, size + 5] {
                #expect(values.first(count, by: order).map(\.index) == sorted.prefix(count).map(\.index), "size \(size), count \(count)")
            }
        }
    }
}
