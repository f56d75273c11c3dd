import Foundation
import GRDB

/// Why the history database could not be used.
public enum HistoryError: Error, CustomStringConvertible, Sendable {
    /// Not a scanlog history (not SQLite, damaged, or written by a newer scanlog).
    case damaged(path: String, reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .damaged(let path, let reason):
            "history \(path) cannot be used: \(reason); move it aside (or run with --reset-state, which keeps it as \(path).old) to start a new one"
        case .io(let path, let reason):
            "history \(path): \(reason)"
        }
    }
}

/// The nightly history: daily cells of probes per source and port, and per port and target, for each log host,
/// kept for a number of days in SQLite (through GRDB), with a schema version and migrations.
///
/// Tables (`sqlite3 history.sqlite .schema` shows them; `day` is days since 1970-01-01 UTC, `port` is the
/// destination port or ICMP type, -1 when the record has none):
/// - `probe_cell(source, host_id, day, proto, port, probes)`: who probed what on which day;
/// - `port_target(host_id, day, proto, port, target, probes)`: which local addresses each port's probes hit;
/// - `source_day(source, host_id, day, probes, first_seen, last_seen)`: per source and day;
/// - `source_target(source, host_id, day, target, probes)`: which local addresses each source probed;
/// - `port_day(host_id, day, proto, port, probes, sources, targets)`: per port and day, derived from the two
///   cell tables for each day a run touched (what the trends read);
/// - `host(id, name)`, `run(...)` one row per nightly run, `setting(key, value)` with the resume state.
public final class HistoryStore: Sendable {
    public let path: String
    let queue: DatabaseQueue

    /// The default place: `history.sqlite` beside the nightly state file.
    public static func defaultPath(statePath: String) -> String {
        let directory = (statePath as NSString).deletingLastPathComponent
        return directory.isEmpty ? "history.sqlite" : directory + "/history.sqlite"
    }

    /// Opens (creating it when `create`) and migrates the database. Refuses a symlink at the path or at its
    /// journal files, so a link planted in a shared directory is never written through.
    public init(path: String, create: Bool = true, readOnly: Bool = false) throws(HistoryError) {
        self.path = path
        for candidate in [path, path + "-journal", path + "-wal"] {
            var info = stat()
            if lstat(candidate, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
                throw .io(path: path, reason: "\(candidate) is a symbolic link: refusing to follow it")
            }
        }
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw .io(path: path, reason: "no history yet (scanlog nightly writes it)")
        }
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.label = "scanlog-history"
        // A night adds up to millions of rows on a busy host: a 64 MiB page cache keeps the B-trees' upper levels in memory.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -65536") }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            if readOnly {
                try queue.read { db in
                    if try Self.migrator.hasBeenSuperseded(db) { throw Superseded() }
                    if try !Self.migrator.hasCompletedMigrations(db) { throw Incomplete() }
                }
            } else {
                try queue.read { db in if try Self.migrator.hasBeenSuperseded(db) { throw Superseded() } }
                try Self.migrator.migrate(queue)
            }
        } catch is Superseded {
            throw .damaged(path: path, reason: "written by a newer scanlog (schema \(Self.schemaNames.last!) is the newest this one knows)")
        } catch is Incomplete {
            throw .damaged(path: path, reason: "an older schema: run scanlog nightly once to migrate it")
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }

    private struct Superseded: Error {}
    private struct Incomplete: Error {}

    static func describe(_ error: DatabaseError, path: String) -> HistoryError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            .damaged(path: path, reason: "not a SQLite database, or damaged (\(error.message ?? "\(error.resultCode)"))")
        default:
            .io(path: path, reason: error.message ?? "\(error)")
        }
    }

    // MARK: Schema

    /// Migration names, oldest first; the last one is the schema this scanlog writes.
    static let schemaNames = ["v1"]

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE host (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                CREATE TABLE probe_cell (
                    source TEXT NOT NULL, host_id INTEGER NOT NULL, day INTEGER NOT NULL,
                    proto INTEGER NOT NULL, port INTEGER NOT NULL, probes INTEGER NOT NULL,
                    PRIMARY KEY (source, host_id, day, proto, port)) WITHOUT ROWID;
                CREATE INDEX probe_cell_by_port ON probe_cell (host_id, day, proto, port);
                CREATE TABLE port_target (
                    host_id INTEGER NOT NULL, day INTEGER NOT NULL, proto INTEGER NOT NULL, port INTEGER NOT NULL,
                    target TEXT NOT NULL, probes INTEGER NOT NULL,
                    PRIMARY KEY (host_id, day, proto, port, target)) WITHOUT ROWID;
                CREATE TABLE source_day (
                    source TEXT NOT NULL, host_id INTEGER NOT NULL, day INTEGER NOT NULL, probes INTEGER NOT NULL,
                    first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
                    PRIMARY KEY (source, host_id, day)) WITHOUT ROWID;
                CREATE TABLE source_target (
                    source TEXT NOT NULL, host_id INTEGER NOT NULL, day INTEGER NOT NULL, target TEXT NOT NULL,
                    probes INTEGER NOT NULL,
                    PRIMARY KEY (source, host_id, day, target)) WITHOUT ROWID;
                CREATE INDEX source_day_by_day ON source_day (host_id, day);
                CREATE TABLE port_day (
                    host_id INTEGER NOT NULL, day INTEGER NOT NULL, proto INTEGER NOT NULL, port INTEGER NOT NULL,
                    probes INTEGER NOT NULL, sources INTEGER NOT NULL, targets INTEGER NOT NULL,
                    PRIMARY KEY (host_id, day, proto, port)) WITHOUT ROWID;
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY, finished_at TEXT NOT NULL, first_probe INTEGER, last_probe INTEGER,
                    probes INTEGER NOT NULL, untimed INTEGER NOT NULL, lines INTEGER NOT NULL);
                CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        }
        return migrator
    }()

    // MARK: Reading and writing

    /// Runs `body` in one write transaction: everything it records is kept only if it returns without
    /// throwing (the nightly report is written inside, so a report that could not be written leaves no trace).
    public func transaction<T>(_ body: (HistorySession) throws -> T) throws -> T {
        var result: T?
        do {
            try queue.inTransaction { db in
                result = try body(HistorySession(db: db))
                return .commit
            }
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        }
        return result!
    }

    /// Runs `body` with read access.
    public func read<T>(_ body: (HistorySession) throws -> T) throws -> T {
        do {
            return try queue.read { db in try body(HistorySession(db: db)) }
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        }
    }
}

