import Testing
@testable import ScanlogCore

/// One envelope form: the line, and the time (UTC), host and prefix scanlog must read from it.
struct EnvelopeCase: CustomTestStringConvertible, Sendable {
    let name: String
    let line: String
    let time: String?
    let host: String
    let prefix: String
    var repeats: UInt32 = 1
    var testDescription: String { name }
}

private let body = "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.7 DST=192.0.2.20 LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=40000 DPT=23 WINDOW=65535 RES=0x00 SYN URGP=0 "

@Suite struct EnvelopeTests {
    static let cases: [EnvelopeCase] = [
        EnvelopeCase(name: "traditional with uptime", line: "Nov 22 02:11:03 web1 kernel: [  286.654321] [UFW BLOCK] " + body, time: "2026-11-22T02:11:03Z", host: "web1", prefix: "[UFW BLOCK]"),
        EnvelopeCase(name: "space-padded day", line: "Jan  8 03:37:09 gw kernel: DROP " + body, time: "2026-01-08T03:37:09Z", host: "gw", prefix: "DROP"),
        EnvelopeCase(name: "single-space day", line: "Mar 8 22:35:42 fw kernel: Shorewall:net2fw:DROP:" + body, time: "2026-03-08T22:35:42Z", host: "fw", prefix: "Shorewall:net2fw:DROP:"),
        EnvelopeCase(name: "traditional without uptime", line: "Jun  7 23:29:25 localhost kernel: FINAL_REJECT: " + body, time: "2026-06-07T23:29:25Z", host: "localhost", prefix: "FINAL_REJECT:"),
        EnvelopeCase(name: "rfc3339 micro offset", line: "2025-01-23T12:22:21.537693-05:00 ubuntu2204 kernel: [UFW BLOCK] " + body, time: "2025-01-23T17:22:21Z", host: "ubuntu2204", prefix: "[UFW BLOCK]"),
        EnvelopeCase(name: "rfc3339 with uptime", line: "2025-11-30T00:00:20.570472-07:00 m1 kernel: [4290995.710144] [UFW AUDIT] " + body, time: "2025-11-30T07:00:20Z", host: "m1", prefix: "[UFW AUDIT]"),
        EnvelopeCase(name: "rfc3339 Z", line: "2021-03-12T14:10:18Z Hostname kernel: " + body, time: "2021-03-12T14:10:18Z", host: "Hostname", prefix: ""),
        EnvelopeCase(name: "short-iso old offset", line: "2024-03-04T14:22:11+0100 host kernel: FINAL_REJECT: " + body, time: "2024-03-04T13:22:11Z", host: "host", prefix: "FINAL_REJECT:"),
        EnvelopeCase(name: "PRI traditional", line: "<161>Oct 10 07:25:12 Hostname kernel: " + body, time: "2026-10-10T07:25:12Z", host: "Hostname", prefix: ""),
        EnvelopeCase(name: "PRI rfc3339", line: "<6>2021-03-12T14:10:18Z Hostname kernel: [UFW BLOCK] " + body, time: "2021-03-12T14:10:18Z", host: "Hostname", prefix: "[UFW BLOCK]"),
        EnvelopeCase(name: "RFC 5424", line: "<4>1 2026-11-20T10:00:00+00:00 host kernel - - - [UFW BLOCK] " + body, time: "2026-11-20T10:00:00Z", host: "host", prefix: "[UFW BLOCK]"),
        EnvelopeCase(name: "busybox facility.level", line: "May  5 20:46:45 My-Office-Gateway user.info kernel: [WAN_LOCAL-default-D]" + body, time: "2026-05-05T20:46:45Z", host: "My-Office-Gateway", prefix: "[WAN_LOCAL-default-D]"),
        EnvelopeCase(name: "OpenWrt logread ctime", line: "Mon Mar 23 13:16:49 2026 kern.warn kernel: [311423.870453] drop wan in: " + body, time: "2026-03-23T13:16:49Z", host: "", prefix: "drop wan in:"),
        EnvelopeCase(name: "dmesg", line: "[  168.281559] Inbound " + body, time: nil, host: "", prefix: "Inbound"),
        EnvelopeCase(name: "dmesg -T", line: "[Sat Apr  2 10:31:53 2022] DROP " + body, time: "2022-04-02T10:31:53Z", host: "", prefix: "DROP"),
        EnvelopeCase(name: "journalctl short", line: "Mar 04 14:22:11 host kernel: FINAL_REJECT: " + body, time: "2026-03-04T14:22:11Z", host: "host", prefix: "FINAL_REJECT:"),
        EnvelopeCase(name: "journalctl short-precise", line: "Mar 04 14:22:11.123456 host kernel: FINAL_REJECT: " + body, time: "2026-03-04T14:22:11Z", host: "host", prefix: "FINAL_REJECT:"),
        EnvelopeCase(name: "journalctl short-full", line: "Thu 2024-11-21 06:25:13 UTC host kernel: [UFW BLOCK] " + body, time: "2024-11-21T06:25:13Z", host: "host", prefix: "[UFW BLOCK]"),
        EnvelopeCase(name: "journalctl short-unix", line: "1700000000.123456 host kernel: [UFW BLOCK] " + body, time: "2023-11-14T22:13:20Z", host: "host", prefix: "[UFW BLOCK]"),
        EnvelopeCase(name: "no host, no tag", line: "Jan  8 03:37:09 DENY: " + body, time: "2026-01-08T03:37:09Z", host: "", prefix: "DENY:"),
        EnvelopeCase(name: "ulogd LOGEMU", line: "Jun 28 04:35:30 Abc-A1 [SOMETHING-1234-A] " + body, time: "2026-06-28T04:35:30Z", host: "Abc-A1", prefix: "[SOMETHING-1234-A]"),
        EnvelopeCase(name: "pvefw-logger", line: "0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: " + body, time: "2022-06-20T11:09:14Z", host: "", prefix: "policy DROP:"),
        EnvelopeCase(name: "leaked grep file name", line: "ipv6_tcp_connect_nmap_default_scan:Mar 17 21:33:30 bobo kernel: DROP " + body, time: "2026-03-17T21:33:30Z", host: "bobo", prefix: "DROP"),
        EnvelopeCase(name: "message repeated", line: "2025-01-23T12:33:23.218999-05:00 ubuntu2204 kernel: message repeated 28 times: [ [UFW BLOCK] " + body + "]", time: "2025-01-23T17:33:23Z", host: "ubuntu2204", prefix: "[UFW BLOCK]", repeats: 28),
        EnvelopeCase(name: "kernel tag with pid", line: "Nov 22 02:11:03 web1 kernel[0]: [UFW BLOCK] " + body, time: "2026-11-22T02:11:03Z", host: "web1", prefix: "[UFW BLOCK]"),
    ]

