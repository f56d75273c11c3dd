/// A set of small integers that keeps up to four inline, then up to 64 in a sorted array, then in a heap `Set`.
///
/// The sets of port buckets, allowed connections and wide sources (`WideSource`), and what `SourceBucket`
/// returns. Small sets stay inline; a few more members cost a small sorted array (4 bytes a member), not a hash
/// table. (Compact sources keep their sets in `SourceTable`'s pools instead.)
public struct CompactSet: Sendable, Equatable {
    private var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
    private var inlineCount: UInt8 = 0
    private var spill: Spill?

    /// Members beyond the inline four: ascending in an array up to `sortedLimit`, hashed above.
    private enum Spill: Sendable, Equatable {
        case sorted([UInt32])
        case hashed(Set<UInt32>)
    }

    private static let sortedLimit = 64

    public init() {}

    /// A set of one member.
    @inline(__always)
    init(single value: UInt32) {
        a = value
        inlineCount = 1
    }

    public var count: Int {
        switch spill {
        case nil: Int(inlineCount)
        case .sorted(let members)?: members.count
        case .hashed(let members)?: members.count
        }
    }

    public var isEmpty: Bool { count == 0 }

    public func contains(_ value: UInt32) -> Bool {
        switch spill {
        case .sorted(let members)?:
            let index = Self.insertionIndex(of: value, in: members)
            return index < members.count && members[index] == value
        case .hashed(let members)?:
            return members.contains(value)
        case nil:
            break
        }
        switch inlineCount {
        case 0: return false
        case 1: return a == value
        case 2: return a == value || b == value
        case 3: return a == value || b == value || c == value
        default: return a == value || b == value || c == value || d == value
        }
    }

    /// The first index whose member is not below `value` (binary search).
    @inline(__always)
    private static func insertionIndex(of value: UInt32, in members: [UInt32]) -> Int {
        var low = 0, high = members.count
        while low < high {
            let middle = (low + high) / 2
            if members[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Inserts `value`; returns whether it was new.
    @discardableResult
    public mutating func insert(_ value: UInt32) -> Bool {
        switch spill {
        case .sorted(var members)?:
            let index = Self.insertionIndex(of: value, in: members)
            if index < members.count && members[index] == value { return false }
            spill = nil  // the array is now referenced once: it grows in place
            if members.count < Self.sortedLimit {
                members.insert(value, at: index)
                spill = .sorted(members)
            } else {
                var hashed = Set<UInt32>(minimumCapacity: members.count * 2)
                for member in members { hashed.insert(member) }
                hashed.insert(value)
                spill = .hashed(hashed)
            }
            return true
        case .hashed(var members)?:
            spill = nil
            let inserted = members.insert(value).inserted
            spill = .hashed(members)
            return inserted
        case nil:
            break
        }
        if contains(value) { return false }
        switch inlineCount {
        case 0: a = value
        case 1: b = value
        case 2: c = value
        case 3: d = value
        default:
            var members = [a, b, c, d, value]
            members.sort()
            spill = .sorted(members)
            return true
        }
        inlineCount += 1
        return true
    }

    /// The slot of an inline member (0...3, in insertion order), or nil when absent or spilled.
    public func inlineIndex(of value: UInt32) -> Int? {
        guard spill == nil else { return nil }
        if inlineCount > 0 && a == value { return 0 }
        if inlineCount > 1 && b == value { return 1 }
        if inlineCount > 2 && c == value { return 2 }
        if inlineCount > 3 && d == value { return 3 }
        return nil
    }

    /// Calls `body` with each member, in no particular order, without making an array.
    @inline(__always)
    public func forEach(_ body: (UInt32) throws -> Void) rethrows {
        switch spill {
        case .sorted(let members)?:
            for value in members { try body(value) }
            return
        case .hashed(let members)?:
            for value in members { try body(value) }
            return
        case nil:
            break
        }
        if inlineCount > 0 { try body(a) }
        if inlineCount > 1 { try body(b) }
        if inlineCount > 2 { try body(c) }
        if inlineCount > 3 { try body(d) }
    }

    /// The members, in no particular order.
    public var elements: [UInt32] {
        switch spill {
        case .sorted(let members)?: return members
        case .hashed(let members)?: return Array(members)
        case nil: break
        }
        switch inlineCount {
        case 0: return []
        case 1: return [a]
        case 2: return [a, b]
        case 3: return [a, b, c]
        default: return [a, b, c, d]
        }
    }

    public mutating func formUnion(_ other: CompactSet) {
        for value in other.elements { insert(value) }
    }
}
