// Shared helpers for the libFuzzer harnesses in Scripts/fuzz/. Compiled into the same module as the
// ScanlogCore sources (see Scripts/fuzz.sh), so internal API is reachable without @testable.
#if canImport(Glibc)
import Glibc
#endif

/// Stops the fuzzer with a message: libFuzzer records the input as a crash.
func fuzzFail(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    let text = "FUZZ INVARIANT FAILED (\(file):\(line)): \(message())\n"
    _ = text.withCString { fputs($0, stderr) }
    abort()
}

func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fuzzFail(message(), file: file, line: line) }
}

/// A parser made like TestSupport's `makeParser()`: year-less times resolve against 2026-11-22, UTC.
func fuzzMakeParser() -> LineParser {
    LineParser(envelopes: EnvelopeParser(
        years: YearInference(explicitYear: nil, reference: CivilDate(year: 2026, month: 11, day: 22)),
        localTime: LocalTimeConverter(fixedOffset: 0)))
}

/// Parses framed lines into an aggregator the way `LogReader` does, checking the parser's invariants.
struct FuzzPipeline {
    var parser = fuzzMakeParser()
    var aggregator = Aggregator()
    var record = FirewallRecord()

    mutating func handle(_ line: LineFramer.Line, maxLineLength: Int) {
        fuzzCheck(line.bytes.count <= maxLineLength, "LineFramer returned \(line.bytes.count) bytes, limit \(maxLineLength)")
        let outcome: LineOutcome = line.wasCut ? .unparsed(.tooLong) : parser.parse(line.bytes, into: &record)
        handle(outcome)
    }

    mutating func handle(_ outcome: LineOutcome) {
        if outcome == .record {
            fuzzCheck(Int(record.hostID) < parser.hosts.count, "hostID \(record.hostID) >= \(parser.hosts.count)")
            fuzzCheck(Int(record.prefixID) < parser.prefixes.count, "prefixID \(record.prefixID) >= \(parser.prefixes.count)")
            fuzzCheck(record.repeatCount >= 1, "repeatCount \(record.repeatCount)")
        }
        let linesBefore = aggregator.accounting.lines
        aggregator.count(outcome, record: record, where: "fuzz")
        fuzzCheck(aggregator.accounting.lines == linesBefore + 1, "lines not counted once")
        fuzzCheck(aggregator.accounting.isBalanced, "accounting unbalanced after \(outcome): \(aggregator.accounting)")
        // Reporting formats every record time: it must not trap.
        if outcome == .record, let time = record.time { _ = time.rfc3339(fractional: true) }
    }
}

/// The lines a correct framer delivers for `bytes` fed in one piece: (bytes, wasCut).
func referenceLines(_ bytes: [UInt8], maxLineLength: Int) -> [([UInt8], Bool)] {
    var lines: [([UInt8], Bool)] = []
    var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    if pieces.last?.isEmpty == true { pieces.removeLast() }  // the final newline ends the last line
    for var piece in pieces {
        if piece.last == 0x0D, piece.count <= maxLineLength + 1 { piece.removeLast() }
        if piece.count > maxLineLength {
            lines.append((Array(piece.prefix(maxLineLength)), true))
        } else {
            lines.append((piece, false))
        }
    }
    return lines
}

/// Bytes from memory in pieces of a fixed size (a pipe that returns short reads).
struct MemorySource: ByteSource {
    let bytes: [UInt8]
    let piece: Int
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let count = min(buffer.count, piece, bytes.count - offset)
        if count <= 0 { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// Inputs that hit bugs already reported (see FuzzRegressionTests.swift), skipped when
/// SCANLOG_FUZZ_SKIP_KNOWN=1 so that a run can go on to find others. Remove an entry once its bug is fixed.
let skipKnownBugs = getenv("SCANLOG_FUZZ_SKIP_KNOWN").map { String(cString: $0) == "1" } ?? false

func hitsKnownBug(_ bytes: [UInt8]) -> Bool {
    guard skipKnownBugs else { return false }
    // None open. Fixed, no longer skipped: JSONLineReader.byteArray overflow on a 19+ digit byte value and
    // ulogd `oob.time.sec` overflowing Timestamp(seconds:) (b97ebab); SourceBucket.record's `time - Int64.min`
    // after an untimed probe (a3c30f9).
    _ = bytes
    return false
}
func fuzzContains(_ bytes: [UInt8], _ literal: String) -> Bool {
    let needle = Array(literal.utf8)
    guard bytes.count >= needle.count else { return false }
    for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
        if Array(bytes[start..<start + needle.count]) == needle { return true }
    }
    return false
}
