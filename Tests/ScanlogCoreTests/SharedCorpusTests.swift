import Foundation
import Testing
@testable import ScanlogCore

/// Reads every file of `../shared/corpus` (~25,000 real lines from public projects and hosts) when it exists.
///
/// Every line must land in exactly one counter, no firewall line may be unparsed (except the few lines listed
/// in `knownDamaged`, each damaged in its source), and each record's addresses and ports must equal an
/// independent, naive reading of the same line.
@Suite(.enabled(if: TestPaths.shared != nil, "../shared/corpus is not beside this checkout: skipping the corpus tests"))
struct SharedCorpusTests {
    /// Lines that are unparsed on purpose, with why: file, line number, reason.
    static let knownDamaged: [String: [Int: UnparsedReason]] = [
        // The original file has "SRC=127.0.0.53 DS.189.91.96": DST= lost where two writes collided.
        // Lines 48 and 52 of the original are two kernel lines run together ("LEN=5T=127.0.0.1 ... DPT=39933").
        "AlfonsoDeUna-ISO-ufw.log": [48: .missingAddress, 52: .damaged],
        // crowdsec's deliberate negative: "XX=enp1s0" instead of "IN=".
        "crowdsec-hub-iptables-logs.log": [3: .splitLine],
        // EdgeOS remote syslog cut these lines into pieces ("kernel: TTL=126 ...", "kernel: L=126 ...").
        "elastic-integrations-iptables-test-ubiquiti.log": [6: .splitLine, 7: .splitLine, 8: .splitLine, 9: .splitLine, 10: .splitLine, 11: .splitLine],
        // A document wrapped one FINAL_REJECT line over two physical lines.
        "misc-docs-excerpts.log": [3: .missingProtocol, 4: .splitLine],
    ]

    struct ParsedLine {
        let number: Int
        let text: String
        let outcome: LineOutcome
        let record: FirewallRecord
    }

