/// The compact state of one source: exactly what `WideSource` keeps, in narrow fields (104 bytes). Up to two
/// tool fingerprints are counted.
///
/// Sets are kept in the order of first insertion: up to two ports, one target and two source ports inline, more
/// in a block of `SourceStorage`'s pools (then `port0`, `target0` and `sourcePortWord` hold the block's offset).
/// Days are bits from `day(firstSeen) - daysBefore`. While `isWide`, `port0` is the index of the `WideSource`.
struct SourceRecord {
    var firstSeen: Int64 = .max
    var lastSeen: Int64 = .min
    /// The last probe's time (also moved by retransmissions), `.min` before the first timed probe.
    var lastTime: Int64 = .min
    var visitStart: Int64 = 0
    var visitLast: Int64 = .min
    var dayMask: UInt64 = 0
    /// The IPv4 address, or the index of an IPv6 address in `SourceStorage.v6Addresses`.
    var address: UInt32 = 0
    var probes: UInt32 = 0
    var retransmissions: UInt32 = 0
    var busiestVisitSeconds: UInt32 = 0
    var port0: UInt32 = 0
    var port1: UInt32 = 0
    var target0: UInt32 = 0
    var sourcePortWord: UInt32 = 0
    /// Probes on each of the first four ports, 8 bits each.
    var firstPortProbes: UInt32 = 0
    var lastSourcePort: UInt16 = 0
    var visits: UInt16 = 0
    /// Probes with the first and the second fingerprint seen.
    var fingerprintCount0: UInt16 = 0
    var fingerprintCount1: UInt16 = 0
    var portCount: UInt8 = 0
    var targetCount: UInt8 = 0
    var sourcePortCount: UInt8 = 0
    var ascendingSteps: UInt8 = 0
    var busiestVisitPorts: UInt8 = 0
    var visitNewPorts: UInt8 = 0
    /// Insertion index of the last counted probe's port and target.
    var lastPortIndex: UInt8 = 0
    var lastTargetIndex: UInt8 = 0
    /// `Fingerprint.rawValue` of the first and the second fingerprint seen, or `noFingerprint`.
    var fingerprint0: UInt8 = SourceRecord.noFingerprint
    var fingerprint1: UInt8 = SourceRecord.noFingerprint
    var flags: UInt8 = 0

    static let noFingerprint: UInt8 = 0xFF
    static let isV6Flag: UInt8 = 1
    static let isWideFlag: UInt8 = 2
    /// Most members of a compact port or target set (and the cap on source ports, as in `WideSource`).
    static let setLimit = 64
    /// Days kept before the first probe's day (for probes logged out of order); 55 after it.
    static let daysBefore: Int64 = 8

    var isWide: Bool { flags & Self.isWideFlag != 0 }
    var isV6: Bool { flags & Self.isV6Flag != 0 }

    /// The four 8-bit counts of `firstPortProbes`.
    static func unpack(_ packed: UInt32) -> SIMD4<UInt32> {
        SIMD4(packed & 0xFF, packed >> 8 & 0xFF, packed >> 16 & 0xFF, packed >> 24)
    }

    /// The count of a fingerprint (`Fingerprint.rawValue`).
    @inline(__always)
    func count(ofFingerprint raw: UInt8) -> UInt16 {
        fingerprint0 == raw ? fingerprintCount0 : fingerprint1 == raw ? fingerprintCount1 : 0
    }

    /// The UTC day of a time, as `WideSource` counts it.
    @inline(__always)
    static func day(_ micros: Int64) -> Int64 { (micros / 1_000_000) / 86400 }
}
