/// Report fields written straight into a `ByteBuffer`, each byte for byte what its `String` form would give.
extension ByteBuffer {
    /// `address.description` (dotted quad for IPv4, RFC 5952 for IPv6).
    @inline(__always)
    mutating func appendAddress(_ address: IPAddress) {
        write(atMost: IPAddress.maximumTextLength) { $0.putAddress(address) }
    }
}

extension ByteCursor {
    /// `address.description`, with room for `IPAddress.maximumTextLength` bytes.
    @inline(__always)
    mutating func putAddress(_ address: IPAddress) { advance(by: address.write(to: position)) }
}

extension ByteBuffer {
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
    /// One day's date part (`2026-11-22T`, 15 bytes at most): its bytes as two words, in memory order.
    private struct DatePart {
        var day = Int64.min
        var length = 0
        var low: UInt64 = 0
        var high: UInt64 = 0
    }

    private static let slots = 16
    /// By day number modulo `slots` (`Int64.min`: empty).
    private var dateParts = [DatePart](repeating: DatePart(), count: RFC3339Bytes.slots)
    /// The second written last, its date part and its time of day (`hh:mm:ss`): a row's first and last time are
    /// often the same second.
    private var lastSecond = Int64.min
    private var lastDate = DatePart()
    private var lastTimeOfDay: UInt64 = 0

    /// The most bytes `put` writes (its cursor needs room for them): a date part of 15 bytes stored as 16, the
    /// time of day with microseconds, and `Z`.
    static let maximumLength = 16 + 16

    /// `"2026-11-22T02:11:03Z"` with its quotes, or `null`.
    @inline(__always)
    mutating func appendQuoted(_ time: Timestamp?, fractional: Bool = false, to buffer: inout ByteBuffer) {
        buffer.write(atMost: Self.maximumLength + 2) { putQuoted(time, fractional: fractional, to: &$0) }
    }

    /// `Timestamp.rfc3339(fractional:)`.
    mutating func append(_ time: Timestamp, fractional: Bool = false, to buffer: inout ByteBuffer) {
        buffer.write(atMost: Self.maximumLength) { put(time, fractional: fractional, to: &$0) }
    }

    /// `appendQuoted` through a cursor with room for `maximumLength + 2` bytes.
    @inline(__always)
    mutating func putQuoted(_ time: Timestamp?, fractional: Bool = false, to cursor: inout ByteCursor) {
        guard let time else {
            cursor.put("null")
            return
        }
        cursor.put(UInt8(ascii: "\""))
        put(time, fractional: fractional, to: &cursor)
        cursor.put(UInt8(ascii: "\""))
    }

    /// `append` through a cursor with room for `maximumLength` bytes.
    @inline(__always)
    mutating func put(_ time: Timestamp, fractional: Bool = false, to cursor: inout ByteCursor) {
        let seconds = time.seconds
        if seconds != lastSecond { keepTimeOfDay(of: time, seconds: seconds) }
        let start = UnsafeMutableRawPointer(cursor.position)
        start.storeBytes(of: lastDate.low, as: UInt64.self)
        start.storeBytes(of: lastDate.high, toByteOffset: 8, as: UInt64.self)
        cursor.advance(by: lastDate.length)
        cursor.put(word: lastTimeOfDay, count: 8)
        if fractional {
            cursor.put(UInt8(ascii: "."))
            var micros = Int(time.microseconds - seconds * 1_000_000)
            var offset = 5
            while offset >= 0 {
                cursor.position[offset] = 0x30 &+ UInt8(truncatingIfNeeded: micros % 10)
                micros /= 10
                offset -= 1
            }
            cursor.advance(by: 6)
        }
        cursor.put(UInt8(ascii: "Z"))
    }

