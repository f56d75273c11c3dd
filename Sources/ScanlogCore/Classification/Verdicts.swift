/// Background scanning noise, or concentrated targeting.
public enum ThreatClass: String, Sendable, Comparable {
    case background, targeted
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What kind of behaviour a source (or a group of sources) showed.
public enum ScanKind: String, Sendable, CaseIterable, Comparable {
    case backgroundSweep = "background-sweep"
    case institutionalScanner = "institutional-scanner"
    case backscatter = "backscatter"
    case verticalScan = "vertical-scan"
    case slowVerticalScan = "slow-vertical-scan"
    case horizontalSweep = "horizontal-sweep"
    case serviceHammering = "service-hammering"
    case distributedScan = "distributed-scan"
    case returningRecon = "returning-recon"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The verdict on one source, with the numbers behind it.
public struct SourceVerdict: Sendable {
    public let sourceID: UInt32
    public var threatClass: ThreatClass
    public var kind: ScanKind
    /// 0...1: how far past its thresholds the evidence is.
    public var confidence: Double
    public var fingerprint: Fingerprint? {
        didSet {
            // Derived evidence names the fingerprint: keep the words it had.
            if let bucket = derivedFrom, fingerprint != oldValue { evidence = Self.derivedEvidence(bucket, fingerprint: oldValue) }
        }
    }
    /// Evidence sentences, with the background summary (if any) first. Most sources are quiet background:
    /// their evidence (summary, and the tool fingerprint line) is worded from their bucket only when a report asks.
    public var evidence: [String] {
        get { derivedFrom.map { Self.derivedEvidence($0, fingerprint: fingerprint) } ?? lines }
        set {
            lines = newValue
            derivedFrom = nil
        }
    }
    public var eventID: String?
    var lines: [String] = []
    /// A quiet background source's bucket: its evidence is its `BackgroundSummary` and, with a tool
    /// fingerprint, the fingerprint line (`SourceClassifier.fingerprintLine`).
    private(set) var derivedFrom: SourceBucket?

    /// Evidence worded from the bucket when asked (see `derivedFrom`); `lines` are the fingerprint line.
    mutating func deriveEvidence(from bucket: SourceBucket) {
        lines = []
        derivedFrom = bucket
    }

    /// Holds the storage of the bucket its evidence is worded from, for a verdict that is kept (the classifier
    /// derives from views of the table, `SourceTable.view`).
    mutating func keepBucket() {
        derivedFrom = derivedFrom?.owning
    }

    static func derivedEvidence(_ bucket: SourceBucket, fingerprint: Fingerprint?) -> [String] {
        let parts = derivedParts(bucket, fingerprint: fingerprint)
        return [parts.summary.text] + (parts.fingerprint.map { [$0.text] } ?? [])
    }

    static func derivedParts(_ bucket: SourceBucket, fingerprint: Fingerprint?) -> (summary: BackgroundSummary, fingerprint: FingerprintLine?) {
        guard let fingerprint, fingerprint != .backscatter else { return (BackgroundSummary(bucket), nil) }
        return (BackgroundSummary(bucket), FingerprintLine(fingerprint, bucket: bucket))
    }

    /// `evidence` in parts, for reports that word a quiet background source's evidence straight into their
    /// buffer: its summary and fingerprint line, or else the sentences.
    var evidenceParts: EvidenceParts {
        guard let bucket = derivedFrom else { return .lines(lines) }
        let parts = Self.derivedParts(bucket, fingerprint: fingerprint)
        return .derived(parts.summary, parts.fingerprint)
    }

    enum EvidenceParts {
        case lines([String])
        case derived(BackgroundSummary, FingerprintLine?)
    }

