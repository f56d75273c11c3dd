/// Report fields written straight into a `ByteBuffer`, each byte for byte what its `String` form would give.
extension ByteBuffer {
    /// `address.description` (dotted quad for IPv4, RFC 5952 for IPv6).
    @inline(__always)
    mutating func appendAddress(_ address: IPAddress) {
        let start = reserve(IPAddress.maximumTextLength)
        advance(by: address.write(to: start))
    }

    /// A confidence as `AnalysisJSON.rounded(value)` and then `String(_:)` write it (`nonFinite` for NaN and
    /// infinities).
    mutating func appendRoundedConfidence(_ value: Double, nonFinite: StaticString = "null") {
        let scaled = (value * 100).rounded()
        // `rounded` divides `scaled` by 100: for the hundredths of 0...1 the text is in the table.
        if scaled >= 0, scaled <= 100, scaled.sign == .plus {
            let entry = Int(scaled) &* 8
            RoundedConfidenceText.table.withUnsafeBufferPointer { table in
                append(table.baseAddress! + entry + 1, count: Int(table[entry]))
            }
        } else {
            let rounded = AnalysisJSON.rounded(value)
            if rounded.isFinite { append(utf8: String(rounded)) } else { append(nonFinite) }
        }
    }
}

/// `String(Double(k) / 100)` for k in 0...100, eight bytes each: the length, then the text.
enum RoundedConfidenceText {
    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 101 * 8)
        for hundredths in 0...100 {
            let text = Array(String(Double(hundredths) / 100).utf8)
            precondition(text.count <= 7, "a confidence's text is longer than its table entry")
            table[hundredths * 8] = UInt8(text.count)
            for (offset, byte) in text.enumerated() { table[hundredths * 8 + 1 + offset] = byte }
        }
        return table
    }()
}

/// `Timestamp.rfc3339()` (UTC) written as bytes: the date part comes from `rfc3339()` itself once per day and
/// is kept (16 days, by day number), the time of day is written here.
struct RFC3339Bytes {
    private static let slots = 16
    private static let slotSize = 16
    /// The day number in each slot (`.min`: empty).
    private var days = [Int64](repeating: .min, count: RFC3339Bytes.slots)
    /// Per slot: the length of the date part (`2026-11-22T`), then its bytes.
    private var dateParts = [UInt8](repeating: 0, count: RFC3339Bytes.slots * RFC3339Bytes.slotSize)

    /// `"2026-11-22T02:11:03Z"` with its quotes, or `null`.
    @inline(__always)
    mutating func appendQuoted(_ time: Timestamp?, fractional: Bool = false, to buffer: inout ByteBuffer) {
        guard let time else {
            buffer.append("null")
            return
        }
        buffer.append(UInt8(ascii: "\""))
        append(time, fractional: fractional, to: &buffer)
        buffer.append(UInt8(ascii: "\""))
    }

