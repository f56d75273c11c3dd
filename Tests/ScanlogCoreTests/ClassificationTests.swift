import Foundation
import Testing
@testable import ScanlogCore
import ScanlogTestSupport

/// Builds kernel lines for a scenario and classifies them, as `scanlog analyze` would.
struct ScenarioLog {
    var lines: [String] = []
    let start = utc("2026-11-01T00:00:00Z")

    /// A ufw line at `offset` seconds after the start.
    mutating func probe(_ offset: Int64, src: String, dst: String = "192.0.2.20", dpt: Int, spt: Int = 40000,
                        proto: String = "TCP", flags: String = "SYN", prefix: String = "[UFW BLOCK] ", id: Int = 1234, window: Int = 65535) {
        let time = Timestamp(seconds: start + offset).rfc3339()
        let transport = proto == "UDP"
            ? "PROTO=UDP SPT=\(spt) DPT=\(dpt) LEN=20 "
            : "PROTO=TCP SPT=\(spt) DPT=\(dpt) WINDOW=\(window) RES=0x00 \(flags.isEmpty ? "" : flags + " ")URGP=0 "
        lines.append("\(time) web1 kernel: \(prefix)IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=\(src) DST=\(dst) LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=\(id) \(transport)")
    }

    /// Background noise: `count` sources, each one or two probes on popular ports, spread over `days`.
    mutating func noise(count: Int, days: Int = 1, seed: UInt64 = 7, targets: [String] = ["192.0.2.20"]) {
        var generator = SeededGenerator(seed: seed)
        let popular = [23, 22, 80, 443, 445, 3389, 8080, 2323, 5555, 6379, 1433, 3306]
        for index in 0..<count {
            let src = "203.0.\(113 + index / 250 % 10).\(index % 250 + 1)"
            let at = Int64.random(in: 0..<Int64(days * 86400), using: &generator)
            for repeatIndex in 0..<Int.random(in: 1...2, using: &generator) {
                probe(at + Int64(repeatIndex * 7), src: src, dst: targets.randomElement(using: &generator)!, dpt: popular.randomElement(using: &generator)!, spt: 30000 + index)
            }
        }
    }

    func analyze(config: ClassifierConfig = ClassifierConfig()) -> Analysis {
        var parser = makeParser()
        var analysis = Analysis()
        var record = FirewallRecord()
        let sorted = lines.sorted()
        for line in sorted {
            var bytes = Array(line.utf8)
            let outcome = bytes.withUnsafeMutableBytes { parser.parse(UnsafeRawBufferPointer($0), into: &record) }
            analysis.aggregator.count(outcome, record: record, where: "test")
        }
        analysis.classification = Classification.classify(analysis.aggregator, config: config)
        return analysis
    }
}

extension Analysis {
    func verdict(_ address: String) -> SourceVerdict? {
        aggregator.sourceIDs[IPAddress(address)!].flatMap { classification.verdict(forSource: $0) }
    }
}

