import Testing
@testable import ScanlogCore

@Suite struct NetfilterFieldTests {
    @Test func tcpSynFields() throws {
        let (outcome, record) = parse(ufwLine())
        #expect(outcome == .record)
        #expect(record.action == .blocked)
        #expect(record.direction == .inbound)
        #expect(record.isProbe)
        #expect(record.source.description == "198.51.100.7")
        #expect(record.destination.description == "192.0.2.20")
        #expect(record.proto == .tcp)
        #expect(record.sourcePort == 40000 && record.destinationPort == 23 && record.hasPorts)
        #expect(record.length == 44 && record.ttl == 241 && record.ipID == 54321 && record.window == 65535)
        #expect(record.tcpFlags == [.syn])
        #expect(record.sequence == nil)
    }

    @Test func udpSecondLengthIsNotTheIPLength() {
        let line = "Nov 22 02:11:03 h kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=203.0.113.5 DST=192.0.2.20 LEN=78 TOS=0x00 PREC=0x00 TTL=52 ID=0 DF PROTO=UDP SPT=5353 DPT=3100 LEN=58 "
        let (outcome, record) = parse(line)
        #expect(outcome == .record)
        #expect(record.proto == .udp && record.destinationPort == 3100 && record.length == 78 && record.dontFragment)
    }

    @Test func icmpEchoIDIsNotTheIPID() {
        let line = "Nov 22 02:11:03 h kernel: DROP IN=eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=203.0.113.5 DST=192.0.2.20 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=4242 DF PROTO=ICMP TYPE=8 CODE=0 ID=77 SEQ=3 "
        let (_, record) = parse(line)
        #expect(record.proto == .icmp && record.icmpType == 8 && record.hasICMPType && record.ipID == 4242)
        #expect(PortKey(record: record).description == "icmp type 8")
        #expect(record.sequence == nil)
    }

    @Test func icmpErrorQuoteIsKeptApart() throws {
        let line = "[  168.281559] Inbound IN=wlan0 OUT= MAC=00:16:b6:de:6a:e2:00:1d:7e:0b:05:5f:08:00 SRC=83.233.38.1 DST=192.168.2.2 LEN=576 TOS=0x00 PREC=0xC0 TTL=254 ID=44917 PROTO=ICMP TYPE=3 CODE=4 [SRC=192.168.2.2 DST=83.233.38.158 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=18801 DF PROTO=TCP INCOMPLETE [8 bytes] ] MTU=1492 "
        let (outcome, record) = parse(line)
        #expect(outcome == .record)
        #expect(record.source.description == "83.233.38.1")
        #expect(record.destination.description == "192.168.2.2")
        #expect(record.ipID == 44917)
        let quoted = try #require(record.quoted)
        #expect(quoted.source.description == "192.168.2.2" && quoted.destination.description == "83.233.38.158" && quoted.proto == .tcp)
    }

    @Test func ipv6FullFormAndICMPv6() {
        let line = "Jul  9 10:00:00 h kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=fe80:0000:0000:0000:0084:88ff:feae:790a DST=ff02:0000:0000:0000:0000:0000:0000:0001 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=134 CODE=0 "
        let (_, record) = parse(line)
        #expect(record.source.description == "fe80::84:88ff:feae:790a")
        #expect(record.proto == .icmpv6 && record.icmpType == 134 && record.ttl == 255 && record.ipID == nil)
    }

    @Test func tcpSequenceAndFlagsWithOptions() {
        let line = "Nov 22 02:11:03 h kernel: nft-drop IN=veth0 OUT= MAC=aa:bb:cc:dd:ee:ff:11:22:33:44:55:66:08:00 SRC=198.51.100.10 DST=192.0.2.20 LEN=44 TOS=0x00 PREC=0x00 TTL=44 ID=3391 PROTO=TCP SPT=61000 DPT=1723 SEQ=3221226004 ACK=0 WINDOW=1024 RES=0x00 CWR ECE URG PSH FIN URGP=0 OPT (020405B4) UID=0 GID=0 MARK=0x1 "
        let (_, record) = parse(line)
        #expect(record.sequence == 3_221_226_004)
        #expect(record.window == 1024)
        #expect(record.tcpFlags == [.cwr, .ece, .urg, .psh, .fin])
        #expect(record.destinationPort == 1723)
    }

