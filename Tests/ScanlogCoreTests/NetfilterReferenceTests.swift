import Testing
@testable import ScanlogCore

/// The netfilter parser before it read values where their keys are found (commit 89d4854): one token at a time
/// from `token(from:to:)`, then the value's bytes. Kept here to check the parser against, byte for byte.
private enum ReferenceNetfilterParser {
    // Tokens without `=` go through the parser's own `bareWord`, which this change left as it was.
    private typealias Section = NetfilterParser.Section

    /// Keys as `Token.key` packs them (the bytes, little-endian, and the length in the top byte).
    private enum Key {
        static let IN: UInt64 = 0x0200_0000_0000_4E49
        static let OUT: UInt64 = 0x0300_0000_0054_554F
        static let SRC: UInt64 = 0x0300_0000_0043_5253
        static let DST: UInt64 = 0x0300_0000_0054_5344
        static let LEN: UInt64 = 0x0300_0000_004E_454C
        static let TTL: UInt64 = 0x0300_0000_004C_5454
        static let ID: UInt64 = 0x0200_0000_0000_4449
        static let PROTO: UInt64 = 0x0500_004F_544F_5250
        static let SPT: UInt64 = 0x0300_0000_0054_5053
        static let DPT: UInt64 = 0x0300_0000_0054_5044
        static let SEQ: UInt64 = 0x0300_0000_0051_4553
        static let WINDOW: UInt64 = 0x0600_574F_444E_4957
        static let TYPE: UInt64 = 0x0400_0000_4550_5954
        static let CODE: UInt64 = 0x0400_0000_4544_4F43
    }

    /// Parses from `anchor` to `end` into `record`. Returns nil on success, or why the line is not usable.
    static func parse(
        _ line: UnsafeRawBufferPointer, anchor: Int, end: Int, into record: inout FirewallRecord
    ) -> LineOutcome? {
        var section = Section.link
        var position = anchor
        var inEmpty = true
        var outEmpty = true
        var sawSource = false, sawDestination = false, sawProtocol = false
        var quoted = QuotedPacket(source: .unspecified, destination: .unspecified, proto: IPProtocol(number: 0), sourcePort: 0, destinationPort: 0)
        var hasQuote = false

        while let token = line.token(from: position, to: end) {
            let equals = token.equals
            // Past the space or tab that ends the token: the next token starts after it.
            var next = token.end &+ 1
            fields: do {
                if equals < 0 {
                    if let outcome = NetfilterParser.bareWord(line, token.start, token.end, end, &section, &next, &record, &quoted, &hasQuote) {
                        return outcome
                    }
                    break fields
                }
                let value = (equals &+ 1)..<token.end
                let key = token.key
                switch section {
                case .link:
                    if key == Key.IN {
                        inEmpty = value.isEmpty
                    } else if key == Key.OUT {
                        outEmpty = value.isEmpty
                    } else if key == Key.SRC {
                        section = .network
                        guard let address = IPAddress.parse(line, value) else { return .unparsed(.badAddress) }
                        record.source = address
                        sawSource = true
                    }
                case .network:
                    if key == Key.DST {
                        guard let address = IPAddress.parse(line, value) else { return .unparsed(.badAddress) }
                        record.destination = address
                        sawDestination = true
                    } else if key == Key.LEN {
                        record.length = UInt16(clamping: line.decimal(value, limit: 65535 + 40) ?? 0)
                    } else if key == Key.TTL || equals &- token.start == 8 && line.matches("HOPLIMIT", at: token.start) {
                        record.ttl = UInt8(clamping: line.decimal(value, limit: 255) ?? 0)
                    } else if key == Key.ID {
                        record.ipID = line.decimal(value, limit: 65535).map { UInt16($0) }
                    } else if key == Key.PROTO {
                        section = .transport
                        sawProtocol = true
                        guard let proto = NetfilterParser.protocolNumber(line, value) else { return .unparsed(.badNumber) }
                        record.proto = proto
                    }
                case .transport:
                    switch key {
                    case Key.SPT:
                        guard let port = line.decimal(value, limit: 65535) else { return .unparsed(.badNumber) }
                        record.sourcePort = UInt16(port)
                    case Key.DPT:
                        if record.hasPorts { return .unparsed(.damaged) }
                        guard let port = line.decimal(value, limit: 65535) else { return .unparsed(.badNumber) }
                        record.destinationPort = UInt16(port)
                        record.hasPorts = true
                    case Key.SEQ:
                        if record.proto == .tcp { record.sequence = line.decimal(value).map { UInt32($0) } }
                    case Key.WINDOW:
                        record.window = line.decimal(value, limit: 65535).map { UInt16($0) }
                    case Key.TYPE:
                        guard let type = line.decimal(value, limit: 255) else { return .unparsed(.badNumber) }
                        record.icmpType = UInt8(type)
                        record.hasICMPType = true
                    case Key.CODE:
                        record.icmpCode = UInt8(clamping: line.decimal(value, limit: 255) ?? 0)
                    default:
                        break
                    }
                case .quoted:
                    if key == Key.DST {
                        if let address = IPAddress.parse(line, value) { quoted.destination = address }
                    } else if key == Key.PROTO {
                        if let proto = NetfilterParser.protocolNumber(line, value) { quoted.proto = proto }
                    } else if key == Key.SPT {
                        quoted.sourcePort = UInt16(clamping: line.decimal(value, limit: 65535) ?? 0)
                    } else if key == Key.DPT {
                        quoted.destinationPort = UInt16(clamping: line.decimal(value, limit: 65535) ?? 0)
                    }
                }
            }
            position = next
        }

        guard sawSource, sawDestination else { return .unparsed(.missingAddress) }
        guard sawProtocol else { return .unparsed(.missingProtocol) }
        if hasQuote { record.quoted = quoted }
        if record.proto.hasPorts && !record.hasPorts { record.sourcePort = 0 }
        record.direction = inEmpty ? (outEmpty ? .unknown : .outbound) : (outEmpty ? .inbound : .forwarded)
        return nil
    }
}

