/// Why an input could not be read, or could not be read to its end. Every case names the input.
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case isDirectory(path: String)
    case permissionDenied(path: String)
    case openFailed(path: String, reason: String)
    case readFailed(path: String, offset: Int64, reason: String)
    /// The gzip stream ended before its end marker (a file cut short, or still being written).
    case gzipTruncated(path: String, compressedOffset: Int64)
    /// zlib rejected the data (bad header, CRC or length mismatch, invalid deflate data).
    case gzipCorrupt(path: String, compressedOffset: Int64, reason: String)

    public var path: String {
        switch self {
        case .notFound(let path), .isDirectory(let path), .permissionDenied(let path),
            .openFailed(let path, _), .readFailed(let path, _, _),
            .gzipTruncated(let path, _), .gzipCorrupt(let path, _, _):
            path
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file"
        case .isDirectory(let path): "\(path): is a directory, not a log file"
        case .permissionDenied(let path): "\(path): permission denied (run as a user who can read it, e.g. with sudo or in group adm)"
        case .openFailed(let path, let reason): "\(path): cannot open: \(reason)"
        case .readFailed(let path, let offset, let reason): "\(path): read failed at byte \(offset): \(reason)"
        case .gzipTruncated(let path, let offset):
            "\(path): gzip data ends early at compressed byte \(offset) (truncated file); lines before it were kept"
        case .gzipCorrupt(let path, let offset, let reason):
            "\(path): corrupt gzip data at compressed byte \(offset): \(reason); lines before it were kept"
        }
    }
}
