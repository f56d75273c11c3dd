/// Writes JSON text with correct escaping, so that log content can never break the document.
public struct JSONWriter {
    public private(set) var output = ""
    /// Per open container: whether a value was written (the next one needs a comma).
    private var hasValue: [Bool] = [false]
    /// A member name was just written: its value follows without a comma.
    private var afterKey = false

    public init() { output.reserveCapacity(1 << 16) }

    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if hasValue[hasValue.count - 1] {
            output += ","
        }
        hasValue[hasValue.count - 1] = true
    }

    public mutating func beginObject() { beginValue(); output += "{"; hasValue.append(false) }
    public mutating func endObject() { hasValue.removeLast(); output += "}" }
    public mutating func beginArray() { beginValue(); output += "["; hasValue.append(false) }
    public mutating func endArray() { hasValue.removeLast(); output += "]" }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        beginValue()
        Self.appendString(name, to: &output)
        output += ":"
        afterKey = true
    }

    public mutating func string(_ value: String) { beginValue(); Self.appendString(value, to: &output) }
    public mutating func number(_ value: some BinaryInteger) { beginValue(); output += String(value) }
    public mutating func number(_ value: Double) { beginValue(); output += value.isFinite ? String(value) : "null" }
    public mutating func bool(_ value: Bool) { beginValue(); output += value ? "true" : "false" }
    public mutating func null() { beginValue(); output += "null" }
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

    /// RFC 8259 string escaping; control characters (and DEL) become `\u00XX`.
    public static func appendString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
