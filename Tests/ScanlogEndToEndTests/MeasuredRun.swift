import Foundation
import Testing
import ScanlogTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One run of the binary and its own peak memory, measured by GNU time (`/usr/bin/time -f %M`, from `wait4`).
/// Measured by a program that forks rather than here: the test process starts children with `posix_spawn`,
/// whose child shares this process's memory until it execs, and Linux then counts this process's peak
/// (often larger than scanlog's) as the child's `ru_maxrss`.
struct MeasuredResult: CustomStringConvertible {
    let result: CommandResult
    /// Peak resident set size of the scanlog process, in KiB; nil when GNU time is not installed.
    let maxRSSKiB: Int?

    var status: Int32 { result.status }
    var description: String { "\(result)\npeak RSS \(maxRSSKiB.map { "\($0) KiB" } ?? "not measured")" }
}

extension Scanlog {
    /// Whether these tests (and so the binary built with them) run under AddressSanitizer or ThreadSanitizer,
    /// whose shadow memory and quarantine of freed blocks make peak memory meaningless.
    static let underSanitizer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
        || dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil

    static let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

    /// Runs `scanlog arguments` (standard input from `stdin`) under GNU time when it is there.
    static func runMeasured(_ arguments: [String], in scratch: TemporaryDirectory, stdin: Data? = nil) throws -> MeasuredResult {
        guard let gnuTime else { return MeasuredResult(result: try run(arguments, stdin: stdin), maxRSSKiB: nil) }
        let report = scratch.path("rss-\(UUID().uuidString)")
        defer { unlink(report) }
        let result = try run(arguments, stdin: stdin, launcher: [gnuTime, "-f", "%M", "-o", report])
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        // The last line is the figure (a line before it says when the command was killed by a signal).
        let figure = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return MeasuredResult(result: result, maxRSSKiB: figure)
    }

    /// Runs `scanlog arguments` with standard output going to `stdoutPath` (a device such as /dev/full).
    static func run(_ arguments: [String], stdoutPath: String) throws -> CommandResult {
        let process = Process()
        process.executableURL = try requireExecutable()
        process.arguments = arguments
        let output = try #require(FileHandle(forWritingAtPath: stdoutPath), "cannot open \(stdoutPath)")
        defer { try? output.close() }
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let err = Collector(errors.fileHandleForReading).wait()
        process.waitUntilExit()
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return CommandResult(status: status, stdout: Data(), stderr: err)
    }
}

/// Runs a shell command line; returns its exit status and standard error.
@discardableResult
func shell(_ script: String) throws -> (status: Int32, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let err = Scanlog.Collector(errors.fileHandleForReading).wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: err, as: UTF8.self))
}

/// Writes `count` bytes of `byte` to `handle` in 1 MiB pieces (never holding the whole in memory).
func writeRepeated(_ byte: UInt8, count: Int, to handle: FileHandle) throws {
    let piece = Data(repeating: byte, count: 1 << 20)
    var left = count
    while left > 0 {
        let size = min(left, piece.count)
        try handle.write(contentsOf: size == piece.count ? piece : piece.prefix(size))
        left -= size
    }
}
