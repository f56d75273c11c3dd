/// A fact analysts know about a port beyond IANA's registry, with where it comes from.
public struct AnalystNote: Sendable, Hashable {
    /// What kind of fact the note records.
    public enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        /// Botnets or worms scan for it to spread (Mirai on 23, Satori on 37215).
        case botnetTarget
        /// A well-known exploit targets the service (EternalBlue on 445).
        case exploitTarget
        /// A service that is attacked when exposed without authentication (databases, Docker API).
        case exposedService
        /// A UDP service abused to reflect and amplify DDoS traffic.
        case reflector
        /// Software uses the port without (or beyond) its IANA registration (games, consoles).
        case unofficialUse
        /// The port was known under another name in older port lists.
        case formerName
        /// Registered, but nothing is known to use it.
        case dormant
        /// It appears in lists of routinely scanned ports (Shadowserver, nmap, SANS ISC).
        case commonlyScanned

        /// Words for reports: `botnet target`, `commonly scanned`, ...
        public var label: String {
            switch self {
            case .botnetTarget: "botnet target"
            case .exploitTarget: "exploit target"
            case .exposedService: "exposed service"
            case .reflector: "DDoS reflector"
            case .unofficialUse: "unofficial use"
            case .formerName: "former name"
            case .dormant: "dormant"
            case .commonlyScanned: "commonly scanned"
            }
        }
    }

    /// The port or range the note is about.
    public let ports: ClosedRange<UInt16>
    /// Transports it applies to; empty means any.
    public let protocols: [IPProtocol]
    public let category: Category
    /// A few words for one-line summaries ("swept daily by mass scanners").
    public let short: String
    /// One or two sentences.
    public let text: String
    /// Where the fact comes from (publication, advisory, URL).
    public let source: String
    /// Whether scanners routinely sweep the port because of this.
    public let commonlyScanned: Bool

    public init(ports: ClosedRange<UInt16>, protocols: [IPProtocol], category: Category, short: String,
                text: String, source: String, commonlyScanned: Bool) {
        self.ports = ports
        self.protocols = protocols
        self.category = category
        self.short = short
        self.text = text
        self.source = source
        self.commonlyScanned = commonlyScanned
    }

    /// Whether the note is about `port` over `proto`.
    public func applies(port: UInt16, proto: IPProtocol) -> Bool {
        ports.contains(port) && (protocols.isEmpty || protocols.contains(proto))
    }

    /// `3074-3174/udp`, `445/tcp`, `3126` (any transport).
    public var scope: String {
        let range = ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound)-\(ports.upperBound)"
        return protocols.isEmpty ? range : range + "/" + protocols.map(\.transportName).joined(separator: "+")
    }
}

extension AnalystNote: Encodable {
    private enum CodingKeys: String, CodingKey {
        case low, high, protocols, category, short, text, source, commonlyScanned
    }

    /// JSON: `low`/`high`, `protocols` as names (empty = any transport).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ports.lowerBound, forKey: .low)
        try container.encode(ports.upperBound, forKey: .high)
        try container.encode(protocols.map(\.transportName), forKey: .protocols)
        try container.encode(category, forKey: .category)
        try container.encode(short, forKey: .short)
        try container.encode(text, forKey: .text)
        try container.encode(source, forKey: .source)
        try container.encode(commonlyScanned, forKey: .commonlyScanned)
    }
}
