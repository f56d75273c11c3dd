/// The embedded copy of IANA's port registry (CC0), generated into `IANARegistry+Data.swift`
/// by `Scripts/generate-port-registry.py`, and the decoder for its compact text form.
public enum IANARegistry {
    /// Newest registration or modification date in the embedded registry (its version).
    public static var version: String { sourceDate }

    /// Number of port rows in the CSV the embedded table was generated from.
    public static var rowCount: Int { sourceRowCount }

    /// Every embedded row, one entry per transport, in registry order.
    static func entries() -> [RegistryEntry] { parse(rawRecords) }

    /// Decodes the generated format: one record per line, tab-separated fields
    /// `protocols low high status name description registered modified unauthorized notes`,
    /// trailing empty fields omitted; `protocols` holds letters t/u/s/d, or nothing for "any".
    /// A record with two letters becomes two entries. Malformed lines are skipped.
    static func parse(_ text: String) -> [RegistryEntry] {
        var entries: [RegistryEntry] = []
        entries.reserveCapacity(14_000)
        var order = 0
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            func field(_ index: Int) -> String? {
                guard index < fields.count, !fields[index].isEmpty else { return nil }
                return String(decoding: fields[index], as: UTF8.self)
            }
            guard let lowText = field(1), let low = UInt16(lowText) else { continue }
            let high = field(2).flatMap { UInt16($0) } ?? low
            guard high >= low else { continue }
            let status: RegistryStatus = switch field(3) {
            case "u": .unassigned
            case "r": .reserved
            default: .assigned
            }
            let protocols: [IPProtocol?] = fields[0].isEmpty ? [nil] : fields[0].compactMap(transport(letter:))
            let (name, description) = (field(4), field(5) ?? "")
            let (registered, modified, unauthorized, notes) = (field(6), field(7), field(8), field(9))
            for proto in protocols {
                entries.append(RegistryEntry(service: name, ports: low...high, proto: proto, description: description,
                                             status: status, registered: registered, modified: modified,
                                             unauthorizedUse: unauthorized, assignmentNotes: notes, order: order))
                order += 1
            }
        }
        return entries
    }

    private static func transport(letter: UInt8) -> IPProtocol? {
        switch letter {
        case UInt8(ascii: "t"): .tcp
        case UInt8(ascii: "u"): .udp
        case UInt8(ascii: "s"): .sctp
        case UInt8(ascii: "d"): .registryDCCP
        default: nil
        }
    }
}
