/// Blocks of 4, 8, 16, 32 or 64 small integers, in segments that never move, with a free list per size. A set
/// of n members beyond its record's inline room takes the smallest block that holds n (4 at least).
struct SetPool<Element: FixedWidthInteger & UnsignedInteger> {
    private(set) var segments: [UnsafeMutablePointer<Element>] = []
    private var used = 0
    private var freeHeads: [UInt32] = [UInt32](repeating: .max, count: 5)
    static var segmentShift: Int { 16 }
    static var segmentSize: Int { 1 << segmentShift }

    /// The block size for `count` members.
    @inline(__always)
    static func capacity(for count: Int) -> Int { count <= 4 ? 4 : 1 << (Int.bitWidth - (count - 1).leadingZeroBitCount) }
    @inline(__always)
    static func sizeClass(_ capacity: Int) -> Int { capacity.trailingZeroBitCount - 2 }

    @inline(__always)
    func pointer(_ offset: UInt32) -> UnsafeMutablePointer<Element> {
        segments[Int(offset) >> Self.segmentShift] + (Int(offset) & (Self.segmentSize - 1))
    }

    mutating func allocate(capacity: Int) -> UInt32 {
        let sizeClass = Self.sizeClass(capacity)
        let head = freeHeads[sizeClass]
        if head != .max {
            freeHeads[sizeClass] = UnsafeMutableRawPointer(pointer(head)).load(as: UInt32.self)
            return head
        }
        if used & (Self.segmentSize - 1) + capacity > Self.segmentSize || used >> Self.segmentShift >= segments.count {
            // The rest of the last segment is too small (or there is none): start a new one.
            if used >> Self.segmentShift < segments.count { used = segments.count << Self.segmentShift }
            precondition(segments.count < Int(UInt32.max) >> Self.segmentShift, "set pool full")
            segments.append(.allocate(capacity: Self.segmentSize))
        }
        let offset = UInt32(used)
        used += capacity
        return offset
    }

    mutating func free(_ offset: UInt32, capacity: Int) {
        let sizeClass = Self.sizeClass(capacity)
        UnsafeMutableRawPointer(pointer(offset)).storeBytes(of: freeHeads[sizeClass], as: UInt32.self)
        freeHeads[sizeClass] = offset
    }

    /// Index of `value` among the `count` members of a block.
    @inline(__always)
    func firstIndex(of value: Element, block: UInt32, count: Int) -> Int? {
        let members = pointer(block)
        for index in 0..<count where members[index] == value { return index }
        return nil
    }

    /// Appends to a block of `count` members, moving it to a larger one when it is full; returns the block.
    @inline(__always)
    mutating func append(_ value: Element, block: UInt32, count: Int) -> UInt32 {
        var block = block
        if count >= 4 && count & (count - 1) == 0 {
            let larger = allocate(capacity: count * 2)
            pointer(larger).update(from: pointer(block), count: count)
            free(block, capacity: count)
            block = larger
        }
        pointer(block)[count] = value
        return block
    }

    /// A new block of 4 holding two or three members.
    @inline(__always)
    mutating func block(_ first: Element, _ second: Element, _ third: Element? = nil) -> UInt32 {
        let block = allocate(capacity: 4)
        let members = pointer(block)
        members[0] = first
        members[1] = second
        if let third { members[2] = third }
        return block
    }

    var bytes: Int { segments.count * Self.segmentSize * MemoryLayout<Element>.stride }

    func copy() -> SetPool {
        var copy = self
        copy.segments = segments.map { segment in
            let new = UnsafeMutablePointer<Element>.allocate(capacity: Self.segmentSize)
            new.initialize(from: segment, count: Self.segmentSize)
            return new
        }
        return copy
    }

    func deallocate() { for segment in segments { segment.deallocate() } }
}
