/// Tests on eight bytes at once (SWAR): each returns the word with the high bit of every matching byte set and
/// all other bits clear. The test is exact for every byte, not only "some byte matches" (no borrow runs from one
/// byte into the next), so `trailingZeroBitCount / 8` of the result is the offset of the first match.
enum ByteWord {
    static let highBits: UInt64 = 0x8080_8080_8080_8080
    static let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// Space (0x20) or tab (0x09).
    @inline(__always)
    static func spacesAndTabs(_ word: UInt64) -> UInt64 {
        ~((differs(word, from: ASCII.space) & differs(word, from: ASCII.tab)) | word) & highBits
    }

    /// `=` (0x3D).
    @inline(__always)
    static func equalsSigns(_ word: UInt64) -> UInt64 { bytes(word, equalTo: ASCII.equals) }

    /// `byte` (below 0x80).
    @inline(__always)
    static func bytes(_ word: UInt64, equalTo byte: UInt8) -> UInt64 {
        ~(differs(word, from: byte) | word) & highBits
    }

    /// ASCII digits.
    @inline(__always)
    static func digits(_ word: UInt64) -> UInt64 {
        // Seven bits plus 0x50 reach 0x80 from '0' up, plus 0x46 from past '9' up; neither carries out of its byte.
        let low = word & lowBits
        return (low &+ 0x5050_5050_5050_5050) & ~(low &+ 0x4646_4646_4646_4646) & ~word & highBits
    }

    /// Bytes that are not ASCII digits, in a word that was XOR-ed with `0x30` in every byte (which turns a digit
    /// into its value): the ones above 9. (`digits` of the word before the XOR, inverted, cheaper on values.)
    @inline(__always)
    static func nonDigits(_ values: UInt64) -> UInt64 {
        (((values & lowBits) &+ 0x7676_7676_7676_7676) | values) & highBits
    }

