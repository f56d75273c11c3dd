import Foundation
import Testing
@testable import ScanlogCore

/// The real kernel-written captures in `Fixtures/captures` (nmap, zmap, masscan, hping3 in network namespaces;
/// see MANIFEST.md) against `expected.json`, whose counts come from the kernel's own LOG-rule counters and an
/// independent grep of the files.
@Suite struct CaptureFixtureTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("captures")
    nonisolated(unsafe) static let expected: [String: Any] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()
    static var scans: [[String: Any]] { expected["scans"] as! [[String: Any]] }

    /// Where scanlog's verdict differs from the kind the capture was labelled with, and why that is right.
    static let kindExceptions: [String: (ScanKind?, String)] = [
        "ufw/slow-scan": (.verticalScan, "16 ports at 7.5 a minute crosses the 15-ports-in-5-minutes threshold: a small fast scan"),
        "nftables/nmap-udp": (.backgroundSweep, "8 UDP ports stay below the 15-port threshold"),
        "ufw/returning-recon-visit1": (nil, "the visits are minutes apart, not days: no returning recon can be seen"),
        "ufw/returning-recon-visit2": (nil, "the visits are minutes apart, not days"),
        "ufw/returning-recon-visit3": (nil, "the visits are minutes apart, not days"),
        "ufw/returning-recon-visit4": (nil, "the visits are minutes apart, not days"),
        "ufw-high/ssh-hammer": (nil, "ufw's rate limit logged 9 of the 60 attempts: too few to see hammering"),
    ]

    static func analyze(_ files: [String]) -> Analysis {
        var options = AnalysisOptions()
        options.year = 2026
        return Analysis.run(files.map { InputSpec(path: folder.appendingPathComponent($0).path) }, options: options)
    }

    @Test func everyFileIsCountedExactly() throws {
        let files = Self.expected["files"] as! [String: [String: Any]]
        #expect(files.count >= 10)
        for (name, facts) in files.sorted(by: { $0.key < $1.key }) {
            let analysis = Self.analyze([name])
            let accounting = analysis.accounting
            #expect(accounting.lines == facts["lines"] as! UInt64, "\(name) lines")
            #expect(accounting.recordLines == facts["firewall_lines"] as! UInt64, "\(name) firewall lines")
            #expect(accounting.ignoredTotal == facts["other_lines"] as! UInt64, "\(name) other lines")
            #expect(accounting.unparsedTotal == 0, "\(name) unparsed")
            #expect(analysis.inputs[0].isGzip == (facts["gzip"] as! Bool), "\(name) gzip")
        }
    }

    /// Per source, blocked lines in the files = scanlog's probes plus the retransmissions it folded.
    @Test func probesPerSourceMatchTheBlockedLines() {
        var blockedBySource: [[String]: [IPAddress: UInt64]] = [:]
        for scan in Self.scans {
            let files = scan["files"] as! [String]
            let byPrefix = scan["by_prefix"] as? [String: Int] ?? [:]
            let blocked = byPrefix.filter { PrefixAction.action(forPrefix: $0.key) == .blocked }.values.reduce(0, +)
            for source in scan["src"] as! [String] {
                // Scans from several sources (the distributed one) are counted per source below; skip them here.
                guard (scan["src"] as! [String]).count == 1 else { continue }
                blockedBySource[files, default: [:]][IPAddress(source)!, default: 0] += UInt64(blocked)
            }
        }
        var checked = 0
        for (files, expected) in blockedBySource {
            let analysis = Self.analyze(files)
            for (address, blocked) in expected {
                let bucket = analysis.aggregator.sourceIDs[address].map { analysis.aggregator.sources[Int($0)] }
                #expect((bucket?.probes ?? 0) + (bucket?.retransmissions ?? 0) == blocked, "\(files[0]) \(address)")
                checked += 1
            }
        }
        #expect(checked >= 60)
    }

    @Test func scannersComeOutAsWhatTheyAre() {
        var analyses: [[String]: Analysis] = [:]
        var checked = 0
        for scan in Self.scans {
            let id = scan["id"] as! String
            guard let label = scan["expected_kind"] as? String, let expectedKind = ScanKind(rawValue: label) else { continue }
            let files = scan["files"] as! [String]
            let analysis = analyses[files] ?? Self.analyze(files)
            analyses[files] = analysis
            var kinds = Set<ScanKind>()
            for source in scan["src"] as! [String] {
                let address = IPAddress(source)!
                if let verdict = analysis.verdict(address.description) { kinds.insert(verdict.kind) }
                for event in analysis.classification.events where event.sources.contains(address) { kinds.insert(event.kind) }
            }
            let alternatives = (scan["alt_kinds"] as? [String] ?? []).compactMap(ScanKind.init(rawValue:))
            if let (replacement, reason) = Self.kindExceptions[id] {
                if let replacement { #expect(kinds.contains(replacement), "\(id): \(reason)") }
                continue
            }
            if (scan["packets"] as? Int ?? 0) == 0 || kinds.isEmpty && (scan["by_prefix"] as? [String: Int] ?? [:]).keys.allSatisfy({ PrefixAction.action(forPrefix: $0) != .blocked }) {
                // Nothing logged, or only allowed connections: not probes, so no verdict.
                #expect(kinds.isEmpty || kinds.contains(expectedKind), "\(id)")
                continue
            }
            #expect(kinds.contains(expectedKind) || !kinds.isDisjoint(with: alternatives), "\(id): expected \(label), got \(kinds.map(\.rawValue))")
            checked += 1
        }
        #expect(checked >= 40)
    }

    @Test func rotatedSetComesOutInTimeOrder() throws {
        let files = ["ufw-traditional/ufw.log", "ufw-traditional/ufw.log.2.gz", "ufw-traditional/ufw.log.1", "ufw-traditional/ufw.log.3.gz"]
        let analysis = Self.analyze(files)
        #expect(analysis.inputs.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["ufw.log.3.gz", "ufw.log.2.gz", "ufw.log.1", "ufw.log"])
        #expect(analysis.inputs.map(\.isGzip) == [true, true, false, false])
        let facts = Self.expected["files"] as! [String: [String: Any]]
        // The first and last times of the set are those of the oldest and newest file.
        let first = Self.analyze(["ufw-traditional/ufw.log.3.gz"]).accounting.seen.first
        let last = Self.analyze(["ufw-traditional/ufw.log"]).accounting.seen.last
        #expect(analysis.accounting.seen.first == first && analysis.accounting.seen.last == last)
        #expect(analysis.accounting.lines == files.map { facts[$0]!["lines"] as! UInt64 }.reduce(0, +))
        // The same lines in the RFC 3339 copy give the same probes and verdicts.
        let rfc = Self.analyze(["rfc3339/kern.log", "rfc3339/kern.log.1", "rfc3339/kern.log.2.gz", "rfc3339/kern.log.3.gz"])
        #expect(rfc.accounting.probes == analysis.accounting.probes)
        #expect(rfc.classification.events.map(\.kind) == analysis.classification.events.map(\.kind))
    }
}
