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

    /// Notes `path` as a file to remove if a terminating signal arrives before `unregister`.
    public static func register(_ path: String) {
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
