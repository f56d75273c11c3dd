import Foundation
import Testing
@testable import ScanlogCore

/// Pins real registry rows, the lookup rules and the analyst notes.
@Suite("PortKnowledge")
struct PortKnowledgeTests {
    let registry = PortRegistry.shared

    @Test func ptkAlinkIsAssignedAndSweptDaily() {
        let info = registry.lookup(port: 3089, proto: .tcp)
        #expect(info.service == "ptk-alink")
        #expect(info.description == "ParaTek Agent Linking")
        #expect(info.status == .assigned)
        #expect(info.commonlyScanned)
        #expect(info.summary == "ptk-alink — ParaTek Agent Linking (assigned; swept daily by mass scanners)")
        #expect(info.explanation.hasPrefix("3089/tcp  ptk-alink"))
        #expect(info.explanation.contains("isc.sans.edu"))
    }

    @Test func realTimeEventPorts() {
        let event = registry.lookup(port: 3706, proto: .tcp)
        #expect(event.service == "rt-event")
        #expect(event.description == "Real-Time Event Port")
        #expect(event.notes.contains { $0.category == .dormant })
        let secure = registry.lookup(port: 3707, proto: .udp)
        #expect(secure.service == "rt-event-s")
        #expect(secure.description == "Real-Time Event Secure Port")
        #expect(secure.registered == "2003-02")
    }

    @Test func port3126IsUnassignedSince2007() {
        for proto in [IPProtocol.tcp, .udp] {
            let info = registry.lookup(port: 3126, proto: proto)
            #expect(info.status == .unassigned)
            #expect(info.service == nil)
            #expect(info.modified == "2007-10-04")
            #expect(info.entry?.proto == nil)  // the row names no transport
            #expect(info.notes.contains { $0.category == .formerName && $0.text.contains(".NETster") })
        }
    }

    @Test func redisOnTCPButReservedOnUDP() {
        let tcp = registry.lookup(port: 6379, proto: .tcp)
        #expect(tcp.service == "redis")
        #expect(tcp.registered == "2015-04-23")
        #expect(tcp.status == .assigned)
        #expect(tcp.notes.contains { $0.category == .exposedService })
        let udp = registry.lookup(port: 6379, proto: .udp)
        #expect(udp.status == .reserved)
        #expect(udp.service == nil)
        #expect(udp.summary == "Reserved")
    }

    @Test func unauthorizedUseIsKept() {
        let info = registry.lookup(port: 5555, proto: .tcp)
        #expect(info.service == "personal-agent")
        #expect(info.unauthorizedUse == "Known UNAUTHORIZED USEs on port 5555")
        #expect(info.notes.contains { $0.text.contains("ADB.Miner") })
        #expect(info.explanation.contains("Known UNAUTHORIZED USEs"))
    }

    @Test func dynamicRange() {
        let info = registry.lookup(port: 50000, proto: .tcp)
        #expect(info.status == .dynamic)
        #expect(info.entry == nil)
        #expect(!info.commonlyScanned)
        #expect(info.summary == "Dynamic/private port (RFC 6335)")
        let realtek = registry.lookup(port: 52869, proto: .tcp)
        #expect(realtek.status == .dynamic)
        #expect(realtek.commonlyScanned)
        #expect(registry.lookup(port: 65535, proto: .udp).status == .dynamic)
        #expect(registry.lookup(port: 49151, proto: .tcp).status != .dynamic)
    }

    @Test func rainbowSixVegasRangeIsUDPOnly() {
        let udp = registry.lookup(port: 3100, proto: .udp)
        #expect(udp.service == "opcon-xps")
        #expect(udp.notes.contains { $0.ports == 3074...3174 && $0.text.contains("Rainbow Six Vegas") })
        #expect(!registry.lookup(port: 3100, proto: .tcp).notes.contains { $0.ports == 3074...3174 })
        #expect(registry.lookup(port: 3175, proto: .udp).notes.allSatisfy { $0.ports != 3074...3174 })
        let xbox = registry.lookup(port: 3074, proto: .udp)
        #expect(xbox.service == "xbox")
        #expect(xbox.notes.count == 2)
    }

