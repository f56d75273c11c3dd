import Foundation
import Testing
@testable import ScanlogCore
import ScanlogTestSupport

/// Runs the labelled scenario generator (Scripts/generate-scenarios.py) and checks the classifier's aims on one
/// tuning seed and one held-out seed: every targeted event found, fewer than 1 background source in 200 called
/// targeted, institutional scanners never called targeted. Skips when python3 is missing.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 is not installed: skipping the scenario tests"))
struct ScenarioQualityTests {
    struct Outcome {
        var eventsFound = 0, events = 0
        var backgroundTargeted = 0, background = 0
        var institutionalTargeted = 0
        var targetedSourcesRight = 0, targetedSources = 0
    }

    static func evaluate(seed: Int, addressesPerHost: Int) throws -> Outcome {
        let directory = TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [TestPaths.packageRoot.appendingPathComponent("Scripts/generate-scenarios.py").path, "--seed", "\(seed)",
                             "--days", "4", "--scale", "0.1", "--addrs-per-host", "\(addressesPerHost)", "--out", directory.url.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.url.appendingPathComponent("truth.json"))) as! [String: Any]
        var options = AnalysisOptions()
        options.year = Int((truth["start"] as! String).prefix(4))!
        // The generator writes UTC wall-clock times.
        options.localTimeOffset = 0
        let analysis = Analysis.run([InputSpec(path: directory.url.appendingPathComponent("ufw.log").path)], options: options)
        #expect(analysis.accounting.isBalanced)

        var outcome = Outcome()
        for (address, label) in truth["sources"] as! [String: [String: Any]] {
            let truthClass = label["class"] as! String
            guard truthClass == "background" || truthClass == "targeted" else { continue }
            guard let verdict = analysis.verdict(IPAddress(address)!.description) else { continue }  // allowed only
            if truthClass == "background" {
                outcome.background += 1
                if verdict.threatClass == .targeted { outcome.backgroundTargeted += 1 }
                if label["kind"] as? String == "institutional-scanner", verdict.threatClass == .targeted { outcome.institutionalTargeted += 1 }
            } else {
                outcome.targetedSources += 1
                if verdict.threatClass == .targeted { outcome.targetedSourcesRight += 1 }
            }
        }
        for event in truth["events"] as! [[String: Any]] {
            outcome.events += 1
            let members = Set((event["sources"] as! [String]).map { IPAddress($0)! })
            let found = analysis.classification.events.contains { !members.isDisjoint(with: $0.sources) }
            if found { outcome.eventsFound += 1 }
        }
        return outcome
    }

    @Test(arguments: [(3, 1), (1003, 1), (1004, 14)])
    func aimsAreMet(seed: Int, addressesPerHost: Int) throws {
        let outcome = try Self.evaluate(seed: seed, addressesPerHost: addressesPerHost)
        #expect(outcome.events >= 5)
        #expect(outcome.eventsFound == outcome.events, "targeted events found")
        #expect(outcome.background > 1000)
        #expect(outcome.backgroundTargeted * 200 < outcome.background, "background called targeted: \(outcome.backgroundTargeted) of \(outcome.background)")
        #expect(outcome.institutionalTargeted == 0)
        #expect(Double(outcome.targetedSourcesRight) >= 0.9 * Double(outcome.targetedSources))
    }
}
