import Dispatch

/// Renders the rows of a long table on two threads, a block of rows each, and hands the blocks over in row
/// order: the output is the same as one thread's.
enum ParallelBlocks {
    /// Rows per block that one thread renders: port rows (each with a registry look-up) and source rows.
    static let portRows = 1024
    static let sourceRows = 2048

    /// Calls `render` for consecutive ranges of `0..<count` (two at a time, on two threads when `parallel`) and
    /// `emit` with each range's bytes, in order, on the calling thread.
    static func render(count: Int, blockSize: Int, parallel: Bool, render: @escaping @Sendable (Range<Int>, inout ByteBuffer) -> Void,
                       emit: (Range<Int>, ByteBuffer) -> Void) {
        precondition(blockSize > 0)
        let slots = Slots(capacity: Swift.min(blockSize, 1 << 12) * 256)
        var start = 0
        while start < count {
            let first = start..<Swift.min(start + blockSize, count)
            let second = first.upperBound..<Swift.min(first.upperBound + blockSize, count)
            slots.buffers[0].ensureUnique()
            slots.buffers[1].ensureUnique()
            if second.isEmpty {
                render(first, &slots.buffers[0])
            } else if !parallel {
                render(first, &slots.buffers[0])
                render(second, &slots.buffers[1])
            } else {
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    render(index == 0 ? first : second, &slots.buffers[index])
                }
            }
            emit(first, slots.buffers[0])
            slots.buffers[0].removeAll()
            if !second.isEmpty {
                emit(second, slots.buffers[1])
                slots.buffers[1].removeAll()
            }
            start = second.isEmpty ? first.upperBound : second.upperBound
        }
    }

    /// The two threads' buffers. Each thread writes only its own slot, and the caller reads them only after
    /// `concurrentPerform` has returned.
    private final class Slots: @unchecked Sendable {
        let buffers: UnsafeMutablePointer<ByteBuffer>

        init(capacity: Int) {
            buffers = .allocate(capacity: 2)
            buffers.initialize(to: ByteBuffer(capacity: capacity))
            (buffers + 1).initialize(to: ByteBuffer(capacity: capacity))
        }

        deinit {
            buffers.deinitialize(count: 2)
            buffers.deallocate()
        }
    }
}
