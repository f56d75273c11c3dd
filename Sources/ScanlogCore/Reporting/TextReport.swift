/// The report a person reads in ten seconds: a one-line verdict, the targeted events with their evidence,
/// the background in a compact table, top sources, and the line accounting at the foot. Fits 80 columns.
public struct TextReport {
    public var top = 10
    /// ANSI colour (only for a terminal, never with NO_COLOR: the caller decides).
    public var color = false
    public var times = TimeDisplay()

    public init(top: Int = 10, color: Bool = false, times: TimeDisplay = TimeDisplay()) {
        self.top = top
        self.color = color
        self.times = times
    }

    /// Wraps `text` in an ANSI style when colour is on.
    func paint(_ text: String, _ style: String) -> String { color ? "\u{1b}[\(style)m\(text)\u{1b}[0m" : text }
    func title(_ text: String) -> String { paint(text, "1") }

    typealias F = TextFormatting

    public func render(_ analysis: Analysis) -> String {
        var out = headline(analysis)
        out += inputsBlock(analysis)
        out += eventsBlock(analysis)
        out += portsBlock(analysis)
        out += sourcesBlock(analysis)
        if let history = analysis.history { out += historyBlock(history) }
        let notes = analysis.classification.notes
        if !notes.isEmpty {
            out += "\n" + title("Notes") + "\n"
            for note in notes { out += wrap(note, indent: "  ") }
        }
        out += "\n" + accountingBlock(analysis.accounting)
        return out
    }

    /// The one-line verdict.
    public func headline(_ analysis: Analysis) -> String {
        let accounting = analysis.accounting
        let events = analysis.classification.events.count
        var line = events == 0
            ? "scanlog: nothing targeted; \(F.grouped(accounting.probes)) probes of background noise"
            : "scanlog: \(events) targeted event\(events == 1 ? "" : "s") among \(F.grouped(accounting.probes)) probes"
        line += " from \(F.grouped(analysis.aggregator.sources.count)) sources"
        if let first = accounting.seen.first, let last = accounting.seen.last {
            line += ", \(shortTime(first)) to \(shortTime(last)) \(times.label(at: last)) (\(F.duration(seconds: accounting.seen.seconds)))"
        }
        // Wrapped to the width, each line painted on its own (a style must not span a line break).
        let style = events == 0 ? "1" : "1;31"
        return wrap(line, indent: "", continuation: "  ").split(separator: "\n").map { paint(String($0), style) + "\n" }.joined()
    }

    private func inputsBlock(_ analysis: Analysis) -> String {
        var out = "\n" + title("Inputs") + "\n"
        for input in analysis.inputs {
            out += wrap("\(F.terminalSafe(input.path))\(input.isGzip ? " (gzip)" : ""): \(F.grouped(input.lines)) lines, \(F.grouped(input.records)) records", indent: "  ", continuation: "    ")
            if let error = input.error { out += wrap("error: " + F.terminalSafe(error.description), indent: "    ") }
        }
        return out
    }

    private func eventsBlock(_ analysis: Analysis) -> String {
        let events = analysis.classification.events
        guard !events.isEmpty else { return "" }
        var out = "\n" + title("Targeted") + "\n"
        for event in events {
            let sources = event.sources.map(\.description)
            let who = sources.count == 1 ? sources[0] : "\(sources.count) sources (\(sources[0]), ...)"
            let targets = event.targets.count == 1 ? event.targets[0].description : "\(event.targets.count) addresses"
            out += "  " + paint("\(event.id) \(event.kind.rawValue)", "1;31") + ": \(who) -> \(targets)\n"
            var detail = "\(F.grouped(event.ports.count)) port\(event.ports.count == 1 ? "" : "s") (\(portList(event.ports))), \(F.grouped(event.probes)) probes"
            if let start = event.start, let end = event.end { detail += ", \(shortTime(start)) to \(shortTime(end))" }
            detail += ", confidence \(Int((event.confidence * 100).rounded()))%"
            out += wrap(detail, indent: "     ")
            for line in event.evidence { out += wrap("- " + line, indent: "     ", continuation: "       ") }
        }
        return out
    }

