import ArgumentParser
import Foundation
import ScanlogCore

/// `scanlog history [PORT | ADDRESS]`: what the nightly history kept, day by day.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show what scanlog nightly remembers: a port's or a source's days, or the runs.",
        discussion: """
            Reads the history database that scanlog nightly keeps (read-only; days are UTC days).
            Examples:
              scanlog history                     days kept and the last runs
              scanlog history 22/tcp              probes, sources and targets of a port per day
              scanlog history 3089                the same for 3089/tcp (tcp unless /udp, /sctp, ... is given)
              scanlog history 203.0.113.7         a source's days: probes, ports, local addresses
              scanlog history 22/tcp --format csv --days 90 > ssh.csv
            Exit status: 0 shown; 2 no history or it cannot be read; 64 bad usage; 65 the history is damaged.
            """
    )

    @Argument(help: ArgumentHelp("A port (22, 22/tcp, 53/udp) or a source address; none for an overview.", valueName: "port-or-address"))
    var target: String?

    @Option(help: "The history database (default: history.sqlite beside the nightly state file).")
    var history: String?

    @Option(help: "The nightly state file whose history to read (see scanlog nightly --help).")
    var state: String?

    @Option(help: "Days to show, ending with the newest day kept.")
    var days = 30

    @Option(help: "Output format: text, json or csv.")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    enum Subject {
        case overview
        case port(PortKey)
        case source(IPAddress)
    }

    var subject: Subject {
        get throws {
            guard let target else { return .overview }
            if let address = IPAddress(target) { return .source(address) }
            let parts = target.split(separator: "/", maxSplits: 1)
            guard let number = UInt16(parts[0]) else {
                throw ValidationError("'\(target)' is neither a port (22, 22/tcp) nor an address")
            }
            let proto = parts.count == 2 ? IPProtocol(name: parts[1].lowercased()) : .tcp
            guard let proto, !proto.isICMP else { throw ValidationError("unknown transport in '\(target)' (tcp, udp, sctp, ...)") }
            return .port(PortKey(proto: proto, number: number))
        }
    }

    func validate() throws {
        _ = try subject
        if days < 1 { throw ValidationError("--days must be at least 1") }
    }

    func run() throws {
        OutputSink.setUpSignals()
        let path = history ?? HistoryStore.defaultPath(statePath: state ?? StateStore.defaultPath())
        do {
            let store = try HistoryStore(path: path, create: false, readOnly: true)
            let text = try store.read { session -> String in
                guard let coverage = try session.coverage() else { return render(overview: nil, runs: [], path: path) }
                let range = max(coverage.first, coverage.last - days + 1)...coverage.last
                switch try subject {
                case .overview:
                    return render(overview: coverage, runs: try session.runs(last: days), path: path)
                case .port(let key):
                    return render(port: key, rows: try session.portDays(host: nil, days: range, port: key), range: range)
                case .source(let address):
                    return render(source: address, rows: try session.sourceDays(address).filter { range.contains($0.day) })
                }
            }
            OutputSink.write(text)
            try OutputSink.commit()
        } catch let error as HistoryError {
            OutputSink.printError(TextFormatting.terminalSafe(error.description))
            if case .damaged = error { throw ExitCode(65) }
            throw ExitCode(2)
        } catch let error as ExitCode {
            throw error
        } catch {
            OutputSink.printError("\(error)")
            throw ExitCode(2)
        }
    }

    typealias F = TextFormatting

    // MARK: Rendering

    /// One value of a row, written alike to JSON (a member) and CSV (a cell; a list is joined with spaces).
    enum Value {
        case text(String?)
        case number(Int64?)
        case list([String])
    }

    /// Rows of named values: a JSON array of objects (inside `envelope`'s object) or a CSV table.
    struct Table {
        let name: String
        let columns: [String]
        var rows: [[Value]] = []

        func json(envelope: [(String, Value)]) -> String {
            var json = JSONWriter()
            json.beginObject()
            for (key, value) in envelope { Self.write(value, as: key, to: &json) }
            json.arrayMember(name) { json in
                for row in rows {
                    json.beginObject()
                    for (key, value) in zip(columns, row) { Self.write(value, as: key, to: &json) }
                    json.endObject()
                }
            }
            json.endObject()
            json.newline()
            return json.output
        }

        var csv: String {
            var csv = CSVWriter()
            csv.header(columns)
            for row in rows {
                for value in row {
                    switch value {
                    case .text(let text): csv.text(text)
                    case .number(let number): csv.number(number)
                    case .list(let items): csv.text(items.joined(separator: " "))
                    }
                }
                csv.endRow()
            }
            return csv.output
        }

        private static func write(_ value: Value, as key: String, to json: inout JSONWriter) {
            switch value {
            case .text(let text): json.member(key, text)
            case .number(let number): json.key(key); json.optionalNumber(number)
            case .list(let items): json.arrayMember(key) { json in for item in items { json.string(item) } }
            }
        }
    }

    static func time(_ seconds: Int64?) -> Value { .text(seconds.map { Timestamp(seconds: $0).rfc3339() }) }

    private func render(overview: (first: Int, last: Int, days: Int)?, runs: [RunRow], path: String) -> String {
        var table = Table(name: "runs", columns: ["finished_at", "first_probe", "last_probe", "lines", "probes", "untimed_probes"])
        table.rows = runs.map { run in
            [.text(run.finishedAt), Self.time(run.firstProbe), Self.time(run.lastProbe), .number(Int64(run.lines)),
             .number(Int64(run.probes)), .number(Int64(run.untimed))]
        }
        switch format {
        case .json:
            return table.json(envelope: [
                ("path", .text(path)), ("first_day", .text(overview.map { DailyTally.dateText($0.first) })),
                ("last_day", .text(overview.map { DailyTally.dateText($0.last) })), ("days_with_probes", .number(Int64(overview?.days ?? 0))),
            ])
        case .csv:
            return table.csv
        case .text:
            guard let overview else { return "history \(F.terminalSafe(path)): no probes recorded yet\n" }
            var out = "history \(F.terminalSafe(path))\n"
            out += "  \(DailyTally.dateText(overview.first)) to \(DailyTally.dateText(overview.last)) (UTC days), \(overview.days) day(s) with probes\n"
            out += "\nLast runs\n  " + F.column("FINISHED", 22) + F.column("LINES", 10, right: true) + F.column("PROBES", 10, right: true) + "  PROBES FROM - TO (UTC)\n"
            for run in runs {
                // To the minute, so a row fits 80 columns.
                let span = [run.firstProbe, run.lastProbe].map { $0.map { String(Timestamp(seconds: $0).rfc3339().prefix(16)) } ?? "-" }.joined(separator: " - ")
                out += "  " + F.column(F.terminalSafe(run.finishedAt), 22) + F.column(F.grouped(run.lines), 10, right: true)
                    + F.column(F.grouped(run.probes), 10, right: true) + "  " + span + "\n"
            }
            return out
        }
    }

    private func render(port: PortKey, rows: [PortDay], range: ClosedRange<Int>) -> String {
        var table = Table(name: "days", columns: ["host", "day", "proto", "port", "probes", "sources", "targets"])
        table.rows = rows.map { row in
            [.text(row.host), .text(DailyTally.dateText(row.day)), .text(port.proto.name), .number(port.port.map(Int64.init)),
             .number(Int64(row.probes)), .number(Int64(row.sources)), .number(Int64(row.targets))]
        }
        switch format {
        case .json:
            return table.json(envelope: [("proto", .text(port.proto.name)), ("port", .number(port.port.map(Int64.init)))])
        case .csv:
            return table.csv
        case .text:
            let hosts = Set(rows.map(\.host)).count > 1
            let service = PortDescription(port).service.map { " (\(F.terminalSafe($0)))" } ?? ""
            var out = "\(port)\(service): \(DailyTally.dateText(range.lowerBound)) to \(DailyTally.dateText(range.upperBound)), days with probes only\n"
            guard !rows.isEmpty else { return out + "  no probes on these days\n" }
            out += "  " + (hosts ? F.column("HOST", 16) : "") + F.column("DAY", 12) + F.column("PROBES", 9, right: true)
                + F.column("SOURCES", 9, right: true) + F.column("TARGETS", 9, right: true) + "\n"
            for row in rows {
                out += "  " + (hosts ? F.column(F.terminalSafe(row.host), 16) : "") + F.column(DailyTally.dateText(row.day), 12)
                    + F.column(F.grouped(row.probes), 9, right: true) + F.column(F.grouped(row.sources), 9, right: true)
                    + F.column(F.grouped(row.targets), 9, right: true) + "\n"
            }
            let sources = rows.map(\.sources)
            out += "  mean \(String(format: "%.1f", Double(sources.reduce(0, +)) / Double(range.count))) sources a day over \(range.count) day(s)\n"
            return out
        }
    }

    private func render(source: IPAddress, rows: [SourceDayRow]) -> String {
        var table = Table(name: "days", columns: ["host", "day", "ip", "probes", "targets", "first_seen", "last_seen", "ports"])
        table.rows = rows.map { row in
            [.text(row.host), .text(DailyTally.dateText(row.day)), .text(source.description), .number(Int64(row.probes)),
             .number(Int64(row.targets)), Self.time(row.first), Self.time(row.last), .list(row.ports.map(\.description))]
        }
        switch format {
        case .json:
            return table.json(envelope: [("ip", .text(source.description))])
        case .csv:
            return table.csv
        case .text:
            guard !rows.isEmpty else { return "\(source): not in the history\n" }
            let hosts = Set(rows.map(\.host)).count > 1
            let ports = Set(rows.flatMap(\.ports))
            var out = "\(source): \(rows.count) day(s), \(ports.count) port(s), \(F.grouped(rows.reduce(0) { $0 + $1.probes })) probes\n"
            out += "  " + (hosts ? F.column("HOST", 16) : "") + F.column("DAY", 12) + F.column("PROBES", 8, right: true)
                + F.column("TARGETS", 9, right: true) + "  PORTS\n"
            for row in rows {
                let line = "  " + (hosts ? F.column(F.terminalSafe(row.host), 16) : "") + F.column(DailyTally.dateText(row.day), 12)
                    + F.column(F.grouped(row.probes), 8, right: true) + F.column(String(row.targets), 9, right: true)
                    + "  " + row.ports.map(\.description).joined(separator: ", ")
                out += String(line.prefix(79)) + (line.count > 79 ? "…" : "") + "\n"
            }
            return out
        }
    }
}
