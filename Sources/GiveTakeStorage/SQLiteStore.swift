// SQLite adapter: one prepared SELECT streams the table (a read snapshot,
// so writers in WAL mode keep going), and one IMMEDIATE transaction
// replaces the score tables, so an interrupted run leaves the previous
// scores intact.
import CSQLite3
import GiveTakeCore

public final class SQLiteStore: InteractionStore, BatchSource {
    let conn: SQLiteConnection

    public init(path: String, create: Bool = false) throws {
        conn = try SQLiteConnection(path: path, create: create)
        // Databases we create use WAL: readers (dashboards, the sqlite3
        // shell) keep reading while we write. Must run outside a transaction.
        if create { try conn.exec("PRAGMA journal_mode=WAL") }
    }

    // MARK: Reading

    public func checkTable(_ table: String) throws {
        let present = try columns(table)
        try Schema.checkInteractionTable(table, in: conn.path, exists: !present.isEmpty, has: present.contains)
    }

    /// Lower-cased column names of a table (empty when there is none).
    private func columns(_ table: String) throws -> Set<String> {
        let parts = identifierParts(table)
        let pragma = parts.count == 2
            ? "PRAGMA \(SQLiteConnection.quote(parts[0])).table_info(\(SQLiteConnection.quote(parts[1])))"
            : "PRAGMA table_info(\(SQLiteConnection.quote(table)))"
        let stmt = try conn.prepare(pragma)
        var present = Set<String>()
        while try stmt.step() { if let name = stmt.string(1) { present.insert(name.lowercased()) } }
        return present
    }

    public func accountNames(_ table: String) throws -> AccountNames {
        var sql: String
        if try columns(table).contains("account_name") {
            sql = "SELECT account_id, min(account_name) FROM \(SQLiteConnection.quote(table)) "
                + "WHERE account_name IS NOT NULL GROUP BY account_id"
        } else {
            let accounts = tableBeside(table, named: "accounts")
            let have = try columns(accounts)
            guard have.contains("account_id") && have.contains("name") else { return [:] }
            sql = "SELECT account_id, min(name) FROM \(SQLiteConnection.quote(accounts)) "
                + "WHERE name IS NOT NULL GROUP BY account_id"
        }
        let stmt = try conn.prepare(sql)
        var names: AccountNames = [:]
        while try stmt.step() {
            if stmt.type(0) == SQLITE_INTEGER, let n = stmt.string(1) { names[stmt.int64(0)] = n }
        }
        return names
    }

    public func scanBatches(_ request: ScanRequest, next: () throws -> InteractionBatch,
                            emit: (InteractionBatch) throws -> Void) throws -> Int {
        let table = SQLiteConnection.quote(request.table)
        let present = try columns(request.table)
        let optional = Schema.optionalInteractionColumns.map { present.contains($0) ? $0 : "NULL" }
        var sql = "SELECT " + (Schema.interactionColumns + optional).joined(separator: ", ") + " FROM " + table
        if let accounts = request.accounts {
            try fillAccountFilter(accounts)
            sql += " WHERE account_id IN (SELECT account_id FROM temp.gt_scan_accounts)"
        }
        var reader = SQLiteRowReader(stmt: try conn.prepare(sql), table: request.table)
        return try fillBatches(from: &reader, next: next, emit: emit)
    }

    private func fillAccountFilter(_ accounts: [Int64]) throws {
        try conn.exec("CREATE TEMP TABLE IF NOT EXISTS gt_scan_accounts(account_id INTEGER PRIMARY KEY); "
                      + "DELETE FROM temp.gt_scan_accounts")
        let ins = try conn.prepare("INSERT OR IGNORE INTO temp.gt_scan_accounts VALUES (?)")
        for a in accounts {
            ins.bind(1, a)
            _ = try ins.step()
            ins.reset()
        }
    }

    public func estimatedRowCount(_ table: String) -> Int? {
        guard let stmt = try? conn.prepare("SELECT max(rowid) FROM " + SQLiteConnection.quote(table)),
              (try? stmt.step()) == true else { return nil }
        return stmt.type(0) == SQLITE_NULL ? 0 : Int(stmt.int64(0))
    }

    // MARK: Writing scores

