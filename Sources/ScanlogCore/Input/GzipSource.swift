import CZlib

/// Inflates a gzip stream read from another source, member after member (`cat a.gz b.gz` is one stream).
///
/// Data after the last member that is not gzip (a NUL-padded or appended tail) is an error, as is a
/// member cut short. Everything inflated before the fault has already been returned to the caller.
public struct GzipSource<Compressed: ByteSource>: ByteSource {
    private var compressed: Compressed
    private let displayName: String
    private var state: InflateState
    private var input: UnsafeMutableRawBufferPointer
    private var inputEnd = 0
    private var compressedEOF = false
    private var finished = false
    /// Compressed bytes handed to zlib so far (for messages).
    private var consumedBefore: Int64 = 0

    /// Owns the z_stream so that it is released exactly once.
    private final class InflateState {
        var stream = z_stream()
        var initialized = false
        deinit { if initialized { inflateEnd(&stream) } }
    }

    public init(_ compressed: Compressed, displayName: String, bufferSize: Int = 1 << 18) {
        self.compressed = compressed
        self.displayName = displayName
        self.state = InflateState()
        self.input = .allocate(byteCount: bufferSize, alignment: 16)
    }

    /// Frees the input buffer; the source must not be read afterwards.
    public func deallocate() { input.deallocate() }

    private var compressedOffset: Int64 {
        consumedBefore + Int64(inputEnd) - Int64(state.stream.avail_in)
    }

    private mutating func refill() throws(InputError) {
        let unread = Int(state.stream.avail_in)
        if unread > 0, let next = state.stream.next_in {
            let start = UnsafeMutableRawPointer(next)
            input.baseAddress!.copyMemory(from: start, byteCount: unread)
        }
        consumedBefore += Int64(inputEnd - unread)
        let count = try compressed.read(into: UnsafeMutableRawBufferPointer(rebasing: input[unread...]))
        if count == 0 { compressedEOF = true }
        inputEnd = unread + count
        state.stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        state.stream.avail_in = UInt32(inputEnd)
    }

    private mutating func startMember() throws(InputError) {
        if state.initialized {
            inflateReset(&state.stream)
        } else {
            // 16 + MAX_WBITS: expect a gzip header and trailer.
            let status = scanlog_inflateInit2(&state.stream, 16 + 15)
            guard status == Z_OK else {
                throw InputError.gzipCorrupt(path: displayName, compressedOffset: 0, reason: "zlib could not start (\(status))")
            }
            state.initialized = true
        }
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let error = pendingError {
            pendingError = nil
            throw error
        }
        if finished || buffer.isEmpty { return 0 }
        if !state.initialized {
            try refill()
            try startMember()
        }
        state.stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        state.stream.avail_out = UInt32(clamping: buffer.count)
        while state.stream.avail_out > 0 {
            if state.stream.avail_in == 0 && !compressedEOF { try refill() }
            let status = inflate(&state.stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                // A member ended: skip to the next one if more bytes follow.
                if state.stream.avail_in == 0 && !compressedEOF { try refill() }
                if state.stream.avail_in == 0 {
                    finished = true
                    return buffer.count - Int(state.stream.avail_out)
                }
                if state.stream.next_in[0] != 0x1f {
                    let offset = compressedOffset
                    finished = true
                    let produced = buffer.count - Int(state.stream.avail_out)
                    pendingError = .gzipCorrupt(path: displayName, compressedOffset: offset, reason: "trailing data after the last gzip member")
                    if produced > 0 { return produced }
                    throw pendingError!
                }
                inflateReset(&state.stream)
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                if state.stream.avail_in == 0 && compressedEOF {
                    return try endEarly(produced: buffer.count - Int(state.stream.avail_out))
                }
            default:
                let reason = state.stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                let produced = buffer.count - Int(state.stream.avail_out)
                finished = true
                pendingError = .gzipCorrupt(path: displayName, compressedOffset: compressedOffset, reason: reason)
                if produced > 0 { return produced }
                throw pendingError!
            }
        }
        return buffer.count
    }

    /// A fault found while the output buffer already held data: that data is returned first, the fault on the next read.
    private var pendingError: InputError?

    private mutating func endEarly(produced: Int) throws(InputError) -> Int {
        finished = true
        pendingError = .gzipTruncated(path: displayName, compressedOffset: compressedOffset)
        if produced > 0 { return produced }
        throw pendingError!
    }
}
