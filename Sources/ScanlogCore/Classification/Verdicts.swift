/// Background scanning noise, or concentrated targeting.
public enum ThreatClass: String, Sendable, Comparable {
    case background, targeted
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What kind of behaviour a source (or a group of sources) showed.
public enum ScanKind: String, Sendable, CaseIterable, Comparable {
    case backgroundSweep = "background-sweep"
    case institutionalScanner = "institutional-scanner"
    case backscatter = "backscatter"
    case verticalScan = "vertical-scan"
    case slowVerticalScan = "slow-vertical-scan"
    case horizontalSweep = "horizontal-sweep"
    case serviceHammering = "service-hammering"
    case distributedScan = "distributed-scan"
    case returningRecon = "returning-recon"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The verdict on one source, with the numbers behind it.
public struct SourceVerdict: Sendable {
    public let sourceID: UInt32
    public var threatClass: ThreatClass
    public var kind: ScanKind
    /// 0...1: how far past its thresholds the evidence is.
    public var confidence: Double
    public var fingerprint: Fingerprint?
    /// Evidence sentences, with the background summary (if any) first. Most sources are quiet background:
    /// their summary is kept as numbers and worded only when a report asks.
    public var evidence: [String] {
        get { summary.map { [$0.text] + lines } ?? lines }
        set {
            lines = newValue
            summary = nil
        }
    }
    public var eventID: String?
    var lines: [String] = []
    var summary: BackgroundSummary?

    init(sourceID: UInt32, threatClass: ThreatClass, kind: ScanKind, confidence: Double, fingerprint: Fingerprint?, eventID: String?) {
        self.sourceID = sourceID
        self.threatClass = threatClass
        self.kind = kind
        self.confidence = confidence
        self.fingerprint = fingerprint
        self.eventID = eventID
    }
}

/// The numbers behind a quiet background source's verdict, worded on demand.
struct BackgroundSummary: Sendable {
    let probes: UInt64
    let portCount: Int
    /// Up to three of its ports, packed (`PortKey.packed`).
    let firstPorts: SIMD3<UInt32>
    let visits: UInt32
    let days: Int

    init(probes: UInt64, ports: [PortKey], visits: UInt32, days: Int) {
        self.probes = probes
        portCount = ports.count
        var packed = SIMD3<UInt32>(repeating: .max)
        for (index, port) in ports.prefix(3).enumerated() { packed[index] = port.packed }
        firstPorts = packed
        self.visits = visits
        self.days = days
    }

    var text: String {
        let shown = (0..<min(portCount, 3)).map { PortKey(packed: firstPorts[$0]).description }.joined(separator: ", ")
        var text = "\(TextFormatting.grouped(probes)) probe(s) on \(portCount) port(s) (\(shown)\(portCount > 3 ? ", ..." : ""))"
        text += " in \(visits) visit(s)"
        if days > 1 { text += " on \(days) days" }
        return text + "; below every targeting threshold"
    }
}

/// The verdict on one destination bucket, from its sources.
public struct PortVerdict: Sendable {
    public enum Verdict: String, Sendable { case background, targeted, mixed }
    public let key: PortKey
    public var verdict: Verdict
    public var evidence: [String]
}

/// One targeted finding: a scan or a campaign of a group of sources, with its members and extent.
public struct Event: Sendable {
    public let id: String
    public let kind: ScanKind
    public let threatClass: ThreatClass
    /// The sources' addresses; `sourceIDs` numbers those that also sent probes.
    public let sources: [IPAddress]
    public let sourceIDs: [UInt32]
    public let targets: [IPAddress]
    public let ports: [PortKey]
    public let probes: UInt64
    public let start: Timestamp?
    public let end: Timestamp?
    public let confidence: Double
    public let evidence: [String]
}
