import Foundation
import Testing
import ScanlogTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `scanlog nightly` through the real binary, with real logrotate runs between the nights.
@Suite struct NightlyTests {
    static let logrotate = ["/usr/sbin/logrotate", "/sbin/logrotate", "/usr/bin/logrotate"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// How logrotate turns the live file over.
    enum Rotation: String, CaseIterable, CustomTestStringConvertible {
        /// rename, then compress on the next rotation; the logger writes a last line to `ufw.log.1` before its HUP.
        case delaycompress
        /// rename and compress at once (`ufw.log` -> `ufw.log.1.gz`).
        case compress
        /// copy to `ufw.log.1`, truncate the live file in place (same inode), compress on the next rotation.
        case copytruncate
        /// date-stamped names (`ufw.log-20261122041500.gz`), compressed at once.
        case dateext

        var testDescription: String { rawValue }

        var directives: String {
            switch self {
            case .delaycompress: "compress\n    delaycompress"
            case .compress: "compress"
            case .copytruncate: "copytruncate\n    compress\n    delaycompress"
            case .dateext: "compress\n    dateext\n    dateformat -%Y%m%d%H%M%S"
            }
        }
    }

    /// The source ports of the probes a run printed as JSON Lines.
    static func sourcePorts(_ result: CommandResult) throws -> [Int] {
        try result.out.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require((object["spt"] as? NSNumber)?.intValue, "no spt in \(line)")
        }
    }

    final class Log {
        let path: String
        var nextPort = 1000
        var written: [Int] = []
        init(path: String) { self.path = path }

        /// Appends `count` probes, each with its own source port, like the logger would (O_APPEND).
        func append(_ count: Int, to file: String? = nil) {
            var text = ""
            for _ in 0..<count { text += nextLine() + "\n" }
            appendRaw(text, to: file ?? path)
        }

        /// The rest of a line whose first part was written: the logger is in the middle of it.
        var unfinished: String?

        /// Writes the first part of a line (up to its source port's value) without its end.
        func appendHalfALine() {
            let line = nextLine()
            let cut = line.range(of: "SPT=")!.upperBound
            appendRaw(String(line[..<cut]), to: path)
            unfinished = String(line[cut...]) + "\n"
        }

        func finishTheLine() {
            appendRaw(unfinished!, to: path)
            unfinished = nil
        }

        private func nextLine() -> String {
            defer {
                written.append(nextPort)
                nextPort += 1
            }
            return SampleLog.line(time: "Nov 22 03:\(SampleLog.two(nextPort / 60 % 60)):\(SampleLog.two(nextPort % 60))",
                                  src: "198.51.100.\(nextPort % 200 + 1)", dpt: 23 + nextPort % 7, spt: nextPort)
        }