    public func writeScores(names: AccountNames, prefix: String, replacing: [Int64]?, periods: Bool,
                            _ produce: (_ append: (Scores) throws -> Void) throws -> ScoreState) throws {
        let tables = Schema.scoreTables.map { SQLiteConnection.quote(prefix + $0.0) }
        let accountsTable = tables[0], contactsTable = tables[1], turnsTable = tables[2], agentsTable = tables[3]
        let stateTable = SQLiteConnection.quote(prefix + "score_state")
        let periodsTable = SQLiteConnection.quote(prefix + "period_scores")
        try inTransaction {
            for (name, table) in zip(tables, Schema.scoreTables) {
                try conn.exec(Self.createTable(name, table.1))
                try addMissingColumns(prefix + table.0, table.1)
            }
            try conn.exec(Self.createTable(stateTable, Schema.stateColumns))
            if let replacing {
                try fillAccountFilter(replacing)
                let filter = " WHERE account_id IN (SELECT account_id FROM temp.gt_scan_accounts)"
                try conn.exec(tables.map { "DELETE FROM \($0)" + filter }.joined(separator: "; "))
            } else {
                try conn.exec(tables.map { "DELETE FROM \($0)" }.joined(separator: "; "))
            }
            if periods {
                try conn.exec("DROP TABLE IF EXISTS \(periodsTable)")
                try conn.exec(Self.createTable(periodsTable, Schema.periodColumns))
            }
            let state = try produce { result in
                try insertScores(accountsTable, Schema.accountColumns, result.accounts) { $0.values(names) }
                try insertContacts(contactsTable, result.contacts)
                try insertTurns(turnsTable, result.turns.ordered(), names)
                try insertScores(agentsTable, Schema.agentColumns, result.agents) { $0.values(names) }
                if periods {
                    try insertScores(periodsTable, Schema.periodColumns, result.periods) { $0.values(names) }
                }
            }
            try conn.exec("DELETE FROM \(stateTable)")
            try insertScores(stateTable, Schema.stateColumns, [state]) { $0.values }
        }
    }

    static func createTable(_ name: String, _ columns: [(String, Schema.ColumnType)]) -> String {
        "CREATE TABLE IF NOT EXISTS \(name) ("
            + columns.map { "\($0.0) \(Schema.sqliteType($0.1))" }.joined(separator: ", ") + ")"
    }

    /// Score tables made by an earlier version lack newer columns: add them.
    private func addMissingColumns(_ table: String, _ columns: [(String, Schema.ColumnType)]) throws {
        let have = try self.columns(table)
        for c in columns where !have.contains(c.0) {
            try conn.exec("ALTER TABLE \(SQLiteConnection.quote(table)) ADD COLUMN \(c.0) \(Schema.sqliteType(c.1))")
        }
    }

    /// `INSERT INTO table (columns...) VALUES (?, ...)`, prepared.
    private func insertStatement(_ table: String, _ columns: [(String, Schema.ColumnType)]) throws -> SQLiteStatement {
        try conn.prepare("INSERT INTO \(table) (" + columns.map(\.0).joined(separator: ", ") + ") VALUES ("
                         + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")")
    }

    private func insertScores<S: Sequence>(_ table: String, _ columns: [(String, Schema.ColumnType)], _ rows: S,
                                           _ values: (S.Element) -> [ScoreValue]) throws {
        let stmt = try insertStatement(table, columns)
        for row in rows {
            for (i, v) in values(row).enumerated() {
                let k = Int32(i + 1)
                switch v {
                case .int(let x): stmt.bind(k, x)
                case .real(let x): stmt.bind(k, x)
                case .text(let s): stmt.bind(k, s)
                case .time(let t): stmt.bind(k, Timestamp.format(t))
                case .bool(let b): stmt.bind(k, Int64(b ? 1 : 0))
                case .null: stmt.bindNull(k)
                }
            }
            _ = try stmt.step()
            stmt.reset()
        }
    }

    /// Contacts are the bulk of the output: bound directly, no per-row arrays.
    private func insertContacts(_ table: String, _ rows: [ContactScore]) throws {
        let stmt = try insertStatement(table, Schema.contactColumns)
        var time = TimestampText()
        for c in rows {
            stmt.bind(1, c.accountID)
            stmt.bind(2, c.contactID)
            stmt.bind(3, c.balance)
            stmt.bind(4, Int64(c.trustScore))
            stmt.bind(5, c.acknowledged)
            stmt.bind(6, c.unacknowledged)
            time.format(c.lastInteractionAt) { stmt.bindStatic(7, $0) }
            _ = try stmt.step()
            stmt.reset()
        }
    }

    /// Turns come next in bulk: bound directly too, in `Schema.turnColumns`
    /// order (static names, times formatted in place).
    private func insertTurns(_ table: String, _ turns: OrderedTurns, _ names: AccountNames) throws {
        let stmt = try insertStatement(table, Schema.turnColumns)
        var started = TimestampText(), due = TimestampText()
        @inline(__always) func flag(_ b: Bool?) -> Int64? { b.map { $0 ? 1 : 0 } }
        for t in turns {
            stmt.bind(1, t.accountID)
            stmt.bind(2, t.turnID)
            stmt.bind(3, t.threadID)
            stmt.bind(4, t.contactID)
            stmt.bindStatic(5, t.channel.name)
            started.format(t.startedAt) { stmt.bindStatic(6, $0) }
            stmt.bind(7, t.inboundRows)
            stmt.bindStatic(8, t.status.name)
            stmt.bind(9, t.firstAckID)
            stmt.bind(10, t.agentID)
            stmt.bind(11, t.timeToAckSeconds)
            stmt.bind(12, t.businessTimeToAckSeconds)
            stmt.bind(13, flag(t.personal))
            stmt.bind(14, flag(t.appreciative))
            stmt.bind(15, flag(t.withinSLA))
            due.format(t.dueAt) { stmt.bindStatic(16, $0) }
            if let name = names[t.accountID] { stmt.bind(17, name) } else { stmt.bindNull(17) }
            _ = try stmt.step()
            stmt.reset()
        }
    }

