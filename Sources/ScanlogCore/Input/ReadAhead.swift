#if canImport(Glibc)
import Glibc
#endif

/// Reads a source (a file, a pipe, a gzip stream) on its own thread, a few large chunks ahead of the parser,
/// so that reading and decompressing on one core overlap with parsing on the other.
///
/// The chunks go round a small ring of buffers (`SlotRing`): the reader fills free ones, the consumer hands
/// each back when it has framed it. A fault is reported after every chunk read before it.
public final class ReadAhead: @unchecked Sendable {
    /// Read only by the reader thread.
    private var source: any ByteSource
    private let buffers: [UnsafeMutableRawBufferPointer]
    /// Bytes in each buffer, and the fault that ended the reading: both under the ring's lock.
    private var counts: [Int]
    private var failure: InputError?
    private let ring: SlotRing

    public init(_ source: any ByteSource, chunkSize: Int, depth: Int = 3) {
        self.source = source
        buffers = (0..<depth).map { _ in .allocate(byteCount: chunkSize, alignment: 64) }
        counts = [Int](repeating: 0, count: depth)
        ring = SlotRing(depth: depth)
        if !ring.start({ [self] in produce() }) {
            failure = .readFailed(path: "", offset: 0, reason: "cannot start the reader thread")
        }
    }

    /// The reader thread: fill free buffers until the end of the source, a fault, or `close`.
    private func produce() {
        while let slot = ring.takeFree() {
            let count: Int
            do {
                count = try source.read(into: buffers[slot])
            } catch {
                ring.giveBack(slot)
                ring.withLock { failure = error }
                return
            }
            if count == 0 {
                ring.giveBack(slot)
                return
            }
            ring.publish(slot) { counts[slot] = count }
        }
    }

    /// Hands the next chunk to `body`; returns false at the end. Throws the source's fault once every chunk
    /// read before it has been handed out.
    public func next(_ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) -> Bool {
        let handed = ring.next { slot in
            // Read under the lock: the reader thread writes other elements of `counts`.
            let count = ring.withLock { counts[slot] }
            body(UnsafeRawBufferPointer(rebasing: buffers[slot][0..<count]))
        }
        if handed { return true }
        let fault = ring.withLock { () -> InputError? in
            defer { failure = nil }
            return failure
        }
        if let fault { throw fault }
        return false
    }

    /// Stops the reader thread and waits for it; call before closing the source's file.
    public func close() {
        ring.close()
    }

    deinit {
        ring.close()
        for buffer in buffers { buffer.deallocate() }
    }
}
