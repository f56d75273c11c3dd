import ScanlogCore

#if canImport(Glibc)
import Glibc
#endif

/// One line on standard error, rewritten in place while a long run reads: file, bytes and lines, rate.
/// Only when standard error is a terminal, at most four times a second.
final class ProgressLine {
    private let start = ProgressLine.now()
    private var lastShown = 0.0
    private var shown = false

    static func onTerminal() -> ProgressLine? { isatty(2) == 1 ? ProgressLine() : nil }

    func update(path: String, bytes: UInt64, lines: Int) {
        let now = Self.now()
        guard now - lastShown >= 0.25, now - start >= 1 else { return }
        lastShown = now
        shown = true
        let megabytes = Double(bytes) / 1_048_576
        let rate = megabytes / max(now - start, 0.001)
        let name = TextFormatting.terminalSafe(path.split(separator: "/").last.map(String.init) ?? path)
        let text = "\r\u{1b}[Kreading \(name): \(Int(megabytes)) MB, \(TextFormatting.grouped(lines)) lines, \(Int(rate)) MB/s"
        write(text)
    }

    func clear() {
        if shown { write("\r\u{1b}[K") }
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress!, $0.count) }
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