/// The history inside one transaction (or read).
public struct HistorySession {
    let db: Database

    // MARK: Resume state

    /// The nightly state stored with the last recorded run (it is kept here too, so the history and the
    /// state file cannot disagree about which lines were counted).
    public func resumeState() throws -> Data? {
        try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'resume_state'").map { Data($0.utf8) }
    }

    // MARK: Recording

    /// Adds a night's tally (every cell adds up, so a day split between runs is exact), the run row and the resume
    /// state; then drops days more than `keepDays` before the newest day kept (or before `today`, when the newest
    /// day is later: a mis-dated line from the future must not wipe the history).
    public func record(_ tally: DailyTally, lines: Int, resumeState: Data, finishedAt: String, keepDays: Int, today: Int? = nil) throws {
        var hostIDs: [Int64] = []
        for name in tally.hosts {
            try db.execute(sql: "INSERT INTO host (name) VALUES (?) ON CONFLICT (name) DO NOTHING", arguments: [name])
            hostIDs.append(try Int64.fetchOne(db, sql: "SELECT id FROM host WHERE name = ?", arguments: [name])!)
        }
        // Each table's rows in its primary-key order: the B-trees fill front to back instead of at random.
        func port(_ packed: UInt32) -> (proto: Int, number: Int) {
            let key = PortKey(packed: packed)
            return (Int(key.proto.number), key.number.map(Int.init) ?? -1)
        }
        let cell = try db.makeStatement(sql: """
            INSERT INTO probe_cell (source, host_id, day, proto, port, probes) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET probes = probes + excluded.probes
            """)
        let cells = tally.cells.map { key, probes in
            (key.source.description, hostIDs[Int(key.host)], Int(key.day), port(key.port), Int64(probes))
        }.sorted { ($0.0, $0.1, $0.2, $0.3.proto, $0.3.number) < ($1.0, $1.1, $1.2, $1.3.proto, $1.3.number) }
        for row in cells {
            try cell.execute(arguments: [row.0, row.1, row.2, row.3.proto, row.3.number, row.4])
        }
        let target = try db.makeStatement(sql: """
            INSERT INTO port_target (host_id, day, proto, port, target, probes) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET probes = probes + excluded.probes
            """)
        let targets = tally.targets.map { key, probes in
            (hostIDs[Int(key.host)], Int(key.day), port(key.port), key.target.description, Int64(probes))
        }.sorted { ($0.0, $0.1, $0.2.proto, $0.2.number, $0.3) < ($1.0, $1.1, $1.2.proto, $1.2.number, $1.3) }
        for row in targets {
            try target.execute(arguments: [row.0, row.1, row.2.proto, row.2.number, row.3, row.4])
        }
        let sourceDay = try db.makeStatement(sql: """
            INSERT INTO source_day (source, host_id, day, probes, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET probes = probes + excluded.probes,
                first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
            """)
        let days = tally.sourceDays.map { key, day in
            (key.source.description, hostIDs[Int(key.host)], Int(key.day), day)
        }.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        for row in days {
            try sourceDay.execute(arguments: [row.0, row.1, row.2, Int64(row.3.probes), row.3.first, row.3.last])
        }
        let sourceTarget = try db.makeStatement(sql: """
            INSERT INTO source_target (source, host_id, day, target, probes) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET probes = probes + excluded.probes
            """)
        let sourceTargets = tally.sourceTargets.map { key, probes in
            (key.source.description, hostIDs[Int(key.host)], Int(key.day), key.target.description, Int64(probes))
        }.sorted { ($0.0, $0.1, $0.2, $0.3) < ($1.0, $1.1, $1.2, $1.3) }
        for row in sourceTargets {
            try sourceTarget.execute(arguments: [row.0, row.1, row.2, row.3, row.4])
        }
        // The per-port summary of every day this night touched, derived again from the exact cells.
        let touched = Set(tally.sourceDays.keys.map { [hostIDs[Int($0.host)], Int64($0.day)] })
        for key in touched.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
            try db.execute(sql: "DELETE FROM port_day WHERE host_id = ? AND day = ?", arguments: [key[0], key[1]])
            try db.execute(sql: """
                INSERT INTO port_day (host_id, day, proto, port, probes, sources, targets)
                    SELECT c.host_id, c.day, c.proto, c.port, c.probes, c.sources, t.targets
                    FROM (SELECT host_id, day, proto, port, sum(probes) AS probes, count(*) AS sources FROM probe_cell
                          WHERE host_id = ?1 AND day = ?2 GROUP BY proto, port) c
                    JOIN (SELECT proto, port, count(*) AS targets FROM port_target WHERE host_id = ?1 AND day = ?2
                          GROUP BY proto, port) t ON t.proto = c.proto AND t.port = c.port;
                """, arguments: [key[0], key[1]])
        }
        try db.execute(sql: "INSERT INTO run (finished_at, first_probe, last_probe, probes, untimed, lines) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [finishedAt, tally.firstSeconds, tally.lastSeconds, Int64(tally.probes), Int64(tally.untimed), lines])
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('resume_state', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       arguments: [String(decoding: resumeState, as: UTF8.self)])
        if let newest = try Int.fetchOne(db, sql: "SELECT max(day) FROM source_day") {
            let cutoff = min(newest, today ?? newest) - keepDays + 1
            for table in ["probe_cell", "port_target", "source_day", "source_target", "port_day"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE day < ?", arguments: [cutoff])
            }
        }
    }

