import Foundation
import Testing
@testable import ScanlogCore
import ScanlogTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The nightly state: identities, the resume plan across rotations, offsets, and the state file.
@Suite struct StateTests {
    // MARK: identities

    @Test func fnvHashKnownValues() {
        #expect(HeadHash.fnv1a64([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(HeadHash.fnv1a64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(HeadHash.fnv1a64(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
        #expect(HeadHash.hex(0xab) == "00000000000000ab")
    }

    static func lines(_ range: Range<Int>) -> String {
        range.map { ufwLine(spt: 10000 + $0) + "\n" }.joined()
    }

    @Test func identityOfPlainAndGzipHaveTheSameHead() throws {
        let directory = TemporaryDirectory()
        let text = Self.lines(0..<40)  // more than 4 KiB
        let plain = directory.write("ufw.log.1", text)
        let packed = directory.write("ufw.log.2.gz", try gzipData(Data(text.utf8)))
        let a = try FileIdentity.read(path: plain)
        let b = try FileIdentity.read(path: packed)
        #expect(!a.isGzip && b.isGzip)
        #expect(a.head.count == FileIdentity.headLimit)
        #expect(a.head == b.head)
        #expect(a.inode != b.inode)
        #expect(a.size == UInt64(text.utf8.count))
        let remembered = RememberedFile(path: plain, identity: a, offset: 100, complete: false)
        #expect(remembered.headMatches(b))
        // A short file's head is the whole file; a longer file starting the same still matches it.
        let short = try FileIdentity.read(path: directory.write("short", Self.lines(0..<2)))
        #expect(RememberedFile(path: "short", identity: short, offset: 0, complete: false).headMatches(a))
        #expect(!RememberedFile(path: plain, identity: a, offset: 0, complete: false).headMatches(short))
        #expect(throws: InputError.notFound(path: directory.url.path + "/missing")) {
            try FileIdentity.read(path: directory.url.path + "/missing")
        }
    }

    // MARK: the plan

    static func identity(inode: UInt64, _ text: String, gzip: Bool = false, size: UInt64? = nil) -> FileIdentity {
        let bytes = Array(text.utf8)
        return FileIdentity(device: 1, inode: inode, size: size ?? UInt64(bytes.count), isGzip: gzip,
                            head: Array(bytes.prefix(FileIdentity.headLimit)))
    }

    static func plan(_ files: [String: FileIdentity], state: NightlyState) -> ResumePlan {
        ResumePlan.make(paths: Array(files.keys), state: state, identify: { files[$0] })
    }

    static func action(_ plan: ResumePlan, _ path: String) -> ResumePlan.Action? {
        plan.items.first { $0.path == path }?.action
    }

    @Test func renamedByLogrotateResumesAtTheOffset() {
        let old = Self.lines(0..<5), new = Self.lines(5..<7)
        let state = NightlyState(files: [RememberedFile(path: "/l/ufw.log", identity: Self.identity(inode: 7, old), offset: 300, complete: false)])
        // ufw.log -> ufw.log.1 (same inode, grown), a new ufw.log.
        let plan = Self.plan(["/l/ufw.log.1": Self.identity(inode: 7, old + new), "/l/ufw.log": Self.identity(inode: 8, Self.lines(9..<10))], state: state)
        #expect(plan.items.map(\.path) == ["/l/ufw.log.1", "/l/ufw.log"])
        #expect(Self.action(plan, "/l/ufw.log.1") == .read(from: 300))
        #expect(Self.action(plan, "/l/ufw.log") == .read(from: 0))
        #expect(plan.notes.isEmpty)
        #expect(plan.specs.map(\.startOffset) == [300, 0])
    }

    @Test func compressedRotationIsFollowedByContentAndCompleteGzipIsSkipped() {
        let text = Self.lines(0..<50)
        let state = NightlyState(files: [
            RememberedFile(path: "/l/ufw.log.2.gz", identity: Self.identity(inode: 3, Self.lines(100..<120), gzip: true, size: 900), offset: 5000, complete: true),
            RememberedFile(path: "/l/ufw.log.1", identity: Self.identity(inode: 5, text), offset: 4500, complete: false),
        ])
        let plan = Self.plan([
            "/l/ufw.log.3.gz": Self.identity(inode: 3, Self.lines(100..<120), gzip: true, size: 900),
            "/l/ufw.log.2.gz": Self.identity(inode: 9, text, gzip: true, size: 1200),
        ], state: state)
        #expect(Self.action(plan, "/l/ufw.log.3.gz") == .skip)
        #expect(Self.action(plan, "/l/ufw.log.2.gz") == .read(from: 4500))
        #expect(plan.specs.map(\.path) == ["/l/ufw.log.2.gz"])
        // The skipped file is carried over under its new name; the read one gets its new end.
        let next = plan.nextState(after: [(InputSummary(path: "/l/ufw.log.2.gz"), UInt64(text.utf8.count))])
        #expect(next.files.map(\.path) == ["/l/ufw.log.3.gz", "/l/ufw.log.2.gz"])
        #expect(next.files[0].offset == 5000 && next.files[0].complete)
        #expect(next.files[1].offset == UInt64(text.utf8.count) && next.files[1].complete && next.files[1].inode == 9)
    }

    @Test func copytruncateReadsTheCopyOnAndTheLiveFileFromTheStart() {
        let old = Self.lines(0..<10)
        let state = NightlyState(files: [RememberedFile(path: "/l/ufw.log", identity: Self.identity(inode: 7, old), offset: 700, complete: false)])
        let plan = Self.plan([
            "/l/ufw.log.1": Self.identity(inode: 11, old + Self.lines(10..<12)),  // the copy: new inode, same content
            "/l/ufw.log": Self.identity(inode: 7, Self.lines(20..<21)),  // truncated in place, new lines
        ], state: state)
        #expect(Self.action(plan, "/l/ufw.log.1") == .read(from: 700))
        #expect(Self.action(plan, "/l/ufw.log") == .read(from: 0))
        #expect(plan.notes.count == 1)
        #expect(plan.notes.first?.expected == true)
        #expect(plan.notes.first?.message.contains("copytruncate") == true)
    }

    @Test func truncatedWithoutACopyIsSaid() {
        let old = Self.lines(0..<10)
        let state = NightlyState(files: [RememberedFile(path: "/l/ufw.log", identity: Self.identity(inode: 7, old), offset: 700, complete: false)])
        // Same head (nothing rewritten yet) but shorter than the offset.
        let shorter = Self.plan(["/l/ufw.log": Self.identity(inode: 7, old, size: 100)], state: state)
        #expect(Self.action(shorter, "/l/ufw.log") == .read(from: 0))
        #expect(shorter.notes.contains { !$0.expected && $0.message.contains("read from the start") })
        // Rewritten: the head changed.
        let rewritten = Self.plan(["/l/ufw.log": Self.identity(inode: 7, Self.lines(50..<60))], state: state)
        #expect(Self.action(rewritten, "/l/ufw.log") == .read(from: 0))
        #expect(rewritten.notes.map(\.message) == ["/l/ufw.log: truncated or replaced since the last run, read from the start"])
    }

    @Test func aRememberedFileIsTakenOnce() {
        let text = Self.lines(0..<10)
        let state = NightlyState(files: [RememberedFile(path: "/l/ufw.log.1", identity: Self.identity(inode: 5, text), offset: 700, complete: false)])
        // Two copies of the same content: only one resumes, the other is read whole.
        let plan = Self.plan(["/l/ufw.log.2.gz": Self.identity(inode: 20, text, gzip: true), "/l/ufw.log.2": Self.identity(inode: 21, text)], state: state)
        let offsets = plan.specs.map(\.startOffset).sorted()
        #expect(offsets == [0, 700])
    }

    @Test func otherLogsAreKeptAndVanishedOnesSaid() {
        let state = NightlyState(files: [
            RememberedFile(path: "/var/log/kern.log", identity: Self.identity(inode: 40, Self.lines(0..<3)), offset: 10, complete: false),
            RememberedFile(path: "/l/ufw.log.1", identity: Self.identity(inode: 41, Self.lines(3..<6)), offset: 10, complete: false),
        ])
        let plan = Self.plan(["/l/ufw.log": Self.identity(inode: 42, Self.lines(6..<9))], state: state)
        #expect(plan.untouched.map(\.path) == ["/var/log/kern.log"])
        #expect(plan.notes.contains { $0.message.contains("/l/ufw.log.1") && $0.message.contains("no longer among the logs given") })
        let next = plan.nextState(after: [(summary: InputSummary, endOffset: UInt64)]())
        #expect(Set(next.files.map(\.path)) == ["/l/ufw.log", "/var/log/kern.log"])
    }

    @Test func aRotationDuringTheRunIsNoticed() {
        let plan = Self.plan(["/l/ufw.log": Self.identity(inode: 7, "a\n"), "/l/ufw.log.1": Self.identity(inode: 6, "b\n")], state: NightlyState())
        #expect(plan.filesChangedSincePlanned(inode: { $0 == "/l/ufw.log" ? (1, 7) : (1, 6) }).isEmpty)
        // logrotate renamed ufw.log to ufw.log.1 and created a new ufw.log meanwhile.
        #expect(plan.filesChangedSincePlanned(inode: { $0 == "/l/ufw.log" ? (1, 8) : (1, 7) }) == ["/l/ufw.log.1", "/l/ufw.log"])
    }

    // MARK: offsets through the reader

    @Test func plainFileResumesAtAnOffsetAndHoldsAPartialLine() throws {
        let directory = TemporaryDirectory()
        let complete = Self.lines(0..<3)
        let path = directory.write("ufw.log", complete + String(ufwLine(spt: 99).prefix(50)))
        var options = AnalysisOptions()
        options.holdPartialLastLine = true
        let first = Analysis.run([InputSpec(path: path)], options: options)
        #expect(first.inputs[0].lines == 3)
        #expect(first.endOffsets[0] == UInt64(complete.utf8.count))
        // From the second line on.
        let secondStart = UInt64(ufwLine(spt: 10000).utf8.count + 1)
        let resumed = Analysis.run([InputSpec(path: path, startOffset: secondStart)], options: options)
        #expect(resumed.inputs[0].lines == 2)
        #expect(resumed.accounting.records == 2)
        #expect(resumed.endOffsets[0] == UInt64(complete.utf8.count))
        // Without holding, the partial line is counted and the end is the file's end.
        let whole = Analysis.run([InputSpec(path: path)])
        #expect(whole.inputs[0].lines == 4)
        #expect(whole.endOffsets[0] == UInt64(complete.utf8.count + 50))
    }

    @Test func gzipResumesAtAnInflatedOffsetAndIsReadToItsEnd() throws {
        let directory = TemporaryDirectory()
        let text = Self.lines(0..<2000)  // several read chunks inflated
        let path = directory.write("ufw.log.2.gz", try gzipData(Data(text.utf8)))
        var options = AnalysisOptions()
        options.holdPartialLastLine = true
        options.readSize = 4096
        let lineLength = UInt64(ufwLine(spt: 10000).utf8.count + 1)
        let resumed = Analysis.run([InputSpec(path: path, startOffset: lineLength * 1500)], options: options)
        #expect(resumed.inputs[0].error == nil)
        #expect(resumed.inputs[0].lines == 500)
        #expect(resumed.endOffsets[0] == UInt64(text.utf8.count))
        // A gzip file's last line without a newline is final: it is counted.
        let cut = directory.write("cut.gz", try gzipData(Data((Self.lines(0..<2) + "Nov 22 02:11:03 web1 kernel: x").utf8)))
        let tail = Analysis.run([InputSpec(path: cut, startOffset: lineLength)], options: options)
        #expect(tail.inputs[0].lines == 2)
        #expect(tail.endOffsets[0] == UInt64(Self.lines(0..<2).utf8.count) + 30)
    }

    // MARK: the state file

    @Test func stateRoundTripsAndRejectsOtherSchemas() throws {
        let state = NightlyState(files: [RememberedFile(path: "/l/ufw.log", identity: Self.identity(inode: 7, "x\n"), offset: 2, complete: false)], written: "2026-11-22T00:00:00Z")
        let data = state.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"schema\" : 1"))
        #expect(text.contains("\"head_hash\""))
        #expect(try NightlyState.decode(data, path: "s") == state)
        for (bad, reason) in [("garbage", "not JSON"), ("{\"files\": []}", "no \"schema\""), ("{\"schema\": 2, \"files\": []}", "schema 2"),
                              ("{\"schema\": 1, \"files\": [{\"path\": \"x\"}]}", "missing")] {
            do {
                _ = try NightlyState.decode(Data(bad.utf8), path: "/s.json")
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.description.contains(reason), "\(error)")
                #expect(error.description.contains("--reset-state"))
            }
        }
    }

    @Test func saveIsAtomicAndNeverFollowsAPlantedSymlink() throws {
        let directory = TemporaryDirectory()
        let path = directory.url.appendingPathComponent("state.json").path
        #expect(try StateStore.load(path) == NightlyState())
        let victim = directory.write("victim", "precious")
        // Someone plants a symlink where the first temporary file would go.
        #expect(symlink(victim, "\(path).tmp-\(getpid())-0") == 0)
        let state = NightlyState(files: [RememberedFile(path: "/l/ufw.log", identity: Self.identity(inode: 7, "x\n"), offset: 2, complete: false)])
        try StateStore.save(state, to: path)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(try StateStore.load(path) == state)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.contains(".tmp-") }
        #expect(leftovers == ["state.json.tmp-\(getpid())-0"])  // only the planted link
    }

    @Test func theLockIsExclusiveAndNonBlocking() throws {
        let directory = TemporaryDirectory()
        let path = directory.url.appendingPathComponent("sub/dir/state.json").path
        let held = try StateStore.lock(path)
        #expect(throws: StateError.locked(path: path + ".lock")) { try StateStore.lock(path) }
        held.release()
        let again = try StateStore.lock(path)
        again.release()
    }

    @Test func defaultPaths() {
        #expect(StateStore.defaultPath(isRoot: true, environment: [:]) == "/var/lib/scanlog/state.json")
        #expect(StateStore.defaultPath(isRoot: false, environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/home/a"]) == "/x/state/scanlog/state.json")
        #expect(StateStore.defaultPath(isRoot: false, environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/a"]) == "/home/a/.local/state/scanlog/state.json")
        #expect(StateStore.defaultPath(isRoot: false, environment: ["HOME": "/home/a"]) == "/home/a/.local/state/scanlog/state.json")
    }
}
