#if canImport(Glibc)
import Glibc
#endif

/// Writes reports to standard output. A closed pipe (`scanlog ... | head`) ends the program quietly.
enum OutputSink {
    /// Call once at start: a write to a closed pipe then fails with EPIPE instead of killing the process.
    static func ignoreBrokenPipeSignal() {
        signal(SIGPIPE, SIG_IGN)
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { write(bytes: UnsafeRawBufferPointer($0)) }
    }

    static func write(bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { exit(0) }
                printError("cannot write the report to standard output: \(String(cString: strerror(errno)))")
                exit(2)
            }
            offset += written
        }
    }

    static func printError(_ message: String) {
        let line = "scanlog: \(message)\n"
        var text = line
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress!, $0.count) }
    }
}