    // MARK: Queries

    /// Whether any probe has been recorded.
    public func isEmpty() throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM source_day LIMIT 1") == nil
    }

    /// The first and last day kept, and how many days have probes.
    public func coverage() throws -> (first: Int, last: Int, days: Int)? {
        let row = try Row.fetchOne(db, sql: "SELECT min(day), max(day), count(DISTINCT day) FROM source_day")
        guard let row, let first: Int = row[0], let last: Int = row[1] else { return nil }
        return (first, last, row[2])
    }

    /// Every (day, port) the given sources probed, and the most local addresses each probed in a day.
    public func nightsSeen(of addresses: [IPAddress]) throws -> [IPAddress: NightsSeen] {
        let cells = try db.makeStatement(sql: "SELECT day, proto, port FROM probe_cell WHERE source = ?")
        let targets = try db.makeStatement(sql: """
            SELECT max(n) FROM (SELECT count(DISTINCT target) AS n FROM source_target WHERE source = ? GROUP BY day)
            """)
        let allTargets = try db.makeStatement(sql: "SELECT count(DISTINCT target) FROM source_target WHERE source = ?")
        var result: [IPAddress: NightsSeen] = [:]
        for address in addresses {
            let text = address.description
            var seen = NightsSeen()
            let rows = try Row.fetchCursor(cells, arguments: [text])
            while let row = try rows.next() {
                seen.portDays[Self.portKey(proto: row[1], port: row[2]), default: []].insert(row[0])
            }
            guard !seen.portDays.isEmpty else { continue }
            seen.maxTargetsPerDay = try Int.fetchOne(targets, arguments: [text]) ?? 0
            seen.targets = try Int.fetchOne(allTargets, arguments: [text]) ?? 0
            result[address] = seen
        }
        return result
    }

    /// Sources seen on at least `days` days, or on at least `ports` ports, over the days kept: the only ones a
    /// rule across nights can hold for (one scan of `probe_cell`, instead of a lookup per source).
    public func sourcesSeenOn(days: Int, orPorts ports: Int) throws -> Set<String> {
        var sources = Set<String>()
        let rows = try String.fetchCursor(db, sql: """
            SELECT source FROM probe_cell GROUP BY source
            HAVING count(DISTINCT day) >= ? OR (count(DISTINCT day) >= 2 AND count(DISTINCT proto * 65536 + port) >= ?)
            """, arguments: [days, ports])
        while let source = try rows.next() { sources.insert(source) }
        return sources
    }

    /// Local addresses probed (on any host) over the days kept.
    public func localAddressCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(DISTINCT target) FROM port_target") ?? 0
    }

    /// The ports (of any host) probed on any day kept.
    public func knownPorts() throws -> Set<PortKey> {
        var ports = Set<PortKey>()
        let rows = try Row.fetchCursor(db, sql: "SELECT DISTINCT proto, port FROM port_day")
        while let row = try rows.next() { ports.insert(Self.portKey(proto: row[0], port: row[1])) }
        return ports
    }

    /// Per port of one host, per day in `days`: probes, distinct sources and distinct targets.
    public func portDays(host: String?, days: ClosedRange<Int>, port: PortKey? = nil) throws -> [PortDay] {
        var filter = "p.day BETWEEN ? AND ?"
        var arguments: StatementArguments = [days.lowerBound, days.upperBound]
        if let host {
            filter += " AND h.name = ?"
            arguments += [host]
        }
        if let port {
            filter += " AND p.proto = ? AND p.port = ?"
            arguments += [Int(port.proto.number), port.number.map(Int.init) ?? -1]
        }
        let sql = """
            SELECT h.name, p.day, p.proto, p.port, p.probes, p.sources, p.targets
            FROM port_day p JOIN host h ON h.id = p.host_id
            WHERE \(filter)
            ORDER BY h.name, p.day, p.proto, p.port
            """
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            PortDay(host: row[0], day: row[1], port: Self.portKey(proto: row[2], port: row[3]),
                    probes: UInt64(row[4] as Int64), sources: row[5], targets: row[6])
        }
    }

    /// Days with probes, per host name.
    public func observedDays(in days: ClosedRange<Int>) throws -> [String: Set<Int>] {
        var result: [String: Set<Int>] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT DISTINCT h.name, d.day FROM source_day d JOIN host h ON h.id = d.host_id
            WHERE d.day BETWEEN ? AND ?
            """, arguments: [days.lowerBound, days.upperBound])
        while let row = try rows.next() { result[row[0], default: []].insert(row[1]) }
        return result
    }

    /// One source's days: per host and day, probes, targets, first and last time, and its ports.
    public func sourceDays(_ address: IPAddress) throws -> [SourceDayRow] {
        let text = address.description
        let rows = try Row.fetchAll(db, sql: """
            SELECT h.name, d.day, d.probes,
                (SELECT count(*) FROM source_target t WHERE t.source = d.source AND t.host_id = d.host_id AND t.day = d.day),
                d.first_seen, d.last_seen
            FROM source_day d JOIN host h ON h.id = d.host_id
            WHERE d.source = ? ORDER BY h.name, d.day
            """, arguments: [text])
        let ports = try db.makeStatement(sql: """
            SELECT proto, port FROM probe_cell c JOIN host h ON h.id = c.host_id WHERE c.source = ? AND h.name = ? AND c.day = ?
            ORDER BY proto, port
            """)
        return try rows.map { row in
            let host: String = row[0]
            let day: Int = row[1]
            let keys = try Row.fetchAll(ports, arguments: [text, host, day]).map { Self.portKey(proto: $0[0], port: $0[1]) }
            return SourceDayRow(host: host, day: day, probes: UInt64(row[2] as Int64), targets: row[3],
                                first: row[4], last: row[5], ports: keys)
        }
    }

    /// The last `count` runs, newest first.
    public func runs(last count: Int) throws -> [RunRow] {
        try Row.fetchAll(db, sql: "SELECT finished_at, first_probe, last_probe, probes, untimed, lines FROM run ORDER BY id DESC LIMIT ?",
                         arguments: [count]).map { row in
            RunRow(finishedAt: row[0], firstProbe: row[1], lastProbe: row[2], probes: UInt64(row[3] as Int64),
                   untimed: UInt64(row[4] as Int64), lines: row[5])
        }
    }

    static func portKey(proto: Int, port: Int) -> PortKey {
        PortKey(proto: IPProtocol(number: UInt8(clamping: proto)), number: port < 0 ? nil : UInt16(clamping: port))
    }
}

/// One port's numbers on one day of one host.
public struct PortDay: Sendable, Equatable {
    public let host: String
    public let day: Int
    public let port: PortKey
    public let probes: UInt64
    public let sources: Int
    public let targets: Int
}

/// One source's numbers on one day of one host.
public struct SourceDayRow: Sendable, Equatable {
    public let host: String
    public let day: Int
    public let probes: UInt64
    public let targets: Int
    public let first: Int64
    public let last: Int64
    public let ports: [PortKey]
}

/// One nightly run.
public struct RunRow: Sendable, Equatable {
    public let finishedAt: String
    public let firstProbe: Int64?
    public let lastProbe: Int64?
    public let probes: UInt64
    public let untimed: UInt64
    public let lines: Int
}
