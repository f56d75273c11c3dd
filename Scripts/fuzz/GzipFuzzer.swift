// libFuzzer target: GzipSource -> ReadAhead -> LineFramer -> LineParser -> Aggregator, as LogReader runs them.
// The first byte picks the buffer sizes; the rest is the compressed file. InputErrors are expected and
// ignored; anything else (a trap, a sanitizer report, a broken invariant) is a crash. The inflated bytes must
// not depend on the buffer sizes: a run with large buffers is the reference.

#if canImport(Glibc)
import Glibc
#endif

let outputLimit = 1 << 18

/// SCANLOG_FUZZ_NO_THREADS=1 (the deterministic CI run, `Scripts/fuzz.sh --runs`): GzipSource is read on this
/// thread, without ReadAhead, whose reader thread's coverage varies with scheduling and would make runs differ.
let fuzzWithoutThreads = getenv("SCANLOG_FUZZ_NO_THREADS").map { String(cString: $0) == "1" } ?? false

/// Inflates `compressed` completely; returns the bytes and the fault, if any.
func inflateAll(_ compressed: [UInt8], piece: Int, gzipBuffer: Int, chunkSize: Int,
                _ body: ((UnsafeRawBufferPointer) -> Void)? = nil) -> ([UInt8], InputError?) {
    var gzip = GzipSource(MemorySource(bytes: compressed, piece: piece), displayName: "fuzz.gz", bufferSize: gzipBuffer)
    defer { gzip.deallocate() }
    if fuzzWithoutThreads {
        var output: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        do {
            while output.count < outputLimit {
                let count = try gzip.read(into: buffer)
                if count == 0 { break }
                fuzzCheck(count <= chunkSize, "read \(count) bytes into \(chunkSize)")
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                output.append(contentsOf: chunk)
                body?(chunk)
            }
        } catch {
            return (output.count >= outputLimit ? Array(output.prefix(outputLimit)) : output, error)
        }
        return (output.count >= outputLimit ? Array(output.prefix(outputLimit)) : output, nil)
    }
    let reader = ReadAhead(gzip, chunkSize: chunkSize)
    defer { reader.close() }
    var output: [UInt8] = []
    var fault: InputError?
    do {
        // Stop at 256 KiB of output (a bomb would only slow the fuzzer down); the rest is not compared.
        while output.count < outputLimit, try reader.next({ chunk in
            fuzzCheck(chunk.count > 0 && chunk.count <= chunkSize, "chunk of \(chunk.count) bytes, size \(chunkSize)")
            output.append(contentsOf: chunk)
            body?(chunk)
        }) {}
    } catch {
        fault = error
    }
    // After the end or a fault, the reader stays at its end.
    if output.count >= outputLimit { return (Array(output.prefix(outputLimit)), nil) }
    do {
        let again = try reader.next { _ in fuzzFail("a chunk after the end") }
        fuzzCheck(!again, "reader continued after the end")
    } catch {
        fuzzFail("second fault after the end: \(error)")
    }
    return (output, fault)
}

func faultKind(_ error: InputError?) -> String {
    switch error {
    case nil: "none"
    case .gzipTruncated?: "truncated"
    case .gzipCorrupt?: "corrupt"
    case let other?: "other: \(other)"
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let compressed = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let piece = [1, 7, 64, 1 << 20][Int(control & 3)]
    let gzipBuffer = [1, 13, 512, 1 << 16][Int((control >> 2) & 3)]
    let chunkSize = [64, 1000, 4096, 1 << 16][Int((control >> 4) & 3)]
    let maxLineLength = [8, 40, 200, 64 * 1024][Int(control >> 6)]

    var framer = LineFramer(maxLineLength: maxLineLength)
    defer { framer.deallocate() }
    var pipeline = FuzzPipeline()
    let (output, fault) = inflateAll(compressed, piece: piece, gzipBuffer: gzipBuffer, chunkSize: chunkSize) { chunk in
        framer.feed(chunk) { line in pipeline.handle(line, maxLineLength: maxLineLength) }
    }
    if fault != nil && framer.hasPartialLine {
        framer.finish { _ in pipeline.handle(.unparsed(.cutByReadError)) }
    } else {
        framer.finish { line in pipeline.handle(line, maxLineLength: maxLineLength) }
    }
    fuzzCheck(pipeline.aggregator.accounting.lines == UInt64(framer.lineCount), "aggregator lines \(pipeline.aggregator.accounting.lines) != framed \(framer.lineCount)")
    if case .readFailed? = fault { fuzzFail("readFailed from a memory source: \(fault!)") }

    if output.count >= outputLimit { return 0 }
    // Differential: the same stream with large buffers.
    let (reference, referenceFault) = inflateAll(compressed, piece: 1 << 20, gzipBuffer: 1 << 18, chunkSize: 1 << 20)
    fuzzCheck(output == reference, "inflated \(output.count) bytes with buffers (\(piece), \(gzipBuffer), \(chunkSize)), \(reference.count) with large ones")
    fuzzCheck(faultKind(fault) == faultKind(referenceFault), "fault \(faultKind(fault)) with small buffers, \(faultKind(referenceFault)) with large")
    return 0
}
