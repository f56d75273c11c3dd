/// An IP protocol number as the kernel logs it in `PROTO=` (TCP, UDP, ICMP, or a number such as 2 for IGMP).
public struct IPProtocol: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let number: UInt8

    public init(number: UInt8) { self.number = number }

    public static let icmp = IPProtocol(number: 1)
    public static let igmp = IPProtocol(number: 2)
    public static let tcp = IPProtocol(number: 6)
    public static let udp = IPProtocol(number: 17)
    public static let gre = IPProtocol(number: 47)
    public static let esp = IPProtocol(number: 50)
    public static let ah = IPProtocol(number: 51)
    public static let icmpv6 = IPProtocol(number: 58)
    public static let sctp = IPProtocol(number: 132)
    public static let udplite = IPProtocol(number: 136)

    /// Whether records of this protocol carry source and destination ports.
    public var hasPorts: Bool { self == .tcp || self == .udp || self == .udplite || self == .sctp }

    /// Whether this is ICMP or ICMPv6 (bucketed by message type instead of port).
    public var isICMP: Bool { self == .icmp || self == .icmpv6 }

    /// Lower-case name used in reports and JSON (`tcp`, `udp`, `icmp`, `icmpv6`, ...); a bare number otherwise.
    public var name: String {
        switch number {
        case 1: "icmp"
        case 2: "igmp"
        case 6: "tcp"
        case 17: "udp"
        case 47: "gre"
        case 50: "esp"
        case 51: "ah"
        case 58: "icmpv6"
        case 132: "sctp"
        case 136: "udplite"
        default: String(number)
        }
    }

    /// Parses a report name (`tcp`, `UDP`, `icmpv6`) or a decimal protocol number.
    public init?(name: some StringProtocol) {
        let lower = name.lowercased()
        if let known = [1, 2, 6, 17, 47, 50, 51, 58, 132, 136].first(where: { IPProtocol(number: UInt8($0)).name == lower }) {
            self.init(number: UInt8(known))
        } else if let number = UInt8(lower) {
            self.init(number: number)
        } else {
            return nil
        }
    }

    public var description: String { name }
    public static func < (a: IPProtocol, b: IPProtocol) -> Bool { a.number < b.number }
}
