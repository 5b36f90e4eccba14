// PostgreSQL adapter over libpq: reads with one binary COPY ... TO STDOUT
// (PostgresCopyReader: streamed row by row into fixed-size batches, never
// the whole table in memory) and writes scores with COPY (PostgresCopyWriter)
// in place of the rows of the scored accounts, in one transaction.
import GiveTakeCore

public final class PostgresStore: InteractionStore, BatchSource {
    let pg: PostgresConnection
    /// For a second connection (PostgresValueCheck.swift).
    let conninfo: String

    public init(conninfo: String) throws {
        pg = try PostgresConnection(conninfo: conninfo)
        self.conninfo = conninfo
    }

    // MARK: Reading

    public func checkTable(_ table: String) throws {
        _ = try columnTypes(table)
    }

    /// Column name -> type of the table or view `quoted` (empty when there is none).
    func attributeTypes(_ quoted: String) throws -> [String: String] {
        let res = try pg.exec("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """, [quoted])
        var types: [String: String] = [:]
        for i in 0..<res.rows { if let n = res.string(i, 0) { types[n] = res.string(i, 1) ?? "" } }
        return types
    }

    /// Column name -> type of the canonical columns; throws naming what is missing.
    private func columnTypes(_ table: String) throws -> [String: String] {
        let q = try pg.quote(table)
        let exists = try pg.exec("SELECT to_regclass($1) IS NOT NULL", [q]).string(0, 0) == "t"
        let types = exists ? try attributeTypes(q) : [:]
        try Schema.checkInteractionTable(table, in: pg.display, exists: exists, has: { types[$0] != nil })
        return types
    }

    /// Whether a quoted relation name is a plain table (relkind 'r').
    private func isPlainTable(_ quoted: String) throws -> Bool {
        try pg.exec("SELECT relkind = 'r' FROM pg_class WHERE oid = to_regclass($1)", [quoted]).string(0, 0) == "t"
    }

    /// The types binary COPY must deliver; a table that has exactly these
    /// (required and optional columns) is copied as is (faster than COPY
    /// of a casting query).
    static let canonicalTypes = [
        "bigint", "bigint", "bigint", "bigint", "text", "text", "boolean", "boolean", "boolean",
        "timestamp with time zone", "text", "text", "double precision", "bigint", "bigint",
    ]

    static let castSelect = """
        id::int8, account_id::int8, contact_id::int8, parent_id::int8, channel::text, kind::text, \
        inbound::bool, automated::bool, has_media::bool, created_at::timestamptz, author_name::text, \
        body::text, value::float8
        """

    /// Key of the transaction-level advisory lock that serialises creating
    /// and altering score tables ("givetake" in ASCII); the extension's
    /// refresh_scores takes the same lock.
    static let scoreTablesLock = "7451617236577512293"

    public func accountNames(_ table: String) throws -> AccountNames {
        let q = try pg.quote(table)
        let types = try columnTypes(table)
        var sql: String
        if types["account_name"] != nil {
            sql = "SELECT account_id::int8, min(account_name::text) FROM \(q) WHERE account_name IS NOT NULL GROUP BY 1"
        } else {
            let accounts = try pg.quote(tableBeside(table, named: "accounts"))
            let res = try pg.exec("""
                SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname IN ('account_id', 'name')
                  AND NOT attisdropped
                """, [accounts])
            guard res.int64(0, 0) == 2 else { return [:] }
            sql = "SELECT account_id::int8, min(name::text) FROM \(accounts) WHERE name IS NOT NULL GROUP BY 1"
        }
        let res = try pg.exec(sql)
        var names: AccountNames = [:]
        for i in 0..<res.rows { if let a = res.int64(i, 0), let n = res.string(i, 1) { names[a] = n } }
        return names
    }

