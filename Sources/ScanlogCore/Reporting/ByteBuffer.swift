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
        var digits = 1
        var rest = value
        while rest >= 10_000 {
            rest /= 10_000
            digits &+= 4
        }
        if rest >= 100 { digits &+= rest >= 1000 ? 3 : 2 } else if rest >= 10 { digits &+= 1 }
        var cursor = reserve(digits) + digits
        var remaining = value
        repeat {
            cursor -= 1
            cursor.pointee = 0x30 &+ UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
        } while remaining != 0
        count &+= digits
    }

    /// An integer in decimal with its sign, as `String(value)` writes it.
    @inline(__always)
    mutating func appendInteger(_ value: some BinaryInteger) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(UInt64(value.magnitude))
    }
}
