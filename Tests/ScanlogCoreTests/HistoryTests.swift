import Foundation
import GRDB
import Testing
@testable import ScanlogCore
import ScanlogTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The nightly history: the database, its cells, retention, trends and the rules across nights.
@Suite struct HistoryTests {
    static let day0 = CivilDate(year: 2026, month: 10, day: 1).daysSinceEpoch

    /// A probe of `port`/tcp from `source` to `target`, `day` days after 2026-10-01 at `second` of that day.
    static func probe(_ source: String, _ port: UInt16, day: Int, second: Int64 = 3600, target: String = "198.51.100.10",
                      host: String = "web1", repeats: UInt32 = 1) -> ProbeRow {
        var record = FirewallRecord()
        record.time = Timestamp(seconds: Int64(day0 + day) * 86_400 + second)
        record.source = IPAddress(source)!
        record.destination = IPAddress(target)!
        record.proto = .tcp
        record.hasPorts = true
        record.destinationPort = port
        record.direction = .inbound
        record.action = .blocked
        record.repeatCount = repeats
        return ProbeRow(record: record, host: host, prefix: "[UFW BLOCK]")
    }

    static func tally(_ probes: [ProbeRow]) -> DailyTally {
        var tally = DailyTally()
        for probe in probes { tally.add(probe) }
        return tally
    }

    static func record(_ probes: [ProbeRow], into store: HistoryStore, keepDays: Int = 90) throws {
        try store.transaction { session in
            try session.record(tally(probes), lines: probes.count, resumeState: Data("{}".utf8), finishedAt: "now", keepDays: keepDays)
        }
    }

