import Foundation
@testable import ScanlogCore

/// A parser whose year-less timestamps resolve against 2026-11-22 and whose local zone is UTC.
func makeParser(year: Int? = nil, reference: CivilDate = CivilDate(year: 2026, month: 11, day: 22)) -> LineParser {
    LineParser(envelopes: EnvelopeParser(years: YearInference(explicitYear: year, reference: reference), localTime: LocalTimeConverter(fixedOffset: 0)))
}

/// Parses one line and returns where it went and the record.
func parse(_ line: String, with parser: inout LineParser) -> (LineOutcome, FirewallRecord) {
    var record = FirewallRecord()
    var bytes = Array(line.utf8)
    let outcome = bytes.withUnsafeMutableBytes { parser.parse(UnsafeRawBufferPointer($0), into: &record) }
    return (outcome, record)
}

func parse(_ line: String) -> (LineOutcome, FirewallRecord) {
    var parser = makeParser()
    return parse(line, with: &parser)
}

/// Seconds since the epoch of a UTC RFC 3339 time, for expectations.
func utc(_ text: String) -> Int64 {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return Int64(formatter.date(from: text)!.timeIntervalSince1970)
}

/// The package root (for Fixtures/) and the shared folder beside the checkout, when present.
enum TestPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Fixtures")
    static var shared: URL? {
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("corpus").path) ? candidate : nil
    }
}

/// gzip-compresses with the system's gzip (the real tool that logrotate runs).
func gzipData(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c", "-n"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let writer = Thread { input.fileHandleForWriting.write(data); try? input.fileHandleForWriting.close() }
    writer.start()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return compressed
}

/// A ufw BLOCK line as the kernel writes it (traditional envelope, trailing space).
func ufwLine(time: String = "Nov 22 02:11:03", host: String = "web1", src: String = "198.51.100.7", dst: String = "192.0.2.20", dpt: Int = 23, spt: Int = 40000, prefix: String = "[UFW BLOCK] ") -> String {
    "\(time) \(host) kernel: [  286.654321] \(prefix)IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=\(src) DST=\(dst) LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=\(spt) DPT=\(dpt) WINDOW=65535 RES=0x00 SYN URGP=0 "
}
