/// Transport-protocol helpers for the port registry (DCCP has no name in `IPProtocol.name`).
extension IPProtocol {
    /// DCCP, IP protocol 33: the fourth transport IANA's port registry lists.
    static let registryDCCP = IPProtocol(number: 33)

    /// The transports IANA's port registry lists, in its order: tcp, udp, sctp, dccp.
    public static let registryTransports: [IPProtocol] = [.tcp, .udp, .sctp, registryDCCP]

    /// Lower-case transport name as the registry writes it (`tcp`, `udp`, `sctp`, `dccp`); `name` otherwise.
    public var transportName: String { number == 33 ? "dccp" : name }

    /// Parses `tcp`, `udp`, `sctp` or `dccp` (any case); nil for anything else.
    public init?(transportName: some StringProtocol) {
        guard let found = IPProtocol.registryTransports.first(where: { $0.transportName == transportName.lowercased() })
        else { return nil }
        self = found
    }
}