    @Test func aNewDatabaseIsMigratedAndReopens() throws {
        let directory = TemporaryDirectory()
        let path = directory.url.appendingPathComponent("history.sqlite").path
        _ = try HistoryStore(path: path)
        let again = try HistoryStore(path: path)
        #expect(try again.read { try $0.isEmpty() })
        let readOnly = try HistoryStore(path: path, create: false, readOnly: true)
        #expect(try readOnly.read { try $0.coverage() } == nil)
        // GRDB's migration table names the schema.
        let applied = try readOnly.queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == HistoryStore.schemaNames)
    }

    @Test func aFileThatIsNotADatabaseIsDamaged() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("history.sqlite", Data(String(repeating: "not sqlite at all\n", count: 100).utf8))
        let error = #expect(throws: HistoryError.self) { _ = try HistoryStore(path: path) }
        guard case .damaged(let named, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(named == path && reason.contains("not a SQLite database"), "\(reason)")
    }

    @Test func aHistoryFromANewerScanlogIsRefused() throws {
        let directory = TemporaryDirectory()
        let path = directory.url.appendingPathComponent("history.sqlite").path
        let store = try HistoryStore(path: path)
        try store.queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        let error = #expect(throws: HistoryError.self) { _ = try HistoryStore(path: path) }
        guard case .damaged(_, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("newer scanlog"), "\(reason)")
    }

    @Test func aSymlinkAtThePathIsNotFollowed() throws {
        let directory = TemporaryDirectory()
        let victim = directory.write("victim", Data("keep me".utf8))
        let path = directory.url.appendingPathComponent("history.sqlite").path
        #expect(symlink(victim, path) == 0)
        let error = #expect(throws: HistoryError.self) { _ = try HistoryStore(path: path) }
        guard case .io(_, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("symbolic link"), "\(reason)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
    }

    /// A day split between two runs adds up to exactly what one run over the whole day records.
    @Test func cellsAddUpAcrossRuns() throws {
        var probes: [ProbeRow] = []
        for day in 0..<3 {
            for index in 0..<40 {
                probes.append(Self.probe("203.0.113.\(index % 13)", UInt16(20 + index % 7), day: day, second: Int64(index * 1000),
                                         target: "198.51.100.\(10 + index % 3)", repeats: index == 5 ? 3 : 1))
            }
        }
        let directory = TemporaryDirectory()
        let whole = try HistoryStore(path: directory.url.appendingPathComponent("whole.sqlite").path)
        let split = try HistoryStore(path: directory.url.appendingPathComponent("split.sqlite").path)
        try Self.record(probes, into: whole)
        // Split in the middle of day 1, as a nightly run at noon would.
        try Self.record(Array(probes[..<60]), into: split)
        try Self.record(Array(probes[60...]), into: split)

        let days = Self.day0...(Self.day0 + 2)
        let wholeDays = try whole.read { try $0.portDays(host: nil, days: days) }
        let splitDays = try split.read { try $0.portDays(host: nil, days: days) }
        #expect(!wholeDays.isEmpty)
        #expect(wholeDays == splitDays)
        #expect(wholeDays.reduce(0) { $0 + $1.probes } == 126)  // 120 lines, one of them each day repeated 3 times
        // 22/tcp on day 0: indexes 2, 9, 16, 23, 30, 37 -> sources 2, 9, 3, 10, 4, 11; targets 12, 10, 11, 12, 10, 11.
        let port22 = try #require(wholeDays.first { $0.day == Self.day0 && $0.port.port == 22 })
        #expect(port22.sources == 6 && port22.targets == 3 && port22.probes == 6)
        let source = IPAddress("203.0.113.5")!
        let sourceDays = try whole.read { try $0.sourceDays(source) }
        #expect(sourceDays == (try split.read { try $0.sourceDays(source) }))
        // 203.0.113.5 is indexes 5, 18 and 31 each day: targets .12, .10 and .11 (day 1's split between the runs).
        #expect(sourceDays.map(\.targets) == [3, 3, 3] && sourceDays.map(\.probes) == [5, 5, 5])
        let nights = try whole.read { try $0.nightsSeen(of: [source]) }[source]
        #expect(nights?.days == Set(days))
    }

    /// A central log server's history keeps each log host apart.
    @Test func hostsAreKeptApart() throws {
        var probes: [ProbeRow] = []
        for index in 0..<6 { probes.append(Self.probe("192.0.2.\(index)", 22, day: 0, host: "web1")) }
        for index in 0..<2 { probes.append(Self.probe("192.0.2.\(index)", 22, day: 0, target: "198.51.100.99", host: "mail")) }
        let directory = TemporaryDirectory()
        let store = try HistoryStore(path: directory.url.appendingPathComponent("history.sqlite").path)
        try Self.record(probes, into: store)
        let day = Self.day0...Self.day0
        let web = try store.read { try $0.portDays(host: "web1", days: day) }
        let mail = try store.read { try $0.portDays(host: "mail", days: day) }
        #expect(web.map(\.sources) == [6] && mail.map(\.sources) == [2])
        #expect(mail.first?.targets == 1 && mail.first?.host == "mail")
        #expect(try store.read { try $0.portDays(host: nil, days: day) }.count == 2)
        #expect(try store.read { try $0.localAddressCount() } == 2)
    }

    @Test func daysOlderThanKeptAreDropped() throws {
        let directory = TemporaryDirectory()
        let store = try HistoryStore(path: directory.url.appendingPathComponent("history.sqlite").path)
        for day in stride(from: 0, to: 100, by: 10) {
            try Self.record([Self.probe("192.0.2.1", 22, day: day)], into: store, keepDays: 30)
        }
        let coverage = try #require(try store.read { try $0.coverage() })
        #expect(coverage.last == Self.day0 + 90)
        #expect(coverage.first == Self.day0 + 70)
        #expect(coverage.days == 3)
        #expect(try store.read { try $0.runs(last: 100) }.count == 10)
    }

    @Test func aLineFromTheFutureDoesNotWipeTheHistory() throws {
        let directory = TemporaryDirectory()
        let store = try HistoryStore(path: directory.url.appendingPathComponent("history.sqlite").path)
        let today = Self.day0 + 10
        for day in 0...10 {
            try store.transaction { session in
                try session.record(Self.tally([Self.probe("192.0.2.1", 22, day: day)]), lines: 1, resumeState: Data("{}".utf8),
                                   finishedAt: "now", keepDays: 30, today: today)
            }
        }
        // A year ahead: with the newest day as the reference, every real day would be dropped.
        try store.transaction { session in
            try session.record(Self.tally([Self.probe("192.0.2.1", 22, day: 375)]), lines: 1, resumeState: Data("{}".utf8),
                               finishedAt: "now", keepDays: 30, today: today)
        }
        let coverage = try #require(try store.read { try $0.coverage() })
        #expect(coverage.first == Self.day0 && coverage.days == 12)
        let report = try store.read { try $0.report(path: "h", keepDays: 30, now: Int64(today) * 86_400 + 3600) }
        #expect(report.trendDay == today - 1)
    }

    @Test func trendScoreIsDShields() {
        // sqrt((10-2)^2/2 + (2-1)^2/1) = sqrt(33)
        #expect(abs(PortTrend.score(sources: 10, targets: 2, meanSources: 2, meanTargets: 1) - 33.0.squareRoot()) < 1e-12)
        #expect(PortTrend.score(sources: 3, targets: 1, meanSources: 0, meanTargets: 0) == .infinity)
        #expect(PortTrend.score(sources: 2, targets: 1, meanSources: 2, meanTargets: 1) == 0)
    }

    /// Ten quiet days of 22/tcp from two sources a day, then a day with twelve: rising, with the mean of the days before.
    @Test func aPortRisingAgainstItsPastIsReported() throws {
        var probes: [ProbeRow] = []
        for day in 0..<10 {
            probes.append(Self.probe("192.0.2.\(day * 2 + 1)", 22, day: day))
            probes.append(Self.probe("192.0.2.\(day * 2 + 2)", 22, day: day))
            probes.append(Self.probe("198.18.0.\(day)", 23, day: day))
        }
        for index in 0..<12 { probes.append(Self.probe("203.0.113.\(index)", 22, day: 10)) }
        // 23/tcp stays as it was: not rising.
        probes.append(Self.probe("198.18.0.99", 23, day: 10))
        let directory = TemporaryDirectory()
        let store = try HistoryStore(path: directory.url.appendingPathComponent("history.sqlite").path)
        try Self.record(probes, into: store)

        let dayEnded = Int64(Self.day0 + 11) * 86_400
        let report = try store.read { try $0.report(path: "h", keepDays: 90, now: dayEnded) }
        #expect(report.trendDay == Self.day0 + 10)
        #expect(report.baselineDaysObserved == 10)
        #expect(report.notes.isEmpty, "\(report.notes)")
        let trend = try #require(report.trends.first)
        #expect(report.trends.count == 1)
        #expect(trend.port == PortKey(proto: .tcp, number: 22) && trend.sources == 12 && trend.host == "web1")
        #expect(trend.meanSources == 2 && trend.meanTargets == 1)
        #expect(abs(trend.score - PortTrend.score(sources: 12, targets: 1, meanSources: 2, meanTargets: 1)) < 1e-12)

        // Chance, not a rise: from a mean of 2 sources to 4 scores 1.4, below the threshold.
        #expect(PortTrend.score(sources: 4, targets: 1, meanSources: 2, meanTargets: 1) < HistoryReport.scoreThreshold)

        // While day 10 is still going on, the last complete day is day 9: nothing rose then.
        let during = try store.read { try $0.report(path: "h", keepDays: 90, now: dayEnded - 3600) }
        #expect(during.trendDay == Self.day0 + 9)
        #expect(during.trends.isEmpty)
    }

    @Test func trendsWaitForAWeekOfHistory() throws {
        var probes: [ProbeRow] = []
        for day in 0..<4 { probes.append(Self.probe("192.0.2.\(day)", 22, day: day)) }
        for index in 0..<20 { probes.append(Self.probe("203.0.113.\(index)", 22, day: 4)) }
        let directory = TemporaryDirectory()
        let store = try HistoryStore(path: directory.url.appendingPathComponent("history.sqlite").path)
        try Self.record(probes, into: store)
        let report = try store.read { try $0.report(path: "h", keepDays: 90, now: Int64(Self.day0 + 5) * 86_400) }
        #expect(report.trends.isEmpty)
        #expect(report.notes.contains { $0.contains("need 7 days") && $0.contains("has 4") }, "\(report.notes)")
    }

    @Test func resumeStateIsKeptWithTheHistory() throws {
        let directory = TemporaryDirectory()
        let store = try HistoryStore(path: directory.url.appendingPathComponent("history.sqlite").path)
        #expect(try store.read { try $0.resumeState() } == nil)
        let state = NightlyState(files: [], written: "2026-11-22T00:00:00Z").encoded()
        try store.transaction { try $0.record(DailyTally(), lines: 0, resumeState: state, finishedAt: "now", keepDays: 90) }
        #expect(try store.read { try $0.resumeState() } == state)
        // A transaction that throws leaves nothing behind.
        struct Failed: Error {}
        #expect(throws: Failed.self) {
            try store.transaction { session in
                try session.record(Self.tally([Self.probe("192.0.2.1", 22, day: 0)]), lines: 1, resumeState: Data("{}".utf8),
                                   finishedAt: "later", keepDays: 90)
                throw Failed()
            }
        }
        #expect(try store.read { try $0.isEmpty() })
        #expect(try store.read { try $0.resumeState() } == state)
        #expect(try store.read { try $0.runs(last: 10) }.count == 1)
    }

    @Test func untimedProbesAreCountedButBelongToNoDay() {
        var tally = DailyTally()
        var untimed = Self.probe("192.0.2.1", 22, day: 0)
        var record = untimed.record
        record.time = nil
        untimed = ProbeRow(record: record, host: "", prefix: "")
        tally.add(untimed)
        tally.add(Self.probe("192.0.2.1", 22, day: 0, repeats: 4))
        #expect(tally.untimed == 1 && tally.probes == 4)
        #expect(tally.cells.count == 1)
    }

    @Test func theHistorySectionNamesPortsSeveralSourcesChose() {
        var report = HistoryReport(path: "/var/lib/scanlog/history.sqlite", keepDays: 90)
        (report.firstDay, report.lastDay, report.daysWithProbes, report.trendDay) = (Self.day0, Self.day0 + 20, 21, Self.day0 + 19)
        report.newPorts = [(PortKey(proto: .tcp, number: 3089), 40, 41), (PortKey(proto: .udp, number: 3706), 2, 2)]
            + (0..<300).map { (PortKey(proto: .tcp, number: UInt16(40_000 + $0)), 1, 1) }
        report.trends = [PortTrend(host: "", port: PortKey(proto: .tcp, number: 3089), probes: 41, sources: 40, targets: 1,
                                   meanSources: 0, meanTargets: 0, score: .infinity)]
        let text = TextReport().historyBlock(report)
        #expect(text.contains("302 port(s) never probed before, 300 of them by a single source; by several:\n    3089/tcp (40 sources), 3706/udp (2 sources)"), "\(text)")
        #expect(text.contains("    3089/tcp ptk-alink: 40 sources, 1 target(s), 41 probes; none in the 30 days\n      before\n"), "\(text)")
        report.trends = [PortTrend(host: "web1", port: PortKey(proto: .tcp, number: 22), probes: 90, sources: 12, targets: 1,
                                   meanSources: 2, meanTargets: 1, score: 50.0.squareRoot())]
        #expect(TextReport().historyBlock(report).contains("    web1 22/tcp ssh: 12 sources (mean 2.0), 1 target(s) (mean 1.0), 90 probes;\n      score 7.1\n"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(text)")
    }

    // MARK: Rules across nights

    static func nights(_ portDays: [UInt16: [Int]], tonight: [Int], targets: Int = 1, allTargets: Int? = nil) -> NightsSeen {
        var seen = NightsSeen()
        for (port, days) in portDays { seen.portDays[PortKey(proto: .tcp, number: port)] = Set(days) }
        seen.tonight = Set(tonight)
        seen.maxTargetsPerDay = targets
        seen.targets = allTargets ?? targets
        return seen
    }

    @Test func comingBackToTheSamePortsIsReturningRecon() throws {
        let rules = CrossNightRules(config: ClassifierConfig(), localAddresses: 4)
        let finding = try #require(rules.judge(Self.nights([22: [1, 2, 3], 3389: [1, 3]], tonight: [3])))
        #expect(finding.kind == .returningRecon)
        #expect(finding.evidence[0].contains("came back on 3 days"))
        // Two days are not enough; nor are different ports each night, nor a sweep of the network.
        #expect(rules.judge(Self.nights([22: [2, 3]], tonight: [3])) == nil)
        #expect(rules.judge(Self.nights([22: [1], 23: [2], 25: [3]], tonight: [3])) == nil)
        #expect(rules.judge(Self.nights([22: [1, 2, 3]], tonight: [3], targets: 40)) == nil)
        // Nothing before tonight: the single-log rules decide.
        #expect(rules.judge(Self.nights([22: [1, 2, 3]], tonight: [1, 2, 3])) == nil)
    }

    @Test func manyPortsOverManyNightsIsASlowScan() throws {
        let rules = CrossNightRules(config: ClassifierConfig(), localAddresses: 4)
        var ports: [UInt16: [Int]] = [:]
        for index in 0..<25 { ports[UInt16(100 + index)] = [index / 5] }
        let finding = try #require(rules.judge(Self.nights(ports, tonight: [4])))
        #expect(finding.kind == .slowVerticalScan)
        #expect(finding.evidence[0].hasPrefix("25 ports of one local address a day over 5 days"))
        #expect(finding.evidence[0].contains("5 of them tonight"))
        // The same on every local address alike scans address space, not this host (one address: it is this host).
        #expect(rules.judge(Self.nights(ports, tonight: [4], targets: 1, allTargets: 4)) == nil)
        #expect(CrossNightRules(config: ClassifierConfig(), localAddresses: 1).judge(Self.nights(ports, tonight: [4])) != nil)
        // One port fewer, or ports spread over the whole range (an internet-wide scanner), is not.
        ports.removeValue(forKey: 100)
        #expect(rules.judge(Self.nights(ports, tonight: [4])) == nil)
        var high: [UInt16: [Int]] = [:]
        for index in 0..<30 { high[UInt16(20_000 + index * 1000)] = [index / 6] }
        #expect(rules.judge(Self.nights(high, tonight: [4])) == nil)
    }
}
