// givetake demo / import-twcs: put interactions into a database.
#if CLI  // the CLI trait (Package.swift): needs swift-argument-parser
import ArgumentParser
import GiveTakeCore
import GiveTakeStorage

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a synthetic CRM data set into a database and score it.",
        discussion: """
            Writes --rows interactions (several brands, every channel, DM threads, replies \
            with and without the customer's name, give and take posts, leads and purchases, \
            a few anomalies) to the table 'interactions' of --db, replacing it, then scores \
            it like `givetake score`. The same --rows and --seed always give the same data.
            """)

    @Option(help: "Number of interactions to generate.")
    var rows = 5000

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("SQLite file (created) or postgres:// URL.", valueName: "db"))
    var db = "givetake-demo.db"

    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Flag(help: "Only generate the data; do not score it.")
    var noScore = false

    @Flag(name: .customLong("in-memory"), help: "Score the generated rows in memory, without a database.")
    var inMemory = false

    @Flag(name: .shortAndLong, help: "No progress bar or summary on stderr.")
    var quiet = false

    func validate() throws {
        if rows < 1 { throw ValidationError("--rows must be at least 1") }
        if !inMemory { try requireLocation(db, "--db") }
    }

    func run() throws {
        let data = SyntheticData(rows: rows, seed: seed)
        if inMemory { return try scoreInMemory(data) }
        let store = try openStore(db, create: true)
        let table = "interactions"
        let progress = Progress(label: "generating", total: rows, enabled: !quiet)
        let clock = Stopwatch()
        var written = 0
        try store.inTransaction {
            try store.createInteractionsTable(table, replace: true)
            try data.generate { batch in
                try store.insert(table, batch)
                written += batch.count
                progress.update(written)
            }
            try store.writeAccountNames(data.accountNames, besides: table)
        }
        progress.finish()
        if !quiet {
            printError("wrote \(grouped(written)) interactions for \(data.accountCount) brands to \(db) "
                       + "in \(fixed(clock.seconds, 2)) s")
        }
        if noScore { return }
        let score = try Score.parse([db, "--format", format.rawValue] + (quiet ? ["--quiet"] : []))
        try score.run()
    }
}

extension Demo {
    /// The in-process API on the same rows: what the database runs must match.
    func scoreInMemory(_ data: SyntheticData) throws {
        let clock = Stopwatch()
        let scorer = Scorer()
        var addTime = 0.0
        try data.generate { batch in
            let t = Stopwatch()
            try scorer.add(batch)
            addTime += t.seconds
        }
        let t = Stopwatch()
        let result = try scorer.finish()
        writeAccounts(format: format, names: data.accountNames, asOf: result.asOf, to: .standardOutput()) {
            sink in result.accounts.forEach(sink)
        }
        if !quiet {
            printError("scored \(grouped(rows)) generated rows in memory in \(fixed(clock.seconds, 2)) s "
                       + "(Scorer.add \(fixed(addTime, 2)) s, finish \(fixed(t.seconds, 2)) s)")
        }
    }
}

struct ImportTwcs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-twcs",
        abstract: "Load a Customer Support on Twitter CSV into the interactions table.",
        discussion: """
            Maps rows as docs/metrics.md section 8 says: brand -> account (a stable id from \
            its name), customer -> contact, in_response_to_tweet_id -> parent, channel \
            twitter, kind reply (with a parent) or mention. Tweets that address no brand \
            are skipped and counted. The brand handles go to an accounts(account_id, name) \
            table beside the interactions table, so the scores show names.
            """)

    @Argument(help: ArgumentHelp("The twcs CSV file.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("SQLite file (created) or postgres:// URL.", valueName: "db"))
    var db: String

    @Option(help: "Interactions table to create or fill.")
    var table = "interactions"

    @Flag(help: "Append to the table instead of replacing it.")
    var append = false

    @Flag(name: .shortAndLong, help: "No summary on stderr.")
    var quiet = false

    func validate() throws {
        if file.isEmpty { throw ValidationError("<file> is empty: give the twcs CSV file") }
        try requireLocation(db, "--db")
        if table.isEmpty { throw ValidationError("--table is empty") }
    }

    func run() throws {
        let csv = try readFile(file)
        let store = try openStore(db, create: true)
        var summary = TwcsImport.Summary()
        try store.inTransaction {
            try store.createInteractionsTable(table, replace: !append)
            summary = try TwcsImport.convert(csv: csv, source: file) { try store.insert(table, $0) }
            try store.writeAccountNames(summary.brandNames, besides: table)
        }
        if quiet { return }
        printError("imported \(grouped(summary.rows)) tweets for \(summary.brands) brands into '\(table)' of \(db)"
                   + (summary.skipped > 0 ? "; skipped \(summary.skipped) that address no brand" : ""))
    }
}
#endif
