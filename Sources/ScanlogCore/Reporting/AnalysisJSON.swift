/// The whole analysis as one JSON document (schema 1, documented in the README).
public enum AnalysisJSON {
    public static let schemaVersion = 1

    public static func render(_ analysis: Analysis) -> String {
        var json = JSONWriter()
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
        json.arrayMember("ports") { json in
            for bucket in analysis.portsByProbes {
                json.beginObject()
                json.member("proto", bucket.key.proto.name)
                json.key("port"); json.optionalNumber(bucket.key.port)
                json.key("icmp_type"); json.optionalNumber(bucket.key.icmpType)
                json.member("probes", bucket.probes)
                json.member("sources", bucket.sourceCount)
                json.member("targets", bucket.targetCount)
                json.member("first_seen", bucket.seen.first?.rfc3339())
                json.member("last_seen", bucket.seen.last?.rfc3339())
                json.endObject()
            }
        }
        json.arrayMember("sources") { json in
            for bucket in analysis.sourcesByProbes {
                json.beginObject()
                json.member("ip", bucket.address.description)
                json.member("probes", bucket.probes)
                json.member("ports", bucket.portCount)
                json.member("targets", bucket.targetCount)
                json.member("first_seen", bucket.seen.first?.rfc3339())
                json.member("last_seen", bucket.seen.last?.rfc3339())
                json.endObject()
            }
        }
        json.endObject()
        return json.output + "\n"
    }
}
