/// The result of reading a set of logs: inputs, accounting and buckets. Every report renders one of these.
public struct Analysis: Sendable {
    public var inputs: [InputSummary] = []
    public var aggregator = Aggregator()
    public var classification = Classification()
    /// For each input, the offset in its (inflated) stream after the last line counted (`scanlog nightly`).
    public var endOffsets: [UInt64] = []
    /// What the nightly history adds (trends, new ports); nil outside `scanlog nightly`.
    public var history: HistoryReport?

    public init() {}

    public var accounting: Accounting { aggregator.accounting }
    /// Whether any input could not be read fully.
    public var hadInputErrors: Bool { inputs.contains { $0.error != nil } }

    /// Reads the inputs, rotated sets oldest first, and folds them into one analysis. Parsing runs on a second
    /// thread ahead of the aggregation (`PipelinedReader`) unless `options.parallelParsing` is off.
    public static func run(_ specs: [InputSpec], options: AnalysisOptions = AnalysisOptions()) -> Analysis {
        var analysis = Analysis()
        analysis.aggregator.filter = options.filter
        let ordered = RotationOrder.sorted(specs)
        let pipelined = options.parallelParsing && !ordered.isEmpty && PipelinedReader.read(ordered, options: options, into: &analysis)
        if !pipelined {
            var years: YearInference?
            for spec in ordered {
                var endOffset: UInt64 = 0
                analysis.inputs.append(LogReader.read(spec, options: options, years: &years, into: &analysis.aggregator, endOffset: &endOffset))
                analysis.endOffsets.append(endOffset)
            }
        }
        analysis.classification = Classification.classify(analysis.aggregator, config: options.classifier)
        return analysis
    }

    /// Source numbers of targeted sources, by event then probes.
    public var targetedSourceCount: Int { classification.sources.filter { $0?.threatClass == .targeted }.count }

    /// Port buckets, most probed first (ties by port).
    public var portsByProbes: [PortBucket] {
        aggregator.ports.values.sorted { ($0.probes, $1.key) > ($1.probes, $0.key) }
    }

    /// Source numbers, most probes first (ties by address); sorting numbers, not buckets, copies nothing.
    public var sourceIDsByProbes: [UInt32] {
        let sources = aggregator.sources
        return (0..<UInt32(sources.count)).sorted { a, b in
            let (x, y) = (sources[Int(a)], sources[Int(b)])
            return x.probes != y.probes ? x.probes > y.probes : x.address < y.address
        }
    }

    /// The `count` sources with most probes (ties by address).
    public func topSources(_ count: Int) -> [SourceBucket] {
        sourceIDsByProbes.prefix(count).map { aggregator.sources[Int($0)] }
    }
}
