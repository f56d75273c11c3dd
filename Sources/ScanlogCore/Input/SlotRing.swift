#if canImport(Glibc)
import Glibc
#endif

/// Hands slots `0..<depth` from a producer thread to a consumer, in order, and back: the coordination that
/// `ReadAhead` (chunks of bytes) and `ParseStage` (batches of parsed lines) share. What a slot holds is its
/// owner's business; the ring only says whose turn it is, under one lock.
///
/// The producer thread ends only when `close` asks it to (after it has `finish`ed, it waits): a consumer that
/// ends the process early (a report that cannot be written) never leaves a finished thread unjoined.
final class SlotRing: @unchecked Sendable {
    private var filled: [Int] = []
    private var free: [Int]
    private var finished = false
    private var stopping = false
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var thread = pthread_t()
    private var started = false

    init(depth: Int) {
        free = Array(0..<depth)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
    }

    deinit {
        close()
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&mutex)
    }

    /// Runs `produce` on a new thread, then `finish`; false if the thread cannot be started (the ring is then
    /// finished: `next` returns false).
    func start(_ produce: @escaping @Sendable () -> Void) -> Bool {
        final class Work: Sendable {
            let produce: @Sendable () -> Void
            let ring: SlotRing
            init(_ produce: @escaping @Sendable () -> Void, _ ring: SlotRing) {
                self.produce = produce
                self.ring = ring
            }
        }
        let context = Unmanaged.passRetained(Work(produce, self)).toOpaque()
        started = pthread_create(&thread, nil, { context in
            let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
            work.produce()
            work.ring.finish()
            return nil
        }, context) == 0
        if !started {
            Unmanaged<Work>.fromOpaque(context).release()
            withLock { finished = true }
        }
        return started
    }

    /// Runs `body` under the ring's lock (for state the two threads share besides the slots).
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    // MARK: The producer

    /// A free slot to fill, waiting for one; nil once the consumer has closed the ring.
    func takeFree() -> Int? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while free.isEmpty && !stopping { pthread_cond_wait(&changed, &mutex) }
        return stopping ? nil : free.removeFirst()
    }

    /// Hands `slot` to the consumer; `update` runs under the lock first.
    func publish(_ slot: Int, update: () -> Void = {}) {
        pthread_mutex_lock(&mutex)
        update()
        filled.append(slot)
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    /// Gives back a slot taken but not filled.
    func giveBack(_ slot: Int) {
        pthread_mutex_lock(&mutex)
        free.append(slot)
        pthread_mutex_unlock(&mutex)
    }

    /// Nothing more will be published. Then waits until `close`.
    private func finish() {
        pthread_mutex_lock(&mutex)
        finished = true
        pthread_cond_broadcast(&changed)
        while !stopping { pthread_cond_wait(&changed, &mutex) }
        pthread_mutex_unlock(&mutex)
    }

    // MARK: The consumer

    /// Hands the next filled slot to `body` and then frees it; returns false, without calling `body`, once the
    /// producer has finished and every slot it published has been handed out.
    func next(_ body: (Int) throws -> Void) rethrows -> Bool {
        pthread_mutex_lock(&mutex)
        while filled.isEmpty && !finished { pthread_cond_wait(&changed, &mutex) }
        guard !filled.isEmpty else {
            pthread_mutex_unlock(&mutex)
            return false
        }
        let slot = filled.removeFirst()
        pthread_mutex_unlock(&mutex)
        defer {
            pthread_mutex_lock(&mutex)
            free.append(slot)
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&mutex)
        }
        try body(slot)
        return true
    }

    /// Stops the producer (wherever it is: waiting for a slot, or finished) and waits for its thread to end.
    func close() {
        guard started else { return }
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
        pthread_join(thread, nil)
        started = false
    }
}
