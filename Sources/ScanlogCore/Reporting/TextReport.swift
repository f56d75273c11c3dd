/// The human-readable summary: inputs and time span, top ports, top sources, and the line accounting.
public struct TextReport {
    public var top = 10

    public init(top: Int = 10) { self.top = top }

    public func render(_ analysis: Analysis) -> String {
        var out = ""
        let accounting = analysis.accounting
        let f = TextFormatting.self
        out += "scanlog: \(f.grouped(accounting.probes)) probes in \(f.grouped(accounting.records)) firewall records"
        if let first = accounting.seen.first, let last = accounting.seen.last {
            out += ", \(first.rfc3339()) to \(last.rfc3339()) (\(f.duration(seconds: accounting.seen.seconds)))"
        }
        out += "\n\nInputs\n"
        for input in analysis.inputs {
            let name = f.terminalSafe(input.path)
            out += "  \(name)\(input.isGzip ? " (gzip)" : ""): \(f.grouped(input.lines)) lines, \(f.grouped(input.records)) records\n"
            if let error = input.error { out += "    error: \(f.terminalSafe(error.description))\n" }
        }

        let ports = analysis.portsByProbes
        if !ports.isEmpty {
            out += "\nTop destination ports (of \(f.grouped(ports.count)))\n"
            out += "  " + f.column("PORT", 16) + f.column("PROBES", 10, right: true) + f.column("SOURCES", 10, right: true)
                + f.column("TARGETS", 9, right: true) + "  LAST SEEN\n"
            for bucket in ports.prefix(top) {
                out += "  " + f.column(bucket.key.description, 16) + f.column(f.grouped(bucket.probes), 10, right: true)
                    + f.column(f.grouped(bucket.sourceCount), 10, right: true)
                    + f.column(f.grouped(bucket.targetCount), 9, right: true)
                    + "  " + (bucket.seen.last?.rfc3339() ?? "-") + "\n"
            }
        }
        let sources = analysis.sourcesByProbes
        if !sources.isEmpty {
            out += "\nTop sources (of \(f.grouped(sources.count)))\n"
            out += "  " + f.column("SOURCE", 26) + f.column("PROBES", 10, right: true) + f.column("PORTS", 8, right: true)
                + f.column("TARGETS", 9, right: true) + "  ACTIVE\n"
            for bucket in sources.prefix(top) {
                out += "  " + f.column(bucket.address.description, 26) + f.column(f.grouped(bucket.probes), 10, right: true)
                    + f.column(f.grouped(bucket.portCount), 8, right: true)
                    + f.column(f.grouped(bucket.targetCount), 9, right: true)
                    + "  " + f.duration(seconds: bucket.seen.seconds) + "\n"
            }
        }
        out += "\n" + accountingBlock(accounting)
        return out
    }

    /// Lines, records, ignored and unparsed with reasons: shown in every report.
    public func accountingBlock(_ accounting: Accounting) -> String {
        let f = TextFormatting.self
        var out = "Lines: \(f.grouped(accounting.lines)) read = \(f.grouped(accounting.recordLines)) firewall records"
        out += " + \(f.grouped(accounting.ignoredTotal)) ignored + \(f.grouped(accounting.unparsedTotal)) unparsed\n"
        if accounting.records != accounting.recordLines {
            out += "  records: \(f.grouped(accounting.records)) (\"message repeated\" lines count as the records they stand for)\n"
        }
        let actions = FirewallAction.allCases.compactMap { action in
            accounting.actions[action].map { "\(action.name) \(f.grouped($0))" }
        }
        if !actions.isEmpty { out += "  actions: " + actions.joined(separator: ", ") + "\n" }
        for (reason, count) in accounting.ignored.sorted(by: { $0.key < $1.key }) {
            out += "  ignored \(reason.rawValue): \(f.grouped(count)) (\(reason.explanation))\n"
        }
        for (reason, count) in accounting.unparsed.sorted(by: { $0.key < $1.key }) {
            let first = accounting.firstUnparsed[reason].map { ", first at \(f.terminalSafe($0))" } ?? ""
            out += "  unparsed \(reason.rawValue): \(f.grouped(count)) (\(reason.explanation)\(first))\n"
        }
        return out
    }
}
