import Foundation
import Testing
import ScanlogTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `scanlog nightly` with its history database, and `scanlog history`, through the real binary.
@Suite struct HistoryNightsTests {
    /// Fourteen days (2025-11-01 ...: a year back, so that every day has ended whatever the clock says) of one
    /// host's probes: 60 random background sources a day on popular ports; from day 5 a source coming back each day to 22 and 3389; from day 3 a source trying five new
    /// ports a night; on day 12 forty sources on 3089/tcp at once.
    struct Days {
        static let popular = [22, 23, 80, 443, 445, 3389, 8080, 5900, 1433, 3306, 6379, 25, 110, 143, 8443]
        /// Deterministic (`SeededGenerator`, beside the bad-input tests): the numbers must not change from run to run.
        var random = SeededGenerator(seed: 42)
        var sourcePort = 1024
        /// Background sources a day.
        var background = 60

        mutating func line(day: Int, second: Int, source: String, port: Int) -> String {
            sourcePort += 1
            let time = "Nov \(day + 1 < 10 ? " " : "")\(day + 1) \(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))"
            return SampleLog.line(time: time, src: source, dst: "198.51.100.10", dpt: port, spt: sourcePort)
        }

        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

        mutating func day(_ day: Int) -> String {
            var probes: [(Int, String, Int)] = []
            for _ in 0..<background {
                let source = "\(Int.random(in: 1...223, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 0...255, using: &random)).\(Int.random(in: 1...254, using: &random))"
                probes.append((Int.random(in: 0...86_399, using: &random), source, Self.popular[Int.random(in: 0...Self.popular.count - 1, using: &random)]))
            }
            if day >= 5 { for port in [22, 3389] { probes.append((Int.random(in: 0...86_399, using: &random), "203.0.113.77", port)) } }
            if day >= 3 { for port in (1000 + (day - 3) * 5)..<(1005 + (day - 3) * 5) { probes.append((Int.random(in: 0...86_399, using: &random), "192.0.2.55", port)) } }
            if day == 12 { for index in 0..<40 { probes.append((36_000 + index * 60, "100.\(64 + index).\(index).\(index + 1)", 3089)) } }
            return probes.sorted { $0.0 < $1.0 }.map { line(day: day, second: $0.0, source: $0.1, port: $0.2) + "\n" }.joined()
        }
    }

    final class Setup {
        let scratch = TemporaryDirectory()
        let log: String
        var days = Days()
        var linesWritten = 0
        init() { log = scratch.write("ufw.log", "") }
        var state: String { scratch.path("state/state.json") }
        var history: String { scratch.path("state/history.sqlite") }

        @discardableResult
        func append(day: Int) throws -> Int {
            let text = days.day(day)
            let lines = text.split(separator: "\n").count
            linesWritten += lines
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
            return lines
        }

        func nightly(_ extra: [String] = [], launcher: [String] = []) throws -> CommandResult {
            try Scanlog.run(["nightly", "--state", state, "--year", "2025", "--log-utc-offset", "+00:00"] + extra + [log], launcher: launcher)
        }

        /// Probes recorded, from `scanlog history --format json` (the runs' sum).
        func recordedProbes() throws -> (runs: Int, probes: Int) {
            let result = try Scanlog.run(["history", "--history", history, "--format", "json", "--days", "1000"])
            let runs = try #require(try result.json()["runs"] as? [[String: Any]], "\(result)")
            return (runs.count, runs.reduce(0) { $0 + (($1["probes"] as? NSNumber)?.intValue ?? 0) })
        }
    }