/// The parser against the reference on real lines of every kind and on many random damages of them: the same
/// outcome and the same record, field by field.
@Suite struct NetfilterReferenceTests {
    static let lines = [
        "Oct  1 00:00:00 bench kernel: [260434.500000] [UFW BLOCK] IN=eth0 OUT= MAC=56:00:03:85:82:df:fe:00:03:85:82:df:08:00 SRC=137.0.0.1 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=52 ID=10117 PROTO=TCP SPT=6285 DPT=13729 WINDOW=64240 RES=0x00 SYN URGP=0 ",
        "Oct  1 00:00:00 bench kernel: [UFW BLOCK] IN=eth0 OUT= MAC=56:00:03:85:82:df:fe:00:03:85:82:df:08:00 SRC=38.55.121.178 DST=203.0.113.11 LEN=40 TOS=0x00 PREC=0x00 TTL=241 ID=54321 DF PROTO=TCP SPT=41714 DPT=48706 WINDOW=1024 RES=0x00 ACK SYN URGP=0",
        "Oct  1 00:00:02 bench kernel: [UFW BLOCK] IN=eth0 OUT= MAC=56:00:03:85:82:df:fe:00:03:85:82:df:08:00 SRC=41.221.230.197 DST=203.0.113.11 LEN=70 TOS=0x00 PREC=0x00 TTL=50 ID=40791 PROTO=UDP SPT=55154 DPT=59631 LEN=37 ",
        "Oct  1 00:00:19 bench kernel: [UFW BLOCK] IN=eth0 OUT= MAC=56:00:03:85:82:df:fe:00:03:85:82:df:08:00 SRC=26.61.34.125 DST=203.0.113.12 LEN=84 TOS=0x00 PREC=0x00 TTL=112 ID=13240 PROTO=ICMP TYPE=8 CODE=0 ID=60479 SEQ=3 ",
        "Oct  1 00:00:01 bench kernel: [UFW BLOCK] IN=eth0 OUT= MAC=56:00:03:85:82:df:fe:00:03:85:82:df:86:dd SRC=2406:da18:0923:0078:daa6:6d2c:7ddf:7440 DST=2001:0db8:0000:0042:0000:0000:0000:0010 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=11615 DPT=8000 WINDOW=14600 RES=0x00 SYN URGP=0 ",
        "[  168.281559] Inbound IN=wlan0 OUT= MAC=00:16:b6:de:6a:e2:00:1d:7e:0b:05:5f:08:00 SRC=83.233.38.1 DST=192.168.2.2 LEN=576 TOS=0x00 PREC=0xC0 TTL=254 ID=44917 PROTO=ICMP TYPE=3 CODE=4 [SRC=192.168.2.2 DST=83.233.38.158 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=18801 DF PROTO=TCP SPT=443 DPT=5000 INCOMPLETE [8 bytes] ] MTU=1492 ",
        "Nov 22 02:11:03 h kernel: nft-drop IN=veth0 OUT= MAC=aa:bb:cc:dd:ee:ff:11:22:33:44:55:66:08:00 SRC=198.51.100.10 DST=192.0.2.20 LEN=44 TOS=0x00 PREC=0x00 TTL=44 ID=3391 PROTO=TCP SPT=61000 DPT=1723 SEQ=3221226004 ACK=0 WINDOW=1024 RES=0x00 CWR ECE URG PSH FIN URGP=0 OPT (020405B4) UID=0 GID=0 MARK=0x1 ",
        "Dec 20 20:21:37 h kernel: DROP IN=eth0 OUT= MAC=00:1b:b9:76:9c:e4:00:13:46:3a:41:36:86:dd SRC=2001:db8:0:f101::2 DST=2001:0db8:0000:f101:0000:0000:0000:0001 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) OPT ( ) PROTO=ICMPv6 TYPE=1 CODE=4 [SRC=2001:0db8:0000:f101:0000:0000:0000:0001 DST=2001:db8::9 LEN=60 PROTO=UDP SPT=53 DPT=5353 ] ",
        "Nov 22 02:11:03 h kernel: DROP IN=eth0 OUT= SRC=198.51.100.10 DST=192.0.2.20 LEN=500 TOS=0x00 PREC=0x00 TTL=44 ID=3391 MF FRAG:185 PROTO=TCP ",
        "Nov 22 02:11:03 h kernel: DROP IN= OUT=eth1 SRC=10.0.0.1 DST=10.0.0.2 LEN=20 TOS=0x10 PREC=0x00 TTL=44 ID=3391 CE DF PROTO=UDPLITE INCOMPLETE [0 bytes] ",
        "Nov 22 02:11:03 h kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=192.168.1.1 DST=224.0.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=1 ID=0 DF PROTO=2 ",
        "IN=br0 OUT=br0 PHYSIN=eth0 PHYSOUT=tap0 SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TTL=1 ID=1 PROTO=ESP SPI=0xcb886522 ",
        "IN=eth0 OUT= MAC=00:11 TRUNCATED",
        "IN=eth0 OUT= MAC=56:00:03:85:82:df:fe:00:03:85:82:df:86:dd\tSRC=FE80:0000:0000:0000:0084:88FF:FEAE:790A DST=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\tLEN=80 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=TCP SPT=1 DPT=2 WINDOW=3 RES=0x00 SYN URGP=0",
        // Values at and past their limits, and of seven, eight and more digits.
        "IN=eth0 OUT= SRC=255.255.255.255 DST=0.0.0.0 LEN=65575 TOS=0x00 PREC=0x00 TTL=255 ID=65535 PROTO=TCP SPT=65535 DPT=0065535 SEQ=4294967295 WINDOW=65535 RES=0x00 SYN URGP=0",
        "IN=eth0 OUT= SRC=256.1.1.1 DST=1.2.3.4 LEN=65576 TOS=0x00 PREC=0x00 TTL=256 ID=65536 PROTO=TCP SPT=1234567 DPT=12345678 SEQ=4294967296 WINDOW=65536 RES=0x00 SYN URGP=0",
        "IN=eth0 OUT= SRC=1.2.3.4 DST=001.02.3.255 LEN=1234567 TTL=0000255 ID=00065535 PROTO=ICMP TYPE=255 CODE=256 ID=1 SEQ=2",
        "IN=eth0 OUT= SRC=1.2.3.4 DST=1.2.3.5 LEN=12345678901234567890 TTL=99999999 PROTO=255 TYPE=256",
        "IN=eth0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1",
    ]

