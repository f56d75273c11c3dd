import Testing
@testable import ScanlogCore
import ScanlogTestSupport

/// One line as the framer delivered it, copied out of the callback.
struct FramedLine: Equatable, CustomStringConvertible {
    var bytes: [UInt8]
    var number: Int
    var wasCut: Bool

    var description: String {
        let text = bytes.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
        return "#\(number)\(wasCut ? " (cut)" : ""): \"\(text)\" [\(bytes.count) bytes]"
    }
}

enum FramingReference {
    /// Frames `bytes` fed in chunks of the given sizes (the last chunk takes what is left), then `finish`.
    /// Every chunk is copied into its own buffer, freed right after `feed`, so the framer cannot keep
    /// pointers into a previous chunk.
    static func frame(_ bytes: [UInt8], chunkSizes: [Int], maxLineLength: Int) -> [FramedLine] {
        var framer = LineFramer(maxLineLength: maxLineLength)
        defer { framer.deallocate() }
        var lines: [FramedLine] = []
        func collect(_ line: LineFramer.Line) { lines.append(FramedLine(bytes: Array(line.bytes), number: line.number, wasCut: line.wasCut)) }
        var offset = 0
        var sizes = chunkSizes[...]
        while offset < bytes.count {
            let size = min(sizes.popFirst() ?? bytes.count, bytes.count - offset)
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
            chunk.copyBytes(from: bytes[offset..<offset + size])
            framer.feed(UnsafeRawBufferPointer(chunk), collect)
            // Poison the chunk before freeing it: a line kept by reference would show the damage.
            for index in chunk.indices { chunk[index] = 0xEE }
            chunk.deallocate()
            offset += size
        }
        framer.finish(collect)
        #expect(framer.lineCount == lines.count)
        return lines
    }

    static func frameWhole(_ bytes: [UInt8], maxLineLength: Int) -> [FramedLine] {
        frame(bytes, chunkSizes: [bytes.count], maxLineLength: maxLineLength)
    }

    /// The plain reading of the rules: split on LF; an LF-terminated line loses one trailing CR; a last line
    /// without LF is still a line; a line longer than the limit is cut to it and flagged.
    static func reference(_ bytes: [UInt8], maxLineLength: Int) -> [FramedLine] {
        var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        // The piece after the last LF is empty when the input ends with a newline (or is empty): not a line.
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        let terminatedCount = bytes.last == 0x0A ? pieces.count : pieces.count - 1
        return pieces.enumerated().map { index, piece in
            var content = piece
            if index < terminatedCount, content.last == 0x0D { content.removeLast() }
            let cut = content.count > maxLineLength
            if cut { content = Array(content.prefix(maxLineLength)) }
            return FramedLine(bytes: content, number: index + 1, wasCut: cut)
        }
    }

    /// Random chunk sizes (1...maxChunk) covering `total` bytes.
    static func randomSizes(total: Int, maxChunk: Int, using generator: inout SeededGenerator) -> [Int] {
        var sizes: [Int] = []
        var covered = 0
        while covered < total {
            let size = Int.random(in: 1...maxChunk, using: &generator)
            sizes.append(size)
            covered += size
        }
        return sizes
    }
}

/// A named input for the framer, with the limit it is framed under.
struct FramingCorpus: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    let maxLineLength: Int
    var testDescription: String { name }

    init(_ name: String, _ parts: [[UInt8]], maxLineLength: Int = 16) {
        self.name = name
        self.bytes = parts.flatMap { $0 }
        self.maxLineLength = maxLineLength
    }
}

private func b(_ text: String) -> [UInt8] { Array(text.utf8) }
private func repeated(_ byte: Character, _ count: Int) -> [UInt8] { [UInt8](repeating: byte.asciiValue!, count: count) }

