/// Small byte-level helpers for parsing log lines without making `String`s.
@usableFromInline
enum ASCII {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let equals: UInt8 = 0x3D
    static let colon: UInt8 = 0x3A
    static let dot: UInt8 = 0x2E
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let openParen: UInt8 = 0x28
    static let closeParen: UInt8 = 0x29
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let zero: UInt8 = 0x30

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 { byte | (byte &- 0x41 < 26 ? 0x20 : 0) }
    @inline(__always) static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- 0x30 < 10 { return byte &- 0x30 }
        let lowered = byte | 0x20
        if lowered &- 0x61 < 6 { return lowered &- 0x61 &+ 10 }
        return nil
    }
}

extension UnsafeRawBufferPointer {
    /// The value of decimal digits in `range`, or nil if empty, not all digits, or above `limit`.
    @inline(__always)
    func decimal(_ range: Range<Int>, limit: UInt64 = UInt64(UInt32.max)) -> UInt64? {
        if range.isEmpty || range.count > 19 { return nil }
        var value: UInt64 = 0
        for index in range {
            let digit = self[index] &- 0x30
            if digit >= 10 { return nil }
            value = value &* 10 &+ UInt64(digit)
        }
        return value <= limit ? value : nil
    }

    /// Whether the bytes at `offset` equal `literal` (ASCII).
    @inline(__always)
    func matches(_ literal: StaticString, at offset: Int) -> Bool {
        let length = literal.utf8CodeUnitCount
        if offset < 0 || offset + length > count { return false }
        return memcmp(baseAddress! + offset, literal.utf8Start, length) == 0
    }

    /// The first index at or after `start` (before `end`) where `literal` occurs.
    func firstIndex(of literal: StaticString, from start: Int, to end: Int? = nil) -> Int? {
        let end = end ?? count
        let length = literal.utf8CodeUnitCount
        guard length > 0, end - start >= length, let base = baseAddress else { return nil }
        let first = literal.utf8Start.pointee
        var index = start
        let last = end - length
        while index <= last {
            guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return nil }
            let position = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + position, literal.utf8Start, length) == 0 { return position }
            index = position + 1
        }
        return nil
    }

    /// The index of the next byte that is not a space or tab, starting at `index`.
    @inline(__always)
    func skipSpaces(from index: Int, to end: Int) -> Int {
        var index = index
        while index < end, ASCII.isSpace(self[index]) { index += 1 }
        return index
    }

    /// The bytes in `range` decoded as UTF-8 (invalid sequences repaired), for reporting.
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self[range]), as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
