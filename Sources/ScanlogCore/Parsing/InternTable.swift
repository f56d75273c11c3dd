/// Gives each distinct byte string (a host name, a log prefix) a small number, without allocating on a hit.
public struct InternTable: Sendable {
    /// The strings in order of first sight; index 0 is the empty string.
    public private(set) var strings: [String] = [""]
    /// Every string's bytes, one after another; `ranges[id]` finds them.
    private var storage: [UInt8] = []
    private var ranges: [Range<Int>] = [0..<0]
    private var slots: [UInt64: [UInt32]] = [:]
    /// The last string interned, as words when it is short enough, and its number.
    private var lastBytes = ShortBytes()
    private var lastID: UInt32 = 0
    /// Short strings seen lately and their numbers, by `ShortBytes.slot`: lines that switch between a few prefixes
    /// find them here without hashing every byte.
    private var recentBytes = [ShortBytes](repeating: ShortBytes(), count: ShortBytes.slotCount)
    private var recentIDs = [UInt32](repeating: 0, count: ShortBytes.slotCount)

    public init() {}

    /// The number for these bytes, added on first sight.
    @inline(__always)
    public mutating func intern(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt32 {
        if range.isEmpty { return 0 }
        // Most lines repeat the previous line's host and prefix: compare with it before anything else.
        if lastBytes.isAt(buffer, range) { return lastID }
        return lookUp(buffer, range)
    }

    /// `intern` past the comparison with the last string.
    @inline(never)
    private mutating func lookUp(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt32 {
        let bytes = ShortBytes(buffer, range)
        if let bytes {
            lastBytes = bytes
            if recentBytes[bytes.slot] == bytes {
                lastID = recentIDs[bytes.slot]
                return lastID
            }
        } else {
            if lastID != 0 && equal(lastID, buffer, range) { return lastID }
            lastBytes = ShortBytes()
        }
        let hash = Self.hash(buffer, range)
        if let candidates = slots[hash] {
            for id in candidates where equal(id, buffer, range) {
                remember(bytes, id)
                return id
            }
        }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[range])
        let id = UInt32(strings.count)
        ranges.append(storage.count..<(storage.count + slice.count))
        storage.append(contentsOf: slice)
        strings.append(String(decoding: slice, as: UTF8.self))
        slots[hash, default: []].append(id)
        remember(bytes, id)
        return id
    }

    private mutating func remember(_ bytes: ShortBytes?, _ id: UInt32) {
        lastID = id
        if let bytes {
            recentBytes[bytes.slot] = bytes
            recentIDs[bytes.slot] = id
        }
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

/// One to 32 bytes held in four words, so that two such strings compare in a few instructions instead of a
/// `memcmp` call. Equal values hold equal bytes; the empty value (`count` 0) equals no bytes read from a buffer.
struct ShortBytes: Equatable, Sendable {
    private(set) var count = 0
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    /// The bytes of `range`, or nil when it is empty or longer than 32 bytes, or the buffer is shorter than eight.
    /// Reads only inside the buffer: a string shorter than a word is read from a word that lies inside it.
    @inline(__always)
    init?(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) {
        let count = range.count
        guard count > 0, count <= 32, buffer.count >= 8 else { return nil }
        let start = range.lowerBound
        self.count = count
        if count < 8 {
            let mask = ~UInt64(0) &>> UInt64(64 &- 8 &* count)
            if start &+ 8 <= buffer.count {
                words.0 = buffer.loadWord(at: start) & mask
            } else {
                let wordStart = buffer.count &- 8
                words.0 = buffer.loadWord(at: wordStart) &>> UInt64(8 &* (start &- wordStart)) & mask
            }
            return
        }
        words.0 = buffer.loadWord(at: start)
        if count > 8 { words.3 = buffer.loadWord(at: range.upperBound &- 8) }
        if count > 16 { words.1 = buffer.loadWord(at: start &+ 8) }
        if count > 24 { words.2 = buffer.loadWord(at: start &+ 16) }
    }

    static let slotCount = 16

    /// A number below `slotCount` from these bytes, for a small table of recent strings.
    var slot: Int {
        Int(truncatingIfNeeded: ((words.0 ^ words.3 ^ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15) &>> 60)
    }

    /// Whether the `count` bytes at `start` (all inside `buffer`) are these.
    @inline(__always)
    func isAt(_ buffer: UnsafeRawBufferPointer, _ start: Int) -> Bool {
        if count < 8 {
            guard count > 0 else { return false }
            guard start &+ 8 <= buffer.count else { return isAtEnd(of: buffer, start) }
            return buffer.loadWord(at: start) & (~UInt64(0) &>> UInt64(64 &- 8 &* count)) == words.0
        }
        if count > 8 && buffer.loadWord(at: start &+ count &- 8) != words.3 { return false }
        if count > 16 && buffer.loadWord(at: start &+ 8) != words.1 { return false }
        if count > 24 && buffer.loadWord(at: start &+ 16) != words.2 { return false }
        return buffer.loadWord(at: start) == words.0
    }

    /// `isAt` for fewer than eight bytes near the buffer's end, out of line.
    @inline(never)
    private func isAtEnd(of buffer: UnsafeRawBufferPointer, _ start: Int) -> Bool {
        ShortBytes(buffer, start..<(start &+ count)) == self
    }

    /// Whether the bytes of `range` are these.
    @inline(__always)
    func isAt(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        range.count == count && isAt(buffer, range.lowerBound)
    }


    @inline(__always)
    static func == (a: ShortBytes, b: ShortBytes) -> Bool {
        a.count == b.count && a.words.0 == b.words.0 && a.words.3 == b.words.3 && a.words.1 == b.words.1
            && a.words.2 == b.words.2
    }
}

#if canImport(Glibc)
import Glibc
#endif
