/// A set of small integers that keeps up to four inline and moves to a heap `Set` beyond that.
///
/// Most sources of background noise send one to three probes: their port, target and day sets stay inline,
/// which keeps memory per source small.
public struct CompactSet: Sendable, Equatable {
    private var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
    private var inlineCount: UInt8 = 0
    private var spilled: Set<UInt32>?

    public init() {}

    public var count: Int { spilled?.count ?? Int(inlineCount) }
    public var isEmpty: Bool { count == 0 }

    public func contains(_ value: UInt32) -> Bool {
        if let spilled { return spilled.contains(value) }
        switch inlineCount {
        case 0: return false
        case 1: return a == value
        case 2: return a == value || b == value
        case 3: return a == value || b == value || c == value
        default: return a == value || b == value || c == value || d == value
        }
    }

    /// Inserts `value`; returns whether it was new.
    @discardableResult
    public mutating func insert(_ value: UInt32) -> Bool {
        if spilled != nil { return spilled!.insert(value).inserted }
        if contains(value) { return false }
        switch inlineCount {
        case 0: a = value
        case 1: b = value
        case 2: c = value
        case 3: d = value
        default:
            var set = Set<UInt32>(minimumCapacity: 8)
            set.insert(a); set.insert(b); set.insert(c); set.insert(d); set.insert(value)
            spilled = set
            return true
        }
        inlineCount += 1
        return true
    }

    /// The slot of an inline member (0...3, in insertion order), or nil when absent or spilled.
    public func inlineIndex(of value: UInt32) -> Int? {
        guard spilled == nil else { return nil }
        if inlineCount > 0 && a == value { return 0 }
        if inlineCount > 1 && b == value { return 1 }
        if inlineCount > 2 && c == value { return 2 }
        if inlineCount > 3 && d == value { return 3 }
        return nil
    }

    /// The members, in no particular order.
    public var elements: [UInt32] {
        if let spilled { return Array(spilled) }
        return Array([a, b, c, d].prefix(Int(inlineCount)))
    }

    public mutating func formUnion(_ other: CompactSet) {
        for value in other.elements { insert(value) }
    }
}