    public func scanBatches(_ request: ScanRequest, next: () throws -> InteractionBatch,
                            emit: (InteractionBatch) throws -> Void) throws -> Int {
        let q = try pg.quote(request.table)
        let types = try columnTypes(request.table)
        let all = Schema.interactionColumns + Schema.optionalInteractionColumns
        if request.accounts == nil && all.map({ types[$0] ?? "" }) == Self.canonicalTypes {
            // COPY reads only a plain table itself; a view, a partitioned
            // or a foreign table is copied through its query.
            let columns = all.joined(separator: ", ")
            let source = try isPlainTable(q) ? "\(q) (\(columns))" : "(SELECT \(columns) FROM \(q))"
            try pg.exec("COPY \(source) TO STDOUT (FORMAT binary)")
        } else {
            let optional = Schema.optionalInteractionColumns.map { types[$0] != nil ? "\($0)::int8" : "NULL::int8" }
            var query = "SELECT \(Self.castSelect), " + optional.joined(separator: ", ") + " FROM \(q)"
            if let accounts = request.accounts {
                try fillAccountFilter(accounts)
                query += " WHERE account_id IN (SELECT account_id FROM pg_temp.gt_scan_accounts)"
            }
            try pg.exec("COPY (\(query)) TO STDOUT (FORMAT binary)")
        }
        do {
            return try readCopy(request, next: next, emit: emit)
        } catch let e as StorageError where pg.copySQLState?.hasPrefix("22") == true {
            // A data exception (class 22): a value the casts cannot convert.
            // Name its row and column.
            throw locateBadValue(request.table, types, filtered: request.accounts != nil,
                                 serverError: e.message) ?? e
        }
    }

    private func readCopy(_ request: ScanRequest, next: () throws -> InteractionBatch,
                          emit: (InteractionBatch) throws -> Void) throws -> Int {
        var reader = PostgresCopyReader(pg, table: request.table)
        do {
            return try fillBatches(from: &reader, next: next, emit: emit)
        } catch {
            try reader.drain()
            throw error
        }
    }

    private func fillAccountFilter(_ accounts: [Int64]) throws {
        try pg.exec("CREATE TEMP TABLE IF NOT EXISTS gt_scan_accounts (account_id int8 PRIMARY KEY)")
        try pg.exec("TRUNCATE pg_temp.gt_scan_accounts")
        try pg.exec("INSERT INTO pg_temp.gt_scan_accounts SELECT DISTINCT unnest($1::int8[])",
                    ["{" + accounts.map(String.init).joined(separator: ",") + "}"])
    }

    public func estimatedRowCount(_ table: String) -> Int? {
        // As the planner estimates: the rows per page of the last ANALYZE
        // times the pages the table has now (it may have grown since);
        // never analyzed (reltuples -1, as right after a bulk load), its
        // size over 40 bytes, more rows than a heap page can hold of
        // interaction rows, so a large fresh table is never taken for small.
        guard let q = try? pg.quote(table),
              let res = try? pg.exec("""
                  SELECT CASE WHEN c.reltuples >= 0 AND c.relpages > 0
                              THEN (c.reltuples / c.relpages * (pg_relation_size(c.oid)
                                    / current_setting('block_size')::int8))::int8
                              WHEN pg_relation_size(c.oid) > 0 THEN pg_relation_size(c.oid) / 40
                              ELSE c.reltuples::int8 END
                  FROM pg_class c WHERE c.oid = to_regclass($1)
                  """, [q]),
              res.rows == 1, let n = res.int64(0, 0), n >= 0 else { return nil }
        return Int(n)
    }

    // MARK: Writing scores

