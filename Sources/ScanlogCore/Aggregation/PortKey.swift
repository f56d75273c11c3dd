/// A destination bucket: a protocol and port, an ICMP type, or a protocol without ports.
public struct PortKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let proto: IPProtocol
    /// The destination port, the ICMP type, or nil when the record has neither.
    public let number: UInt16?

    public init(proto: IPProtocol, number: UInt16?) {
        self.proto = proto
        self.number = number
    }

    /// The bucket a record's destination falls in.
    public init(record: FirewallRecord) {
        proto = record.proto
        if record.proto.isICMP {
            number = record.hasICMPType ? UInt16(record.icmpType) : nil
        } else {
            number = record.hasPorts ? record.destinationPort : nil
        }
    }

    /// The port, for protocols with ports.
    public var port: UInt16? { proto.isICMP ? nil : number }
    /// The ICMP type, for ICMP and ICMPv6.
    public var icmpType: UInt16? { proto.isICMP ? number : nil }

    /// `22/tcp`, `icmp type 8`, `igmp`.
    public var description: String {
        guard let number else { return proto.name }
        // Concatenation, not interpolation: these are small strings, and reports make one per bucket.
        return proto.isICMP ? proto.name + " type " + String(number) : String(number) + "/" + proto.name
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.proto.number, a.number.map(Int.init) ?? -1) < (b.proto.number, b.number.map(Int.init) ?? -1)
    }
}

extension PortKey {
    /// One 32-bit number per bucket: protocol in the high byte, 1 + number below (0 when there is none).
    public var packed: UInt32 { UInt32(proto.number) << 24 | (number.map { UInt32($0) + 1 } ?? 0) }

    public init(packed: UInt32) {
        let low = packed & 0xFF_FFFF
        self.init(proto: IPProtocol(number: UInt8(packed >> 24)), number: low == 0 ? nil : UInt16(low - 1))
    }
}
