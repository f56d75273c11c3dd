#if canImport(Glibc)
import Glibc
#endif
import ScanlogCore

/// Where reports go: standard output, or a file written atomically (a temporary file beside it, renamed into
/// place when the report is complete). A closed pipe (`scanlog ... | head`) ends the program quietly.
enum OutputSink {
    nonisolated(unsafe) private static var descriptor: Int32 = 1
    nonisolated(unsafe) private static var temporaryPath: String?
    nonisolated(unsafe) private static var finalPath: String?

    /// Call once at start: a write to a closed pipe then fails with EPIPE instead of killing the process, and
    /// an interrupted or terminated run removes the temporary files it was writing.
    static func setUpSignals() {
        signal(SIGPIPE, SIG_IGN)
        TemporaryFiles.removeOnTerminatingSignals()
    }

    /// Sends what follows to `path` instead of standard output. The temporary file is created new
    /// (`O_EXCL`, never through a symlink someone planted), under a name no one can guess in advance (a
    /// predictable one planted in a shared directory would only make the run fail, but fail it would).
    static func open(path: String) throws {
        let (fd, temporary) = TemporaryFiles.create(mode: 0o644) { _ in
            path + ".scanlog-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp"
        }
        guard fd >= 0 else { throw OutputError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        descriptor = fd
        temporaryPath = temporary
        finalPath = path
    }

    /// Makes the output file appear complete, or not at all.
    static func commit() throws {
        guard let temporary = temporaryPath, let path = finalPath else { return }
        defer {
            temporaryPath = nil
            TemporaryFiles.unregister(temporary)
        }
        guard fsync(descriptor) == 0, Glibc.close(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError("cannot write \(path): \(reason)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError("cannot rename \(temporary) to \(path): \(reason)")
        }
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { write(bytes: UnsafeRawBufferPointer($0)) }
    }

    static func write(bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE && temporaryPath == nil { exit(0) }
                let reason = String(cString: strerror(errno))
                if let temporary = temporaryPath { unlink(temporary) }
                printError("cannot write the report to \(finalPath ?? "standard output"): \(reason)")
                exit(2)
            }
            offset += written
        }
    }

    static func printError(_ message: String) {
        var text = "scanlog: \(message)\n"
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress!, $0.count) }
    }
}

struct OutputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
