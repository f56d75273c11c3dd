/// What a log line carries before the netfilter text: when, which host, and how many records it stands for.
public struct Envelope: Sendable {
    public var time: Timestamp?
    /// Byte range of the syslog host name, when the envelope has one.
    public var host: Range<Int>?
    /// Where the netfilter text (prefix included) starts.
    public var bodyStart: Int
    /// rsyslog's `message repeated N times: [ ... ]` stands for N records.
    public var repeatCount: UInt32 = 1
}

/// Reads the envelopes that syslog daemons, journald and dmesg put in front of kernel text.
///
/// Traditional syslog (`Nov 22 02:11:03 host kernel: [  286.654] `), RFC 3339 with any fraction and offset
/// form, `<PRI>` and RFC 5424 headers, busybox `facility.level`, journalctl `short`, `short-precise`,
/// `short-iso`, `short-full`, `short-unix` and `short-monotonic`, `dmesg` and `dmesg -T`, Proxmox's
/// `dd/Mon/yyyy:HH:MM:SS +zzzz`, and a leaked `grep` file name. Unknown envelopes still give a body.
public struct EnvelopeParser: Sendable {
    public var years: YearInference
    public var localTime: LocalTimeConverter
    /// The last `Mmm dd HH:MM:SS` read (its 15 bytes) and its time: consecutive lines mostly share their second,
    /// and nearly always their minute and day, whose starts in local seconds are kept too.
    /// Valid only while no other year-less time was read since (the year inference keeps state).
    private var cachedStampHead: UInt64 = 0
    private var cachedStampTail: UInt64 = 0
    private var cachedStampTime: Timestamp?
    private var cachedDayStart: Int64 = 0
    private var cachedMinuteStart: Int64 = 0
    /// The last `yyyy-mm-dd` of an ISO time read (its ten bytes) and the start of that day.
    private var cachedISODateHead: UInt64 = 0
    private var cachedISODateTail: UInt16 = 0
    private var cachedISODayStart: Int64?
    /// The last uptime bracket's shape: most lines' brackets differ from it in digits only.
    private var cachedUptime = UptimeShape()
    /// The bytes from the end of the time through the host name, the kernel tag and the blanks after it
    /// (` web1 kernel: `) in the last line that had both, and where the host name is in them: lines from one host
    /// repeat them.
    private var cachedHostAndTag = ShortBytes()
    private var cachedHostOffset = 0
    private var cachedHostLength = 0

    public init(years: YearInference, localTime: LocalTimeConverter = LocalTimeConverter()) {
        self.years = years
        self.localTime = localTime
    }

    /// Parses the envelope of `line`, whose netfilter text is known to start no later than `limit`.
    @inline(__always)
    public mutating func parse(_ line: UnsafeRawBufferPointer, limit: Int) -> Envelope {
        // Most lines repeat the last line's day, host and tag (`Oct  1 00:00:07 web1 kernel: `): only the clock
        // is read, then the uptime. Anything else takes the whole way (which finds the time cached again).
        if let time = cachedBSDTime(line, at: 0, limit: limit),
            let end = Self.end(of: cachedHostAndTag, in: line, from: 15, limit: limit)
        {
            let hostStart = 15 &+ cachedHostOffset
            var envelope = Envelope(time: time, host: hostStart..<(hostStart &+ cachedHostLength), bodyStart: 0)
            envelope.bodyStart = Self.parseRepeat(line, from: skipUptime(line, from: end, limit: limit), limit: limit, into: &envelope)
            return envelope
        }
        return parseAnyEnvelope(line, limit: limit)
    }

