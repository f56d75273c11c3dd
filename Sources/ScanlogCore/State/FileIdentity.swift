#if canImport(Glibc)
import Glibc
#endif

/// What tells one log file from another across renames, compression and truncation: the device and inode,
/// the size, and a hash of its first bytes (of the inflated stream for gzip, so that `ufw.log.1` and the
/// `ufw.log.2.gz` logrotate made of it have the same head).
public struct FileIdentity: Equatable, Sendable {
    /// How many leading bytes the head hash covers at most.
    public static let headLimit = 4096

    public var device: UInt64
    public var inode: UInt64
    /// The size on disk (compressed size for gzip).
    public var size: UInt64
    public var isGzip: Bool
    /// The first `min(headLimit, length)` bytes of the (inflated) content.
    public var head: [UInt8]

    public init(device: UInt64, inode: UInt64, size: UInt64, isGzip: Bool, head: [UInt8]) {
        self.device = device
        self.inode = inode
        self.size = size
        self.isGzip = isGzip
        self.head = head
    }

    /// The hash of the first `length` bytes of the head; nil when the head is shorter (so it cannot be that file).
    public func headHash(length: Int) -> UInt64? {
        guard length <= head.count else { return nil }
        return HeadHash.fnv1a64(head[0..<length])
    }

    /// The device and inode `path` leads to now, or nil.
    public static func inode(path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Reads the identity of the file at `path`; gzip is recognised by content, as when it is analysed.
    public static func read(path: String) throws(InputError) -> FileIdentity {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT, ENOTDIR: throw .notFound(path: path)
            case EACCES, EPERM: throw .permissionDenied(path: path)
            default: throw .openFailed(path: path, reason: String(cString: strerror(errno)))
            }
        }
        var opened = try InputOpener.open(InputSpec(path: path))
        defer { opened.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: headLimit, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < headLimit {
            let count = try opened.source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        let head = Array(buffer[0..<filled])
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: UInt64(info.st_size),
                            isGzip: opened.isGzip, head: head)
    }
}

/// FNV-1a, 64 bits: enough to tell log heads apart (they start with timestamps), and no dependency.
public enum HeadHash {
    public static func fnv1a64<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