        func appendRaw(_ text: String, to file: String) {
            let descriptor = open(file, O_WRONLY | O_APPEND | O_CREAT, 0o640)
            precondition(descriptor >= 0, "cannot open \(file)")
            var text = text
            text.withUTF8 { _ = write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
    }

    @Test(arguments: Rotation.allCases)
    func aWeekOfNightsAcrossLogrotate(_ rotation: Rotation) throws {
        guard let logrotate = Self.logrotate else {
            print("NightlyTests: logrotate is not installed (apt-get install logrotate); skipping the \(rotation) week")
            return
        }
        let scratch = TemporaryDirectory()
        let logs = scratch.url.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let log = Log(path: logs.appendingPathComponent("ufw.log").path)
        let config = scratch.write("logrotate.conf", """
            \(log.path) {
                rotate 30
                missingok
                \(rotation.directives)
            }

            """)
        let statePath = scratch.path("state/state.json")

        func files() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: logs.path).filter { $0.hasPrefix("ufw.log") }.sorted()
                .map { logs.appendingPathComponent($0).path }
        }
        func nightly(_ extra: [String] = []) throws -> CommandResult {
            try Scanlog.run(["nightly", "--state", statePath, "--format", "jsonl", "--year", "2026"] + (try files()) + extra)
        }
        func rotate() throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: logrotate)
            process.arguments = ["-f", "-s", scratch.path("logrotate.status"), config]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "logrotate: \(message)")
        }

        var nightlyPorts: [Int] = []
        var nightlyRuns: [String] = []
        for night in 0..<7 {
            log.append(5)
            if night == 2 {
                // The logger is in the middle of a line when the run starts: it is left for the next run.
                log.appendHalfALine()
            }
            if night == 4 {
                // A run that fails before writing its state (an input it cannot read): its lines are read again.
                let broken = scratch.path("not-a-log")
                try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
                let failed = try nightly([broken])
                #expect(failed.status == 2, "\(failed)")
                #expect(failed.err.contains("not updated"), "\(failed)")
            }
            let result = try nightly()
            #expect(result.status == 0, "night \(night): \(result)")
            let ports = try Self.sourcePorts(result)
            nightlyPorts += ports
            nightlyRuns.append("night \(night): \(ports.count) probes \(ports.first ?? -1)...\(ports.last ?? -1); \(result.err)")
            if rotation == .copytruncate && night >= 1 && night != 4 {
                #expect(result.err.contains("copytruncate"), "night \(night): \(result)")
            }
            if night == 2 { log.finishTheLine() }
            // Written after the run, before the rotation: read next night from the rotated file.
            log.append(3)
            if rotation == .dateext { usleep(1_100_000) }  // one rotated name a second
            try rotate()
            if rotation == .delaycompress {
                // The logger writes one more line to the renamed file before logrotate's HUP reopens it.
                log.append(1, to: log.path + ".1")
            }
        }
        log.append(2)
        let last = try nightly()
        #expect(last.status == 0, "\(last)")
        nightlyPorts += try Self.sourcePorts(last)

        // Every line once: no line read twice, none missed.
        let duplicates = Dictionary(grouping: nightlyPorts, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(duplicates.isEmpty, "read twice: \(duplicates)\n\(nightlyRuns.joined(separator: "\n"))")
        let missed = Set(log.written).subtracting(nightlyPorts).sorted()
        #expect(missed.isEmpty, "missed: \(missed)\n\(nightlyRuns.joined(separator: "\n"))")

        // The sum of the nights equals one full run over all the files logrotate left.
        let full = try Scanlog.run(["analyze", "--format", "jsonl", "--year", "2026"] + (try files()))
        #expect(full.status == 0, "\(full)")
        let fullPorts = try Self.sourcePorts(full)
        let remaining = try files()
        #expect(fullPorts.count == log.written.count, "logrotate lost lines? \(remaining)")
        #expect(nightlyPorts.count == fullPorts.count)
        #expect(nightlyPorts.sorted() == fullPorts.sorted())
        // The history holds each line once too: its runs add up to the full run (the failed run recorded nothing).
        let history = try Scanlog.run(["history", "--state", statePath, "--format", "json"])
        let runs = try #require(try history.json()["runs"] as? [[String: Any]], "\(history)")
        #expect(runs.count == 8, "\(history)")
        #expect(runs.reduce(0) { $0 + (($1["probes"] as? NSNumber)?.intValue ?? 0) } == fullPorts.count)
        // And a run now finds nothing new.
        let again = try nightly()
        #expect(again.status == 0 && again.out.isEmpty, "\(again)")
    }

    @Test func quietUnlessTargetedOrAlways() throws {
        let scratch = TemporaryDirectory()
        let log = scratch.write("ufw.log", SampleLog.mixed)
        let state = scratch.path("state.json")
        let quiet = try Scanlog.run(["nightly", "--state", state, "--year", "2026", log])
        #expect(quiet.status == 0, "\(quiet)")
        #expect(quiet.out.isEmpty, "\(quiet)")
        // A vertical scan arrives: the report is printed, with only the new lines.
        var scan = ""
        for port in 1...40 { scan += SampleLog.line(time: "Nov 22 04:00:0\(port % 10)", src: "203.0.113.66", dpt: port, spt: 50000 + port) + "\n" }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        handle.write(Data(scan.utf8))
        try handle.close()
        let loud = try Scanlog.run(["nightly", "--state", state, "--year", "2026", "--color", "never", log])
        #expect(loud.status == 0, "\(loud)")
        #expect(loud.out.contains("203.0.113.66"), "\(loud)")
        #expect(loud.out.contains("Lines: 40 read"), "\(loud)")
        // Nothing new, --always: the report of nothing, and still exit 0.
        let always = try Scanlog.run(["nightly", "--state", state, "--always", "--color", "never", log])
        #expect(always.status == 0, "\(always)")
        #expect(always.out.contains("Lines: 0 read"), "\(always)")
    }

    @Test func truncatedInPlaceIsSaidAndReadFromTheStart() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.write("ufw.log", SampleLog.manySources(10))
        let state = scratch.path("state.json")
        #expect(try Scanlog.run(["nightly", "--state", state, "--format", "json", path]).status == 0)
        // Truncated in place (same inode), then a few new lines.
        let descriptor = open(path, O_WRONLY | O_TRUNC)
        #expect(descriptor >= 0)
        var text = SampleLog.manySources(3, startSecond: 500)
        text.withUTF8 { _ = write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        let result = try Scanlog.run(["nightly", "--state", state, "--format", "json", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.err.contains("truncated or replaced since the last run, read from the start"), "\(result)")
        let summary = try #require(try result.json()["summary"] as? [String: Any])
        #expect((summary["records"] as? NSNumber)?.intValue == 3)
    }

    @Test func damagedStateIsAnErrorWithAWayOut() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.write("ufw.log", SampleLog.manySources(4))
        let state = scratch.write("state.json", "{\"schema\": 2, \"files\": []}")
        let result = try Scanlog.run(["nightly", "--state", state, "--format", "json", path])
        #expect(result.status == 65, "\(result)")
        #expect(result.out.isEmpty)
        #expect(result.err.contains("--reset-state"), "\(result)")
        #expect(result.err.contains("schema 2"), "\(result)")
        scratch.write("state.json", "not json")
        let garbage = try Scanlog.run(["nightly", "--state", state, path])
        #expect(garbage.status == 65, "\(garbage)")
        // --reset-state reads everything again and writes a good state.
        let reset = try Scanlog.run(["nightly", "--state", state, "--reset-state", "--format", "json", path])
        #expect(reset.status == 0, "\(reset)")
        let summary = try #require(try reset.json()["summary"] as? [String: Any])
        #expect((summary["records"] as? NSNumber)?.intValue == 4)
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as? [String: Any])
        #expect((saved["schema"] as? NSNumber)?.intValue == 1)
    }

    @Test func aSecondRunAtOnceIsRefused() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.write("ufw.log", SampleLog.manySources(4))
        let state = scratch.path("state.json")
        // Hold the lock as a running nightly would.
        let descriptor = open(state + ".lock", O_RDWR | O_CREAT, 0o600)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let result = try Scanlog.run(["nightly", "--state", state, "--format", "json", path])
        #expect(result.status == 75, "\(result)")
        #expect(result.err.contains("another scanlog nightly is running"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: state))
        flock(descriptor, LOCK_UN)
        let after = try Scanlog.run(["nightly", "--state", state, "--format", "json", path])
        #expect(after.status == 0, "\(after)")
        #expect(FileManager.default.fileExists(atPath: state))
    }

    @Test func helpAndUsage() throws {
        let help = try Scanlog.run(["nightly", "--help"])
        #expect(help.status == 0)
        #expect(help.out.contains("--state"))
        #expect(help.out.contains("--reset-state"))
        #expect(help.out.contains("75"))
        let none = try Scanlog.run(["nightly"])
        #expect(none.status == 64, "\(none)")
        let stdin = try Scanlog.run(["nightly", "-"])
        #expect(stdin.status == 64, "\(stdin)")
    }
}
