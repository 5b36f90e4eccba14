// Account rows between AccountScore and a reused ScoreRow, in
// Schema.accountColumns order, without a per-row array: stored rows read
// back, and computed ones loaded for printing.
import GiveTakeCore
#if canImport(Glibc)
import Glibc
#endif

extension AccountScore {
    /// Rebuilds a stored row. A real column holding an integer reads as
    /// its value; a channel that is no channel's name reads as all channels.
    init(row: ScoreRow) {
        @inline(__always) func i(_ k: Int) -> Int64 { row.kind(k) == .int ? row.int(k) : 0 }
        @inline(__always) func r(_ k: Int) -> Double? {
            switch row.kind(k) {
            case .real: return row.real(k)
            case .int: return Double(row.int(k))
            default: return nil
            }
        }
        var channel: Channel?
        if row.kind(1) == .text {
            channel = row.withText(1) { b in Channel.allCases.first { sameBytes(b, $0.name) } }
        }
        self.init(accountID: i(0), channel: channel)
        needsAck = i(2); pending = i(3); acknowledged = i(4)
        ackRate = r(5); personalRate = r(6); appreciativeRate = r(7); slaRate = r(8)
        medianAckSeconds = r(9); p90AckSeconds = r(10)
        medianAckBusinessSeconds = r(11); p90AckBusinessSeconds = r(12)
        givePosts = i(13); takePosts = i(14); neutralPosts = i(15)
        giveRatio = r(16); meIndex = r(17); replyShare = r(18); channelFit = r(19)
        contacts = i(20); meanTrust = r(21)
        convRateAck = r(22); convRateIgnored = r(23); conversionLift = r(24); valuePerAckContact = r(25)
        giveAttributedLeads = i(26); health = r(27); anomalies = i(28)
    }
}

extension ScoreRow {
    /// A row of Schema.accountColumns holding `a` and its name: the values
    /// of `a.values(names)`.
    public static func accounts() -> ScoreRow { ScoreRow(columns: Schema.accountColumns) }

    /// Sets this row (made by `accounts()`) to `a` and its name.
    public func load(_ a: AccountScore, name: String?) {
        @inline(__always) func r(_ k: Int, _ v: Double?) { if let v { set(k, real: v) } else { setNull(k) } }
        startRow()
        set(0, int: a.accountID)
        if let c = a.channel {
            let name = c.name
            set(1, text: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        } else {
            setNull(1)
        }
        set(2, int: a.needsAck); set(3, int: a.pending); set(4, int: a.acknowledged)
        r(5, a.ackRate); r(6, a.personalRate); r(7, a.appreciativeRate); r(8, a.slaRate)
        r(9, a.medianAckSeconds); r(10, a.p90AckSeconds); r(11, a.medianAckBusinessSeconds); r(12, a.p90AckBusinessSeconds)
        set(13, int: a.givePosts); set(14, int: a.takePosts); set(15, int: a.neutralPosts)
        r(16, a.giveRatio); r(17, a.meIndex); r(18, a.replyShare); r(19, a.channelFit)
        set(20, int: a.contacts); r(21, a.meanTrust)
        r(22, a.convRateAck); r(23, a.convRateIgnored); r(24, a.conversionLift); r(25, a.valuePerAckContact)
        set(26, int: a.giveAttributedLeads); r(27, a.health); set(28, int: a.anomalies)
        if let name { set(29, text: name) } else { setNull(29) }
    }
}

@inline(__always)
private func sameBytes(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
    guard b.count == s.utf8CodeUnitCount else { return false }
    guard let p = b.baseAddress else { return true }
    return memcmp(p, s.utf8Start, b.count) == 0
}