    private mutating func parseAnyEnvelope(_ line: UnsafeRawBufferPointer, limit: Int) -> Envelope {
        var position = 0
        var isRFC5424 = false
        // <PRI>, and RFC 5424's version digit.
        if limit > 2, line[0] == UInt8(ascii: "<") {
            var index = 1
            while index < min(limit, 5), ASCII.isDigit(line[index]) { index += 1 }
            if index > 1, index < limit, line[index] == UInt8(ascii: ">") {
                position = index + 1
                if position + 1 < limit, line[position] == UInt8(ascii: "1"), line[position + 1] == ASCII.space {
                    position += 2
                    isRFC5424 = true
                }
            }
        }
        var time: Timestamp?
        var syslogStyle = false
        if let cached = cachedBSDTime(line, at: position, limit: limit) {
            time = cached
            position += 15
            syslogStyle = true
        } else if let parsed = parseTimestamp(line, at: position, limit: limit) ?? findLateTimestamp(line, limit: limit) {
            time = parsed.time
            position = parsed.end
            syslogStyle = parsed.hostFollows
        }
        var envelope = Envelope(time: time, host: nil, bodyStart: position)
        let timeEnd = position
        position = line.skipSpaces(from: position, to: limit)
        if syslogStyle && position < limit {
            position = parseHostAndTag(line, from: position, after: timeEnd, limit: limit, rfc5424: isRFC5424, into: &envelope)
        }
        position = skipUptime(line, from: position, limit: limit)
        position = Self.parseRepeat(line, from: position, limit: limit, into: &envelope)
        envelope.bodyStart = position
        return envelope
    }

    // MARK: After the timestamp

    /// The host and tag from `start`, the first byte after the blanks that follow the time (which ends at `timeEnd`).
    private mutating func parseHostAndTag(
        _ line: UnsafeRawBufferPointer, from start: Int, after timeEnd: Int, limit: Int, rfc5424: Bool,
        into envelope: inout Envelope
    ) -> Int {
        if !rfc5424, let end = Self.end(of: cachedHostAndTag, in: line, from: timeEnd, limit: limit) {
            envelope.host = start..<(start &+ cachedHostLength)
            return end
        }
        var position = start
        var tokenEnd = line.tokenEnd(from: position, to: limit)
        if rfc5424 {
            // HOST APP PROCID MSGID SD: the kernel text follows.
            envelope.host = position..<tokenEnd
            for _ in 0..<4 {
                position = line.skipSpaces(from: tokenEnd, to: limit)
                tokenEnd = line.tokenEnd(from: position, to: limit)
            }
            return line.skipSpaces(from: tokenEnd, to: limit)
        }
        // A host name: not a tag (no final colon), not a field, not a bracket.
        if !isFacilityLevel(line, position..<tokenEnd), isHostName(line, position..<tokenEnd), tokenEnd < limit {
            envelope.host = position..<tokenEnd
            position = line.skipSpaces(from: tokenEnd, to: limit)
            tokenEnd = line.tokenEnd(from: position, to: limit)
        }
        if isFacilityLevel(line, position..<tokenEnd) {
            position = line.skipSpaces(from: tokenEnd, to: limit)
            tokenEnd = line.tokenEnd(from: position, to: limit)
        }
        if isKernelTag(line, position..<tokenEnd) {
            position = line.skipSpaces(from: tokenEnd, to: limit)
            if let host = envelope.host, position < limit, let bytes = ShortBytes(line, timeEnd..<position) {
                cachedHostAndTag = bytes
                cachedHostOffset = start &- timeEnd
                cachedHostLength = host.count
            }
        }
        return position
    }

    /// Where `cached` (the remembered blanks, host, tag and blanks) ends when its bytes come again at `start` and no
    /// blank follows: then `parseHostAndTag` reads them as before. Every byte that reading looked at is among them
    /// (each token ends at a blank inside them), so neither the rest of the line nor the limit can change it.
    @inline(__always)
    private static func end(of cached: ShortBytes, in line: UnsafeRawBufferPointer, from start: Int, limit: Int) -> Int? {
        let end = start &+ cached.count
        guard end <= limit, end == limit || !ASCII.isSpace(line[end]), cached.isAt(line, start) else { return nil }
        return end
    }

    private func isHostName(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        if line[range.upperBound - 1] == ASCII.colon { return false }
        for index in range {
            let byte = line[index]
            if byte == ASCII.equals || byte == ASCII.openBracket || byte == ASCII.openParen { return false }
        }
        return true
    }

    /// `kernel:` or `kernel[123]:`.
    private func isKernelTag(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count >= 7, line.matches("kernel", at: range.lowerBound) else { return false }
        let next = line[range.lowerBound + 6]
        return (next == ASCII.colon && range.count == 7)
            || (next == ASCII.openBracket && line[range.upperBound - 1] == ASCII.colon)
    }

    /// busybox and OpenWrt write `kern.warn`, `user.info` and the like before the tag (compared as bytes).
    private func isFacilityLevel(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count >= 7, range.count <= 16, let dot = range.first(where: { line[$0] == ASCII.dot }) else { return false }
        func isOne(of names: [StaticString], _ part: Range<Int>) -> Bool {
            names.contains { $0.utf8CodeUnitCount == part.count && line.matches($0, at: part.lowerBound) }
        }
        return isOne(of: Self.facilities, range.lowerBound..<dot) && isOne(of: Self.levels, (dot + 1)..<range.upperBound)
    }

