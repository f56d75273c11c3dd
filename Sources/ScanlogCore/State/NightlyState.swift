import Foundation

/// What `scanlog nightly` remembers between runs: every log it read, by identity, and where it stopped.
///
/// Stored as JSON (`{"schema": 1, "files": [...]}`); the file is tiny, so Foundation's coders are fine here.
public struct NightlyState: Codable, Equatable, Sendable {
    public static let currentSchema = 1

    public var schema: Int = NightlyState.currentSchema
    /// When the state was written (RFC 3339 UTC), for people reading the file.
    public var written: String?
    public var files: [RememberedFile] = []

    public init(files: [RememberedFile] = [], written: String? = nil) {
        self.files = files
        self.written = written
    }

    /// Reads a state file's bytes; anything but a schema-1 state is `StateError.damaged`.
    public static func decode(_ data: Data, path: String) throws(StateError) -> NightlyState {
        struct Version: Decodable { var schema: Int? }
        let version: Version
        do {
            version = try JSONDecoder().decode(Version.self, from: data)
        } catch {
            throw .damaged(path: path, reason: "not a scanlog state file (not JSON)")
        }
        guard let schema = version.schema else { throw .damaged(path: path, reason: "no \"schema\" field") }
        guard schema == currentSchema else {
            throw .damaged(path: path, reason: "schema \(schema), this scanlog reads schema \(currentSchema)")
        }
        do {
            return try JSONDecoder().decode(NightlyState.self, from: data)
        } catch {
            throw .damaged(path: path, reason: "unreadable: \(Self.describe(error))")
        }
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain numbers, strings and booleans cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }

    private static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            "missing \"\(key.stringValue)\"" + Self.place(context.codingPath)
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            "bad value" + Self.place(context.codingPath)
        default:
            "\(error)"
        }
    }

    private static func place(_ path: [CodingKey]) -> String {
        path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// One log as the last successful run left it.
public struct RememberedFile: Codable, Equatable, Sendable {
    /// The name it had then (for messages; files are recognised by identity, not name).
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    public var size: UInt64
    public var gzip: Bool
    /// How many leading bytes `headHash` covers.
    public var headBytes: Int
    /// FNV-1a 64 of those bytes, 16 hex digits.
    public var headHash: String
    /// The (inflated) byte offset after the last complete line read.
    public var offset: UInt64
    /// A gzip file read to its end: it cannot grow, so it is skipped while its identity stays the same.
    public var complete: Bool

    enum CodingKeys: String, CodingKey {
        case path, device, inode, size, gzip, offset, complete
        case headBytes = "head_bytes"
        case headHash = "head_hash"
    }

    public init(path: String, identity: FileIdentity, offset: UInt64, complete: Bool) {
        self.path = path
        device = identity.device
        inode = identity.inode
        size = identity.size
        gzip = identity.isGzip
        headBytes = identity.head.count
        headHash = HeadHash.hex(HeadHash.fnv1a64(identity.head))
        self.offset = offset
        self.complete = complete
    }

    /// Whether `identity`'s content starts with the head remembered here.
    public func headMatches(_ identity: FileIdentity) -> Bool {
        guard let hash = identity.headHash(length: headBytes) else { return false }
        return HeadHash.hex(hash) == headHash
    }

    public func sameInode(_ identity: FileIdentity) -> Bool {
        device == identity.device && inode == identity.inode
    }
}

/// Why the state could not be used or kept.
public enum StateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not parseable, or another schema: never silently replaced by a full re-read.
    case damaged(path: String, reason: String)
    /// Another run holds the lock.
    case locked(path: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .damaged(let path, let reason):
            "state file \(path) is damaged: \(reason). Remove it, or run with --reset-state, to read every log again from its start"
        case .locked(let path):
            "another scanlog nightly is running with this state (\(path) is locked); nothing was read. Try again when it has finished"
        case .io(let path, let reason):
            "state file \(path): \(reason)"
        }
    }
}
