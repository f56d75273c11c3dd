/// Numbers addresses 0, 1, 2, ... in the order they are first added: open addressing with linear probing, at
/// most half full. A slot holds the number and an IPv4 address itself (an IPv6 address: its position in a side
/// list), so a look-up reads one slot and nothing else.
///
/// Whoever numbers the same addresses in the same order can use the index of another: `ParseStage` numbers the
/// sources, and the aggregator's `SourceStorage` takes its index when the reading is done.
///
/// Its properties are only touched by its own methods, one at a time, so they skip the runtime exclusivity
/// checks. Owned by one thread at a time.
final class AddressIndex: @unchecked Sendable {
    /// Numbers given so far.
    @exclusivity(unchecked) private(set) var count = 0
    /// `key << 32 | number`, `empty` for a free slot. The key is the IPv4 address, or with `v6Bit` set in the
    /// number half, the position of the IPv6 address in `v6Addresses`.
    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) private var slotMask: Int
    @exclusivity(unchecked) private var v6Addresses: [IPAddress] = []
    /// Per-index hash key: crafted addresses cannot make the probe sequences long.
    private let seed: UInt64

    private static let empty = UInt64.max
    private static let v6Bit: UInt64 = 1 << 31
    private static let numberMask: UInt64 = v6Bit - 1

    convenience init() {
        var generator = SystemRandomNumberGenerator()
        self.init(seed: generator.next() | 1)
    }

    private init(seed: UInt64) {
        self.seed = seed
        slotMask = 63
        slots = .allocate(capacity: 64)
        slots.initialize(repeating: Self.empty, count: 64)
    }

    deinit { slots.deallocate() }

    var bytes: Int { (slotMask + 1) * 8 + v6Addresses.capacity * 16 }

    @inline(__always)
    private func hash(_ address: IPAddress) -> Int {
        var x = (address.high &* 0x9E37_79B9_7F4A_7C15) ^ address.low ^ seed
        x ^= x >> 32
        x &*= 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        return Int(truncatingIfNeeded: x)
    }

    /// The slot of `address`: its number's, or the free one where it would go.
    @inline(__always)
    private func slot(of address: IPAddress) -> Int {
        var slot = hash(address) & slotMask
        if address.isIPv4 {
            // The key and the IPv6 bit, all in one comparison.
            let wanted = UInt64(address.v4Value) << 32
            while true {
                let value = slots[slot]
                if value == Self.empty || value & ~Self.numberMask == wanted { return slot }
                slot = (slot + 1) & slotMask
            }
        }
        while true {
            let value = slots[slot]
            if value == Self.empty || (value & Self.v6Bit != 0 && v6Addresses[Int(value >> 32)] == address) { return slot }
            slot = (slot + 1) & slotMask
        }
    }

    /// The number of `address`, if it has one.
    func find(_ address: IPAddress) -> UInt32? {
        let value = slots[slot(of: address)]
        return value == Self.empty ? nil : UInt32(truncatingIfNeeded: value & Self.numberMask)
    }

    /// The number of `address`, the next one if it has none yet (`isNew`).
    @inline(__always)
    func findOrInsert(_ address: IPAddress) -> (id: UInt32, isNew: Bool) {
        let slot = slot(of: address)
        let value = slots[slot]
        if value != Self.empty { return (UInt32(truncatingIfNeeded: value & Self.numberMask), false) }
        precondition(UInt64(count) < Self.numberMask, "too many addresses")
        let id = UInt64(count)
        if address.isIPv4 {
            slots[slot] = UInt64(address.v4Value) << 32 | id
        } else {
            slots[slot] = UInt64(v6Addresses.count) << 32 | Self.v6Bit | id
            v6Addresses.append(address)
        }
        count += 1
        if count * 2 > slotMask + 1 { grow() }
        return (UInt32(id), true)
    }

    /// Doubles the table.
    private func grow() {
        let old = slots
        let oldCapacity = slotMask + 1
        slotMask = oldCapacity * 2 - 1
        slots = .allocate(capacity: oldCapacity * 2)
        slots.initialize(repeating: Self.empty, count: oldCapacity * 2)
        for index in 0..<oldCapacity where old[index] != Self.empty {
            let value = old[index]
            let address = value & Self.v6Bit == 0 ? IPAddress(v4: UInt32(truncatingIfNeeded: value >> 32)) : v6Addresses[Int(value >> 32)]
            var slot = hash(address) & slotMask
            while slots[slot] != Self.empty { slot = (slot + 1) & slotMask }
            slots[slot] = value
        }
        old.deallocate()
    }

    /// An independent copy.
    func copy() -> AddressIndex {
        let copy = AddressIndex(seed: seed)
        copy.slots.deallocate()
        copy.slots = .allocate(capacity: slotMask + 1)
        copy.slots.initialize(from: slots, count: slotMask + 1)
        copy.slotMask = slotMask
        copy.count = count
        copy.v6Addresses = v6Addresses
        return copy
    }
}