    @Test(arguments: cases)
    func readsEnvelope(_ example: EnvelopeCase) throws {
        var parser = makeParser()
        let (outcome, record) = parse(example.line, with: &parser)
        #expect(outcome == .record)
        #expect(record.time.map { $0.rfc3339() } == example.time.map { $0 })
        #expect(parser.hosts[record.hostID] == example.host)
        #expect(parser.prefixes[record.prefixID] == example.prefix)
        #expect(record.repeatCount == example.repeats)
        #expect(record.source.description == "198.51.100.7")
        #expect(record.destinationPort == 23)
    }

    @Test func localTimeUsesZoneOffset() {
        var parser = LineParser(envelopes: EnvelopeParser(
            years: YearInference(explicitYear: nil, reference: CivilDate(year: 2026, month: 11, day: 22)),
            localTime: LocalTimeConverter(fixedOffset: 3600)))
        let (_, record) = parse("Nov 22 02:11:03 web1 kernel: DROP " + body, with: &parser)
        #expect(record.time?.rfc3339() == "2026-11-22T01:11:03Z")
    }

    @Test func yearComesFromReferenceAcrossNewYear() {
        var parser = makeParser(reference: CivilDate(year: 2027, month: 1, day: 1))
        let december = parse("Dec 31 23:59:58 web1 kernel: DROP " + body, with: &parser).1
        let january = parse("Jan  1 00:00:02 web1 kernel: DROP " + body, with: &parser).1
        #expect(december.time?.rfc3339() == "2026-12-31T23:59:58Z")
        #expect(january.time?.rfc3339() == "2027-01-01T00:00:02Z")
        #expect(january.time! > december.time!)
    }

    @Test func journalJSON() throws {
        let line = #"{"_TRANSPORT":"kernel","PRIORITY":"4","_HOSTNAME":"umetarou","__REALTIME_TIMESTAMP":"1563672172766635","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"[UFW BLOCK] IN=wlp2s0 OUT= MAC=01:00:5e:00:00:01 SRC=192.168.0.1 DST=224.0.0.1 LEN=36 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2 "}"#
        var parser = makeParser()
        let (outcome, record) = parse(line, with: &parser)
        #expect(outcome == .record)
        #expect(record.time?.rfc3339(fractional: true) == "2019-07-21T01:22:52.766635Z")
        #expect(parser.hosts[record.hostID] == "umetarou")
        #expect(record.proto == .igmp)
        #expect(record.action == .blocked)
    }

    @Test func journalJSONByteArrayMessage() {
        let text = "[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.9 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=3089 "
        let bytes = Array(text.utf8).map(String.init).joined(separator: ",")
        let line = #"{"__REALTIME_TIMESTAMP":"1700000000000000","MESSAGE":["# + bytes + "]}"
        let (outcome, record) = parse(line)
        #expect(outcome == .record)
        #expect(record.destinationPort == 3089)
    }

    @Test func journalExportEntries() {
        var parser = makeParser()
        let lines = [
            "__CURSOR=s=1;i=2", "__REALTIME_TIMESTAMP=1642033008518660", "_HOSTNAME=compute04", "PRIORITY=7",
            "MESSAGE=iptables DROP_INPUT: " + body, "", "MESSAGE=hello",
        ]
        let outcomes = lines.map { parse($0, with: &parser) }
        #expect(outcomes.map(\.0) == [
            .ignored(.journalField), .ignored(.journalField), .ignored(.journalField), .ignored(.journalField), .record,
            .ignored(.blank), .ignored(.journalField),
        ])
        let record = outcomes[4].1
        #expect(record.time?.rfc3339() == "2022-01-13T00:16:48Z")
        #expect(parser.hosts[record.hostID] == "compute04")
        #expect(parser.prefixes[record.prefixID] == "iptables DROP_INPUT:")
    }
}