    init(sourceID: UInt32, threatClass: ThreatClass, kind: ScanKind, confidence: Double, fingerprint: Fingerprint?, eventID: String?) {
        self.sourceID = sourceID
        self.threatClass = threatClass
        self.kind = kind
        self.confidence = confidence
        self.fingerprint = fingerprint
        self.eventID = eventID
    }
}

/// The numbers behind a quiet background source's verdict, worded on demand.
/// Kept for most sources, so small: 32 bytes (counts as `UInt32`, no SIMD alignment).
struct BackgroundSummary: Sendable {
    let probes: UInt64
    private let storedPortCount: UInt32
    let visits: UInt32
    private let storedDays: UInt32
    /// Up to three of its ports, packed (`PortKey.packed`); `.max` where there is none.
    private let port0: UInt32, port1: UInt32, port2: UInt32

    init(probes: UInt64, ports: [PortKey], visits: UInt32, days: Int) {
        self.probes = probes
        storedPortCount = UInt32(clamping: ports.count)
        port0 = ports.count > 0 ? ports[0].packed : .max
        port1 = ports.count > 1 ? ports[1].packed : .max
        port2 = ports.count > 2 ? ports[2].packed : .max
        self.visits = visits
        storedDays = UInt32(clamping: days)
    }

    /// The summary of a bucket: its ports in `PortKey` order.
    init(_ bucket: SourceBucket) {
        probes = bucket.probes
        let count = bucket.portCount
        storedPortCount = UInt32(clamping: count)
        let first = bucket.smallestPorts
        (port0, port1, port2) = (first[0], first[1], first[2])
        visits = bucket.visits
        storedDays = UInt32(clamping: bucket.dayCount)
    }

    var portCount: Int { Int(storedPortCount) }
    var days: Int { Int(storedDays) }
    var firstPorts: SIMD3<UInt32> { SIMD3(port0, port1, port2) }

    /// `1 probe(s) on 1 port(s) (49515/tcp) in 1 visit(s); below every targeting threshold` (worded by
    /// `appendText`, which the JSON report calls straight into its buffer).
    var text: String { ByteBuffer.text { appendText(to: &$0) } }
}

/// The verdict on one destination bucket, from its sources.
public struct PortVerdict: Sendable {
    public enum Verdict: String, Sendable { case background, targeted, mixed }
    public let key: PortKey
    public var verdict: Verdict
    public var evidence: [String]
}

/// The verdicts of all destination buckets (`Classification.ports`): per bucket, how many of its sources were
/// judged, how many targeted and of which kinds (12 bytes); each `PortVerdict` is worded when asked.
public struct PortVerdicts: Sendable {
    private var numbers = PortNumbers()
    private var tallies: [Tally] = []

    /// One bucket's sources: judged, targeted, and a bit per targeted kind (index in `ScanKind.allCases`).
    struct Tally {
        var judged: UInt32 = 0
        var targeted: UInt32 = 0
        var kinds: UInt32 = 0

        var verdict: PortVerdict.Verdict { targeted == 0 ? .background : (targeted == judged ? .targeted : .mixed) }

        /// `2 of 5 sources targeted (slow-vertical-scan, vertical-scan)`.
        var text: String { ByteBuffer.text { appendText(to: &$0) } }

        /// `text`'s bytes; digits and kind names, nothing to escape in JSON or CSV text.
        func appendText(to out: inout ByteBuffer) {
            out.write(atMost: 2 * TextFormatting.groupedMaximumLength + 21) { text in
                text.putGroupedDecimal(UInt64(targeted))
                text.put(" of ")
                text.putGroupedDecimal(UInt64(judged))
                text.put(" sources targeted")
            }
            guard kinds != 0 else { return }
            let kinds = ScanKind.allCases
            let seen = kinds.indices.filter { self.kinds & (1 << UInt32($0)) != 0 }.map { kinds[$0].rawValue }
            out.append(" (")
            out.append(utf8: seen.sorted().joined(separator: ", "))
            out.append(UInt8(ascii: ")"))
        }
    }

    public init() {}

    /// No sources counted yet, for every bucket of `ports`.
    init(ports: PortTable) {
        numbers = ports.numbers
        tallies = [Tally](repeating: Tally(), count: ports.count)
    }

    public var count: Int { tallies.count }

