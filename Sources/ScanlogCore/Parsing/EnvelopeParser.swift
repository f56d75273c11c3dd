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
    /// The last `Mmm dd HH:MM:SS` read (its 15 bytes) and its time: consecutive lines mostly share their second.
    /// Valid only while no other year-less time was read since (the year inference keeps state).
    private var cachedStampHead: UInt64 = 0
    private var cachedStampTail: UInt64 = 0
    private var cachedStampTime: Timestamp?

    public init(years: YearInference, localTime: LocalTimeConverter = LocalTimeConverter()) {
        self.years = years
        self.localTime = localTime
    }

    /// Parses the envelope of `line`, whose netfilter text is known to start no later than `limit`.
    public mutating func parse(_ line: UnsafeRawBufferPointer, limit: Int) -> Envelope {
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
        if let parsed = parseTimestamp(line, at: position, limit: limit) ?? findLateTimestamp(line, limit: limit) {
            time = parsed.time
            position = parsed.end
            syslogStyle = parsed.hostFollows
        }
        var envelope = Envelope(time: time, host: nil, bodyStart: position)
        position = line.skipSpaces(from: position, to: limit)
        if syslogStyle && position < limit {
            position = parseHostAndTag(line, from: position, limit: limit, rfc5424: isRFC5424, into: &envelope)
        }
        position = skipUptime(line, from: position, limit: limit)
        position = parseRepeat(line, from: position, limit: limit, into: &envelope)
        envelope.bodyStart = position
        return envelope
    }

    // MARK: After the timestamp

    private func parseHostAndTag(
        _ line: UnsafeRawBufferPointer, from start: Int, limit: Int, rfc5424: Bool, into envelope: inout Envelope
    ) -> Int {
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
        }
        return position
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
    private func skipUptime(_ line: UnsafeRawBufferPointer, from start: Int, limit: Int) -> Int {
        guard start < limit, line[start] == ASCII.openBracket else { return start }
        var index = start + 1
        var digits = 0
        while index < limit {
            let byte = line[index]
            if byte == ASCII.closeBracket { break }
            if ASCII.isDigit(byte) { digits += 1 } else if byte != ASCII.space && byte != ASCII.dot { return start }
            index += 1
        }
        guard index < limit, digits > 0 else { return start }
        return line.skipSpaces(from: index + 1, to: limit)
    }

    /// `message repeated 28 times: [ ` (the closing ` ]` is left for the netfilter parser to drop).
    private func parseRepeat(_ line: UnsafeRawBufferPointer, from start: Int, limit: Int, into envelope: inout Envelope) -> Int {
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
            let year = line.decimal(start..<start + 4), let month = line.decimal(start + 5..<start + 7),
            let day = line.decimal(start + 8..<start + 10),
            let clock = parseClock(line, at: start + 11, limit: limit)
        else { return nil }
        let date = CivilDate(year: Int(year), month: Int(month), day: Int(day))
        guard date.isValid else { return nil }
        var index = clock.end
        let wall = Int64(date.daysSinceEpoch) * 86400 + clock.seconds
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
