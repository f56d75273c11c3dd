/// The order of the reports' tables, sorted on integer keys made once per row rather than by comparing buckets
/// (which reads records through views, and copies port buckets with their sets, at every comparison).

extension SourceTable {
    /// Source numbers in report order: most probes first, ties by address (ascending).
    ///
    /// Sorts the numbers on one 8-byte key per source, read straight from the records (`SourceOrderKey`): the
    /// keys alone order almost every source. The runs they cannot order are sorted again with the full
    /// comparison: sources with equal keys, and every source of a count whose run holds an IPv6 address with a
    /// zero top half, or whose count is past the keys' limit. 16 bytes a source while sorting: the key, the
    /// number and the radix sort's second copy of the numbers.
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
            RadixSort.sort(&numbers) { keys[Int($0)].bits }
            var start = 0
            while start < count {
                // One run of equal counts (as far as the key tells). Class 0 sorts first in its run, so the run's
                // first key says whether it holds one.
                let first = keys[Int(numbers[start])]
                var end = start + 1
                while end < count && keys[Int(numbers[end])].countPart == first.countPart { end += 1 }
                if first.isPastLimit || first.hasUnorderedAddress {
                    numbers[start..<end].sort(by: comesFirst)
                } else {
                    // Equal keys (IPv6 addresses with the same top 32 bits) among otherwise ordered ones.
                    var tieStart = start
                    while tieStart < end {
                        let tie = keys[Int(numbers[tieStart])].bits
                        var tieEnd = tieStart + 1
                        while tieEnd < end && keys[Int(numbers[tieEnd])].bits == tie { tieEnd += 1 }
                        if tieEnd - tieStart > 1 { numbers[tieStart..<tieEnd].sort(by: comesFirst) }
                        tieStart = tieEnd
                    }
                }
                start = end
            }
        }
        return numbers
    }

    /// The full comparison behind `numbersByProbes`: more probes first, then the lower address.
    func comesFirst(_ a: UInt32, _ b: UInt32) -> Bool {
        let (x, y) = (view(Int(a)), view(Int(b)))
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
/// IPv6 with a zero top half (`::1` and the like) is class 0, which the key cannot place: it may sort on
/// either side of IPv4.
struct SourceOrderKey {
    let bits: UInt64

    /// Counts up to this many are in the key; larger ones share the first count part.
    private static let probeLimit: UInt64 = (1 << 30) - 1

    private init(probes: UInt64, addressClass: UInt64, addressBits: UInt32) {
        bits = (Self.probeLimit - min(probes, Self.probeLimit)) << 34 | addressClass << 32 | UInt64(addressBits)
    }

    init(probes: UInt64, v4: UInt32) { self.init(probes: probes, addressClass: 1, addressBits: v4) }

    init(probes: UInt64, address: IPAddress) {
        self.init(probes: probes, addressClass: address.high == 0 ? 0 : 2, addressBits: UInt32(truncatingIfNeeded: address.high >> 32))
    }

    /// The complemented count: equal for equal counts (and for all counts past the limit).
    var countPart: UInt64 { bits >> 34 }
    /// Whether the count is past the limit (the key does not hold it).
    var isPastLimit: Bool { countPart == 0 }
    /// Whether the address is of class 0, which the key cannot place among the others.
    var hasUnorderedAddress: Bool { (bits >> 32) & 3 == 0 }
}

/// Least-significant-digit radix sort on a 64-bit key, 16 bits a pass: stable, and linear in the number of
/// elements (a comparison sort of half a million sources takes ten million comparisons). A pass whose digit is
/// the same in every key (the high bits of small counts) is skipped.
enum RadixSort {
    static func sort<Element>(_ elements: inout [Element], key: (Element) -> UInt64) {
        let count = elements.count
        guard count >= 4096, count < Int(UInt32.max) else {
            // Few elements: a comparison sort costs less than the histograms (ties keep their order).
            elements = elements.enumerated().sorted { (key($0.element), $0.offset) < (key($1.element), $1.offset) }.map(\.element)
            return
        }
        // All four digit histograms in one pass over the keys.
        var histograms = [UInt32](repeating: 0, count: 4 << 16)
        for element in elements {
            let value = key(element)
            for digit in 0..<4 { histograms[digit << 16 | Int(truncatingIfNeeded: value >> UInt64(digit * 16)) & 0xFFFF] += 1 }
        }
        var scratch = elements
        for digit in 0..<4 {
            let base = digit << 16
            let shift = UInt64(digit * 16)
            // Skip a digit that every key shares.
            let first = Int(truncatingIfNeeded: key(elements[0]) >> shift) & 0xFFFF
            if histograms[base + first] == UInt32(count) { continue }
            var offset: UInt32 = 0
            for bucket in 0..<(1 << 16) {
                let size = histograms[base + bucket]
                histograms[base + bucket] = offset
                offset += size
            }
            for element in elements {
                let bucket = base + Int(truncatingIfNeeded: key(element) >> shift) & 0xFFFF
                scratch[Int(histograms[bucket])] = element
                histograms[bucket] += 1
            }
            swap(&elements, &scratch)
        }
    }
}

/// Every port and source of an aggregator in report order, with the port registry decoded if port rows will
/// describe a port.
struct RowOrder: Sendable {
    let ports: [PortBucket]
    let sourceIDs: [UInt32]

    /// Whether an aggregator has rows enough to sort them on two threads.
    static func isLarge(_ aggregator: Aggregator) -> Bool { aggregator.sources.count + aggregator.ports.count >= 8192 }

    /// Whether the sort may run beside the classification: up to 2^19 sources. Above that, peak memory wins over
    /// time: the sort's temporary arrays (16 bytes a source) would be held with the classification's (the
    /// distributed-scan candidates, 16 bytes each), 11 MiB more at the peak of a 1M-source run (283 -> 294 MiB).
    static func mayOverlapClassification(_ aggregator: Aggregator) -> Bool { aggregator.sources.count <= 1 << 19 }

    /// Sorts the ports and the sources, side by side on two threads when `parallel`.
    init(_ aggregator: Aggregator, parallel: Bool) {
        (ports, sourceIDs) = TwoThreads.pair(parallel: parallel, {
            let ports = aggregator.ports.byProbes()
            if ports.contains(where: { $0.key.port != nil }) { _ = PortRegistry.shared }
            return ports
        }, { aggregator.sources.numbersByProbes() })
    }
}
