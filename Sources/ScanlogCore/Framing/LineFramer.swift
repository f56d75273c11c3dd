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
        // One byte more than the limit: the CR of a CRLF does not count against it.
        carry = .allocate(byteCount: maxLineLength + 1, alignment: 16)
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
                lineCount += 1
                try body(limited(trimCR(UnsafeRawBufferPointer(rebasing: chunk[start..<newline])), cut: false))
            }
            start = newline + 1
        }
    }

    /// Delivers a last line that had no newline.
    public mutating func finish(_ body: (Line) throws -> Void) rethrows {
        if carryCount > 0 || carryOverflowed { try deliverCarry(body) }
    }

    /// Whether a partial line is waiting for its end.
    public var hasPartialLine: Bool { carryCount > 0 || carryOverflowed }

    private mutating func appendToCarry(_ bytes: UnsafeRawBufferPointer) {
        let taken = min(maxLineLength + 1 - carryCount, bytes.count)
        if taken < bytes.count { carryOverflowed = true }
        if taken > 0 {
            (carry.baseAddress! + carryCount).copyMemory(from: bytes.baseAddress!, byteCount: taken)
            carryCount += taken
        }
    }

    private mutating func deliverCarry(_ body: (Line) throws -> Void) rethrows {
        lineCount += 1
        let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(carry)[0..<carryCount])
        let overflowed = carryOverflowed
        carryCount = 0
        carryOverflowed = false
        try body(limited(overflowed ? bytes : trimCR(bytes), cut: overflowed))
    }

    /// A line within the limit, or its first `maxLineLength` bytes flagged as cut.
    @inline(__always)
    private func limited(_ bytes: UnsafeRawBufferPointer, cut: Bool) -> Line {
        if cut || bytes.count > maxLineLength {
            return Line(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, maxLineLength)]), number: lineCount, wasCut: true)
        }
        return Line(bytes: bytes, number: lineCount, wasCut: false)
    }

    @inline(__always)
    private func trimCR(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if let last = bytes.last, last == 0x0D { return UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        return bytes
    }
}
