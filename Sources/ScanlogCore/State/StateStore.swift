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
    public static func load(_ path: String) throws(StateError) -> NightlyState {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if !FileManager.default.fileExists(atPath: path) { return NightlyState() }
            throw .io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try NightlyState.decode(data, path: path)
    }

    /// Replaces the state at `path` with `state`, atomically.
    public static func save(_ state: NightlyState, to path: String) throws(StateError) {
        let data = state.encoded()
        var descriptor: Int32 = -1
        var temporary = ""
        for attempt in 0..<16 {
            temporary = "\(path).tmp-\(getpid())-\(attempt)"
            descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            throw .io(path: path, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
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
