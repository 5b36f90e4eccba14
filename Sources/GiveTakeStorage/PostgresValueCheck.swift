// When the casting COPY fails (a text column holding 'abc' where an id
// belongs, 'maybe' for a boolean), the server's error names the value but
// not the row or the column. This finds them: on a second connection (the
// first one's transaction is aborted), the first row whose value does not
// cast, per column, using a temporary PL/pgSQL function that catches the
// cast error (from the column's own type, as the COPY's casts do).
import GiveTakeCore

extension PostgresStore {
    /// The canonical type each cast column must convert to (text columns
    /// always convert, so they are not checked).
    static let castTargets: [(column: Int, type: String)] = [
        (0, "int8"), (1, "int8"), (2, "int8"), (3, "int8"), (6, "bool"), (7, "bool"), (8, "bool"),
        (9, "timestamptz"), (12, "float8"),
    ]

    /// A cheap filter that keeps every value that may fail its cast (and
    /// some that do not), so the PL/pgSQL check runs on few rows.
    static func suspect(_ type: String, _ v: String) -> String? {
        switch type {
        case "int8": return "(\(v) !~ '^\\s*[+-]?[0-9]+\\s*$' OR length(\(v)) > 18)"
        case "bool": return "lower(btrim(\(v))) NOT IN ('t','f','true','false','yes','no','y','n','on','off','1','0')"
        case "float8": return "(\(v) !~ '^\\s*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$' OR length(\(v)) > 300)"
        default: return nil
        }
    }

    /// An error naming the row, column and value that made `serverError`
    /// happen, or nil when none is found (the server's message then stands).
    func locateBadValue(_ table: String, _ types: [String: String], filtered: Bool,
                        serverError: String) -> StorageError? {
        guard let check = try? PostgresConnection(conninfo: conninfo), let q = try? check.quote(table) else { return nil }
        do {
            try check.exec("""
                CREATE FUNCTION pg_temp.gt_cast_fails(v text, source text, target text) RETURNS boolean
                LANGUAGE plpgsql AS $$
                BEGIN EXECUTE format('SELECT %L::%s::%s', v, source, target); RETURN false;
                EXCEPTION WHEN others THEN RETURN true; END $$
                """)
            for (k, type) in Self.castTargets {
                let column = Schema.interactionColumns[k]
                if types[column] == PostgresStore.canonicalTypes[k] { continue }
                let c = try check.quote(column)
                let v = "gt_v::text"
                let suspect = Self.suspect(type, v).map { $0 + " AND " } ?? ""
                let res = try check.exec("""
                    SELECT rn, gt_id::text, \(v) FROM (SELECT row_number() OVER () - 1 AS rn, id AS gt_id, \(c) AS gt_v
                    FROM \(q)) s WHERE gt_v IS NOT NULL AND \(suspect)pg_temp.gt_cast_fails(\(v), $1, $2) LIMIT 1
                    """, [types[column] ?? "text", type])
                guard res.rows == 1 else { continue }
                let id = k == 0 ? nil : res.string(0, 1)
                let row = filtered ? (id.map { "row id \($0)" } ?? "a row")
                                   : "row \(res.string(0, 0) ?? "?")" + (id.map { " (id \($0))" } ?? "")
                return StorageError("table '\(table)', \(row): \(column) '\(res.string(0, 2) ?? "")' is not "
                                    + "a \(Self.typeNames[type] ?? type) (\(serverError))")
            }
        } catch {
            return nil
        }
        return nil
    }

    static let typeNames = ["int8": "bigint", "bool": "boolean", "timestamptz": "timestamp",
                            "float8": "double precision"]
}
