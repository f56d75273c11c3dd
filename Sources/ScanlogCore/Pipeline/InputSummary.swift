/// What was read from one input, for the report's list of inputs.
public struct InputSummary: Sendable, Equatable {
    public let path: String
    public var isGzip = false
    public var bytes: UInt64 = 0
    public var lines: UInt64 = 0
    public var records: UInt64 = 0
    /// Why the input could not be read, or not to its end (what was read before is kept).
    public var error: InputError?

    public init(path: String) { self.path = path }
}
