// The canonical interactions table (spec section 1) and the score tables
// (spec section 7), as column lists shared by both engines.

import GiveTakeCore

public enum Schema {
    /// Interaction columns in the order every adapter selects them.
    public static let interactionColumns = [
        "id", "account_id", "contact_id", "parent_id", "channel", "kind", "inbound", "automated",
        "has_media", "created_at", "author_name", "body", "value",
    ]

    /// ORDER BY expression putting all-channel rows first, then channels
    /// in code order, as the engine reports them.
    static let channelOrder = "CASE channel WHEN 'twitter' THEN 0 WHEN 'facebook' THEN 1 WHEN 'instagram' THEN 2 "
        + "WHEN 'linkedin' THEN 3 WHEN 'other' THEN 4 ELSE -1 END"

    /// The channels' names as an SQL list: 'twitter', 'facebook', ...
    static let channelNameList = Channel.allCases.map { "'" + channelName($0) + "'" }.joined(separator: ", ")

    /// Optional interaction columns (a source without them reads as all
    /// NULL): the conversation and the brand's sender.
    public static let optionalInteractionColumns = ["thread_id", "agent_id"]

    public static var expectedColumnsText: String {
        interactionColumns.joined(separator: ", ") + " (optional: " + optionalInteractionColumns.joined(separator: ", ")
            + ", account_name)"
    }

    /// Throws naming what is wrong when `table` (in the database shown as
    /// `location`) does not exist or lacks a required interaction column.
    static func checkInteractionTable(_ table: String, in location: String, exists: Bool,
                                      has: (String) -> Bool) throws {
        if !exists {
            throw StorageError("no table '\(table)' in \(location) (expected a table with columns: "
                               + expectedColumnsText + ")")
        }
        let missing = interactionColumns.filter { !has($0) }
        if !missing.isEmpty {
            throw StorageError("table '\(table)' in \(location) has no column "
                               + missing.map { "'\($0)'" }.joined(separator: ", ")
                               + " (expected columns: " + expectedColumnsText + ")")
        }
    }

    /// (name, SQLite type, PostgreSQL type).
    static let interactionDDL: [(String, String, String)] = [
        ("id", "INTEGER NOT NULL", "bigint NOT NULL"),
        ("account_id", "INTEGER NOT NULL", "bigint NOT NULL"),
        ("contact_id", "INTEGER", "bigint"),
        ("parent_id", "INTEGER", "bigint"),
        ("channel", "TEXT NOT NULL", "text NOT NULL"),
        ("kind", "TEXT NOT NULL", "text NOT NULL"),
        ("inbound", "INTEGER NOT NULL DEFAULT 0", "boolean NOT NULL DEFAULT false"),
        ("automated", "INTEGER NOT NULL DEFAULT 0", "boolean NOT NULL DEFAULT false"),
        ("has_media", "INTEGER NOT NULL DEFAULT 0", "boolean NOT NULL DEFAULT false"),
        ("created_at", "TEXT NOT NULL", "timestamptz NOT NULL"),
        ("author_name", "TEXT", "text"),
        ("body", "TEXT", "text"),
        ("value", "REAL NOT NULL DEFAULT 0", "double precision NOT NULL DEFAULT 0"),
        ("thread_id", "INTEGER", "bigint"),
        ("agent_id", "INTEGER", "bigint"),
    ]

    /// Score table column types. `int32` is PostgreSQL integer (trust_score),
    /// `bool` PostgreSQL boolean; SQLite stores both as INTEGER.
    public enum ColumnType: Sendable { case int, int32, real, text, time, bool, date }

    /// The score tables, in the one definition both the CLI and the
    /// PostgreSQL extension use: the extension creates its tables from the
    /// result types of score_accounts/score_contacts/score_turns/
    /// score_agents, which list these columns with these types (checked by
    /// Tests/cli/pg.sh, which writes with each into tables the other made).
    /// Optional extras (account_name) come last.
    public static let scoreTables: [(String, [(String, ColumnType)])] = [
        ("account_scores", accountColumns), ("contact_scores", contactColumns),
        ("turn_scores", turnColumns), ("agent_scores", agentColumns),
    ]

