/// The whole analysis as one JSON document (schema 1, documented in the README).
public enum AnalysisJSON {
    public static let schemaVersion = 1

    /// The whole document as a string.
    public static func render(_ analysis: Analysis) -> String {
        var json = JSONWriter()
        write(analysis, to: &json)
        return json.output
    }

    /// Writes the document (and a final newline) through `json`, which may flush as it goes.
    public static func write(_ analysis: Analysis, to json: inout JSONWriter) {
        json.beginObject()
        json.member("schema", schemaVersion)
        json.arrayMember("inputs") { json in
            for input in analysis.inputs {
                json.beginObject()
                json.member("path", input.path)
                json.member("gzip", input.isGzip)
                json.member("bytes", input.bytes)
                json.member("lines", input.lines)
                json.member("records", input.records)
                json.member("error", input.error?.description)
                json.endObject()
            }
        }
        let accounting = analysis.accounting
        json.objectMember("summary") { json in
            json.member("lines", accounting.lines)
            json.member("record_lines", accounting.recordLines)
            json.member("records", accounting.records)
            json.member("probes", accounting.probes)
            json.member("filtered_out", accounting.filteredOut)
            json.objectMember("actions") { json in
                for action in FirewallAction.allCases { json.member(action.name, accounting.actions[action] ?? 0) }
            }
            json.objectMember("ignored") { json in
                for (reason, count) in accounting.ignored.sorted(by: { $0.key < $1.key }) { json.member(reason.rawValue, count) }
            }
            json.objectMember("unparsed") { json in
                for (reason, count) in accounting.unparsed.sorted(by: { $0.key < $1.key }) { json.member(reason.rawValue, count) }
            }
            json.objectMember("first_unparsed") { json in
                for (reason, location) in accounting.firstUnparsed.sorted(by: { $0.key < $1.key }) {
                    json.member(reason.rawValue, location)
                }
            }
            json.member("first_seen", accounting.seen.first?.rfc3339())
            json.member("last_seen", accounting.seen.last?.rfc3339())
        }
        let classification = analysis.classification
        json.key("provisional"); json.bool(classification.provisional)
        json.arrayMember("notes") { json in for note in classification.notes { json.string(note) } }
        json.arrayMember("events") { json in
            for event in classification.events {
                json.beginObject()
                json.member("id", event.id)
                json.member("kind", event.kind.rawValue)
                json.member("class", event.threatClass.rawValue)
                json.arrayMember("sources") { json in for source in event.sources { json.string(source.description) } }
                json.arrayMember("targets") { json in for target in event.targets { json.string(target.description) } }
                json.arrayMember("ports") { json in for port in event.ports { json.string(port.description) } }
                json.member("probes", event.probes)
                json.member("start", event.start?.rfc3339())
                json.member("end", event.end?.rfc3339())
                json.key("confidence"); json.number(rounded(event.confidence))
                json.arrayMember("evidence") { json in for line in event.evidence { json.string(line) } }
                json.endObject()
            }
        }
        let order = sortedRows(analysis)
        let (ports, ids) = (order.ports, order.sourceIDs)
        json.arrayMember("ports") { json in
            ParallelBlocks.render(count: ports.count, blockSize: ParallelBlocks.portRows, parallel: analysis.parallel, render: { range, out in
                writePorts(ports[range], classification: classification, to: &out)
            }, emit: { range, block in json.appendValues(block, count: range.count) })
        }
        json.arrayMember("sources") { json in
            ParallelBlocks.render(count: ids.count, blockSize: ParallelBlocks.sourceRows, parallel: analysis.parallel, render: { range, out in
                writeSources(ids[range], of: analysis, to: &out)
            }, emit: { range, block in json.appendValues(block, count: range.count) })
        }
        if let history = analysis.history { writeHistory(history, to: &json) }
        json.endObject()
        json.newline()
        json.finish()
    }

