#if canImport(Glibc)
import Glibc
#endif

/// Temporary files scanlog is writing (the report's `--output` file, the nightly state) that must not outlive
/// the run: `SIGINT`, `SIGTERM` and `SIGHUP` remove them before the process ends with the signal's usual status.
///
/// The handler only calls `unlink`, `signal` and `raise` (async-signal-safe) on paths copied to C memory when
/// they are registered; nothing is allocated or locked inside it.
public enum TemporaryFiles {
    private static let capacity = 4
    /// `capacity` slots, each a `strdup`ed path or nil; allocated once by `removeOnTerminatingSignals`.
    nonisolated(unsafe) private static var slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

    /// Installs the handlers and unblocks the three signals (a parent may hand down a mask that blocks them:
    /// Foundation's `Process` does, which would leave the run deaf to everything but `SIGKILL`); call once at
    /// start, on the main thread before any other thread starts, and before any `register`.
    public static func removeOnTerminatingSignals() {
        guard slots == nil else { return }
        let storage = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        storage.initialize(repeating: nil, count: capacity)
        slots = storage
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in
                TemporaryFiles.removeAll()
                signal(received, SIG_DFL)
                raise(received)
            }
            sigaddset(&unblocked, signalNumber)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }

    /// Creates a new file for writing under the first free name of `name(attempt)` (16 tries; `O_EXCL`, never
    /// through a symlink) and registers it, with the terminating signals held back so that none can come between
    /// the file's creation and its registration (one that arrives meanwhile is delivered, and removes the file,
    /// right after). On failure the descriptor is -1, `errno` tells why, and `path` is the last name tried.
    public static func create(mode: mode_t, name: (Int) -> String) -> (descriptor: Int32, path: String) {
        var held = sigset_t(), previous = sigset_t()
        sigemptyset(&held)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&held, signalNumber) }
        pthread_sigmask(SIG_BLOCK, &held, &previous)
        var path = ""
        var descriptor: Int32 = -1
        for attempt in 0..<16 {
            path = name(attempt)
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        let failure = errno
        if descriptor >= 0 { register(path) }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        errno = failure
        return (descriptor, path)
    }

    /// Notes `path` as a file to remove if a terminating signal arrives before `unregister`.
    static func register(_ path: String) {
        guard let slots else { return }
        for index in 0..<capacity where slots[index] == nil {
            slots[index] = strdup(path)
            return
        }
    }

    /// The file at `path` is renamed into place or removed: a signal must no longer touch it.
    public static func unregister(_ path: String) {
        guard let slots else { return }
        for index in 0..<capacity {
            guard let stored = slots[index], strcmp(stored, path) == 0 else { continue }
            slots[index] = nil
            free(stored)
        }
    }

    /// Removes every registered file (from the signal handler).
    private static func removeAll() {
        guard let slots else { return }
        for index in 0..<capacity {
            if let stored = slots[index] { unlink(stored) }
        }
    }
}