    private static let facilities: [StaticString] = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ]
    private static let levels: [StaticString] = ["emerg", "alert", "crit", "err", "warn", "warning", "notice", "info", "debug"]

    /// The kernel's `[  286.654321]` uptime bracket: digits, spaces and one dot.
    @inline(__always)
    private mutating func skipUptime(_ line: UnsafeRawBufferPointer, from start: Int, limit: Int) -> Int {
        guard start < limit, line[start] == ASCII.openBracket else { return start }
        // The shape of the last bracket, in digits and the same other bytes: the same reading.
        let length = cachedUptime.length
        if length > 0, start &+ length <= limit, cachedUptime.isAt(line, start) {
            return line.skipSpaces(from: start &+ length, to: limit)
        }
        let end = Self.uptimeEnd(line, from: start, limit: limit)
        if end > start, end &- start >= 8, end &- start <= 16 {
            cachedUptime = UptimeShape(line, start, length: end &- start)
        }
        return end > start ? line.skipSpaces(from: end, to: limit) : start
    }

    /// Where the uptime bracket at `start` ends (after its `]`), or `start` when there is none there.
    /// Eight bytes a step, the digits told apart at once and the few other bytes one by one. Bytes past `limit`
    /// read as zero, which ends the bracket as no uptime, as the limit does.
    private static func uptimeEnd(_ line: UnsafeRawBufferPointer, from start: Int, limit: Int) -> Int {
        var index = start &+ 1
        var digitsSeen = false
        while index < limit {
            let word = line.word(at: index, end: limit)
            let digits = ByteWord.digits(word)
            var others = ~digits & ByteWord.highBits
            while others != 0 {
                let offset = others.trailingZeroBitCount &>> 3
                let byte = UInt8(truncatingIfNeeded: word &>> UInt64(offset &* 8))
                if byte == ASCII.closeBracket {
                    guard digitsSeen || digits & ((others & (0 &- others)) &- 1) != 0 else { return start }
                    return index &+ offset &+ 1
                }
                guard byte == ASCII.space || byte == ASCII.dot else { return start }
                others &= others &- 1
            }
            digitsSeen = digitsSeen || digits != 0
            index &+= 8
        }
        return start
    }

    /// `message repeated 28 times: [ ` (the closing ` ]` is left for the netfilter parser to drop).
    @inline(__always)
    private static func parseRepeat(_ line: UnsafeRawBufferPointer, from start: Int, limit: Int, into envelope: inout Envelope) -> Int {
        guard start < line.count, line[start] == UInt8(ascii: "m") else { return start }
        return parseRepeatCount(line, from: start, limit: limit, into: &envelope)
    }

    /// `parseRepeat` past its first byte, out of line.
    @inline(never)
    private static func parseRepeatCount(_ line: UnsafeRawBufferPointer, from start: Int, limit: Int, into envelope: inout Envelope) -> Int {
        guard line.matches("message repeated ", at: start) else { return start }
        let numberStart = start + 17
        let numberEnd = line.tokenEnd(from: numberStart, to: limit)
        guard let count = line.decimal(numberStart..<numberEnd), count > 0,
            line.matches(" times: [", at: numberEnd)
        else { return start }
        envelope.repeatCount = UInt32(count)
        return line.skipSpaces(from: numberEnd + 9, to: limit)
    }

    // MARK: Timestamps

    /// A timestamp, where it ends, and whether a syslog host name may follow it (not after dmesg or Proxmox times).
    public typealias ParsedTime = (time: Timestamp?, end: Int, hostFollows: Bool)

    /// A timestamp that starts exactly at `start`, in any of the supported forms.
    public mutating func parseTimestamp(_ line: UnsafeRawBufferPointer, at start: Int, limit: Int) -> ParsedTime? {
        guard start < limit else { return nil }
        let first = line[start]
        if ASCII.isDigit(first) {
            return parseISO(line, at: start, limit: limit) ?? parseEpoch(line, at: start, limit: limit)
        }
        if first == ASCII.openBracket {
            // dmesg -T: [Sat Apr  2 10:31:53 2022]
            if let parsed = parseBSD(line, at: start + 1, limit: limit, weekday: true), parsed.end < limit,
                line[parsed.end] == ASCII.closeBracket
            {
                return (parsed.time, parsed.end + 1, false)
            }
            return nil
        }
        if let parsed = parseBSD(line, at: start, limit: limit, weekday: false) { return parsed }
        if let parsed = parseBSD(line, at: start, limit: limit, weekday: true) { return parsed }
        // journalctl short-full: "Thu 2024-11-21 06:25:13 CET"
        if start + 4 < limit, Self.weekday(line, at: start), line[start + 3] == ASCII.space,
            let parsed = parseISO(line, at: start + 4, limit: limit)
        {
            var end = parsed.end
            if end < limit, line[end] == ASCII.space {
                let zoneEnd = line.tokenEnd(from: end + 1, to: limit)
                if zoneEnd - end - 1 >= 3, zoneEnd - end - 1 <= 5,
                    (end + 1..<zoneEnd).allSatisfy({ line[$0] >= 0x41 && line[$0] <= 0x5A })
                {
                    end = zoneEnd
                }
            }
            return (parsed.time, end, true)
        }
        return nil
    }

    /// A timestamp after a leaked `grep` file name (`name:Mar 17 ...`) or inside Proxmox's
    /// `0 3 CHAIN 20/Jun/2022:13:09:14 +0200 ` header.
    private mutating func findLateTimestamp(_ line: UnsafeRawBufferPointer, limit: Int) -> ParsedTime? {
        let searchEnd = min(limit, 96)
        var index = 0
        while index < searchEnd {
            let byte = line[index]
            if byte == ASCII.colon || byte == ASCII.space {
                if let parsed = parseTimestamp(line, at: index + 1, limit: limit) { return parsed }
            }
            if byte == UInt8(ascii: "/"), index >= 2, let parsed = parseCLF(line, at: index - 2, limit: limit) {
                return parsed
            }
            index += 1
        }
        return nil
    }

    /// The time of `Mmm dd HH:MM:SS ` at `start` (no fraction, no year after it) when its day is the one last read:
    /// what `parseTimestamp` would return, with the clock alone read. The day's year came from the year
    /// inference for the same month and day, which would give it again.
    @inline(__always)
    private mutating func cachedBSDTime(_ line: UnsafeRawBufferPointer, at start: Int, limit: Int) -> Timestamp? {
        guard cachedStampTime != nil, start &+ 15 < limit, line[start &+ 15] == ASCII.space else { return nil }
        let head = line.loadUnaligned(fromByteOffset: start, as: UInt64.self)
        guard (head ^ cachedStampHead).littleEndian & 0x00FF_FFFF_FFFF_FFFF == 0,
            !Self.yearFollows(line, at: start &+ 15, limit: limit)
        else { return nil }
        let tail = line.loadUnaligned(fromByteOffset: start &+ 7, as: UInt64.self)
        var local: Int64
        if head == cachedStampHead && (tail ^ cachedStampTail).littleEndian & 0x0000_FFFF_FFFF_FFFF == 0 {
            // The same minute (`HH:MM:`): the seconds alone.
            if tail == cachedStampTail { return cachedStampTime }
            let tens = line[start &+ 13] &- ASCII.zero
            let ones = line[start &+ 14] &- ASCII.zero
            guard tens < 10, ones < 10 else { return nil }
            let second = Int64(tens) &* 10 &+ Int64(ones)
            guard second <= 60 else { return nil }
            local = cachedMinuteStart &+ min(second, 59)
        } else {
            guard let clock = Self.clock(tail.littleEndian) else { return nil }
            cachedMinuteStart = cachedDayStart &+ clock.minuteStart
            local = cachedMinuteStart &+ clock.second
        }
        let time = Timestamp(seconds: localTime.utcSeconds(fromLocal: local))
        cachedStampHead = head
        cachedStampTail = tail
        cachedStampTime = time
        return time
    }

    /// `HH:MM:SS` given as a little-endian word, as `parseClock` reads it: the minute's start in seconds of the
    /// day, and the second (60 read as 59). Nil if it is not one.
    @inline(__always)
    private static func clock(_ word: UInt64) -> (minuteStart: Int64, second: Int64)? {
        let colons: UInt64 = 0x0000_FF00_00FF_0000
        guard word & colons == 0x0000_3A00_003A_0000,
            ByteWord.digits(word) & 0x8080_0080_8000_8080 == 0x8080_0080_8000_8080
        else { return nil }
        let values = word &- 0x3030_3A30_303A_3030
        @inline(__always) func pair(_ shift: UInt64) -> Int64 {
            Int64(truncatingIfNeeded: values &>> shift & 0xFF) &* 10 &+ Int64(truncatingIfNeeded: values &>> (shift &+ 8) & 0xFF)
        }
        let hour = pair(0)
        let minute = pair(24)
        let second = pair(48)
        guard hour < 24, minute < 60, second <= 60 else { return nil }
        return (hour &* 3600 &+ minute &* 60, min(second, 59))
    }

    /// `Nov 22 02:11:03[.ffffff][ 2026]`, or with a weekday in front (`Mon Mar 23 13:16:49 2026`, ctime).
    private mutating func parseBSD(_ line: UnsafeRawBufferPointer, at start: Int, limit: Int, weekday: Bool) -> ParsedTime? {
        // The same 15 bytes as the last time read, with neither a fraction nor a year after them: the same time.
        if !weekday, let cached = cachedStampTime, start + 15 < limit, line[start + 15] == ASCII.space,
            line.loadUnaligned(fromByteOffset: start, as: UInt64.self) == cachedStampHead,
            line.loadUnaligned(fromByteOffset: start + 7, as: UInt64.self) == cachedStampTail,
            !Self.yearFollows(line, at: start + 15, limit: limit)
        {
            return (cached, start + 15, true)
        }
        var index = start
        if weekday {
            guard index + 4 < limit, Self.weekday(line, at: index), line[index + 3] == ASCII.space else { return nil }
            index += 4
        }
        guard index + 14 < limit + 1, let month = Self.month(line, at: index), line[index + 3] == ASCII.space else { return nil }
        index += 4
        if line[index] == ASCII.space { index += 1 }  // space-padded day
        var day = 0
        var digits = 0
        while index < limit, ASCII.isDigit(line[index]), digits < 2 {
            day = day * 10 + Int(line[index] - ASCII.zero)
            index += 1
            digits += 1
        }
        guard digits > 0, index < limit, line[index] == ASCII.space else { return nil }
        index += 1
        guard let clock = parseClock(line, at: index, limit: limit) else { return nil }
        index = clock.end
        var year: Int?
        // A year after the time (ctime, OpenWrt logread, dmesg -T).
        if index + 5 <= limit, line[index] == ASCII.space, let value = line.decimal(index + 1..<index + 5),
            index + 5 == limit || !ASCII.isDigit(line[index + 5])
        {
            year = Int(value)
            index += 5
        }
        let resolvedYear: Int
        if let year {
            resolvedYear = year
        } else {
            resolvedYear = years.year(month: month, day: day)
            cachedStampTime = nil
        }
        let date = CivilDate(year: resolvedYear, month: month, day: day)
        guard date.isValid else { return nil }
        let local = Int64(date.daysSinceEpoch) * 86400 + clock.seconds
        let utc = localTime.utcSeconds(fromLocal: local)
        let time = Timestamp(seconds: utc, microseconds: clock.micros)
        if !weekday, year == nil, index == start + 15, start + 15 <= line.count - 1 {
            cachedStampHead = line.loadUnaligned(fromByteOffset: start, as: UInt64.self)
            cachedStampTail = line.loadUnaligned(fromByteOffset: start + 7, as: UInt64.self)
            cachedStampTime = time
            cachedDayStart = Int64(date.daysSinceEpoch) * 86400
            cachedMinuteStart = local - clock.seconds % 60
        }
        return (time, index, true)
    }

    /// Whether ` yyyy` (four digits, then no digit) follows at `index`, as `parseBSD` reads a year.
    @inline(__always)
    private static func yearFollows(_ line: UnsafeRawBufferPointer, at index: Int, limit: Int) -> Bool {
        index + 5 <= limit && line[index] == ASCII.space && line.decimal(index + 1..<index + 5) != nil
            && (index + 5 == limit || !ASCII.isDigit(line[index + 5]))
    }

    /// `HH:MM:SS[.fraction]`: seconds of the day and microseconds.
    private func parseClock(_ line: UnsafeRawBufferPointer, at start: Int, limit: Int) -> (seconds: Int64, micros: Int64, end: Int)? {
        guard start + 8 <= limit, line[start + 2] == ASCII.colon, line[start + 5] == ASCII.colon,
            let hour = line.decimal(start..<start + 2), let minute = line.decimal(start + 3..<start + 5),
            let second = line.decimal(start + 6..<start + 8), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = start + 8
        var micros: Int64 = 0
        if index < limit, line[index] == ASCII.dot || line[index] == UInt8(ascii: ",") {
            index += 1
            var scale: Int64 = 100_000
            let fractionStart = index
            while index < limit, ASCII.isDigit(line[index]) {
                micros += Int64(line[index] - ASCII.zero) * scale
                scale /= 10
                index += 1
            }
            if index == fractionStart { return nil }
        }
        return (Int64(hour * 3600 + minute * 60 + min(second, 59)), micros, index)
    }

    /// `2026-11-22T02:11:03[.ffffff][Z|+01:00|+0100|+01]` (or a space instead of `T`). No offset: local time.
    private mutating func parseISO(_ line: UnsafeRawBufferPointer, at start: Int, limit: Int) -> ParsedTime? {
        guard start + 19 <= limit, line[start + 4] == UInt8(ascii: "-"), line[start + 7] == UInt8(ascii: "-"),
            line[start + 10] == UInt8(ascii: "T") || line[start + 10] == ASCII.space,
            let dayStart = isoDayStart(line, at: start),
            let clock = parseClock(line, at: start + 11, limit: limit)
        else { return nil }
        var index = clock.end
        let wall = dayStart + clock.seconds
        var offset: Int64?
        if index < limit {
            let sign = line[index]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                offset = 0
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), index + 3 <= limit,
                let hours = line.decimal(index + 1..<index + 3)
            {
                var minutes: UInt64 = 0
                var end = index + 3
                if end + 3 <= limit, line[end] == ASCII.colon, let value = line.decimal(end + 1..<end + 3) {
                    minutes = value
                    end += 3
                } else if end + 2 <= limit, let value = line.decimal(end..<end + 2) {
                    minutes = value
                    end += 2
                }
                let magnitude = Int64(hours * 3600 + minutes * 60)
                offset = sign == UInt8(ascii: "-") ? -magnitude : magnitude
                index = end
            }
        }
        let utc = offset.map { wall - $0 } ?? localTime.utcSeconds(fromLocal: wall)
        return (Timestamp(seconds: utc, microseconds: clock.micros), index, true)
    }

    /// The start, in seconds since the epoch, of the valid date `yyyy-mm-dd` at `start` (ten bytes inside `line`).
    /// The last one read is kept: consecutive lines mostly share their date.
    @inline(__always)
    private mutating func isoDayStart(_ line: UnsafeRawBufferPointer, at start: Int) -> Int64? {
        let head = line.loadUnaligned(fromByteOffset: start, as: UInt64.self)
        let tail = line.loadUnaligned(fromByteOffset: start + 8, as: UInt16.self)
        if let cached = cachedISODayStart, head == cachedISODateHead, tail == cachedISODateTail { return cached }
        guard let year = line.decimal(start..<start + 4), let month = line.decimal(start + 5..<start + 7),
            let day = line.decimal(start + 8..<start + 10)
        else { return nil }
        let date = CivilDate(year: Int(year), month: Int(month), day: Int(day))
        guard date.isValid else { return nil }
        let dayStart = Int64(date.daysSinceEpoch) * 86400
        cachedISODateHead = head
        cachedISODateTail = tail
        cachedISODayStart = dayStart
        return dayStart
    }

    /// journalctl `short-unix`: `1700000000.123456`.
    private func parseEpoch(_ line: UnsafeRawBufferPointer, at start: Int, limit: Int) -> ParsedTime? {
        var index = start
        while index < limit, ASCII.isDigit(line[index]) { index += 1 }
        guard index - start >= 9, index - start <= 11, index < limit, line[index] == ASCII.dot,
            let seconds = line.decimal(start..<index)
        else { return nil }
        let fractionStart = index + 1
        var end = fractionStart
        while end < limit, ASCII.isDigit(line[end]) { end += 1 }
        guard end > fractionStart, end == limit || line[end] == ASCII.space else { return nil }
        var micros: Int64 = 0
        var scale: Int64 = 100_000
        for position in fractionStart..<min(end, fractionStart + 6) {
            micros += Int64(line[position] - ASCII.zero) * scale
            scale /= 10
        }
        return (Timestamp(seconds: Int64(seconds), microseconds: micros), end, true)
    }

    /// Common-log-format time as Proxmox's pvefw-logger writes it: `20/Jun/2022:13:09:14 +0200`.
    private func parseCLF(_ line: UnsafeRawBufferPointer, at start: Int, limit: Int) -> ParsedTime? {
        guard start + 26 <= limit, line[start + 2] == UInt8(ascii: "/"), line[start + 6] == UInt8(ascii: "/"),
            line[start + 11] == ASCII.colon, line[start + 20] == ASCII.space,
            let day = line.decimal(start..<start + 2), let month = Self.month(line, at: start + 3),
            let year = line.decimal(start + 7..<start + 11),
            let clock = parseClock(line, at: start + 12, limit: limit),
            let hours = line.decimal(start + 22..<start + 24), let minutes = line.decimal(start + 24..<start + 26)
        else { return nil }
        let date = CivilDate(year: Int(year), month: month, day: Int(day))
        guard date.isValid else { return nil }
        let magnitude = Int64(hours * 3600 + minutes * 60)
        let offset = line[start + 21] == UInt8(ascii: "-") ? -magnitude : magnitude
        let wall = Int64(date.daysSinceEpoch) * 86400 + clock.seconds
        return (Timestamp(seconds: wall - offset, microseconds: clock.micros), start + 26, false)
    }

    private static let monthNames: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map(threeLetterKey)
    private static let weekdayNames: [UInt32] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(threeLetterKey)

    private static func threeLetterKey(_ name: String) -> UInt32 {
        name.utf8.reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func lowerKey(_ line: UnsafeRawBufferPointer, at index: Int) -> UInt32? {
        guard index + 3 <= line.count else { return nil }
        return UInt32(ASCII.lower(line[index])) << 16 | UInt32(ASCII.lower(line[index + 1])) << 8
            | UInt32(ASCII.lower(line[index + 2]))
    }

    /// 1...12 for a three-letter English month name at `index`.
    static func month(_ line: UnsafeRawBufferPointer, at index: Int) -> Int? {
        guard let key = lowerKey(line, at: index), let position = monthNames.firstIndex(of: key) else { return nil }
        return position + 1
    }

    static func weekday(_ line: UnsafeRawBufferPointer, at index: Int) -> Bool {
        guard let key = lowerKey(line, at: index) else { return false }
        return weekdayNames.contains(key)
    }
}

