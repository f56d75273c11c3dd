/// Where a port stands for one transport, combining IANA's row with RFC 6335's ranges.
public enum PortStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case assigned, unassigned, reserved
    /// 49152–65535, the dynamic/private (ephemeral) range, which IANA never assigns.
    case dynamic
    /// The registry has no row for this port and transport (not the same as "Unassigned").
    case notListed

    /// Lower-case words for reports: `assigned`, `dynamic/private`, `not listed`, ...
    public var label: String {
        switch self {
        case .dynamic: "dynamic/private"
        case .notListed: "not listed"
        default: rawValue
        }
    }
}

/// Everything known about one port over one transport: the summary reports use.
public struct PortInfo: Sendable, Hashable {
    public let port: UInt16
    public let proto: IPProtocol
    public let status: PortStatus
    /// The registry row this summary is based on (nil when not listed); `entries` has all rows.
    public let entry: RegistryEntry?
    /// Other service names registered on the same port and transport (`www`, `www-http` for 80).
    public let aliases: [String]
    /// Analyst notes that apply, most telling first (as `AnalystNotes.notes(port:proto:)` orders them).
    public let notes: [AnalystNote]

    public init(port: UInt16, proto: IPProtocol, status: PortStatus, entry: RegistryEntry?,
                aliases: [String] = [], notes: [AnalystNote] = []) {
        self.port = port
        self.proto = proto
        self.status = status
        self.entry = entry
        self.aliases = aliases
        self.notes = notes
    }

    /// IANA service name, nil for unnamed rows and unlisted ports.
    public var service: String? { entry?.service }
    /// IANA description, nil when not listed.
    public var description: String? { entry?.description }
    /// The registry row's ports: the port itself, or the range a range row covers.
    public var registryPorts: ClosedRange<UInt16>? { entry?.ports }
    public var registered: String? { entry?.registered }
    public var modified: String? { entry?.modified }
    public var unauthorizedUse: String? { entry?.unauthorizedUse }
    public var assignmentNotes: String? { entry?.assignmentNotes }
    /// Whether any analyst note says scanners routinely sweep this port.
    public var commonlyScanned: Bool { notes.contains { $0.commonlyScanned } }
    /// `3089/tcp`.
    public var label: String { "\(port)/\(proto.transportName)" }
}

extension PortInfo: Encodable {
    private enum CodingKeys: String, CodingKey {
        case port, proto, status, service, aliases, description, registryLow, registryHigh, registered, modified
        case unauthorizedUse, assignmentNotes, commonlyScanned, notes, summary
    }

    /// JSON with every field present (null when unknown), plus `summary`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(port, forKey: .port)
        try container.encode(proto.transportName, forKey: .proto)
        try container.encode(status, forKey: .status)
        try container.encode(service, forKey: .service)
        try container.encode(aliases, forKey: .aliases)
        try container.encode(description, forKey: .description)
        try container.encode(registryPorts?.lowerBound, forKey: .registryLow)
        try container.encode(registryPorts?.upperBound, forKey: .registryHigh)
        try container.encode(registered, forKey: .registered)
        try container.encode(modified, forKey: .modified)
        try container.encode(unauthorizedUse, forKey: .unauthorizedUse)
        try container.encode(assignmentNotes, forKey: .assignmentNotes)
        try container.encode(commonlyScanned, forKey: .commonlyScanned)
        try container.encode(notes, forKey: .notes)
        try container.encode(summary, forKey: .summary)
    }
}