    @Test func fragmentsAndIncompleteHeadersHaveNoPorts() {
        let fragment = "Nov 22 02:11:03 h kernel: DROP IN=eth0 OUT= SRC=198.51.100.10 DST=192.0.2.20 LEN=500 TOS=0x00 PREC=0x00 TTL=44 ID=3391 FRAG:185 PROTO=TCP "
        let (outcome, record) = parse(fragment)
        #expect(outcome == .record && record.isFragment && !record.hasPorts)
        #expect(PortKey(record: record).description == "tcp")
        let incomplete = "Nov 22 02:11:03 h kernel: DROP IN=eth0 OUT= SRC=198.51.100.10 DST=192.0.2.20 LEN=20 TOS=0x00 PREC=0x00 TTL=44 ID=3391 PROTO=UDPLITE INCOMPLETE [0 bytes] "
        let (outcome2, record2) = parse(incomplete)
        #expect(outcome2 == .record && record2.proto == .udplite && !record2.hasPorts)
    }

    @Test func ipv6ExtensionHeaderOptions() {
        let line = "Dec 20 20:21:37 h kernel: DROP IN=eth0 OUT= MAC=00:1b:b9:76:9c:e4:00:13:46:3a:41:36:86:dd SRC=2001:0db8:0000:f101:0000:0000:0000:0002 DST=2001:0db8:0000:f101:0000:0000:0000:0001 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) OPT ( ) PROTO=TCP SPT=46712 DPT=443 WINDOW=512 RES=0x00 SYN URGP=0 "
        let (_, record) = parse(line)
        #expect(record.destinationPort == 443 && record.source.description == "2001:db8:0:f101::2")
    }

    @Test func numericProtocolAndESP() {
        let igmp = parse("Nov 22 02:11:03 h kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=192.168.1.1 DST=224.0.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=1 ID=0 DF PROTO=2 ").1
        #expect(igmp.proto == .igmp && PortKey(record: igmp).description == "igmp")
        let esp = parse("Nov 22 02:11:03 h kernel: DROP IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.2 LEN=100 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=ESP SPI=0xcb886522 ").1
        #expect(esp.proto == .esp)
    }

    @Test func directionFromInterfaces() {
        func direction(_ interfaces: String) -> Direction {
            parse("Nov 22 02:11:03 h kernel: X \(interfaces) SRC=198.51.100.1 DST=192.0.2.2 LEN=40 TTL=1 ID=1 PROTO=TCP SPT=1 DPT=2 ").1.direction
        }
        #expect(direction("IN=eth0 OUT=") == .inbound)
        #expect(direction("IN= OUT=eth0") == .outbound)
        #expect(direction("IN=eth0 OUT=eth1") == .forwarded)
        #expect(direction("IN=br0 OUT=br0 PHYSIN=eth0 PHYSOUT=tap0") == .forwarded)
        // Proxmox writes no IN= on output.
        #expect(direction("OUT=vmbr0") == .outbound)
    }

    @Test func prefixGluedToIN() {
        var parser = makeParser()
        let (_, record) = parse("Nov 22 02:11:03 h kernel: Unknown ForwardIN=eth0 OUT=eth1 SRC=198.51.100.1 DST=192.0.2.2 LEN=40 TTL=1 ID=1 PROTO=TCP SPT=1 DPT=2 ", with: &parser)
        #expect(parser.prefixes[record.prefixID] == "Unknown Forward")
        let (_, second) = parse("Nov 22 02:11:03 h kernel: x=IN= [a] DROP(src wan)IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.2 LEN=40 TTL=1 ID=1 PROTO=TCP SPT=1 DPT=2 ", with: &parser)
        #expect(parser.prefixes[second.prefixID] == "x=IN= [a] DROP(src wan)")
        #expect(second.action == .blocked)
    }