    @Test func agreesWithTheReferenceOnDamagedLines() {
        let alphabet = Array(" \t=[]().:0123456789abfxSYNDFTOPCR".utf8) + [0x00, 0x0D, 0xA0, 0x89, 0xBD, 0xFF]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var checked = 0
        for line in Self.lines {
            let original = Array(line.utf8)
            for round in 0..<3000 {
                var bytes = original
                if round > 0 {
                    for _ in 0..<(1 + random(3)) {
                        let index = random(bytes.count)
                        switch random(4) {
                        case 0: bytes[index] = alphabet[random(alphabet.count)]
                        case 1: bytes.insert(alphabet[random(alphabet.count)], at: index)
                        case 2: bytes.remove(at: index)
                        default: bytes.removeSubrange(index..<min(bytes.count, index + random(12)))
                        }
                        if bytes.isEmpty { bytes = original }
                    }
                }
                if random(4) == 0 { bytes.removeLast(random(min(bytes.count, 24))) }
                // The whole text, and the text without its trailing blanks as LineParser passes it (bytes past the
                // end are blanks or a carriage return then: a value glued to them never reads as a longer one).
                for trimmed in [false, true] {
                    let (expected, actual) = bytes.withUnsafeBytes { text -> (String, String) in
                        guard let anchor = NetfilterParser.findAnchor(text) else { return ("", "") }
                        var end = text.count
                        while trimmed, end > anchor, ASCII.isSpace(text[end - 1]) || text[end - 1] == 0x0D { end -= 1 }
                        var reference = FirewallRecord()
                        var record = FirewallRecord()
                        let referenceOutcome = ReferenceNetfilterParser.parse(text, anchor: anchor, end: end, into: &reference)
                        let outcome = NetfilterParser.parse(text, anchor: anchor, end: end, into: &record)
                        return ("\(String(describing: referenceOutcome)) \(reference)", "\(String(describing: outcome)) \(record)")
                    }
                    checked += 1
                    #expect(actual == expected, "\(String(decoding: bytes, as: UTF8.self)) trimmed \(trimmed)")
                    if actual != expected { return }
                }
            }
        }
        #expect(checked > 80_000)
    }
}
