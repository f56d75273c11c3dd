/// How IANA lists one registry row.
public enum RegistryStatus: String, Sendable, Hashable, Codable {
    /// The row names a service (or a use such as "any private mail system").
    case assigned
    /// "Unassigned", or an unnamed row whose assignment was withdrawn ("De-registered", "Removed", ...).
    case unassigned
    /// "Reserved".
    case reserved
}

/// One row of IANA's Service Name and Transport Protocol Port Number Registry.
public struct RegistryEntry: Sendable, Hashable {
    /// Service name (`ptk-alink`); nil when the row has none (unassigned, reserved and a few old rows).
    public let service: String?
    /// The port, or the range a range row covers (`36866...37471`).
    public let ports: ClosedRange<UInt16>
    /// Transport the row is for; nil when the row names no protocol (it then applies to every transport).
    public let proto: IPProtocol?
    /// IANA's description, whitespace collapsed.
    public let description: String
    public let status: RegistryStatus
    /// Registration date as IANA writes it: `YYYY-MM-DD` or `YYYY-MM`; nil when the row has none.
    public let registered: String?
    /// Modification date, same format; nil when the row has none.
    public let modified: String?
    /// The "Unauthorized Use Reported" column, e.g. `Known UNAUTHORIZED USEs on port 5555`.
    public let unauthorizedUse: String?
    /// The "Assignment Notes" column, newlines collapsed.
    public let assignmentNotes: String?
    /// Position in the registry (CSV order); among rows for the same port the first is the primary name.
    public let order: Int

    public init(service: String?, ports: ClosedRange<UInt16>, proto: IPProtocol?, description: String,
                status: RegistryStatus, registered: String? = nil, modified: String? = nil,
                unauthorizedUse: String? = nil, assignmentNotes: String? = nil, order: Int = 0) {
        self.service = service
        self.ports = ports
        self.proto = proto
        self.description = description
        self.status = status
        self.registered = registered
        self.modified = modified
        self.unauthorizedUse = unauthorizedUse
        self.assignmentNotes = assignmentNotes
        self.order = order
    }

    /// Whether the row covers more than one port.
    public var isRange: Bool { ports.lowerBound != ports.upperBound }

    /// `3089`, or `36866-37471` for a range row.
    public var portsText: String { isRange ? "\(ports.lowerBound)-\(ports.upperBound)" : "\(ports.lowerBound)" }
}

extension RegistryEntry: Encodable {
    private enum CodingKeys: String, CodingKey {
        case service, low, high, proto, description, status, registered, modified, unauthorizedUse, assignmentNotes
    }

    /// JSON: `low`/`high` ports, `proto` as a name or null (any transport), absent optionals as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(service, forKey: .service)
        try container.encode(ports.lowerBound, forKey: .low)
        try container.encode(ports.upperBound, forKey: .high)
        try container.encode(proto?.transportName, forKey: .proto)
        try container.encode(description, forKey: .description)
        try container.encode(status, forKey: .status)
        try container.encode(registered, forKey: .registered)
        try container.encode(modified, forKey: .modified)
        try container.encode(unauthorizedUse, forKey: .unauthorizedUse)
        try container.encode(assignmentNotes, forKey: .assignmentNotes)
    }
}
