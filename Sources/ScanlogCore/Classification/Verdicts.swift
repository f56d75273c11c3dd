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
    public var evidence: [String]
    public var eventID: String?
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
