// (c) The scorer fed arbitrary rows: a batch is all or nothing, finish
// never fails after a successful add, results are in range and ordered, and
// the same rows in another order and other batches, and after a reset,
// give the same numbers, bit for bit.
import GiveTakeCore

private func rate(_ v: Double?) -> Bool { v.map { $0 >= 0 && $0 <= 1 } ?? true }
private func bits(_ v: Double?) -> UInt64 { v?.bitPattern ?? 1 }  // nil != any double's bits but NaN-safe

private func same(_ a: AccountScore, _ b: AccountScore) -> Bool {
    let x: [Double?] = [a.ackRate, a.personalRate, a.appreciativeRate, a.slaRate, a.medianAckSeconds,
                        a.p90AckSeconds, a.giveRatio, a.meIndex, a.replyShare, a.channelFit, a.meanTrust,
                        a.convRateAck, a.convRateIgnored, a.conversionLift, a.valuePerAckContact, a.health]
    let y: [Double?] = [b.ackRate, b.personalRate, b.appreciativeRate, b.slaRate, b.medianAckSeconds,
                        b.p90AckSeconds, b.giveRatio, b.meIndex, b.replyShare, b.channelFit, b.meanTrust,
                        b.convRateAck, b.convRateIgnored, b.conversionLift, b.valuePerAckContact, b.health]
    return a.accountID == b.accountID && a.channel == b.channel && a.needsAck == b.needsAck && a.pending == b.pending
        && a.acknowledged == b.acknowledged && a.givePosts == b.givePosts && a.takePosts == b.takePosts
        && a.neutralPosts == b.neutralPosts && a.contacts == b.contacts
        && a.giveAttributedLeads == b.giveAttributedLeads && a.anomalies == b.anomalies
        && zip(x, y).allSatisfy { bits($0) == bits($1) }
}

private func checkRanges(_ r: ScoringResult) {
    var previous: (Int64, Int)? = nil
    for a in r.accounts {
        let key = (a.accountID, a.channel.map { Int($0.rawValue) } ?? -1)
        if let p = previous { check(p < key, "accounts out of order at \(key)") }
        previous = key
        check(a.needsAck >= 0 && a.pending >= 0 && a.acknowledged >= 0 && a.acknowledged <= a.needsAck,
              "ack counts \(a.needsAck)/\(a.acknowledged)/\(a.pending)")
        check(a.givePosts >= 0 && a.takePosts >= 0 && a.neutralPosts >= 0 && a.contacts >= 0 && a.anomalies >= 0,
              "negative count")
        check(rate(a.ackRate) && rate(a.personalRate) && rate(a.appreciativeRate) && rate(a.slaRate)
              && rate(a.giveRatio) && rate(a.replyShare) && rate(a.convRateAck) && rate(a.convRateIgnored),
              "a rate outside [0, 1] for account \(a.accountID)")
        check(a.health.map { $0 >= 0 && $0 <= 100 } ?? true, "health \(a.health!)")
        check(a.meanTrust.map { $0 >= 0 && $0 <= 100 } ?? true, "mean_trust \(a.meanTrust!)")
        for v in [a.medianAckSeconds, a.p90AckSeconds, a.meIndex, a.channelFit, a.conversionLift,
                  a.valuePerAckContact] {
            check(v.map { !$0.isNaN } ?? true, "NaN in a result for account \(a.accountID)")
        }
        if let m = a.medianAckSeconds, let p = a.p90AckSeconds { check(m <= p && m >= 0, "median \(m) > p90 \(p)") }
    }
    var prev: (Int64, Int64)? = nil
    for c in r.contacts {
        if let p = prev { check(p < (c.accountID, c.contactID), "contacts out of order") }
        prev = (c.accountID, c.contactID)
        check(c.trustScore >= 0 && c.trustScore <= 100 && !c.balance.isNaN, "contact trust \(c.trustScore)")
        check(c.acknowledged >= 0 && c.unacknowledged >= 0, "contact counts")
    }
}

func fuzzScorer(_ data: UnsafeBufferPointer<UInt8>) {
    var input = FuzzInput(data)
    var rows: [Interaction] = []
    while !input.isEmpty && rows.count < 64 { rows.append(makeInteraction(&input)) }
    // as_of: the latest row (nil) or the last row's time when it is valid.
    let asOf = data.first.map { $0 & 1 == 0 } ?? true ? nil
        : rows.last.map { $0.createdAt }.flatMap { $0 >= timeMin && $0 <= timeMax ? $0 : nil }

    var config = ScoringConfig()
    config.asOf = asOf
    let first = Scorer(config: config)
    let added = rows.withUnsafeBufferPointer { b -> Bool in (try? first.add(b)) != nil }
    // All or nothing: a rejected batch leaves the scorer empty.
    guard let a = try? first.finish() else { check(false, "finish failed"); return }
    if !added {
        check(a.rowCount == 0 && a.accounts.isEmpty, "a rejected batch left rows behind")
        return
    }
    checkRanges(a)
    // Reversed, in batches of three, then finished twice, by a scorer
    // that scored the first half before and was reset: nothing it held
    // may leak into the next run.
    let second = Scorer(config: config)
    Array(rows.prefix(rows.count / 2)).withUnsafeBufferPointer { b in _ = try? second.add(b) }
    _ = try? second.finish()
    second.reset()
    let reversed = Array(rows.reversed())
    var k = 0
    while k < reversed.count {
        let end = min(k + 3, reversed.count)
        reversed[k..<end].withUnsafeBufferPointer { b in
            do throws(GiveTakeError) { try second.add(b) } catch { check(false, "accepted rows failed: \(error.message)") }
        }
        k = end
    }
    _ = try? second.finish()
    guard let b = try? second.finish() else { check(false, "second finish failed"); return }
    check(a.asOf == b.asOf && a.rowCount == b.rowCount, "as_of/row count depend on order")
    check(a.accounts.count == b.accounts.count && zip(a.accounts, b.accounts).allSatisfy(same),
          "account results depend on row order")
    check(a.contacts.count == b.contacts.count && zip(a.contacts, b.contacts).allSatisfy {
        $0.accountID == $1.accountID && $0.contactID == $1.contactID && $0.balance.bitPattern == $1.balance.bitPattern
            && $0.trustScore == $1.trustScore && $0.acknowledged == $1.acknowledged
            && $0.unacknowledged == $1.unacknowledged && $0.lastInteractionAt == $1.lastInteractionAt
    }, "contact results depend on row order")
}
