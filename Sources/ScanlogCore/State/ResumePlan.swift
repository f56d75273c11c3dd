/// Decides, for each log given to `scanlog nightly`, where to start reading, from what the last run remembered.
///
/// A file is recognised by identity, never by name:
/// 1. the same device and inode whose first bytes still hash the same and which is not shorter than the
///    remembered offset: the same file, perhaps renamed by logrotate (`ufw.log` -> `ufw.log.1`): resume there;
/// 2. otherwise a remembered file whose first bytes hash the same: the same content under a new inode —
///    compressed by logrotate (`ufw.log.1` -> `ufw.log.2.gz`, inflated and discarded up to the offset) or
///    copied by `copytruncate`: resume at its offset; a gzip file read to its end before is skipped;
/// 3. otherwise a new file, read from its start. When its inode was remembered under the same name, it was
///    truncated or replaced in place (`copytruncate`), and that is said.
/// Each remembered file is taken by at most one file, so no line is read twice.
public struct ResumePlan: Sendable {
    public enum Action: Equatable, Sendable {
        /// Read from this byte of the (inflated) stream.
        case read(from: UInt64)
        /// A gzip file read to its end by an earlier run, unchanged.
        case skip
    }

    public struct Item: Sendable {
        public var path: String
        /// Nil when the file could not be identified (missing, unreadable): it is read anyway, so the run
        /// reports the error and the state is not advanced.
        public var identity: FileIdentity?
        public var action: Action
        /// The remembered file this one continues, if any.
        public var remembered: RememberedFile?
    }

    /// Something the admin should hear about; `expected` notes (a recognised copytruncate rotation) go with
    /// the report, the others to standard error every time.
    public struct Note: Equatable, Sendable {
        public var message: String
        public var expected: Bool
    }

    public var items: [Item] = []
    public var notes: [Note] = []
    /// Remembered files of other logs (not of the rotated sets read now): kept as they are.
    public var untouched: [RememberedFile] = []

    /// The inputs to read, oldest first, each from its start offset.
    public var specs: [InputSpec] {
        items.compactMap { item in
            if case .read(let offset) = item.action { return InputSpec(path: item.path, startOffset: offset) }
            return nil
        }
    }

    /// Plans a run over `paths` (any order; they are read oldest first) with identities looked up by `identify`.
    public static func make(paths: [String], state: NightlyState,
                            identify: (String) -> FileIdentity? = { try? FileIdentity.read(path: $0) }) -> ResumePlan {
        var seen = Set<String>()
        let ordered = RotationOrder.sorted(paths.map { InputSpec(path: $0) }).map(\.path).filter { seen.insert($0).inserted }
        var plan = ResumePlan()
        plan.items = ordered.map { Item(path: $0, identity: identify($0), action: .read(from: 0), remembered: nil) }
        var used = [Bool](repeating: false, count: state.files.count)

        // 1. Same inode, same head, not shorter than where reading stopped.
        for index in plan.items.indices {
            guard let identity = plan.items[index].identity else { continue }
            if let found = state.files.indices.first(where: { candidate in
                let file = state.files[candidate]
                return !used[candidate] && file.sameInode(identity) && file.gzip == identity.isGzip && file.headMatches(identity)
                    && (identity.isGzip || identity.size >= file.offset)
            }) {
                used[found] = true
                plan.items[index].remembered = state.files[found]
            }
        }
        // 2. Same head under another inode (compressed or copied); the longest remembered head wins.
        for index in plan.items.indices where plan.items[index].remembered == nil {
            guard let identity = plan.items[index].identity else { continue }
            let candidates = state.files.indices.filter { candidate in
                !used[candidate] && state.files[candidate].headBytes > 0 && state.files[candidate].headMatches(identity)
            }
            if let found = candidates.max(by: { (state.files[$0].headBytes, state.files[$0].offset) < (state.files[$1].headBytes, state.files[$1].offset) }) {
                used[found] = true
                plan.items[index].remembered = state.files[found]
            }
        }
        // Decide each file's action.
        for index in plan.items.indices {
            let item = plan.items[index]
            guard let identity = item.identity else { continue }
            if let file = item.remembered {
                if file.gzip && file.complete && identity.isGzip && file.size == identity.size {
                    plan.items[index].action = .skip
                } else if !identity.isGzip && identity.size < file.offset {
                    plan.notes.append(Note(message: "\(item.path): shorter than where the last run stopped (byte \(file.offset)) though it starts the same; read from the start", expected: false))
                    plan.items[index].remembered = nil
                } else {
                    plan.items[index].action = .read(from: file.offset)
                }
                continue
            }
            // A new file. Was its inode remembered under this name? Then it was truncated or replaced in place.
            if let old = state.files.indices.first(where: { state.files[$0].sameInode(identity) && state.files[$0].path == item.path }) {
                let copy = plan.items.first { $0.remembered == state.files[old] && $0.path != item.path }
                if let copy {
                    plan.notes.append(Note(message: "\(item.path): truncated after being copied to \(copy.path) (copytruncate); read from the start", expected: true))
                } else {
                    plan.notes.append(Note(message: "\(item.path): truncated or replaced since the last run, read from the start", expected: false))
                }
            }
        }
        // Remembered files nobody took: those of the logs read now are gone; the others belong to other runs.
        let families = Set(ordered.map { RotationOrder.key(for: $0).baseName })
        for (index, file) in state.files.enumerated() where !used[index] {
            if !families.contains(RotationOrder.key(for: file.path).baseName) {
                plan.untouched.append(file)
            } else if !file.gzip && file.offset > 0
                && !plan.items.contains(where: { $0.identity.map(file.sameInode) ?? false && $0.path == file.path })
            {
                plan.notes.append(Note(message: "\(file.path) (read up to byte \(file.offset) last time) is no longer among the logs given: any lines written to it after that byte were not read", expected: false))
            }
        }
        return plan
    }

    /// Files whose name no longer leads to the inode identified when the run was planned: logrotate ran
    /// meanwhile, so what was read may not be what was planned, and the state must not advance.
    public func filesChangedSincePlanned(inode: (String) -> (device: UInt64, inode: UInt64)? = FileIdentity.inode(path:)) -> [String] {
        items.compactMap { item in
            guard let identity = item.identity else { return nil }
            guard let now = inode(item.path), now.device == identity.device, now.inode == identity.inode else { return item.path }
            return nil
        }
    }

    /// The state to write after a successful run: each file read, with the offset after its last complete line.
    public func nextState(after analysis: Analysis, written: String? = nil) -> NightlyState {
        nextState(after: Array(zip(analysis.inputs, analysis.endOffsets)), written: written)
    }

    /// The same from each input's summary and end offset.
    public func nextState(after inputs: [(summary: InputSummary, endOffset: UInt64)], written: String? = nil) -> NightlyState {
        var summaries: [String: (summary: InputSummary, endOffset: UInt64)] = [:]
        for input in inputs { summaries[input.summary.path] = input }
        var files: [RememberedFile] = []
        for item in items {
            guard let identity = item.identity else { continue }
            switch item.action {
            case .skip:
                if var file = item.remembered {
                    file.path = item.path
                    files.append(file)
                }
            case .read(let from):
                let read = summaries[item.path]
                let summary = read?.summary
                let end = read?.endOffset ?? from
                files.append(RememberedFile(path: item.path, identity: identity, offset: max(end, from),
                                            complete: identity.isGzip && summary != nil && summary?.error == nil))
            }
        }
        return NightlyState(files: files + untouched, written: written)
    }
}
