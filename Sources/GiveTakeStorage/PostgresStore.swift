// PostgreSQL adapter over libpq: reads with one binary COPY ... TO STDOUT
// (streamed row by row into fixed-size batches, never the whole table in
// memory) and writes scores with COPY into temp tables, then replaces the
// rows of the scored accounts in the same transaction.
import CLibPQ
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
        let reg = try pg.exec("SELECT to_regclass($1) IS NOT NULL", [q])
        if reg.string(0, 0) != "t" {
            throw StorageError("no table '\(table)' in \(pg.display) (expected a table with columns: "
                               + Schema.expectedColumnsText + ")")
        }
        let types = try attributeTypes(q)
        let missing = Schema.interactionColumns.filter { types[$0] == nil }
        if !missing.isEmpty {
            throw StorageError("table '\(table)' in \(pg.display) has no column "
                               + missing.map { "'\($0)'" }.joined(separator: ", ")
                               + " (expected columns: " + Schema.expectedColumnsText + ")")
        }
        return types
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
            let parts = identifierParts(table)
            let accounts = try pg.quote(parts.count == 2 ? parts[0] + ".accounts" : "accounts")
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

    @discardableResult
    public func scan(_ request: ScanRequest, batchSize: Int,
                     _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) throws -> Int {
        let batch = InteractionBatch(capacity: batchSize)
        return try scanBatches(request, next: { batch.removeAll(); return batch },
                               emit: { try $0.withRows(body) })
    }

    func scanBatches(_ request: ScanRequest, next: () throws -> InteractionBatch,
                     emit: (InteractionBatch) throws -> Void) throws -> Int {
        let q = try pg.quote(request.table)
        let types = try columnTypes(request.table)
        let all = Schema.interactionColumns + Schema.optionalInteractionColumns
        if request.accounts == nil && all.map({ types[$0] ?? "" }) == Self.canonicalTypes {
            try pg.exec("COPY \(q) (" + all.joined(separator: ", ") + ") TO STDOUT (FORMAT binary)")
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
        var reader = PostgresCopyReader(table: request.table)
        var total = 0
        var failure: Error?
        var batch: InteractionBatch?
        while true {
            var buf: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(pg.conn, &buf, 0)
            if n == -1 { break }
            if n == -2 {
                try pg.finishCopy()
                throw StorageError("PostgreSQL: " + pg.errorMessage)
            }
            defer { PQfreemem(buf) }
            // After an error keep draining, so the connection stays usable.
            if failure != nil { continue }
            do {
                if batch == nil { batch = try next() }
                _ = try reader.read(UnsafeRawBufferPointer(start: buf, count: Int(n)), into: batch!,
                                    row: total &+ batch!.count)
                if batch!.isFull {
                    total &+= batch!.count
                    try emit(batch!)
                    batch = nil
                }
            } catch {
                failure = error
            }
        }
        try pg.finishCopy()
        if let failure { throw failure }
        if let batch, !batch.isEmpty {
            total &+= batch.count
            try emit(batch)
        }
        return total
    }

    private func fillAccountFilter(_ accounts: [Int64]) throws {
        try pg.exec("CREATE TEMP TABLE IF NOT EXISTS gt_scan_accounts (account_id int8 PRIMARY KEY)")
        try pg.exec("TRUNCATE pg_temp.gt_scan_accounts")
        try pg.exec("INSERT INTO pg_temp.gt_scan_accounts SELECT DISTINCT unnest($1::int8[])",
                    ["{" + accounts.map(String.init).joined(separator: ",") + "}"])
    }

    public func estimatedRowCount(_ table: String) -> Int? {
        guard let q = try? pg.quote(table),
              let res = try? pg.exec("SELECT reltuples::int8 FROM pg_class WHERE oid = to_regclass($1)", [q]),
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
            for (name, table) in zip(tables, Schema.scoreTables) {
                try pg.exec(Self.createTable(name, table.1))
                let have = try pg.exec("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) "
                                       + "AND attnum > 0 AND NOT attisdropped", [name])
                let present = Set((0..<have.rows).compactMap { have.string($0, 0) })
                for c in table.1 where !present.contains(c.0) {
                    try pg.exec("ALTER TABLE \(name) ADD COLUMN \(c.0) \(Schema.postgresType(c.1))")
                }
            }
            try pg.exec("CREATE TABLE IF NOT EXISTS \(stateTable) (table_name text, max_id int8, "
                        + "rows_up_to_max_id int8, as_of int8, config_key text)")
            // The parts go to temporary tables first (they spill to disk past
            // temp_buffers), so the score tables change only at the end.
            let temps = ["gt_new_accounts", "gt_new_contacts", "gt_new_turns", "gt_new_agents"]
            for (temp, name) in zip(temps, tables) {
                try pg.exec("CREATE TEMP TABLE \(temp) (LIKE \(name)) ON COMMIT DROP")
            }
            if periods {
                try pg.exec("CREATE TEMP TABLE gt_new_periods ("
                            + Schema.periodColumns.map { "\($0.0) \(Schema.postgresType($0.1))" }.joined(separator: ", ")
                            + ") ON COMMIT DROP")
            }
            // trust_score: integer in the one schema, bigint in tables of older versions.
            let trust = try pg.exec("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                    + "WHERE attrelid = to_regclass($1) AND attname = 'trust_score'", [tables[1]])
            let trust32 = trust.string(0, 0) == "integer"
            let state = try produce { result in
                try copyIn("pg_temp.gt_new_accounts", Schema.accountColumns, result.accounts) { $0.values(names) }
                try copyInContacts("pg_temp.gt_new_contacts", result.contacts, trust32: trust32)
                try copyIn("pg_temp.gt_new_turns", Schema.turnColumns, result.turns.ordered()) { $0.values(names) }
                try copyIn("pg_temp.gt_new_agents", Schema.agentColumns, result.agents) { $0.values(names) }
                if periods {
                    try copyIn("pg_temp.gt_new_periods", Schema.periodColumns, result.periods) { $0.values(names) }
                }
            }
            if let replacing {
                try fillAccountFilter(replacing)
                let filter = " WHERE account_id IN (SELECT account_id FROM pg_temp.gt_scan_accounts)"
                for name in tables { try pg.exec("DELETE FROM \(name)" + filter) }
            } else {
                for name in tables { try pg.exec("DELETE FROM \(name)") }
            }
            for (k, (temp, name)) in zip(temps, tables).enumerated() {
                let cols = Schema.scoreTables[k].1.map(\.0).joined(separator: ", ")
                try pg.exec("INSERT INTO \(name) (\(cols)) SELECT \(cols) FROM pg_temp.\(temp)")
            }
            if periods {
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
        "CREATE TABLE IF NOT EXISTS \(name) ("
            + columns.map { "\($0.0) \(Schema.postgresType($0.1))" }.joined(separator: ", ") + ")"
    }

    /// COPY FROM STDIN in text format, sent in chunks of about 1 MB.
    private func copyIn<S: Sequence>(_ table: String, _ columns: [(String, Schema.ColumnType)], _ rows: S,
                                     _ values: (S.Element) -> [ScoreValue]) throws {
        try pg.exec("COPY \(table) (" + columns.map(\.0).joined(separator: ", ") + ") FROM STDIN")
        var buf: [UInt8] = []
        buf.reserveCapacity(1 << 20)
        func flush() throws {
            let rc = buf.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { PQputCopyData(pg.conn, $0.baseAddress, Int32($0.count)) }
            }
            if rc != 1 { throw StorageError("PostgreSQL: COPY failed: \(pg.errorMessage)") }
            buf.removeAll(keepingCapacity: true)
        }
        for row in rows {
            for (i, v) in values(row).enumerated() {
                if i > 0 { buf.append(0x09) }
                switch v {
                case .int(let x): buf.append(contentsOf: String(x).utf8)
                case .real(let x): buf.append(contentsOf: x.description.utf8)
                case .text(let s): buf.append(contentsOf: copyEscaped(s))
                case .time(let t): buf.append(contentsOf: (Timestamp.format(t) + "+00").utf8)
                case .bool(let b): buf.append(b ? 0x74 : 0x66)
                case .null: buf.append(contentsOf: "\\N".utf8)
                }
            }
            buf.append(0x0A)
            if buf.count > (1 << 20) { try flush() }
        }
        if !buf.isEmpty { try flush() }
        if PQputCopyEnd(pg.conn, nil) != 1 { throw StorageError("PostgreSQL: COPY failed: \(pg.errorMessage)") }
        try pg.finishCopy()
    }

    /// Contacts are the bulk of the output: binary COPY, every field 8 bytes.
    private func copyInContacts(_ table: String, _ rows: [ContactScore], trust32: Bool) throws {
        try pg.exec("COPY \(table) (" + Schema.contactColumns.map(\.0).joined(separator: ", ")
                    + ") FROM STDIN (FORMAT binary)")
        var buf: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [UInt8](repeating: 0, count: 8)
        buf.reserveCapacity(1 << 20)
        func flush() throws {
            let rc = buf.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { PQputCopyData(pg.conn, $0.baseAddress, Int32($0.count)) }
            }
            if rc != 1 { throw StorageError("PostgreSQL: COPY failed: \(pg.errorMessage)") }
            buf.removeAll(keepingCapacity: true)
        }
        func field(_ v: UInt64) {
            buf.append(contentsOf: [0, 0, 0, 8])
            withUnsafeBytes(of: v.bigEndian) { buf.append(contentsOf: $0) }
        }
        for c in rows {
            buf.append(contentsOf: [0, 7])
            field(UInt64(bitPattern: c.accountID))
            field(UInt64(bitPattern: c.contactID))
            field(c.balance.bitPattern)
            if trust32 {
                buf.append(contentsOf: [0, 0, 0, 4])
                withUnsafeBytes(of: UInt32(bitPattern: c.trustScore).bigEndian) { buf.append(contentsOf: $0) }
            } else {
                field(UInt64(bitPattern: Int64(c.trustScore)))
            }
            field(UInt64(bitPattern: c.acknowledged))
            field(UInt64(bitPattern: c.unacknowledged))
            field(UInt64(bitPattern: c.lastInteractionAt &- Timestamp.postgresEpochOffset))
            if buf.count > (1 << 20) { try flush() }
        }
        buf.append(contentsOf: [0xFF, 0xFF])
        try flush()
        if PQputCopyEnd(pg.conn, nil) != 1 { throw StorageError("PostgreSQL: COPY failed: \(pg.errorMessage)") }
        try pg.finishCopy()
    }

    public func inTransaction(_ body: () throws -> Void) throws {
        try pg.exec("BEGIN")
        do {
            try body()
            crashPointBeforeCommit()
            try pg.exec("COMMIT")
        } catch {
            _ = try? pg.exec("ROLLBACK")
            throw error
        }
    }

    // MARK: Loading interactions

    public func createInteractionsTable(_ table: String, replace: Bool) throws {
        let q = try pg.quote(table)
        if replace { try pg.exec("DROP TABLE IF EXISTS \(q)") }
        try pg.exec("CREATE TABLE IF NOT EXISTS \(q) ("
                    + Schema.interactionDDL.map { "\($0.0) \($0.2)" }.joined(separator: ", ") + ")")
    }

    public func writeAccountNames(_ names: AccountNames, besides table: String) throws {
        let parts = identifierParts(table)
        let accounts = try pg.quote(parts.count == 2 ? parts[0] + ".accounts" : "accounts")
        try pg.exec("CREATE TABLE IF NOT EXISTS \(accounts) (account_id bigint PRIMARY KEY, name text)")
        for (id, name) in names.sorted(by: { $0.key < $1.key }) {
            try pg.exec("INSERT INTO \(accounts) (account_id, name) VALUES ($1, $2) "
                        + "ON CONFLICT (account_id) DO UPDATE SET name = excluded.name", [String(id), name])
        }
    }

    public func insert(_ table: String, _ rows: UnsafeBufferPointer<Interaction>) throws {
        let q = try pg.quote(table)
        try pg.exec("COPY \(q) (" + Schema.interactionDDL.map(\.0).joined(separator: ", ") + ") FROM STDIN")
        var buf: [UInt8] = []
        buf.reserveCapacity(1 << 20)
        func flush() throws {
            let rc = buf.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { PQputCopyData(pg.conn, $0.baseAddress, Int32($0.count)) }
            }
            if rc != 1 { throw StorageError("PostgreSQL: COPY failed: \(pg.errorMessage)") }
            buf.removeAll(keepingCapacity: true)
        }
        func int(_ v: Int64?) { if let v { appendDecimal(&buf, v) } else { buf.append(contentsOf: [0x5C, 0x4E]) } }
        func text(_ t: UnsafeBufferPointer<UInt8>?) {
            guard let t else { buf.append(contentsOf: [0x5C, 0x4E]); return }
            for b in t {
                switch b {
                case 0x5C: buf.append(0x5C); buf.append(0x5C)
                case 0x09: buf.append(0x5C); buf.append(0x74)
                case 0x0A: buf.append(0x5C); buf.append(0x6E)
                case 0x0D: buf.append(0x5C); buf.append(0x72)
                default: buf.append(b)
                }
            }
        }
        for r in rows {
            int(r.id); buf.append(0x09)
            int(r.accountID); buf.append(0x09)
            int(r.contactID); buf.append(0x09)
            int(r.parentID); buf.append(0x09)
            withName(channelText(r.channel)) { text($0) }; buf.append(0x09)
            withName(kindText(r.kind)) { text($0) }; buf.append(0x09)
            buf.append(r.inbound ? 0x74 : 0x66); buf.append(0x09)
            buf.append(r.automated ? 0x74 : 0x66); buf.append(0x09)
            buf.append(r.hasMedia ? 0x74 : 0x66); buf.append(0x09)
            buf.append(contentsOf: (Timestamp.format(r.createdAt) + "+00").utf8); buf.append(0x09)
            text(r.authorName); buf.append(0x09)
            text(r.body); buf.append(0x09)
            buf.append(contentsOf: r.value.description.utf8); buf.append(0x09)
            int(r.threadID); buf.append(0x09)
            int(r.agentID)
            buf.append(0x0A)
            if buf.count > (1 << 20) { try flush() }
        }
        if !buf.isEmpty { try flush() }
        if PQputCopyEnd(pg.conn, nil) != 1 { throw StorageError("PostgreSQL: COPY failed: \(pg.errorMessage)") }
        try pg.finishCopy()
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
        // Close the set under parent and same-id references (see ScoreState).
        while true {
            try fillAccountFilter(Array(affected))
            let more = try pg.exec("""
                SELECT DISTINCT account_id FROM \(q)
                WHERE account_id NOT IN (SELECT account_id FROM pg_temp.gt_scan_accounts)
                  AND (id IN (SELECT parent_id FROM \(q) WHERE account_id IN (SELECT account_id FROM pg_temp.gt_scan_accounts))
                       OR id IN (SELECT id FROM \(q) WHERE account_id IN (SELECT account_id FROM pg_temp.gt_scan_accounts)))
                """)
            var grew = false
            for i in 0..<more.rows { if let a = more.int64(i, 0), affected.insert(a).inserted { grew = true } }
            if !grew { break }
        }
        delta.affectedAccounts = affected.sorted()
        return delta
    }

    public func readAccountScores(prefix: String) throws -> [AccountScore] {
        let res = try pg.exec("SELECT " + Schema.accountColumns.map(\.0).joined(separator: ", ")
                              + " FROM " + (try pg.quote(prefix + "account_scores"))
                              + " ORDER BY account_id, " + Schema.channelOrder)
        var out: [AccountScore] = []
        for i in 0..<res.rows {
            var values: [ScoreValue] = []
            for (k, c) in Schema.accountColumns.enumerated() {
                if res.isNull(i, k) { values.append(.null); continue }
                switch c.1 {
                case .int, .int32, .bool: values.append(.int(res.int64(i, k) ?? 0))
                case .real: values.append(.real(res.double(i, k) ?? 0))
                case .text, .time, .date: values.append(.text(res.string(i, k) ?? ""))
                }
            }
            out.append(AccountScore(values: values))
        }
        return out
    }

    public func readScoreRows(prefix: String, table: String, status: String?,
                              orderBy: [String]) throws -> [[ScoreValue]] {
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
        var params: [String?] = []
        if let status { sql += " WHERE status = $1"; params.append(status) }
        if !orderBy.isEmpty { sql += " ORDER BY " + orderBy.joined(separator: ", ") }
        let res = try pg.exec(sql, params)
        var out: [[ScoreValue]] = []
        for i in 0..<res.rows {
            var values: [ScoreValue] = []
            for (k, c) in columns.enumerated() {
                if res.isNull(i, k) { values.append(.null); continue }
                switch c.1 {
                case .int, .int32: values.append(.int(res.int64(i, k) ?? 0))
                case .bool: values.append(.bool(res.int64(i, k) == 1))
                case .real: values.append(.real(res.double(i, k) ?? 0))
                case .text, .date: values.append(.text(res.string(i, k) ?? ""))
                case .time: values.append(.time(res.int64(i, k) ?? 0))
                }
            }
            out.append(values)
        }
        return out
    }

    // MARK: Partition planning

    public func inReadSnapshot(_ body: () throws -> Void) throws {
        try pg.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            try body()
            try pg.exec("COMMIT")
        } catch {
            _ = try? pg.exec("ROLLBACK")
            throw error
        }
    }

    public func accountRowCounts(_ table: String) throws -> [(account: Int64, rows: Int)] {
        let res = try pg.exec("SELECT account_id::int8, count(*) FROM \(try pg.quote(table)) GROUP BY 1")
        return (0..<res.rows).map { (res.int64($0, 0) ?? 0, Int(res.int64($0, 1) ?? 0)) }
    }

    public func crossAccountLinks(_ table: String) throws -> [(Int64, Int64)] {
        let q = try pg.quote(table)
        let res = try pg.exec("""
            SELECT DISTINCT c.account_id::int8, o.account_id::int8 FROM \(q) c JOIN \(q) o ON o.id = c.parent_id
            WHERE o.account_id <> c.account_id
            UNION
            SELECT DISTINCT c.account_id::int8, o.account_id::int8 FROM \(q) c JOIN \(q) o ON o.id = c.id
            WHERE o.account_id <> c.account_id
            """)
        return (0..<res.rows).map { (res.int64($0, 0) ?? 0, res.int64($0, 1) ?? 0) }
    }
}

func copyEscaped(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    for b in s.utf8 {
        switch b {
        case 0x5C: out += [0x5C, 0x5C]
        case 0x09: out += [0x5C, 0x74]
        case 0x0A: out += [0x5C, 0x6E]
        case 0x0D: out += [0x5C, 0x72]
        default: out.append(b)
        }
    }
    return out
}

func appendDecimal(_ buf: inout [UInt8], _ v: Int64) {
    if v == 0 { buf.append(0x30); return }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    var m = v.magnitude
    withUnsafeMutableBytes(of: &digits) { d in
        while m > 0 { d[n] = UInt8(m % 10) + 0x30; m /= 10; n += 1 }
        if v < 0 { buf.append(0x2D) }
        while n > 0 { n -= 1; buf.append(d[n]) }
    }
}