    @Test func portWithoutRowForOneProtocolIsNotListed() {
        #expect(registry.lookup(port: 2376, proto: .tcp).service == "docker-s")
        let udp = registry.lookup(port: 2376, proto: .udp)
        #expect(udp.status == .notListed)
        #expect(udp.entry == nil)
        #expect(udp.summary == "Not listed by IANA for udp")
        #expect(registry.lookup(port: 3089, proto: .sctp).status == .notListed)
        #expect(registry.lookup(port: 9, proto: IPProtocol(transportName: "dccp")!).service == "discard")
    }

    @Test func rangeRows() {
        let huawei = registry.lookup(port: 37215, proto: .tcp)
        #expect(huawei.status == .unassigned)
        #expect(huawei.registryPorts == 36866...37471)
        #expect(huawei.notes.contains { $0.text.contains("CVE-2017-17215") })
        #expect(huawei.summary.hasPrefix("Unassigned (Huawei HG532"))
        let x11 = registry.lookup(port: 6010, proto: .tcp)
        #expect(x11.service == "x11")
        #expect(x11.registryPorts == 6000...6063)
        #expect(registry.lookup(port: 6064, proto: .tcp).service != "x11")
    }

    @Test func overlappingRowsPreferTheProtocolRow() {
        // 7748-7776 is an unassigned range for every transport, but 7775/tcp is assigned on its own row.
        let tcp = registry.entries(port: 7775, proto: .tcp)
        #expect(tcp.map(\.service) == ["inetfs", nil])
        #expect(registry.lookup(port: 7775, proto: .tcp).service == "inetfs")
        #expect(registry.lookup(port: 7775, proto: .udp).status == .reserved)
        #expect(registry.entries(port: 7776, proto: .tcp).map(\.ports) == [7748...7776, 7776...7776])
    }

    @Test func aliasesFollowThePrimaryName() {
        let http = registry.lookup(port: 80, proto: .tcp)
        #expect(http.service == "http")
        #expect(http.aliases == ["www", "www-http"])
        #expect(http.commonlyScanned)
    }

    @Test func statusIsDerivedFromTheDescription() {
        #expect(registry.lookup(port: 15, proto: .tcp).status == .unassigned)  // "Unassigned [was netstat]"
        #expect(registry.lookup(port: 585, proto: .tcp).status == .unassigned)  // "De-registered"
        #expect(registry.lookup(port: 0, proto: .udp).status == .reserved)
        #expect(registry.lookup(port: 24, proto: .tcp).status == .assigned)  // "any private mail system"
    }

    @Test func everyCSVRowBecomesOneEntry() {
        #expect(registry.allEntries.count == IANARegistry.rowCount)
        #expect(IANARegistry.version >= "2026-02-25")
    }

    @Test func binarySearchMatchesALinearScan() {
        for proto in IPProtocol.registryTransports {
            // Rows for this transport first, then rows for any transport, each in registry order.
            let candidates = registry.allEntries.filter { $0.proto == proto } + registry.allEntries.filter { $0.proto == nil }
            for port in stride(from: 0, through: 65535, by: 61).map(UInt16.init) {
                let linear = candidates.filter { $0.ports.contains(port) }
                #expect(registry.entries(port: port, proto: proto) == linear, "\(port)/\(proto.transportName)")
            }
        }
    }

