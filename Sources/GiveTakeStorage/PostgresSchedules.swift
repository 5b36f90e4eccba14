// Business schedules from a PostgreSQL source: a `schedules` table in the
// interactions table's schema, else the extension's givetake.schedules.
extension PostgresStore: ScheduleTableSource {
    public func scheduleRows(besides table: String) throws -> [ScheduleRow]? {
        let schema = try pg.exec("""
            SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass($1)
            """, [try pg.quote(table)])
        var candidates: [String] = []
        if schema.rows == 1, let s = schema.string(0, 0) { candidates.append(s + ".schedules") }
        if !candidates.contains("givetake.schedules") { candidates.append("givetake.schedules") }
        for name in candidates {
            let q = try pg.quote(name)
            let types = try attributeTypes(q)
            if types.isEmpty { continue }
            try checkScheduleColumns(name, Set(types.keys))
            return try readSchedules(name, q, holidaysType: types["holidays"] ?? "")
        }
        return nil
    }

    private func readSchedules(_ name: String, _ q: String, holidaysType: String) throws -> [ScheduleRow] {
        // Dates as YYYY-MM-DD whatever the DateStyle; infinity stays a word
        // so that it is reported, not dropped. A text column is read as the
        // comma-separated list a SQLite table holds.
        let holidays: String
        switch holidaysType {
        case "date[]":
            holidays = """
                (SELECT string_agg(CASE WHEN isfinite(d) THEN to_char(d, 'YYYY-MM-DD') ELSE d::text END, ',' ORDER BY o)
                 FROM unnest(holidays) WITH ORDINALITY AS h(d, o))
                """
        case "text", "character varying": holidays = "holidays"
        default:
            throw StorageError("table \(name): column holidays is \(holidaysType), expected date[] (or text, comma-separated)")
        }
        let res = try pg.exec("""
            SELECT account_id::text, channel::text, time_zone::text, hours::text, \(holidays) FROM \(q)
            ORDER BY account_id NULLS FIRST, channel NULLS FIRST
            """)
        var rows: [ScheduleRow] = []
        for i in 0..<res.rows {
            rows.append(try ScheduleRow(table: name, number: i + 1, accountID: res.string(i, 0), channel: res.string(i, 1),
                                        timeZone: res.string(i, 2), hours: res.string(i, 3), holidays: res.string(i, 4)))
        }
        return rows
    }
}
