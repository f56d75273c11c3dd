import ScanlogTestSupport
import Testing
@testable import ScanlogCore

/// The envelope parser remembers the last day, minute and second, host and tag, and uptime bracket shape, and the
/// intern tables the last strings: whatever came before, a line must read as it reads on its own.
@Suite struct EnvelopeCacheTests {
    private static let body = "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.7 DST=192.0.2.20 LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=40000 DPT=23 WINDOW=65535 RES=0x00 SYN URGP=0 "

    /// Envelopes that share some bytes with their neighbours, and some that break each cached reading.
    static let lines: [String] = [
        "Oct  1 00:00:00 bench kernel: [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [260435.104800] [UFW ALLOW] " + body,
        "Oct  1 00:00:01 bench kernel: [260435.709600] [UFW BLOCK] " + body,
        "Oct  1 00:00:59 bench kernel: [260436.000000] [UFW BLOCK] " + body,
        "Oct  1 00:00:60 bench kernel: [260436.000000] [UFW BLOCK] " + body,
        "Oct  1 00:00:61 bench kernel: [260436.000000] [UFW BLOCK] " + body,
        "Oct  1 00:00:6x bench kernel: [260436.000000] [UFW BLOCK] " + body,
        "Oct  1 00:01:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 00:60:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 23:59:59 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 24:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 1:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00.5 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00,25 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 2025 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 20255 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  2 00:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct 10 00:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  10 00:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct 1 00:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "oct  1 00:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Feb 29 00:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Feb 30 00:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Mon Oct  1 00:00:00 2025 kern.warn kernel: [260437.000000] drop wan in: " + body,
        "Mon Oct  1 00:00:00 bench kernel: [260437.000000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: " + body,
        "Oct  1 00:00:00 bench kernel: DROP " + body,
        "Oct  1 00:00:00 bench kernel:" + body,
        "Oct  1 00:00:00 bench kernel:  [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00  bench kernel: [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench\tkernel: [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: \t[260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench " + body,
        "Oct  1 00:00:00 bench kernel " + body,
        "Oct  1 00:00:00 bench kernelx: [260434.500000] " + body,
        "Oct  1 00:00:00 bench kernel[0]: [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench user.info kernel: [WAN_LOCAL-default-D]" + body,
        "Oct  1 00:00:00 My-Office-Gateway user.info kernel: [WAN_LOCAL-default-D]" + body,
        "Oct  1 00:00:00 a-rather-long-host-name.example.org kernel: [1.5] DROP " + body,
        "Oct  1 00:00:00 benc kernel: [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench2 kernel: [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 b kernel: [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 kernel: [260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 DENY: " + body,
        "Oct  1 00:00:00 bench [SOMETHING-1234-A] " + body,
        "Oct  1 00:00:00 bench kernel: [   43.132314] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [   43.13231a] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [   43.13231] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [   43 132314] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [260434]500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [260434.50000]] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [ 260434.500000] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [26805096.896244] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [2680509.6896244] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [1] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [      .] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [       ] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [1234567.] [UFW BLOCK] " + body,
        "Oct  1 00:00:00 bench kernel: [260434.500000]" + body,
        "Oct  1 00:00:00 bench kernel: [260434.500000] message repeated 3 times: [ [UFW BLOCK] " + body + "]",
        "Oct  1 00:00:00 bench kernel: message repeated 28 times: [ [UFW BLOCK] " + body + "]",
        "Oct  1 00:00:00 bench kernel: message repeated 0 times: [ [UFW BLOCK] " + body + "]",
        "<4>Oct  1 00:00:00 bench kernel: [260434.500000] [UFW BLOCK] " + body,
        "<4>1 2026-11-20T10:00:00+00:00 bench kernel - - - [UFW BLOCK] " + body,
        "2025-10-01T00:00:00.123456+02:00 bench kernel: [260434.500000] [UFW BLOCK] " + body,
        "2025-10-01T00:00:00Z bench kernel: [UFW BLOCK] " + body,
        "2025-10-01T00:00:00Zbench kernel: [UFW BLOCK] " + body,
        "1700000000.123456 bench kernel: [UFW BLOCK] " + body,
        "[  168.281559] Inbound " + body,
        "[Sat Apr  2 10:31:53 2022] DROP " + body,
        "0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: " + body,
        "scan:Oct  1 00:00:00 bench kernel: DROP " + body,
        "Oct  1 00:00:00 bench kernel: [260434.500000] [UFW BLOCK] IN=eth0 OUT=",
        "Oct  1 00:00:00 b IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.20 PROTO=TCP SPT=1 DPT=2",
        body,
    ]

