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

/// Dense numbers (0, 1, 2, ...) for packed port keys, found by array look-ups instead of hashing: pages of 256
/// slots, one per protocol and high byte of `1 + number` (263 KB of page table, 1 KB per page used).
struct PortNumbers: Sendable {
    /// Per page (`protocol * 257 + (1 + number) >> 8`): where its 256 slots start in `slots`, or -1.
    private var pages: [Int32] = []
    /// Numbers, -1 for keys without one.
    private var slots: [Int32] = []

    @inline(__always)
    private static func page(_ packed: UInt32) -> Int { Int(packed >> 24) * 257 + Int(packed & 0xFF_FFFF) >> 8 }

    /// The number of `packed`, if it has one.
    @inline(__always)
    func existing(_ packed: UInt32) -> Int? {
        let page = Self.page(packed)
        guard page < pages.count else { return nil }
        let start = pages[page]
        guard start >= 0 else { return nil }
        let number = slots[Int(start) + Int(packed & 0xFF)]
        return number >= 0 ? Int(number) : nil
    }

    /// The number of `packed`; if it has none, it is given `next` (returned).
    @inline(__always)
    mutating func number(_ packed: UInt32, next: Int) -> Int {
        if pages.isEmpty { pages = [Int32](repeating: -1, count: 256 * 257) }
        let page = Self.page(packed)
        var start = pages[page]
        if start < 0 {
            start = Int32(slots.count)
            pages[page] = start
            slots.append(contentsOf: repeatElement(-1, count: 256))
        }
        let slot = Int(start) + Int(packed & 0xFF)
        let number = slots[slot]
        if number >= 0 { return Int(number) }
        slots[slot] = Int32(next)
        return next
    }
}

/// The destination buckets (`Aggregator.ports`): an array in order of first probe, and dense numbers for look-up.
public struct PortTable: Sequence, Sendable {
    /// The buckets, in the order of their first counted probe.
    public private(set) var values: [PortBucket] = []
    private(set) var numbers = PortNumbers()

    public init() {}

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    public var keys: [PortKey] { values.map(\.key) }

    public subscript(key: PortKey) -> PortBucket? { numbers.existing(key.packed).map { values[$0] } }

    /// The position of a bucket in `values`.
    func index(of key: PortKey) -> Int? { numbers.existing(key.packed) }

    /// Counts probes into the bucket of `key` (made on its first probe).
    @inline(__always)
    mutating func record(_ record: FirewallRecord, key: PortKey, newSource: Bool, target: UInt32, weight: UInt64) {
        let index = numbers.number(key.packed, next: values.count)
        if index == values.count { values.append(PortBucket(key: key)) }
        values[index].record(record, newSource: newSource, target: target, weight: weight)
    }

    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[PortBucket]>
        public mutating func next() -> (key: PortKey, value: PortBucket)? { base.next().map { ($0.key, $0) } }
    }

    public func makeIterator() -> Iterator { Iterator(base: values.makeIterator()) }
}