@Suite struct ClassificationTests {
    /// Classifying in two halves on two threads (`parallel`, for `--jobs 2`) gives every verdict, event and
    /// port verdict that one thread gives: with targeted sources and own networks in both halves.
    @Test func twoThreadsJudgeAsOne() throws {
        var log = ScenarioLog()
        for index in 0..<20_000 {
            log.probe(Int64(index * 4), src: "100.\(index / 62_500).\(index / 250 % 250).\(index % 250 + 1)",
                      dpt: [23, 22, 80, 8080, 5555][index % 5], spt: 30000 + index % 20000, id: index % 7 == 0 ? 54321 : 1234)
        }
        for port in 1...100 { log.probe(3600 + Int64(port), src: "198.51.100.10", dpt: port, window: 1024) }
        for port in 1...100 { log.probe(70_000 + Int64(port), src: "198.51.100.11", dpt: port, window: 1024) }
        var config = ClassifierConfig()
        config.ownNetworks = [try #require(Network("100.0.3.0/24")), try #require(Network("100.0.70.0/24"))]
        let analysis = log.analyze(config: config)
        let one = analysis.classification
        let two = Classification.classify(analysis.aggregator, config: config, parallel: true)
        #expect(analysis.aggregator.sources.count > 1 << 14)
        #expect(one.ownSources == 500 && two.ownSources == one.ownSources)
        #expect(two.sources.count == one.sources.count)
        for id in one.sources.indices {
            let (a, b) = (one.sources[id], two.sources[id])
            #expect(a?.threatClass == b?.threatClass && a?.kind == b?.kind && a?.confidence == b?.confidence
                && a?.fingerprint == b?.fingerprint && a?.evidence == b?.evidence && a?.eventID == b?.eventID, "source \(id)")
        }
        let targeted = ["198.51.100.10", "198.51.100.11"].compactMap { analysis.aggregator.sourceIDs[IPAddress($0)!] }
        #expect(targeted.count == 2 && targeted.allSatisfy { two.sources[Int($0)]?.threatClass == .targeted })
        #expect(targeted[0] < UInt32(one.sources.count / 2) && targeted[1] >= UInt32(one.sources.count / 2))
        #expect(two.events.map { "\($0.id) \($0.kind) \($0.sources) \($0.evidence)" } == one.events.map { "\($0.id) \($0.kind) \($0.sources) \($0.evidence)" })
        for key in analysis.aggregator.ports.keys {
            #expect(two.ports[key]?.evidence == one.ports[key]?.evidence && two.ports[key]?.verdict == one.ports[key]?.verdict)
        }
    }

    /// Classification and report rows read buckets through views that hold no reference to the table; a verdict
    /// handed out (or stored whole) must hold it, so that it can still word its evidence after the analysis.
    @Test func keptVerdictsHoldTheirTable() throws {
        var log = ScenarioLog()
        log.noise(count: 50, days: 1)
        var kept: [SourceVerdict] = []
        var words: [[String]] = []
        do {
            let analysis = log.analyze()
            var verdicts = analysis.classification.sources
            let quiet = try #require(verdicts.indices.first { verdicts[$0]?.derivedFrom != nil })
            // A view's verdict, changed so that it is stored whole: it must take a counted bucket along.
            var changed = try #require(verdicts.view(quiet))
            #expect(changed.derivedFrom?.keepsStorage == false)
            changed.eventID = "E9"
            verdicts[quiet] = changed
            for verdict in [verdicts[quiet], analysis.classification.sources[quiet]] {
                let verdict = try #require(verdict)
                #expect(verdict.derivedFrom?.keepsStorage == true)
                kept.append(verdict)
                words.append(verdict.evidence)
            }
        }
        #expect(kept.map(\.evidence) == words && words[0] == words[1] && !words[0].isEmpty)
    }