    /// The ports and the source numbers in report order: as `Analysis.run` sorted them while classifying, or
    /// sorted now (on two threads for a large report).
    static func sortedRows(_ analysis: Analysis) -> RowOrder {
        analysis.rowOrder ?? RowOrder(analysis.aggregator, parallel: analysis.parallel && RowOrder.isLarge(analysis.aggregator))
    }

    /// The `history` member (`scanlog nightly` only).
    static func writeHistory(_ history: HistoryReport, to json: inout JSONWriter) {
        json.objectMember("history") { json in
            json.member("path", history.path)
            json.member("keep_days", history.keepDays)
            json.member("first_day", history.firstDay.map(DailyTally.dateText))
            json.member("last_day", history.lastDay.map(DailyTally.dateText))
            json.member("days_with_probes", history.daysWithProbes)
            json.member("trend_day", history.trendDay.map(DailyTally.dateText))
            json.member("baseline_days_with_probes", history.baselineDaysObserved)
            json.arrayMember("rising_ports") { json in
                for trend in history.trends {
                    json.beginObject()
                    json.member("host", trend.host)
                    writePortKey(trend.port, to: &json)
                    json.member("probes", trend.probes)
                    json.member("sources", trend.sources)
                    json.member("targets", trend.targets)
                    json.key("mean_sources"); json.number(rounded(trend.meanSources))
                    json.key("mean_targets"); json.number(rounded(trend.meanTargets))
                    json.key("score"); if trend.score.isFinite { json.number(rounded(trend.score)) } else { json.null() }
                    json.endObject()
                }
            }
            json.arrayMember("new_ports") { json in
                for port in history.newPorts {
                    json.beginObject()
                    writePortKey(port.port, to: &json)
                    json.member("sources", port.sources)
                    json.member("probes", port.probes)
                    json.endObject()
                }
            }
            json.member("events_from_history", history.eventsFromHistory)
            json.arrayMember("notes") { json in for note in history.notes { json.string(note) } }
        }
    }

    /// `"proto"`, `"port"` and `"icmp_type"` of a destination bucket (one of the last two is null).
    static func writePortKey(_ key: PortKey, to json: inout JSONWriter) {
        json.member("proto", key.proto.name)
        json.key("port"); json.optionalNumber(key.port)
        json.key("icmp_type"); json.optionalNumber(key.icmpType)
    }

    /// Two decimals are enough for a confidence and keep the output stable across platforms.
    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

extension AnalysisJSON {
    /// One probe as a JSON Lines record (`--format jsonl`), with the same names as the CSV probes table.
    public static func writeProbe(_ probe: ProbeRow, to json: inout JSONWriter) {
        let record = probe.record
        json.rawValue { out, cache in
            out.append("{\"time\":")
            cache.times.appendQuoted(record.time, fractional: true, to: &out)
            out.append(",\"host\":")
            out.appendOptionalJSONString(probe.host.isEmpty ? nil : probe.host)
            out.append(",\"action\":")
            out.appendJSONString(record.action.name)
            out.append(",\"src\":\"")
            out.appendAddress(record.source)
            out.append("\",\"dst\":\"")
            out.appendAddress(record.destination)
            out.append("\",\"proto\":\"")
            out.appendProtocolName(record.proto)
            out.append(UInt8(ascii: "\""))
            out.append(",\"spt\":")
            out.appendOptionalInteger(record.hasPorts ? record.sourcePort : nil)
            out.append(",\"dpt\":")
            out.appendOptionalInteger(record.hasPorts ? record.destinationPort : nil)
            out.append(",\"icmp_type\":")
            out.appendOptionalInteger(record.hasICMPType ? record.icmpType : nil)
            out.append(",\"flags\":")
            cache.appendQuotedNames(of: record.tcpFlags, to: &out)
            out.append(",\"ttl\":")
            out.appendInteger(record.ttl)
            out.append(",\"len\":")
            out.appendInteger(record.length)
            out.append(",\"prefix\":")
            out.appendJSONString(probe.prefix)
            out.append(",\"count\":")
            out.appendInteger(record.repeatCount)
            out.append(UInt8(ascii: "}"))
        }
        json.newline()
    }
}