    /// `Timestamp.rfc3339(fractional:)`.
    mutating func append(_ time: Timestamp, fractional: Bool = false, to buffer: inout ByteBuffer) {
        let seconds = time.seconds
        let day = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let slot = Int(truncatingIfNeeded: day) & (Self.slots - 1)
        if days[slot] != day {
            let text = Array(time.rfc3339().utf8)
            guard let t = text.firstIndex(of: UInt8(ascii: "T")), t < Self.slotSize - 1 else {
                buffer.append(Array(time.rfc3339(fractional: fractional).utf8))
                return
            }
            days[slot] = day
            dateParts[slot * Self.slotSize] = UInt8(t + 1)
            for index in 0...t { dateParts[slot * Self.slotSize + 1 + index] = text[index] }
        }
        let datePart = buffer.reserve(Self.slotSize + 16)
        let dateLength = dateParts.withUnsafeBufferPointer { parts in
            let entry = parts.baseAddress! + slot * Self.slotSize
            let length = Int(entry.pointee)
            datePart.update(from: entry + 1, count: length)
            return length
        }
        let start = datePart + dateLength
        let secondOfDay = Int(seconds - day * 86400)
        @inline(__always) func two(_ value: Int, at offset: Int) {
            start[offset] = 0x30 &+ UInt8(truncatingIfNeeded: value / 10)
            start[offset + 1] = 0x30 &+ UInt8(truncatingIfNeeded: value % 10)
        }
        two(secondOfDay / 3600, at: 0)
        start[2] = UInt8(ascii: ":")
        two(secondOfDay / 60 % 60, at: 3)
        start[5] = UInt8(ascii: ":")
        two(secondOfDay % 60, at: 6)
        var length = 8
        if fractional {
            start[8] = UInt8(ascii: ".")
            var micros = Int(time.microseconds - seconds * 1_000_000)
            for offset in stride(from: 14, through: 9, by: -1) {
                start[offset] = 0x30 &+ UInt8(truncatingIfNeeded: micros % 10)
                micros /= 10
            }
            length = 15
        }
        start[length] = UInt8(ascii: "Z")
        buffer.advance(by: dateLength + length + 1)
    }
}

/// Text that rows written as bytes keep from one row to the next: the dates of recent days, the names of
/// each combination of TCP flags met so far.
struct RowTextCache {
    var times = RFC3339Bytes()
    /// Per flag combination (`rawValue` below 512): the length of its quoted names (0: not yet worded), then them.
    private var flagNames: [UInt8] = []
    private static let flagSlot = 48

    /// `flags.names` as a JSON string.
    mutating func appendQuotedNames(of flags: TCPFlags, to buffer: inout ByteBuffer) {
        let raw = Int(flags.rawValue)
        guard raw < 512 else {
            buffer.appendJSONString(flags.names)
            return
        }
        if flagNames.isEmpty { flagNames = [UInt8](repeating: 0, count: 512 * Self.flagSlot) }
        let slot = raw * Self.flagSlot
        if flagNames[slot] == 0 {
            var quoted = ByteBuffer(capacity: 64)
            quoted.appendJSONString(flags.names)
            guard quoted.count < Self.flagSlot else {
                buffer.append(quoted)
                return
            }
            let bytes = quoted.array
            flagNames[slot] = UInt8(bytes.count)
            for (offset, byte) in bytes.enumerated() { flagNames[slot + 1 + offset] = byte }
        }
        flagNames.withUnsafeBufferPointer { names in
            buffer.append(names.baseAddress! + slot + 1, count: Int(names[slot]))
        }
    }
}

/// `IPProtocol(number:).name` of every protocol number as bytes, eight bytes each: the length (0: not in the
/// table), then the name. Only names that JSON and CSV write as they are (every name today) are in the table.
enum ProtocolNameBytes {
    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256 * 8)
        for number in 0...255 {
            let name = Array(IPProtocol(number: UInt8(number)).name.utf8)
            let plain = name.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C && $0 != 0x2C }
            guard plain, !name.isEmpty, name.count <= 7, !"=+-@".utf8.contains(name[0]) else { continue }
            table[number * 8] = UInt8(name.count)
            for (offset, byte) in name.enumerated() { table[number * 8 + 1 + offset] = byte }
        }
        return table
    }()
}

extension ByteBuffer {
    /// `proto.name`, escaped for JSON when `escapingForJSON` (names need no escaping and no CSV quoting).
    @inline(__always)
    mutating func appendProtocolName(_ proto: IPProtocol, escapingForJSON: Bool) {
        let entry = Int(proto.number) &* 8
        let length = ProtocolNameBytes.table.withUnsafeBufferPointer { table -> Int in
            let length = Int(table[entry])
            if length > 0 { append(table.baseAddress! + entry + 1, count: length) }
            return length
        }
        if length == 0 {
            if escapingForJSON { appendJSONEscaped(proto.name) } else { append(utf8: proto.name) }
        }
    }
}
