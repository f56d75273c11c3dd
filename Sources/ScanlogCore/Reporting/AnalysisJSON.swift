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
        json.arrayMember("ports") { json in
            for bucket in analysis.portsByProbes {
                json.beginObject()
                writePortKey(bucket.key, to: &json)
                let info = PortDescription(bucket.key)
                json.member("service", info.service)
                json.member("status", info.status)
                json.member("note", info.note)
                let verdict = classification.ports[bucket.key]
                json.member("class", verdict?.verdict.rawValue)
                json.arrayMember("evidence") { json in for line in verdict?.evidence ?? [] { json.string(line) } }
                json.member("probes", bucket.probes)
                json.member("sources", bucket.sourceCount)
                json.member("targets", bucket.targetCount)
                json.member("first_seen", bucket.seen.first?.rfc3339())
                json.member("last_seen", bucket.seen.last?.rfc3339())
                json.endObject()
            }
        }
        json.arrayMember("sources") { json in
            for id in analysis.sourceIDsByProbes {
                let bucket = analysis.aggregator.sources[Int(id)]
                json.beginObject()
                json.member("ip", bucket.address.description)
                json.member("probes", bucket.probes)
                json.member("ports", bucket.portCount)
                json.member("targets", bucket.targetCount)
                json.member("first_seen", bucket.seen.first?.rfc3339())
                json.member("last_seen", bucket.seen.last?.rfc3339())
                json.member("visits", bucket.visits)
                json.member("days", bucket.days.count)
                json.member("retransmissions", bucket.retransmissions)
                let verdict = classification.verdict(forSource: id)
                json.member("class", verdict?.threatClass.rawValue)
                json.member("kind", verdict?.kind.rawValue)
                json.key("confidence"); if let verdict { json.number(rounded(verdict.confidence)) } else { json.null() }
                json.member("fingerprint", verdict?.fingerprint?.name)
                json.arrayMember("evidence") { json in for line in verdict?.evidence ?? [] { json.string(line) } }
                json.member("event", verdict?.eventID)
                json.endObject()
            }
        }
        if let history = analysis.history { writeHistory(history, to: &json) }
        json.endObject()
        json.newline()
        json.finish()
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
        json.beginObject()
        json.member("time", record.time?.rfc3339(fractional: true))
        json.member("host", probe.host.isEmpty ? nil : probe.host)
        json.member("action", record.action.name)
        json.member("src", record.source.description)
        json.member("dst", record.destination.description)
        json.member("proto", record.proto.name)
        json.key("spt"); json.optionalNumber(record.hasPorts ? record.sourcePort : nil)
        json.key("dpt"); json.optionalNumber(record.hasPorts ? record.destinationPort : nil)
        json.key("icmp_type"); json.optionalNumber(record.hasICMPType ? record.icmpType : nil)
        json.member("flags", record.tcpFlags.names)
        json.member("ttl", record.ttl)
        json.member("len", record.length)
        json.member("prefix", probe.prefix)
        json.member("count", record.repeatCount)
        json.endObject()
        json.newline()
    }
}
