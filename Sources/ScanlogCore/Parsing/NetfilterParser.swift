/// Reads the kernel's netfilter text (`[prefix]IN=... OUT=... SRC=... PROTO=TCP SPT=... DPT=... `) into a record.
///
/// Fields are read positionally by section, because keys repeat: the second `LEN=` is UDP's, the second
/// `ID=` and `SEQ=` are ICMP echo's, `ACK=` is a number and `ACK` a flag, and everything inside an ICMP
/// error's `[ ... ]` belongs to the quoted packet. See formats.md section 1.
public enum NetfilterParser {
    /// Where the netfilter text starts: the first `IN=` whose value is followed by `OUT=`, `MAC=`, `PHYSIN=`
    /// or `SRC=` (the prefix before it may hold anything, `=` and `IN=` included); failing that, an `OUT=` with
    /// an interface, followed by `SRC=` or `MAC=`.
    public static func findAnchor(_ line: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        var search = start
        while let index = line.firstIndex(of: "IN=", from: search) {
            search = index + 3
            if index >= 4, line.matches("PHYS", at: index - 4) { continue }
            let valueEnd = line.tokenEnd(from: index + 3, to: line.count)
            let next = valueEnd + 1
            if valueEnd < line.count,
                line.matches("OUT=", at: next) || line.matches("MAC=", at: next) || line.matches("PHYSIN=", at: next)
                    || line.matches("SRC=", at: next)
            {
                return index
            }
        }
        // Some producers (Proxmox's pvefw-logger on output) write no IN= at all: anchor on OUT=.
        search = start
        while let index = line.firstIndex(of: "OUT=", from: search) {
            search = index + 4
            if index >= 4, line.matches("PHYS", at: index - 4) { continue }
            let valueEnd = line.tokenEnd(from: index + 4, to: line.count)
            if valueEnd > index + 4, valueEnd < line.count,
                line.matches("SRC=", at: valueEnd + 1) || line.matches("MAC=", at: valueEnd + 1)
            {
                return index
            }
        }
        return nil
    }

