/// What a probe's header fields give away about the tool that sent it (table in classification.md).
public enum Fingerprint: Int, CaseIterable, Sendable, Comparable {
    /// ZMap before 4.1: IP ID always 54321.
    case zmap
    /// Masscan: IP ID = (destination ip ^ destination port ^ sequence) & 0xffff (needs SEQ in the log).
    case masscan
    /// Mirai and its family: TCP sequence number = destination IPv4 address.
    case mirai
    /// nmap's SYN scan: WINDOW 1024, LEN 44 (an MSS option) with a SYN alone.
    case nmapSYN
    /// TCP flag scans that no client sends: FIN alone, no flags (NULL), FIN+PSH+URG (XMAS).
    case finScan, nullScan, xmasScan
    /// Replies to someone else's spoofed traffic: SYN-ACK, RST, or an ICMP error quoting a packet.
    case backscatter

    public var name: String { nameLiteral.description }

    /// `name` as a literal, for reports that write it as bytes.
    var nameLiteral: StaticString {
        switch self {
        case .zmap: "zmap"
        case .masscan: "masscan"
        case .mirai: "mirai"
        case .nmapSYN: "nmap-syn"
        case .finScan: "fin-scan"
        case .nullScan: "null-scan"
        case .xmasScan: "xmas-scan"
        case .backscatter: "backscatter"
        }
    }

    /// Scanner tools, as opposed to packet shapes.
    public var isTool: Bool { self == .zmap || self == .masscan || self == .mirai || self == .nmapSYN }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The fingerprint a record shows, if any.
    public static func of(_ record: FirewallRecord) -> Fingerprint? {
        if record.proto.isICMP {
            // ICMP errors (destination unreachable, time exceeded, parameter problem, source quench, redirect).
            if record.quoted != nil { return .backscatter }
            // Replies nobody here asked for: echo, timestamp, information and address-mask replies.
            if record.proto == .icmp, [0, 3, 4, 5, 11, 12, 14, 16, 18].contains(record.icmpType) { return .backscatter }
            if record.proto == .icmpv6, (1...4).contains(record.icmpType) || record.icmpType == 129 { return .backscatter }
            return nil
        }
        guard record.proto == .tcp, record.hasPorts else { return nil }
        let flags = record.tcpFlags
        if flags.contains(.rst) || flags.isSuperset(of: [.syn, .ack]) { return .backscatter }
        if flags.isEmpty { return .nullScan }
        if flags == [.fin] { return .finScan }
        if flags.isSuperset(of: [.fin, .psh, .urg]) && !flags.contains(.syn) { return .xmasScan }
        if let id = record.ipID {
            if id == 54321 { return .zmap }
            if let sequence = record.sequence, record.destination.isIPv4 {
                let expected = (record.destination.v4Value ^ UInt32(record.destinationPort) ^ sequence) & 0xFFFF
                if UInt32(id) == expected { return .masscan }
            }
        }
        if let sequence = record.sequence, record.destination.isIPv4, sequence == record.destination.v4Value { return .mirai }
        // Without SEQ in the log: masscan sends SYNs with no options (LEN 40), nmap with an MSS option (LEN 44).
        if flags == [.syn], record.window == 1024, record.length == 40, record.destination.isIPv4 { return .masscan }
        if flags == [.syn], record.window == 1024, record.length == 44 { return .nmapSYN }
        return nil
    }
}
