/// Finds groups of sources that split one host's ports between them: source rotation by one actor
/// (Gates 2006: the members of a distributed scan overlap little).
///
/// Candidates aim at one host from a short active span. They are grouped by network (/24 for IPv4,
/// /48 for IPv6) and target; a group is a distributed scan when it has enough members whose first probes
/// are close in time, enough ports between them, and little overlap between their port sets.
struct DistributedScanFinder {
    let config: ClassifierConfig

    struct Group {
        /// The shared /24 or /48; nil when the members are scattered and share a tool instead.
        var network: Network?
        var target: UInt32
        var members: [SourceFeatures]
        var unionPorts: Set<PortKey>
        var overlap: Double
        var startSpread: Int64
    }

    /// Drops members whose ports are more than `distributedMaxOverlap` shared with the other members, all at
    /// once and at most three times over (each pass is linear in the members' ports).
    func withoutOverlappingMembers(_ members: [SourceFeatures]) -> [SourceFeatures] {
        // Each member's ports, made once (`SourceFeatures.ports` sorts them at every call).
        var kept = members.map { (member: $0, ports: $0.bucket.sortedPorts) }
        for _ in 0..<3 where kept.count >= config.distributedSources {
            var counts: [UInt32: Int] = [:]
            for member in kept { for port in member.ports { counts[port, default: 0] += 1 } }
            let before = kept.count
            kept.removeAll { member in
                let shared = member.ports.reduce(0) { counts[$1]! > 1 ? $0 + 1 : $0 }
                return Double(shared) > config.distributedMaxOverlap * Double(max(member.member.portCount, 1))
            }
            if kept.count == before { break }
        }
        return kept.map(\.member)
    }

    /// Groups among the judged sources of `table` (`isJudged`); `features` makes a source's features (only
    /// members of groups large enough to matter get theirs made).
    func find(_ table: SourceTable, isJudged: (Int) -> Bool, features: (UInt32) -> SourceFeatures) -> [Group] {
        // One actor's sources run the same tool: group by network, target and fingerprint. Candidates are sorted
        // by that key as one small value each (no array per key); the text key (`network|target|tool`, which
        // orders the groups) is made only for groups with enough members to matter.
        func isCandidate(_ bucket: SourceBucket) -> Bool {
            bucket.targetCount == 1 && bucket.portCount >= 2 && SourceFeatures.backscatterShare(bucket) < 0.5
        }
        var keyed: [NetworkMember] = []
        keyed.reserveCapacity(table.indices.reduce(0) { isJudged($1) && isCandidate(table.view($1)) ? $0 + 1 : $0 })
        // Candidates with ten ports or more, in number order, for the second pass below.
        var scatteredCandidates: [UInt32] = []
        for index in table.indices where isJudged(index) {
            let bucket = table.view(index)
            guard isCandidate(bucket) else { continue }
            let tool = UInt8(bucket.dominantFingerprint.map { $0.rawValue + 1 } ?? 0)
            keyed.append(NetworkMember(network: NetworkMember.network(of: bucket.address), small: tool,
                                       value: bucket.lowestTargetID!, id: UInt32(index)))
            if bucket.portCount >= 10 { scatteredCandidates.append(UInt32(index)) }
        }
        keyed.sort()
        var candidates: [String: [SourceFeatures]] = [:]
        NetworkMember.forEachGroup(of: keyed, atLeast: config.distributedSources) { group in
            let members = group.map { features($0.id) }
            let network = Network(siblingsOf: members[0].bucket.address)
            let target = group[group.startIndex].value
            let tool = members[0].bucket.dominantFingerprint
            candidates["\(network)|\(target)|\(tool?.name ?? "none")"] = members
        }
        keyed = []
        var groups = findGroups(candidates)
        candidates = [:]
        // Second pass: sources from scattered networks that share a tool and a target, each with a real share of
        // the ports (single probes of noise can never form a group this way).
        let grouped = Set(groups.flatMap { $0.members.map(\.id) })
        var byTool: [String: [UInt32]] = [:]
        for id in scatteredCandidates where !grouped.contains(id) {
            let bucket = table.view(Int(id))
            let tool = bucket.dominantFingerprint?.name ?? "none"
            byTool["any|\(bucket.lowestTargetID!)|\(tool)", default: []].append(id)
        }
        var scattered: [String: [SourceFeatures]] = [:]
        for (key, ids) in byTool where ids.count >= config.distributedSources { scattered[key] = ids.map(features) }
        groups += findGroups(scattered)
        return groups
    }

    private func findGroups(_ candidates: [String: [SourceFeatures]]) -> [Group] {
        var groups: [Group] = []
        for (key, members) in candidates.sorted(by: { $0.key < $1.key }) where members.count >= config.distributedSources {
            // Members whose first probe is within the spread of the group's earliest cluster.
            let ordered = members.sorted { ($0.bucket.seen.first?.microseconds ?? 0, $0.id) < ($1.bucket.seen.first?.microseconds ?? 0, $1.id) }
            func firstSeen(_ index: Int) -> Int64 { ordered[index].bucket.seen.first?.seconds ?? 0 }
            var best: ArraySlice<SourceFeatures> = []
            var start = 0
            for end in ordered.indices {
                while firstSeen(end) - firstSeen(start) > config.distributedStartSpreadSeconds { start += 1 }
                if end - start + 1 > best.count { best = ordered[start...end] }
            }
            // Members split the space: one that mostly re-probes the others' ports is not part of the split.
            let splitters = withoutOverlappingMembers(Array(best))
            guard splitters.count >= config.distributedSources else { continue }
            best = splitters[...]
            var union = Set<PortKey>()
            var total = 0
            for member in best {
                union.formUnion(member.ports)
                total += member.portCount
            }
            guard union.count >= config.distributedPorts else { continue }
            let overlap = total == 0 ? 1 : 1 - Double(union.count) / Double(total)
            guard overlap <= config.distributedMaxOverlap else { continue }
            // A split range is concentrated: dense within its span, or mostly on ports up to 10000. Ports drawn at
            // random from the whole range never overlap either, so low overlap alone proves nothing.
            let numbers = union.compactMap(\.number).map(Int.init)
            let density = Double(numbers.count) / Double(max((numbers.max() ?? 0) - (numbers.min() ?? 0) + 1, 1))
            let lowShare = Double(numbers.filter { $0 <= 10000 }.count) / Double(max(numbers.count, 1))
            guard density >= 0.2 || lowShare >= 0.8 else { continue }
            let firsts = best.compactMap { $0.bucket.seen.first?.seconds }
            let spread = (firsts.max() ?? 0) - (firsts.min() ?? 0)
            let parts = key.split(separator: "|")  // network | target | tool
            groups.append(Group(network: Network(String(parts[0])), target: UInt32(parts[1])!, members: Array(best),
                                unionPorts: union, overlap: overlap, startSpread: spread))
        }
        return groups
    }
}
