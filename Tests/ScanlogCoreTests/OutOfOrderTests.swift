import Testing
@testable import ScanlogCore

/// Lines out of time order (merged logs, a clock stepped back): a source's visit is one run of probes whatever
/// the order they are logged in (issue 8's bad-input matrix; end to end in BadInputMatrixTests).
@Suite struct OutOfOrderTests {
    /// Counts `lines` into one aggregator.
    static func aggregate(_ lines: [String]) -> Aggregator {
        var parser = makeParser()
        var aggregator = Aggregator()
        for line in lines {
            let (outcome, record) = parse(line, with: &parser)
            aggregator.count(outcome, record: record, where: "test")
        }
        return aggregator
    }

    /// Ten ports a second apart; the same ten with neighbours swapped; and in reverse.
    @Test(arguments: ["in order", "neighbours swapped", "reversed"])
    func aProbeBeforeTheVisitsStartExtendsIt(_ order: String) throws {
        var lines = (0..<10).map { ufwLine(time: "Nov 22 02:11:1\($0)", src: "203.0.113.5", dpt: 100 + $0, spt: 40000 + $0) }
        switch order {
        case "neighbours swapped": for index in stride(from: 0, to: 10, by: 2) { lines.swapAt(index, index + 1) }
        case "reversed": lines.reverse()
        default: break
        }
        let aggregator = Self.aggregate(lines)
        let source = try #require(aggregator.sources.first)
        #expect(aggregator.sources.count == 1)
        #expect(source.probes == 10)
        #expect(source.visits == 1, "\(order): \(source.visits) visits")
        #expect(source.busiestVisitPorts == 10, "\(order): \(source.busiestVisitPorts) ports in the busiest visit")
    }

    /// A probe more than the visit gap (an hour) before the visit is another visit, as one that long after is.
    @Test func aProbeLongBeforeIsAnotherVisit() throws {
        let lines = [
            ufwLine(time: "Nov 22 05:00:00", src: "203.0.113.5", dpt: 22),
            ufwLine(time: "Nov 22 05:00:30", src: "203.0.113.5", dpt: 23),
            ufwLine(time: "Nov 22 02:00:00", src: "203.0.113.5", dpt: 80),
        ]
        let source = try #require(Self.aggregate(lines).sources.first)
        #expect(source.visits == 2)
    }
}
