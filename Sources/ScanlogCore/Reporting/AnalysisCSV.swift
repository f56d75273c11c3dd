/// The tables of an analysis as CSV: column names are the JSON field names (README, "CSV tables").
public enum AnalysisCSV {
    public enum Table: String, CaseIterable, Sendable {
        case ports, sources, events, probes
    }

    public static let portColumns = ["proto", "port", "icmp_type", "probes", "sources", "targets", "first_seen", "last_seen",
                                     "service", "status", "note", "class", "evidence"]
    public static let sourceColumns = ["ip", "probes", "ports", "targets", "first_seen", "last_seen", "visits", "days",
                                       "retransmissions", "class", "kind", "confidence", "fingerprint", "evidence", "event"]
    public static let eventColumns = ["id", "kind", "class", "sources", "targets", "ports", "probes", "start", "end",
                                      "confidence", "evidence"]
    public static let probeColumns = ["time", "host", "action", "src", "dst", "proto", "spt", "dpt", "icmp_type", "flags",
                                      "ttl", "len", "prefix", "count"]

    /// Writes one of the summary tables (every row; `top` cuts it when given).
    public static func write(_ table: Table, of analysis: Analysis, top: Int? = nil, to csv: inout CSVWriter) {
        let classification = analysis.classification
        switch table {
        case .ports:
            csv.header(portColumns)
            let ports = top.map { analysis.topPorts($0) } ?? analysis.portsByProbes
            ParallelBlocks.render(count: ports.count, blockSize: ParallelBlocks.portRows, parallel: analysis.parallel, render: { range, out in
                writePortRows(ports[range], classification: classification, to: &out)
            }, emit: { _, block in csv.appendRows(block) })
        case .sources:
            csv.header(sourceColumns)
            let ids = top.map { analysis.topSourceIDs($0) } ?? analysis.sourceIDsByProbes
            ParallelBlocks.render(count: ids.count, blockSize: ParallelBlocks.sourceRows, parallel: analysis.parallel, render: { range, out in
                writeSourceRows(ids[range], of: analysis, to: &out)
            }, emit: { _, block in csv.appendRows(block) })
        case .events:
            csv.header(eventColumns)
            for event in classification.events.prefix(top ?? .max) {
                csv.text(event.id)
                csv.text(event.kind.rawValue)
                csv.text(event.threatClass.rawValue)
                csv.list(event.sources.map(\.description))
                csv.list(event.targets.map(\.description))
                csv.list(event.ports.map(\.description))
                csv.number(event.probes)
                csv.text(event.start?.rfc3339())
                csv.text(event.end?.rfc3339())
                csv.number(AnalysisJSON.rounded(event.confidence))
                csv.list(event.evidence)
                csv.endRow()
            }
        case .probes:
            csv.header(probeColumns)
        }
        csv.finish()
    }

    /// One row of the streamed `probes` table.
    public static func writeProbe(_ probe: ProbeRow, to csv: inout CSVWriter) {
        csv.text(probe.record.time?.rfc3339(fractional: true))
        csv.text(probe.host)
        csv.text(probe.record.action.name)
        csv.text(probe.record.source.description)
        csv.text(probe.record.destination.description)
        csv.text(probe.record.proto.name)
        csv.number(probe.record.hasPorts ? probe.record.sourcePort : nil)
        csv.number(probe.record.hasPorts ? probe.record.destinationPort : nil)
        csv.number(probe.record.hasICMPType ? probe.record.icmpType : nil)
        csv.text(probe.record.tcpFlags.names)
        csv.number(probe.record.ttl)
        csv.number(probe.record.length)
        csv.text(probe.prefix)
        csv.number(probe.record.repeatCount)
        csv.endRow()
    }
}

/// A probe as it streams past, with its host and prefix as text.
public struct ProbeRow {
    public let record: FirewallRecord
    public let host: String
    public let prefix: String
}
