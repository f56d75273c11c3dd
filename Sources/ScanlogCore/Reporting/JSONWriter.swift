/// Writes JSON as UTF-8 bytes with correct escaping, so that log content can never break the document.
///
/// Output collects in a buffer that is handed to `flush` every 64 KiB (or kept whole when there is no `flush`),
/// so a report of a million sources never exists as one string.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private let flush: ((UnsafeRawBufferPointer) -> Void)?
    /// Per open container: whether a value was written (the next one needs a comma).
    private var hasValue: [Bool] = [false]
    /// A member name was just written: its value follows without a comma.
    private var afterKey = false

    public init(flush: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.flush = flush
        bytes.reserveCapacity(1 << 16)
    }

    /// The document so far, as text (for writers without `flush`).
    public var output: String { String(decoding: bytes, as: UTF8.self) }

    /// Hands what is buffered to `flush`.
    public mutating func finish() {
        guard let flush else { return }
        if !bytes.isEmpty { bytes.withUnsafeBytes(flush) }
        bytes.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private mutating func flushIfFull() {
        if flush != nil && bytes.count >= 1 << 16 { finish() }
    }

    @inline(__always)
    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if hasValue[hasValue.count - 1] {
            bytes.append(UInt8(ascii: ","))
        }
        hasValue[hasValue.count - 1] = true
    }

    public mutating func beginObject() { beginValue(); bytes.append(UInt8(ascii: "{")); hasValue.append(false) }
    public mutating func endObject() { hasValue.removeLast(); bytes.append(UInt8(ascii: "}")); flushIfFull() }
    public mutating func beginArray() { beginValue(); bytes.append(UInt8(ascii: "[")); hasValue.append(false) }
    public mutating func endArray() { hasValue.removeLast(); bytes.append(UInt8(ascii: "]")); flushIfFull() }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        beginValue()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// Ends a document or a JSON Lines record.
    public mutating func newline() {
        bytes.append(0x0A)
        if hasValue.count == 1 { hasValue[0] = false }
        flushIfFull()
    }

    public mutating func string(_ value: String) { beginValue(); appendString(value) }
    public mutating func number(_ value: some BinaryInteger) {
        beginValue()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(value.magnitude))
    }
    public mutating func number(_ value: Double) {
        beginValue()
        bytes.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
    }
    public mutating func bool(_ value: Bool) { beginValue(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    public mutating func null() { beginValue(); bytes.append(contentsOf: "null".utf8) }
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

    @inline(__always)
    private mutating func appendDigits(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(truncatingIfNeeded: value) &+ 0x30)
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// RFC 8259 escaping; control characters (and DEL) become `\u00XX`. Other bytes are copied as they are.
    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case 0x22: bytes.append(contentsOf: "\\\"".utf8)
                case 0x5C: bytes.append(contentsOf: "\\\\".utf8)
                case 0x0A: bytes.append(contentsOf: "\\n".utf8)
                case 0x0D: bytes.append(contentsOf: "\\r".utf8)
                case 0x09: bytes.append(contentsOf: "\\t".utf8)
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: "\\u00".utf8)
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The escaped form of `value` as a JSON string literal (quotes included).
    public static func quoted(_ value: String) -> String {
        var writer = JSONWriter()
        writer.appendString(value)
        return writer.output
    }
}