    private func portsBlock(_ analysis: Analysis) -> String {
        guard !analysis.aggregator.ports.isEmpty, top > 0 else { return "" }
        var out = "\n" + title("Top ports (of \(F.grouped(analysis.aggregator.ports.count)))") + "\n"
        out += "  " + F.column("PORT", 14) + F.column("SERVICE", 13) + F.column("PROBES", 9, right: true)
            + F.column("SOURCES", 9, right: true) + "  " + F.column("VERDICT", 11) + "NOTE\n"
        for bucket in analysis.topPorts(top) {
            let info = PortDescription(bucket.key)
            let verdict = analysis.classification.ports[bucket.key]?.verdict.rawValue ?? "-"
            var row = "  " + F.column(bucket.key.description, 14) + F.column(F.terminalSafe(info.service ?? "-"), 12) + " "
                + F.column(F.grouped(bucket.probes), 9, right: true) + F.column(F.grouped(bucket.sourceCount), 9, right: true)
                + "  " + F.column(verdict, 11)
            row += info.note ?? ""
            out += colorVerdict(String(row.prefix(79))) + "\n"
        }
        return out
    }

    private func sourcesBlock(_ analysis: Analysis) -> String {
        guard !analysis.aggregator.sources.isEmpty, top > 0 else { return "" }
        let sources = analysis.topSources(top)
        // Counted without making every background verdict.
        let kinds = analysis.classification.sources.backgroundKindCounts
        var out = "\n" + title("Top sources (of \(F.grouped(analysis.aggregator.sources.count)))") + "\n"
        if !kinds.isEmpty {
            let summary = kinds.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\(F.grouped($0.value)) \($0.key.rawValue)" }
            out += wrap("background: " + summary.joined(separator: ", "), indent: "  ")
        }
        out += "  " + F.column("SOURCE", 24) + F.column("PROBES", 8, right: true) + F.column("PORTS", 7, right: true)
            + F.column("DAYS", 5, right: true) + "  VERDICT\n"
        for bucket in sources {
            let verdict = analysis.aggregator.sourceIDs[bucket.address].flatMap { analysis.classification.verdict(forSource: $0) }
            var label = verdict.map { "\($0.threatClass.rawValue) \($0.kind.rawValue)" } ?? "own network"
            if let event = verdict?.eventID { label += " (\(event))" }
            if let fingerprint = verdict?.fingerprint { label += " [\(fingerprint.name)]" }
            let row = "  " + F.column(bucket.address.description, 24) + F.column(F.grouped(bucket.probes), 8, right: true)
                + F.column(F.grouped(bucket.portCount), 7, right: true) + F.column(String(bucket.days.count), 5, right: true)
                + "  " + label
            out += colorVerdict(String(row.prefix(79))) + "\n"
        }
        return out
    }

    /// What the nightly history adds: rising ports, ports never probed before, and how much history there is.
    func historyBlock(_ history: HistoryReport) -> String {
        var out = "\n" + title("History") + "\n"
        if let first = history.firstDay, let last = history.lastDay {
            out += wrap("\(DailyTally.dateText(first)) to \(DailyTally.dateText(last)) (UTC days), \(history.daysWithProbes) day(s) with probes, kept \(history.keepDays) days: \(F.terminalSafe(history.path))", indent: "  ")
        }
        if let day = history.trendDay, !history.trends.isEmpty {
            out += wrap("Rising on \(DailyTally.dateText(day)) against the \(HistoryReport.baselineDays) days before (DShield trend score at least \(Int(HistoryReport.scoreThreshold)), sources at least doubled):", indent: "  ")
            for trend in history.trends.prefix(top) {
                let host = trend.host.isEmpty ? "" : F.terminalSafe(trend.host) + " "
                let service = PortDescription(trend.port).service.map { " " + F.terminalSafe($0) } ?? ""
                let numbers = trend.score.isFinite
                    ? "\(trend.sources) sources (mean \(String(format: "%.1f", trend.meanSources))), \(trend.targets) target(s) (mean \(String(format: "%.1f", trend.meanTargets))), \(F.grouped(trend.probes)) probes; score \(String(format: "%.1f", trend.score))"
                    : "\(trend.sources) sources, \(trend.targets) target(s), \(F.grouped(trend.probes)) probes; none in the \(HistoryReport.baselineDays) days before"
                out += wrap("\(host)\(trend.port)\(service): " + numbers, indent: "    ", continuation: "      ")
            }
        } else if let day = history.trendDay, history.notes.isEmpty {
            out += wrap("no port rose on \(DailyTally.dateText(day)) against the \(HistoryReport.baselineDays) days before", indent: "  ")
        }
        if !history.newPorts.isEmpty {
            // A busy host sees hundreds of ports for the first time each night, most from one random-port scanner:
            // the ones several sources chose are the news.
            let several = history.newPorts.filter { $0.sources >= 2 }
            var line = "\(F.grouped(history.newPorts.count)) port(s) never probed before"
            if several.count < history.newPorts.count { line += ", \(F.grouped(history.newPorts.count - several.count)) of them by a single source" }
            if !several.isEmpty {
                let shown = several.prefix(top).map { "\($0.port) (\($0.sources) sources)" }
                line += "; by several: " + shown.joined(separator: ", ") + (several.count > top ? ", ..." : "")
            }
            out += wrap(line, indent: "  ", continuation: "    ")
        }
        if history.eventsFromHistory > 0 {
            out += wrap("\(history.eventsFromHistory) event(s) above rest on earlier nights too (evidence marked \"(history)\")", indent: "  ")
        }
        for note in history.notes { out += wrap("- " + note, indent: "  ", continuation: "    ") }
        return out
    }

