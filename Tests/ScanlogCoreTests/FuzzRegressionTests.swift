import Foundation
import Testing
@testable import ScanlogCore

/// Inputs found by the libFuzzer harnesses in Scripts/fuzz/ (run with `Scripts/fuzz.sh`) and by the sanitizer runs.
///
/// The traps run in exit tests (a child process), so a crash fails the test instead of killing the test run.
/// All four findings are fixed (b97ebab, a3c30f9); these tests keep them fixed. A new finding that is not fixed
/// yet goes in wrapped in `withKnownIssue` (and its input in `hitsKnownBug` in Scripts/fuzz/FuzzSupport.swift).
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// JSONLineReader.byteArray (Parsing/JSONLineReader.swift:128) computed `value * 10 + digit` in `Int`
    /// without a bound: a `journalctl -o json` MESSAGE byte array with a value of 20 digits trapped with an
    /// arithmetic overflow (fixed in b97ebab). Expected: `.unparsed(.badJSON)` (a byte value above 255).
    /// Input (35 bytes): 7b224d455353414745223a5b39393939393939393939393939393939393939395d7d
    @Test func journalByteArrayWithAHugeValueDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            let (outcome, _) = parse(#"{"MESSAGE":[99999999999999999999]}"#)
            precondition(outcome == .unparsed(.badJSON), "outcome \(outcome)")
        }
    }

    /// The same overflow inside a real-looking entry: the value only has to reach 19+ digits before a `,` or `]`.
    @Test func journalByteArrayOverflowInsideAnEntry() async {
        await #expect(processExitsWith: .success) {
            let (outcome, _) = parse(#"{"_HOSTNAME":"gw","MESSAGE":[73,78,61,32,68888888888888888888888,80]}"#)
            precondition(outcome == .unparsed(.badJSON), "outcome \(outcome)")
        }
    }

    /// LineParser.parseUlogdJSON (Parsing/LineParser.swift:190) accepted `oob.time.sec` up to Int64.max and
    /// passed it to Timestamp(seconds:microseconds:) (Parsing/Timestamp.swift:10), whose `seconds * 1_000_000`
    /// trapped for anything above 9_223_372_036_854 (fixed in b97ebab). Expected: the record without a time
    /// (or `.unparsed`), no trap.
    /// Input: {"src_ip":"1.2.3.4","dest_ip":"5.6.7.8","ip.protocol":6,"oob.time.sec":9223372036854775807}
    @Test func ulogdTimeBeyondTheRangeOfTimestampDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            let (outcome, record) = parse(#"{"src_ip":"1.2.3.4","dest_ip":"5.6.7.8","ip.protocol":6,"oob.time.sec":9223372036854775807}"#)
            precondition(outcome != .record || record.time == nil, "outcome \(outcome), time \(String(describing: record.time))")
        }
    }

    /// The smallest `oob.time.sec` that overflows: 9_223_372_036_855 seconds (13 digits, year ~294,000).
    @Test func ulogdTimeJustBeyondTheRangeDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            _ = parse(#"{"src_ip":"1.2.3.4","dest_ip":"5.6.7.8","ip.protocol":6,"oob.time.sec":9223372036855}"#)
        }
    }

    /// SourceBucket.record (Aggregation/Aggregator.swift:142) tested `time - lastTime <= retransmissionWindow`
    /// while `lastTime` was still its initial `Int64.min` (Aggregation/Buckets.swift:106) when the previous probe
    /// from the same source to the same target, port and source port had no time (an unparseable or missing
    /// timestamp): `time - Int64.min` trapped for any time >= 0 (fixed in a3c30f9). Found by the gzip target (a capture whose
    /// timestamp got mangled: `Nov 22 04:3808041 web01 kernel: ...`). Expected: both lines counted, no trap.
    /// Input, two lines (hex):
    /// 494e3d65746830204f55543d205352433d3139382e35312e3130302e3230204453543d3139322e302e322e32372050524f544f3d54
    /// 4350205350543d31373031204450543d393230302053594e0a  (IN=eth0 OUT= SRC=198.51.100.20 DST=192.0.2.27 PROTO=TCP SPT=1701 DPT=9200 SYN)
    /// then the same text after `Nov 22 04:39:40 web01 kernel: `.
    @Test func timedProbeAfterAnUntimedRepeatDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            var parser = makeParser()
            var aggregator = Aggregator()
            let body = "IN=eth0 OUT= SRC=198.51.100.20 DST=192.0.2.27 PROTO=TCP SPT=1701 DPT=9200 SYN"
            for line in [body, "Nov 22 04:39:40 web01 kernel: " + body] {
                let (outcome, record) = parse(line, with: &parser)
                precondition(outcome == .record && record.isProbe)
                aggregator.count(outcome, record: record, where: "test")
            }
            precondition(aggregator.accounting.probes == 2 && aggregator.accounting.isBalanced)
        }
    }

    /// ThreadSanitizer (`swift test --sanitize=thread`) reported a Swift access race in ReadAhead: the reader
    /// thread wrote `counts[index]` (Input/ReadAhead.swift:69, under the mutex) while `next` read
    /// `counts[index]` after unlocking (Input/ReadAhead.swift:94). Fixed in b97ebab (the count is read under
    /// the lock). In a normal build this test passes either way; under TSan it hands over ~3,000 chunks and
    /// would reproduce the report in well under a second.
    @Test func readAheadHandsOverManySmallChunks() throws {
        var bytes: [UInt8] = []
        for index in 0..<20_000 { bytes.append(UInt8(truncatingIfNeeded: index &* 31 &+ 7)) }
        struct Source: ByteSource {
            let bytes: [UInt8]
            var offset = 0
            mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
                let count = min(buffer.count, bytes.count - offset)
                guard count > 0 else { return 0 }
                bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
                offset += count
                return count
            }
        }
        let reader = ReadAhead(Source(bytes: bytes), chunkSize: 7)
        defer { reader.close() }
        var received: [UInt8] = []
        while try reader.next({ received.append(contentsOf: $0) }) {}
        #expect(received == bytes)
    }
}