    @Test func twoWeeksOfNightsAgainstTheirHistory() throws {
        let setup = Setup()
        var kindsByNight: [[String]] = []
        var nightlyProbes = 0
        for night in 0..<14 {
            try setup.append(day: night)
            let result = try setup.nightly(["--format", "json"])
            #expect(result.status == 0, "night \(night): \(result)")
            let json = try result.json()
            let events = try #require(json["events"] as? [[String: Any]])
            kindsByNight.append(events.compactMap { $0["kind"] as? String }.sorted())
            nightlyProbes += try #require((json["summary"] as? [String: Any])?["probes"] as? Int)
            // A night's log covers less than a day: its slow verdicts are provisional on the first night, and
            // judged with the earlier nights after it.
            let coverage = (json["notes"] as? [String] ?? []).first ?? ""
            #expect(json["provisional"] as? Bool == true)
            if night == 0 {
                #expect(coverage.hasSuffix("are provisional"), "\(coverage)")
            } else {
                #expect(coverage.hasSuffix("judged with the \(night) earlier day(s) of the history"), "night \(night): \(coverage)")
            }
            let history = try #require(json["history"] as? [String: Any], "night \(night): no history member")
            let notes = history["notes"] as? [String] ?? []
            if night == 0 { #expect(notes.contains { $0.contains("starts tonight") }, "\(notes)") }
            if night > 0 && night < 7 {
                // Fewer than seven earlier days: no trend is judged, and it says so.
                #expect(notes.contains { $0.contains("need 7 days") }, "night \(night): \(notes)")
            }
            let rising = history["rising_ports"] as? [[String: Any]] ?? []
            let newPorts = (history["new_ports"] as? [[String: Any]] ?? []).compactMap { $0["port"] as? Int }
            if night == 12 {
                // 40 sources on a port the history never saw: rising (no mean to score against) and new.
                #expect(rising.count == 1 && rising.first?["port"] as? Int == 3089 && rising.first?["sources"] as? Int == 40, "\(rising)")
                #expect(rising.first?["score"] is NSNull)
                #expect(newPorts.contains(3089))
                for event in events where event["kind"] as? String == "slow-vertical-scan" {
                    let evidence = event["evidence"] as? [String] ?? []
                    #expect(evidence.first?.contains("ports of one local address a day over 10 days") == true, "\(evidence)")
                }
            } else {
                #expect(rising.isEmpty, "night \(night): \(rising)")
            }
            if night >= 4 {
                // The slow scanner's five ports are new every night.
                #expect(Set((1000 + (night - 3) * 5)..<(1005 + (night - 3) * 5)).isSubset(of: Set(newPorts)), "night \(night): \(newPorts)")
            }
        }
        // Tonight's log alone sees five ports or two probes: only the history makes these sources targeted,
        // the returning one on its third day (night 7), the slow scan on its 25th port (night 7).
        for night in 0..<7 { #expect(kindsByNight[night].isEmpty, "night \(night): \(kindsByNight[night])") }
        for night in 7..<14 { #expect(kindsByNight[night] == ["returning-recon", "slow-vertical-scan"], "night \(night): \(kindsByNight[night])") }

        // The nights add up to one full run, and the history holds every probe once.
        let full = try Scanlog.run(["analyze", "--format", "json", "--year", "2025", "--log-utc-offset", "+00:00", setup.log])
        let fullProbes = try #require((try full.json()["summary"] as? [String: Any])?["probes"] as? Int)
        #expect(fullProbes == setup.linesWritten)
        #expect(nightlyProbes == fullProbes)
        let recorded = try setup.recordedProbes()
        #expect(recorded.runs == 14 && recorded.probes == fullProbes)

        // scanlog history: a source's days and a port's days.
        let source = try Scanlog.run(["history", "--history", setup.history, "--format", "json", "203.0.113.77"])
        let sourceDays = try #require(try source.json()["days"] as? [[String: Any]], "\(source)")
        #expect(sourceDays.count == 9)
        #expect(sourceDays.allSatisfy { ($0["ports"] as? [String]) == ["22/tcp", "3389/tcp"] })
        let port = try Scanlog.run(["history", "--state", setup.state, "3089", "--format", "csv"])
        #expect(port.status == 0, "\(port)")
        #expect(port.out == "host,day,proto,port,probes,sources,targets\r\nweb1,2025-11-13,tcp,3089,40,40,1\r\n", "\(port)")
        let text = try Scanlog.run(["history", "--history", setup.history, "203.0.113.77"])
        #expect(text.out.hasPrefix("203.0.113.77: 9 day(s), 2 port(s), 18 probes\n"), "\(text)")
        #expect(text.out.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test func withoutHistoryNothingIsKept() throws {
        let setup = Setup()
        try setup.append(day: 0)
        let result = try setup.nightly(["--no-history", "--format", "json"])
        #expect(result.status == 0, "\(result)")
        #expect(try result.json()["history"] == nil)
        #expect(!FileManager.default.fileExists(atPath: setup.history))
        let history = try Scanlog.run(["history", "--history", setup.history])
        #expect(history.status == 2 && history.err.contains("no history yet"), "\(history)")
    }

    @Test func resetStateStartsANewHistoryAndKeepsTheOld() throws {
        let setup = Setup()
        try setup.append(day: 0)
        #expect(try setup.nightly().status == 0)
        try setup.append(day: 1)
        let reset = try setup.nightly(["--reset-state"])
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.err.contains("moved aside to \(setup.history).old"), "\(reset)")
        #expect(FileManager.default.fileExists(atPath: setup.history + ".old"))
        // Everything was read again into the new history: both days, once.
        let recorded = try setup.recordedProbes()
        #expect(recorded.runs == 1 && recorded.probes == setup.linesWritten)
    }

    @Test func aDamagedHistoryIsAnErrorWithAWayOut() throws {
        let setup = Setup()
        try setup.append(day: 0)
        #expect(try setup.nightly().status == 0)
        let state = try Data(contentsOf: URL(fileURLWithPath: setup.state))
        try Data(String(repeating: "garbage ", count: 1000).utf8).write(to: URL(fileURLWithPath: setup.history))
        try setup.append(day: 1)
        let result = try setup.nightly()
        #expect(result.status == 65, "\(result)")
        #expect(result.err.contains("history \(setup.history) cannot be used: not a SQLite database"), "\(result)")
        #expect(result.err.contains("--reset-state"), "\(result)")
        // The state did not move: the next good run reads day 1.
        #expect(try Data(contentsOf: URL(fileURLWithPath: setup.state)) == state)
        let history = try Scanlog.run(["history", "--history", setup.history])
        #expect(history.status == 65, "\(history)")
    }

    @Test func aReportThatCannotBeWrittenLeavesTheHistoryAsItWas() throws {
        let setup = Setup()
        try setup.append(day: 0)
        #expect(try setup.nightly().status == 0)
        try setup.append(day: 1)
        // Standard output is a full disk.
        let full = try setup.nightly(["--always"], launcher: ["/bin/sh", "-c", "exec \"$0\" \"$@\" > /dev/full"])
        #expect(full.status == 2, "\(full)")
        #expect(try setup.recordedProbes().runs == 1)
        // The next run reads day 1 and records it once.
        #expect(try setup.nightly().status == 0)
        let recorded = try setup.recordedProbes()
        #expect(recorded.runs == 2 && recorded.probes == setup.linesWritten)
    }

    /// The history was written but the state file was not (killed between the two): the history's copy of
    /// the state says where to resume, so nothing is counted twice.
    @Test func aStateFileThatLagsTheHistoryIsCaughtUp() throws {
        let setup = Setup()
        try setup.append(day: 0)
        #expect(try setup.nightly().status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: setup.state))
        try setup.append(day: 1)
        #expect(try setup.nightly().status == 0)
        try before.write(to: URL(fileURLWithPath: setup.state))
        let dayTwo = try setup.append(day: 2)
        let result = try setup.nightly(["--format", "json"])
        #expect(result.status == 0, "\(result)")
        #expect(result.err.contains("older than the history"), "\(result)")
        let probes = try #require((try result.json()["summary"] as? [String: Any])?["probes"] as? Int)
        #expect(probes == dayTwo)
        let recorded = try setup.recordedProbes()
        #expect(recorded.runs == 3 && recorded.probes == setup.linesWritten)
    }

    /// Runs killed at three moments leave the history and the state consistent: the next run makes the
    /// history hold every line exactly once.
    @Test func aRunKilledMidwayLosesNothingAndCountsNothingTwice() throws {
        let setup = Setup()
        // Big enough nights that a run takes a while (about a second in a debug build).
        setup.days.background = 3000
        try setup.append(day: 0)
        #expect(try setup.nightly().status == 0)
        for day in 1..<13 { try setup.append(day: day) }
        var killed = 0
        for delay in [50_000, 250_000, 600_000] as [useconds_t] {
            let process = Process()
            process.executableURL = try Scanlog.requireExecutable()
            process.arguments = ["nightly", "--state", setup.state, "--year", "2025", "--log-utc-offset", "+00:00", "--format", "json", setup.log]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killed += 1 } else { #expect(process.terminationStatus == 0) }
        }
        #expect(killed > 0, "no run was killed before it finished: the test proved nothing")
        let last = try setup.nightly()
        #expect(last.status == 0, "\(last)")
        let recorded = try setup.recordedProbes()
        #expect(recorded.probes == setup.linesWritten, "runs: \(recorded.runs)")
    }
}
