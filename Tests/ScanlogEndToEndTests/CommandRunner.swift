import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What one run of the `scanlog` binary did.
struct CommandResult: CustomStringConvertible {
    let status: Int32
    let stdout: Data
    let stderr: Data

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }

    var description: String {
        "exit \(status)\n--- stdout (\(stdout.count) bytes) ---\n\(out.prefix(2000))\n--- stderr ---\n\(err.prefix(2000))"
    }

    /// Standard output parsed as a JSON object.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any], "stdout is not a JSON object: \(out.prefix(500))")
    }
}

/// Finds and runs the `scanlog` executable built with the tests.
enum Scanlog {
    /// The package root, from this file's path (Tests/ScanlogEndToEndTests/CommandRunner.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The products directory holds the test bundle and the executables built with it (this is how
    /// swift-argument-parser's own tests find their example binaries: next to the xctest bundle).
    static var productDirectories: [URL] {
        var candidates: [URL] = []
        let main = Bundle.main.bundleURL
        candidates.append(main.pathExtension == "xctest" ? main.deletingLastPathComponent() : main)
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let argument = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: argument).resolvingSymlinksInPath()
            candidates.append(url.deletingLastPathComponent())
            // On macOS the runner may be inside Foo.xctest/Contents/MacOS.
            if url.path.contains(".xctest/") {
                var bundle = url
                while bundle.pathExtension != "xctest" && bundle.path != "/" { bundle.deleteLastPathComponent() }
                candidates.append(bundle.deletingLastPathComponent())
            }
        }
        return candidates
    }

    /// The binary: `SCANLOG_BINARY` if set, else next to the test bundle, else `.build/debug/scanlog`.
    static let executable: URL? = {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["SCANLOG_BINARY"], manager.isExecutableFile(atPath: override) {
            return URL(fileURLWithPath: override)
        }
        for directory in productDirectories {
            let candidate = directory.appendingPathComponent("scanlog")
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                manager.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
        }
        for fallback in [".build/debug/scanlog", ".build/release/scanlog"] {
            let candidate = packageRoot.appendingPathComponent(fallback)
            if manager.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    static func requireExecutable() throws -> URL {
        try #require(executable, "scanlog binary not found next to the tests (\(productDirectories.map(\.path))) nor in .build/debug; set SCANLOG_BINARY")
    }

    /// Reads a file handle to its end on another thread.
    final class Collector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            let thread = Thread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
            thread.start()
        }
        func wait() -> Data {
            done.wait()
            return data
        }
    }

    /// Runs `scanlog arguments`, with `stdin` as standard input (empty when nil), and waits for it.
    static func run(_ arguments: [String], stdin: Data? = nil, launcher: [String] = [], environment: [String: String]? = nil) throws -> CommandResult {
        let binary = try requireExecutable()
        let process = Process()
        if launcher.isEmpty {
            process.executableURL = binary
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: launcher[0])
            process.arguments = Array(launcher.dropFirst()) + [binary.path] + arguments
        }
        if let environment { process.environment = environment }
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        let stdoutCollector = Collector(output.fileHandleForReading)
        let stderrCollector = Collector(errors.fileHandleForReading)
        let payload = stdin ?? Data()
        let writer = Thread {
            if !payload.isEmpty { try? input.fileHandleForWriting.write(contentsOf: payload) }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let out = stdoutCollector.wait()
        let err = stderrCollector.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: out, stderr: err)
    }
}

/// Log text for the end-to-end tests.
enum SampleLog {
    /// A ufw BLOCK line as the kernel writes it (traditional envelope).
    static func line(time: String = "Nov 22 02:11:03", src: String = "198.51.100.7", dst: String = "192.0.2.20", dpt: Int = 23, spt: Int = 40000, prefix: String = "[UFW BLOCK] ") -> String {
        "\(time) web1 kernel: [  286.654321] \(prefix)IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=\(src) DST=\(dst) LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=\(spt) DPT=\(dpt) WINDOW=65535 RES=0x00 SYN URGP=0 "
    }

    /// `count` probes from `count` different sources (10.x.y.z), a second apart, to a few ports.
    static func manySources(_ count: Int, startSecond: Int = 0) -> String {
        var text = ""
        for index in 0..<count {
            let second = startSecond + index
            let time = "Nov 22 \(two(second / 3600 % 24)):\(two(second / 60 % 60)):\(two(second % 60))"
            let src = "10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256 + 0)"
            text += line(time: time, src: src, dpt: [22, 23, 80, 443, 3389][index % 5], spt: 1024 + index % 60000) + "\n"
        }
        return text
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// A small log with records, ignored lines (another program, a blank line) and unparsed ones.
    static let mixed: String = [
        line(time: "Nov 22 02:11:03", src: "198.51.100.7", dpt: 23),
        line(time: "Nov 22 02:11:05", src: "198.51.100.7", dpt: 22, spt: 40001),
        line(time: "Nov 22 02:12:00", src: "203.0.113.9", dpt: 3389),
        line(time: "Nov 22 03:00:00", src: "2001:db8::1", dst: "2001:db8::20", dpt: 443),
        "Nov 22 02:11:04 web1 sshd[812]: Accepted publickey for admin from 192.0.2.1 port 50000 ssh2",
        "",
        "Nov 22 02:11:06 web1 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=not-an-address DST=192.0.2.20 PROTO=TCP SPT=1 DPT=2 ",
        "Nov 22 02:11:07 web1 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.8 DST=192.0.2.20 PROTO=TCP SPT=1 DPT=99999 ",
    ].joined(separator: "\n") + "\n"

    /// gzip-compresses with the system's gzip.
    static func gzip(_ data: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread { try? input.fileHandleForWriting.write(contentsOf: data); try? input.fileHandleForWriting.close() }
        writer.start()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed
    }
}