    public func writeScores(names: AccountNames, prefix: String, replacing: [Int64]?, periods: Bool,
                            _ produce: (_ append: (Scores) throws -> Void) throws -> ScoreState) throws {
        let tables = try Schema.scoreTables.map { try pg.quote(prefix + $0.0) }
        let stateTable = try pg.quote(prefix + "score_state")
        let periodsTable = try pg.quote(prefix + "period_scores")
        try inTransaction {
            try pg.exec("SELECT pg_advisory_xact_lock(\(Self.scoreTablesLock))")
            // A score table whose columns have exactly the schema's types
            // takes the parts straight from COPY (binary COPY needs the
            // exact types). One with other types (an older version's, or
            // changed by hand) gets them through a temporary table of the
            // schema's types and a casting INSERT at the end; such parts
            // spill to disk past temp_buffers.
            var targets: [String] = []
            var staged: [(temp: String, table: String, columns: String)] = []
            for (name, table) in zip(tables, Schema.scoreTables) {
                try pg.exec(Self.createTable(name, table.1))
                let present = try attributeTypes(name)
                for c in table.1 where present[c.0] == nil {
                    try pg.exec("ALTER TABLE \(name) ADD COLUMN \(c.0) \(Schema.postgresType(c.1))")
                }
                if table.1.allSatisfy({ c in present[c.0].map { $0 == Schema.postgresType(c.1) } ?? true }) {
                    targets.append(name)
                } else {
                    let temp = "gt_new_" + table.0
                    try pg.exec(Self.createTempTable(temp, table.1))
                    targets.append("pg_temp." + temp)
                    staged.append((temp, name, table.1.map(\.0).joined(separator: ", ")))
                }
            }
            try pg.exec(Self.createTable(stateTable, Schema.stateColumns))
            if periods { try pg.exec(Self.createTempTable("gt_new_periods", Schema.periodColumns)) }
            // The old rows go first: readers see them until the commit.
            if let replacing {
                try fillAccountFilter(replacing)
                let filter = " WHERE account_id IN (SELECT account_id FROM pg_temp.gt_scan_accounts)"
                for name in tables { try pg.exec("DELETE FROM \(name)" + filter) }
            } else {
                for name in tables { try pg.exec("DELETE FROM \(name)") }
            }
            let state = try produce { result in
                try copyIn(targets[0], Schema.accountColumns, result.accounts) { $0.values(names) }
                try copyInContacts(targets[1], result.contacts)
                try copyInTurns(targets[2], result.turns.ordered(), names)
                try copyIn(targets[3], Schema.agentColumns, result.agents) { $0.values(names) }
                if periods {
                    try copyIn("pg_temp.gt_new_periods", Schema.periodColumns, result.periods) { $0.values(names) }
                }
            }
            for s in staged {
                try pg.exec("INSERT INTO \(s.table) (\(s.columns)) SELECT \(s.columns) FROM pg_temp.\(s.temp)")
            }
            if periods {
                // Replaced at the end: DROP locks readers out until the commit.
                try pg.exec("DROP TABLE IF EXISTS \(periodsTable)")
                try pg.exec(Self.createTable(periodsTable, Schema.periodColumns))
                try pg.exec("INSERT INTO \(periodsTable) SELECT * FROM pg_temp.gt_new_periods")
            }
            try pg.exec("DELETE FROM \(stateTable)")
            try pg.exec("INSERT INTO \(stateTable) VALUES ($1, $2, $3, $4, $5)",
                        [state.table, state.maxID.map(String.init), String(state.rowsUpToMaxID),
                         String(state.asOf), state.configKey])
        }
    }

    static func createTable(_ name: String, _ columns: [(String, Schema.ColumnType)]) -> String {
        "CREATE TABLE IF NOT EXISTS \(name) (" + columnList(columns) + ")"
    }

    static func createTempTable(_ name: String, _ columns: [(String, Schema.ColumnType)]) -> String {
        "CREATE TEMP TABLE \(name) (" + columnList(columns) + ") ON COMMIT DROP"
    }

    private static func columnList(_ columns: [(String, Schema.ColumnType)]) -> String {
        columns.map { "\($0.0) \(Schema.postgresType($0.1))" }.joined(separator: ", ")
    }

    private func copyIn<S: Sequence>(_ table: String, _ columns: [(String, Schema.ColumnType)], _ rows: S,
                                     _ values: (S.Element) -> [ScoreValue]) throws {
        var copy = try PostgresCopyWriter(pg, table: table, columns: columns.map(\.0))
        for row in rows {
            for (i, v) in values(row).enumerated() {
                if i > 0 { copy.tab() }
                copy.value(v)
            }
            try copy.endRow()
        }
        try copy.finish()
    }

    /// Contacts are the bulk of the output: binary COPY, no per-row arrays.
    private func copyInContacts(_ table: String, _ rows: [ContactScore]) throws {
        var copy = try PostgresCopyWriter(pg, table: table, columns: Schema.contactColumns.map(\.0), binary: true)
        for c in rows {
            copy.binaryRow(fields: 7)
            copy.field8(UInt64(bitPattern: c.accountID))
            copy.field8(UInt64(bitPattern: c.contactID))
            copy.field8(c.balance.bitPattern)
            copy.field4(UInt32(bitPattern: c.trustScore))
            copy.field8(UInt64(bitPattern: c.acknowledged))
            copy.field8(UInt64(bitPattern: c.unacknowledged))
            copy.field8(UInt64(bitPattern: c.lastInteractionAt &- Timestamp.postgresEpochOffset))
            try copy.endRow()
        }
        try copy.finish()
    }

