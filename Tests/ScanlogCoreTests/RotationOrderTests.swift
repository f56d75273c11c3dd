import Foundation
import Testing
@testable import ScanlogCore
import ScanlogTestSupport

private func specs(_ paths: [String]) -> [InputSpec] { paths.map(InputSpec.init(path:)) }
private func order(_ paths: [String]) -> [String] { RotationOrder.sorted(specs(paths)).map(\.path) }

@Suite struct RotationOrderTests {
    /// ufw.log.10.gz ... ufw.log.2.gz, ufw.log.1, ufw.log: oldest first.
    static let numbered: [String] = (2...10).reversed().map { "ufw.log.\($0).gz" } + ["ufw.log.1", "ufw.log"]

    @Test(arguments: [0, 1, 2, 3, 4, 5, 6, 7] as [UInt64])
    func numberedRotationsOldestFirst(_ seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let shuffled = seed == 0 ? Self.numbered.sorted() : Self.numbered.shuffled(using: &generator)
        #expect(order(shuffled) == Self.numbered, "from \(shuffled)")
    }

    /// The shell's order (`ufw.log*` sorts lexically: .1, .10.gz, .2.gz ...) must not leak through.
    @Test func numericNotLexical() {
        let globbed = ["ufw.log", "ufw.log.1", "ufw.log.10.gz", "ufw.log.2.gz", "ufw.log.3.gz"]
        #expect(order(globbed) == ["ufw.log.10.gz", "ufw.log.3.gz", "ufw.log.2.gz", "ufw.log.1", "ufw.log"])
        #expect(order(["ufw.log.2.gz", "ufw.log.10.gz"]) == ["ufw.log.10.gz", "ufw.log.2.gz"])
        #expect(order(["ufw.log.9", "ufw.log.11", "ufw.log.100.gz"]) == ["ufw.log.100.gz", "ufw.log.11", "ufw.log.9"])
    }

    @Test func directoriesInPaths() {
        let paths = ["/var/log/ufw.log", "/var/log/ufw.log.2.gz", "/var/log/ufw.log.1"]
        #expect(order(paths) == ["/var/log/ufw.log.2.gz", "/var/log/ufw.log.1", "/var/log/ufw.log"])
    }

    @Test(arguments: [
        ["ufw.log-20261118.gz", "ufw.log-20261120", "ufw.log"],
        ["ufw.log", "ufw.log-20261120", "ufw.log-20261118.gz"],
        ["ufw.log-20261120", "ufw.log", "ufw.log-20261118.gz"],
        ["ufw.log-20261120", "ufw.log-20261118.gz", "ufw.log"],
    ])
    func dateStampedOldestFirst(_ given: [String]) {
        #expect(order(given) == ["ufw.log-20261118.gz", "ufw.log-20261120", "ufw.log"])
    }

    @Test func dateStampsAcrossYearsAndMonths() {
        let given = ["kern.log-20270102", "kern.log", "kern.log-20261231.gz", "kern.log-20261130.gz"]
        #expect(order(given) == ["kern.log-20261130.gz", "kern.log-20261231.gz", "kern.log-20270102", "kern.log"])
    }

    @Test func differentLogsKeepTheOrderOfFirstMention() {
        #expect(order(["kern.log.1", "ufw.log", "kern.log", "ufw.log.1"]) == ["kern.log.1", "kern.log", "ufw.log.1", "ufw.log"])
        #expect(order(["ufw.log", "kern.log.1", "ufw.log.1", "kern.log"]) == ["ufw.log.1", "ufw.log", "kern.log.1", "kern.log"])
        #expect(order(["syslog", "ufw.log.2.gz", "syslog.1", "ufw.log"]) == ["syslog.1", "syslog", "ufw.log.2.gz", "ufw.log"])
    }

    @Test func standardInputStaysWhereGiven() {
        #expect(order(["-"]) == ["-"])
        #expect(order(["-", "ufw.log", "ufw.log.1"]) == ["-", "ufw.log.1", "ufw.log"])
        #expect(order(["ufw.log", "ufw.log.1", "-"]) == ["ufw.log.1", "ufw.log", "-"])
        #expect(order(["ufw.log", "-", "kern.log", "ufw.log.1"]) == ["ufw.log.1", "ufw.log", "-", "kern.log"])
        // Each `-` is its own input, not one group.
        #expect(order(["-", "a.log", "-"]) == ["-", "a.log", "-"])
    }

    @Test func unrelatedNamesKeepTheirOrder() {
        let given = ["b.log", "a.log", "c.txt", "capture.pcap.log"]
        #expect(order(given) == given)
    }

    @Test func nothingIsLostOrDuplicated() {
        var generator = SeededGenerator(seed: 99)
        let names = Self.numbered + ["kern.log", "kern.log.1", "-", "ufw.log-20261118.gz", "other", "other.3.gz", "-"]
        for _ in 0..<20 {
            let given = names.shuffled(using: &generator)
            let sorted = order(given)
            #expect(sorted.sorted() == given.sorted())
        }
        #expect(order([]) == [])
        #expect(order(["ufw.log", "ufw.log"]) == ["ufw.log", "ufw.log"])
    }

