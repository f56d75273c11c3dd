/// Why a line that is not a firewall record was set aside. Every line read ends in exactly one counter.
public enum IgnoredReason: String, CaseIterable, Sendable, Comparable {
    case blank = "blank"
    case notFirewall = "not-firewall"
    case journalField = "journal-field"
    case noIPHeader = "no-ip-header"
    case arp = "arp"

    public var explanation: String {
        switch self {
        case .blank: "empty or only NUL bytes"
        case .notFirewall: "not a firewall line (other kernel or program messages)"
        case .journalField: "a field of a journal export entry other than MESSAGE"
        case .noIPHeader: "the kernel could not read the IP header (TRUNCATED)"
        case .arp: "ARP packet (no IP addresses to bucket)"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Why a line that looks like a firewall record could not be read as one.
public enum UnparsedReason: String, CaseIterable, Sendable, Comparable {
    case missingAddress = "missing-address"
    case badAddress = "bad-address"
    case missingProtocol = "missing-protocol"
    case badNumber = "bad-number"
    case damaged = "damaged"
    case splitLine = "split-line"
    case tooLong = "too-long"
    case ebtables = "ebtables"
    case badJSON = "bad-json"
    case cutByReadError = "cut-by-read-error"

    public var explanation: String {
        switch self {
        case .missingAddress: "no SRC= or DST= field"
        case .badAddress: "SRC= or DST= is not an IP address"
        case .missingProtocol: "no PROTO= field"
        case .badNumber: "a port, type or length field is not a number in range"
        case .damaged: "a field repeats where it cannot (two lines run together)"
        case .splitLine: "firewall fields without IN= (a piece of a line split by the logger)"
        case .tooLong: "line longer than the limit (cut, not parsed)"
        case .ebtables: "ebtables log format (bridge firewall), not read"
        case .badJSON: "a JSON line that could not be read"
        case .cutByReadError: "the piece of a line left when the input broke off (damaged gzip, read error)"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Where one line ended up.
public enum LineOutcome: Equatable, Sendable {
    case record
    case ignored(IgnoredReason)
    case unparsed(UnparsedReason)
}