    /// Lines, records, ignored and unparsed with reasons: shown in every report.
    public func accountingBlock(_ accounting: Accounting) -> String {
        var out = "Lines: \(F.grouped(accounting.lines)) read = \(F.grouped(accounting.recordLines)) firewall records"
        out += " + \(F.grouped(accounting.ignoredTotal)) ignored + \(F.grouped(accounting.unparsedTotal)) unparsed\n"
        if accounting.records != accounting.recordLines {
            out += wrap("records: \(F.grouped(accounting.records)) (\"message repeated N times\" lines count as the N records they stand for)", indent: "  ")
        }
        let actions = FirewallAction.allCases.compactMap { action in
            accounting.actions[action].map { "\(action.name) \(F.grouped($0))" }
        }
        if !actions.isEmpty { out += "  actions: " + actions.joined(separator: ", ") + "; probes \(F.grouped(accounting.probes))\n" }
        if accounting.filteredOut > 0 { out += "  filtered out: \(F.grouped(accounting.filteredOut)) records outside --since/--until/--port/--source/--action\n" }
        for (reason, count) in accounting.ignored.sorted(by: { $0.key < $1.key }) {
            out += wrap("ignored \(reason.rawValue): \(F.grouped(count)) (\(reason.explanation))", indent: "  ")
        }
        for (reason, count) in accounting.unparsed.sorted(by: { $0.key < $1.key }) {
            let first = accounting.firstUnparsed[reason].map { ", first at \(F.terminalSafe($0))" } ?? ""
            out += wrap("unparsed \(reason.rawValue): \(F.grouped(count)) (\(reason.explanation)\(first))", indent: "  ")
        }
        return out
    }

    // MARK: Helpers

    /// `2026-11-22 02:11`, in the report's zone.
    func shortTime(_ time: Timestamp) -> String { times.short(time) }

    /// A table row with its "targeted" verdict in red (after cutting to width, so columns stay aligned).
    func colorVerdict(_ row: String) -> String {
        guard color else { return row }
        let parts = row.split(separator: "targeted", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? parts[0] + paint("targeted", "31") + parts[1] : row
    }

    /// Port list cut to a few, with ranges for runs (`22/tcp, 1000-1999/tcp, ...`).
    func portList(_ ports: [PortKey]) -> String {
        var parts: [String] = []
        var index = 0
        while index < ports.count {
            var end = index
            while end + 1 < ports.count, ports[end + 1].proto == ports[index].proto, let a = ports[end].number,
                let b = ports[end + 1].number, b == a + 1, !ports[index].proto.isICMP
            {
                end += 1
            }
            if end > index + 1, let low = ports[index].number, let high = ports[end].number {
                parts.append("\(low)-\(high)/\(ports[index].proto.name)")
                index = end + 1
            } else {
                parts.append(ports[index].description)
                index += 1
            }
        }
        return parts.count <= 4 ? parts.joined(separator: ", ") : parts.prefix(4).joined(separator: ", ") + ", ..."
    }

    /// Wraps to 79 columns.
    func wrap(_ text: String, indent: String, continuation: String? = nil) -> String {
        let width = 79
        var out = ""
        var line = indent
        let next = continuation ?? indent
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if line.count + word.count + 1 > width && line.trimmingSpaces.count > 0 && line != indent && line != next {
                out += line + "\n"
                line = next
            }
            line += (line == indent || line == next ? "" : " ") + word
        }
        return out + line + "\n"
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring { drop { $0 == " " } }
}
