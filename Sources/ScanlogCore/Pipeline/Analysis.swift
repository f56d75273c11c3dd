/// The result of reading a set of logs: inputs, accounting and buckets. Every report renders one of these.
public struct Analysis: Sendable {
    public var inputs: [InputSummary] = []
    public var aggregator = Aggregator()
    public var classification = Classification()
    /// For each input, the offset in its (inflated) stream after the last line counted (`scanlog nightly`).
    public var endOffsets: [UInt64] = []
    /// Whether reports may render on a second thread (`AnalysisOptions.parallel`).
    public var parallel = true
    /// What the nightly history adds (trends, new ports); nil outside `scanlog nightly`.
    public var history: HistoryReport?
    /// The ports and sources in report order, when `run` sorted them while classifying (`sortsAllRows`).
    var rowOrder: RowOrder?

    public init() {}

    public var accounting: Accounting { aggregator.accounting }
    /// Whether any input could not be read fully.
    public var hadInputErrors: Bool { inputs.contains { $0.error != nil } }

    /// Reads the inputs, rotated sets oldest first, and folds them into one analysis. Parsing runs on a second
    /// thread ahead of the aggregation (`PipelinedReader`) unless `options.parallel` is off.
    public static func run(_ specs: [InputSpec], options: AnalysisOptions = AnalysisOptions()) -> Analysis {
        var analysis = Analysis()
        analysis.aggregator.filter = options.filter
        analysis.parallel = options.parallel
        let ordered = RotationOrder.sorted(specs)
        let pipelined = options.parallel && !ordered.isEmpty && PipelinedReader.read(ordered, options: options, into: &analysis)
        if !pipelined {
            var years: YearInference?
            for spec in ordered {
                var endOffset: UInt64 = 0
                analysis.inputs.append(LogReader.read(spec, options: options, years: &years, into: &analysis.aggregator, endOffset: &endOffset))
                analysis.endOffsets.append(endOffset)
            }
        }
        // The row order needs the buckets alone: sorting it beside the classification's one-thread steps
        // (distributed scans, events, port verdicts) takes it off the report's time.
        let aggregator = analysis.aggregator
        let (config, parallel) = (options.classifier, options.parallel)
        let sortsAhead = options.sortsAllRows && parallel && RowOrder.isLarge(aggregator) && RowOrder.mayOverlapClassification(aggregator)
        (analysis.classification, analysis.rowOrder) = TwoThreads.pair(parallel: sortsAhead, {
            Classification.classify(aggregator, config: config, parallel: parallel)
        }, { sortsAhead ? RowOrder(aggregator, parallel: true) : nil })
        return analysis
    }

    /// Source numbers of targeted sources, by event then probes.
    public var targetedSourceCount: Int { classification.sources.filter { $0?.threatClass == .targeted }.count }

    /// Port buckets, most probed first (ties by port).
    public var portsByProbes: [PortBucket] { rowOrder?.ports ?? aggregator.ports.byProbes() }

    /// The `count` most probed port buckets, in that order: the first `count` of `portsByProbes` without
    /// sorting them all.
    public func topPorts(_ count: Int) -> [PortBucket] {
        aggregator.ports.values.first(count, by: PortTable.comesFirst)
    }

    /// Source numbers, most probes first (ties by address); sorting numbers, not buckets, copies nothing.
    public var sourceIDsByProbes: [UInt32] { rowOrder?.sourceIDs ?? aggregator.sources.numbersByProbes() }

    /// The first `count` of `sourceIDsByProbes`, without sorting them all.
    public func topSourceIDs(_ count: Int) -> [UInt32] {
        (0..<UInt32(aggregator.sources.count)).first(count, by: aggregator.sources.comesFirst)
    }

    /// The `count` sources with most probes (ties by address).
    public func topSources(_ count: Int) -> [SourceBucket] {
        topSourceIDs(count).map { aggregator.sources[Int($0)] }
    }
}

extension Sequence {
    /// The first `count` elements in the order of `areInIncreasingOrder` (a strict total order): the same as
    /// `sorted(by:).prefix(count)`, in one pass that keeps only `count` elements sorted.
    func first(_ count: Int, by areInIncreasingOrder: (Element, Element) -> Bool) -> [Element] {
        guard count > 0 else { return [] }
        var kept: [Element] = []
        kept.reserveCapacity(count)
        for element in self {
            if kept.count == count {
                guard areInIncreasingOrder(element, kept[count - 1]) else { continue }
                kept.removeLast()
            }
            // Binary search for the first kept element that does not come before this one.
            var low = 0, high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if areInIncreasingOrder(kept[middle], element) { low = middle + 1 } else { high = middle }
            }
            kept.insert(element, at: low)
        }
        return kept
    }
}
