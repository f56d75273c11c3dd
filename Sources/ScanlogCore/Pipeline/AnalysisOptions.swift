/// How to read the inputs.
public struct AnalysisOptions {
    /// The year of the first year-less timestamp; nil to infer it from each file's modification time.
    public var year: Int?
    /// Lines longer than this are cut and counted as unparsed.
    public var maxLineLength = 64 * 1024
    /// Read size; large reads keep system calls off the profile.
    public var readSize = 1 << 20
    /// "Now", for standard input's year inference (seconds since the epoch); nil for the clock.
    public var now: Int64?
    /// The UTC offset (seconds east) of timestamps written without one; nil for this machine's zone (`TZ`).
    public var localTimeOffset: Int64?
    /// Which records go into the buckets.
    public var filter = RecordFilter()
    /// Called with every probe as it is read (the streamed `probes` table and JSON Lines); nothing is kept.
    public var probeSink: ((ProbeRow) -> Void)?
    /// Called after every chunk read: the input's path, bytes read and lines framed so far (progress display).
    public var progress: ((String, UInt64, Int) -> Void)?
    /// Thresholds and network lists for the classifier.
    public var classifier = ClassifierConfig()
    /// Leave a plain file's last line uncounted when it has no newline yet (it is still being written):
    /// `Analysis.endOffsets` then stay before it, and the next `scanlog nightly` reads it whole.
    public var holdPartialLastLine = false
    /// Use a second thread: framing and parsing run a few thousand lines ahead of the aggregation (and into the
    /// next input while the aggregation finishes the previous one), and long report tables are rendered in two
    /// halves, and sources are classified in two halves. False does everything on the calling thread (`--jobs 1`). The results are the same.
    public var parallel = true
    /// Whether the report lists every port and source in report order (JSON; a whole CSV ports or sources table):
    /// with `parallel`, a large log's rows are then sorted on another thread while its sources are classified.
    public var sortsAllRows = false

    public init() {}
}