    private enum Section { case link, network, transport, quoted }

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
                    if let outcome = bareWord(line, token.start, token.end, end, &section, &next, &record, &quoted, &hasQuote) {
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
                        guard let proto = protocolNumber(line, value) else { return .unparsed(.badNumber) }
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
                        if let proto = protocolNumber(line, value) { quoted.proto = proto }
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

    /// Handles a token without `=`: flags, brackets, `INCOMPLETE [n bytes]`, `OPT (...)`, `DF`, `FRAG:n`.
    /// May move `next` past following tokens; returns an outcome when the line cannot be a usable record.
    @inline(__always)
    private static func bareWord(
        _ line: UnsafeRawBufferPointer, _ position: Int, _ tokenEnd: Int, _ end: Int, _ section: inout Section,
        _ next: inout Int, _ record: inout FirewallRecord, _ quoted: inout QuotedPacket, _ hasQuote: inout Bool
    ) -> LineOutcome? {
        let first = line[position]
        let length = tokenEnd - position
        if first == ASCII.openBracket {
            if section != .quoted && line.matches("[SRC=", at: position) {
                // An ICMP error quoting a packet; its first key is glued to the bracket.
                section = .quoted
                hasQuote = true
                if let address = IPAddress.parse(line, position + 5..<tokenEnd) { quoted.source = address }
            }
            return nil
        }
        if first == ASCII.closeBracket && length == 1 {
            // The end of a quote, or of rsyslog's repeat wrapper.
            if section == .quoted { section = .transport }
            return nil
        }
        if length == 10 && line.matches("INCOMPLETE", at: position) {
            // "INCOMPLETE [8 bytes]": skip the count (absent for the IPv6 fragment flag and in ulogd's text).
            let countStart = line.skipSpaces(from: tokenEnd, to: end)
            if countStart < end, line[countStart] == ASCII.openBracket {
                let countEnd = line.tokenEnd(from: countStart, to: end)
                if line[countEnd - 1] == ASCII.closeBracket {
                    next = countEnd
                } else {
                    let wordStart = line.skipSpaces(from: countEnd, to: end)
                    next = line.tokenEnd(from: wordStart, to: end)
                }
            }
            return nil
        }
        if length == 3 && line.matches("OPT", at: position) {
            // "OPT (0204...)" or "OPT ( ) ": skip to the closing parenthesis.
            var optionStart = line.skipSpaces(from: tokenEnd, to: end)
            if optionStart < end, line[optionStart] == ASCII.openParen {
                while optionStart < end {
                    let optionEnd = line.tokenEnd(from: optionStart, to: end)
                    next = optionEnd
                    if line[optionEnd - 1] == ASCII.closeParen { break }
                    optionStart = line.skipSpaces(from: optionEnd, to: end)
                }
            }
            return nil
        }
        switch section {
        case .network:
            if length == 2 && line.matches("DF", at: position) {
                record.dontFragment = true
            } else if length == 2 && line.matches("MF", at: position) {
                record.isFragment = true
            } else if line.matches("FRAG:", at: position) {
                // A non-first fragment (offset above 0) carries no transport header.
                if let offset = line.decimal(position + 5..<tokenEnd), offset > 0 { record.isFragment = true }
            } else if length == 9 && line.matches("TRUNCATED", at: position) {
                return .ignored(.noIPHeader)
            }
        case .transport:
            if let flag = tcpFlag(line, position, length) { record.tcpFlags.insert(flag) }
        case .link:
            if length == 9 && line.matches("TRUNCATED", at: position) { return .ignored(.noIPHeader) }
            if length == 3 && line.matches("ARP", at: position) { return .ignored(.arp) }
            if length == 6 && line.matches("source", at: position) { return .unparsed(.ebtables) }
        case .quoted:
            break
        }
        return nil
    }

    /// `TCP`, `UDP`, `UDPLITE`, `ICMP`, `ICMPv6`, `SCTP`, `AH`, `ESP`, `IGMP`, `GRE`, or a number.
    static func protocolNumber(_ line: UnsafeRawBufferPointer, _ value: Range<Int>) -> IPProtocol? {
        if let number = line.decimal(value, limit: 255) { return IPProtocol(number: UInt8(number)) }
        switch value.count {
        case 2:
            if line.matches("AH", at: value.lowerBound) { return .ah }
        case 3:
            if line.matches("TCP", at: value.lowerBound) { return .tcp }
            if line.matches("UDP", at: value.lowerBound) { return .udp }
            if line.matches("ESP", at: value.lowerBound) { return .esp }
            if line.matches("GRE", at: value.lowerBound) { return .gre }
        case 4:
            if line.matches("ICMP", at: value.lowerBound) { return .icmp }
            if line.matches("SCTP", at: value.lowerBound) { return .sctp }
            if line.matches("IGMP", at: value.lowerBound) { return .igmp }
        case 6:
            if line.matches("ICMPv6", at: value.lowerBound) || line.matches("ICMPV6", at: value.lowerBound) { return .icmpv6 }
        case 7:
            if line.matches("UDPLITE", at: value.lowerBound) { return .udplite }
        default:
            break
        }
        return nil
    }

    @inline(__always)
    private static func tcpFlag(_ line: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> TCPFlags? {
        switch length {
        case 2:
            if line.matches("AE", at: start) { return .ae }
        case 3:
            if line.matches("SYN", at: start) { return .syn }
            if line.matches("ACK", at: start) { return .ack }
            if line.matches("FIN", at: start) { return .fin }
            if line.matches("RST", at: start) { return .rst }
            if line.matches("PSH", at: start) { return .psh }
            if line.matches("URG", at: start) { return .urg }
            if line.matches("ECE", at: start) { return .ece }
            if line.matches("CWR", at: start) { return .cwr }
        default:
            break
        }
        return nil
    }
}
