/// What the firewall did with a packet, read from the log prefix.
public enum FirewallAction: UInt8, Sendable, CaseIterable, Comparable {
    /// Dropped, rejected, denied or blocked (`[UFW BLOCK]`, `DROP`, `filter_IN_public_REJECT:`, ...).
    case blocked
    /// Accepted (`[UFW ALLOW]`, `ACCEPT`, `-A]`): tells which ports are open.
    case allowed
    /// An audit record (`[UFW AUDIT]`): logged on its way through, not a verdict.
    case audit
    /// A prefix that names no verdict (or none at all): logged.
    case logged

    public var name: String {
        switch self {
        case .blocked: "blocked"
        case .allowed: "allowed"
        case .audit: "audit"
        case .logged: "logged"
        }
    }

    public init?(name: String) {
        guard let action = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = action
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Which way the packet went, from the `IN=` and `OUT=` interfaces.
public enum Direction: UInt8, Sendable {
    case inbound, outbound, forwarded, unknown

    public var name: String {
        switch self {
        case .inbound: "inbound"
        case .outbound: "outbound"
        case .forwarded: "forwarded"
        case .unknown: "unknown"
        }
    }
}

/// TCP flags as the kernel prints them (`CWR ECE URG ACK PSH RST SYN FIN`, and `AE` on new kernels).
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 1 << 0)
    public static let syn = TCPFlags(rawValue: 1 << 1)
    public static let rst = TCPFlags(rawValue: 1 << 2)
    public static let psh = TCPFlags(rawValue: 1 << 3)
    public static let ack = TCPFlags(rawValue: 1 << 4)
    public static let urg = TCPFlags(rawValue: 1 << 5)
    public static let ece = TCPFlags(rawValue: 1 << 6)
    public static let cwr = TCPFlags(rawValue: 1 << 7)
    public static let ae = TCPFlags(rawValue: 1 << 8)

    static let names: [(TCPFlags, String)] = [
        (.ae, "AE"), (.cwr, "CWR"), (.ece, "ECE"), (.urg, "URG"), (.ack, "ACK"), (.psh, "PSH"), (.rst, "RST"),
        (.syn, "SYN"), (.fin, "FIN"),
    ]

    /// Space-separated names in the kernel's order.
    public var names: String { Self.names.filter { contains($0.0) }.map(\.1).joined(separator: " ") }
}

/// One firewall log record: the packet header fields the kernel printed, plus envelope time and host.
///
/// Plain values only (no strings, no references), so making one costs no allocation.
public struct FirewallRecord: Sendable {
    /// When the record was logged; nil when the envelope has no wall-clock time (plain `dmesg`).
    public var time: Timestamp?
    /// The syslog host name, interned by the parser (index into its host table); 0 when there is none.
    public var hostID: UInt32 = 0
    /// The log prefix, interned by the parser (index into its prefix table).
    public var prefixID: UInt32 = 0
    public var action: FirewallAction = .logged
    public var direction: Direction = .unknown
    public var source: IPAddress = .unspecified
    public var destination: IPAddress = .unspecified
    public var proto: IPProtocol = IPProtocol(number: 0)
    /// 0 when the protocol has no ports or the header was not logged.
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0
    /// Whether SPT/DPT were present (a non-first fragment or an INCOMPLETE header has none).
    public var hasPorts = false
    public var icmpType: UInt8 = 0
    public var icmpCode: UInt8 = 0
    public var hasICMPType = false
    /// IP total length (`LEN=`, the first one on the line).
    public var length: UInt16 = 0
    /// TTL (IPv4) or HOPLIMIT (IPv6).
    public var ttl: UInt8 = 0
    /// IPv4 identification (`ID=`); nil for IPv6.
    public var ipID: UInt16?
    public var window: UInt16?
    public var sequence: UInt32?
    public var tcpFlags = TCPFlags()
    /// DF, MF or FRAG: set.
    public var dontFragment = false
    public var isFragment = false
    /// ICMP error that quotes another packet (`[SRC=... ]`): the quoted packet's addresses and ports.
    public var quoted: QuotedPacket?
    /// How many identical records this line stands for (rsyslog's `message repeated N times`).
    public var repeatCount: UInt32 = 1

    public init() {}

    /// A probe is an inbound (or forwarded) record that the firewall did not allow or merely audit.
    public var isProbe: Bool {
        (direction == .inbound || direction == .forwarded) && (action == .blocked || action == .logged)
    }
}

/// The packet quoted inside an ICMP error (`[SRC=... DST=... PROTO=TCP SPT=... DPT=... ]`). Its addresses are
/// not the logged packet's: usually the quoted source is this host and the destination a third party.
public struct QuotedPacket: Sendable, Hashable {
    public var source: IPAddress
    public var destination: IPAddress
    public var proto: IPProtocol
    public var sourcePort: UInt16
    public var destinationPort: UInt16
}
