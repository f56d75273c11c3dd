/// The order of the reports' tables, sorted on integer keys made once per row rather than by comparing buckets
/// (which reads records through views, and copies port buckets with their sets, at every comparison).

extension SourceTable {
    /// Source numbers in report order: most probes first, ties by address (ascending).
    ///
    /// Sorts numbers against one 8-byte key per source, read straight from the records (`SourceOrderKey`): one
    /// integer comparison orders almost every pair; the rest read the full counts and addresses.
    func numbersByProbes() -> [UInt32] {
        let count = storage.count
        let keys = [SourceOrderKey](unsafeUninitializedCapacity: count) { keys, initialized in
            for id in 0..<count {
                let record = storage.recordPointer(id).pointee
                let probes = record.isWide ? storage.wide[Int(record.port0)].probes : UInt64(record.probes)
                keys[id] = record.isV6
                    ? SourceOrderKey(probes: probes, address: storage.v6Addresses[Int(record.address)])
                    : SourceOrderKey(probes: probes, v4: record.address)
            }
            initialized = count
        }
        var numbers = Array(0..<UInt32(count))
        keys.withUnsafeBufferPointer { keys in
            numbers.sort { a, b in keys[Int(a)].comesFirst(keys[Int(b)]) ?? comesFirst(a, b) }
        }
        return numbers
    }

    /// The full comparison behind `numbersByProbes`: more probes first, then the lower address.
    func comesFirst(_ a: UInt32, _ b: UInt32) -> Bool {
        let (x, y) = (self[Int(a)], self[Int(b)])
        return x.probes != y.probes ? x.probes > y.probes : x.address < y.address
    }
}

extension PortTable {
    /// The buckets in report order: most probes first, ties by port key (`PortKey.<`, which packed keys keep).
    func byProbes() -> [PortBucket] {
        // Complemented probes above the packed key; counts past 2^32 - 1 share the top key (0) and are ordered
        // by their full counts.
        let limit = UInt64(UInt32.max)
        var order: [(key: UInt64, index: Int)] = values.indices.map { index in
            let bucket = values[index]
            let complemented: UInt64 = limit - Swift.min(bucket.probes, limit)
            return (complemented << 32 | UInt64(bucket.key.packed), index)
        }
        order.sort { a, b in
            a.key >> 32 == 0 && b.key >> 32 == 0 ? Self.comesFirst(values[a.index], values[b.index]) : a.key < b.key
        }
        return order.map { values[$0.index] }
    }

    /// The full comparison behind `byProbes`: more probes first, then the lower key.
    static func comesFirst(_ x: PortBucket, _ y: PortBucket) -> Bool {
        (x.probes, y.key) > (y.probes, x.key)
    }
}

/// A source's place in report order, in 64 bits: its complemented probe count (30 bits, so that more probes
/// sort first), an address class (2 bits) and 32 bits of its address. The classes sort as the addresses do:
/// IPv4 (`::ffff:a.b.c.d`, class 1) before IPv6 with a non-zero top half (class 2, keeping the top 32 bits).
/// IPv6 with a zero top half (`::1` and the like) is class 0, which always defers to the full comparison.
struct SourceOrderKey {
    private let bits: UInt64

    /// Counts up to this many are in the key; larger ones defer to the full comparison.
    private static let probeLimit: UInt64 = (1 << 30) - 1

    private init(probes: UInt64, addressClass: UInt64, addressBits: UInt32) {
        bits = (Self.probeLimit - min(probes, Self.probeLimit)) << 34 | addressClass << 32 | UInt64(addressBits)
    }

    init(probes: UInt64, v4: UInt32) { self.init(probes: probes, addressClass: 1, addressBits: v4) }

    init(probes: UInt64, address: IPAddress) {
        self.init(probes: probes, addressClass: address.high == 0 ? 0 : 2, addressBits: UInt32(truncatingIfNeeded: address.high >> 32))
    }

    /// Whether this source comes before `other`, or nil when the keys cannot tell (equal counts with equal
    /// address bits or class 0, or counts past `probeLimit`).
    @inline(__always)
    func comesFirst(_ other: SourceOrderKey) -> Bool? {
        let (x, y) = (bits, other.bits)
        if x >> 34 != y >> 34 { return x < y }
        if x >> 34 == 0 || (x >> 32) & 3 == 0 || (y >> 32) & 3 == 0 || x == y { return nil }
        return x < y
    }
}
