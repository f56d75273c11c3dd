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
        var text = text
        return text.withUTF8 { bytes in
            var entries: [RegistryEntry] = []
            entries.reserveCapacity(14_000)
            var order = 0
            var lineStart = 0
            // Field bounds of the current line, as offsets into `bytes` (no array per line).
            var bounds = [Range<Int>](repeating: 0..<0, count: 10)
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                guard lineEnd > lineStart else { continue }
                var fieldCount = 0, fieldStart = lineStart
                for index in lineStart...lineEnd where index == lineEnd || bytes[index] == UInt8(ascii: "\t") {
                    if fieldCount < bounds.count { bounds[fieldCount] = fieldStart..<index }
                    fieldCount += 1
                    fieldStart = index + 1
                }
                func field(_ index: Int) -> String? {
                    guard index < min(fieldCount, bounds.count), !bounds[index].isEmpty else { return nil }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[bounds[index]]), as: UTF8.self)
                }
                func number(_ index: Int) -> UInt16? {
                    guard index < fieldCount, !bounds[index].isEmpty, bounds[index].count <= 5 else { return nil }
                    var value = 0
                    for byte in bytes[bounds[index]] {
                        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                        value = value * 10 + Int(byte - UInt8(ascii: "0"))
                    }
                    return UInt16(exactly: value)
                }
                guard let low = number(1) else { continue }
                let high = number(2) ?? low
                guard high >= low else { continue }
                let status: RegistryStatus = switch fieldCount > 3 && bounds[3].count == 1 ? bytes[bounds[3].lowerBound] : 0 {
                case UInt8(ascii: "u"): .unassigned
                case UInt8(ascii: "r"): .reserved
                default: .assigned
                }
                let letters = bytes[bounds[0]]
                let protocols: [IPProtocol?] = letters.isEmpty ? [nil] : letters.compactMap(transport(letter:))
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