    private struct Reading: Equatable, CustomStringConvertible {
        var time: Timestamp?
        var host: Range<Int>?
        var bodyStart: Int
        var repeatCount: UInt32
        var description: String { "time \(time.map { $0.rfc3339(fractional: true) } ?? "-") host \(host.map { "\($0)" } ?? "-") body \(bodyStart) repeats \(repeatCount)" }
    }

    private static func freshParser() -> EnvelopeParser {
        EnvelopeParser(years: YearInference(explicitYear: nil, reference: CivilDate(year: 2026, month: 11, day: 22)),
                       localTime: LocalTimeConverter(fixedOffset: 3600))
    }

    private static func read(_ line: String, with parser: inout EnvelopeParser) -> Reading? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { mutable in
            let buffer = UnsafeRawBufferPointer(mutable)
            guard let anchor = NetfilterParser.findAnchor(buffer) else { return nil }
            let envelope = parser.parse(buffer, limit: anchor)
            return Reading(time: envelope.time, host: envelope.host, bodyStart: envelope.bodyStart, repeatCount: envelope.repeatCount)
        }
    }

    @Test func everyLineReadsAfterEveryOtherAsOnItsOwn() {
        let alone = Self.lines.map { line -> Reading? in
            var parser = Self.freshParser()
            return Self.read(line, with: &parser)
        }
        for (firstIndex, first) in Self.lines.enumerated() {
            for (secondIndex, second) in Self.lines.enumerated() {
                var parser = Self.freshParser()
                _ = Self.read(first, with: &parser)
                let after = Self.read(second, with: &parser)
                #expect(after == alone[secondIndex], "after line \(firstIndex): line \(secondIndex) \(second.prefix(60))")
                // And back: the first line after the second.
                #expect(Self.read(first, with: &parser) == alone[firstIndex], "line \(firstIndex) after \(secondIndex)")
            }
        }
    }

    @Test func timesOfTheCommonShape() {
        var parser = Self.freshParser()
        let times = ["Oct  1 00:00:00", "Oct  1 00:00:00", "Oct  1 00:00:07", "Oct  1 00:00:60", "Oct  1 00:01:02", "Oct  1 13:01:02", "Oct  2 13:01:02"]
            .map { Self.read($0 + " bench kernel: [1.000000] " + Self.body, with: &parser)?.time?.rfc3339() }
        #expect(times == [
            "2026-09-30T23:00:00Z", "2026-09-30T23:00:00Z", "2026-09-30T23:00:07Z", "2026-09-30T23:00:59Z",
            "2026-09-30T23:01:02Z", "2026-10-01T12:01:02Z", "2026-10-02T12:01:02Z",
        ])
    }

    @Test func explicitYearAdvancesAcrossCachedDays() {
        var parser = EnvelopeParser(years: YearInference(explicitYear: 2025, reference: CivilDate(year: 2030, month: 1, day: 1)),
                                    localTime: LocalTimeConverter(fixedOffset: 0))
        let times = ["Dec 31 23:59:59", "Dec 31 23:59:59", "Jan  1 00:00:00", "Jan  1 00:00:01", "Dec 31 23:59:59"]
            .map { Self.read($0 + " bench kernel: " + Self.body, with: &parser)?.time?.rfc3339() }
        #expect(times == ["2025-12-31T23:59:59Z", "2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", "2026-12-31T23:59:59Z"])
    }

    @Test func hostsAndPrefixesKeepTheirNumbersAcrossSwitches() {
        var parser = makeParser()
        let prefixes = ["[UFW BLOCK]", "[UFW ALLOW]", "[UFW BLOCK]", "[UFW AUDIT]", "[UFW ALLOW]", "DROP", "[UFW BLOCK]",
                        "a prefix that is longer than thirty-two bytes:", "[UFW BLOCK]", "a prefix that is longer than thirty-two bytes:"]
        let hosts = ["bench", "web1", "bench", "a-rather-long-host-name.example.org", "web1", "bench", "b", "bench", "web1", "bench"]
        for (host, prefix) in zip(hosts, prefixes) {
            let (outcome, record) = parse("Oct  1 00:00:00 \(host) kernel: [260434.500000] \(prefix) " + Self.body, with: &parser)
            #expect(outcome == .record)
            #expect(parser.hosts[record.hostID] == host)
            #expect(parser.prefixes[record.prefixID] == prefix)
        }
        #expect(parser.prefixes.count == 6)
        #expect(parser.hosts.count == 5)
    }
}

