/// Reads the classifier's config file: a small TOML subset.
///
/// ```
/// # thresholds (names as in ClassifierConfig, snake_case)
/// vertical_ports = 15
/// distributed_max_overlap = 0.25
/// own_networks = ["192.0.2.0/24", "2001:db8::/32"]
/// known_scanners = ["198.51.100.0/24"]
/// ```
/// Unknown keys and bad values are errors that name the line, so a typo never goes unnoticed.
public enum ConfigFile {
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func parse(_ text: String, into config: inout ClassifierConfig) throws(ParseError) {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#"), !line[..<hash].contains("\"") { line = line[..<hash] }
            line = line.trimmed
            if line.isEmpty || (line.hasPrefix("[") && line.hasSuffix("]") && !line.contains("=")) { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(line: number, message: "expected `key = value`")
            }
            let key = String(line[..<equals].trimmed)
            let value = line[line.index(after: equals)...].trimmed
            try apply(key: key, value: value, line: number, to: &config)
        }
    }

    private static func apply(key: String, value: Substring, line: Int, to config: inout ClassifierConfig) throws(ParseError) {
        func integer() throws(ParseError) -> Int {
            guard let number = Int(value), number >= 0 else { throw ParseError(line: line, message: "\(key) needs a whole number, not \(value)") }
            return number
        }
        func share() throws(ParseError) -> Double {
            guard let number = Double(value), (0...1).contains(number) else { throw ParseError(line: line, message: "\(key) needs a number from 0 to 1, not \(value)") }
            return number
        }
        func networks() throws(ParseError) -> [Network] {
            guard value.hasPrefix("["), value.hasSuffix("]") else { throw ParseError(line: line, message: "\(key) needs a list: [\"192.0.2.0/24\"]") }
            var result: [Network] = []
            for item in value.dropFirst().dropLast().split(separator: ",") {
                let text = item.trimmed
                guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\""), let network = Network(String(text.dropFirst().dropLast())) else {
                    throw ParseError(line: line, message: "\(key): \(text) is not a quoted address or CIDR block")
                }
                result.append(network)
            }
            return result
        }
        switch key {
        case "vertical_ports": config.verticalPorts = try integer()
        case "vertical_window_seconds": config.verticalWindowSeconds = Int64(try integer())
        case "slow_vertical_ports": config.slowVerticalPorts = try integer()
        case "slow_vertical_max_targets": config.slowVerticalMaxTargets = try integer()
        case "sweep_targets": config.sweepTargets = try integer()
        case "sweep_target_share": config.sweepTargetShare = try share()
        case "sweep_max_ports": config.sweepMaxPorts = try integer()
        case "hammering_probes": config.hammeringProbes = try integer()
        case "hammering_max_ports": config.hammeringMaxPorts = try integer()
        case "returning_days": config.returningDays = try integer()
        case "returning_max_ports": config.returningMaxPorts = try integer()
        case "distributed_sources": config.distributedSources = try integer()
        case "distributed_ports": config.distributedPorts = try integer()
        case "distributed_max_overlap": config.distributedMaxOverlap = try share()
        case "distributed_start_spread_seconds": config.distributedStartSpreadSeconds = Int64(try integer())
        case "institutional_days": config.institutionalDays = try integer()
        case "institutional_ports": config.institutionalPorts = try integer()
        case "institutional_high_port_share": config.institutionalHighPortShare = try share()
        case "backscatter_share": config.backscatterShare = try share()
        case "provisional_hours": config.provisionalHours = Int64(try integer())
        case "own_networks": config.ownNetworks = try networks()
        case "known_scanners": config.knownScanners = try networks()
        default: throw ParseError(line: line, message: "unknown setting `\(key)`")
        }
    }
}

extension Substring {
    fileprivate var trimmed: Substring {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return slice
    }
}
