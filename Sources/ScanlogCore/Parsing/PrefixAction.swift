/// Reads the firewall's verdict from a log prefix, once per distinct prefix.
///
/// ufw (`[UFW BLOCK]`, `[UFW ALLOW]`, `[UFW AUDIT]`, `[UFW LIMIT BLOCK]`), firewalld (`filter_IN_public_REJECT:`,
/// `FINAL_REJECT:`), Shorewall (`Shorewall:net2fw:DROP:`), OpenWrt fw3/fw4 (`DROP wan in:`, `drop wan in:`),
/// SuSEfirewall2 (`SFW2-INext-ACC-TCP`), Ubiquiti (`[WAN_LOCAL-default-D]`), Proxmox (`policy DROP:`) and
/// plain words. A prefix that names no verdict is `logged`.
public enum PrefixAction {
    public static func action(forPrefix prefix: String) -> FirewallAction {
        let upper = prefix.uppercased()
        if upper.contains("UFW ") || upper.contains("[UFW") {
            if upper.contains("BLOCK") || upper.contains("DENY") || upper.contains("REJECT") { return .blocked }
            if upper.contains("AUDIT") { return .audit }
            if upper.contains("ALLOW") || upper.contains("LIMIT") { return .allowed }
            return .logged
        }
        // Ubiquiti EdgeOS/USG: [RULESET-rule-A|D|R]
        let trimmed = upper.trimmingCharacters(in: " ")
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]"), trimmed.count >= 5 {
            let marker = trimmed.dropLast().suffix(2)
            if marker == "-D" || marker == "-R" { return .blocked }
            if marker == "-A" { return .allowed }
        }
        let words = upper.split(whereSeparator: { !$0.isLetter }).map(String.init)
        if words.contains(where: blockWords.contains) { return .blocked }
        if words.contains(where: allowWords.contains) { return .allowed }
        if words.contains("AUDIT") { return .audit }
        return .logged
    }

    static let blockWords: Set<String> = [
        "DROP", "DROPPED", "REJECT", "REJECTED", "BLOCK", "BLOCKED", "DENY", "DENIED", "REFUSE", "REFUSED", "DISCARD",
    ]
    static let allowWords: Set<String> = ["ACCEPT", "ACCEPTED", "ALLOW", "ALLOWED", "ACC", "PASS", "PERMIT", "PERMITTED"]
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var slice = Substring(self)
        while slice.first == set { slice.removeFirst() }
        while slice.last == set { slice.removeLast() }
        return slice
    }
}
