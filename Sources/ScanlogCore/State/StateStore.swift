import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the nightly state lives, and how it is locked, read and written.
///
/// - one run at a time: `flock` on `PATH.lock` beside it, without waiting (a second run fails at once);
/// - written only whole: a new temporary file in the same directory (`O_CREAT|O_EXCL|O_NOFOLLOW`, so a
///   symlink planted there is never followed), fsync, rename over the state, fsync of the directory.
public enum StateStore {
    /// `/var/lib/scanlog/state.json` for root; `$XDG_STATE_HOME/scanlog/state.json`, or
    /// `~/.local/state/scanlog/state.json`, for anyone else.
    public static func defaultPath(isRoot: Bool = geteuid() == 0,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if isRoot { return "/var/lib/scanlog/state.json" }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/scanlog/state.json"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/scanlog/state.json"
    }

    /// A held lock; released when closed or when the process ends.
    public final class Lock {
        private var descriptor: Int32
        init(descriptor: Int32) { self.descriptor = descriptor }
        public func release() {
            if descriptor >= 0 { Glibc.close(descriptor) }
            descriptor = -1
        }
        deinit { release() }
    }

    /// Takes the lock beside `statePath` (creating its directory when missing), or throws `.locked` at once.
    public static func lock(_ statePath: String) throws(StateError) -> Lock {
        let directory = (statePath as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o755])
            } catch {
                throw .io(path: statePath, reason: "cannot create the directory \(directory): \(error.localizedDescription)")
            }
        }
        let lockPath = statePath + ".lock"
        let descriptor = Glibc.open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .io(path: lockPath, reason: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let code = errno
            Glibc.close(descriptor)
            if code == EWOULDBLOCK { throw .locked(path: lockPath) }
            throw .io(path: lockPath, reason: "cannot lock: \(String(cString: strerror(code)))")
        }
        return Lock(descriptor: descriptor)
    }

    /// The state at `path`; an empty state when there is no file yet. A damaged file is an error.
    /// Only a regular file is read: not through a symlink (one planted in a shared directory would make scanlog
    /// read another file as its state; `save` replaces the link, never follows it), nor a FIFO (which would hang).
    public static func load(_ path: String) throws(StateError) -> NightlyState {
        let descriptor = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { return NightlyState() }
            if code == ELOOP {
                throw .io(path: path, reason: "is a symlink, which scanlog does not follow: remove it, or give --state the real path")
            }
            throw .io(path: path, reason: "cannot read: \(String(cString: strerror(code)))")
        }
        defer { Glibc.close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw .io(path: path, reason: "not a regular file")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return try NightlyState.decode(data, path: path)
    }

    /// Replaces the state at `path` with `state`, atomically.
    public static func save(_ state: NightlyState, to path: String) throws(StateError) {
        let data = state.encoded()
        let (descriptor, temporary) = TemporaryFiles.create(mode: 0o600) { attempt in "\(path).tmp-\(getpid())-\(attempt)" }
        guard descriptor >= 0 else {
            throw .io(path: path, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        defer { TemporaryFiles.unregister(temporary) }
        func fail(_ what: String) -> StateError {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            unlink(temporary)
            return .io(path: path, reason: "\(what): \(reason); the state was not changed")
        }
        var written = 0
        while written < data.count {
            let count = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, data.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail("cannot write \(temporary)")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw fail("cannot sync \(temporary)") }
        guard Glibc.close(descriptor) == 0 else {
            unlink(temporary)
            throw .io(path: path, reason: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .io(path: path, reason: "cannot rename \(temporary) to it: \(reason); the state was not changed")
        }
        // Make the rename itself durable.
        let directory = (path as NSString).deletingLastPathComponent
        let directoryDescriptor = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            Glibc.close(directoryDescriptor)
        }
    }

    /// Now as RFC 3339 UTC, for the `written` field.
    public static func timestamp(_ seconds: Int64 = Int64(time(nil))) -> String {
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
