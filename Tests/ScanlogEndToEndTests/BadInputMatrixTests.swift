import Foundation
import Testing
import ScanlogTestSupport
#if canImport(Glibc)
import Glibc
#endif

private func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }
private func sum(_ value: Any?) -> Int? {
    guard let object = value as? [String: Any] else { return nil }
    return object.values.reduce(0) { $0 + (int($1) ?? 0) }
}

/// The rest of issue 8's bad-input matrix, through the real binary: for each case the message, the exit status,
/// and that what was read is kept. (The first half is in CommandTests and NightlyTests; the list is in the README.)
@Suite struct BadInputMatrixTests {
    static let demo = Scanlog.packageRoot.appendingPathComponent("Fixtures/captures/demo/ufw.log").path

    /// The summary of a JSON report, checked to add up (`lines = record_lines + ignored + unparsed`).
    static func summary(_ result: CommandResult) throws -> [String: Any] {
        let summary = try #require(try result.json()["summary"] as? [String: Any])
        let lines = try #require(int(summary["lines"]))
        #expect(lines == (int(summary["record_lines"]) ?? -1) + (sum(summary["ignored"]) ?? -1) + (sum(summary["unparsed"]) ?? -1),
                "the accounting does not add up: \(summary)")
        return summary
    }

    static func inputs(_ result: CommandResult) throws -> [[String: Any]] {
        try #require(try result.json()["inputs"] as? [[String: Any]])
    }

    // MARK: empty and binary files

    @Test func emptyAndBinaryFilesAmongAGoodOne() throws {
        let scratch = TemporaryDirectory()
        let empty = scratch.write("empty.log", Data())
        // 64 KiB of noise: every byte value, ESC and NUL included, and 0x1f 0x8b inside (never at the start).
        var generator = SeededGenerator(seed: 42)
        var noise = [UInt8](repeating: 0, count: 64 * 1024)
        for index in noise.indices { noise[index] = UInt8.random(in: 0...255, using: &generator) }
        noise[0] = 0x7f
        noise[100] = 0x1f
        noise[101] = 0x8b
        let binary = scratch.write("binary.log", Data(noise))
        let newlines = noise.filter { $0 == 0x0A }.count
        let binaryLines = newlines + (noise.last == 0x0A ? 0 : 1)
        let good = scratch.write("good.log", SampleLog.mixed)

        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", empty, binary, good])
        #expect(result.status == 0, "\(result)")
        #expect(result.err.isEmpty, "\(result)")
        let summary = try Self.summary(result)
        #expect(int(summary["lines"]) == binaryLines + 8)
        #expect(int(summary["record_lines"]) == 4)
        let inputs = try Self.inputs(result)
        #expect(inputs.map { $0["path"] as? String } == [empty, binary, good])
        #expect(inputs.map { int($0["lines"]) } == [0, binaryLines, 8])
        #expect(inputs.map { $0["gzip"] as? Bool } == [false, false, false])
        #expect(inputs.allSatisfy { $0["error"] is NSNull })

        // The text report of the noise shows no control byte, and says where the first unparsed line is.
        let text = try Scanlog.run(["analyze", "--year", "2026", "--color", "never", binary])
        #expect(text.status == 0, "\(text)")
        #expect(text.out.replacingOccurrences(of: ",", with: "").contains("Lines: \(binaryLines) read = 0 firewall records"), "\(text)")
        let controls = text.stdout.filter { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7f }
        #expect(controls.isEmpty, "control bytes in the report: \(Set(controls).sorted())")
    }

    // MARK: FIFO and standard input

    @Test(arguments: [false, true])
    func fifoAmongFiles(gzip: Bool) throws {
        let scratch = TemporaryDirectory()
        let fifo = scratch.path("pipe.log")
        try #require(mkfifo(fifo, 0o600) == 0)
        let text = SampleLog.manySources(300)
        let payload = gzip ? try SampleLog.gzip(Data(text.utf8)) : Data(text.utf8)
        let writer = Thread {
            let descriptor = open(fifo, O_WRONLY)
            guard descriptor >= 0 else { return }
            payload.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    // Small writes: the reader sees short reads, the gzip sniff a first read of 1 byte.
                    let size = min(offset == 0 ? 1 : 997, bytes.count - offset)
                    let written = write(descriptor, bytes.baseAddress! + offset, size)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(descriptor)
        }
        writer.start()
        let good = scratch.write("good.log", SampleLog.mixed)
        // The FIFO's name sorts like a live log, after nothing: the inputs are read in the order given.
        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", good, fifo])
        #expect(result.status == 0, "\(result)")
        #expect(result.err.isEmpty, "\(result)")
        let inputs = try Self.inputs(result)
        let fromFIFO = try #require(inputs.first { $0["path"] as? String == fifo })
        #expect(int(fromFIFO["lines"]) == 300)
        #expect(int(fromFIFO["records"]) == 300)
        #expect(fromFIFO["gzip"] as? Bool == gzip)
        #expect(int(fromFIFO["bytes"]) == text.utf8.count)
        #expect(int(try Self.summary(result)["lines"]) == 308)
    }

    /// A run killed while its report is being written (`--output`, standard input still open) leaves no
    /// temporary file behind and no half report, and ends with the signal.
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func killedWhileWritingLeavesNoTemporaryFile(_ signalNumber: Int32) throws {
        let scratch = TemporaryDirectory()
        let report = scratch.path("report.json")
        let process = Process()
        process.executableURL = try Scanlog.requireExecutable()
        process.arguments = ["analyze", "--format", "json", "--output", report, "-"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { try? input.fileHandleForWriting.close() }
        try input.fileHandleForWriting.write(contentsOf: Data(SampleLog.manySources(50).utf8))
        func leftovers() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: scratch.url.path)) ?? [] }
        // The temporary file exists once the output is opened, before standard input is read.
        var waited = 0
        while !leftovers().contains(where: { $0.hasSuffix(".tmp") }) && waited < 2000 {
            usleep(10_000)
            waited += 1
        }
        try #require(leftovers().contains { $0.hasSuffix(".tmp") }, "no temporary output file appeared")
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == signalNumber)
        #expect(leftovers().isEmpty, "left behind: \(leftovers())")
    }

    /// A gzip stream on standard input that breaks off: exit 2, the message names standard input, and every line
    /// before the break is counted.
    @Test func truncatedGzipOnStandardInput() throws {
        let text = SampleLog.manySources(400)
        let compressed = try SampleLog.gzip(Data(text.utf8))
        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026"], stdin: compressed.prefix(compressed.count * 3 / 4))
        #expect(result.status == 2, "\(result)")
        #expect(result.err.contains("<stdin>: gzip data ends early"), "\(result)")
        #expect(result.err.contains("lines before it were kept"), "\(result)")
        let summary = try Self.summary(result)
        let lines = try #require(int(summary["lines"]))
        #expect(lines > 100 && lines < 400, "\(lines) lines")
        let inputs = try Self.inputs(result)
        #expect(inputs.first?["path"] as? String == "-")
        #expect((inputs.first?["error"] as? String)?.contains("<stdin>") == true)
    }

    // MARK: gzip faults end to end

    enum GzipFault: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case crc, length, trailingGarbage, emptyMembers
        var testDescription: String { rawValue }
    }

    @Test(arguments: GzipFault.allCases)
    func gzipFaultAmongGoodFiles(_ fault: GzipFault) throws {
        let scratch = TemporaryDirectory()
        let text = SampleLog.manySources(500)
        var compressed = [UInt8](try SampleLog.gzip(Data(text.utf8)))
        switch fault {
        case .crc: compressed[compressed.count - 8] ^= 0xFF
        case .length: compressed[compressed.count - 2] ^= 0xFF
        case .trailingGarbage: compressed += Array("not gzip at all\n".utf8)
        case .emptyMembers:
            let empty = [UInt8](try SampleLog.gzip(Data()))
            compressed = empty + compressed + empty + [UInt8](try SampleLog.gzip(Data(SampleLog.mixed.utf8))) + empty
        }
        let damaged = scratch.write("ufw.log.2.gz", Data(compressed))
        let good = scratch.write("ufw.log", SampleLog.mixed)
        let result = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", good, damaged])
        let inputs = try Self.inputs(result)
        // Oldest first: the .2.gz before the live log.
        #expect(inputs.map { $0["path"] as? String } == [damaged, good])
        #expect(int(inputs.last?["lines"]) == 8)
        if fault == .emptyMembers {
            #expect(result.status == 0, "\(result)")
            #expect(result.err.isEmpty, "\(result)")
            #expect(int(inputs.first?["lines"]) == 508)
            #expect(inputs.first?["error"] is NSNull)
            #expect(int(try Self.summary(result)["lines"]) == 516)
            return
        }
        #expect(result.status == 2, "\(result)")
        #expect(result.err.contains("\(damaged): corrupt gzip data at compressed byte"), "\(result)")
        #expect(result.err.contains("lines before it were kept"), "\(result)")
        if fault == .trailingGarbage { #expect(result.err.contains("trailing data after the last gzip member"), "\(result)") }
        // The data itself was whole (only the check or what follows it is bad): every line is there.
        #expect(int(inputs.first?["lines"]) == 500)
        #expect(int(inputs.first?["records"]) == 500)
        #expect((inputs.first?["error"] as? String)?.contains(damaged) == true)
        #expect(int(try Self.summary(result)["lines"]) == 508)
    }

    // MARK: a single 100 MB line

    /// One line of 100 MiB between good lines, plain and gzip: it is cut, counted once as unparsed `too-long` with
    /// its file:line, the lines after it are read, and memory stays bounded (the line is never held whole).
    @Test(arguments: [false, true])
    func hundredMegabyteLine(gzip: Bool) throws {
        let scratch = TemporaryDirectory()
        let plain = scratch.path("huge.log")
        try #require(FileManager.default.createFile(atPath: plain, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: plain))
        try handle.write(contentsOf: Data((SampleLog.line(src: "198.51.100.1") + "\n").utf8))
        try handle.write(contentsOf: Data("Nov 22 02:11:04 web1 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=".utf8))
        try writeRepeated(UInt8(ascii: "A"), count: 100 << 20, to: handle)
        try handle.write(contentsOf: Data("\n".utf8))
        for index in 2...4 {
            try handle.write(contentsOf: Data((SampleLog.line(time: "Nov 22 02:11:0\(index + 3)", src: "198.51.100.\(index)") + "\n").utf8))
        }
        try handle.close()
        var path = plain
        if gzip {
            path = scratch.path("huge.log.gz")
            let packed = try shell("gzip -c -1 '\(plain)' > '\(path)' && rm '\(plain)'")
            try #require(packed.status == 0, "gzip: \(packed.err)")
        }
        let small = scratch.write("small.log", SampleLog.mixed)

        let baseline = try Scanlog.runMeasured(["analyze", "--format", "json", "--year", "2026", small], in: scratch)
        #expect(baseline.status == 0, "\(baseline)")
        let result = try Scanlog.runMeasured(["analyze", "--format", "json", "--year", "2026", path], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(result.result.err.isEmpty, "\(result)")
        let summary = try Self.summary(result.result)
        #expect(int(summary["lines"]) == 5)
        #expect(int(summary["record_lines"]) == 4)
        #expect(int(summary["records"]) == 4)
        #expect((summary["unparsed"] as? [String: Any]).map { $0.mapValues { int($0) ?? -1 } } == ["too-long": 1])
        #expect((summary["first_unparsed"] as? [String: String])?["too-long"] == "\(path):2")
        let inputs = try Self.inputs(result.result)
        #expect(int(inputs.first?["bytes"]).map { $0 > 100 << 20 } == true)
        #expect(inputs.first?["gzip"] as? Bool == gzip)
        let sources = Set(((try result.result.json()["sources"] as? [[String: Any]]) ?? []).compactMap { $0["ip"] as? String })
        #expect(sources == ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"])
        // Bounded memory: a 100 MiB line must not cost anything near 100 MiB over a run on a tiny file.
        guard let peak = result.maxRSSKiB, let base = baseline.maxRSSKiB, !Scanlog.underSanitizer else {
            print("note: BadInputMatrixTests.hundredMegabyteLine: memory not checked (\(Scanlog.underSanitizer ? "under a sanitizer" : "no /usr/bin/time, Debian package time"))")
            return
        }
        print("hundredMegabyteLine(gzip: \(gzip)): peak RSS \(peak) KiB, \(base) KiB on a small file")
        #expect(peak - base < 40 * 1024, "peak RSS \(peak) KiB vs \(base) KiB on a small file")
    }

    // MARK: lines out of time order

    enum Disorder: String, CaseIterable, CustomTestStringConvertible, Sendable {
        /// Neighbours swapped: a second out of order, as merged logs or a buffered logger give.
        case neighboursSwapped
        /// Every line anywhere (an hour of log).
        case shuffled
        var testDescription: String { rawValue }
    }

    /// A log whose lines are out of time order gives the same report as the same lines in order: first and last
    /// seen are the extremes, not the first and last lines, and a scan's visit is not split in two by a probe
    /// that arrives before the one that opened it (it was: `visits 2` and one port less in the evidence).
    @Test(arguments: Disorder.allCases)
    func linesOutOfTimeOrderGiveTheSameReport(_ disorder: Disorder) throws {
        let scratch = TemporaryDirectory()
        var lines: [String] = []
        // A vertical scan (40 ports in 40 s), some background, and a hammered service.
        for port in 1...40 {
            lines.append(SampleLog.line(time: "Nov 22 04:00:\(SampleLog.two(port))", src: "203.0.113.66", dpt: port, spt: 50000 + port))
        }
        lines += SampleLog.manySources(60, startSecond: 3 * 3600).split(separator: "\n").map(String.init)
        for index in 0..<40 {
            lines.append(SampleLog.line(time: "Nov 22 05:10:\(SampleLog.two(index))", src: "198.51.100.40", dpt: 22, spt: 30000 + index))
        }
        var disordered = lines
        switch disorder {
        case .neighboursSwapped:
            for index in stride(from: 0, to: disordered.count - 1, by: 2) { disordered.swapAt(index, index + 1) }
        case .shuffled:
            var generator = SeededGenerator(seed: 8)
            disordered.shuffle(using: &generator)
        }
        let ordered = scratch.write("ordered.log", lines.joined(separator: "\n") + "\n")
        let outOfOrder = scratch.write("disordered.log", disordered.joined(separator: "\n") + "\n")

        let a = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", "--utc", ordered])
        let b = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", "--utc", outOfOrder])
        #expect(a.status == 0, "\(a)")
        #expect(b.status == 0, "\(b)")
        #expect(b.err.isEmpty, "\(b)")
        let summary = try Self.summary(b)
        #expect(int(summary["lines"]) == lines.count)
        #expect(int(summary["records"]) == lines.count)
        #expect(summary["first_seen"] as? String == "2026-11-22T03:00:00Z")
        #expect(summary["last_seen"] as? String == "2026-11-22T05:10:39Z")
        var inOrder = try a.json(), shuffled = try b.json()
        let events = try #require(shuffled["events"] as? [[String: Any]])
        #expect(events.contains { $0["kind"] as? String == "vertical-scan" && ($0["sources"] as? [String]) == ["203.0.113.66"] }, "\(events)")
        let scanner = (shuffled["sources"] as? [[String: Any]])?.first { $0["ip"] as? String == "203.0.113.66" }
        #expect(int(scanner?["visits"]) == 1)
        #expect((scanner?["evidence"] as? [String])?.first?.hasPrefix("40 ports on 192.0.2.20 in 39s") == true, "\(String(describing: scanner))")
        inOrder["inputs"] = nil
        shuffled["inputs"] = nil
        for key in inOrder.keys.sorted() {
            let same = NSDictionary(dictionary: [key: inOrder[key]!]) == NSDictionary(dictionary: [key: shuffled[key] ?? NSNull()])
            if key == "notes" && disorder == .shuffled {
                // Known: the busiest minute (Aggregator.busiestMinuteRecords) is counted over runs of consecutive
                // lines in the same minute, so a shuffled log "looks rate-limited" (a note only; verdicts unchanged).
                withKnownIssue("the rate-limit note counts runs of consecutive lines, not minutes") {
                    #expect(same, "\(key) depends on the order of the lines")
                }
                continue
            }
            #expect(same, "\(key) depends on the order of the lines")
        }
    }

    // MARK: a million distinct sources

    /// A million probes from a million distinct sources (86 MB of log): every line counted, every source kept,
    /// and memory within 2 KiB a source (measured 2026-11-22 in the debug suite: 23 s, peak RSS 341 MiB, 357 bytes
    /// a source). `SCANLOG_SKIP_HEAVY_TESTS=1` leaves it out.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SCANLOG_SKIP_HEAVY_TESTS"] != "1", "SCANLOG_SKIP_HEAVY_TESTS=1"))
    func aMillionDistinctSources() throws {
        let scratch = TemporaryDirectory()
        let count = 1_000_000
        let path = scratch.path("million.log")
        try #require(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var text = ""
        text.reserveCapacity(1 << 21)
        for index in 0..<count {
            // One probe a second from 10.0.0.0 upwards, over 11.6 days of November.
            let day = 1 + index / 86400, second = index % 86400
            text += "Nov \(day < 10 ? " " : "")\(day) \(SampleLog.two(second / 3600)):\(SampleLog.two(second / 60 % 60)):\(SampleLog.two(second % 60))"
            text += " gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=10.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)"
            text += " DST=192.0.2.1 PROTO=TCP SPT=\(1024 + index % 60000) DPT=\([22, 23, 80, 443, 3389][index % 5]) SYN\n"
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()

        let result = try Scanlog.runMeasured(["analyze", "--year", "2026", "--color", "never", "--top", "3", path], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(result.result.err.isEmpty, "\(result)")
        // Counts are printed with thousands separators (1,000,000).
        let report = result.result.out.replacingOccurrences(of: ",", with: "")
        #expect(report.contains("Lines: 1000000 read = 1000000 firewall records + 0 ignored + 0 unparsed"), "\(result)")
        #expect(report.contains("Top sources (of 1000000)"), "\(result)")
        #expect(report.contains("Top ports (of 5)"), "\(result)")
        #expect(report.contains("background: 1000000 background-sweep"), "\(result)")
        if let peak = result.maxRSSKiB, !Scanlog.underSanitizer {
            print("aMillionDistinctSources: peak RSS \(peak) KiB (\(peak * 1024 / count) bytes a source)")
            // 149 bytes a source at the last measurement (2026-12-02; 357 before the fixed-record source table):
            // about twice that is the bound.
            #expect(peak * 1024 / count < 300, "peak RSS \(peak) KiB for \(count) sources")
        }
    }

    // MARK: output that cannot be written

    /// Standard output on a full device (`/dev/full`): every write fails with ENOSPC. scanlog says so and exits 2,
    /// in every format (the streamed ones fail while reading); input errors are still reported.
    @Test(arguments: [["--format", "text", "--top", "1000"], ["--format", "json"], ["--format", "jsonl"],
                      ["--format", "csv", "--table", "probes"], ["--format", "csv", "--table", "sources"]])
    func reportToAFullDevice(_ format: [String]) throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/full") else {
            print("note: BadInputMatrixTests.reportToAFullDevice skipped: no writable /dev/full here")
            return
        }
        let scratch = TemporaryDirectory()
        let missing = scratch.path("missing.log")
        let result = try Scanlog.run(["analyze", "--year", "2026", "--color", "never"] + format + [missing, Self.demo], stdoutPath: "/dev/full")
        #expect(result.status == 2, "\(result)")
        #expect(result.err.contains("cannot write the report to standard output: No space left on device"), "\(result)")
        if !format.contains("jsonl") && !format.contains("probes") {
            // Reading came first: the missing input was reported before the report failed.
            #expect(result.err.contains("\(missing): no such file"), "\(result)")
        }
        #expect(result.err.components(separatedBy: "cannot write").count == 2, "one message, not one per write: \(result)")
    }

    /// The report (`analyze --output`) or the state (`nightly`) written into a filesystem that is full: exit 2 with
    /// the reason, no temporary file left, and the previous file at that path untouched. Needs a small tmpfs,
    /// mounted in a new user and mount namespace (`unshare -Urm`); skipped, saying so, when that is not allowed here.
    @Test(arguments: ["analyze", "nightly"])
    func writeIntoAFullFilesystem(_ command: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            print("note: BadInputMatrixTests.writeIntoAFullFilesystem skipped: no /usr/bin/unshare")
            return
        }
        let scratch = TemporaryDirectory()
        let mount = scratch.path("small")
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let log = scratch.write("ufw.log", try Data(contentsOf: URL(fileURLWithPath: Self.demo)))
        let binary = try Scanlog.requireExecutable().path
        let target = command == "analyze" ? "\(mount)/report.json" : "\(mount)/state.json"
        // In the namespace: mount 1 MiB of tmpfs and put the old file there; fill the rest (for the report, all but
        // 8 KiB, so that its first writes succeed: the JSON report of the demo log is far bigger); run scanlog; list
        // what is left and compare the old file.
        let script: String
        if command == "analyze" {
            script = """
                mount -t tmpfs -o size=1m tmpfs '\(mount)' || exit 97
                printf 'old report' > '\(target)'
                dd if=/dev/zero of='\(mount)/fill' bs=4k 2>/dev/null
                truncate -s -8K '\(mount)/fill'
                '\(binary)' analyze --format json --output '\(target)' '\(log)'
                status=$?
                echo "LEFT: $(ls -A '\(mount)' | sort | tr '\\n' ' ')" >&2
                echo "CONTENT: $(cat '\(target)')" >&2
                exit $status
                """
        } else {
            script = """
                mount -t tmpfs -o size=1m tmpfs '\(mount)' || exit 97
                '\(binary)' nightly --state '\(target)' --format json '\(log)' > /dev/null || exit 98
                cp '\(target)' '\(mount)/before'
                dd if=/dev/zero of='\(mount)/fill' bs=4k 2>/dev/null
                '\(binary)' nightly --state '\(target)' --reset-state --format json '\(log)' > /dev/null
                status=$?
                echo "LEFT: $(ls -A '\(mount)' | sort | tr '\\n' ' ')" >&2
                cmp -s '\(target)' '\(mount)/before' && echo 'STATE UNCHANGED' >&2
                exit $status
                """
        }
        let scriptPath = scratch.write("full.sh", script)
        let result = try shell("exec /usr/bin/unshare -Urm /bin/sh '\(scriptPath)'")
        if result.status == 97 || result.err.hasPrefix("unshare:") {
            print("note: BadInputMatrixTests.writeIntoAFullFilesystem skipped: cannot mount a tmpfs in a new user namespace here: \(result.err)")
            return
        }
        #expect(result.status == 2, "exit \(result.status): \(result.err)")
        if command == "analyze" {
            #expect(result.err.contains("cannot write the report to \(target): No space left on device"), "\(result.err)")
            #expect(result.err.contains("LEFT: fill report.json \n"), "\(result.err)")
            #expect(result.err.contains("CONTENT: old report"), "\(result.err)")
        } else {
            // The state, or the history database written before it (beside it by default), fails to be written.
            #expect(result.err.contains("No space left on device") || result.err.contains("disk is full"), "\(result.err)")
            #expect(result.err.contains("STATE UNCHANGED"), "\(result.err)")
            let left = result.err.split(separator: "\n").first { $0.hasPrefix("LEFT: ") } ?? ""
            #expect(left.contains("state.json ") && !left.contains(".tmp"), "temporary file left: \(left)")
        }
    }
}