    /// Turns come next in bulk (a turn for about every third row): binary
    /// COPY in `Schema.turnColumns` order, so the server parses no
    /// timestamps or numbers, without a value array per row.
    private func copyInTurns(_ table: String, _ turns: OrderedTurns, _ names: AccountNames) throws {
        var copy = try PostgresCopyWriter(pg, table: table, columns: Schema.turnColumns.map(\.0), binary: true)
        for t in turns {
            copy.binaryRow(fields: 17)
            copy.field(t.accountID)
            copy.field(t.turnID)
            copy.field(t.threadID)
            copy.field(t.contactID)
            copy.textField(t.channel.name)
            copy.timeField(t.startedAt)
            copy.field(t.inboundRows)
            copy.textField(t.status.name)
            copy.field(t.firstAckID)
            copy.field(t.agentID)
            copy.field(t.timeToAckSeconds)
            copy.field(t.businessTimeToAckSeconds)
            copy.field(t.personal)
            copy.field(t.appreciative)
            copy.field(t.withinSLA)
            copy.timeField(t.dueAt)
            copy.textField(names[t.accountID])
            try copy.endRow()
        }
        try copy.finish()
    }

    public func inTransaction(_ body: () throws -> Void) throws {
        try runTransaction(exec: { try pg.exec($0) }, begin: "BEGIN",
                           beforeCommit: crashPointBeforeCommit, body)
    }

    // MARK: Loading interactions

    public func createInteractionsTable(_ table: String, replace: Bool) throws {
        let q = try pg.quote(table)
        if replace { try pg.exec("DROP TABLE IF EXISTS \(q)") }
        try pg.exec("CREATE TABLE IF NOT EXISTS \(q) ("
                    + Schema.interactionDDL.map { "\($0.0) \($0.2)" }.joined(separator: ", ") + ")")
    }

    public func writeAccountNames(_ names: AccountNames, besides table: String) throws {
        let accounts = try pg.quote(tableBeside(table, named: "accounts"))
        try pg.exec("CREATE TABLE IF NOT EXISTS \(accounts) (account_id bigint PRIMARY KEY, name text)")
        for (id, name) in names.sorted(by: { $0.key < $1.key }) {
            try pg.exec("INSERT INTO \(accounts) (account_id, name) VALUES ($1, $2) "
                        + "ON CONFLICT (account_id) DO UPDATE SET name = excluded.name", [String(id), name])
        }
    }

    public func insert(_ table: String, _ rows: UnsafeBufferPointer<Interaction>) throws {
        var copy = try PostgresCopyWriter(pg, table: try pg.quote(table), columns: Schema.interactionDDL.map(\.0))
        for r in rows {
            copy.int(r.id); copy.tab()
            copy.int(r.accountID); copy.tab()
            copy.int(r.contactID); copy.tab()
            copy.int(r.parentID); copy.tab()
            withName(channelText(r.channel)) { copy.text($0) }; copy.tab()
            withName(kindText(r.kind)) { copy.text($0) }; copy.tab()
            copy.bool(r.inbound); copy.tab()
            copy.bool(r.automated); copy.tab()
            copy.bool(r.hasMedia); copy.tab()
            copy.time(r.createdAt); copy.tab()
            copy.text(r.authorName); copy.tab()
            copy.text(r.body); copy.tab()
            copy.real(r.value); copy.tab()
            copy.int(r.threadID); copy.tab()
            copy.int(r.agentID)
            try copy.endRow()
        }
        try copy.finish()
    }

    // MARK: Incremental support

    public func readState(prefix: String) throws -> ScoreState? {
        let q = try pg.quote(prefix + "score_state")
        let reg = try pg.exec("SELECT to_regclass($1) IS NOT NULL", [q])
        guard reg.string(0, 0) == "t" else { return nil }
        let res = try pg.exec("SELECT table_name, max_id, rows_up_to_max_id, as_of, config_key FROM \(q)")
        guard res.rows > 0 else { return nil }
        return ScoreState(table: res.string(0, 0) ?? "", maxID: res.int64(0, 1), rowsUpToMaxID: res.int64(0, 2) ?? 0,
                          asOf: res.int64(0, 3) ?? 0, configKey: res.string(0, 4) ?? "")
    }