    static var corpusFiles: [URL] {
        guard let shared = TestPaths.shared else { return [] }
        let folder = shared.appendingPathComponent("corpus")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasSuffix(".md") && $0 != "expected" }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Reads a corpus file through the real input, framing and parsing code, keeping every line's outcome.
    static func parseFile(_ url: URL) throws -> [ParsedLine] {
        var opened = try InputOpener.open(InputSpec(path: url.path))
        defer { opened.close() }
        var parser = makeParser()
        var framer = LineFramer()
        defer { framer.deallocate() }
        var lines: [ParsedLine] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        func handle(_ line: LineFramer.Line) {
            var record = FirewallRecord()
            let outcome = line.wasCut ? .unparsed(.tooLong) : parser.parse(line.bytes, into: &record)
            lines.append(ParsedLine(number: line.number, text: String(decoding: line.bytes, as: UTF8.self), outcome: outcome, record: record))
        }
        while true {
            let count = try buffer.withUnsafeMutableBytes { try opened.source.read(into: $0) }
            if count == 0 { break }
            buffer.withUnsafeBytes { framer.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count]), handle) }
        }
        framer.finish(handle)
        return lines
    }

    /// The decompressed bytes, by the system's gzip when the file is gzip.
    static func rawBytes(_ url: URL) throws -> Data {
        let data = try Data(contentsOf: url)
        guard data.starts(with: [0x1f, 0x8b]) else { return data }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return output
    }

    @Test(arguments: corpusFiles)
    func everyLineIsAccountedForAndNoFirewallLineIsLost(_ url: URL) throws {
        let name = url.lastPathComponent
        let lines = try Self.parseFile(url)
        // Independent line count: newlines, plus a final line without one.
        let raw = try Self.rawBytes(url)
        let newlines = raw.filter { $0 == 0x0A }.count
        #expect(lines.count == newlines + (raw.last.map { $0 == 0x0A ? 0 : 1 } ?? 0), "line count of \(name)")

        let allowed = Self.knownDamaged[name] ?? [:]
        for line in lines {
            switch line.outcome {
            case .unparsed(let reason):
                #expect(allowed[line.number] == reason, "\(name):\(line.number) unparsed (\(reason.rawValue)): \(line.text)")
            case .ignored(let reason):
                // A line with the kernel's IN=/OUT= pair and SRC=/DST= is a firewall line and must not be ignored
                // (journal export fields and kernel TRUNCATED lines aside).
                let looksLikeFirewall = line.text.contains("OUT=") && line.text.contains(" SRC=") && line.text.contains(" DST=")
                #expect(!looksLikeFirewall || reason == .journalField, "\(name):\(line.number) ignored as \(reason.rawValue): \(line.text)")
            case .record:
                checkAgainstNaiveReading(line, file: name)
            }
        }
        for (number, reason) in allowed {
            #expect(lines.first { $0.number == number }?.outcome == .unparsed(reason), "\(name):\(number) should be unparsed as \(reason.rawValue)")
        }
    }

    /// Compares a record with the first `SRC=`, `DST=`, `PROTO=` and `DPT=` tokens after `IN=`/`OUT=`, read with
    /// plain string operations (and before any ICMP quote).
    func checkAgainstNaiveReading(_ line: ParsedLine, file: String) {
        var text = line.text
        if let json = text.range(of: "\"MESSAGE\":\"") { text = String(text[json.upperBound...]) }
        guard let anchor = text.range(of: "IN=") ?? text.range(of: "OUT=") else {
            // ulogd JSON: fields by name.
            return
        }
        var body = String(text[anchor.lowerBound...])
        if let quote = body.range(of: "[SRC=") { body = String(body[..<quote.lowerBound]) }
        let tokens = body.split(separator: " ")
        func value(_ key: String) -> String? {
            tokens.first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        let location = "\(file):\(line.number)"
        if let source = value("SRC") { #expect(IPAddress(source) == line.record.source, "\(location) SRC") }
        if let destination = value("DST") {
            #expect(IPAddress(destination.trimmingCharacters(in: CharacterSet(charactersIn: "\""))) == line.record.destination, "\(location) DST")
        }
        if let port = value("DPT") { #expect(UInt16(port) == line.record.destinationPort, "\(location) DPT") }
        if let proto = value("PROTO") {
            #expect(IPProtocol(name: proto)?.number == line.record.proto.number || proto == "ICMPv6" && line.record.proto == .icmpv6, "\(location) PROTO \(proto)")
        }
    }

    /// Field values that crowdsec's own parser tests expect for the same lines (s01-parse stage).
    @Test func crowdsecExpectedFields() throws {
        let shared = try #require(TestPaths.shared)
        for (log, assertions) in [
            ("crowdsec-hub-iptables-logs.log", "crowdsec-hub-iptables-logs.parser.assert"),
            ("crowdsec-hub-proxmox-iptables.log", "crowdsec-hub-proxmox-iptables.parser.assert"),
        ] {
            let lines = try Self.parseFile(shared.appendingPathComponent("corpus/\(log)"))
            let records = lines.filter { $0.outcome == .record }
            let text = try String(contentsOf: shared.appendingPathComponent("corpus/expected/\(assertions)"), encoding: .utf8)
            var checked = 0
            // results["s01-parse"]["parser"][INDEX].Evt.Parsed["field"] == "value"; INDEX counts parsed lines.
            let pattern = try NSRegularExpression(pattern: #"results\["s01-parse"\]\["[^"]+"\]\[(\d+)\]\.Evt\.Parsed\["(src_ip|dst_ip|dst_port|src_port|proto)"\] == "([^"]*)""#)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let index = Int(text[Range(match.range(at: 1), in: text)!])!
                let field = String(text[Range(match.range(at: 2), in: text)!])
                let expected = String(text[Range(match.range(at: 3), in: text)!])
                guard index < records.count else { continue }
                let record = records[index].record
                switch field {
                case "src_ip": #expect(record.source == IPAddress(expected), "\(log) #\(index) src_ip")
                case "dst_ip": #expect(record.destination == IPAddress(expected), "\(log) #\(index) dst_ip")
                case "dst_port": #expect(String(record.destinationPort) == expected, "\(log) #\(index) dst_port")
                case "src_port": #expect(String(record.sourcePort) == expected, "\(log) #\(index) src_port")
                default: #expect(record.proto.name == expected.lowercased(), "\(log) #\(index) proto")
                }
                checked += 1
            }
            #expect(checked >= 5, "\(assertions): expected fields checked")
        }
    }

    /// The whole corpus through `Analysis.run`: the totals balance and every firewall record is counted.
    @Test func wholeCorpusBalances() {
        let analysis = Analysis.run(Self.corpusFiles.map { InputSpec(path: $0.path) })
        #expect(analysis.accounting.isBalanced)
        #expect(analysis.accounting.lines > 20_000)
        #expect(analysis.accounting.unparsedTotal == UInt64(Self.knownDamaged.values.map(\.count).reduce(0, +)))
        #expect(!analysis.hadInputErrors)
    }
}
