#if canImport(Glibc)
import Glibc
#endif

/// Reads a source (a file, a pipe, a gzip stream) on its own thread, a few large chunks ahead of the parser,
/// so that reading and decompressing on one core overlap with parsing on the other.
///
/// The chunks go round a small ring of buffers: the reader fills free ones, the consumer hands each back when
/// it has framed it. A fault is reported after every chunk read before it.
public final class ReadAhead: @unchecked Sendable {
    private var source: any ByteSource
    private var buffers: [UnsafeMutableRawBufferPointer]
    private var counts: [Int]
    private var filled: [Int] = []
    private var free: [Int]
    private var finished = false
    private var stopping = false
    private var failure: InputError?
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var thread = pthread_t()
    private var started = false

    public init(_ source: any ByteSource, chunkSize: Int, depth: Int = 3) {
        self.source = source
        buffers = (0..<depth).map { _ in .allocate(byteCount: chunkSize, alignment: 64) }
        counts = [Int](repeating: 0, count: depth)
        free = Array(0..<depth)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        started = pthread_create(&thread, nil, { context in
            let reader = Unmanaged<ReadAhead>.fromOpaque(context!).takeRetainedValue()
            reader.produce()
            return nil
        }, context) == 0
        if !started {
            Unmanaged<ReadAhead>.fromOpaque(context).release()
            finished = true
            failure = .readFailed(path: "", offset: 0, reason: "cannot start the reader thread")
        }
    }

    /// The reader thread: fill free buffers until the end of the source or a fault.
    private func produce() {
        while true {
            pthread_mutex_lock(&mutex)
            while free.isEmpty && !stopping { pthread_cond_wait(&changed, &mutex) }
            if stopping {
                pthread_mutex_unlock(&mutex)
                return
            }
            let index = free.removeFirst()
            pthread_mutex_unlock(&mutex)

            var count = 0
            var fault: InputError?
            do { count = try source.read(into: buffers[index]) } catch { fault = error }

            pthread_mutex_lock(&mutex)
            if let fault {
                failure = fault
                finished = true
                free.append(index)
            } else if count == 0 {
                finished = true
                free.append(index)
            } else {
                counts[index] = count
                filled.append(index)
            }
            let done = finished
            pthread_cond_broadcast(&changed)
            if done {
                // Wait for `close` to join: the consumer may end the process (a report that cannot be written)
                // first, and a thread must not be left finished but never joined.
                while !stopping { pthread_cond_wait(&changed, &mutex) }
                pthread_mutex_unlock(&mutex)
                return
            }
            pthread_mutex_unlock(&mutex)
        }
    }

    /// Hands the next chunk to `body`; returns false at the end. Throws the source's fault once every chunk
    /// read before it has been handed out.
    public func next(_ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) -> Bool {
        pthread_mutex_lock(&mutex)
        while filled.isEmpty && !finished { pthread_cond_wait(&changed, &mutex) }
        guard !filled.isEmpty else {
            let fault = failure
            failure = nil
            pthread_mutex_unlock(&mutex)
            if let fault { throw fault }
            return false
        }
        let index = filled.removeFirst()
        let count = counts[index]  // read under the lock: the reader thread writes other elements of `counts`
        pthread_mutex_unlock(&mutex)

        body(UnsafeRawBufferPointer(rebasing: buffers[index][0..<count]))

        pthread_mutex_lock(&mutex)
        free.append(index)
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
        return true
    }

    /// Stops the reader thread and waits for it; call before closing the source's file.
    public func close() {
        guard started else { return }
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
        pthread_join(thread, nil)
        started = false
    }

    deinit {
        close()
        for buffer in buffers { buffer.deallocate() }
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&mutex)
    }
}