    public func inTransaction(_ body: () throws -> Void) throws {
        try runTransaction(exec: conn.exec, begin: "BEGIN IMMEDIATE",
                           beforeCommit: crashPointBeforeCommit, body)
    }

    // MARK: Loading interactions (demo, import-twcs)

    public func createInteractionsTable(_ table: String, replace: Bool) throws {
        let q = SQLiteConnection.quote(table)
        if replace { try conn.exec("DROP TABLE IF EXISTS \(q)") }
        try conn.exec("CREATE TABLE IF NOT EXISTS \(q) ("
                      + Schema.interactionDDL.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")")
    }

    public func writeAccountNames(_ names: AccountNames, besides table: String) throws {
        let accounts = SQLiteConnection.quote(tableBeside(table, named: "accounts"))
        try conn.exec("CREATE TABLE IF NOT EXISTS \(accounts) (account_id INTEGER PRIMARY KEY, name TEXT)")
        let stmt = try conn.prepare("INSERT OR REPLACE INTO \(accounts) (account_id, name) VALUES (?, ?)")
        for (id, name) in names.sorted(by: { $0.key < $1.key }) {
            stmt.bind(1, id)
            stmt.bind(2, name)
            _ = try stmt.step()
            stmt.reset()
        }
    }

    private var insertStatement: (String, SQLiteStatement)?

