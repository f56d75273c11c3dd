/// Growable bytes written through a pointer: the report writers' buffer.
///
/// A write tests the capacity once and then stores bytes without per-byte checks. A copy shares the storage
/// (reading a copy is fine): a copy that is to be written calls `ensureUnique()` first.
struct ByteBuffer {
    private final class Storage {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            base = .allocate(capacity: capacity)
            self.capacity = capacity
        }

        deinit { base.deallocate() }
    }

    private var storage: Storage
    private(set) var count = 0

    init(capacity: Int = 1 << 16) { storage = Storage(capacity: max(capacity, 64)) }

    var isEmpty: Bool { count == 0 }

    /// Room for `extra` more bytes: where they go. `advance(by:)` then counts the bytes written there.
    @inline(__always)
    mutating func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if _slowPath(extra > storage.capacity &- count) { grow(extra) }
        return storage.base + count
    }

    /// Gives this buffer storage of its own if a copy shares it.
    @inline(__always)
    mutating func ensureUnique() {
        if _slowPath(!isKnownUniquelyReferenced(&storage)) { grow(0) }
    }

    @inline(__always)
    mutating func advance(by written: Int) { count &+= written }

    @inline(never)
    private mutating func grow(_ extra: Int) {
        var capacity = storage.capacity
        while capacity - count < extra { capacity *= 2 }
        // Also the way to storage of its own (`ensureUnique`), so it copies even when the size is the same.
        let larger = Storage(capacity: capacity)
        larger.base.update(from: storage.base, count: count)
        storage = larger
    }

    /// Forgets the bytes and keeps the storage.
    mutating func removeAll() { count = 0 }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: storage.base, count: count))
    }

    var array: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: count)) }

    /// The text a byte writer gives: what `write` puts into a fresh buffer, as a `String`. Sentences that
    /// reports write straight into their buffers get their `String` form from the same writer this way.
    static func text(_ write: (inout ByteBuffer) -> Void) -> String {
        var bytes = ByteBuffer(capacity: 256)
        write(&bytes)
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1).pointee = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ start: UnsafePointer<UInt8>, count length: Int) {
        guard length > 0 else { return }
        reserve(length).update(from: start, count: length)
        count &+= length
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress else { return }
        append(start.assumingMemoryBound(to: UInt8.self), count: bytes.count)
    }

    /// A literal (ASCII, written in the source), e.g. `","probes":`.
    @inline(__always)
    mutating func append(_ literal: StaticString) {
        append(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    mutating func append(_ other: ByteBuffer) { other.withUnsafeBytes { append($0) } }

    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// The UTF-8 of `text` as it is (no escaping).
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// `value` in decimal, as `String(value)` writes it.
    @inline(__always)
    mutating func appendDecimal(_ value: UInt64) {
        write(atMost: 20) { $0.putDecimal(value) }
    }

    /// Room for `extra` bytes that `body` writes through a cursor (at most `extra` of them): one capacity test
    /// for all of them. Counts what `body` wrote.
    @inline(__always)
    mutating func write<Result>(atMost extra: Int, _ body: (inout ByteCursor) -> Result) -> Result {
        let start = reserve(extra)
        var cursor = ByteCursor(start)
        let result = body(&cursor)
        count &+= cursor.position - start
        return result
    }

    /// An integer in decimal with its sign, as `String(value)` writes it.
    @inline(__always)
    mutating func appendInteger(_ value: some BinaryInteger) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(UInt64(value.magnitude))
    }
}

/// Where the next byte goes in room a `ByteBuffer` reserved (`ByteBuffer.write(atMost:_:)`): each write is a
/// store, with no capacity test. Rows reserve room for their longest text once and write their fields with one.
struct ByteCursor {
    private(set) var position: UnsafeMutablePointer<UInt8>

    @inline(__always)
    init(_ position: UnsafeMutablePointer<UInt8>) { self.position = position }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    /// A literal (ASCII, written in the source).
    @inline(__always)
    mutating func put(_ literal: StaticString) {
        put(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    @inline(__always)
    mutating func put(_ start: UnsafePointer<UInt8>, count: Int) {
        // A raw copy: a memcpy that the compiler writes out as moves for a literal's constant length.
        UnsafeMutableRawPointer(position).copyMemory(from: start, byteCount: count)
        position += count
    }

    /// Eight bytes (in memory order) of which the first `count` count.
    @inline(__always)
    mutating func put(word: UInt64, count: Int) {
        UnsafeMutableRawPointer(position).storeBytes(of: word.littleEndian, as: UInt64.self)
        position += count
    }

    /// Counts `written` bytes stored at `position` by other means.
    @inline(__always)
    mutating func advance(by written: Int) { position += written }

    /// `value` in decimal, as `String(value)` writes it: at most 20 bytes.
    @inline(__always)
    mutating func putDecimal(_ value: UInt64) {
        if value < 10 {
            put(0x30 &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits = 2
        var rest = value / 100
        while rest >= 10_000 {
            rest /= 10_000
            digits &+= 4
        }
        if rest != 0 { digits &+= rest >= 100 ? (rest >= 1000 ? 4 : 3) : (rest >= 10 ? 2 : 1) }
        // Two digits at a time from the end, then the first one or two.
        var cursor = position + digits
        var remaining = value
        while remaining >= 100 {
            let rest = remaining / 100
            let pair = remaining &- rest &* 100
            let tens = pair / 10
            cursor -= 2
            cursor[0] = 0x30 &+ UInt8(truncatingIfNeeded: tens)
            cursor[1] = 0x30 &+ UInt8(truncatingIfNeeded: pair &- tens &* 10)
            remaining = rest
        }
        if remaining >= 10 {
            let tens = remaining / 10
            position[0] = 0x30 &+ UInt8(truncatingIfNeeded: tens)
            position[1] = 0x30 &+ UInt8(truncatingIfNeeded: remaining &- tens &* 10)
        } else {
            position[0] = 0x30 &+ UInt8(truncatingIfNeeded: remaining)
        }
        position += digits
    }

    /// `value` in decimal, or `null` for none (JSON).
    @inline(__always)
    mutating func putDecimalOrNull(_ value: UInt64?) {
        if let value { putDecimal(value) } else { put("null") }
    }

    /// `1,234,567` (`TextFormatting.grouped`): at most `TextFormatting.groupedMaximumLength` bytes.
    @inline(__always)
    mutating func putGroupedDecimal(_ value: UInt64) {
        if value < 1000 { putDecimal(value) } else { position += TextFormatting.writeGrouped(value, to: position) }
    }
}
