// Options shared by the scoring commands, and their parsing into a
// ScoringConfig and a lexicon.
#if CLI  // the CLI trait (Package.swift): needs swift-argument-parser
import ArgumentParser
import GiveTakeCore
import GiveTakeStorage

enum AckUnitOption: String, ExpressibleByArgument, CaseIterable {
    case turn, row
}

/// Which turns `score --turns` prints.
enum TurnListOption: String, ExpressibleByArgument, CaseIterable {
    case pending, acknowledged, unacknowledged, all
}

/// `score --period`.
enum PeriodOption: String, ExpressibleByArgument, CaseIterable {
    case day, week, month
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

struct ScoringOptions: ParsableArguments {
    @Option(help: "Interactions table (optionally schema.table).")
    var table = "interactions"

    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Scoring time: 'YYYY-MM-DD[ HH:MM:SS]' UTC or Unix seconds (default: the latest created_at).",
        valueName: "time"))
    var asOf: String?

    @Option(name: .customLong("out-prefix"), help: ArgumentHelp(
        "Prefix of the output tables <p>account_scores and <p>contact_scores.", valueName: "p"))
    var outPrefix = ""

    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Lexicon file (phrase<TAB>category<TAB>weight lines) extending the built-in one.",
                               valueName: "file"))
    var lexicon: String?

    @Flag(name: .customLong("no-default-lexicon"), help: "Start from an empty lexicon instead of the built-in one.")
    var noDefaultLexicon = false

    @Option(help: ArgumentHelp("SLA targets, e.g. twitter=1h,facebook=4h,all=2h (units s, m, h, d).",
                               valueName: "list"))
    var sla: String?

    @Option(name: .customLong("half-life"), help: ArgumentHelp("Trust half-life, e.g. 90d.", valueName: "duration"))
    var halfLife: String?

    @Option(name: .customLong("give-target"), help: "Target give ratio: 0.8 (80/20), 0.833 (4-1-1), 0.667 (thirds).")
    var giveTarget: Double?

    @Option(name: .customLong("ack-unit"), help: ArgumentHelp(
        "What is acknowledged: turn (a customer's messages up to the answer, default) or row (every message, v1).",
        valueName: "unit"))
    var ackUnit: AckUnitOption = .turn

    @Option(name: .customLong("sla-clock"), help: ArgumentHelp(
        "SLA clock: calendar (default) or business, for all channels or per channel "
        + "(twitter=business,facebook=calendar).", valueName: "clock"))
    var slaClock: String?

    @Option(help: ArgumentHelp(
        "Business schedules: a TSV file with columns account_id, channel, time_zone, hours, holidays "
        + "(default: a schedules table in the source database, if any).", valueName: "file"))
    var schedule: String?

    func validate() throws {
        if table.isEmpty { throw ValidationError("--table is empty") }
        if let slaClock { _ = try parseSLAClock(slaClock, into: ScoringConfig()) }
        if let asOf, parseTime(asOf) == nil {
            throw ValidationError("--as-of '\(asOf)' is not a time (use 'YYYY-MM-DD HH:MM:SS' UTC or Unix seconds)")
        }
        if let sla { _ = try parseSLA(sla, into: ScoringConfig()) }
        if let halfLife, parseDuration(halfLife) == nil {
            throw ValidationError("--half-life '\(halfLife)' is not a duration (e.g. 90d, 36h)")
        }
        if let g = giveTarget, !(g > 0 && g <= 1) { throw ValidationError("--give-target must be in (0, 1]") }
    }

    func config() throws -> ScoringConfig {
        var c = ScoringConfig()
        if let asOf { c.asOf = parseTime(asOf) }
        if let sla { c = try parseSLA(sla, into: c) }
        if let halfLife, let s = parseDuration(halfLife) { c.halfLifeSeconds = s }
        if let giveTarget { c.giveTarget = giveTarget }
        c.ackUnit = ackUnit == .turn ? .turn : .row
        if let slaClock { c = try parseSLAClock(slaClock, into: c) }
        return c
    }

    /// Builds the lexicon; returns it and the raw file bytes (for the config key).
    func loadLexicon() throws -> (Lexicon, [UInt8]) {
        try makeLexicon(path: lexicon, defaults: !noDefaultLexicon)
    }

    /// Everything the scores depend on besides the rows.
    func configKey(_ config: ScoringConfig, _ lexiconBytes: [UInt8]) -> String {
        var key = "v2 ack_unit=\(ackUnit.rawValue) table=\(table) defaults=\(!noDefaultLexicon) lexicon=\(TwcsImport.brandID(lexiconBytes))"
        key += " as_of=\(config.asOf.map(String.init) ?? "latest") sla=\(config.slaSeconds)"
        key += " half_life=\(config.halfLifeSeconds) target=\(config.giveTarget)"
        if config.slaClock.contains(.business) { key += " sla_clock=\(config.slaClock.map(\.rawValue))" }
        return key
    }
}