@Suite struct InternTableTests {
    @Test func numbersMatchFirstSightWhereverTheBytesLie() {
        // Strings of every length up to 40, read from the start, the middle and the very end of buffers.
        var table = InternTable()
        var expected: [String: UInt32] = [:]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789[] :".utf8)
        var generator = SeededGenerator(seed: 7)
        for round in 0..<4000 {
            let length = Int.random(in: 1...40, using: &generator)
            let pick = Int.random(in: 0..<3, using: &generator)
            let text = (0..<length).map { _ in alphabet[Int.random(in: 0..<(round % 5 == 0 ? alphabet.count : 3), using: &generator)] }
            let before = pick == 0 ? 0 : Int.random(in: 0...9, using: &generator)
            let after = pick == 2 ? 0 : Int.random(in: 0...9, using: &generator)
            var bytes = [UInt8](repeating: 0x2A, count: before) + text + [UInt8](repeating: 0x2A, count: after)
            let id = bytes.withUnsafeMutableBytes { table.intern(UnsafeRawBufferPointer($0), before..<(before + length)) }
            let key = String(decoding: text, as: UTF8.self)
            if let known = expected[key] {
                #expect(id == known, "\(key)")
            } else {
                #expect(Int(id) == expected.count + 1, "\(key)")
                expected[key] = id
            }
            #expect(table[id] == key)
        }
    }

    @Test func shortBuffers() {
        var table = InternTable()
        let ab = table.intern("ab")
        let abc = table.intern("abc")
        #expect(table.intern("ab") == ab)
        #expect(table.intern("abc") == abc)
        var bytes = Array("xxxxxxxxab".utf8)
        #expect(bytes.withUnsafeMutableBytes { table.intern(UnsafeRawBufferPointer($0), 8..<10) } == ab)
        #expect(table.intern("") == 0)
    }

    @Test func shortBytesEqualExactlyWhenTheBytesDo() {
        let text = Array("kernel: [UFW BLOCK] web1 kernel: [UFW BLOCK] web1 kernel: x".utf8)
        text.withUnsafeBytes { buffer in
            for length in 1...32 {
                for first in 0...(buffer.count - length) {
                    guard let a = ShortBytes(buffer, first..<(first + length)) else {
                        Issue.record("no ShortBytes for \(first)..<\(first + length)")
                        continue
                    }
                    for second in 0...(buffer.count - length) {
                        let same = text[first..<(first + length)] == text[second..<(second + length)]
                        #expect((ShortBytes(buffer, second..<(second + length)) == a) == same)
                        #expect(a.isAt(buffer, second) == same)
                    }
                }
            }
        }
        text.withUnsafeBytes { buffer in
            #expect(ShortBytes(buffer, 0..<33) == nil)
            #expect(ShortBytes(buffer, 3..<3) == nil)
            #expect(ShortBytes(UnsafeRawBufferPointer(rebasing: buffer[0..<7]), 0..<3) == nil)
        }
    }

    @Test func byteWordDigitsAgreeWithBytes() {
        for value in 0...255 {
            for position in 0..<8 {
                var bytes = [UInt8](repeating: 0x41, count: 8)
                bytes[position] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
                let digitMarks = ByteWord.digits(word)
                for index in 0..<8 {
                    let mark = UInt64(0x80) << UInt64(8 * index)
                    #expect((digitMarks & mark != 0) == ASCII.isDigit(bytes[index]))
                }
                #expect(digitMarks & ~ByteWord.highBits == 0)
            }
        }
    }
}
