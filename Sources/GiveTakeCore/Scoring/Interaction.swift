// The input row (spec section 1) and the scoring configuration.

/// One interaction. Texts are borrowed for the duration of `Scorer.add`.
public struct Interaction {
    public var id: Int64
    public var accountID: Int64
    public var contactID: Int64?
    public var parentID: Int64?
    /// Channel code (`Channel.rawValue`); any other value is an unknown
    /// channel, counted as an anomaly.
    public var channel: Int32
    /// Kind code (`Kind.rawValue`); any other value is an unknown kind.
    public var kind: Int32
    public var inbound: Bool
    public var automated: Bool
    public var hasMedia: Bool
    /// Microseconds since the Unix epoch, UTC.
    public var createdAt: Int64
    public var authorName: UnsafeBufferPointer<UInt8>?
    public var body: UnsafeBufferPointer<UInt8>?
    public var value: Double
    /// The conversation, scoped to the account (nil = none).
    public var threadID: Int64?
    /// For an outbound row, the brand's person or bot who sent it.
    public var agentID: Int64?

    @inlinable
    public init(id: Int64, accountID: Int64, contactID: Int64? = nil, parentID: Int64? = nil,
                channel: Int32, kind: Int32, inbound: Bool, automated: Bool = false, hasMedia: Bool = false,
                createdAt: Int64, authorName: UnsafeBufferPointer<UInt8>? = nil,
                body: UnsafeBufferPointer<UInt8>? = nil, value: Double = 0,
                threadID: Int64? = nil, agentID: Int64? = nil) {
        self.id = id
        self.accountID = accountID
        self.contactID = contactID
        self.parentID = parentID
        self.channel = channel
        self.kind = kind
        self.inbound = inbound
        self.automated = automated
        self.hasMedia = hasMedia
        self.createdAt = createdAt
        self.authorName = authorName
        self.body = body
        self.value = value
        self.threadID = threadID
        self.agentID = agentID
    }
}

/// What one acknowledgement unit is (spec section 3).
public enum AckUnit: UInt8, Sendable {
    /// A customer's needs-ack rows in a thread up to the brand's answer.
    case turn = 0
    /// Every needs-ack row on its own (the v1 numbers).
    case row = 1
}

/// Microseconds bounds of years 0001..9999.
public let timeMin: Int64 = -62_135_596_800_000_000
public let timeMax: Int64 = 253_402_300_799_999_999
public let microsPerSecond: Int64 = 1_000_000

public struct ScoringConfig: Sendable {
    /// Scoring time; nil = the latest created_at of the scored rows.
    public var asOf: Int64? = nil
    /// SLA target per channel, in seconds (indexed by Channel.rawValue).
    public var slaSeconds: [Double] = [3600, 4 * 3600, 4 * 3600, 24 * 3600, 24 * 3600]
    public var halfLifeSeconds: Double = 90 * 86400
    /// ack_rate, personal_rate, sla_rate, give_ratio, me_index.
    public var healthWeights: [Double] = [0.30, 0.15, 0.15, 0.25, 0.15]
    public var giveTarget: Double = 0.8
    /// Window before a lead in which a reply to a give post attributes it.
    public var attributionWindowSeconds: Double = 30 * 86400
    public var ackUnit: AckUnit = .turn
    /// SLA clock per channel (indexed by Channel.rawValue).
    public var slaClock: [SLAClock] = [.calendar, .calendar, .calendar, .calendar, .calendar]
    /// Periods to report (spec section 7); nil = none.
    public var period: Period? = nil

    public init() {}

