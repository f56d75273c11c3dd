#if canImport(Glibc)
import Glibc
#endif

/// One input as the user named it: a path, or standard input (`-`).
public struct InputSpec: Hashable, Sendable {
    public let path: String
    /// Where to start in the (decompressed) stream: a plain file is read from this byte on, a gzip stream is
    /// inflated and the bytes before it discarded (`scanlog nightly` resuming where the last run stopped).
    public var startOffset: UInt64 = 0
    public var isStandardInput: Bool { path == "-" }
    public init(path: String) { self.path = path }
    public init(path: String, startOffset: UInt64) {
        self.path = path
        self.startOffset = startOffset
    }
}

/// An opened input: its bytes (decompressed when it was gzip) and what is known about the file.
public struct OpenedInput {
    public let spec: InputSpec
    public var source: any ByteSource
    public let isGzip: Bool
    /// The file's modification time (seconds since the epoch), used to infer the year of year-less timestamps.
    public let modificationTime: Int64?
    private let cleanup: () -> Void

    init(spec: InputSpec, source: any ByteSource, isGzip: Bool, modificationTime: Int64?, cleanup: @escaping () -> Void) {
        self.spec = spec
        self.source = source
        self.isGzip = isGzip
        self.modificationTime = modificationTime
        self.cleanup = cleanup
    }

    /// Closes the file and frees buffers.
    public func close() { cleanup() }
}

/// Opens inputs and tells gzip from plain text by the magic bytes (1f 8b), never by the name.
public enum InputOpener {
    public static func open(_ spec: InputSpec) throws(InputError) -> OpenedInput {
        let descriptor: Int32
        var modificationTime: Int64?
        if spec.isStandardInput {
            descriptor = 0
        } else {
            descriptor = Glibc.open(spec.path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                switch errno {
                case ENOENT, ENOTDIR: throw .notFound(path: spec.path)
                case EACCES, EPERM: throw .permissionDenied(path: spec.path)
                default: throw .openFailed(path: spec.path, reason: String(cString: strerror(errno)))
                }
            }
            var info = stat()
            if fstat(descriptor, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    Glibc.close(descriptor)
                    throw .isDirectory(path: spec.path)
                }
                modificationTime = Int64(info.st_mtim.tv_sec)
            }
        }
        let name = spec.isStandardInput ? "<stdin>" : spec.path
        var file = FileDescriptorSource(descriptor: descriptor, displayName: name)
        // Sniff the first two bytes; a short read (pipe) may need more than one call.
        var magic: [UInt8] = []
        var byte: UInt8 = 0
        while magic.count < 2 {
            let count = try withUnsafeMutableBytes(of: &byte) { (bytes) throws(InputError) -> Int in try file.read(into: bytes) }
            if count == 0 { break }
            magic.append(byte)
        }
        let replay = ReplayingSource(replaying: magic, then: file)
        if magic == [0x1f, 0x8b] {
            let gzip = GzipSource(replay, displayName: name)
            let source: any ByteSource = spec.startOffset > 0 ? DiscardingSource(gzip, discarding: spec.startOffset) : gzip
            return OpenedInput(spec: spec, source: source, isGzip: true, modificationTime: modificationTime) {
                gzip.deallocate()
                file.close()
            }
        }
        if spec.startOffset > 0 && !spec.isStandardInput {
            guard lseek(descriptor, off_t(spec.startOffset), SEEK_SET) >= 0 else {
                let reason = String(cString: strerror(errno))
                file.close()
                throw .openFailed(path: spec.path, reason: "cannot seek to byte \(spec.startOffset): \(reason)")
            }
            let resumed = FileDescriptorSource(descriptor: descriptor, displayName: name)
            return OpenedInput(spec: spec, source: resumed, isGzip: false, modificationTime: modificationTime) { file.close() }
        }
        return OpenedInput(spec: spec, source: replay, isGzip: false, modificationTime: modificationTime) { file.close() }
    }
}

/// Drops the first `count` bytes of another source (a gzip stream resumed at an offset of its inflated bytes).
struct DiscardingSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private var remaining: UInt64

    init(_ base: Base, discarding count: UInt64) {
        self.base = base
        self.remaining = count
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while remaining > 0 {
            let count = try base.read(into: buffer)
            if count == 0 { return 0 }
            if UInt64(count) <= remaining {
                remaining -= UInt64(count)
                continue
            }
            let skip = Int(remaining)
            remaining = 0
            let kept = count - skip
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + skip, byteCount: kept)
            return kept
        }
        return try base.read(into: buffer)
    }
}
