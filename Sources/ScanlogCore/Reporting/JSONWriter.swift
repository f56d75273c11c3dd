/// Writes JSON as UTF-8 bytes with correct escaping, so that log content can never break the document.
///
/// Output collects in a buffer that is handed to `flush` every 64 KiB (or kept whole when there is no `flush`),
/// so a report of a million sources never exists as one string.
public struct JSONWriter {
    private var buffer = ByteBuffer(capacity: 1 << 17)
    private let flush: ((UnsafeRawBufferPointer) -> Void)?
    /// Per open container, innermost in bit 0: whether a value was written (the next one needs a comma).
    /// Levels beyond 64 spill into `deeperLevels`.
    private var hasValue: UInt64 = 0
    private var depth = 0
    private var deeperLevels: [Bool] = []
    /// A member name was just written: its value follows without a comma.
    private var afterKey = false
    /// Text kept from one row to the next by rows written as bytes (`rawValue`).
    private var rowText = RowTextCache()

    static let flushSize = 1 << 16

    public init(flush: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.flush = flush
    }

    /// What is buffered (all of the document when there is no `flush`).
    public var bytes: [UInt8] { buffer.array }

    /// The document so far, as text (for writers without `flush`).
    public var output: String { buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

    /// Hands what is buffered to `flush`.
    public mutating func finish() {
        guard let flush else { return }
        if !buffer.isEmpty { buffer.withUnsafeBytes(flush) }
        buffer.removeAll()
    }

    @inline(__always)
    private mutating func flushIfFull() {
        if flush != nil && buffer.count >= Self.flushSize { finish() }
    }

    @inline(__always)
    private mutating func beginValue() {
        buffer.ensureUnique()
        if afterKey {
            afterKey = false
        } else if hasValue & 1 != 0 {
            buffer.append(UInt8(ascii: ","))
        }
        hasValue |= 1
    }

    private mutating func push() {
        depth += 1
        if depth > 64 { deeperLevels.append(hasValue >> 63 != 0) }
        hasValue <<= 1
    }

    private mutating func pop() {
        buffer.ensureUnique()
        hasValue >>= 1
        if depth > 64, let spilled = deeperLevels.popLast(), spilled { hasValue |= 1 << 63 }
        depth -= 1
    }

    public mutating func beginObject() { beginValue(); buffer.append(UInt8(ascii: "{")); push() }
    public mutating func endObject() { pop(); buffer.append(UInt8(ascii: "}")); flushIfFull() }
    public mutating func beginArray() { beginValue(); buffer.append(UInt8(ascii: "[")); push() }
    public mutating func endArray() { pop(); buffer.append(UInt8(ascii: "]")); flushIfFull() }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        beginValue()
        buffer.appendJSONString(name)
        buffer.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// Ends a document or a JSON Lines record.
    public mutating func newline() {
        buffer.ensureUnique()
        buffer.append(0x0A)
        if depth == 0 { hasValue = 0 }
        flushIfFull()
    }

    public mutating func string(_ value: String) { beginValue(); buffer.appendJSONString(value) }
    public mutating func number(_ value: some BinaryInteger) { beginValue(); buffer.appendInteger(value) }
    public mutating func number(_ value: Double) {
        beginValue()
        buffer.append(utf8: value.isFinite ? String(value) : "null")
    }
    public mutating func bool(_ value: Bool) { beginValue(); buffer.append(value ? "true" : "false") }
    public mutating func null() { beginValue(); buffer.append("null") }
    public mutating func optionalString(_ value: String?) { if let value { string(value) } else { null() } }
    public mutating func optionalNumber(_ value: (some BinaryInteger)?) { if let value { number(value) } else { null() } }

    public mutating func member(_ name: String, _ value: String) { key(name); string(value) }
    public mutating func member(_ name: String, _ value: some BinaryInteger) { key(name); number(value) }
    public mutating func member(_ name: String, _ value: String?) { key(name); optionalString(value) }
    public mutating func member(_ name: String, _ value: Bool) { key(name); bool(value) }

    public mutating func objectMember(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        beginObject()
        body(&self)
        endObject()
    }

    public mutating func arrayMember(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        beginArray()
        body(&self)
        endArray()
    }

    /// Values already written as JSON text (`count` of them, each but the first after its comma) as the next
    /// members of the open array. Large blocks go to `flush` as they are, without a copy.
    mutating func appendValues(_ block: ByteBuffer, count: Int) {
        guard count > 0 else { return }
        buffer.ensureUnique()
        if afterKey || hasValue & 1 == 0 {
            afterKey = false
        } else {
            buffer.append(UInt8(ascii: ","))
        }
        hasValue |= 1
        if let flush, block.count >= Self.flushSize {
            finish()
            block.withUnsafeBytes(flush)
        } else {
            buffer.append(block)
            flushIfFull()
        }
    }

    /// A value written as JSON text by `body` (after its comma, when one is due).
    mutating func rawValue(_ body: (inout ByteBuffer, inout RowTextCache) -> Void) {
        beginValue()
        body(&buffer, &rowText)
    }

    /// The escaped form of `value` as a JSON string literal (quotes included).
    public static func quoted(_ value: String) -> String {
        var buffer = ByteBuffer(capacity: value.utf8.count + 16)
        buffer.appendJSONString(value)
        return buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension ByteBuffer {
    /// `value` as a JSON string literal: RFC 8259 escaping, control characters (and DEL) as `\u00XX`, other
    /// bytes copied as they are.
    @inline(__always)
    mutating func appendJSONString(_ value: String) {
        var value = value
        value.withUTF8 { appendJSONString(UnsafeRawBufferPointer($0)) }
    }

    /// The same for UTF-8 bytes.
    mutating func appendJSONString(_ utf8: UnsafeRawBufferPointer) {
        append(UInt8(ascii: "\""))
        appendJSONEscaped(utf8)
        append(UInt8(ascii: "\""))
    }

    /// The inside of a JSON string literal (no quotes).
    mutating func appendJSONEscaped(_ value: String) {
        var value = value
        value.withUTF8 { appendJSONEscaped(UnsafeRawBufferPointer($0)) }
    }

    /// The inside of a JSON string literal for UTF-8 bytes: runs that need no escaping (found eight bytes at
    /// a time) are copied whole.
    mutating func appendJSONEscaped(_ utf8: UnsafeRawBufferPointer) {
        let count = utf8.count
        guard count > 0, let base = utf8.baseAddress else { return }
        let start = base.assumingMemoryBound(to: UInt8.self)
        var index = 0
        var runStart = 0
        while index < count {
            while index &+ 8 <= count, !Self.mayNeedEscape(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index &+= 8
            }
            let stop = min(index &+ 8, count)
            while index < stop {
                let byte = start[index]
                if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
                    append(start + runStart, count: index &- runStart)
                    appendEscape(byte)
                    runStart = index &+ 1
                }
                index &+= 1
            }
        }
        append(start + runStart, count: count &- runStart)
    }

    /// Whether any of the eight bytes (in either byte order) is below 0x20, `"`, `\` or DEL. Exact: the
    /// zero-byte tests below have no false negatives.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let below20 = (word &- ones &* 0x20) & ~word & highs
        return (below20 | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x5C))
            | hasZeroByte(word ^ (ones &* 0x7F))) != 0
    }

    private mutating func appendEscape(_ byte: UInt8) {
        switch byte {
        case 0x22: append("\\\"")
        case 0x5C: append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        default:
            let hex: StaticString = "0123456789abcdef"
            append("\\u00")
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0xF)])
        }
    }
}
