import Foundation
import Testing
import ScanlogTestSupport

/// The report formats as users consume them: CSV read back by Python's csv module, JSON Lines, cron mode,
/// exit statuses and atomic output files.
@Suite struct ReportFormatTests {
    static let demo = Scanlog.packageRoot.appendingPathComponent("Fixtures/captures/demo/ufw.log").path

    /// Parses CSV with Python's csv module (as a spreadsheet importer would) and returns rows as dictionaries.
    static func readCSV(_ text: String) throws -> [[String: String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import csv, json, sys; print(json.dumps(list(csv.DictReader(sys.stdin))))"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONSerialization.jsonObject(with: data) as! [[String: String]]
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")),
          arguments: ["ports", "sources", "events"])
    func csvTablesMatchTheJSONModel(_ table: String) throws {
        let csv = try Scanlog.run(["analyze", "--format", "csv", "--table", table, Self.demo])
        #expect(csv.status == 0, "\(csv)")
        let rows = try Self.readCSV(csv.out)
        let json = try Scanlog.run(["analyze", "--format", "json", Self.demo]).json()
        let objects = json[table] as! [[String: Any]]
        #expect(rows.count == objects.count)
        // Same names as the JSON fields, same values.
        for (row, object) in zip(rows, objects) {
            for (name, value) in object {
                let expected: String
                switch value {
                case let list as [String]: expected = list.joined(separator: ";")
                case is NSNull: expected = ""
                case let number as NSNumber: expected = "\(number)"
                default: expected = "\(value)"
                }
                #expect(row[name] == expected, "\(table).\(name)")
            }
        }
    }

    @Test func csvCellsFromTheLogAreInert() throws {
        let scratch = TemporaryDirectory()
        let line = SampleLog.line(prefix: "=HYPERLINK(\"http://x\") ") + "\n" + SampleLog.line(dpt: 24, prefix: "@SUM(A1) ") + "\n"
        let path = scratch.write("hostile.log", line)
        let result = try Scanlog.run(["analyze", "--format", "csv", "--table", "probes", path])
        let rows = try Self.readCSV(result.out)
        #expect(rows.count == 2)
        #expect(rows.map { $0["prefix"]! } == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)"])
        #expect(rows.allSatisfy { $0["dpt"] == "23" || $0["dpt"] == "24" })
    }

    @Test func jsonLinesHasOneProbePerLine() throws {
        let result = try Scanlog.run(["analyze", "--format", "jsonl", Self.demo])
        #expect(result.status == 0)
        let lines = result.out.split(separator: "\n")
        let summary = try Scanlog.run(["analyze", "--format", "json", Self.demo]).json()["summary"] as! [String: Any]
        #expect(lines.count == (summary["probes"] as! NSNumber).intValue)
        for line in lines.prefix(50) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(object["src"] is String && object["dpt"] != nil)
        }
    }

    @Test func cronIsQuietWithoutTargetingAndFailOnSaysSo() throws {
        let scratch = TemporaryDirectory()
        let quiet = scratch.write("quiet.log", SampleLog.manySources(20))
        let calm = try Scanlog.run(["analyze", "--cron", "--fail-on", "targeted", quiet])
        #expect(calm.status == 0 && calm.out.isEmpty && calm.err.isEmpty, "\(calm)")
        let loud = try Scanlog.run(["analyze", "--cron", "--fail-on", "targeted", Self.demo])
        #expect(loud.status == 1 && loud.out.contains("Targeted"), "\(loud.status)")
    }

    @Test func outputFileIsWrittenWhole() throws {
        let scratch = TemporaryDirectory()
        let target = scratch.path("report.json")
        let result = try Scanlog.run(["analyze", "--format", "json", "--output", target, Self.demo])
        #expect(result.status == 0 && result.out.isEmpty)
        let data = try Data(contentsOf: URL(fileURLWithPath: target))
        #expect((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["schema"] as? Int == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        // A directory that does not exist: an error, exit 2.
        let failed = try Scanlog.run(["analyze", "--output", scratch.path("missing/report.txt"), Self.demo])
        #expect(failed.status == 2 && failed.err.contains("cannot create"))
    }

    @Test func filtersKeepTheAccountingWhole() throws {
        let json = try Scanlog.run(["analyze", "--format", "json", "--port", "23,3389", Self.demo]).json()
        let summary = json["summary"] as! [String: Any]
        let ports = (json["ports"] as! [[String: Any]]).compactMap { ($0["port"] as? NSNumber)?.intValue }
        #expect(Set(ports).isSubset(of: [23, 3389]) && !ports.isEmpty)
        #expect((summary["filtered_out"] as! NSNumber).intValue > 0)
        #expect((summary["record_lines"] as! NSNumber).intValue == (summary["lines"] as! NSNumber).intValue)
        let bad = try Scanlog.run(["analyze", "--since", "yesterday", Self.demo])
        #expect(bad.status == 64 && bad.err.contains("--since"))
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        // Standard output is a pipe here: auto means no colour, NO_COLOR or not.
        let auto = try Scanlog.run(["analyze", Self.demo])
        #expect(!auto.out.contains("\u{1b}"))
        let always = try Scanlog.run(["analyze", "--color", "always", Self.demo])
        #expect(always.out.contains("\u{1b}[1;31mE1 vertical-scan\u{1b}[0m"))
        let never = try Scanlog.run(["analyze", "--color", "never", Self.demo])
        #expect(!never.out.contains("\u{1b}"))
        // JSON never carries colour.
        let json = try Scanlog.run(["analyze", "--color", "always", "--format", "json", Self.demo])
        #expect(!json.out.contains("\u{1b}"))
    }

    @Test func timesInUTCOrTheLogsZone() throws {
        let utc = try Scanlog.run(["analyze", "--utc", "--year", "2026", "--log-utc-offset", "+01:00", Self.demo])
        #expect(utc.out.contains("2026-11-22 03:43 UTC"))
        let own = try Scanlog.run(["analyze", "--year", "2026", "--log-utc-offset", "+01:00", Self.demo])
        #expect(own.out.contains("2026-11-22 04:43 UTC+01:00"))
    }

    @Test func textReportFitsEightyColumns() throws {
        let captures = Scanlog.packageRoot.appendingPathComponent("Fixtures/captures")
        for files in [[Self.demo], ["ufw-traditional/ufw.log", "ufw-traditional/ufw.log.1", "nftables/kern.log"].map { captures.appendingPathComponent($0).path }] {
            let result = try Scanlog.run(["analyze", "--log-utc-offset", "+01:00"] + files)
            #expect(result.status == 0)
            // Only a single token longer than the width (a long path) may stick out: it cannot be broken.
            let wide: [String] = result.out.split(separator: "\n").map(String.init)
                .filter { $0.count > 80 && $0.trimmingCharacters(in: .whitespaces).contains(" ") }
            #expect(wide.isEmpty, Comment(rawValue: wide.first ?? ""))
        }
    }
}
