/// Immutable, thread-safe lookup over IANA's port registry: which rows cover a port for a transport.
///
/// Rows are indexed per transport (plus one index for rows that name no transport) by their
/// lower bound, with a running maximum of upper bounds, so finding every row of a port is a binary search
/// followed by a walk over the rows that can still reach it; a port's primary row (what reports name) is
/// one read of a table by port.
public struct PortRegistry: Sendable {
    /// The embedded registry, decoded on first use (a `static let` is initialized once, thread-safely).
    public static let shared = PortRegistry(entries: IANARegistry.entries())

    /// First port of the dynamic/private range (RFC 6335): 49152–65535 are never assigned.
    public static let dynamicRange: ClosedRange<UInt16> = 49152...65535

    /// Every row, one entry per transport, in registry order.
    public let allEntries: [RegistryEntry]
    /// By protocol number (most are nil).
    private let byProtocol: [RangeIndex?]
    private let anyProtocol: RangeIndex

    /// Builds an index over `entries` (rows in any order; `order` decides which name comes first).
    public init(entries: [RegistryEntry]) {
        allEntries = entries.sorted { $0.order < $1.order }
        let grouped = Dictionary(grouping: allEntries.filter { $0.proto != nil }, by: { $0.proto!.number })
        byProtocol = (0...UInt8.max).map { number in grouped[number].map(RangeIndex.init) }
        anyProtocol = RangeIndex(allEntries.filter { $0.proto == nil })
    }

    /// Rows covering `port`: first those for `proto` itself, then rows that name no transport,
    /// each group in registry order (so the primary service name precedes its aliases).
    public func entries(port: UInt16, proto: IPProtocol) -> [RegistryEntry] {
        (byProtocol[Int(proto.number)]?.entries(covering: port) ?? []) + anyProtocol.entries(covering: port)
    }

    /// What the registry and the analyst notes say about `port` over `proto`.
    ///
    /// The primary row is the first assigned row for `proto`, else its first reserved/unassigned
    /// row, else the same among rows without a transport. No row at all means `.notListed`;
    /// 49152–65535 without an assigned row is `.dynamic`.
    public func lookup(port: UInt16, proto: IPProtocol) -> PortInfo {
        let specific = byProtocol[Int(proto.number)]?.entries(covering: port) ?? []
        let general = anyProtocol.entries(covering: port)
        let primary = primaryEntry(port: port, proto: proto)
        let aliases = (specific + general).compactMap(\.service).filter { $0 != primary?.service }
        return PortInfo(port: port, proto: proto, status: Self.status(of: primary, port: port), entry: primary,
                        aliases: aliases.reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                        notes: AnalystNotes.notes(port: port, proto: proto))
    }

    /// The primary row and the status of `port` over `proto` (what `lookup` says of them), without the
    /// aliases and notes: the reports' port rows ask this once per port.
    public func status(port: UInt16, proto: IPProtocol) -> (entry: RegistryEntry?, status: PortStatus) {
        let primary = primaryEntry(port: port, proto: proto)
        return (primary, Self.status(of: primary, port: port))
    }

    /// The first assigned row for `proto`, else its first reserved/unassigned row, else the same among rows
    /// without a transport (first in registry order).
    private func primaryEntry(port: UInt16, proto: IPProtocol) -> RegistryEntry? {
        byProtocol[Int(proto.number)]?.primary(covering: port) ?? anyProtocol.primary(covering: port)
    }

    private static func status(of primary: RegistryEntry?, port: UInt16) -> PortStatus {
        switch primary?.status {
        case .assigned?: .assigned
        case _ where dynamicRange.contains(port): .dynamic
        case .unassigned?: .unassigned
        case .reserved?: .reserved
        case nil: .notListed
        }
    }
}

/// Rows sorted by lower bound with a running maximum of upper bounds: overlapping ranges are allowed.
private struct RangeIndex: Sendable {
    let rows: [RegistryEntry]
    /// `reach[i]` is the largest upper bound among `rows[0...i]`.
    let reach: [UInt16]
    /// By port: the index in `rows` of `primary(covering:)`, or `noRow`. Reports ask for every port they list,
    /// and a wide range early in `rows` reaches so far that walking back over the rows would take thousands
    /// of steps for a high port.
    private let primaryRows: [UInt16]
    private static let noRow = UInt16.max

    init(_ entries: [RegistryEntry]) {
        rows = entries.sorted { ($0.ports.lowerBound, $0.order) < ($1.ports.lowerBound, $1.order) }
        var maximum: UInt16 = 0
        reach = rows.map { maximum = max(maximum, $0.ports.upperBound); return maximum }
        precondition(rows.count < Int(Self.noRow), "too many registry rows for 16-bit row numbers")
        var primary = [UInt16](repeating: Self.noRow, count: 1 << 16)
        for (index, row) in rows.enumerated() {
            for port in row.ports {
                let current = primary[Int(port)]
                if current == Self.noRow || Self.isBetterPrimary(row, than: rows[Int(current)]) { primary[Int(port)] = UInt16(index) }
            }
        }
        primaryRows = primary
    }

    /// Whether `row` comes before `other` as the primary row of a port: an assigned row before any other, and
    /// in registry order among rows of the same kind.
    private static func isBetterPrimary(_ row: RegistryEntry, than other: RegistryEntry) -> Bool {
        let (rowAssigned, otherAssigned) = (row.status == .assigned, other.status == .assigned)
        return rowAssigned != otherAssigned ? rowAssigned : row.order < other.order
    }

    /// Rows whose range contains `port`, in registry order.
    func entries(covering port: UInt16) -> [RegistryEntry] {
        var found: [RegistryEntry] = []
        forEachRow(covering: port) { found.append($0) }
        return found.count > 1 ? found.sorted { $0.order < $1.order } : found
    }

    /// The first assigned row covering `port` in registry order, else the first row covering it.
    func primary(covering port: UInt16) -> RegistryEntry? {
        let index = primaryRows[Int(port)]
        return index == Self.noRow ? nil : rows[Int(index)]
    }

    /// Calls `body` with each row whose range contains `port`, in no particular order.
    private func forEachRow(covering port: UInt16, _ body: (RegistryEntry) -> Void) {
        // First index whose lower bound is above `port`.
        var low = 0, high = rows.count
        while low < high {
            let middle = (low + high) / 2
            if rows[middle].ports.lowerBound <= port { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        while index >= 0, reach[index] >= port {
            if rows[index].ports.upperBound >= port { body(rows[index]) }
            index -= 1
        }
    }
}