    /// The tokenizer reads eight bytes at a time: every token here crosses those words at every offset (the
    /// prefix grows a byte at a time), tabs and runs of blanks separate some, a key is eight bytes long
    /// (`HOPLIMIT`), and the last value runs to the end of the text, with nothing after it or with the `]` of
    /// rsyslog's repeat wrapper right after it (outside the text, so not part of the value).
    @Test func tokensAcrossWordBoundaries() {
        let ipv4 = "SRC=198.51.100.7\t \tDST=192.0.2.20 LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=54321"
        let ipv6 = "SRC=2001:0db8:0000:0000:0000:0000:0000:0007 DST=2001:db8::20 LEN=44 TC=0 HOPLIMIT=241 FLOWLBL=0"
        for network in [ipv4, ipv6] {
            for pad in 0..<16 {
                let body = "[UFW BLOCK]" + String(repeating: "x", count: pad)
                    + " IN=eth0\tOUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 \(network) PROTO=TCP SPT=40000"
                    + " WINDOW=65535 RES=0x00 SYN\tURGP=0 DPT=23"
                for repeated in [false, true] {
                    let line = "Nov 22 02:11:03 h kernel: " + (repeated ? "message repeated 3 times: [ \(body)]" : body)
                    let (outcome, record) = parse(line)
                    #expect(outcome == .record, "\(pad) \(line)")
                    #expect(record.source.description == (network == ipv4 ? "198.51.100.7" : "2001:db8::7"))
                    #expect(record.destination.description == (network == ipv4 ? "192.0.2.20" : "2001:db8::20"))
                    #expect(record.length == 44 && record.ttl == 241 && record.ipID == (network == ipv4 ? 54321 : nil))
                    #expect(record.proto == .tcp && record.sourcePort == 40000 && record.destinationPort == 23)
                    #expect(record.window == 65535 && record.tcpFlags == [.syn] && record.direction == .inbound)
                    #expect(record.repeatCount == (repeated ? 3 : 1))
                }
            }
        }
    }

    /// Bytes of 0x80 and above whose low seven bits are a space (0xA0), a tab (0x89) or `=` (0xBD) are none of
    /// those: `XàSYN` is one unknown word, not a SYN flag, and `DPT\u{BD}80` no second destination port.
    @Test func highBytesAreNeitherBlanksNorEquals() {
        var line = Array("Nov 22 02:11:03 h kernel: DROP IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.20 LEN=44 TTL=64 ID=1".utf8)
        line += Array(" PROTO=TCP SPT=40000 DPT=23 WINDOW=512 X".utf8) + [0xA0] + Array("SYN X".utf8) + [0x89]
        line += Array("FIN DPT".utf8) + [0xBD] + Array("80 URGP=0 ".utf8)
        var parser = makeParser()
        var record = FirewallRecord()
        let outcome = line.withUnsafeBytes { parser.parse($0, into: &record) }
        #expect(outcome == .record)
        #expect(record.destinationPort == 23 && record.tcpFlags.isEmpty)
    }

