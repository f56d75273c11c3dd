/// Turns one line of any supported log into a firewall record, or says why it is not one.
///
/// Plain kernel text in any envelope, `journalctl -o json` and `-o export` entries, and ulogd's JSON output.
/// Keeps the little state some formats need (the journal export's entry time) and the tables that give host
/// names and prefixes small numbers.
public struct LineParser {
    public var envelopes: EnvelopeParser
    public var hosts = InternTable()
    public var prefixes = InternTable()
    /// The verdict of each interned prefix, by prefix number.
    private var prefixActions: [FirewallAction] = [.logged]
    /// `journalctl -o export`: the time and host of the entry being read.
    private var exportTime: Timestamp?
    private var exportHost: UInt32 = 0
    private var scratch: [UInt8] = []

    public init(envelopes: EnvelopeParser) {
        self.envelopes = envelopes
        scratch.reserveCapacity(4096)
    }

    /// Reads `line` (no line terminator) into `record` and says where the line belongs.
    public mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout FirewallRecord) -> LineOutcome {
        // Leading NULs (a file pre-allocated before a crash) and trailing spaces carry nothing.
        var start = 0
        while start < line.count, line[start] == 0 || ASCII.isSpace(line[start]) { start += 1 }
        if start == line.count { return .ignored(.blank) }
        let text = UnsafeRawBufferPointer(rebasing: line[start...])
        record = FirewallRecord()

        switch text[0] {
        case UInt8(ascii: "{"):
            return parseJSON(text, into: &record)
        case UInt8(ascii: "_"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            if let outcome = parseExportField(text, into: &record) { return outcome }
        default:
            break
        }
        return parseText(text, envelopeLimit: nil, into: &record)
    }

    /// Kernel text with its envelope. `time`/`host` from an outer container (journal) win over the envelope's.
    private mutating func parseText(
        _ text: UnsafeRawBufferPointer, envelopeLimit: Int?, into record: inout FirewallRecord,
        time: Timestamp? = nil, host: UInt32 = 0
    ) -> LineOutcome {
        guard let anchor = NetfilterParser.findAnchor(text) else {
            return looksLikeSplitFirewallLine(text) ? .unparsed(.splitLine) : .ignored(.notFirewall)
        }
        var end = text.count
        while end > anchor, ASCII.isSpace(text[end - 1]) || text[end - 1] == 0x0D { end -= 1 }
        var envelope = Envelope(time: nil, host: nil, bodyStart: 0)
        if envelopeLimit != 0 {
            envelope = envelopes.parse(text, limit: anchor)
        }
        if envelope.repeatCount > 1, end > anchor, text[end - 1] == ASCII.closeBracket { end -= 1 }
        if let outcome = NetfilterParser.parse(text, anchor: anchor, end: end, into: &record) { return outcome }
        record.time = time ?? envelope.time
        record.hostID = host != 0 ? host : envelope.host.map { hosts.intern(text, $0) } ?? 0
        record.repeatCount = envelope.repeatCount
        var prefixEnd = anchor
        while prefixEnd > envelope.bodyStart, ASCII.isSpace(text[prefixEnd - 1]) { prefixEnd -= 1 }
        let bodyStart = min(envelope.bodyStart, prefixEnd)
        record.prefixID = prefixes.intern(text, bodyStart..<prefixEnd)
        record.action = action(of: record.prefixID)
        return .record
    }

    private mutating func action(of prefixID: UInt32) -> FirewallAction {
        while prefixActions.count < prefixes.count {
            prefixActions.append(PrefixAction.action(forPrefix: prefixes[UInt32(prefixActions.count)]))
        }
        return prefixActions[Int(prefixID)]
    }

    /// A piece of a firewall line that a logger split (`kernel: TTL=126 ID=... PROTO=TCP SPT=...`).
    private func looksLikeSplitFirewallLine(_ text: UnsafeRawBufferPointer) -> Bool {
        var hits = 0
        for key in ["SRC=", "DST=", "PROTO=", "SPT=", "DPT=", "TTL=", "MAC="] as [StaticString] {
            if let index = text.firstIndex(of: key, from: 0), index == 0 || ASCII.isSpace(text[index - 1]) { hits += 1 }
        }
        return hits >= 2
    }

    // MARK: journalctl -o export

    /// One `KEY=value` line of a journal export entry; nil if the line is not one.
    private mutating func parseExportField(_ text: UnsafeRawBufferPointer, into record: inout FirewallRecord) -> LineOutcome? {
        if text.matches("MESSAGE=", at: 0) {
            let body = UnsafeRawBufferPointer(rebasing: text[8...])
            let outcome = parseText(body, envelopeLimit: 0, into: &record, time: exportTime, host: exportHost)
            return outcome == .ignored(.notFirewall) ? .ignored(.journalField) : outcome
        }
        // Journal field names are upper case, digits and underscores; kernel text starts with `IN=` instead,
        // and the second half of a wrapped firewall line (` PREC=0x00 TTL=64 ... PROTO=UDP`) is no field either.
        var index = 0
        while index < text.count, text[index] == UInt8(ascii: "_") || ASCII.isDigit(text[index])
            || (text[index] >= UInt8(ascii: "A") && text[index] <= UInt8(ascii: "Z"))
        {
            index += 1
        }
        guard index >= 4, index < text.count, text[index] == ASCII.equals, !looksLikeSplitFirewallLine(text) else { return nil }
        if text.matches("__REALTIME_TIMESTAMP=", at: 0) {
            exportTime = text.decimal(21..<text.count, limit: UInt64(Int64.max)).map { Timestamp(microseconds: Int64($0)) }
        } else if text.matches("__CURSOR=", at: 0) {
            exportTime = nil
            exportHost = 0
        } else if text.matches("_HOSTNAME=", at: 0) {
            var end = text.count
            while end > 10, ASCII.isSpace(text[end - 1]) || text[end - 1] == 0x0D { end -= 1 }
            exportHost = hosts.intern(text, 10..<end)
        }
        return .ignored(.journalField)
    }

    // MARK: JSON lines

    private mutating func parseJSON(_ text: UnsafeRawBufferPointer, into record: inout FirewallRecord) -> LineOutcome {
        guard let members = JSONLineReader.members(text) else {
            return NetfilterParser.findAnchor(text) != nil ? .unparsed(.badJSON) : .ignored(.notFirewall)
        }
        func member(_ name: StaticString) -> JSONLineReader.Member? {
            members.first { $0.key.count == name.utf8CodeUnitCount && text.matches(name, at: $0.key.lowerBound) }
        }
        if let message = member("MESSAGE") {
            // journalctl -o json: every value is a string; MESSAGE may be a byte array when not UTF-8.
            var time: Timestamp?
            if let realtime = member("__REALTIME_TIMESTAMP") {
                time = text.decimal(realtime.value, limit: UInt64(Int64.max)).map { Timestamp(microseconds: Int64($0)) }
            }
            var host: UInt32 = 0
            if let hostname = member("_HOSTNAME"), hostname.isString, !hostname.hasEscapes {
                host = hosts.intern(text, hostname.value)
            }
            scratch.removeAll(keepingCapacity: true)
            if message.isString {
                JSONLineReader.unescape(text, message.value, into: &scratch)
            } else if !JSONLineReader.byteArray(text, message.value, into: &scratch) {
                return .unparsed(.badJSON)
            }
            let body = scratch
            return body.withUnsafeBytes { bytes in
                parseText(bytes, envelopeLimit: 0, into: &record, time: time, host: host)
            }
        }
        if member("src_ip") != nil || member("oob.prefix") != nil {
            return parseUlogdJSON(text, members: members, into: &record)
        }
        return .ignored(.notFirewall)
    }

    /// ulogd2's JSON output plugin: one member per packet field (`src_ip`, `dest_port`, `oob.prefix`, ...).
    private mutating func parseUlogdJSON(
        _ text: UnsafeRawBufferPointer, members: [JSONLineReader.Member], into record: inout FirewallRecord
    ) -> LineOutcome {
        func member(_ name: String) -> JSONLineReader.Member? {
            members.first { text.string($0.key) == name }
        }
        func number(_ name: String, limit: UInt64 = UInt64(UInt32.max)) -> UInt64? {
            member(name).flatMap { text.decimal($0.value, limit: limit) }
        }
        guard let source = member("src_ip"), let destination = member("dest_ip") else { return .unparsed(.missingAddress) }
        guard let sourceAddress = IPAddress.parse(text, source.value),
            let destinationAddress = IPAddress.parse(text, destination.value)
        else { return .unparsed(.badAddress) }
        record.source = sourceAddress
        record.destination = destinationAddress
        guard let proto = number("ip.protocol", limit: 255) else { return .unparsed(.missingProtocol) }
        record.proto = IPProtocol(number: UInt8(proto))
        if let port = number("dest_port", limit: 65535) {
            record.destinationPort = UInt16(port)
            record.sourcePort = UInt16(number("src_port", limit: 65535) ?? 0)
            record.hasPorts = true
        }
        if let type = number("icmp.type", limit: 255) ?? number("icmpv6.type", limit: 255) {
            record.icmpType = UInt8(type)
            record.icmpCode = UInt8(number("icmp.code", limit: 255) ?? number("icmpv6.code", limit: 255) ?? 0)
            record.hasICMPType = true
        }
        record.ttl = UInt8(number("ip.ttl", limit: 255) ?? number("ip6.hoplimit", limit: 255) ?? 0)
        record.ipID = number("ip.id", limit: 65535).map { UInt16($0) }
        record.window = number("tcp.window", limit: 65535).map { UInt16($0) }
        record.sequence = number("tcp.seq").map { UInt32($0) }
        for (name, flag) in [("tcp.syn", TCPFlags.syn), ("tcp.ack", .ack), ("tcp.fin", .fin), ("tcp.rst", .rst), ("tcp.psh", .psh), ("tcp.urg", .urg)] {
            if let found = member(name), text.decimal(found.value) == 1 { record.tcpFlags.insert(flag) }
        }
        let inEmpty = member("oob.in").map { $0.value.isEmpty } ?? true
        let outEmpty = member("oob.out").map { $0.value.isEmpty } ?? true
        record.direction = inEmpty ? (outEmpty ? .unknown : .outbound) : (outEmpty ? .inbound : .forwarded)
        // Up to the year 9999: a larger value is no time, and would overflow the microsecond count.
        if let seconds = number("oob.time.sec", limit: 253_402_300_799) {
            record.time = Timestamp(seconds: Int64(seconds), microseconds: Int64(number("oob.time.usec", limit: 999_999) ?? 0))
        }
        if let prefix = member("oob.prefix") {
            record.prefixID = prefixes.intern(text, prefix.value)
            record.action = action(of: record.prefixID)
        }
        if let label = member("action"), text.matches("blocked", at: label.value.lowerBound) { record.action = .blocked }
        return .record
    }
}