@Suite struct LineFramerTests {
    /// Inputs whose expected framing is unambiguous: the reference split must match for every chunking.
    static let corpora: [FramingCorpus] = [
        FramingCorpus("LF lines", [b("alpha\nbeta\ngamma\n")]),
        FramingCorpus("CRLF lines", [b("alpha\r\nbeta\r\ngamma\r\n")]),
        FramingCorpus("mixed LF and CRLF", [b("one\r\ntwo\nthree\r\nfour\n")]),
        FramingCorpus("lone CR inside a line kept", [b("ab\rcd\n\rx\nxy\r\r\n")]),
        FramingCorpus("empty lines", [b("\n\nA\n\n\r\n\nB\n\n")]),
        FramingCorpus("no final newline", [b("first\nsecond\nlast without newline")]),
        FramingCorpus("single line without newline", [b("only")]),
        FramingCorpus("just a newline", [b("\n")]),
        FramingCorpus("empty input", []),
        FramingCorpus("exactly at the limit", [repeated("a", 16), b("\n"), b("next\n")]),
        FramingCorpus("exactly at the limit with CRLF-free neighbours", [b("x\n"), repeated("a", 16), b("\n"), repeated("b", 16), b("\n")]),
        FramingCorpus("one over the limit", [repeated("a", 15), b("Z"), b("!"), b("\n"), b("next\n")]),
        FramingCorpus("far over the limit", [b("head\n"), repeated("q", 200), b("\n"), b("tail\n")]),
        FramingCorpus("far over the limit with CRLF", [b("head\r\n"), repeated("q", 100), b("\r\n"), b("tail\r\n")]),
        FramingCorpus("far over the limit, last line", [b("head\n"), repeated("q", 100)]),
        FramingCorpus("one over the limit, last line", [b("head\n"), repeated("q", 17)]),
        FramingCorpus("consecutive long lines", [repeated("a", 40), b("\n"), repeated("b", 17), b("\n"), repeated("c", 16), b("\n"), repeated("d", 33), b("\n")]),
        FramingCorpus("NUL bytes inside lines", [[0, 0, 0x41, 0, 0x42, 0x0A], b("mid"), [0], b("dle\n"), [0, 0x0A]]),
        FramingCorpus("invalid UTF-8 passed through", [[0xFF, 0xFE, 0x41, 0xC3, 0x28, 0x0A], [0xE2, 0x82, 0x0A], [0x80, 0x80, 0x80, 0x0D, 0x0A], [0xF0, 0x9F, 0x98]]),
        FramingCorpus("high bytes at the limit", [[UInt8](repeating: 0xFF, count: 16), [0x0A], [UInt8](repeating: 0xC3, count: 20), [0x0A]]),
        FramingCorpus("firewall lines", [b(ufwLine()), b("\n"), b(ufwLine(dpt: 22)), b("\r\n"), b(ufwLine(src: "203.0.113.9"))], maxLineLength: 64 * 1024),
    ]

    @Test(arguments: corpora)
    func wholeInputMatchesReference(_ corpus: FramingCorpus) {
        let lines = FramingReference.frameWhole(corpus.bytes, maxLineLength: corpus.maxLineLength)
        #expect(lines == FramingReference.reference(corpus.bytes, maxLineLength: corpus.maxLineLength))
    }

    @Test(arguments: corpora)
    func everySplitPointMatchesReference(_ corpus: FramingCorpus) {
        let expected = FramingReference.reference(corpus.bytes, maxLineLength: corpus.maxLineLength)
        for split in 0...corpus.bytes.count {
            let lines = FramingReference.frame(corpus.bytes, chunkSizes: [split], maxLineLength: corpus.maxLineLength)
            #expect(lines == expected, "split at byte \(split)")
        }
        // Three chunks: every pair of cut points (small inputs only, to stay quick).
        if corpus.bytes.count <= 300 {
            for first in 0...corpus.bytes.count {
                for second in 0...(corpus.bytes.count - first) {
                    let lines = FramingReference.frame(corpus.bytes, chunkSizes: [first, second], maxLineLength: corpus.maxLineLength)
                    if lines != expected {
                        Issue.record("chunks \(first) + \(second) + rest: \(lines) != \(expected)")
                        return
                    }
                }
            }
        }
    }

    @Test(arguments: corpora)
    func fixedChunkSizesMatchReference(_ corpus: FramingCorpus) {
        let expected = FramingReference.reference(corpus.bytes, maxLineLength: corpus.maxLineLength)
        for size in 1...max(1, corpus.bytes.count) {
            let sizes = [Int](repeating: size, count: corpus.bytes.count / size + 1)
            #expect(FramingReference.frame(corpus.bytes, chunkSizes: sizes, maxLineLength: corpus.maxLineLength) == expected, "chunks of \(size)")
        }
    }