    /// Makes `seconds` (of `time`) the last second written: its date part (from the slot of its day) and its
    /// time of day.
    @inline(__always)
    private mutating func keepTimeOfDay(of time: Timestamp, seconds: Int64) {
        let day = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let slot = Int(truncatingIfNeeded: day) & (Self.slots - 1)
        if _slowPath(dateParts[slot].day != day) { keepDatePart(of: time, day: day, in: slot) }
        lastDate = dateParts[slot]
        lastSecond = seconds
        let secondOfDay = UInt64(truncatingIfNeeded: seconds &- day &* 86400)
        let hours = secondOfDay / 3600
        let rest = secondOfDay &- hours &* 3600
        let minutes = rest / 60
        let secs = rest &- minutes &* 60
        // `hh:mm:ss` in one word: byte 0 first.
        @inline(__always) func two(_ value: UInt64) -> UInt64 {
            let tens = value / 10
            return (0x30 &+ tens) | (0x30 &+ value &- tens &* 10) << 8
        }
        lastTimeOfDay = two(hours) | 0x3A << 16 | two(minutes) << 24 | 0x3A << 40 | two(secs) << 48
    }

    /// `time` as a CSV cell (`CSVWriter.text` of `rfc3339()`) through a cursor with room for `maximumLength + 1`
    /// bytes: the text has no character that CSV quotes, but a year before 0 starts it with `-`.
    @inline(__always)
    mutating func putCSVCell(_ time: Timestamp, to cursor: inout ByteCursor) {
        let start = cursor.position
        put(time, to: &cursor)
        if _slowPath(start.pointee == UInt8(ascii: "-")) {
            var index = cursor.position - start
            while index > 0 {
                start[index] = start[index - 1]
                index -= 1
            }
            start.pointee = UInt8(ascii: "'")
            cursor.advance(by: 1)
        }
    }

    /// Keeps the date part of `time`'s day in `slot`, from `rfc3339()`.
    @inline(never)
    private mutating func keepDatePart(of time: Timestamp, day: Int64, in slot: Int) {
        let text = Array(time.rfc3339().utf8)
        // The year takes 7 bytes at most (`Timestamp` spans ±292,277 years): the date part fits.
        let length = text.firstIndex(of: UInt8(ascii: "T"))! + 1
        precondition(length <= 15, "a date part is longer than its slot")
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { bytes in
            for index in 0..<length { bytes[index] = text[index] }
        }
        dateParts[slot] = DatePart(day: day, length: length, low: words.0, high: words.1)
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
    /// Every protocol number's name (`IPProtocol.name`: ten short names, or the number): its length, then its bytes,
    /// eight bytes a protocol. Every name fits in seven ASCII bytes with nothing to escape in JSON or quote in CSV,
    /// and none starts like a spreadsheet formula.
    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256 * 8)
        for number in 0...255 {
            let name = Array(IPProtocol(number: UInt8(number)).name.utf8)
            let plain = name.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C && $0 != 0x2C }
            precondition(plain && !name.isEmpty && name.count <= 7 && !"=+-@".utf8.contains(name[0]), "protocol name \(name) does not fit")
            table[number * 8] = UInt8(name.count)
            for (offset, byte) in name.enumerated() { table[number * 8 + 1 + offset] = byte }
        }
        return table
    }()
}

extension ByteBuffer {
    /// `proto.name` (nothing in it to escape for JSON or quote for CSV).
    @inline(__always)
    mutating func appendProtocolName(_ proto: IPProtocol) {
        write(atMost: 8) { $0.putProtocolName(proto) }
    }
}

extension ByteCursor {
    /// `proto.name` from `ProtocolNameBytes` (room for 8 bytes).
    @inline(__always)
    mutating func putProtocolName(_ proto: IPProtocol) {
        let entry = Int(proto.number) &* 8
        let word = ProtocolNameBytes.table.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: entry, as: UInt64.self)) }
        // The length, then the name.
        put(word: word >> 8, count: Int(truncatingIfNeeded: word & 0xFF))
    }
}