    public func incrementalDelta(_ table: String, since state: ScoreState) throws -> IncrementalDelta {
        let q = try pg.quote(table)
        let hwm = String(state.maxID ?? Int64.min)
        let counts = try pg.exec("""
            SELECT count(*) FILTER (WHERE id <= $1::int8), count(*) FILTER (WHERE id > $1::int8),
                   max(id) FILTER (WHERE id > $1::int8),
                   (extract(epoch FROM max(created_at::timestamptz) FILTER (WHERE id > $1::int8)) * 1000000)::int8
            FROM \(q)
            """, [hwm])
        var delta = IncrementalDelta(rowsUpToMaxID: counts.int64(0, 0) ?? 0, newRows: counts.int64(0, 1) ?? 0,
                                     newMaxID: counts.int64(0, 2), newMaxCreatedAt: counts.int64(0, 3),
                                     affectedAccounts: [])
        var affected = Set<Int64>()
        let seed = try pg.exec("SELECT DISTINCT account_id FROM \(q) WHERE id > $1::int8 OR parent_id IN (SELECT id FROM \(q) WHERE id > $1::int8)", [hwm])
        for i in 0..<seed.rows { if let a = seed.int64(i, 0) { affected.insert(a) } }
        try closeAccountSet(&affected, write: fillAccountFilter) {
            let linked = try pg.exec(linkedAccountsQuery(q, set: "pg_temp.gt_scan_accounts"))
            return (0..<linked.rows).compactMap { linked.int64($0, 0) }
        }
        delta.affectedAccounts = affected.sorted()
        return delta
    }

    public func forEachScoreRow(prefix: String, table: String, filter: ScoreRowFilter, orderBy: [String],
                                _ body: (ScoreRow) throws -> Void) throws {
        let columns = Schema.columns(of: table)
        // Times as microseconds since the Unix epoch; booleans as 0/1.
        let select = columns.map { c -> String in
            switch c.1 {
            case .time: return "(extract(epoch FROM \(c.0)) * 1000000)::int8"
            case .bool: return "\(c.0)::int"
            default: return c.0
            }
        }
        var sql = "SELECT " + select.joined(separator: ", ") + " FROM " + (try pg.quote(prefix + table))
        switch filter {
        case .all: break
        case .status(let status): sql += " WHERE status = " + (try pg.literal(status))
        case .allChannels: sql += " WHERE channel IS NULL OR channel::text COLLATE \"C\" NOT IN (\(Schema.channelNameList))"
        }
        if !orderBy.isEmpty { sql += " ORDER BY " + orderBy.joined(separator: ", ") }
        let row = ScoreRow(columns: columns)
        let types = columns.map(\.1)
        // A cursor, so the client holds one batch of rows, not the table.
        func fetchAll() throws {
            try pg.exec("DECLARE givetake_score_rows NO SCROLL CURSOR FOR " + sql)
            while true {
                let res = try pg.exec("FETCH FORWARD 4096 FROM givetake_score_rows")
                if res.rows == 0 { break }
                for i in 0..<res.rows {
                    row.startRow()
                    for (k, type) in types.enumerated() {
                        if res.isNull(i, k) { row.setNull(k); continue }
                        // Parsed from the value's text in place (no String).
                        let text = res.bytes(i, k)
                        switch type {
                        case .int, .int32: row.set(k, int: parseInteger(text) ?? 0)
                        case .bool: row.set(k, bool: parseInteger(text) == 1)
                        case .real: row.set(k, real: parseDouble(text) ?? 0)
                        case .text, .date: row.set(k, text: text)
                        case .time: row.set(k, time: parseInteger(text) ?? 0)
                        }
                    }
                    try body(row)
                }
            }
            try pg.exec("CLOSE givetake_score_rows")
        }
        // A cursor lives in a transaction: the caller's, or one of its own.
        if pg.inTransaction {
            try fetchAll()
        } else {
            try runTransaction(exec: { try pg.exec($0) }, begin: "BEGIN READ ONLY", fetchAll)
        }
    }

    // MARK: Memory-bounded scoring

    public func inReadSnapshot(_ body: () throws -> Void) throws {
        try runTransaction(exec: { try pg.exec($0) },
                           begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }
}
