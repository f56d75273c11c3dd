import ArgumentParser
import Foundation
import ScanlogCore

/// `scanlog port`: explains ports offline from the embedded IANA registry and the analyst notes.
struct PortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port",
        abstract: "Explain ports: IANA registration, status and dates, and what analysts know about them.",
        discussion: """
            Works offline from an embedded copy of IANA's Service Name and Transport Protocol Port Number \
            Registry (CC0) and a hand-kept table of analyst notes, each with its source.

            For each port and transport it prints the registered service, the status (assigned, unassigned, \
            reserved, dynamic/private for 49152-65535, or "not listed" when the registry has no row for that \
            transport), registration and modification dates, unauthorized-use reports, IANA's assignment notes, \
            the analyst notes, and whether scanners commonly sweep the port.

            --proto any looks at tcp, udp, sctp and dccp, but shows sctp and dccp only where the registry \
            has a row for them.

            Examples:
              scanlog port 3089
              scanlog port 22 80 443
              scanlog port 3074-3080 --proto udp
              scanlog port 5555 --format json
            """
    )

    @Argument(help: ArgumentHelp("Ports (0-65535) or ranges such as 3074-3080.", valueName: "port"))
    var ports: [String]

    @Option(help: "Transport: tcp, udp, sctp, dccp or any. Default: tcp and udp.")
    var proto: ProtocolChoice?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    /// The ports to explain, in the order given, without repeats.
    private var parsedPorts: [UInt16] {
        get throws {
            var seen = Set<UInt16>()
            return try ports.flatMap { try Self.parse(portSpec: $0) }.filter { seen.insert($0).inserted }
        }
    }

    func validate() throws {
        if ports.isEmpty { throw ValidationError("Give at least one port, e.g. `scanlog port 3089`.") }
        _ = try parsedPorts
    }

    func run() throws {
        let registry = PortRegistry.shared
        let transports = proto?.transports ?? [.tcp, .udp]
        let infos = try parsedPorts.flatMap { port in
            transports.compactMap { transport -> PortInfo? in
                let info = registry.lookup(port: port, proto: transport)
                // With --proto any, sctp/dccp appear only where something is known about them.
                if proto == .any, ![.tcp, .udp].contains(transport), !Self.listed(info) { return nil }
                return info
            }
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(infos), as: UTF8.self))
        case .text:
            print(Self.text(infos))
            print("\nSource: IANA port registry as of \(IANARegistry.version) (CC0) and scanlog's analyst notes.")
        }
    }

    /// Whether the registry has a row naming this transport (used to skip empty sctp/dccp results).
    private static func listed(_ info: PortInfo) -> Bool {
        info.entry?.proto == info.proto || info.notes.contains { $0.protocols.contains(info.proto) }
    }

    /// Explanations, one block per port and transport, merging transports whose text is identical.
    static func text(_ infos: [PortInfo]) -> String {
        var blocks: [String] = []
        var index = infos.startIndex
        while index < infos.endIndex {
            let port = infos[index].port
            let group = infos[index...].prefix { $0.port == port }
            var bodies: [(body: String, transports: [String], info: PortInfo)] = []
            for info in group {
                let body = info.explanation(protocolLabel: "")
                if let existing = bodies.firstIndex(where: { $0.body == body }) {
                    bodies[existing].transports.append(info.proto.transportName)
                } else {
                    bodies.append((body, [info.proto.transportName], info))
                }
            }
            blocks += bodies.map { $0.info.explanation(protocolLabel: $0.transports.joined(separator: "+")) }
            index = group.endIndex
        }
        return blocks.joined(separator: "\n\n")
    }

    /// `3089` -> [3089]; `3074-3080` -> [3074...3080]; anything else is a `ValidationError`.
    static func parse(portSpec: String) throws -> [UInt16] {
        let parts = portSpec.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else {
            throw ValidationError("'\(portSpec)' is not a port or a range like 3074-3080.")
        }
        let bounds = try parts.map { part -> UInt16 in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
                throw ValidationError("'\(portSpec)' is not a port number or a range like 3074-3080.")
            }
            guard let value = Int(text), value <= 65535, let port = UInt16(exactly: value) else {
                throw ValidationError("Port \(text) is out of range: ports go from 0 to 65535.")
            }
            return port
        }
        guard bounds[0] <= bounds[bounds.count - 1] else {
            throw ValidationError("Range '\(portSpec)' is reversed: write the lower port first "
                + "(\(bounds[1])-\(bounds[0])).")
        }
        return Array(bounds[0]...bounds[bounds.count - 1])
    }
}

extension PortCommand {
    /// `--proto`: one transport, or `any`; absent means tcp and udp.
    enum ProtocolChoice: String, ExpressibleByArgument, CaseIterable {
        case tcp, udp, sctp, dccp, any

        var transports: [IPProtocol] {
            switch self {
            case .any: IPProtocol.registryTransports
            default: [IPProtocol(transportName: rawValue)!]
            }
        }
    }

    /// `--format`.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }
}
