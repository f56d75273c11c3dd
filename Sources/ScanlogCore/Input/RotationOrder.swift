/// Orders rotated logs oldest first, whatever order the shell passed them in.
///
/// `ufw.log.10.gz` ... `ufw.log.2.gz`, `ufw.log.1`, `ufw.log`; date-stamped names (`ufw.log-20261120.gz`)
/// sort by date before the live file. Files of different logs keep the order of their first mention.
public enum RotationOrder {
    /// The parts of a rotated file name that decide its place.
    struct RotationKey: Equatable {
        /// The live file's name (`ufw.log` for `ufw.log.2.gz`).
        var baseName: String
        /// Higher is older: numbered rotations count up with age, date stamps count down.
        var age: Int64
    }

    static func key(for path: String) -> RotationKey {
        var name = Substring(path)
        for suffix in [".gz", ".gzip", ".z"] where name.lowercased().hasSuffix(suffix) {
            name = name.dropLast(suffix.count)
            break
        }
        // Numbered: name.N
        if let dot = name.lastIndex(of: "."), let number = Int64(name[name.index(after: dot)...]), number < 100_000 {
            // `.0` (some rotation schemes start there) is still older than the live file.
            return RotationKey(baseName: String(name[..<dot]), age: number + 1)
        }
        // Date stamped: name-YYYYMMDD (optionally -HH or more digits), as logrotate's dateext writes.
        if let dash = name.lastIndex(of: "-") {
            let stamp = name[name.index(after: dash)...]
            if stamp.count >= 8, stamp.allSatisfy(\.isNumber), let value = Int64(stamp.prefix(14)) {
                // Older dates must get a higher age; the live file has age 0.
                return RotationKey(baseName: String(name[..<dash]), age: Int64.max / 2 - value)
            }
        }
        return RotationKey(baseName: String(name), age: 0)
    }

    /// Returns the inputs in reading order: per log, oldest rotation first; logs in order of first mention.
    public static func sorted(_ specs: [InputSpec]) -> [InputSpec] {
        var groups: [String: [(spec: InputSpec, age: Int64, position: Int)]] = [:]
        var groupOrder: [String] = []
        for (position, spec) in specs.enumerated() {
            let key = spec.isStandardInput ? RotationKey(baseName: "-#\(position)", age: 0) : key(for: spec.path)
            if groups[key.baseName] == nil { groupOrder.append(key.baseName) }
            groups[key.baseName, default: []].append((spec, key.age, position))
        }
        return groupOrder.flatMap { base in
            groups[base]!.sorted { ($0.age, $1.position) > ($1.age, $0.position) }.map(\.spec)
        }
    }
}
