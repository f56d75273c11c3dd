/// Thresholds and network lists for the classifier. Defaults come from the published detectors
/// (classification.md); every one can be changed in a config file (see `ConfigFile`).
public struct ClassifierConfig: Sendable, Equatable {
    /// Fast vertical scan: this many distinct ports on one host within `verticalWindowSeconds`
    /// (Zeek: 15 ports in 5 minutes; Snort medium: 15 in 90 s).
    public var verticalPorts = 15
    public var verticalWindowSeconds: Int64 = 300
    /// Slow vertical scan: this many distinct ports on at most `slowVerticalMaxTargets` hosts, at any pace.
    public var slowVerticalPorts = 25
    public var slowVerticalMaxTargets = 2
    /// Horizontal sweep: at least this many local addresses, and this share of all of them, on few ports
    /// (Snort: 7 host changes; Zeek: 25 hosts).
    public var sweepTargets = 5
    public var sweepTargetShare = 0.5
    public var sweepMaxPorts = 3
    /// Service hammering: this many probes on one port (SYN retransmissions folded).
    public var hammeringProbes = 30
    public var hammeringMaxPorts = 3
    /// Returning recon: back on this many days to at most `returningMaxPorts` ports.
    public var returningDays = 3
    public var returningMaxPorts = 5
    /// Distributed scan: at least this many sources of one network (/24 or /48), one host,
    /// at least `distributedPorts` ports between them, port sets overlapping at most `distributedMaxOverlap`,
    /// first probes within `distributedStartSpreadSeconds`.
    public var distributedSources = 3
    public var distributedPorts = 30
    public var distributedMaxOverlap = 0.25
    public var distributedStartSpreadSeconds: Int64 = 7200
    /// Institutional scanner: active on at least this many days (or this many hours), ports spread across
    /// the whole range (this share above 10000), every local address alike.
    public var institutionalDays = 2
    public var institutionalPorts = 20
    public var institutionalHighPortShare = 0.5
    /// Backscatter: this share of a source's probes are SYN-ACK, RST or ICMP errors.
    public var backscatterShare = 0.8
    /// Verdicts from a log shorter than this many hours are marked provisional.
    public var provisionalHours: Int64 = 24
    /// Own networks: ignored as sources.
    public var ownNetworks: [Network] = []
    /// Known scanners (research, search engines): background, institutional-scanner.
    public var knownScanners: [Network] = []

    public init() {}
}

/// An address block in CIDR notation (`203.0.113.0/24`, `2001:db8::/32`, or a single address).
public struct Network: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...maximum).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = maximum
        }
        self.address = address.masked(prefixLength: prefixLength)
    }

    /// The network a source's siblings share: the /24 of an IPv4 address, the /48 of an IPv6 one.
    init(siblingsOf address: IPAddress) {
        prefixLength = address.isIPv4 ? 24 : 48
        self.address = address.masked(prefixLength: prefixLength)
    }

    public func contains(_ other: IPAddress) -> Bool {
        other.isIPv4 == address.isIPv4 && other.masked(prefixLength: prefixLength) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