    @Test(arguments: corpora, [1, 42, 2026])
    func randomChunkSizesMatchReference(_ corpus: FramingCorpus, seed: UInt64) {
        let expected = FramingReference.reference(corpus.bytes, maxLineLength: corpus.maxLineLength)
        var generator = SeededGenerator(seed: seed)
        for round in 0..<50 {
            let sizes = FramingReference.randomSizes(total: corpus.bytes.count, maxChunk: max(1, min(corpus.bytes.count, 2 * corpus.maxLineLength, 40)), using: &generator)
            #expect(FramingReference.frame(corpus.bytes, chunkSizes: sizes, maxLineLength: corpus.maxLineLength) == expected, "round \(round): \(sizes)")
        }
    }

    /// The reference itself, on hand-written expectations, so that a wrong reference cannot hide a wrong framer.
    @Test func referenceSplitIsRight() {
        #expect(FramingReference.reference(b("a\r\nb\n\nc"), maxLineLength: 8) == [
            FramedLine(bytes: b("a"), number: 1, wasCut: false),
            FramedLine(bytes: b("b"), number: 2, wasCut: false),
            FramedLine(bytes: [], number: 3, wasCut: false),
            FramedLine(bytes: b("c"), number: 4, wasCut: false),
        ])
        #expect(FramingReference.reference(b("x\ry\n0123456789\n"), maxLineLength: 8) == [
            FramedLine(bytes: b("x\ry"), number: 1, wasCut: false),
            FramedLine(bytes: b("01234567"), number: 2, wasCut: true),
        ])
        #expect(FramingReference.reference([], maxLineLength: 8) == [])
    }

    @Test func longLinesAreCutOnceAndTheNextLineIsIntact() {
        let limit = 16
        let bytes = repeated("a", limit) + b("\n") + repeated("b", limit + 1) + b("\n") + repeated("c", limit * 10) + b("\nafter\n")
        for size in [1, 3, limit - 1, limit, limit + 1, 64, bytes.count] {
            let sizes = [Int](repeating: size, count: bytes.count / size + 1)
            let lines = FramingReference.frame(bytes, chunkSizes: sizes, maxLineLength: limit)
            #expect(lines.count == 4, "chunks of \(size)")
            guard lines.count == 4 else { continue }
            #expect(lines[0] == FramedLine(bytes: repeated("a", limit), number: 1, wasCut: false))
            #expect(lines[1] == FramedLine(bytes: repeated("b", limit), number: 2, wasCut: true))
            #expect(lines[2] == FramedLine(bytes: repeated("c", limit), number: 3, wasCut: true))
            #expect(lines[3] == FramedLine(bytes: b("after"), number: 4, wasCut: false))
        }
    }

    /// The default limit (64 KiB) with real read sizes: exactly at, one over and far over.
    @Test func defaultLimitWithLargeLines() {
        let limit = 64 * 1024
        let bytes = repeated("a", limit) + b("\n") + repeated("b", limit + 1) + b("\n") + repeated("c", limit * 5 + 7) + b("\n") + b(ufwLine()) + b("\n")
        let expected = [
            FramedLine(bytes: repeated("a", limit), number: 1, wasCut: false),
            FramedLine(bytes: repeated("b", limit), number: 2, wasCut: true),
            FramedLine(bytes: repeated("c", limit), number: 3, wasCut: true),
            FramedLine(bytes: b(ufwLine()), number: 4, wasCut: false),
        ]
        #expect(FramingReference.reference(bytes, maxLineLength: limit) == expected)
        for size in [4096, limit - 1, limit, limit + 1, 1 << 20] {
            let sizes = [Int](repeating: size, count: bytes.count / size + 1)
            #expect(FramingReference.frame(bytes, chunkSizes: sizes, maxLineLength: limit) == expected, "chunks of \(size)")
        }
        // Cut points around the limit inside the long lines.
        for split in [1, limit - 1, limit, limit + 1, limit + 2, 2 * limit + 1, 2 * limit + 2, 2 * limit + 3, 3 * limit] {
            #expect(FramingReference.frame(bytes, chunkSizes: [split], maxLineLength: limit) == expected, "split at \(split)")
        }
    }

    @Test func lineNumbersAreConsecutive() {
        var generator = SeededGenerator(seed: 7)
        var bytes: [UInt8] = []
        for index in 0..<500 {
            // Random bytes without LF or CR (CR rules have their own tests below), some lines over the limit;
            // a CRLF line of exactly the limit is left out (a known issue, tested below).
            var length = Int.random(in: 0...40, using: &generator)
            if index % 3 == 0 && length == 32 { length = 33 }
            bytes += (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
            bytes += index % 3 == 0 ? b("\r\n") : b("\n")
        }
        for round in 0..<20 {
            let sizes = FramingReference.randomSizes(total: bytes.count, maxChunk: 100, using: &generator)
            let lines = FramingReference.frame(bytes, chunkSizes: sizes, maxLineLength: 32)
            #expect(lines.map(\.number) == Array(1...500), "round \(round)")
            #expect(lines == FramingReference.reference(bytes, maxLineLength: 32), "round \(round)")
        }
    }

    @Test func lastLineDeliveredOnlyByFinish() {
        var framer = LineFramer(maxLineLength: 16)
        defer { framer.deallocate() }
        var seen: [[UInt8]] = []
        b("done\npartial").withUnsafeBytes { framer.feed($0) { seen.append(Array($0.bytes)) } }
        #expect(seen == [b("done")])
        framer.finish { seen.append(Array($0.bytes)) }
        #expect(seen == [b("done"), b("partial")])
        // Nothing is left: a second finish delivers nothing.
        framer.finish { seen.append(Array($0.bytes)) }
        #expect(seen.count == 2)
        #expect(framer.lineCount == 2)
    }

    @Test func emptyChunksChangeNothing() {
        var framer = LineFramer(maxLineLength: 16)
        defer { framer.deallocate() }
        var seen: [FramedLine] = []
        func collect(_ line: LineFramer.Line) { seen.append(FramedLine(bytes: Array(line.bytes), number: line.number, wasCut: line.wasCut)) }
        let empty: [UInt8] = []
        b("ab").withUnsafeBytes { framer.feed($0, collect) }
        empty.withUnsafeBytes { framer.feed($0, collect) }
        framer.feed(UnsafeRawBufferPointer(start: nil, count: 0), collect)
        b("c\n").withUnsafeBytes { framer.feed($0, collect) }
        framer.finish(collect)
        #expect(seen == [FramedLine(bytes: b("abc"), number: 1, wasCut: false)])
    }

    /// Whatever the rules for a cut line's last byte, the result must not depend on where the chunks fall.
    @Test(arguments: [3, 8, 12])
    func cutLineIsTheSameForEveryChunking(_ split: Int) {
        // A 20-byte line with a lone CR at the last position kept by a 16-byte limit.
        let bytes = repeated("a", 15) + b("\r") + repeated("z", 4) + b("\nnext\n")
        let whole = FramingReference.frameWhole(bytes, maxLineLength: 16)
        let reference = FramingReference.reference(bytes, maxLineLength: 16)
        #expect(reference[0].bytes == repeated("a", 15) + b("\r"))
        #expect(whole == reference)
        #expect(FramingReference.frame(bytes, chunkSizes: [split], maxLineLength: 16) == whole)
        // The following line is intact either way.
        #expect(FramingReference.frame(bytes, chunkSizes: [split], maxLineLength: 16).last == FramedLine(bytes: b("next"), number: 2, wasCut: false))
    }

    /// A line whose content is exactly the limit, ended by CRLF: the CR is the terminator, not content.
    @Test(arguments: [0, 5, 16, 17])
    func lineAtTheLimitWithCRLFIsNotCut(_ split: Int) {
        let bytes = repeated("a", 16) + b("\r\n") + b("next\r\n")
        let lines = FramingReference.frame(bytes, chunkSizes: [split], maxLineLength: 16)
        #expect(lines.count == 2)
        #expect(lines.first?.bytes == repeated("a", 16))
        #expect(lines.first?.wasCut == false)
        #expect(lines.last == FramedLine(bytes: b("next"), number: 2, wasCut: false))
    }
}
