#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that produces the bytes of one input, in order: a file, standard input, or a decompressor.
public protocol ByteSource {
    /// Fills the front of `buffer` and returns how many bytes were written; 0 means the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
}

/// Reads a file descriptor with large `read(2)` calls; closes it when asked.
public struct FileDescriptorSource: ByteSource {
    public let descriptor: Int32
    public let displayName: String
    /// Bytes returned so far: the offset of the next byte in the file.
    public private(set) var offset: Int64 = 0

    public init(descriptor: Int32, displayName: String) {
        self.descriptor = descriptor
        self.displayName = displayName
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 {
                offset += Int64(count)
                return count
            }
            if errno == EINTR { continue }
            throw InputError.readFailed(path: displayName, offset: offset, reason: String(cString: strerror(errno)))
        }
    }

    public func close() {
        if descriptor > 2 { _ = Glibc.close(descriptor) }
    }
}

/// Replays bytes already taken from a source (the sniffed magic bytes), then goes on with the source.
public struct ReplayingSource<Base: ByteSource>: ByteSource {
    private var pending: [UInt8]
    private var pendingStart = 0
    public private(set) var base: Base

    public init(replaying bytes: [UInt8], then base: Base) {
        self.pending = bytes
        self.base = base
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if pendingStart < pending.count {
            let count = min(buffer.count, pending.count - pendingStart)
            pending.withUnsafeBytes { bytes in
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + pendingStart, byteCount: count)
            }
            pendingStart += count
            return count
        }
        return try base.read(into: buffer)
    }
}