    /// Counts a source on a port: `mark` is 1 for background, 2 + kind index for targeted.
    @inline(__always)
    mutating func count(_ mark: UInt8, on packed: UInt32) {
        guard let index = numbers.existing(packed) else { return }
        tallies[index].judged += 1
        if mark >= 2 {
            tallies[index].targeted += 1
            tallies[index].kinds |= 1 << UInt32(mark - 2)
        }
    }

    public subscript(key: PortKey) -> PortVerdict? {
        tally(key).map { PortVerdict(key: key, verdict: $0.verdict, evidence: [$0.text]) }
    }

    /// The tally behind `self[key]`, which reports word straight into their buffers.
    func tally(_ key: PortKey) -> Tally? { numbers.existing(key.packed).map { tallies[$0] } }
}

/// One targeted finding: a scan or a campaign of a group of sources, with its members and extent.
public struct Event: Sendable {
    public let id: String
    public let kind: ScanKind
    public let threatClass: ThreatClass
    /// The sources' addresses; `sourceIDs` numbers those that also sent probes.
    public let sources: [IPAddress]
    public let sourceIDs: [UInt32]
    public let targets: [IPAddress]
    public let ports: [PortKey]
    public let probes: UInt64
    public let start: Timestamp?
    public let end: Timestamp?
    public let confidence: Double
    public let evidence: [String]
}

/// What the classifier says of one source: a verdict, or for a quiet background source (most sources) only what
/// `SourceVerdicts` keeps of one, so that no verdict is made for it.
enum SourceJudgement {
    /// A background sweep that no rule singled out and no sweep of this network: confidence 0.9 (`highConfidence`:
    /// few ports, at most two visits) or 0.7; its evidence is worded from its bucket when a report asks.
    case quiet(highConfidence: Bool, fingerprint: Fingerprint?)
    case verdict(SourceVerdict)
}

/// The verdicts of all sources, by source number (`Classification.sources`); nil for own networks.
///
/// Most sources are quiet background whose evidence is worded from their bucket (`SourceVerdict.derivedFrom`):
/// those take 2 bytes here (kind of entry, confidence 0.9 or 0.7, fingerprint); the rest are kept whole.
public struct SourceVerdicts: RandomAccessCollection, MutableCollection, Sendable {
    /// 0: none; `whole`: in `whole`; otherwise `compact` | `high` (0.9, else 0.7) | fingerprint (raw value + 1, 0 for none).
    private var tags: [UInt16]
    private var whole: [UInt32: SourceVerdict] = [:]
    private let table: SourceTable?

    private static let wholeTag: UInt16 = 1
    private static let compact: UInt16 = 0x100
    private static let high: UInt16 = 0x80

    public init() {
        tags = []
        table = nil
    }

    /// `count` sources, no verdicts yet; `table` holds their buckets.
    init(count: Int, table: SourceTable) {
        tags = [UInt16](repeating: 0, count: count)
        self.table = table
    }