    /// Checks every value; returns a message naming the first bad one.
    public func validate() -> String? {
        if slaSeconds.count != Channel.allCases.count { return "sla: one target per channel is required" }
        if slaClock.count != Channel.allCases.count { return "sla clock: one clock per channel is required" }
        for (i, s) in slaSeconds.enumerated() where !(s > 0 && s < 1e12) {
            return "sla for " + string(Channel(rawValue: UInt8(i))!.name) + " must be a positive number of seconds"
        }
        if !(halfLifeSeconds > 0 && halfLifeSeconds < 1e12) { return "half_life must be a positive number of seconds" }
        if healthWeights.count != 5 { return "health weights: five weights are required" }
        for w in healthWeights where !(w >= 0 && w < 1e9) { return "health weights must be non-negative numbers" }
        if !(giveTarget > 0 && giveTarget <= 1) { return "give_target must be in (0, 1]" }
        if !(attributionWindowSeconds >= 0 && attributionWindowSeconds < 1e12) {
            return "the attribution window must be a non-negative number of seconds"
        }
        if let a = asOf, a < timeMin || a > timeMax { return "as_of is outside years 0001..9999" }
        return nil
    }
}

/// Spec section 7, one row per account (channel nil) and account x channel.
/// nil = null.
public struct AccountScore: Sendable, Equatable {
    public var accountID: Int64
    public var channel: Channel?
    public var needsAck: Int64 = 0, pending: Int64 = 0, acknowledged: Int64 = 0
    public var ackRate: Double?, personalRate: Double?, appreciativeRate: Double?, slaRate: Double?
    public var medianAckSeconds: Double?, p90AckSeconds: Double?
    /// Over business time to acknowledge (spec 3b); equal to the calendar
    /// values for accounts without a schedule (always open).
    public var medianAckBusinessSeconds: Double?, p90AckBusinessSeconds: Double?
    public var givePosts: Int64 = 0, takePosts: Int64 = 0, neutralPosts: Int64 = 0
    public var giveRatio: Double?, meIndex: Double?, replyShare: Double?, channelFit: Double?
    public var contacts: Int64 = 0
    public var meanTrust: Double?
    public var convRateAck: Double?, convRateIgnored: Double?, conversionLift: Double?
    public var valuePerAckContact: Double?
    public var giveAttributedLeads: Int64 = 0
    public var health: Double?
    public var anomalies: Int64 = 0

    public init(accountID: Int64, channel: Channel?) {
        self.accountID = accountID
        self.channel = channel
    }
}

/// Spec section 7, one row per account x contact.
public struct ContactScore: Sendable, Equatable {
    public var accountID: Int64
    public var contactID: Int64
    public var balance: Double
    public var trustScore: Int32
    public var acknowledged: Int64
    public var unacknowledged: Int64
    public var lastInteractionAt: Int64
}

public struct ScoringResult: Sendable {
    public var accounts: [AccountScore]
    public var contacts: [ContactScore]
    /// Ordered by account_id, then agent_id (nil first).
    public var agents: [AgentScore]
    public var turns: TurnTable
    /// One row per account × period when a period is configured, ordered
    /// by account_id, period_start.
    public var periods: [PeriodScore] = []
    public var asOf: Int64
    /// Rows kept after duplicates and unknown channel/kind rows were dropped.
    public var rowCount: Int
    /// Only from `Scorer.finishPart`, which leaves `accounts`, `agents` and
    /// `periods` empty: their counts, to merge with the other parts'.
    public var totals: ScoreTotals?

    public init(accounts: [AccountScore], contacts: [ContactScore], agents: [AgentScore] = [],
                turns: TurnTable = TurnTable(), asOf: Int64, rowCount: Int) {
        self.accounts = accounts
        self.contacts = contacts
        self.agents = agents
        self.turns = turns
        self.asOf = asOf
        self.rowCount = rowCount
    }
}

/// Spec section 7, one row per account × period: every account column
/// except contacts and mean_trust (0 and nil in `score`).
public struct PeriodScore: Sendable, Equatable {
    /// The period's first local date, as days since 1970-01-01.
    public var periodStart: Int64
    public var score: AccountScore

    public init(periodStart: Int64, score: AccountScore) {
        self.periodStart = periodStart
        self.score = score
    }
}