    /// account_scores columns (spec section 7) and their kinds.
    public static let accountColumns: [(String, ColumnType)] = [
        ("account_id", .int), ("channel", .text), ("needs_ack", .int), ("pending", .int),
        ("acknowledged", .int), ("ack_rate", .real), ("personal_rate", .real),
        ("appreciative_rate", .real), ("sla_rate", .real), ("median_ack_s", .real), ("p90_ack_s", .real),
        ("median_ack_business_s", .real), ("p90_ack_business_s", .real), ("give_posts", .int), ("take_posts", .int), ("neutral_posts", .int), ("give_ratio", .real),
        ("me_index", .real), ("reply_share", .real), ("channel_fit", .real), ("contacts", .int),
        ("mean_trust", .real), ("conv_rate_ack", .real), ("conv_rate_ignored", .real),
        ("conversion_lift", .real), ("value_per_ack_contact", .real), ("give_attributed_leads", .int),
        ("health", .real), ("anomalies", .int), ("account_name", .text),
    ]

    public static let contactColumns: [(String, ColumnType)] = [
        ("account_id", .int), ("contact_id", .int), ("balance", .real), ("trust_score", .int32),
        ("acknowledged", .int), ("unacknowledged", .int), ("last_interaction_at", .time),
    ]

    public static let turnColumns: [(String, ColumnType)] = [
        ("account_id", .int), ("turn_id", .int), ("thread_id", .int), ("contact_id", .int), ("channel", .text),
        ("started_at", .time), ("inbound_rows", .int), ("status", .text), ("first_ack_id", .int),
        ("agent_id", .int), ("time_to_ack_s", .real), ("business_time_to_ack_s", .real), ("personal", .bool),
        ("appreciative", .bool), ("within_sla", .bool), ("due_at", .time), ("account_name", .text),
    ]

    public static let agentColumns: [(String, ColumnType)] = [
        ("account_id", .int), ("agent_id", .int), ("acknowledged", .int), ("median_ack_s", .real),
        ("p90_ack_s", .real), ("median_ack_business_s", .real), ("p90_ack_business_s", .real),
        ("personal_rate", .real), ("appreciative_rate", .real), ("sla_rate", .real), ("give_posts", .int),
        ("take_posts", .int), ("give_ratio", .real), ("me_index", .real), ("account_name", .text),
    ]

    /// period_scores (written by `score --period`): the columns of
    /// givetake.score_periods, period_start a local date (YYYY-MM-DD).
    public static let periodColumns: [(String, ColumnType)] = [
        ("account_id", .int), ("period_start", .date), ("needs_ack", .int), ("pending", .int),
        ("acknowledged", .int), ("ack_rate", .real), ("personal_rate", .real),
        ("appreciative_rate", .real), ("sla_rate", .real), ("median_ack_s", .real), ("p90_ack_s", .real),
        ("median_ack_business_s", .real), ("p90_ack_business_s", .real), ("give_posts", .int),
        ("take_posts", .int), ("neutral_posts", .int), ("give_ratio", .real), ("me_index", .real),
        ("reply_share", .real), ("channel_fit", .real), ("conv_rate_ack", .real), ("conv_rate_ignored", .real),
        ("conversion_lift", .real), ("value_per_ack_contact", .real), ("give_attributed_leads", .int),
        ("health", .real), ("anomalies", .int), ("account_name", .text),
    ]

    /// <prefix>score_state: one row, the ScoreState of the last run.
    static let stateColumns: [(String, ColumnType)] = [
        ("table_name", .text), ("max_id", .int), ("rows_up_to_max_id", .int), ("as_of", .int), ("config_key", .text),
    ]

    public static func columns(of table: String) -> [(String, ColumnType)] {
        if table == "period_scores" { return periodColumns }
        return scoreTables.first { $0.0 == table }?.1 ?? []
    }

    static func sqliteType(_ t: ColumnType) -> String {
        switch t {
        case .int, .int32, .bool: return "INTEGER"
        case .real: return "REAL"
        case .text, .time, .date: return "TEXT"
        }
    }

