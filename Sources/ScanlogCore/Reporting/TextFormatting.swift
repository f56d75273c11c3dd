/// Small helpers for text reports: grouped numbers, durations, and log content made safe for a terminal.
public enum TextFormatting {
    /// `1234567` -> `1,234,567`.
    public static func grouped(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// `4m10s`, `2h05m`, `3d04h`.
    public static func duration(seconds: Int64) -> String {
        let s = max(seconds, 0)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(pad(s % 60))s" }
        if s < 86400 { return "\(s / 3600)h\(pad(s / 60 % 60))m" }
        return "\(s / 86400)d\(pad(s / 3600 % 24))h"
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Escapes control characters (ESC, CR, BEL, C1 controls ...) so log content cannot steer the terminal.
    public static func terminalSafe(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Pads or cuts `text` to `width` columns (left-aligned, or right-aligned for numbers).
    public static func column(_ text: String, _ width: Int, right: Bool = false) -> String {
        if text.count >= width { return String(text.prefix(width)) }
        let padding = String(repeating: " ", count: width - text.count)
        return right ? padding + text : text + padding
    }
}