    /// `token(from:to:)` against a byte-at-a-time reading of the same rule, on every start and end of long keys
    /// and brackets, and of short random texts of blanks, `=`, `[`, letters and high bytes (the last eight bytes
    /// of a buffer are read apart).
    @Test func tokenizerAgreesWithAByteAtATimeReading() {
        let alphabet: [UInt8] = [0x20, 0x09, 0x3D, 0x5B, 0x41, 0x31, 0xA0, 0x89, 0xBD, 0x00]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let texts = [Array("HOPLIMIT=64 [SRC=192.0.2.1 [ABCDEFGHI=1\tMACPROTO=0800 INCOMPLETE".utf8)]
            + (0..<200).map { _ in (0..<random(41)).map { _ in alphabet[random(alphabet.count)] } }
        for text in texts {
            text.withUnsafeBytes { bytes in
                for end in 0...text.count {
                    for index in 0...end {
                        let token = bytes.token(from: index, to: end)
                        let expected = referenceToken(text, from: index, to: end)
                        #expect(token?.start == expected?.start && token?.equals == expected?.equals
                            && token?.end == expected?.end && token?.key == expected?.key, "\(text) \(index) \(end)")
                    }
                }
            }
        }
    }

    /// Skip blanks; up to the first `=` (none in a token that starts with `[`); then to the next blank.
    private func referenceToken(_ text: [UInt8], from index: Int, to end: Int) -> (start: Int, equals: Int, end: Int, key: UInt64)? {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var start = index
        while start < end, isBlank(text[start]) { start += 1 }
        guard start < end else { return nil }
        var position = start
        var equals = -1
        if text[start] != 0x5B {
            while position < end, !isBlank(text[position]) {
                if text[position] == 0x3D {
                    equals = position
                    break
                }
                position += 1
            }
        }
        while position < end, !isBlank(text[position]) { position += 1 }
        var key: UInt64 = 0
        if equals >= 0, equals - start <= 7 {
            key = UInt64(equals - start) << 56
            for offset in 0..<(equals - start) { key |= UInt64(text[start + offset]) << UInt64(8 * offset) }
        }
        return (start, equals, position, key)
    }

    @Test(arguments: [
        ("", "IN=eth0 OUT= SRC=1.2.3.4 LEN=40 PROTO=TCP SPT=1 DPT=2", LineOutcome.unparsed(.missingAddress)),
        ("", "IN=eth0 OUT= SRC=1.2.3.400 DST=1.2.3.4 LEN=40 PROTO=TCP SPT=1 DPT=2", .unparsed(.badAddress)),
        ("", "IN=eth0 OUT= SRC=1.2.3.4 DST=1.2.3.5 LEN=40", .unparsed(.missingProtocol)),
        ("", "IN=eth0 OUT= SRC=1.2.3.4 DST=1.2.3.5 LEN=40 PROTO=TCP SPT=1 DPT=70000", .unparsed(.badNumber)),
        ("", "IN=eth0 OUT= SRC=1.2.3.4 DST=1.2.3.5 LEN=40 PROTO=BOGUS", .unparsed(.badNumber)),
        ("", "IN=eth0 OUT= MAC=00:11 TRUNCATED", .ignored(.noIPHeader)),
        ("", "IN=eth0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1", .ignored(.arp)),
        ("", "IN=eth0 OUT= MAC source = 00:11:22:33:44:55 MAC dest = ff:ff:ff:ff:ff:ff proto = 0x0800", .unparsed(.ebtables)),
        ("Nov 22 02:11:03 h kernel: ", "TTL=126 ID=54321 PROTO=TCP SPT=4 DPT=5", .unparsed(.splitLine)),
        ("Nov 22 02:11:03 h kernel: ", "usb 1-1: new high-speed USB device", .ignored(.notFirewall)),
        ("", "   \u{0}\u{0}", .ignored(.blank)),
    ])
    func badLinesLandInTheirCounter(envelope: String, body: String, expected: LineOutcome) {
        #expect(parse(envelope + body).0 == expected)
    }
}

@Suite struct PrefixActionTests {
    @Test(arguments: [
        ("[UFW BLOCK]", FirewallAction.blocked), ("[UFW LIMIT BLOCK]", .blocked), ("[UFW ALLOW]", .allowed),
        ("[UFW AUDIT]", .audit), ("[UFW AUDIT INVALID]", .audit), ("[UFW LIMIT]", .allowed), ("[UFW MISC]", .logged),
        ("filter_IN_public_REJECT:", .blocked), ("FINAL_REJECT:", .blocked), ("STATE_INVALID_DROP:", .blocked),
        ("filter_IN_public_ICMP_BLOCK:", .blocked), ("Shorewall:net2fw:DROP:", .blocked), ("net-fw DROP", .blocked),
        ("drop wan in:", .blocked), ("REJECT wan in:", .blocked), ("accept lan in:", .allowed), ("DROP(src wan)", .blocked),
        ("SFW2-INext-DROP-DEFLT", .blocked), ("SFW2-INext-ACC-TCP", .allowed), ("SuSE-FW-DROP-DEFAULT", .blocked),
        ("[WAN_LOCAL-default-D]", .blocked), ("[LAN_LOCAL-default-A]", .allowed), ("[WAN_IN-3000-R]", .blocked),
        ("policy DROP:", .blocked), ("ACCEPT:", .allowed), ("IPTABLES:BLOCKED-CONN:", .blocked), ("DENY:", .blocked),
        ("iptables DROP_INPUT:", .blocked), ("[netfilter-INPUT]", .logged), ("Inbound", .logged), ("canaryfw:", .logged),
        ("", .logged), ("nf_ct_proto_6: SEQ is under the lower bound (already ACKed data retransmitted)", .logged),
        ("TRACE: mangle:tcout:return:3", .logged),
    ])
    func verdictFromPrefix(prefix: String, expected: FirewallAction) {
        #expect(PrefixAction.action(forPrefix: prefix) == expected)
    }
}
