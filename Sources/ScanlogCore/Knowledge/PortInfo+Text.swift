/// Text renderings of `PortInfo` for reports and `scanlog port`.
extension PortInfo {
    /// One line for text reports, without the port itself, e.g.
    /// `ptk-alink — ParaTek Agent Linking (assigned; swept daily by mass scanners)` or
    /// `Unassigned (Rainbow Six Vegas UDP range; once "Microsoft .NETster Port")`.
    public var summary: String {
        let extras = Array(notes.map(\.short).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            .prefix(2))
        let name = [service, descriptionUnlessStatus].compactMap { $0 }.joined(separator: " — ")
        if name.isEmpty {
            let remarks = extras.isEmpty && status == .dynamic ? ["RFC 6335"] : extras
            return remarks.isEmpty ? headline : "\(headline) (\(remarks.joined(separator: "; ")))"
        }
        let statusWord = descriptionRepeatsStatus ? [] : [status.label]
        let parenthetical = (statusWord + extras).joined(separator: "; ")
        return parenthetical.isEmpty ? name : "\(name) (\(parenthetical))"
    }

    /// A multi-line explanation for `scanlog port`, headed by `port/proto`.
    public var explanation: String { explanation(protocolLabel: proto.transportName) }

    /// The explanation headed by `port/protocolLabel` (`3089/tcp+udp` when one text covers both).
    public func explanation(protocolLabel: String) -> String {
        var lines = ["\(port)/\(protocolLabel)  \(summary)"]
        func add(_ key: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines += Self.wrap(value, first: "  " + key + String(repeating: " ", count: max(1, 14 - key.count)),
                               rest: String(repeating: " ", count: 16))
        }
        add("IANA status:", statusExplanation)
        if let entry {
            if let service = entry.service {
                add("Service:", "\(service) — \(entry.description)")
            } else if descriptionUnlessStatus != nil {
                add("Description:", entry.description)
            }
            add("Also named:", aliases.isEmpty ? nil : aliases.joined(separator: ", "))
            add("Registry row:", entry.isRange ? "covers \(entry.portsText)" : nil)
            add("Registered:", entry.registered ?? "(no date recorded)")
            add("Modified:", entry.modified ?? "(no date recorded)")
            add("Unauthorized:", entry.unauthorizedUse.map { "use reported to IANA: \($0)" })
            add("Notes:", entry.assignmentNotes)
        }
        add("Scanned:", commonlyScanned ? "yes — scanners routinely sweep this port" : "not known to be commonly swept")
        for note in notes {
            lines += Self.wrap("[\(note.category.label)] \(note.text)", first: "  - ", rest: "    ")
            lines += Self.wrap("source: \(note.source)", first: "    ", rest: "      ")
        }
        return lines.joined(separator: "\n")
    }

    /// The status in a sentence.
    private var statusExplanation: String {
        switch status {
        case .assigned: "assigned by IANA"
        case .unassigned: "unassigned (IANA lists no service here)"
        case .reserved: "reserved by IANA (not to be used)"
        case .dynamic: "dynamic/private range 49152-65535 (RFC 6335): ephemeral client ports, never assigned"
        case .notListed: "not listed: the registry has no row for \(proto.transportName) on this port"
        }
    }

    /// The headline when there is no service name or telling description.
    private var headline: String {
        switch status {
        case .assigned: "Assigned"
        case .unassigned: "Unassigned"
        case .reserved: "Reserved"
        case .dynamic: "Dynamic/private port"
        case .notListed: "Not listed by IANA for \(proto.transportName)"
        }
    }

    /// The description, unless it is only the status word ("Unassigned", "Reserved").
    private var descriptionUnlessStatus: String? {
        guard let description, description.lowercased() != status.rawValue, status != .dynamic || service != nil
        else { return nil }
        return description
    }

    /// Whether the description already starts with the status ("Unassigned [was netstat]").
    private var descriptionRepeatsStatus: Bool {
        guard let description, status != .assigned else { return false }
        return description.lowercased().drop { $0 == "(" }.hasPrefix(status.rawValue)
    }

    /// Word-wraps `text` at 100 columns, prefixing the first line with `first` and the others with `rest`.
    static func wrap(_ text: String, first: String, rest: String, width: Int = 100) -> [String] {
        var lines: [String] = []
        var current = first
        var empty = true
        for word in text.split(separator: " ") {
            if !empty, current.count + 1 + word.count > width {
                lines.append(current)
                current = rest
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        lines.append(current)
        return lines
    }
}
