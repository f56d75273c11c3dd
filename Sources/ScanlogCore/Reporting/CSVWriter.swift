/// Writes RFC 4180 CSV (CRLF line ends, quotes doubled) with cells from the log made inert for spreadsheets.
///
/// OWASP's CSV-injection rule: a text cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'`
/// so that no spreadsheet runs it as a formula. Numbers are written with `number` and stay numbers.
public struct CSVWriter {
    private var buffer = ByteBuffer(capacity: 1 << 17)
    private let flush: ((UnsafeRawBufferPointer) -> Void)?
    private var cellsInRow = 0

    public init(flush: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.flush = flush
    }

    /// What is buffered (all of the table when there is no `flush`).
    public var bytes: [UInt8] { buffer.array }

    public var output: String { buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

    public mutating func text(_ value: String?) {
        separate()
        guard let value else { return }
        buffer.appendCSVText(value)
    }

    /// A number cell (negative numbers are numbers, not formulas).
    public mutating func number(_ value: (some BinaryInteger)?) {
        separate()
        if let value { buffer.appendInteger(value) }
    }

    public mutating func number(_ value: Double?) {
        separate()
        if let value, value.isFinite { buffer.append(utf8: String(value)) }
    }

    /// A list joined with `;`.
    public mutating func list(_ values: [String]) { text(values.joined(separator: ";")) }

    public mutating func header(_ names: [String]) {
        for name in names { text(name) }
        endRow()
    }

    public mutating func endRow() {
        buffer.ensureUnique()
        buffer.append("\r\n")
        cellsInRow = 0
        if let flush, buffer.count >= JSONWriter.flushSize { finish(flush) }
    }

    public mutating func finish() {
        if let flush { finish(flush) }
    }

    /// Whole rows already written as CSV (each ending in CRLF). Large blocks go to `flush` as they are.
    mutating func appendRows(_ block: ByteBuffer) {
        precondition(cellsInRow == 0, "rows start at the beginning of a row")
        if let flush, block.count >= JSONWriter.flushSize {
            finish(flush)
            block.withUnsafeBytes(flush)
        } else {
            buffer.ensureUnique()
            buffer.append(block)
            if let flush, buffer.count >= JSONWriter.flushSize { finish(flush) }
        }
    }

    private mutating func finish(_ flush: (UnsafeRawBufferPointer) -> Void) {
        if !buffer.isEmpty { buffer.withUnsafeBytes(flush) }
        buffer.removeAll()
    }

    private mutating func separate() {
        buffer.ensureUnique()
        if cellsInRow > 0 { buffer.append(UInt8(ascii: ",")) }
        cellsInRow += 1
    }
}

extension ByteBuffer {
    /// A CSV text cell: nothing for an empty string, `'` before a leading `=`, `+`, `-`, `@`, tab or CR, and
    /// quotes (inner quotes doubled) when a character of the cell is a comma, quote, LF or CR.
    mutating func appendCSVText(_ value: String) {
        var value = value
        value.withUTF8 { appendCSVText(UnsafeRawBufferPointer($0)) }
    }

    /// The same for the UTF-8 of a string.
    mutating func appendCSVText(_ utf8: UnsafeRawBufferPointer) {
        guard let first = utf8.first else { return }
        // A scalar that starts with an ASCII byte is that byte.
        let formula = first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D
        if Self.csvNeedsQuotes(utf8, formulaPrefix: formula) {
            append(UInt8(ascii: "\""))
            if formula { append(UInt8(ascii: "'")) }
            let start = utf8.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let count = utf8.count
            var runStart = 0
            var index = 0
            while index < count {
                // Eight bytes without a quote at a time.
                if index &+ 8 <= count, ByteWord.bytes(UnsafeRawPointer(start).loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian, equalTo: UInt8(ascii: "\"")) == 0 {
                    index &+= 8
                    continue
                }
                if start[index] == UInt8(ascii: "\"") {
                    append(start + runStart, count: index + 1 - runStart)
                    append(UInt8(ascii: "\""))
                    runStart = index + 1
                }
                index &+= 1
            }
            append(start + runStart, count: count - runStart)
            append(UInt8(ascii: "\""))
        } else {
            if formula { append(UInt8(ascii: "'")) }
            append(utf8)
        }
    }

    /// Whether a Character of the cell (after the `'` prefix, if any) is `,`, `"`, `\n` or `\r`. Without one
    /// of those bytes there is none; for ASCII text only CR LF pairs (one Character) need a second look;
    /// other text is asked as a `String`, as the Character rules say.
    private static func csvNeedsQuotes(_ utf8: UnsafeRawBufferPointer, formulaPrefix: Bool) -> Bool {
        let (special, ascii) = scan(utf8)
        guard special else { return false }
        if ascii {
            let count = utf8.count
            for index in 0..<count {
                switch utf8[index] {
                case UInt8(ascii: ","), UInt8(ascii: "\""): return true
                case 0x0A where index == 0 || utf8[index - 1] != 0x0D: return true
                case 0x0D where index + 1 == count || utf8[index + 1] != 0x0A: return true
                default: continue
                }
            }
            return false
        }
        let cell = (formulaPrefix ? "'" : "") + String(decoding: utf8, as: UTF8.self)
        return cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
    }

    /// Whether a byte is `,`, `"`, LF or CR, and whether every byte is ASCII: eight bytes at a time, then the
    /// rest one by one.
    @inline(__always)
    private static func scan(_ utf8: UnsafeRawBufferPointer) -> (special: Bool, ascii: Bool) {
        guard let base = utf8.baseAddress else { return (false, true) }
        let count = utf8.count
        var specialBits: UInt64 = 0
        var highBits: UInt64 = 0
        var index = 0
        while index &+ 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            highBits |= word
            specialBits |= specialBytes(word)
            index &+= 8
        }
        var special = specialBits != 0
        while index < count {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            highBits |= UInt64(byte)
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D { special = true }
            index &+= 1
        }
        return (special, highBits & 0x8080_8080_8080_8080 == 0)
    }

    /// Not zero when one of the eight bytes is `,`, `"`, LF or CR (`ByteWord`'s exact tests).
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        ByteWord.bytes(word, equalTo: UInt8(ascii: ",")) | ByteWord.bytes(word, equalTo: UInt8(ascii: "\""))
            | ByteWord.bytes(word, equalTo: 0x0A) | ByteWord.bytes(word, equalTo: 0x0D)
    }
}
