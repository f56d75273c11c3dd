/// Reads the members of a flat, one-line JSON object (`journalctl -o json`, ulogd's JSON output) in place.
///
/// Nested values are skipped, strings are unescaped only when asked. Anything that is not a well-formed
/// object makes `members` return nil.
struct JSONLineReader {
    struct Member {
        var key: Range<Int>
        var value: Range<Int>
        /// Whether the value is a string (its range excludes the quotes).
        var isString: Bool
        /// Whether the string holds escapes (`\"`, `\u001b`) and must be unescaped before use.
        var hasEscapes: Bool
    }

    /// The top-level members of the object on `line`, or nil if it is not a JSON object.
    static func members(_ line: UnsafeRawBufferPointer) -> [Member]? {
        var index = line.skipSpaces(from: 0, to: line.count)
        guard index < line.count, line[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var members: [Member] = []
        while true {
            index = line.skipSpaces(from: index, to: line.count)
            guard index < line.count else { return nil }
            if line[index] == UInt8(ascii: "}") { return members }
            if line[index] == UInt8(ascii: ",") { index += 1; continue }
            guard line[index] == ASCII.quote, let key = scanString(line, from: index) else { return nil }
            index = line.skipSpaces(from: key.end, to: line.count)
            guard index < line.count, line[index] == ASCII.colon else { return nil }
            index = line.skipSpaces(from: index + 1, to: line.count)
            guard index < line.count else { return nil }
            if line[index] == ASCII.quote {
                guard let value = scanString(line, from: index) else { return nil }
                members.append(Member(key: key.content, value: value.content, isString: true, hasEscapes: value.escaped))
                index = value.end
            } else {
                guard let end = skipValue(line, from: index) else { return nil }
                members.append(Member(key: key.content, value: index..<end, isString: false, hasEscapes: false))
                index = end
            }
        }
    }

    /// A string starting at the quote at `start`: its content range, whether it has escapes, and the index after it.
    private static func scanString(_ line: UnsafeRawBufferPointer, from start: Int) -> (content: Range<Int>, escaped: Bool, end: Int)? {
        var index = start + 1
        var escaped = false
        while index < line.count {
            let byte = line[index]
            if byte == ASCII.backslash {
                escaped = true
                index += 2
                continue
            }
            if byte == ASCII.quote { return (start + 1..<index, escaped, index + 1) }
            index += 1
        }
        return nil
    }

    /// Skips a number, literal, array or object; returns the index after it.
    private static func skipValue(_ line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < line.count {
            let byte = line[index]
            switch byte {
            case ASCII.quote:
                guard let string = scanString(line, from: index) else { return nil }
                index = string.end
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == 0 { return index }
                depth -= 1
                if depth == 0 { return index + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return index }
            default:
                break
            }
            index += 1
        }
        return depth == 0 ? index : nil
    }

    /// The bytes of a string value with escapes resolved (UTF-8 for `\uXXXX`), appended to `output`.
    static func unescape(_ line: UnsafeRawBufferPointer, _ range: Range<Int>, into output: inout [UInt8]) {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = line[index]
            guard byte == ASCII.backslash, index + 1 < range.upperBound else {
                output.append(byte)
                index += 1
                continue
            }
            let escape = line[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar: UInt32 = 0
                var digits = 0
                while digits < 4, index < range.upperBound, let digit = ASCII.hexValue(line[index]) {
                    scalar = scalar << 4 | UInt32(digit)
                    index += 1
                    digits += 1
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: Array(String(character).utf8))
            default: output.append(escape)
            }
        }
    }

    /// A journal MESSAGE that is not valid UTF-8 is written as an array of byte values.
    static func byteArray(_ line: UnsafeRawBufferPointer, _ range: Range<Int>, into output: inout [UInt8]) -> Bool {
        guard range.count >= 2, line[range.lowerBound] == UInt8(ascii: "[") else { return false }
        var value = 0
        var digits = 0
        for index in range.lowerBound + 1..<range.upperBound {
            let byte = line[index]
            if ASCII.isDigit(byte) {
                value = value * 10 + Int(byte - ASCII.zero)
                digits += 1
                if value > 255 { return false }  // not a byte (and never let it overflow)
            } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                guard digits > 0, value < 256 else { return false }
                output.append(UInt8(value))
                value = 0
                digits = 0
            } else if !ASCII.isSpace(byte) {
                return false
            }
        }
        return true
    }
}