    /// logrotate with `start 0` (and some other rotators) number the newest rotation 0: still older than the live file.
    @Test func rotationZeroIsOlderThanTheLiveFile() {
        #expect(order(["ufw.log", "ufw.log.0", "ufw.log.1.gz"]) == ["ufw.log.1.gz", "ufw.log.0", "ufw.log"])
    }

    // MARK: end to end

    /// A rotated set of real lines across New Year, each file with the modification time logrotate would leave.
    struct RotatedSet {
        let dir = TemporaryDirectory()
        /// Oldest first: (name, text, modification time).
        var files: [(name: String, text: String, modified: Date)] = []

        init() throws {
            func date(_ text: String) -> Date { Date(timeIntervalSince1970: TimeInterval(utc(text))) }
            files = [
                ("ufw.log.3.gz", InputFixtures.firewallLog(lines: 300, seed: 31, startDay: 27, month: "Dec"), date("2025-12-27T23:59:00Z")),
                ("ufw.log.2.gz", InputFixtures.firewallLog(lines: 300, seed: 32, startDay: 29, month: "Dec"), date("2025-12-29T23:59:00Z")),
                ("ufw.log.1", InputFixtures.firewallLog(lines: 300, seed: 33, startDay: 31, month: "Dec"), date("2025-12-31T23:59:00Z")),
                ("ufw.log", InputFixtures.firewallLog(lines: 300, seed: 34, startDay: 2, month: "Jan"), date("2026-01-02T12:00:00Z")),
            ]
            for file in files {
                let data = file.name.hasSuffix(".gz") ? try gzipData(Data(file.text.utf8)) : Data(file.text.utf8)
                let path = dir.write(file.name, data)
                try FileManager.default.setAttributes([.modificationDate: file.modified], ofItemAtPath: path)
            }
            // The same lines in one file, as `zcat -f ufw.log.3.gz ufw.log.2.gz ufw.log.1 ufw.log` would give.
            let joined = dir.write("joined.log", files.map(\.text).joined())
            try FileManager.default.setAttributes([.modificationDate: files.last!.modified], ofItemAtPath: joined)
        }

        func path(_ name: String) -> String { dir.url.appendingPathComponent(name).path }
        var pathsOldestFirst: [String] { files.map { path($0.name) } }
    }

    /// The report without the list of inputs (which names the files), as a JSON value to compare.
    static func reportWithoutInputs(_ analysis: Analysis) throws -> NSDictionary {
        let json = AnalysisJSON.render(analysis)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        object["inputs"] = nil
        return object as NSDictionary
    }

    static func analyze(_ paths: [String], year: Int? = nil) -> Analysis {
        var options = AnalysisOptions()
        options.year = year
        return Analysis.run(paths.map(InputSpec.init(path:)), options: options)
    }

    @Test(arguments: [0, 1, 2] as [UInt64])
    func rotatedSetIsReadInTimeOrder(_ seed: UInt64) throws {
        let set = try RotatedSet()
        var generator = SeededGenerator(seed: seed)
        let given = seed == 0 ? set.pathsOldestFirst.reversed() : set.pathsOldestFirst.shuffled(using: &generator)
        let analysis = Self.analyze(given)
        #expect(analysis.inputs.map(\.path) == set.pathsOldestFirst)
        #expect(!analysis.hadInputErrors)
        #expect(analysis.inputs.map(\.lines) == [300, 300, 300, 300])
        #expect(analysis.inputs.map(\.isGzip) == [true, true, false, false])

        let first = try #require(analysis.accounting.seen.first)
        let last = try #require(analysis.accounting.seen.last)
        #expect(first < last)
        // Midday-safe checks: the oldest file starts Dec 27 2025, the newest ends Jan 2 2026 (local time, any zone).
        #expect(first.rfc3339().hasPrefix("2025-12-2"))
        #expect(last.rfc3339().hasPrefix("2026-01-0"))

        let joined = Self.analyze([set.path("joined.log")])
        #expect(joined.accounting == analysis.accounting)
        #expect(try Self.reportWithoutInputs(joined) == Self.reportWithoutInputs(analysis))
    }

    /// Each file's first and last time fall in order: the oldest file ends before the next one starts.
    @Test func filesDoNotOverlap() throws {
        let set = try RotatedSet()
        var spans: [SeenSpan] = []
        for path in set.pathsOldestFirst {
            spans.append(Self.analyze([path]).accounting.seen)
        }
        for (older, newer) in zip(spans, spans.dropFirst()) {
            let olderLast = try #require(older.last)
            let newerFirst = try #require(newer.first)
            #expect(olderLast < newerFirst)
        }
    }

    /// `--year` names the year of the first line; a rotated set crossing New Year must come out as one log would.
    @Test func explicitYearCarriesAcrossRotatedFiles() throws {
        let set = try RotatedSet()
        let joined = Self.analyze([set.path("joined.log")], year: 2025)
        let rotated = Self.analyze(set.pathsOldestFirst.shuffled(), year: 2025)
        #expect(rotated.inputs.map(\.path) == set.pathsOldestFirst)
        #expect(joined.accounting.seen.last?.rfc3339().hasPrefix("2026-01-0") == true)
        #expect(rotated.accounting.seen.last?.rfc3339().hasPrefix("2026-01-0") == true)
        #expect(rotated.accounting.seen == joined.accounting.seen)
    }
}