    public func insert(_ table: String, _ rows: UnsafeBufferPointer<Interaction>) throws {
        let stmt: SQLiteStatement
        if let (t, s) = insertStatement, t == table {
            stmt = s
        } else {
            stmt = try conn.prepare("INSERT INTO \(SQLiteConnection.quote(table)) ("
                                    + Schema.interactionDDL.map(\.0).joined(separator: ", ")
                                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            insertStatement = (table, stmt)
        }
        for r in rows {
            stmt.bind(1, r.id)
            stmt.bind(2, r.accountID)
            stmt.bind(3, r.contactID)
            stmt.bind(4, r.parentID)
            withName(channelText(r.channel)) { stmt.bindStatic(5, $0) }
            withName(kindText(r.kind)) { stmt.bindStatic(6, $0) }
            stmt.bind(7, Int64(r.inbound ? 1 : 0))
            stmt.bind(8, Int64(r.automated ? 1 : 0))
            stmt.bind(9, Int64(r.hasMedia ? 1 : 0))
            stmt.bind(10, Timestamp.format(r.createdAt))
            stmt.bindStatic(11, r.authorName)
            stmt.bindStatic(12, r.body)
            stmt.bind(13, r.value)
            stmt.bind(14, r.threadID)
            stmt.bind(15, r.agentID)
            _ = try stmt.step()
            stmt.reset()
        }
    }

    // MARK: Incremental support

    public func readState(prefix: String) throws -> ScoreState? {
        let stateTable = prefix + "score_state"
        let exists = try conn.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
        exists.bind(1, stateTable)
        guard try exists.step() else { return nil }
        let stmt = try conn.prepare("SELECT table_name, max_id, rows_up_to_max_id, as_of, config_key FROM "
                                    + SQLiteConnection.quote(stateTable))
        guard try stmt.step() else { return nil }
        return ScoreState(table: stmt.string(0) ?? "", maxID: stmt.type(1) == SQLITE_NULL ? nil : stmt.int64(1),
                          rowsUpToMaxID: stmt.int64(2), asOf: stmt.int64(3), configKey: stmt.string(4) ?? "")
    }

    public func incrementalDelta(_ table: String, since state: ScoreState) throws -> IncrementalDelta {
        let q = SQLiteConnection.quote(table)
        let hwm = state.maxID ?? Int64.min
        let counts = try conn.prepare("SELECT count(*) FILTER (WHERE id <= ?1), count(*) FILTER (WHERE id > ?1), "
                                      + "max(id) FILTER (WHERE id > ?1) FROM \(q)")
        counts.bind(1, hwm)
        _ = try counts.step()
        var delta = IncrementalDelta(rowsUpToMaxID: counts.int64(0), newRows: counts.int64(1),
                                     newMaxID: counts.type(2) == SQLITE_NULL ? nil : counts.int64(2),
                                     newMaxCreatedAt: nil, affectedAccounts: [])
        // Latest created_at among the new rows, parsed like the scan does.
        let times = try conn.prepare("SELECT id, created_at FROM \(q) WHERE id > ?")
        times.bind(1, hwm)
        while try times.step() {
            let t = try SQLiteRowReader.timestamp(times, 1, table: table, id: times.int64(0))
            if delta.newMaxCreatedAt == nil || t > delta.newMaxCreatedAt! { delta.newMaxCreatedAt = t }
        }
        var affected = Set<Int64>()
        let seed = try conn.prepare("SELECT DISTINCT account_id FROM \(q) WHERE id > ?1 OR parent_id IN (SELECT id FROM \(q) WHERE id > ?1)")
        seed.bind(1, hwm)
        while try seed.step() { affected.insert(seed.int64(0)) }
        try fillAccountFilter(Array(affected))  // creates the temp table the query names
        let linked = try conn.prepare(linkedAccountsQuery(q, set: "temp.gt_scan_accounts"))
        try closeAccountSet(&affected, write: fillAccountFilter) {
            var found: [Int64] = []
            while try linked.step() { found.append(linked.int64(0)) }
            linked.reset()
            return found
        }
        delta.affectedAccounts = affected.sorted()
        return delta
    }

    public func forEachScoreRow(prefix: String, table: String, filter: ScoreRowFilter, orderBy: [String],
                                _ body: (ScoreRow) throws -> Void) throws {
        let columns = Schema.columns(of: table)
        var sql = "SELECT " + columns.map(\.0).joined(separator: ", ") + " FROM "
            + SQLiteConnection.quote(prefix + table)
        switch filter {
        case .all: break
        case .status: sql += " WHERE status = ?"
        case .allChannels: sql += " WHERE channel IS NULL OR channel COLLATE BINARY NOT IN (\(Schema.channelNameList))"
        }
        if !orderBy.isEmpty { sql += " ORDER BY " + orderBy.joined(separator: ", ") }
        let stmt = try conn.prepare(sql)
        if case .status(let status) = filter { stmt.bind(1, status) }
        let row = ScoreRow(columns: columns)
        let types = columns.map(\.1)
        while try stmt.step() {
            row.startRow()
            for (i, type) in types.enumerated() {
                let k = Int32(i)
                if stmt.type(k) == SQLITE_NULL { row.setNull(i); continue }
                switch type {
                case .int, .int32: row.set(i, int: stmt.int64(k))
                case .bool: row.set(i, bool: stmt.int64(k) != 0)
                case .real: row.set(i, real: stmt.double(k))
                case .text, .date: row.set(i, text: stmt.bytes(k))
                case .time:
                    // Text that is no timestamp is shown as it is.
                    if let t = stmt.bytes(k).flatMap({ Timestamp.parse($0) }) {
                        row.set(i, time: t)
                    } else {
                        row.set(i, text: stmt.bytes(k))
                    }
                }
            }
            try body(row)
        }
    }

    // MARK: Memory-bounded scoring

    public func inReadSnapshot(_ body: () throws -> Void) throws {
        // Deferred: a read snapshot from the first read on.
        try runTransaction(exec: conn.exec, begin: "BEGIN", body)
    }
}

/// Channel and kind names for writing; unknown codes are written as "?".
func channelText(_ code: Int32) -> StaticString {
    code >= 0 && code < Int32(Channel.allCases.count) ? Channel(rawValue: UInt8(code))!.name : "?"
}

func kindText(_ code: Int32) -> StaticString {
    code >= 0 && code < Int32(Kind.allCases.count) ? Kind(rawValue: UInt8(code))!.name : "?"
}

@inline(__always)
func withName<R>(_ s: StaticString, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
}

extension SQLiteStore: ScheduleTableSource {
    /// Rows of a `schedules` table beside `table` (in its attached database).
    public func scheduleRows(besides table: String) throws -> [ScheduleRow]? {
        let name = tableBeside(table, named: "schedules")
        let have = try columns(name)
        if have.isEmpty { return nil }
        try checkScheduleColumns(name, have)
        let stmt = try conn.prepare("SELECT account_id, channel, time_zone, hours, holidays FROM \(SQLiteConnection.quote(name))")
        var rows: [ScheduleRow] = []
        while try stmt.step() {
            // A REAL or BLOB account_id reads as text that is no integer.
            let account = stmt.type(0) == SQLITE_NULL ? nil : stmt.string(0)
            rows.append(try ScheduleRow(table: name, number: rows.count + 1, accountID: account, channel: stmt.string(1),
                                        timeZone: stmt.string(2), hours: stmt.string(3), holidays: stmt.string(4)))
        }
        return rows
    }
}