    /// The primary row comes from a table by port: it must be the row that the rule picks among the rows that
    /// cover the port. The choice can only change at a row's bounds, so those ports (and their neighbours) are
    /// all checked, for every transport.
    @Test func primaryRowTableMatchesTheRule() {
        for proto in IPProtocol.registryTransports {
            let specific = registry.allEntries.filter { $0.proto == proto }
            let general = registry.allEntries.filter { $0.proto == nil }
            var ports = Set<UInt16>([0, 65535])
            for row in specific + general {
                for bound in [Int(row.ports.lowerBound) - 1, Int(row.ports.lowerBound), Int(row.ports.upperBound), Int(row.ports.upperBound) + 1]
                where (0...65535).contains(bound) {
                    ports.insert(UInt16(bound))
                }
            }
            // The rows covering the port in registry order (`entries`, checked against a scan above): the first
            // assigned row, else the first row; rows for the transport first.
            func rule(_ covering: [RegistryEntry]) -> RegistryEntry? {
                covering.first { $0.status == .assigned } ?? covering.first
            }
            for port in ports.sorted() {
                let covering = registry.entries(port: port, proto: proto)
                let expected = rule(covering.filter { $0.proto == proto }) ?? rule(covering.filter { $0.proto == nil })
                #expect(registry.status(port: port, proto: proto).entry == expected, "\(port)/\(proto.transportName)")
                #expect(registry.lookup(port: port, proto: proto).entry == expected, "\(port)/\(proto.transportName)")
            }
        }
    }

    @Test func decodesTheCompactFormat() {
        let entries = IANARegistry.parse("tu\t7\t\ta\techo\tEcho\n\t10\t12\tu\t\tUnassigned\t\t2007-10-04\nbad\n")
        #expect(entries.count == 3)
        #expect(entries.map(\.proto) == [.tcp, .udp, nil])
        #expect(entries[2].ports == 10...12)
        #expect(entries[2].modified == "2007-10-04")
        #expect(entries[2].registered == nil)
        #expect(entries[2].service == nil)
    }

    @Test func jsonHasTheSummaryAndNotes() throws {
        let json = try JSONEncoder().encode(registry.lookup(port: 445, proto: .tcp))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["service"] as? String == "microsoft-ds")
        #expect(object["proto"] as? String == "tcp")
        #expect(object["commonlyScanned"] as? Bool == true)
        #expect((object["notes"] as? [Any])?.isEmpty == false)
    }

    @Test func everyNoteHasASource() {
        for note in AnalystNotes.all {
            #expect(!note.source.isEmpty && !note.short.isEmpty && !note.text.isEmpty, "\(note.scope)")
        }
    }

    /// Re-reads IANA's CSV independently and checks that every port row is found with its name and description.
    @Test func everyCSVRowIsFound() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let csvURL = packageRoot.appendingPathComponent("../shared/data/iana/service-names-port-numbers.csv")
            .standardizedFileURL
        guard FileManager.default.fileExists(atPath: csvURL.path) else {
            print("PortKnowledgeTests: skipping CSV cross-check, \(csvURL.path) is absent")
            return
        }
        let rows = try CSVReader.rows(String(contentsOf: csvURL, encoding: .utf8))
        let header = try #require(rows.first)
        let column = { (name: String) throws -> Int in try #require(header.firstIndex(of: name)) }
        let (nameColumn, portColumn, protoColumn, descriptionColumn) =
            (try column("Service Name"), try column("Port Number"), try column("Transport Protocol"),
             try column("Description"))
        var checked = 0
        for row in rows.dropFirst() where row.count == header.count && !row[portColumn].isEmpty {
            let bounds = row[portColumn].split(separator: "-").compactMap { UInt16($0) }
            let ports = try #require(bounds.first)...(try #require(bounds.last))
            let proto = row[protoColumn].isEmpty ? nil : IPProtocol(transportName: row[protoColumn])
            let name = collapse(row[nameColumn])
            let description = collapse(row[descriptionColumn])
            for port in Set([ports.lowerBound, ports.upperBound]) {
                let found = registry.entries(port: port, proto: proto ?? .tcp).contains {
                    $0.proto == proto && $0.ports == ports && ($0.service ?? "") == name && $0.description == description
                }
                #expect(found, "\(row[portColumn])/\(row[protoColumn]) \(name) not found")
            }
            checked += 1
        }
        #expect(checked == IANARegistry.rowCount)
    }

    private func collapse(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines.
private enum CSVReader {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\r": break
            case "\n": row.append(field); rows.append(row); row = []; field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