    /// The number written by the first `count` (1...7) digit values of `values`, the first byte the most
    /// significant: shifted up so that zeros lead, then bytes, pairs and quads are combined (three multiplications).
    @inline(__always)
    static func decimalValue(_ values: UInt64, count: Int) -> UInt64 {
        var value = values &<< UInt64(64 &- 8 &* count)
        value = (value &* 2561) &>> 8
        value = ((value & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return ((value & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
    }

    /// The high bit of each byte is set when its low seven bits differ from `byte` (below 0x80): their XOR, at
    /// most 0x7F, plus 0x7F reaches 0x80 exactly when it is not zero, and never carries into the next byte.
    /// OR-ing the word itself in then also marks the bytes of 0x80 and above.
    @inline(__always)
    private static func differs(_ word: UInt64, from byte: UInt8) -> UInt64 {
        ((word & lowBits) ^ (UInt64(byte) &* 0x0101_0101_0101_0101)) &+ lowBits
    }
}

/// A space-separated token, `start..<end`: `KEY=value` when `equals` is its first `=`, a bare word when
/// `equals` is -1 (as for every token that starts with `[`).
struct Token {
    var start: Int
    var equals: Int
    var end: Int
    /// A key of up to seven bytes as one number: its bytes, little-endian, and its length in the top byte, so that
    /// one comparison tells keys apart. 0 for a longer key and for a bare word.
    var key: UInt64
}

extension UnsafeRawBufferPointer {
    /// The first token at or after `index` (before `end`), or nil when only spaces and tabs are left.
    ///
    /// The token's first eight bytes are classified at once (`ByteWord`); they give its first `=`, its key and
    /// its end, unless the token is longer: then the search goes on eight bytes at a time. The rare cases (no
    /// `=`, space or tab in the first eight bytes; the last eight bytes of the text) are out of line, which keeps
    /// this small enough for the optimizer to inline it into the parser's loop.
    @inline(__always)
    func token(from index: Int, to end: Int) -> Token? {
        let start = skipSpaces(from: index, to: end)
        guard start < end else { return nil }
        let head = word(at: start, end: end)
        let spaces = ByteWord.spacesAndTabs(head)
        // A token that starts with `[` has no key (`[SRC=192.0.2.1` opens an ICMP error's quoted packet).
        let equalsSigns = UInt8(truncatingIfNeeded: head) == ASCII.openBracket ? 0 : ByteWord.equalsSigns(head)
        let stops = spaces | equalsSigns
        guard stops != 0 else { return longToken(from: start, to: end) }
        var equals = -1
        var key: UInt64 = 0
        // The first stop's bit alone: the key's length is its byte offset, and the bits below it cover the key.
        let firstStop = stops & (0 &- stops)
        if equalsSigns & firstStop != 0 {
            let keyLength = firstStop.trailingZeroBitCount &>> 3
            equals = start &+ keyLength
            key = UInt64(truncatingIfNeeded: keyLength) &<< 56 | head & ((firstStop &>> 7) &- 1)
        }
        // Any space here comes after that first stop.
        let tokenEnd = spaces != 0
            ? start &+ spaces.trailingZeroBitCount &>> 3 : Swift.min(self.tokenEnd(from: start &+ 8, to: end), end)
        return Token(start: start, equals: equals, end: tokenEnd, key: key)
    }

    /// A token with no `=`, space or tab in its first eight bytes: a key of eight bytes or more (`HOPLIMIT=`,
    /// packed as 0), or a bare word such as `[SRC=192.0.2.1`.
    @inline(never)
    private func longToken(from start: Int, to end: Int) -> Token {
        let keyEnd = Swift.min(
            firstIndex(from: start &+ 8, to: end) { ByteWord.spacesAndTabs($0) | ByteWord.equalsSigns($0) }, end)
        let isKey = keyEnd < end && self[keyEnd] == ASCII.equals && self[start] != ASCII.openBracket
        return Token(start: start, equals: isKey ? keyEnd : -1, end: tokenEnd(from: keyEnd, to: end), key: 0)
    }

    /// The decimal number that starts at `start`, and the end of its token: `decimal(start..<tokenEnd, limit:)`
    /// and `tokenEnd(from: start, to: end)`, with up to seven digits read from one word.
    @inline(__always)
    func decimalToken(from start: Int, to end: Int, limit: UInt64 = UInt64(UInt32.max)) -> (value: UInt64?, end: Int) {
        if start < end {
            let head = wordNearEnd(at: start, end: end)
            let values = head ^ 0x3030_3030_3030_3030
            let count = ByteWord.nonDigits(values).trailingZeroBitCount &>> 3
            let stop = start &+ count
            let stopByte = UInt8(truncatingIfNeeded: head &>> UInt64(count &* 8))
            if UInt(bitPattern: count &- 1) < 7 && (stop == end || stopByte == ASCII.space || stopByte == ASCII.tab) {
                let value = ByteWord.decimalValue(values, count: count)
                return (value <= limit ? value : nil, stop)
            }
        }
        let tokenEnd = tokenEnd(from: start, to: end)
        return (decimal(start..<tokenEnd, limit: limit), tokenEnd)
    }

    /// `tokenEnd(from:to:)` with a cheaper test for each word: the first byte below 0x21 (found exactly by one
    /// subtraction, whose borrows only run past it) ends the token when it is a space or a tab; any other such
    /// byte, and the last bytes before `end`, go to `tokenEnd`.
    @inline(__always)
    func valueEnd(from index: Int, to end: Int) -> Int {
        var index = index
        while index &+ 8 <= end {
            let word = loadWord(at: index)
            let low = (word &- 0x2121_2121_2121_2121) & ~word & ByteWord.highBits
            if low != 0 {
                let offset = low.trailingZeroBitCount &>> 3
                let byte = UInt8(truncatingIfNeeded: word &>> UInt64(offset &* 8))
                return byte == ASCII.space || byte == ASCII.tab ? index &+ offset : tokenEnd(from: index, to: end)
            }
            index &+= 8
        }
        return tokenEnd(from: index, to: end)
    }

    /// Whether the `count` bytes (at least eight) from `index` hold no byte below 0x21, so no space or tab: a
    /// word at a time, the last word ending with the last byte; all of them read before `index + count`.
    @inline(__always)
    func hasNoBlanks(from index: Int, count: Int) -> Bool {
        var low: UInt64 = 0
        var offset = 0
        while offset &+ 8 < count {
            let word = loadWord(at: index &+ offset)
            low |= (word &- 0x2121_2121_2121_2121) & ~word
            offset &+= 8
        }
        let word = loadWord(at: index &+ count &- 8)
        low |= (word &- 0x2121_2121_2121_2121) & ~word
        return low & ByteWord.highBits == 0
    }

    /// The eight bytes at `index` (all inside the buffer) as one little-endian word, the byte at `index` lowest.
    @inline(__always)
    func loadWord(at index: Int) -> UInt64 { loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian }

    /// The end of the token starting at `index` (the next space or tab, or `end`).
    @inline(__always)
    func tokenEnd(from index: Int, to end: Int) -> Int {
        firstIndex(from: index, to: end, where: ByteWord.spacesAndTabs)
    }

    /// The first index at or after `index` (before `end`) whose byte `matches` marks, eight bytes per step
    /// (`matches` gets the bytes as a word and returns the high bit of each matching byte, as `ByteWord` does).
    /// `end` when there is none; `index` when it is not before `end`.
    @inline(__always)
    private func firstIndex(from index: Int, to end: Int, where matches: (UInt64) -> UInt64) -> Int {
        var index = index
        while index &+ 8 <= end {
            let marks = matches(loadWord(at: index))
            if marks != 0 { return index &+ marks.trailingZeroBitCount &>> 3 }
            index &+= 8
        }
        guard index < end else { return index }
        let marks = matches(word(at: index, end: end))
        return marks != 0 ? index &+ marks.trailingZeroBitCount &>> 3 : end
    }

    /// The eight bytes from `index` (before `end`) as one little-endian word, the byte at `index` lowest; bytes
    /// at and past `end` read as zero, which no `ByteWord` test matches. Reads nothing outside `0..<end`.
    @inline(__always)
    func word(at index: Int, end: Int) -> UInt64 {
        if index &+ 8 <= end { return loadWord(at: index) }
        return lastWord(at: index, end: end)
    }

    /// `word(at:end:)` with its case near `end` in line as well, for the netfilter parser's loop (every line's
    /// last tokens and values are read there).
    @inline(__always)
    func wordNearEnd(at index: Int, end: Int) -> UInt64 {
        if index &+ 8 <= end { return loadWord(at: index) }
        if end >= 8 { return lastEightBytes(at: index, end: end) }
        return lastWord(at: index, end: end)
    }

    /// `word(at:end:)` within eight bytes of `end`, at least eight bytes long: the last eight bytes before `end`
    /// with the ones before `index` shifted out.
    @inline(__always)
    private func lastEightBytes(at index: Int, end: Int) -> UInt64 {
        loadWord(at: end &- 8) &>> UInt64(8 &* (index &+ 8 &- end))
    }

    /// `word(at:end:)` within eight bytes of `end` (in a buffer shorter than eight bytes, the bytes one by one).
    @inline(never)
    private func lastWord(at index: Int, end: Int) -> UInt64 {
        if end >= 8 { return lastEightBytes(at: index, end: end) }
        var word: UInt64 = 0
        for offset in 0..<(end - index) { word |= UInt64(self[index + offset]) &<< UInt64(8 &* offset) }
        return word
    }
}
