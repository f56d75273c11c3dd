import Foundation
import Testing
import ScanlogTestSupport
#if canImport(Glibc)
import Glibc
#endif

private func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }
private func sum(_ value: Any?) -> Int? {
    guard let object = value as? [String: Any] else { return nil }
    return object.values.reduce(0) { $0 + (int($1) ?? 0) }
}

@Suite struct CommandTests {
    // MARK: threads

    /// One thread or two: the same report, byte for byte, on a rotated set with gzip (6,000 sources, enough
    /// for the report to render its tables in several blocks on two threads).
    @Test(arguments: [["--format", "json"], ["--format", "csv", "--table", "sources"], ["--format", "csv", "--table", "ports"], ["--format", "text", "--color", "never"]])
    func oneThreadAndTwoGiveTheSameReport(_ format: [String]) throws {
        let scratch = TemporaryDirectory()
        let older = scratch.write("ufw.log.2.gz", try SampleLog.gzip(Data(SampleLog.manySources(6000).utf8)))
        let middle = scratch.write("ufw.log.1", SampleLog.manySources(5000, startSecond: 7000))
        let newest = scratch.write("ufw.log", SampleLog.manySources(4000, startSecond: 13000))
        let files = [newest, middle, older]
        let one = try Scanlog.run(["analyze", "--jobs", "1", "--year", "2026"] + format + files)
        let two = try Scanlog.run(["analyze", "--jobs", "2", "--year", "2026"] + format + files)
        #expect(one.status == 0 && two.status == 0, "\(one) \(two)")
        #expect(one.stdout.count > 500)
        #expect(one.stdout == two.stdout)
        #expect(one.err == two.err)
    }

    @Test func jobsBeyondTwoIsAUsageError() throws {
        let result = try Scanlog.run(["analyze", "--jobs", "3", "-"])
        #expect(result.status == 64, "\(result)")
        #expect(result.err.contains("--jobs must be 1 or 2"), "\(result)")
    }

    // MARK: help and version

    @Test func topLevelHelp() throws {
        let result = try Scanlog.run(["--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.out.contains("USAGE"))
        #expect(result.out.contains("analyze"))
        #expect(result.out.contains("port"))
        #expect(result.out.contains("Example"))
    }

    @Test(arguments: [["analyze", "--help"], ["help", "analyze"], ["analyze", "-h"]])
    func analyzeHelpShowsExamples(_ arguments: [String]) throws {
        let result = try Scanlog.run(arguments)
        #expect(result.status == 0, "\(result)")
        #expect(result.out.contains("Examples:"))
        #expect(result.out.contains("scanlog analyze /var/log/ufw.log"))
        #expect(result.out.contains("--format"))
        #expect(result.out.contains("--year"))
        #expect(result.out.contains("--top"))
    }

    @Test func version() throws {
        let result = try Scanlog.run(["--version"])
        #expect(result.status == 0, "\(result)")
        let text = result.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression) != nil, "version: \(text)")
        #expect(result.err.isEmpty)
    }

    // MARK: reports

    @Test func textReportOfASmallLog() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.write("ufw.log", SampleLog.mixed)
        let result = try Scanlog.run(["analyze", "--year", "2026", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.err.isEmpty, "\(result)")
        #expect(result.out.contains(path))
        #expect(result.out.contains("Lines: 8 read = 4 firewall records + 2 ignored + 2 unparsed"), "\(result)")
        #expect(result.out.contains("198.51.100.7"))
        #expect(result.out.contains("23/tcp"))
        // The default command is analyze.
        let implicit = try Scanlog.run(["--year", "2026", path])
        #expect(implicit.status == 0)
        #expect(implicit.out == result.out)
    }

