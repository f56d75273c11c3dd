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

    enum Section { case link, network, transport, quoted }

    /// Keys with their `=`, as the first bytes of a token read them (little-endian): one comparison finds a key.
    private enum Key {
        static let IN: UInt64 = 0x003D_4E49
        static let OUT: UInt64 = 0x3D54_554F
        static let SRC: UInt64 = 0x3D43_5253
        static let DST: UInt64 = 0x3D54_5344
        static let LEN: UInt64 = 0x3D4E_454C
        static let TTL: UInt64 = 0x3D4C_5454
        static let ID: UInt64 = 0x003D_4449
        static let PROTO: UInt64 = 0x3D4F_544F_5250
        static let SPT: UInt64 = 0x3D54_5053
        static let DPT: UInt64 = 0x3D54_5044
        static let SEQ: UInt64 = 0x3D51_4553
        static let WINDOW: UInt64 = 0x3D_574F_444E_4957
        static let TYPE: UInt64 = 0x3D_4550_5954
        static let CODE: UInt64 = 0x3D_4544_4F43
        static let MAC: UInt64 = 0x3D43_414D
        static let TOS: UInt64 = 0x3D53_4F54
        static let PREC: UInt64 = 0x3D_4345_5250
        static let RES: UInt64 = 0x3D53_4552
        static let URGP: UInt64 = 0x3D_5047_5255
        static let TC: UInt64 = 0x003D_4354
        static let FLOWLBL: UInt64 = 0x3D4C_424C_574F_4C46
    }

    /// Values and runs of bytes as one number (little-endian), to compare at once.
    private enum Word {
        static let TCP: UInt64 = 0x50_4354
        static let UDP: UInt64 = 0x50_4455
        static let TOS00: UInt64 = 0x3030_7830_3D53_4F54
        static let PREC0x: UInt64 = 0x7830_3D43_4552_5020
        static let zeros: UInt64 = 0x3030
        static let HOPLIMIT: UInt64 = 0x5449_4D49_4C50_4F48
        /// `DF ` (the space included: the word ends there).
        static let DFspace: UInt64 = 0x20_4644
    }

    /// What a token is to the parser: a key whose value it reads, a key whose value nobody reads, a usual flag,
    /// or anything else (a bare word, an unknown key, a key of eight bytes or more).
    private enum Field {
        case inInterface, outInterface, source, destination, length, ttl, id, proto, sourcePort, destinationPort
        case sequence, window, type, code
        case mac, tos, prec, res, urgp, skipped
        case dontFragment, syn, other
    }

    /// The token most likely to come next (the kernel writes its fields in one order): its first bytes (a key
    /// and its `=`, or a flag and the space after it), a mask over them, and the length of the key and its `=`
    /// (where the value starts), or of the flag.
    private struct Guess {
        var field: Field
        var bytes: UInt64
        var mask: UInt64
        var length: Int

        static let IN = Guess(field: .inInterface, bytes: Key.IN, mask: 0xFF_FFFF, length: 3)
        static let OUT = Guess(field: .outInterface, bytes: Key.OUT, mask: 0xFFFF_FFFF, length: 4)
        static let MAC = Guess(field: .mac, bytes: Key.MAC, mask: 0xFFFF_FFFF, length: 4)
        static let SRC = Guess(field: .source, bytes: Key.SRC, mask: 0xFFFF_FFFF, length: 4)
        static let DST = Guess(field: .destination, bytes: Key.DST, mask: 0xFFFF_FFFF, length: 4)
        static let LEN = Guess(field: .length, bytes: Key.LEN, mask: 0xFFFF_FFFF, length: 4)
        static let TOS = Guess(field: .tos, bytes: Key.TOS, mask: 0xFFFF_FFFF, length: 4)
        static let PREC = Guess(field: .prec, bytes: Key.PREC, mask: 0xFF_FFFF_FFFF, length: 5)
        static let TTL = Guess(field: .ttl, bytes: Key.TTL, mask: 0xFFFF_FFFF, length: 4)
        static let ID = Guess(field: .id, bytes: Key.ID, mask: 0xFF_FFFF, length: 3)
        static let PROTO = Guess(field: .proto, bytes: Key.PROTO, mask: 0xFFFF_FFFF_FFFF, length: 6)
        static let SPT = Guess(field: .sourcePort, bytes: Key.SPT, mask: 0xFFFF_FFFF, length: 4)
        static let DPT = Guess(field: .destinationPort, bytes: Key.DPT, mask: 0xFFFF_FFFF, length: 4)
        static let SEQ = Guess(field: .sequence, bytes: Key.SEQ, mask: 0xFFFF_FFFF, length: 4)
        static let WINDOW = Guess(field: .window, bytes: Key.WINDOW, mask: 0xFF_FFFF_FFFF_FFFF, length: 7)
        static let TYPE = Guess(field: .type, bytes: Key.TYPE, mask: 0xFF_FFFF_FFFF, length: 5)
        static let CODE = Guess(field: .code, bytes: Key.CODE, mask: 0xFF_FFFF_FFFF, length: 5)
        static let RES = Guess(field: .res, bytes: Key.RES, mask: 0xFFFF_FFFF, length: 4)
        static let URGP = Guess(field: .urgp, bytes: Key.URGP, mask: 0xFF_FFFF_FFFF, length: 5)
        /// `SYN ` (the space included: the word ends there).
        static let SYN = Guess(field: .syn, bytes: 0x204E_5953, mask: 0xFFFF_FFFF, length: 3)
    }

    /// The field of a token whose first eight bytes are `head` (read at `position`), and where its value starts
    /// (after the first `=`), when the guess was wrong.
    @inline(__always)
    private static func field(_ head: UInt64, at position: Int) -> (Field, valueStart: Int) {
        // A token that starts with `[` has no key (`[SRC=192.0.2.1` opens an ICMP error's quoted packet).
        let equalsSigns = UInt8(truncatingIfNeeded: head) == ASCII.openBracket ? 0 : ByteWord.equalsSigns(head)
        // The bytes up to the first `=` and that `=` (the whole word when there is none: no key then).
        let equalsBit = equalsSigns & (0 &- equalsSigns)
        let valueStart = position &+ equalsSigns.trailingZeroBitCount &>> 3 &+ 1
        switch head & (equalsBit &<< 1 &- 1) {
        case Key.IN: return (.inInterface, valueStart)
        case Key.OUT: return (.outInterface, valueStart)
        case Key.SRC: return (.source, valueStart)
        case Key.DST: return (.destination, valueStart)
        case Key.LEN: return (.length, valueStart)
        case Key.TTL: return (.ttl, valueStart)
        case Key.ID: return (.id, valueStart)
        case Key.PROTO: return (.proto, valueStart)
        case Key.SPT: return (.sourcePort, valueStart)
        case Key.DPT: return (.destinationPort, valueStart)
        case Key.SEQ: return (.sequence, valueStart)
        case Key.WINDOW: return (.window, valueStart)
        case Key.TYPE: return (.type, valueStart)
        case Key.CODE: return (.code, valueStart)
        case Key.MAC: return (.mac, valueStart)
        case Key.TOS: return (.tos, valueStart)
        case Key.PREC: return (.prec, valueStart)
        case Key.RES: return (.res, valueStart)
        case Key.URGP: return (.urgp, valueStart)
        case Key.TC, Key.FLOWLBL: return (.skipped, valueStart)
        default: return (.other, valueStart)
        }
    }

    /// Parses from `anchor` to `end` into `record`. Returns nil on success, or why the line is not usable.
    ///
    /// Each token is first checked against the one the kernel writes next (`Guess`), then, failing that, read
    /// for a known key and its `=` in its first eight bytes (`field(_:at:)`). A known key's value is read where
    /// the key says (a number, an address, a protocol) and gives the token's end, or the token is skipped. Any
    /// other token goes through `token(from:to:)`.
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
        var guess = Guess.IN

        while position < end {
            let first = line[position]
            if first == ASCII.space || first == ASCII.tab {
                position = line.skipSpaces(from: position, to: end)
                if position == end { break }
            }
            let head = line.wordNearEnd(at: position, end: end)
            let field: Field
            let valueStart: Int
            if head & guess.mask == guess.bytes {
                field = guess.field
                valueStart = position &+ guess.length
            } else if head & 0xFF_FFFF == Word.DFspace {
                // Not guessed: most packets have no DF flag.
                field = .dontFragment
                valueStart = position
            } else if head == Word.HOPLIMIT && position &+ 8 < end
                && UInt8(truncatingIfNeeded: line.wordNearEnd(at: position &+ 8, end: end)) == ASCII.equals
            {
                // IPv6's TTL: a key of eight bytes.
                field = .ttl
                valueStart = position &+ 9
            } else {
                (field, valueStart) = Self.field(head, at: position)
            }
            // Where this token ends (a space, a tab, or `end`).
            var tokenEnd: Int
            switch field {
            case .inInterface:
                tokenEnd = line.valueEnd(from: valueStart, to: end)
                if section == .link { inEmpty = tokenEnd == valueStart }
                guess = .OUT
            case .outInterface:
                tokenEnd = line.valueEnd(from: valueStart, to: end)
                if section == .link { outEmpty = tokenEnd == valueStart }
                guess = .MAC
            case .source:
                guard section == .link else {
                    tokenEnd = line.valueEnd(from: valueStart, to: end)
                    break
                }
                section = .network
                let (address, addressEnd) = IPAddress.parseToken(line, from: valueStart, to: end)
                guard let address else { return .unparsed(.badAddress) }
                record.source = address
                sawSource = true
                tokenEnd = addressEnd
                guess = .DST
            case .destination:
                if section == .network {
                    let (address, addressEnd) = IPAddress.parseToken(line, from: valueStart, to: end)
                    guard let address else { return .unparsed(.badAddress) }
                    record.destination = address
                    sawDestination = true
                    tokenEnd = addressEnd
                } else if section == .quoted {
                    let (address, addressEnd) = IPAddress.parseToken(line, from: valueStart, to: end)
                    if let address { quoted.destination = address }
                    tokenEnd = addressEnd
                } else {
                    tokenEnd = line.valueEnd(from: valueStart, to: end)
                }
                guess = .LEN
            case .length:
                guard section == .network else {
                    tokenEnd = line.valueEnd(from: valueStart, to: end)
                    break
                }
                let (length, lengthEnd) = line.decimalToken(from: valueStart, to: end, limit: 65535 + 40)
                record.length = UInt16(clamping: length ?? 0)
                tokenEnd = lengthEnd
                guess = .TOS
            case .ttl:
                guard section == .network else {
                    tokenEnd = line.valueEnd(from: valueStart, to: end)
                    break
                }
                let (ttl, ttlEnd) = line.decimalToken(from: valueStart, to: end, limit: 255)
                record.ttl = UInt8(clamping: ttl ?? 0)
                tokenEnd = ttlEnd
                guess = .ID
            case .id:
                guard section == .network else {
                    tokenEnd = line.valueEnd(from: valueStart, to: end)
                    guess = .SEQ
                    break
                }
                let (id, idEnd) = line.decimalToken(from: valueStart, to: end, limit: 65535)
                record.ipID = id.map { UInt16(truncatingIfNeeded: $0) }
                tokenEnd = idEnd
                guess = .PROTO
            case .proto:
                tokenEnd = line.valueEnd(from: valueStart, to: end)
                if section == .network {
                    section = .transport
                    sawProtocol = true
                    // TCP and UDP straight from their bytes.
                    let name = tokenEnd &- valueStart == 3 ? line.wordNearEnd(at: valueStart, end: end) & 0xFF_FFFF : 0
                    let known: IPProtocol? = name == Word.TCP ? .tcp : name == Word.UDP ? .udp : nil
                    guard let proto = known ?? protocolNumber(line, valueStart..<tokenEnd) else { return .unparsed(.badNumber) }
                    record.proto = proto
                    guess = proto == .icmp || proto == .icmpv6 ? .TYPE : .SPT
                } else if section == .quoted {
                    if let proto = protocolNumber(line, valueStart..<tokenEnd) { quoted.proto = proto }
                }
            case .sourcePort:
                let (port, portEnd) = line.decimalToken(from: valueStart, to: end, limit: 65535)
                tokenEnd = portEnd
                if section == .transport {
                    guard let port else { return .unparsed(.badNumber) }
                    record.sourcePort = UInt16(truncatingIfNeeded: port)
                } else if section == .quoted {
                    quoted.sourcePort = UInt16(clamping: port ?? 0)
                }
                guess = .DPT
            case .destinationPort:
                let (port, portEnd) = line.decimalToken(from: valueStart, to: end, limit: 65535)
                tokenEnd = portEnd
                if section == .transport {
                    if record.hasPorts { return .unparsed(.damaged) }
                    guard let port else { return .unparsed(.badNumber) }
                    record.destinationPort = UInt16(truncatingIfNeeded: port)
                    record.hasPorts = true
                } else if section == .quoted {
                    quoted.destinationPort = UInt16(clamping: port ?? 0)
                }
                guess = record.proto == .tcp ? .WINDOW : .LEN
            case .sequence:
                let (sequence, sequenceEnd) = line.decimalToken(from: valueStart, to: end)
                tokenEnd = sequenceEnd
                if section == .transport && record.proto == .tcp { record.sequence = sequence.map { UInt32(truncatingIfNeeded: $0) } }
            case .window:
                let (window, windowEnd) = line.decimalToken(from: valueStart, to: end, limit: 65535)
                tokenEnd = windowEnd
                if section == .transport { record.window = window.map { UInt16(truncatingIfNeeded: $0) } }
                guess = .RES
            case .type:
                let (type, typeEnd) = line.decimalToken(from: valueStart, to: end, limit: 255)
                tokenEnd = typeEnd
                if section == .transport {
                    guard let type else { return .unparsed(.badNumber) }
                    record.icmpType = UInt8(truncatingIfNeeded: type)
                    record.hasICMPType = true
                }
                guess = .CODE
            case .code:
                let (code, codeEnd) = line.decimalToken(from: valueStart, to: end, limit: 255)
                tokenEnd = codeEnd
                if section == .transport { record.icmpCode = UInt8(clamping: code ?? 0) }
                guess = .ID
            case .mac:
                // An Ethernet header (14 bytes, 41 characters) is checked at once, and then the byte after it.
                let stop = valueStart &+ 41 < end ? UInt8(truncatingIfNeeded: line.wordNearEnd(at: valueStart &+ 41, end: end)) : 0
                if (stop == ASCII.space || stop == ASCII.tab) && line.hasNoBlanks(from: valueStart, count: 41) {
                    tokenEnd = valueStart &+ 41
                } else {
                    tokenEnd = line.valueEnd(from: valueStart, to: end)
                }
                guess = .SRC
            case .tos:
                // The usual `TOS=0x00 PREC=0x00` at once: nobody reads either.
                // The third word: `00`, then the byte that ends the token (zero at `end`).
                let third = position &+ 18 <= end ? line.wordNearEnd(at: position &+ 16, end: end) : 0
                let stop = UInt8(truncatingIfNeeded: third &>> 16)
                if third & 0xFFFF == Word.zeros && head == Word.TOS00 && line.wordNearEnd(at: position &+ 8, end: end) == Word.PREC0x
                    && (position &+ 18 == end || stop == ASCII.space || stop == ASCII.tab)
                {
                    tokenEnd = position &+ 18
                    guess = .TTL
                } else {
                    tokenEnd = line.valueEnd(from: valueStart, to: end)
                    guess = .PREC
                }
            case .prec:
                tokenEnd = line.valueEnd(from: valueStart, to: end)
                guess = .TTL
            case .res:
                tokenEnd = line.valueEnd(from: valueStart, to: end)
                guess = .SYN
            case .urgp, .skipped:
                tokenEnd = line.valueEnd(from: valueStart, to: end)
            case .dontFragment:
                tokenEnd = position &+ 2
                guard section == .network else {
                    var next = tokenEnd &+ 1
                    if let outcome = bareWord(line, position, tokenEnd, end, &section, &next, &record, &quoted, &hasQuote) {
                        return outcome
                    }
                    position = next
                    continue
                }
                record.dontFragment = true
            case .syn:
                tokenEnd = position &+ 3
                guess = .URGP
                guard section == .transport else {
                    var next = tokenEnd &+ 1
                    if let outcome = bareWord(line, position, tokenEnd, end, &section, &next, &record, &quoted, &hasQuote) {
                        return outcome
                    }
                    position = next
                    continue
                }
                record.tcpFlags = TCPFlags(rawValue: record.tcpFlags.rawValue | TCPFlags.syn.rawValue)
            case .other:
                // A bare word, a key of eight bytes or more, an unknown key: as the tokenizer reads them.
                guard let token = line.token(from: position, to: end) else {
                    tokenEnd = end
                    break
                }
                tokenEnd = token.end
                if token.equals < 0 {
                    var next = tokenEnd &+ 1
                    if let outcome = bareWord(line, token.start, token.end, end, &section, &next, &record, &quoted, &hasQuote) {
                        return outcome
                    }
                    position = next
                    continue
                }
                // A key of eight bytes or more that is not `HOPLIMIT=` (caught before), or an unknown key: not read.
            }
            // Past the space or tab that ends the token: the next token starts after it.
            position = tokenEnd &+ 1
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
    static func bareWord(
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
            } else if length >= 5 && line.matches("FRAG:", at: position) {
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