/// An uptime bracket's width (8 to 16 bytes) and, in its first and last eight bytes, which bytes are digits and
/// what the others are. A bracket has this shape when it has the same bytes but for other digits: then it is
/// read alike.
private struct UptimeShape {
    private(set) var length = 0
    /// 0xFF for each digit; the other bytes as they are.
    private var firstDigits: UInt64 = 0
    private var lastDigits: UInt64 = 0
    private var firstOthers: UInt64 = 0
    private var lastOthers: UInt64 = 0

    init() {}

    /// The shape of the `length` bytes at `start` (all inside `line`).
    init(_ line: UnsafeRawBufferPointer, _ start: Int, length: Int) {
        self.length = length
        let first = line.loadWord(at: start)
        let last = line.loadWord(at: start &+ length &- 8)
        firstDigits = (ByteWord.digits(first) &>> 7) &* 0xFF
        lastDigits = (ByteWord.digits(last) &>> 7) &* 0xFF
        firstOthers = first & ~firstDigits
        lastOthers = last & ~lastDigits
    }

    /// Whether the `length` bytes at `start` (all inside `line`) have this shape.
    @inline(__always)
    func isAt(_ line: UnsafeRawBufferPointer, _ start: Int) -> Bool {
        let first = line.loadWord(at: start)
        let last = line.loadWord(at: start &+ length &- 8)
        guard first & ~firstDigits == firstOthers, last & ~lastDigits == lastOthers else { return false }
        // Digits become 0...9; anything else at a digit's place sets its byte's high bit, here or after adding 0x76.
        let firstValues = (first ^ 0x3030_3030_3030_3030) & firstDigits
        let lastValues = (last ^ 0x3030_3030_3030_3030) & lastDigits
        return (firstValues | (firstValues &+ 0x7676_7676_7676_7676) | lastValues | (lastValues &+ 0x7676_7676_7676_7676))
            & ByteWord.highBits == 0
    }

}