    @Test func jsonReport() throws {
        let scratch = TemporaryDirectory()
        let plain = scratch.write("ufw.log", SampleLog.mixed)
        let packed = scratch.write("ufw.log.1.gz", try SampleLog.gzip(Data(SampleLog.manySources(20).utf8)))
        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", plain, packed])
        #expect(result.status == 0, "\(result)")
        #expect(result.err.isEmpty)
        let json = try result.json()
        #expect(int(json["schema"]) == 1)

        let inputs = try #require(json["inputs"] as? [[String: Any]])
        #expect(inputs.count == 2)
        // Oldest first: the rotated file before the live one.
        #expect(inputs.map { $0["path"] as? String } == [packed, plain])
        for input in inputs {
            for key in ["path", "gzip", "bytes", "lines", "records", "error"] {
                #expect(input.keys.contains(key), "inputs[] lacks \(key)")
            }
            #expect(input["error"] is NSNull)
        }
        #expect(inputs.map { $0["gzip"] as? Bool } == [true, false])
        #expect(inputs.map { int($0["lines"]) } == [20, 8])
        #expect(int(inputs[1]["bytes"]) == SampleLog.mixed.utf8.count)

        let summary = try #require(json["summary"] as? [String: Any])
        for key in ["lines", "record_lines", "records", "probes", "ignored", "unparsed", "first_seen", "last_seen"] {
            #expect(summary.keys.contains(key), "summary lacks \(key)")
        }
        let lines = try #require(int(summary["lines"]))
        let recordLines = try #require(int(summary["record_lines"]))
        let ignored = try #require(sum(summary["ignored"]))
        let unparsed = try #require(sum(summary["unparsed"]))
        #expect(lines == 28)
        #expect(lines == recordLines + ignored + unparsed)
        #expect(recordLines == 24)
        #expect(ignored == 2)
        #expect(unparsed == 2)
        #expect(int(summary["records"]) == 24)
        #expect(int(summary["probes"]).map { $0 > 0 && $0 <= 24 } == true)
        let firstSeen = try #require(summary["first_seen"] as? String)
        let lastSeen = try #require(summary["last_seen"] as? String)
        #expect(firstSeen.hasPrefix("2026-11-2"))
        #expect(firstSeen <= lastSeen)

        let ports = try #require(json["ports"] as? [[String: Any]])
        #expect(!ports.isEmpty)
        for port in ports {
            for key in ["proto", "port", "icmp_type", "probes", "sources", "targets", "first_seen", "last_seen"] {
                #expect(port.keys.contains(key), "ports[] lacks \(key)")
            }
        }
        #expect(ports.contains { $0["proto"] as? String == "tcp" && int($0["port"]) == 23 })
        let sources = try #require(json["sources"] as? [[String: Any]])
        for source in sources {
            for key in ["ip", "probes", "ports", "targets", "first_seen", "last_seen"] {
                #expect(source.keys.contains(key), "sources[] lacks \(key)")
            }
        }
        let addresses = Set(sources.compactMap { $0["ip"] as? String })
        #expect(addresses.isSuperset(of: ["198.51.100.7", "203.0.113.9", "2001:db8::1", "10.0.0.0", "10.0.0.19"]))
        // Probes add up across sources and across ports.
        let byPort = ports.reduce(0) { $0 + (int($1["probes"]) ?? 0) }
        let bySource = sources.reduce(0) { $0 + (int($1["probes"]) ?? 0) }
        #expect(byPort == bySource)
        #expect(byPort == int(summary["probes"]))
    }

    // MARK: inputs that cannot be read

    @Test func missingFileAmongGoodOnes() throws {
        let scratch = TemporaryDirectory()
        let good = scratch.write("a.log", SampleLog.mixed)
        let other = scratch.write("b.log", SampleLog.manySources(5))
        let missing = scratch.path("missing.log")
        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", good, missing, other])
        #expect(result.status == 2, "\(result)")
        #expect(result.err.contains(missing))
        #expect(result.err.contains("no such file"))
        let json = try result.json()
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(int(summary["lines"]) == 13)
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        let failed = inputs.first { $0["path"] as? String == missing }
        #expect((failed?["error"] as? String)?.contains(missing) == true)
        #expect(inputs.filter { $0["error"] is NSNull }.count == 2)

        // The text report too: the good files are read, the missing one is named.
        let text = try Scanlog.run(["analyze", "--year", "2026", good, missing, other])
        #expect(text.status == 2)
        #expect(text.out.contains("Lines: 13 read"))
        #expect(text.err.contains(missing))
    }

    @Test func directoryInput() throws {
        let scratch = TemporaryDirectory()
        let good = scratch.write("a.log", SampleLog.mixed)
        let directory = scratch.path("logs")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let result = try Scanlog.run(["analyze", "--year", "2026", directory, good])
        #expect(result.status == 2, "\(result)")
        #expect(result.err.contains(directory))
        #expect(result.err.contains("directory"))
        #expect(result.out.contains("Lines: 8 read"))
    }