/// The files scanlog writes (the `--output` report, the nightly state and its lock), in a shared directory
/// (sticky and world-writable, like /tmp) where someone planted symlinks: never written through.
@Suite struct PlantedSymlinkTests {
    /// A sticky, world-writable directory in the scratch folder, and a file the links point at.
    struct Shared {
        let scratch = TemporaryDirectory()
        let directory: String
        let victim: String
        init() throws {
            directory = scratch.path("shared")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try #require(chmod(directory, 0o1777) == 0)
            // Reachable for `nobody` (see runAsNobody).
            try #require(chmod(scratch.url.path, 0o755) == 0)
            victim = scratch.write("victim", "precious\n")
        }
        var victimIsIntact: Bool { (try? String(contentsOfFile: victim, encoding: .utf8)) == "precious\n" }
        func isSymlink(_ path: String) -> Bool {
            var info = stat()
            return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
        }
    }

    /// Root may replace anyone's symlink in a sticky directory; anyone else may not, so as root the same run is
    /// also made as `nobody` (through setpriv), which must fail cleanly instead.
    static let setpriv = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    @Test func outputPathIsAPlantedSymlink() throws {
        let shared = try Shared()
        let output = shared.directory + "/report.json"
        try #require(symlink(shared.victim, output) == 0)
        let result = try Scanlog.run(["analyze", "--format", "json", "--output", output, BadInputMatrixTests.demo])
        #expect(result.status == 0, "\(result)")
        #expect(shared.victimIsIntact, "the report was written through the planted symlink")
        #expect(!shared.isSymlink(output), "the symlink should have been replaced by the report")
        let report = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect((try JSONSerialization.jsonObject(with: report) as? [String: Any])?["schema"] as? Int == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared.directory) == ["report.json"])

        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: Self.setpriv[0]) else {
            print("note: PlantedSymlinkTests.outputPathIsAPlantedSymlink: not root (or no setpriv), the run as another user is skipped")
            return
        }
        // Root's link in the sticky directory, and nobody runs scanlog: the rename over it is refused.
        try FileManager.default.removeItem(atPath: output)
        try #require(symlink(shared.victim, output) == 0)
        let log = shared.scratch.write("ufw.log", SampleLog.mixed)
        #expect(chmod(log, 0o644) == 0)
        let asNobody = try Scanlog.run(["analyze", "--format", "json", "--year", "2026", "--output", output, log], launcher: Self.setpriv)
        if asNobody.status == 126 || asNobody.status == 127 {
            print("note: PlantedSymlinkTests: the binary cannot run as nobody here: \(asNobody.err)")
            return
        }
        #expect(asNobody.status == 2, "\(asNobody)")
        #expect(asNobody.err.contains("cannot rename"), "\(asNobody)")
        #expect(asNobody.err.contains("Operation not permitted"), "\(asNobody)")
        #expect(shared.victimIsIntact)
        #expect(shared.isSymlink(output))
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared.directory) == ["report.json"], "temporary file left")
    }

    @Test func stateAndLockArePlantedSymlinks() throws {
        let shared = try Shared()
        let log = shared.scratch.write("ufw.log", SampleLog.manySources(5))
        let state = shared.directory + "/state.json"

        // The lock file is a link: never opened through it.
        try #require(symlink(shared.victim, state + ".lock") == 0)
        let locked = try Scanlog.run(["nightly", "--state", state, "--format", "json", log])
        #expect(locked.status == 2, "\(locked)")
        #expect(locked.err.contains("\(state).lock: cannot open the lock file"), "\(locked)")
        #expect(locked.out.isEmpty, "nothing is read without the lock: \(locked)")
        #expect(shared.victimIsIntact)
        try FileManager.default.removeItem(atPath: state + ".lock")

        // The state file is a link (here to a valid state of other logs): not read through, not written through.
        let elsewhere = shared.scratch.path("elsewhere.json")
        let other = try Scanlog.run(["nightly", "--state", elsewhere, "--format", "json", log])
        #expect(other.status == 0, "\(other)")
        try #require(symlink(elsewhere, state) == 0)
        let linked = try Scanlog.run(["nightly", "--state", state, "--format", "json", log])
        #expect(linked.status == 2, "\(linked)")
        #expect(linked.err.contains("state file \(state): is a symlink, which scanlog does not follow"), "\(linked)")
        #expect(linked.out.isEmpty, "nothing is read without a state: \(linked)")
        try FileManager.default.removeItem(atPath: state)
        try #require(symlink(shared.victim, state) == 0)
        let damaged = try Scanlog.run(["nightly", "--state", state, "--format", "json", log])
        #expect(damaged.status == 2, "\(damaged)")
        #expect(!damaged.err.contains("precious"), "the linked file's content must not be shown: \(damaged)")
        #expect(shared.victimIsIntact)
        // --reset-state writes a new state beside it: the link is replaced, never followed.
        let reset = try Scanlog.run(["nightly", "--state", state, "--reset-state", "--format", "json", log])
        #expect(reset.status == 0, "\(reset)")
        #expect(shared.victimIsIntact, "the state was written through the planted symlink")
        #expect(!shared.isSymlink(state))
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as? [String: Any])
        #expect((saved["schema"] as? NSNumber)?.intValue == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: shared.directory).filter { $0.hasPrefix("state.json") }
        #expect(Set(left) == ["state.json", "state.json.lock"], "temporary state file left: \(left)")

        // A FIFO planted as the state: refused at once (reading it would wait for a writer for ever). `timeout`
        // only turns a hang into a failure (status 124) instead of a test run that never ends.
        let fifoState = shared.directory + "/fifo.json"
        try #require(mkfifo(fifoState, 0o600) == 0)
        let fifo = try Scanlog.run(["nightly", "--state", fifoState, "--format", "json", log], launcher: ["/usr/bin/timeout", "120"])
        #expect(fifo.status == 2, "\(fifo)")
        #expect(fifo.err.contains("state file \(fifoState): not a regular file"), "\(fifo)")
    }

    /// The state file exists but cannot be read (permission): exit 2 naming it, nothing reported, the state kept.
    /// As root this runs scanlog as `nobody` (the state is root's, mode 0600) through setpriv.
    @Test func unreadableStateFile() throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path("state")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = scratch.write("ufw.log", SampleLog.manySources(5))
        let state = directory + "/state.json"
        let first = try Scanlog.run(["nightly", "--state", state, "--format", "json", log])
        #expect(first.status == 0, "\(first)")
        let before = try Data(contentsOf: URL(fileURLWithPath: state))
        var launcher: [String] = []
        if getuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: PlantedSymlinkTests.setpriv[0]) else {
                print("note: PlantedSymlinkTests.unreadableStateFile skipped: running as root without setpriv")
                return
            }
            launcher = PlantedSymlinkTests.setpriv
            // nobody may take the lock (the directory is writable, the lock file too) and read the log, not the state.
            #expect(chmod(scratch.url.path, 0o755) == 0 && chmod(directory, 0o777) == 0 && chmod(log, 0o644) == 0)
            #expect(chmod(state + ".lock", 0o666) == 0)
            #expect(chmod(state, 0o600) == 0)
        } else {
            #expect(chmod(state, 0) == 0)
        }
        defer { chmod(state, 0o600) }
        let result = try Scanlog.run(["nightly", "--state", state, "--format", "json", log], launcher: launcher)
        if result.status == 126 || result.status == 127 {
            print("note: PlantedSymlinkTests.unreadableStateFile skipped: the binary cannot run as nobody: \(result.err)")
            return
        }
        #expect(result.status == 2, "\(result)")
        #expect(result.err.contains("state file \(state): cannot read"), "\(result)")
        #expect(result.err.lowercased().contains("permission"), "\(result)")
        #expect(result.out.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == before)

        // A directory where the state file should be: the same kind of error, not a crash.
        let other = scratch.path("dir-state")
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let directoryState = try Scanlog.run(["nightly", "--state", other, "--format", "json", log])
        #expect(directoryState.status == 2, "\(directoryState)")
        #expect(directoryState.err.contains("state file \(other)"), "\(directoryState)")
    }
}
