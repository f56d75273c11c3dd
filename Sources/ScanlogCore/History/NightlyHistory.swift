import Foundation

extension HistorySession {
    /// Tonight against the history, then tonight into it: background sources are judged again with what earlier
    /// nights saw (`Classification.addCrossNightFindings`), ports never probed before are listed, the tally is
    /// recorded with the resume state, and the history report is attached to `analysis`.
    public func recordNight(
        _ analysis: inout Analysis, tally: DailyTally, config: ClassifierConfig,
        resumeState: Data, finishedAt: String, keepDays: Int, path: String, now: Int64
    ) throws {
        let hadHistory = try !isEmpty()
        let known = hadHistory ? try knownPorts() : []
        try record(tally, lines: Int(clamping: analysis.accounting.lines), resumeState: resumeState, finishedAt: finishedAt, keepDays: keepDays,
                   today: DailyTally.day(ofSeconds: now))
        var newPorts: [(port: PortKey, sources: Int, probes: UInt64)] = []
        var crossNight = 0
        if hadHistory {
            newPorts = analysis.aggregator.ports.values.filter { !known.contains($0.key) }
                .map { ($0.key, $0.sourceCount, $0.probes) }
                .sorted { ($0.sources, $1.port) > ($1.sources, $0.port) }
            let targetedBefore = analysis.classification.events.count
            analysis.classification.addCrossNightFindings(
                try nightsSeen(tonight: tally, analysis: analysis, config: config), localAddresses: try localAddressCount(),
                aggregator: analysis.aggregator, config: config)
            crossNight = analysis.classification.events.count - targetedBefore
        }
        var report = try report(path: path, keepDays: keepDays, now: now)
        if hadHistory {
            // Tonight's days are all in the history by now: the rest are earlier ones.
            let earlier = report.daysWithProbes - tally.days.count
            analysis.classification.judgedWithHistory(earlierDays: max(0, earlier))
        }
        report.newPorts = newPorts
        report.eventsFromHistory = crossNight
        if !hadHistory { report.notes = ["the history starts tonight: nothing earlier to compare with"] }
        analysis.history = report
    }

    /// Earlier nights and tonight together (tonight is recorded by now), for each source that tonight's log
    /// alone calls plain background.
    func nightsSeen(tonight tally: DailyTally, analysis: Analysis, config: ClassifierConfig) throws -> [UInt32: NightsSeen] {
        let aggregator = analysis.aggregator
        let possible = try sourcesSeenOn(days: max(2, config.returningDays), orPorts: config.slowVerticalPorts)
        var ids: [IPAddress: UInt32] = [:]
        for (index, verdict) in analysis.classification.sources.enumerated() {
            guard let verdict, Classification.mayTurnTargeted(verdict) else { continue }
            let address = aggregator.sources[index].address
            if possible.contains(address.description) { ids[address] = UInt32(index) }
        }
        let tonight = tally.daysBySource
        var result: [UInt32: NightsSeen] = [:]
        for (address, var nights) in try nightsSeen(of: ids.keys.sorted()) {
            nights.tonight = tonight[address] ?? []
            result[ids[address]!] = nights
        }
        return result
    }
}
