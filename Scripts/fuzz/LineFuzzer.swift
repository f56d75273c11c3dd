// libFuzzer target: the line parser, one line and framed multi-line input.
//   1. the whole input as one line through LineParser.parse (fresh parser);
//   2. the input framed by LineFramer (small limit, odd chunk sizes chosen by the first byte), checked
//      against a reference split, and every line parsed by one parser into an Aggregator whose accounting
//      must stay balanced.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if hitsKnownBug(bytes) { return -1 }  // -1: not added to the corpus

    // 1. One line.
    do {
        var pipeline = FuzzPipeline()
        let outcome = bytes.withUnsafeBytes { pipeline.parser.parse($0, into: &pipeline.record) }
        pipeline.handle(outcome)
    }

    // 2. Framed.
    guard size > 0 else { return 0 }
    let control = bytes[0]
    // 1...32, or 4096 so that whole log lines reach the parser and the aggregator.
    let maxLineLength = control & 0x20 != 0 ? 4096 : Int(control & 0x1F) + 1
    let chunkSize = Int(control >> 6) * 5 + 1             // 1, 6, 11, 16
    let body = Array(bytes.dropFirst())
    var framer = LineFramer(maxLineLength: maxLineLength)
    defer { framer.deallocate() }
    var pipeline = FuzzPipeline()
    var delivered: [([UInt8], Bool)] = []
    body.withUnsafeBytes { all in
        var start = 0
        while start < all.count {
            let end = min(all.count, start + chunkSize)
            framer.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])) { line in
                delivered.append((Array(line.bytes), line.wasCut))
                fuzzCheck(line.number == delivered.count, "line number \(line.number), expected \(delivered.count)")
                pipeline.handle(line, maxLineLength: maxLineLength)
            }
            start = end
        }
    }
    framer.finish { line in
        delivered.append((Array(line.bytes), line.wasCut))
        pipeline.handle(line, maxLineLength: maxLineLength)
    }
    fuzzCheck(framer.lineCount == delivered.count, "lineCount \(framer.lineCount) != delivered \(delivered.count)")
    let expected = referenceLines(body, maxLineLength: maxLineLength)
    fuzzCheck(delivered.count == expected.count, "framer delivered \(delivered.count) lines, reference \(expected.count)")
    for (index, (got, want)) in zip(delivered, expected).enumerated() {
        fuzzCheck(got.0 == want.0 && got.1 == want.1,
                  "line \(index + 1): got \(got.0) cut=\(got.1), expected \(want.0) cut=\(want.1) (limit \(maxLineLength), chunk \(chunkSize))")
    }
    fuzzCheck(pipeline.aggregator.accounting.lines == UInt64(delivered.count), "aggregator lines != framed lines")
    return 0
}
