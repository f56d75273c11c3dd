/// An IPv4 or IPv6 address stored as 128 bits; IPv4 is kept in the IPv4-mapped form `::ffff:a.b.c.d`.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(v4 value: UInt32) {
        high = 0
        low = 0xFFFF_0000_0000 | UInt64(value)
    }

    public static let unspecified = IPAddress(high: 0, low: 0)

    public var isIPv4: Bool { high == 0 && (low >> 32) == 0xFFFF }
    public var v4Value: UInt32 { UInt32(truncatingIfNeeded: low) }

    public static func < (a: IPAddress, b: IPAddress) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// The network of `prefixLength` bits (counted within the IPv4 address for IPv4).
    public func masked(prefixLength: Int) -> IPAddress {
        let bits = isIPv4 ? 96 + min(max(prefixLength, 0), 32) : min(max(prefixLength, 0), 128)
        if bits >= 128 { return self }
        if bits <= 64 {
            let mask: UInt64 = bits == 0 ? 0 : ~0 << (64 - bits)
            return IPAddress(high: high & mask, low: 0)
        }
        let mask: UInt64 = ~0 << (128 - bits)
        return IPAddress(high: high, low: low & mask)
    }

    /// RFC 5952 text: dotted quad for IPv4, lower-case compressed groups for IPv6. Written byte by byte into the
    /// string's own storage (reports make one per source).
    public var description: String {
        String(unsafeUninitializedCapacity: Self.maximumTextLength) { write(to: $0.baseAddress!) }
    }

    /// Room for any `description` (39 bytes at most: eight groups of four hex digits and seven colons).
    static let maximumTextLength = 48

    /// Writes `description` at `buffer` (room for `maximumTextLength` bytes); returns its length. Reports write
    /// addresses straight into their own buffers with it.
    func write(to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        var count = 0
        @inline(__always) func put(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }
        if isIPv4 {
            // Each octet's digits and a dot as one word, stored whole; the count keeps its digits and the dot.
            var cursor = UnsafeMutableRawPointer(buffer)
            @inline(__always) func octet(_ value: UInt32, dot: Bool) {
                let hundreds = value / 100
                let rest = value &- hundreds &* 100
                let tens = rest / 10
                let ones = rest &- tens &* 10
                let word: UInt32, digits: Int
                if value >= 100 {
                    word = (0x30 &+ hundreds) | (0x30 &+ tens) << 8 | (0x30 &+ ones) << 16 | 0x2E << 24
                    digits = 3
                } else if value >= 10 {
                    word = (0x30 &+ tens) | (0x30 &+ ones) << 8 | 0x2E << 16
                    digits = 2
                } else {
                    word = (0x30 &+ ones) | 0x2E << 8
                    digits = 1
                }
                cursor.storeBytes(of: word.littleEndian, as: UInt32.self)
                cursor += dot ? digits &+ 1 : digits
            }
            let value = v4Value
            octet(value >> 24, dot: true)
            octet(value >> 16 & 0xFF, dot: true)
            octet(value >> 8 & 0xFF, dot: true)
            octet(value & 0xFF, dot: false)
            return cursor - UnsafeMutableRawPointer(buffer)
        }
        @inline(__always) func group(_ index: Int) -> UInt16 {
            let word = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (UInt64(3 - index % 4) * 16))
        }
        // Bit i: group i is zero.
        var zeros = 0
        for index in 0..<8 where group(index) == 0 { zeros |= 1 << index }
        // The longest run of two or more zero groups becomes "::" (the first such run on a tie).
        var bestStart = -1, bestLength = 1, runStart = 0
        while zeros >> runStart != 0 {
            runStart += (zeros >> runStart).trailingZeroBitCount
            let length = (~(zeros >> runStart)).trailingZeroBitCount
            if length > bestLength { bestStart = runStart; bestLength = length }
            runStart += length
        }
        if bestStart < 0 { bestLength = 0 }
        var index = 0
        while index < 8 {
            if index == bestStart {
                put(0x3A)
                put(0x3A)
                index += bestLength
                continue
            }
            // A colon between groups, none right after "::".
            if index > 0 && index != bestStart + bestLength { put(0x3A) }
            // The group's four hex digits in one word, highest first in memory; stored from its highest digit
            // that is not zero (its last one for zero).
            let value = group(index)
            let x = UInt32(value)
            let nibbles = x >> 12 | (x >> 8 & 0xF) << 8 | (x >> 4 & 0xF) << 16 | (x & 0xF) << 24
            let letters = (nibbles &+ 0x0606_0606) >> 4 & 0x0101_0101
            let text = nibbles &+ 0x3030_3030 &+ letters &* 0x27
            let digits = max(1, (19 - value.leadingZeroBitCount) / 4)
            UnsafeMutableRawPointer(buffer + count).storeBytes(of: (text >> UInt32(8 * (4 - digits))).littleEndian, as: UInt32.self)
            count += digits
            index += 1
        }
        return count
    }

    /// Parses dotted IPv4 or IPv6 (full as the kernel prints it, or compressed as other tools do).
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ IPAddress.parse(UnsafeRawBufferPointer($0), 0..<$0.count) }) else { return nil }
        self = parsed
    }

    /// Parses an address from raw bytes.
    static func parse(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> IPAddress? {
        if range.isEmpty { return nil }
        // Dotted IPv4 first (most sources): it fails on the first colon of an IPv6 address.
        if let v4 = parseV4(bytes, range) { return IPAddress(v4: v4) }
        var hasColon = false
        for index in range where bytes[index] == ASCII.colon { hasColon = true; break }
        return hasColon ? parseV6(bytes, range) : nil
    }

    /// The address that starts at `start`, and the end of its token: `parse(bytes, start..<tokenEnd)` with
    /// `tokenEnd(from: start, to: end)`. Dotted IPv4 and the kernel's full IPv6 form are read a word at a time,
    /// and their ends found on the way; any other text goes the general way.
    @inline(__always)
    static func parseToken(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> (address: IPAddress?, end: Int) {
        if let (value, stop) = dottedQuad(bytes, from: start, to: end) { return (IPAddress(v4: value), stop) }
        return parseOtherToken(bytes, from: start, to: end)
    }

    /// `parseToken` for anything but dotted IPv4.
    @inline(never)
    private static func parseOtherToken(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> (address: IPAddress?, end: Int) {
        if let address = fullIPv6(bytes, from: start, to: end) { return (address, start &+ 39) }
        let tokenEnd = bytes.tokenEnd(from: start, to: end)
        return (parse(bytes, start..<tokenEnd), tokenEnd)
    }

    /// Dotted IPv4 at `start` that ends its token (at `end`, a space or a tab), and that end; nil for any other
    /// text: four octets of one to three digits, each at most 255.
    @inline(__always)
    private static func dottedQuad(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> (UInt32, Int)? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var index = start
        while index < end {
            let byte = bytes[index]
            let digit = byte &- ASCII.zero
            if digit < 10 {
                octet = octet &* 10 &+ UInt32(digit)
                digits &+= 1
                if digits > 3 || octet > 255 { return nil }
            } else if byte == ASCII.dot {
                if digits == 0 || dots == 3 { return nil }
                value = value &<< 8 | octet
                octet = 0
                digits = 0
                dots &+= 1
            } else if byte == ASCII.space || byte == ASCII.tab {
                break
            } else {
                return nil
            }
            index &+= 1
        }
        guard dots == 3, digits > 0 else { return nil }
        return (value &<< 8 | octet, index)
    }

    /// The kernel's IPv6 form at `start` (eight groups of four hex digits, no `::`, 39 bytes) that ends its token;
    /// nil for any other text. Two groups per step.
    @inline(__always)
    private static func fullIPv6(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> IPAddress? {
        guard end &- start >= 39 else { return nil }
        if end &- start > 39 {
            let stop = bytes[start &+ 39]
            guard stop == ASCII.space || stop == ASCII.tab else { return nil }
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for pair in 0..<4 {
            let index = start &+ 10 &* pair
            let first = bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian
            let second = bytes.loadUnaligned(fromByteOffset: index &+ 5, as: UInt32.self).littleEndian
            guard let groups = hexGroups(UInt64(first) | UInt64(second) &<< 32), bytes[index &+ 4] == ASCII.colon,
                pair == 3 || bytes[index &+ 9] == ASCII.colon
            else { return nil }
            if pair < 2 { high = high &<< 32 | groups } else { low = low &<< 32 | groups }
        }
        return IPAddress(high: high, low: low)
    }

    /// Eight hex digits (two groups of four) as one 32-bit number, the first digit the most significant; nil
    /// unless all eight bytes are hex digits (`0-9`, `a-f`, `A-F`).
    @inline(__always)
    private static func hexGroups(_ word: UInt64) -> UInt64? {
        let nonDigits = ByteWord.nonDigits(word ^ 0x3030_3030_3030_3030)
        // A letter a-f or A-F becomes 1...6 here; less one (borrowing from the high bit set for it), 0...5.
        let letters = (word | 0x2020_2020_2020_2020) ^ 0x6060_6060_6060_6060
        let lessOne = (letters | ByteWord.highBits) &- 0x0101_0101_0101_0101
        let nonLetters = (~lessOne | ((lessOne & ByteWord.lowBits) &+ 0x7A7A_7A7A_7A7A_7A7A) | letters) & ByteWord.highBits
        guard nonDigits & nonLetters == 0 else { return nil }
        // Each byte's value (a letter's low four bits plus 9), then pairs of bytes, then pairs of pairs.
        var value = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ (nonDigits &>> 7) &* 9
        value = (value &<< 4 | value &>> 8) & 0x00FF_00FF_00FF_00FF
        value = (value &<< 8 | value &>> 16) & 0x0000_FFFF_0000_FFFF
        return (value & 0xFFFF) &<< 16 | value &>> 32
    }

    /// Dotted IPv4 filling `range`: `dottedQuad`, which must stop at the range's end (a blank inside the range is
    /// no address).
    static func parseV4(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt32? {
        guard let (value, stop) = dottedQuad(bytes, from: range.lowerBound, to: range.upperBound), stop == range.upperBound else { return nil }
        return value
    }

    static func parseV6(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> IPAddress? {
        // Eight groups on the stack: no allocation per address on the per-line path.
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 8) { groups in
            groups.initialize(repeating: 0)
            return parseV6(bytes, range, into: groups)
        }
    }

    private static func parseV6(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, into groups: UnsafeMutableBufferPointer<UInt16>) -> IPAddress? {
        var count = 0
        var gap = -1
        var index = range.lowerBound
        let end = range.upperBound
        if bytes[index] == ASCII.colon {
            guard index + 1 < end, bytes[index + 1] == ASCII.colon else { return nil }
            gap = 0
            index += 2
            if index == end { return .unspecified }
        }
        while index < end {
            // An embedded IPv4 tail (::ffff:1.2.3.4).
            var tokenEnd = index
            var hasDot = false
            while tokenEnd < end, bytes[tokenEnd] != ASCII.colon {
                if bytes[tokenEnd] == ASCII.dot { hasDot = true }
                tokenEnd += 1
            }
            if hasDot {
                guard tokenEnd == end, count <= 6, let v4 = parseV4(bytes, index..<end) else { return nil }
                groups[count] = UInt16(v4 >> 16)
                groups[count + 1] = UInt16(v4 & 0xFFFF)
                count += 2
                break
            }
            let length = tokenEnd - index
            guard length >= 1, length <= 4, count < 8 else { return nil }
            var group: UInt16 = 0
            for position in index..<tokenEnd {
                guard let digit = ASCII.hexValue(bytes[position]) else { return nil }
                group = group << 4 | UInt16(digit)
            }
            groups[count] = group
            count += 1
            index = tokenEnd
            if index < end {
                index += 1  // the colon
                if index < end, bytes[index] == ASCII.colon {
                    guard gap < 0 else { return nil }
                    gap = count
                    index += 1
                } else if index == end {
                    return nil  // trailing single colon
                }
            }
        }
        if gap >= 0 {
            guard count < 8 else { return nil }
            let moved = count - gap
            for offset in 0..<moved { groups[7 - offset] = groups[count - 1 - offset] }
            for position in gap..<(8 - moved) { groups[position] = 0 }
        } else if count != 8 {
            return nil
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for position in 0..<4 { high = high << 16 | UInt64(groups[position]) }
        for position in 4..<8 { low = low << 16 | UInt64(groups[position]) }
        return IPAddress(high: high, low: low)
    }
}
