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

    public static var expectedColumnsText: String { interactionColumns.joined(separator: ", ") }

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
    ]

    enum ColumnType { case int, real, text, time }

    /// account_scores columns (spec section 7) and their kinds.
    static let accountColumns: [(String, ColumnType)] = [
        ("account_id", .int), ("channel", .text), ("needs_ack", .int), ("pending", .int),
        ("acknowledged", .int), ("ack_rate", .real), ("personal_rate", .real),
        ("appreciative_rate", .real), ("sla_rate", .real), ("median_ack_s", .real), ("p90_ack_s", .real),
        ("give_posts", .int), ("take_posts", .int), ("neutral_posts", .int), ("give_ratio", .real),
        ("me_index", .real), ("reply_share", .real), ("channel_fit", .real), ("contacts", .int),
        ("mean_trust", .real), ("conv_rate_ack", .real), ("conv_rate_ignored", .real),
        ("conversion_lift", .real), ("value_per_ack_contact", .real), ("give_attributed_leads", .int),
        ("health", .real), ("anomalies", .int),
    ]

    static let contactColumns: [(String, ColumnType)] = [
        ("account_id", .int), ("contact_id", .int), ("balance", .real), ("trust_score", .int),
        ("acknowledged", .int), ("unacknowledged", .int), ("last_interaction_at", .time),
    ]

    static func sqliteType(_ t: ColumnType) -> String {
        switch t {
        case .int: return "INTEGER"
        case .real: return "REAL"
        case .text, .time: return "TEXT"
        }
    }

    static func postgresType(_ t: ColumnType) -> String {
        switch t {
        case .int: return "bigint"
        case .real: return "double precision"
        case .text: return "text"
        case .time: return "timestamptz"
        }
    }
}

/// One value of a score row, engine-neutral.
enum ScoreValue {
    case int(Int64)
    case real(Double)
    case text(String)
    case time(Int64)
    case null
}

extension AccountScore {
    /// Values in Schema.accountColumns order.
    var values: [ScoreValue] {
        func r(_ d: Double?) -> ScoreValue { d.map { .real($0) } ?? .null }
        return [
            .int(accountID), channel.map { .text(channelName($0)) } ?? .null, .int(needsAck), .int(pending),
            .int(acknowledged), r(ackRate), r(personalRate), r(appreciativeRate), r(slaRate),
            r(medianAckSeconds), r(p90AckSeconds), .int(givePosts), .int(takePosts), .int(neutralPosts),
            r(giveRatio), r(meIndex), r(replyShare), r(channelFit), .int(contacts), r(meanTrust),
            r(convRateAck), r(convRateIgnored), r(conversionLift), r(valuePerAckContact),
            .int(giveAttributedLeads), r(health), .int(anomalies),
        ]
    }
}

extension ContactScore {
    var values: [ScoreValue] {
        [.int(accountID), .int(contactID), .real(balance), .int(Int64(trustScore)), .int(acknowledged),
         .int(unacknowledged), .time(lastInteractionAt)]
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

extension AccountScore {
    /// Rebuilds a row from values in Schema.accountColumns order.
    init(values v: [ScoreValue]) {
        func i(_ k: Int) -> Int64 { if case .int(let x) = v[k] { return x }; return 0 }
        func r(_ k: Int) -> Double? {
            switch v[k] {
            case .real(let x): return x
            case .int(let x): return Double(x)
            default: return nil
            }
        }
        var channel: Channel?
        if case .text(let name) = v[1] { channel = Channel.allCases.first { channelName($0) == name } }
        self.init(accountID: i(0), channel: channel)
        needsAck = i(2); pending = i(3); acknowledged = i(4)
        ackRate = r(5); personalRate = r(6); appreciativeRate = r(7); slaRate = r(8)
        medianAckSeconds = r(9); p90AckSeconds = r(10)
        givePosts = i(11); takePosts = i(12); neutralPosts = i(13)
        giveRatio = r(14); meIndex = r(15); replyShare = r(16); channelFit = r(17)
        contacts = i(18); meanTrust = r(19)
        convRateAck = r(20); convRateIgnored = r(21); conversionLift = r(22); valuePerAckContact = r(23)
        giveAttributedLeads = i(24); health = r(25); anomalies = i(26)
    }
}