    /// The judgement `judge(number)` of every source of `table` (nil: not judged). With `parallel`, a large
    /// table is judged in two halves on two threads, each into verdicts of its own, joined in order after.
    init(table: SourceTable, parallel: Bool, judge: @escaping @Sendable (Int) -> SourceJudgement?) {
        @Sendable func judged(_ range: Range<Int>) -> SourceVerdicts {
            var verdicts = SourceVerdicts(count: table.count, table: table)
            for index in range {
                switch judge(index) {
                case nil: break
                case .quiet(let highConfidence, let fingerprint)?: verdicts.setQuiet(index, highConfidence: highConfidence, fingerprint: fingerprint)
                case .verdict(let verdict)?: verdicts[index] = verdict
                }
            }
            return verdicts
        }
        let count = table.count, middle = count / 2
        guard parallel && count >= 1 << 14 else {
            self = judged(0..<count)
            return
        }
        let (first, second) = TwoThreads.pair(parallel: true, { judged(0..<middle) }, { judged(middle..<count) })
        self = first
        tags.replaceSubrange(middle..<count, with: second.tags[middle..<count])
        whole.merge(second.whole) { mine, _ in mine }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { tags.count }

    public subscript(position: Int) -> SourceVerdict? {
        get { verdict(position, bucket: { $0[position] }) }
        set {
            let id = UInt32(position)
            if tags[position] == Self.wholeTag { whole[id] = nil }
            guard var verdict = newValue else {
                tags[position] = 0
                return
            }
            if let bucket = verdict.derivedFrom, let table, bucket.isIn(table), bucket.id == id,
                verdict.sourceID == id, verdict.eventID == nil, verdict.lines.isEmpty,
                verdict.threatClass == .background, verdict.kind == .backgroundSweep,
                verdict.confidence == 0.9 || verdict.confidence == 0.7
            {
                setQuiet(position, highConfidence: verdict.confidence == 0.9, fingerprint: verdict.fingerprint)
            } else {
                tags[position] = Self.wholeTag
                verdict.keepBucket()
                whole[id] = verdict
            }
        }
    }

    /// Source `position` is quiet background: its verdict is worded from its bucket when asked.
    private mutating func setQuiet(_ position: Int, highConfidence: Bool, fingerprint: Fingerprint?) {
        tags[position] = Self.compact | (highConfidence ? Self.high : 0) | UInt16(fingerprint.map { $0.rawValue + 1 } ?? 0)
    }

    /// The verdict of source `position` as the subscript gives it, its derived evidence read through a view of
    /// the table (`SourceTable.view`): for report rows, while the analysis lives.
    func view(_ position: Int) -> SourceVerdict? { verdict(position, bucket: { $0.view(position) }) }

    @inline(__always)
    private func verdict(_ position: Int, bucket: (SourceTable) -> SourceBucket) -> SourceVerdict? {
        let tag = tags[position]
        if tag == 0 { return nil }
        if tag == Self.wholeTag { return whole[UInt32(position)] }
        let code = Int(tag & 0x7F)
        var verdict = SourceVerdict(
            sourceID: UInt32(position), threatClass: .background, kind: .backgroundSweep,
            confidence: tag & Self.high != 0 ? 0.9 : 0.7, fingerprint: code == 0 ? nil : Fingerprint(rawValue: code - 1),
            eventID: nil)
        verdict.deriveEvidence(from: bucket(table!))
        return verdict
    }

    /// Whether source `position` is quiet background (`SourceJudgement.quiet`), with what its verdict is made
    /// of: for report rows, which word a quiet verdict without making it (`view` makes it).
    func quietJudgement(_ position: Int) -> (highConfidence: Bool, fingerprint: Fingerprint?)? {
        let tag = tags[position]
        if tag & Self.compact == 0 { return nil }
        let code = Int(tag & 0x7F)
        return (tag & Self.high != 0, code == 0 ? nil : Fingerprint(rawValue: code - 1))
    }

    /// Whether source `position` has a verdict (is not in an own network).
    func isJudged(_ position: Int) -> Bool { tags[position] != 0 }

    /// Sources with a verdict.
    var judgedCount: Int { tags.reduce(0) { $1 != 0 ? $0 + 1 : $0 } }

    /// 0 for none, 1 for background, 2 + index in `ScanKind.allCases` for targeted; without making the verdict.
    func mark(_ position: Int) -> UInt8 {
        let tag = tags[position]
        if tag == 0 { return 0 }
        guard tag == Self.wholeTag, let verdict = whole[UInt32(position)], verdict.threatClass == .targeted else { return 1 }
        return UInt8(2 + ScanKind.allCases.firstIndex(of: verdict.kind)!)
    }

    /// Sources whose verdict is kept whole (every targeted one among them), ascending.
    var wholeIDs: [UInt32] { whole.keys.sorted() }

    /// Background sources by kind, counted without making their verdicts.
    var backgroundKindCounts: [ScanKind: Int] {
        var counts: [ScanKind: Int] = [:]
        var compactCount = 0
        for tag in tags where tag & Self.compact != 0 { compactCount += 1 }
        if compactCount > 0 { counts[.backgroundSweep] = compactCount }
        for verdict in whole.values where verdict.threatClass == .background { counts[verdict.kind, default: 0] += 1 }
        return counts
    }
}