extension ScoringOptions {
    /// The schedules: --schedule FILE, else a schedules table that goes
    /// with the source table (SQLite or PostgreSQL), else none. Also a key of their contents.
    func loadSchedules(_ store: InteractionStore) throws -> ([ScheduleSpec], String) {
        var rows: [ScheduleRow] = []
        if let schedule {
            rows = try readScheduleFile(schedule, String(decoding: try readFile(schedule), as: UTF8.self))
        } else if let source = store as? ScheduleTableSource, let found = try source.scheduleRows(besides: table) {
            rows = found
        }
        var key = ""
        for r in rows {
            key += " [\(r.accountID.map(String.init) ?? "-") \(r.channel ?? "-") \(r.timeZone) \(r.hours ?? "-") "
                + r.holidays.joined(separator: ",") + "]"
        }
        return (try buildSchedules(rows), rows.isEmpty ? "" : " schedules=" + TwcsImport.brandID(Array(key.utf8)).description)
    }
}

/// An empty database argument is a usage error (exit 2), not a file
/// named "" that SQLite would open as a temporary database.
func requireLocation(_ value: String, _ name: String) throws {
    if value.allSatisfy({ $0 == " " }) {
        throw ValidationError("\(name) is empty: give a SQLite file path or a postgres:// URL")
    }
}

func makeLexicon(path: String?, defaults: Bool) throws -> (Lexicon, [UInt8]) {
    guard let path else { return (defaults ? .builtin : Lexicon(withDefaults: false), []) }
    let bytes = try readFile(path)
    let lex = Lexicon(withDefaults: defaults)
    do {
        try bytes.withUnsafeBufferPointer { (b) throws(GiveTakeError) in try lex.load(b) }
    } catch {
        throw CLIError("\(path): \(error.message)")
    }
    return (lex, bytes)
}

func parseTime(_ s: String) -> Int64? {
    Array(s.utf8).withUnsafeBufferPointer { Timestamp.parse($0) }
}

/// "90", "90s", "15m", "4h", "2d", "1.5h" -> seconds.
func parseDuration(_ s: String) -> Double? {
    guard let last = s.last else { return nil }
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
    let (number, unit) = units[last].map { (String(s.dropLast()), $0) } ?? (s, 1)
    guard let v = Double(number), v > 0, v.isFinite else { return nil }
    return v * unit
}

func parseSLA(_ list: String, into config: ScoringConfig) throws -> ScoringConfig {
    var c = config
    for item in list.split(separator: ",") {
        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2, let seconds = parseDuration(kv[1]) else {
            throw ValidationError("--sla: '\(item)' is not channel=duration (e.g. twitter=1h)")
        }
        try setPerChannel(&c.slaSeconds, kv[0].lowercased(), seconds, option: "--sla", shown: kv[0])
    }
    return c
}

/// "business", or "twitter=business,facebook=calendar,all=calendar".
func parseSLAClock(_ list: String, into config: ScoringConfig) throws -> ScoringConfig {
    var c = config
    for item in list.split(separator: ",") {
        let kv = item.split(separator: "=", maxSplits: 1).map { String($0.filter { $0 != " " }) }
        let name = kv.count == 2 ? kv[0] : "all"
        let value = kv.count == 2 ? kv[1] : kv[0]
        guard let clock: SLAClock = value == "business" ? .business : value == "calendar" ? .calendar : nil else {
            throw ValidationError("--sla-clock: '\(value)' is not a clock (calendar or business)")
        }
        try setPerChannel(&c.slaClock, name, clock, option: "--sla-clock", shown: name)
    }
    return c
}

/// Sets the entry of channel `name` ("all": every entry) of a per-channel
/// setting; an unknown name is an error of `option` showing `shown`.
private func setPerChannel<T>(_ values: inout [T], _ name: String, _ value: T, option: String,
                              shown: String) throws {
    if name == "all" {
        for i in values.indices { values[i] = value }
    } else if let ch = Channel.allCases.first(where: { channelName($0) == name }) {
        values[Int(ch.rawValue)] = value
    } else {
        throw ValidationError("\(option): unknown channel '\(shown)' (expected twitter, facebook, instagram, "
                              + "linkedin, other or all)")
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        throw CLIError("cannot read '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n > 0 { out.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count {
            if ferror(f) != 0 { throw CLIError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
            break
        }
    }
    return out
}

#if canImport(Glibc)
import Glibc
#endif
#endif
