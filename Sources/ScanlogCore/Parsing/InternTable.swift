/// Gives each distinct byte string (a host name, a log prefix) a small number, without allocating on a hit.
public struct InternTable: Sendable {
    /// The strings in order of first sight; index 0 is the empty string.
    public private(set) var strings: [String] = [""]
    /// Every string's bytes, one after another; `ranges[id]` finds them.
    private var storage: [UInt8] = []
    private var ranges: [Range<Int>] = [0..<0]
    private var slots: [UInt64: [UInt32]] = [:]
    private var lastHash: UInt64 = 0
    private var lastID: UInt32 = 0

    public init() {}

    /// The number for these bytes, added on first sight.
    public mutating func intern(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt32 {
        if range.isEmpty { return 0 }
        // Most lines repeat the previous line's host and prefix: compare with it before hashing.
        if lastID != 0 && equal(lastID, buffer, range) { return lastID }
        let hash = Self.hash(buffer, range)
        if let candidates = slots[hash] {
            for id in candidates where equal(id, buffer, range) {
                lastHash = hash
                lastID = id
                return id
            }
        }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[range])
        let id = UInt32(strings.count)
        ranges.append(storage.count..<(storage.count + slice.count))
        storage.append(contentsOf: slice)
        strings.append(String(decoding: slice, as: UTF8.self))
        slots[hash, default: []].append(id)
        lastHash = hash
        lastID = id
        return id
    }

    public mutating func intern(_ string: String) -> UInt32 {
        var string = string
        return string.withUTF8 { intern(UnsafeRawBufferPointer($0), 0..<$0.count) }
    }

    @inline(__always)
    private func equal(_ id: UInt32, _ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        let stored = ranges[Int(id)]
        guard stored.count == range.count else { return false }
        return storage.withUnsafeBytes { memcmp($0.baseAddress! + stored.lowerBound, buffer.baseAddress! + range.lowerBound, range.count) == 0 }
    }

    /// FNV-1a.
    private static func hash(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in range {
            hash = (hash ^ UInt64(buffer[index])) &* 0x100_0000_01b3
        }
        return hash
    }

    public var count: Int { strings.count }
    public subscript(id: UInt32) -> String { strings[Int(id)] }
}

#if canImport(Glibc)
import Glibc
#endif
