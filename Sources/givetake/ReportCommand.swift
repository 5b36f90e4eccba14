// givetake report <db> --out report.html: the scores as one self-contained
// HTML page (inline SVG charts, no scripts, no network), for people who
// read charts rather than tables.
#if CLI  // the CLI trait (Package.swift): needs swift-argument-parser
import ArgumentParser
import GiveTakeCore
import GiveTakeStorage
#if canImport(Glibc)
import Glibc
#endif

extension PeriodOption {
    var period: Period { self == .day ? .day : self == .week ? .week : .month }
}

/// Give/take targets by name: the share of give among give + take posts.
enum GiveTargetPreset: String, ExpressibleByArgument, CaseIterable {
    case rule8020 = "80/20", fourOneOne = "4-1-1", thirds
    var ratio: Double { self == .rule8020 ? 0.8 : self == .fourOneOne ? 0.833 : 0.667 }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the scores as one self-contained HTML page with charts.",
        discussion: """
            Reads <db> like `givetake score` and scores it in this process with the same code \
            and options (business schedules and SLA clocks included), so the page always matches the rows as they are now (stored score \
            tables are neither read nor written). Like `score`, a table larger than --max-memory is \
            scored in groups of accounts, with the same numbers. The page has an overview of every account, \
            sorted by health, and a detail section for the --top most active accounts (turns \
            plus posts), or for every account with --all, or for the --account ones: health \
            and its components per --period, give vs take against the target with each side's \
            strongest posts and the cues that made them so, acknowledgement (rates, time to \
            acknowledge per channel, the at-risk list, agents), trust, return on giving and \
            data quality. It needs no JavaScript or network, prints on A4 and reads on a phone.
            """)

    @Argument(help: ArgumentHelp("SQLite file path or postgres:// URL.", valueName: "db"))
    var db: String

    @Option(name: .shortAndLong, help: ArgumentHelp("HTML file to write.", valueName: "file"))
    var out = "givetake-report.html"

    @Option(help: "Trend period: day, week (ISO, from Monday) or month, in the account's time zone.")
    var period: PeriodOption = .week

    @Option(name: .customLong("account"), help: ArgumentHelp(
        "Only this account (repeat for several); every other account is left out of the page.", valueName: "id"))
    var accounts: [Int64] = []

    @Option(help: ArgumentHelp("Give/take target: 80/20 (default), 4-1-1 or thirds.", valueName: "rule"))
    var target: GiveTargetPreset?

    @Option(help: ArgumentHelp("Detail sections for this many accounts, the most active first.", valueName: "n"))
    var top = 25

    @Flag(help: "Detail sections for every account.")
    var all = false

    @OptionGroup var options: ScoringOptions

    @OptionGroup var memory: MemoryOptions

    @Flag(name: .shortAndLong, help: "No progress bar or summary on stderr.")
    var quiet = false

    func validate() throws {
        if top < 0 { throw ValidationError("--top must be 0 or more") }
        if out.isEmpty { throw ValidationError("--out must name a file") }
        if target != nil && options.giveTarget != nil {
            throw ValidationError("--target and --give-target both set the give target: choose one")
        }
        if !options.outPrefix.isEmpty { throw ValidationError("the report writes no tables: --out-prefix does not apply") }
        if options.format != .table { throw ValidationError("the report is HTML: --format does not apply") }
    }

    func run() throws {
        let clock = Stopwatch()
        let store = try openStore(db)
        var job = ScoringJob()
        job.table = options.table
        (job.lexicon, _) = try options.loadLexicon()
        job.config = try options.config()
        if let target { job.config.giveTarget = target.ratio }
        job.config.period = period.period
        (job.schedules, _) = try options.loadSchedules(store)
        memory.apply(to: &job)
        let only = accounts.isEmpty ? nil : Set(accounts)
        let progress = Progress(label: "scoring \(options.table)", total: store.estimatedRowCount(options.table),
                                enabled: !quiet)
        job.progress = { progress.update($0) }
        job.phase = { progress.show($0) }
        let input = try gatherReport(store: store, job: job, detail: all || only != nil ? .all : .top(top), only: only,
                                     postsPerSide: 3, sourceLabel: sourceLabel(db, table: options.table))
        if only != nil {
            let known = Set(input.accounts.map(\.accountID))
            if let missing = accounts.first(where: { !known.contains($0) }) {
                progress.finish()
                throw CLIError("account \(missing) has no rows in '\(options.table)'")
            }
        }
        progress.show("writing \(out)")
        let page = renderReport(input)
        try writeFileAtomically(out, page)
        progress.finish()
        if !quiet {
            printError("wrote \(out) (\(fixed(Double(page.count) / 1_048_576, 2)) MB) from \(grouped(input.rowsRead)) rows "
                       + "of '\(options.table)'" + (input.groups > 1 ? " in \(input.groups) groups of accounts" : "")
                       + " in \(fixed(clock.seconds, 2)) s")
        }
    }
}

/// The source for the page header: a SQLite file's name, or just
/// "PostgreSQL" (a URL may hold a password).
func sourceLabel(_ db: String, table: String) -> String {
    if db.contains("://") || db.contains("=") { return "PostgreSQL table \(table)" }
    let file = db.split(separator: "/").last.map(String.init) ?? db
    return "\(file), table \(table)"
}

/// Writes to `path.tmp`, then renames, so a reader never sees half a page.
func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws {
    let tmp = path + ".tmp"
    guard let f = fopen(tmp, "wb") else {
        throw CLIError("cannot write '\(tmp)': \(String(cString: strerror(errno)))")
    }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    let flushed = fclose(f) == 0
    if written != bytes.count || !flushed {
        let why = String(cString: strerror(errno))
        unlink(tmp)
        throw CLIError("cannot write '\(tmp)': \(why)")
    }
    if rename(tmp, path) != 0 {
        let why = String(cString: strerror(errno))
        unlink(tmp)
        throw CLIError("cannot rename '\(tmp)' to '\(path)': \(why)")
    }
}
#endif
