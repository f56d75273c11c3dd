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
/// Kept for most sources, so small: 32 bytes (counts as `UInt32`, no SIMD alignment).
struct BackgroundSummary: Sendable {
    let probes: UInt64
    private let storedPortCount: UInt32
    let visits: UInt32
    private let storedDays: UInt32
    /// Up to three of its ports, packed (`PortKey.packed`); `.max` where there is none.
    private let port0: UInt32, port1: UInt32, port2: UInt32

    init(probes: UInt64, ports: [PortKey], visits: UInt32, days: Int) {
        self.probes = probes
        storedPortCount = UInt32(clamping: ports.count)
        port0 = ports.count > 0 ? ports[0].packed : .max
        port1 = ports.count > 1 ? ports[1].packed : .max
        port2 = ports.count > 2 ? ports[2].packed : .max
        self.visits = visits
        storedDays = UInt32(clamping: days)
    }

    var portCount: Int { Int(storedPortCount) }
    var days: Int { Int(storedDays) }
    var firstPorts: SIMD3<UInt32> { SIMD3(port0, port1, port2) }

    /// `1 probe(s) on 1 port(s) (49515/tcp) in 1 visit(s); below every targeting threshold` (worded by
    /// `appendText`, which the JSON report calls straight into its buffer).
    var text: String {
        var bytes = ByteBuffer()
        appendText(to: &bytes, escapingForJSON: false)
        return String(decoding: bytes.array, as: UTF8.self)
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