    /// `SourceClassifier.judge` skips the features of a source only when `classify` would find it quiet with the
    /// same confidence and fingerprint: checked on every source of the fixtures, the shared corpus when present,
    /// and a scenario with every kind of source, under the default thresholds and under thresholds so low that
    /// small sources take every rule.
    @Test func sourcesJudgedAtAGlanceAreQuietWhenClassified() throws {
        var analyses: [Analysis] = [CompactVerdictTests.analysis()]
        var log = ScenarioLog()
        log.noise(count: 300, days: 4, targets: (20..<30).map { "192.0.2.\($0)" })
        for day in 0..<4 { for port in [22, 23] { log.probe(Int64(day * 86400 + port), src: "198.51.100.20", dpt: port) } }
        for index in 0..<40 { log.probe(3600 + Int64(index), src: "198.51.100.30", dpt: 3389, spt: 42000 + index) }
        for index in 0..<10 { log.probe(600 + Int64(index), src: "198.51.100.40", dst: "192.0.2.\(20 + index)", dpt: 445) }
        for index in 0..<5 { log.probe(900 + Int64(index), src: "198.51.100.50", dpt: 80, flags: "ACK RST") }
        analyses.append(log.analyze())
        // Each capture's logs as one analysis (one host's local addresses), and the shared corpus as another.
        var logSets: [[URL]] = []
        let captures = TestPaths.fixtures.appendingPathComponent("captures")
        for folder in ["demo", "nftables", "rfc3339", "ufw-high", "ufw-traditional"] {
            let directory = captures.appendingPathComponent(folder)
            logSets.append(try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil))
        }
        if let shared = TestPaths.shared {
            let corpus = shared.appendingPathComponent("corpus")
            logSets.append(try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil).filter { $0.pathExtension != "md" })
        } else {
            print("sourcesJudgedAtAGlanceAreQuietWhenClassified: ../shared/corpus not found, checking the fixtures and scenarios only")
        }
        var options = AnalysisOptions()
        options.year = 2025
        for logs in logSets { analyses.append(Analysis.run(logs.map { InputSpec(path: $0.path) }, options: options)) }

        var eager = ClassifierConfig()
        (eager.verticalPorts, eager.slowVerticalPorts, eager.hammeringProbes, eager.returningDays) = (2, 2, 2, 1)
        (eager.sweepTargets, eager.institutionalPorts, eager.institutionalDays, eager.backscatterShare) = (1, 2, 1, 0.3)
        var glanced = 0, classified = 0
        for analysis in analyses {
            let aggregator = analysis.aggregator
            let allowed = AllowedTraffic(aggregator)
            for config in [ClassifierConfig(), eager] {
                let classifier = SourceClassifier(config: config, aggregator: aggregator, localAddresses: aggregator.targets.count, provisional: false)
                for id in aggregator.sources.indices {
                    let features = SourceFeatures(id: UInt32(id), buckets: aggregator.sources, allowedTraffic: allowed, window: config.verticalWindowSeconds)
                    guard !classifier.mayHoldARule(features.bucket) else {
                        classified += 1
                        continue
                    }
                    glanced += 1
                    guard case .quiet(let highConfidence, let fingerprint) = classifier.classify(features) else {
                        Issue.record("source \(features.bucket.address) judged quiet at a glance, but a rule holds")
                        continue
                    }
                    #expect(highConfidence == (features.portCount <= config.sweepMaxPorts && features.bucket.visits <= 2))
                    #expect(fingerprint == features.bucket.dominantFingerprint)
                }
            }
        }
        // Both paths were taken, many times.
        #expect(glanced > 1000)
        #expect(classified > 100)
    }

    @Test func fastVerticalScanIsTargetedWithEvidence() throws {
        var log = ScenarioLog()
        log.noise(count: 300, days: 2)
        for port in 1...100 { log.probe(3600 + Int64(port), src: "198.51.100.10", dpt: port, window: 1024) }
        let analysis = log.analyze()
        let verdict = try #require(analysis.verdict("198.51.100.10"))
        #expect(verdict.threatClass == .targeted && verdict.kind == .verticalScan)
        #expect(verdict.evidence.first?.contains("100 ports on 192.0.2.20 in 1m39s; threshold 15 in 5m00s") == true)
        #expect(verdict.eventID == "E1")
        #expect(analysis.classification.events.count == 1)
        // The noise stays noise.
        let noise = analysis.classification.sources.compactMap { $0 }.filter { $0.threatClass == .targeted }
        #expect(noise.count == 1)
    }

    @Test func slowVerticalScanOverDays() throws {
        var log = ScenarioLog()
        log.noise(count: 200, days: 3)
        for (index, port) in (1...60).map({ $0 * 17 }).enumerated() { log.probe(Int64(index) * 1200, src: "198.51.100.11", dpt: port) }
        let verdict = try #require(log.analyze().verdict("198.51.100.11"))
        #expect(verdict.threatClass == .targeted && verdict.kind == .slowVerticalScan)
        #expect(verdict.evidence.contains { $0.contains("below the fast-scan threshold") })
    }

    @Test func serviceHammeringWithRetransmissionsFolded() throws {
        var log = ScenarioLog()
        for attempt in 0..<120 {
            log.probe(Int64(attempt * 30), src: "198.51.100.12", dpt: 2222, spt: 50000 + attempt)
            // A SYN retransmission one second later from the same source port: not a new probe.
            if attempt % 4 == 0 { log.probe(Int64(attempt * 30 + 1), src: "198.51.100.12", dpt: 2222, spt: 50000 + attempt) }
        }
        let analysis = log.analyze()
        let verdict = try #require(analysis.verdict("198.51.100.12"))
        #expect(verdict.kind == .serviceHammering && verdict.threatClass == .targeted)
        let bucket = analysis.aggregator.sources[Int(analysis.aggregator.sourceIDs[IPAddress("198.51.100.12")!]!)]
        #expect(bucket.probes == 120 && bucket.retransmissions == 30)
        #expect(analysis.accounting.probes == 150)
    }

    @Test func backgroundSweepersStayBackground() {
        var log = ScenarioLog()
        log.noise(count: 2000, days: 7)
        let analysis = log.analyze()
        let verdicts = analysis.classification.sources.compactMap { $0 }
        #expect(verdicts.count == 2000)
        #expect(verdicts.allSatisfy { $0.threatClass == .background })
        #expect(analysis.classification.events.isEmpty)
        #expect(verdicts.allSatisfy { !$0.evidence.isEmpty })
    }

    @Test func backscatterIsRecognised() throws {
        var log = ScenarioLog()
        for index in 0..<10 { log.probe(Int64(index * 60), src: "198.51.100.13", dpt: 40000 + index, spt: 80, flags: "ACK SYN") }
        let verdict = try #require(log.analyze().verdict("198.51.100.13"))
        #expect(verdict.kind == .backscatter && verdict.threatClass == .background && verdict.fingerprint == .backscatter)
    }

    @Test func distributedScanSplitsARange() throws {
        var log = ScenarioLog()
        log.noise(count: 100)
        // Six sources of one /24 split ports 1-600 of one host, 100 each, slowly enough that no member is a fast scan.
        for member in 0..<6 {
            for step in 0..<100 { log.probe(Int64(member * 300 + step * 60), src: "198.51.100.\(50 + member)", dpt: member * 100 + step + 1) }
        }
        let analysis = log.analyze()
        let event = try #require(analysis.classification.events.first { $0.kind == .distributedScan })
        #expect(event.sourceIDs.count == 6)
        #expect(event.ports.count == 600)
        #expect(event.evidence[0].contains("6 sources in 198.51.100.0/24 split 600 ports of 192.0.2.20"))
        #expect(analysis.verdict("198.51.100.53")?.kind == .distributedScan)
    }

    @Test func scatteredSiblingsAreAScanningNetwork() throws {
        var log = ScenarioLog()
        var generator = SeededGenerator(seed: 3)
        // Four sources of one /24 each probing 40 random high ports over three days.
        for member in 0..<4 {
            for step in 0..<40 {
                log.probe(Int64(step) * 6000 + Int64(member * 77), src: "192.0.2.\(200 + member)", dst: "198.51.100.1", dpt: Int.random(in: 10001...65535, using: &generator))
            }
        }
        let analysis = log.analyze()
        for member in 0..<4 {
            let verdict = try #require(analysis.verdict("192.0.2.\(200 + member)"))
            #expect(verdict.threatClass == .background && verdict.kind == .institutionalScanner)
        }
        #expect(analysis.classification.events.isEmpty)
    }

    @Test func returningReconComesBackOnSeveralDays() throws {
        var log = ScenarioLog()
        log.noise(count: 100, days: 6)
        for day in [0, 2, 3, 5] {
            log.probe(Int64(day * 86400 + 5000), src: "198.51.100.14", dpt: 22, spt: 41000 + day)
            log.probe(Int64(day * 86400 + 5010), src: "198.51.100.14", dpt: 8443, spt: 42000 + day)
        }
        log.probe(100, src: "192.0.2.99", dpt: 22, prefix: "[UFW ALLOW] ")
        let verdict = try #require(log.analyze().verdict("198.51.100.14"))
        #expect(verdict.kind == .returningRecon && verdict.threatClass == .targeted)
        #expect(verdict.evidence.contains { $0.contains("open here: 22/tcp") })
    }

    @Test func fingerprintsFromHeaderFields() throws {
        var log = ScenarioLog()
        log.probe(0, src: "198.51.100.20", dpt: 80, id: 54321)
        log.probe(1, src: "198.51.100.21", dpt: 1000, flags: "FIN")
        log.probe(2, src: "198.51.100.22", dpt: 1000, flags: "")
        log.probe(3, src: "198.51.100.23", dpt: 1000, flags: "URG PSH FIN")
        let analysis = log.analyze()
        #expect(analysis.verdict("198.51.100.20")?.fingerprint == .zmap)
        #expect(analysis.verdict("198.51.100.21")?.fingerprint == .finScan)
        #expect(analysis.verdict("198.51.100.22")?.fingerprint == .nullScan)
        #expect(analysis.verdict("198.51.100.23")?.fingerprint == .xmasScan)
    }

    @Test func ownNetworksAndKnownScanners() throws {
        var log = ScenarioLog()
        for port in 1...100 { log.probe(Int64(port), src: "198.51.100.30", dpt: port) }
        for port in 1...100 { log.probe(Int64(port), src: "198.51.100.40", dpt: port) }
        var config = ClassifierConfig()
        try ConfigFile.parse("own_networks = [\"198.51.100.30/32\"]\nknown_scanners = [\"198.51.100.40/29\"]\n", into: &config)
        let analysis = log.analyze(config: config)
        #expect(analysis.verdict("198.51.100.30") == nil)
        #expect(analysis.classification.ownSources == 1)
        #expect(analysis.verdict("198.51.100.40")?.kind == .institutionalScanner)
        #expect(analysis.classification.events.isEmpty)
    }

    @Test func deterministic() {
        var log = ScenarioLog()
        log.noise(count: 500, days: 3)
        for port in 1...50 { log.probe(Int64(port), src: "198.51.100.10", dpt: port) }
        #expect(AnalysisJSON.render(log.analyze()) == AnalysisJSON.render(log.analyze()))
    }

    @Test func shortLogIsProvisional() {
        var log = ScenarioLog()
        log.noise(count: 10, days: 1)
        #expect(log.analyze().classification.provisional)
    }
}

@Suite struct ConfigFileTests {
    @Test func readsSettings() throws {
        var config = ClassifierConfig()
        try ConfigFile.parse("""
            # scanlog thresholds
            [thresholds]
            vertical_ports = 20   # stricter
            distributed_max_overlap = 0.1
            own_networks = ["192.0.2.0/24", "2001:db8::/32"]
            """, into: &config)
        #expect(config.verticalPorts == 20 && config.distributedMaxOverlap == 0.1)
        #expect(config.ownNetworks.map(\.description) == ["192.0.2.0/24", "2001:db8::/32"])
    }

    @Test(arguments: [
        ("vertical_portz = 3", 1, "unknown setting"), ("\n\nvertical_ports = -1", 3, "whole number"),
        ("sweep_target_share = 2", 1, "from 0 to 1"), ("own_networks = [\"300.1.1.1/8\"]", 1, "not a quoted address"),
        ("just words", 1, "key = value"),
    ])
    func errorsNameTheLine(text: String, line: Int, message: String) {
        var config = ClassifierConfig()
        #expect {
            try ConfigFile.parse(text, into: &config)
        } throws: { error in
            guard let error = error as? ConfigFile.ParseError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }
}
