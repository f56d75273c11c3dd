/// Writes RFC 4180 CSV (CRLF line ends, quotes doubled) with cells from the log made inert for spreadsheets.
///
/// OWASP's CSV-injection rule: a text cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'`
/// so that no spreadsheet runs it as a formula. Numbers are written with `number` and stay numbers.
public struct CSVWriter {
    public private(set) var bytes: [UInt8] = []
    private let flush: ((UnsafeRawBufferPointer) -> Void)?
    private var cellsInRow = 0

    public init(flush: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.flush = flush
        bytes.reserveCapacity(1 << 16)
    }

    public var output: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func text(_ value: String?) {
        separate()
        guard let value, !value.isEmpty else { return }
        var cell = value
        if let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { cell = "'" + cell }
        if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            bytes.append(UInt8(ascii: "\""))
            for byte in cell.utf8 {
                bytes.append(byte)
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            }
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.append(contentsOf: cell.utf8)
        }
    }

    /// A number cell (negative numbers are numbers, not formulas).
    public mutating func number(_ value: (some BinaryInteger)?) {
        separate()
        if let value { bytes.append(contentsOf: String(value).utf8) }
    }

    public mutating func number(_ value: Double?) {
        separate()
        if let value, value.isFinite { bytes.append(contentsOf: String(value).utf8) }
    }

    /// A list joined with `;`.
    public mutating func list(_ values: [String]) { text(values.joined(separator: ";")) }

    public mutating func header(_ names: [String]) {
        for name in names { text(name) }
        endRow()
    }

    public mutating func endRow() {
        bytes.append(0x0D)
        bytes.append(0x0A)
        cellsInRow = 0
        if let flush, bytes.count >= 1 << 16 { finish(flush) }
    }

    public mutating func finish() {
        if let flush { finish(flush) }
    }

    private mutating func finish(_ flush: (UnsafeRawBufferPointer) -> Void) {
        if !bytes.isEmpty { bytes.withUnsafeBytes(flush) }
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func separate() {
        if cellsInRow > 0 { bytes.append(UInt8(ascii: ",")) }
        cellsInRow += 1
    }
}
