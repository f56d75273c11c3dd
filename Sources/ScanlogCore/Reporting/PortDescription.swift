/// What reports say about a destination bucket: the IANA service name, its status and one short note.
public struct PortDescription: Sendable {
    public let service: String?
    public let status: String?
    public let note: String?

    public init(_ key: PortKey) {
        guard let port = key.port, key.proto == .tcp || key.proto == .udp || key.proto == .sctp || key.proto == .udplite else {
            service = nil
            status = nil
            note = nil
            return
        }
        let proto = key.proto == .udplite ? IPProtocol.udp : key.proto
        let registered = PortRegistry.shared.status(port: port, proto: proto)
        service = registered.entry?.service
        status = registered.status.label
        note = AnalystNotes.firstShortNote(port: port, proto: proto)
    }
}