    /// The type as format_type prints it (which CREATE TABLE also takes),
    /// so a column's catalog type can be compared with it.
    static func postgresType(_ t: ColumnType) -> String {
        switch t {
        case .int: return "bigint"
        case .int32: return "integer"
        case .bool: return "boolean"
        case .real: return "double precision"
        case .text: return "text"
        case .time: return "timestamp with time zone"
        case .date: return "date"
        }
    }
}

/// One value of a score row, engine-neutral.
public enum ScoreValue: Sendable, Equatable {
    case int(Int64)
    case real(Double)
    case text(String)
    case time(Int64)
    case bool(Bool)
    case null
}

/// Account display names by account_id (from the source; may be empty).
public typealias AccountNames = [Int64: String]

@inline(__always) private func r(_ d: Double?) -> ScoreValue { d.map { .real($0) } ?? .null }
@inline(__always) private func i(_ v: Int64?) -> ScoreValue { v.map { .int($0) } ?? .null }
@inline(__always) private func name(_ names: AccountNames, _ id: Int64) -> ScoreValue {
    names[id].map { .text($0) } ?? .null
}

extension AccountScore {
    /// Values in Schema.accountColumns order.
    public func values(_ names: AccountNames) -> [ScoreValue] {
        [
            .int(accountID), channel.map { .text(channelName($0)) } ?? .null, .int(needsAck), .int(pending),
            .int(acknowledged), r(ackRate), r(personalRate), r(appreciativeRate), r(slaRate),
            r(medianAckSeconds), r(p90AckSeconds), r(medianAckBusinessSeconds), r(p90AckBusinessSeconds),
            .int(givePosts), .int(takePosts), .int(neutralPosts),
            r(giveRatio), r(meIndex), r(replyShare), r(channelFit), .int(contacts), r(meanTrust),
            r(convRateAck), r(convRateIgnored), r(conversionLift), r(valuePerAckContact),
            .int(giveAttributedLeads), r(health), .int(anomalies), name(names, accountID),
        ]
    }
}

/// A day number as YYYY-MM-DD.
public func dateText(_ day: Int64) -> String {
    let c = civilDate(day: day)
    func pad(_ v: Int64, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
    return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
}

extension PeriodScore {
    /// Values in Schema.periodColumns order.
    public func values(_ names: AccountNames) -> [ScoreValue] {
        let a = score
        return [
            .int(a.accountID), .text(dateText(periodStart)), .int(a.needsAck), .int(a.pending),
            .int(a.acknowledged), r(a.ackRate), r(a.personalRate), r(a.appreciativeRate), r(a.slaRate),
            r(a.medianAckSeconds), r(a.p90AckSeconds), r(a.medianAckBusinessSeconds), r(a.p90AckBusinessSeconds),
            .int(a.givePosts), .int(a.takePosts), .int(a.neutralPosts), r(a.giveRatio), r(a.meIndex),
            r(a.replyShare), r(a.channelFit), r(a.convRateAck), r(a.convRateIgnored), r(a.conversionLift),
            r(a.valuePerAckContact), .int(a.giveAttributedLeads), r(a.health), .int(a.anomalies),
            name(names, a.accountID),
        ]
    }
}

extension AgentScore {
    /// Values in Schema.agentColumns order.
    public func values(_ names: AccountNames) -> [ScoreValue] {
        [
            .int(accountID), i(agentID), .int(acknowledged), r(medianAckSeconds), r(p90AckSeconds),
            r(medianAckBusinessSeconds), r(p90AckBusinessSeconds), r(personalRate), r(appreciativeRate),
            r(slaRate), .int(givePosts), .int(takePosts), r(giveRatio), r(meIndex), name(names, accountID),
        ]
    }
}

public func channelName(_ c: Channel) -> String { string(c.name) }
public func kindName(_ k: Kind) -> String { string(k.name) }

func string(_ s: StaticString) -> String {
    String(decoding: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), as: UTF8.self)
}

/// "crm.interactions" -> ["crm", "interactions"]; a plain name -> [name].
func identifierParts(_ name: String) -> [String] {
    name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
}

/// The table `name` in the schema of `table`: ("crm.interactions",
/// "accounts") -> "crm.accounts"; a plain table -> `name`.
func tableBeside(_ table: String, named name: String) -> String {
    let parts = identifierParts(table)
    return parts.count == 2 ? parts[0] + "." + name : name
}
