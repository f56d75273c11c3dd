/// Small helpers for text reports: grouped numbers, durations, and log content made safe for a terminal.
public enum TextFormatting {
    /// `1234567` -> `1,234,567`.
    public static func grouped(_ value: some BinaryInteger) -> String {
        if let magnitude = UInt64(exactly: value.magnitude) { return grouped(magnitude: magnitude, negative: value < 0) }
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// `grouped` for magnitudes of up to 64 bits, written into the string's storage (classification words
    /// evidence with it for many sources).
    private static func grouped(magnitude: UInt64, negative: Bool) -> String {
        String(unsafeUninitializedCapacity: groupedMaximumLength) { writeGrouped(magnitude, negative: negative, to: $0.baseAddress!) }
    }

    /// 20 digits, 6 commas and a sign at most.
    static let groupedMaximumLength = 27

    /// Writes `grouped` of `magnitude` (after a `-` when `negative`) at `buffer`, which has room for
    /// `groupedMaximumLength` bytes; returns the length. Reports write numbers into their own buffers with it.
    static func writeGrouped(_ magnitude: UInt64, negative: Bool = false, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { reversed in
            var count = 0
            var rest = magnitude
            repeat {
                if count % 4 == 3 {
                    reversed[count] = UInt8(ascii: ",")
                    count += 1
                }
                reversed[count] = 0x30 &+ UInt8(truncatingIfNeeded: rest % 10)
                count += 1
                rest /= 10
            } while rest != 0
            var length = 0
            if negative {
                buffer[0] = UInt8(ascii: "-")
                length = 1
            }
            while count > 0 {
                count -= 1
                buffer[length] = reversed[count]
                length += 1
            }
            return length
        }
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