    @Test func truncatedGzip() throws {
        let scratch = TemporaryDirectory()
        let text = SampleLog.manySources(400)
        let compressed = try SampleLog.gzip(Data(text.utf8))
        let path = scratch.write("ufw.log.2.gz", compressed.prefix(compressed.count * 3 / 4))
        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", path])
        #expect(result.status == 2, "\(result)")
        #expect(result.err.contains(path))
        #expect(result.err.contains("truncated"))
        let json = try result.json()
        let summary = try #require(json["summary"] as? [String: Any])
        let lines = try #require(int(summary["lines"]))
        #expect(lines > 0)
        #expect(lines < 400)
        #expect(lines == (int(summary["record_lines"]) ?? -1) + (sum(summary["ignored"]) ?? -1) + (sum(summary["unparsed"]) ?? -1))
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        #expect(inputs.first?["gzip"] as? Bool == true)
        #expect((inputs.first?["error"] as? String)?.contains(path) == true)
    }

    /// Root reads anything, so run the binary as `nobody` through setpriv when the tests run as root.
    @Test func permissionDenied() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.write("secret.log", SampleLog.mixed)
        #expect(chmod(path, 0o600) == 0)
        var launcher: [String] = []
        if getuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
                print("note: CommandTests.permissionDenied skipped: running as root without setpriv")
                return
            }
            // The scratch directory must be reachable for nobody, the file itself not readable.
            #expect(chmod(scratch.url.path, 0o755) == 0)
            launcher = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        } else {
            #expect(chmod(path, 0) == 0)
        }
        defer { chmod(path, 0o600) }
        // A readable file beside it: still read whole.
        let good = scratch.write("good.log", SampleLog.mixed)
        #expect(chmod(good, 0o644) == 0)
        let result = try Scanlog.run(["analyze", "--year", "2026", path, good], launcher: launcher)
        if result.status == 127 || result.status == 126 {
            print("note: CommandTests.permissionDenied skipped: the binary cannot run as nobody: \(result.err)")
            return
        }
        #expect(result.status == 2, "\(result)")
        #expect(result.err.contains(path))
        #expect(result.err.contains("permission denied"))
        #expect(result.out.contains("Lines: 8 read"), "\(result)")
    }

    // MARK: usage errors

    @Test(arguments: [
        ["analyze", "--top", "-1"],
        ["analyze", "--top=-1"],
        ["analyze", "--year", "20000"],
        ["analyze", "--year", "1969"],
        ["analyze", "--format", "xml"],
        ["analyze", "--no-such-option"],
        ["--year", "abc"],
    ])
    func badUsage(_ arguments: [String]) throws {
        let scratch = TemporaryDirectory()
        let path = scratch.write("ufw.log", SampleLog.mixed)
        let result = try Scanlog.run(arguments + [path])
        #expect(result.status == 64, "\(result)")
        #expect(!result.err.isEmpty)
        #expect(!result.out.contains("Lines:"))
    }

    // MARK: standard input

    @Test(arguments: [["analyze", "-"], ["analyze"], [], ["-"]])
    func standardInput(_ arguments: [String]) throws {
        let result = try Scanlog.run(arguments + ["--format", "json", "--year", "2026"], stdin: Data(SampleLog.mixed.utf8))
        #expect(result.status == 0, "\(result)")
        #expect(result.err.isEmpty)
        let json = try result.json()
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(int(summary["lines"]) == 8)
        #expect(int(summary["record_lines"]) == 4)
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        #expect(inputs.count == 1)
        #expect(inputs.first?["path"] as? String == "-")
    }

    @Test func gzipOnStandardInput() throws {
        let compressed = try SampleLog.gzip(Data(SampleLog.mixed.utf8))
        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026"], stdin: compressed)
        #expect(result.status == 0, "\(result)")
        let json = try result.json()
        #expect(int((json["summary"] as? [String: Any])?["lines"]) == 8)
        #expect((json["inputs"] as? [[String: Any]])?.first?["gzip"] as? Bool == true)
    }

    @Test func standardInputTogetherWithFiles() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.write("a.log", SampleLog.manySources(3))
        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", path, "-"], stdin: Data(SampleLog.mixed.utf8))
        #expect(result.status == 0, "\(result)")
        let json = try result.json()
        #expect(int((json["summary"] as? [String: Any])?["lines"]) == 11)
        #expect((json["inputs"] as? [[String: Any]])?.map { $0["path"] as? String } == [path, "-"])
    }

    // MARK: closed pipe

    /// `scanlog analyze big.log | head -1`: the reader goes away after one line; scanlog ends quietly with 0.
    /// Also for the streamed formats (JSON Lines, the CSV probes table), which write while the log is still read.
    @Test(arguments: [["--format", "json"], ["--top", "100000"], ["--format", "jsonl"], ["--format", "csv", "--table", "probes"]])
    func closedPipe(_ format: [String]) throws {
        let scratch = TemporaryDirectory()
        let path = scratch.write("big.log", SampleLog.manySources(1500))
        let arguments = ["analyze", "--year", "2026"] + format + [path]

        // The whole report must be longer than a pipe buffer, or nothing would ever hit the closed pipe.
        let full = try Scanlog.run(arguments)
        #expect(full.status == 0)
        #expect(full.stdout.count > 96 * 1024, "report is only \(full.stdout.count) bytes")

        let process = Process()
        process.executableURL = try Scanlog.requireExecutable()
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderrCollector = Scanlog.Collector(errors.fileHandleForReading)

        // Read up to the first newline, then close the read end.
        var firstLine = Data()
        var byte: UInt8 = 0
        let descriptor = output.fileHandleForReading.fileDescriptor
        while true {
            let count = read(descriptor, &byte, 1)
            if count <= 0 || byte == 0x0A { break }
            firstLine.append(byte)
        }
        try output.fileHandleForReading.close()
        let err = stderrCollector.wait()
        process.waitUntilExit()

        #expect(!firstLine.isEmpty)
        #expect(full.stdout.starts(with: firstLine))
        #expect(process.terminationReason == .exit, "killed by signal \(process.terminationStatus)")
        #expect(process.terminationStatus == 0)
        #expect(err.isEmpty, "stderr: \(String(decoding: err, as: UTF8.self))")
    }

    // MARK: hostile content

    @Test func escapeSequencesNeverReachTheTerminal() throws {
        let scratch = TemporaryDirectory()
        let esc = "\u{1b}"
        var text = SampleLog.line(src: "198.51.100.66", dpt: 23, prefix: "\(esc)[31m[UFW BLOCK] \(esc)[0m") + "\n"
        text += SampleLog.line(time: "Nov 22 02:11:09", src: "198.51.100.66", dpt: 2323, prefix: "\(esc)]0;owned\u{07}DROP ") + "\n"
        // An unparsed line (its location is shown) and a host name with control bytes.
        text += "Nov 22 02:11:10 web1 kernel: \(esc)[2J IN=eth0 OUT= SRC=\(esc)[5m DST=192.0.2.20 PROTO=TCP SPT=1 DPT=2 \n"
        text += "Nov 22 02:11:11 h\(esc)[1mst kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.67 DST=192.0.2.20 LEN=44 TTL=50 ID=1 PROTO=TCP SPT=5 DPT=445 SYN \n"
        let name = "evil\(esc)[2J\u{9b}31m.log"
        let path = scratch.write(name, text)
        let missing = scratch.path("gone\(esc)[31m.log")

        let report = try Scanlog.run(["analyze", "--year", "2026", "--top", "1000", path, missing])
        #expect(report.status == 2, "\(report)")
        #expect(!report.stdout.contains(0x1b), "raw ESC in the text report")
        #expect(!report.stderr.contains(0x1b), "raw ESC in the error messages")
        #expect(!report.out.unicodeScalars.contains("\u{9b}"), "raw CSI (U+009B) in the text report")
        #expect(!report.stdout.contains(0x07), "raw BEL in the text report")
        #expect(report.out.contains("198.51.100.66"))
        #expect(report.out.contains("Lines: 4 read"))

        let json = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", path, missing])
        #expect(json.status == 2)
        let object = try json.json()
        let inputs = try #require(object["inputs"] as? [[String: Any]])
        // JSON keeps the real name, escaped, and parses back to it.
        #expect(inputs.map { $0["path"] as? String }.contains(path))
        #expect(!json.stdout.contains(0x1b))
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(int(summary["lines"]) == 4)
        #expect(int(summary["record_lines"]).map { $0 >= 2 } == true)
        let sources = try #require(object["sources"] as? [[String: Any]])
        #expect(sources.contains { $0["ip"] as? String == "198.51.100.66" })
    }
}
