#if canImport(Glibc)
import Glibc
#endif

/// Cuts a stream of byte chunks into lines, without copying a line that lies inside one chunk.
///
/// LF or CRLF endings (the CR is dropped), a last line without a newline, and lines longer than
/// `maxLineLength`: such a line is delivered once, cut to the limit and flagged, and the rest of it is
/// skipped, so memory never grows with a line's length.
public struct LineFramer {
    /// One framed line: its bytes (valid only during the callback), number, and whether it was cut.
    public struct Line {
        public let bytes: UnsafeRawBufferPointer
        public let number: Int
        public let wasCut: Bool
    }

    public let maxLineLength: Int
    /// The start of a line that continues in the next chunk (at most `maxLineLength` bytes of it).
    private var carry: UnsafeMutableRawBufferPointer
    private var carryCount = 0
    /// Whether the carried line had more bytes than fit (they were dropped).
    private var carryOverflowed = false
    public private(set) var lineCount = 0

    public init(maxLineLength: Int = 64 * 1024) {
        self.maxLineLength = maxLineLength
        carry = .allocate(byteCount: maxLineLength, alignment: 16)
    }

    /// Frees the carry buffer; the framer must not be used afterwards.
    public func deallocate() { carry.deallocate() }

    /// Frames the lines completed by `chunk`; a partial last line waits for the next chunk or `finish`.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (Line) throws -> Void) rethrows {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        let count = chunk.count
        while start < count {
            guard let hit = memchr(base + start, 0x0A, count - start) else {
                appendToCarry(UnsafeRawBufferPointer(rebasing: chunk[start..<count]))
                return
            }
            let newline = base.distance(to: UnsafeRawPointer(hit))
            if carryCount > 0 || carryOverflowed {
                appendToCarry(UnsafeRawBufferPointer(rebasing: chunk[start..<newline]))
                try deliverCarry(body)
            } else {
                let cut = newline - start > maxLineLength
                let end = cut ? start + maxLineLength : newline
                lineCount += 1
                try body(Line(bytes: trimCR(UnsafeRawBufferPointer(rebasing: chunk[start..<end])), number: lineCount, wasCut: cut))
            }
            start = newline + 1
        }
    }

    /// Delivers a last line that had no newline.
    public mutating func finish(_ body: (Line) throws -> Void) rethrows {
        if carryCount > 0 || carryOverflowed { try deliverCarry(body) }
    }

    private mutating func appendToCarry(_ bytes: UnsafeRawBufferPointer) {
        let taken = min(maxLineLength - carryCount, bytes.count)
        if taken < bytes.count { carryOverflowed = true }
        if taken > 0 {
            (carry.baseAddress! + carryCount).copyMemory(from: bytes.baseAddress!, byteCount: taken)
            carryCount += taken
        }
    }

    private mutating func deliverCarry(_ body: (Line) throws -> Void) rethrows {
        lineCount += 1
        let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(carry)[0..<carryCount])
        let cut = carryOverflowed
        carryCount = 0
        carryOverflowed = false
        try body(Line(bytes: cut ? bytes : trimCR(bytes), number: lineCount, wasCut: cut))
    }

    @inline(__always)
    private func trimCR(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if let last = bytes.last, last == 0x0D { return UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        return bytes
    }
}
