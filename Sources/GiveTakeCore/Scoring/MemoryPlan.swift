// What the scorer's state will weigh before it grows, so a host with a
// memory budget (a PostgreSQL backend, an embedding process) gets
// `.outOfMemory` with a clear message instead of an allocation the host
// cannot refuse. The plan counts reserved capacity, the transient copy of a
// growing table, the batch's text, and the work arrays `finish` allocates.

extension Scorer {
    /// Work bytes per row that `finish` adds at most at once: the parent
    /// slot (4) and at most 16 bytes of passing per-row arrays (the
    /// direct-ack slot with the thread link, the turn placement, or the
    /// engagement slots and times of attributed leads).
    static let finishBytesPerRow = 20
    /// Work bytes per needs-ack row (at most one turn each) at the peak of
    /// `finish`: its TurnRecord (40) and either the turn's copy while turns
    /// are put in row order (40) or its time record (32) and percentile
    /// buffers (16).
    static let finishBytesPerTurn = 88

    /// Bytes the scorer would hold with `rowCount` rows stored, `textBytes`
    /// more bytes of names and bodies, and (when `finishing`) the work
    /// arrays of `finish`. Rows live in fixed-size chunks (no copy when they
    /// grow); the id table's old slots are counted while it rehashes.
    public func plannedBytes(rows rowCount: Int, textBytes: Int, finishing: Bool) -> Int {
        var transient = 0
        let idNow = idTable.bytesHeld, idAfter = idTable.bytesHeld(keys: rowCount)
        if idAfter > idNow { transient = idNow }
        var total = RowStore.bytesHeld(rows: max(rowCount, rows.count)) &+ idAfter
        total &+= bodies.bytesHeld &+ names.bytesHeld &+ textBytes
        total &+= accountTable.bytesHeld &+ threadTable.bytesHeld &+ agentTable.bytesHeld
        total &+= contactTable.bytesHeld &+ extraTable.bytesHeld &+ extras.capacity &* MemoryLayout<RowExtra>.stride
        total &+= referenceTable.bytesHeld &+ referenceRows.capacity &* MemoryLayout<ReferenceRow>.stride
        total &+= (accountIDs.capacity &+ threadIDs.capacity &+ agentIDs.capacity &+ ingestAnomalies.capacity
                   &+ contactIDs.capacity) &* 8 &+ (contactAccounts.capacity &+ agentAccounts.capacity) &* 4
                   &+ contactChannelMask.capacity
        // The batch's interned slots (BatchSlots), while it is ingested.
        if !finishing { total &+= max(0, rowCount &- rows.count) &* MemoryLayout<BatchSlots>.stride }
        if finishing {
            total &+= rowCount &* Scorer.finishBytesPerRow &+ needsAckRows &* Scorer.finishBytesPerTurn
            // Contact states (and their channels and latest time), the
            // per-channel state of contacts on several channels, and a
            // thread-list head per thread key.
            total &+= contactIDs.count &* (MemoryLayout<ContactState>.stride &+ 9 &+ 4 &* Channel.allCases.count)
            total &+= multiChannelContacts &* MemoryLayout<ContactChannels>.stride
            total &+= threadIDs.count &* 4
            total &+= reportBytes
        }
        return total &+ transient
    }
    /// What the report at the end of `finish` holds per key, at most: per
    /// account its group counters and percentile slots for every group
    /// slot and at most one result row per slot; a result row per contact
    /// and per agent slot (named agents and one per account). Negligible
    /// for a few large accounts, it dominates a group of many small ones
    /// (about 4 KB an account), which the limit then splits.
    var reportBytes: Int {
        let agentSlots = agentIDs.count &+ accountIDs.count
        return accountIDs.count &* Scorer.reportBytesPerAccount &+ contactIDs.count &* MemoryLayout<ContactScore>.stride
            &+ agentSlots &* (MemoryLayout<AgentCounters>.stride &+ 4 &* MemoryLayout<Double?>.stride
                              &+ MemoryLayout<AgentScore>.stride)
    }

    /// The report's bytes per account (see `reportBytes`).
    public static var reportBytesPerAccount: Int {
        groupSlots &* (MemoryLayout<GroupCounters>.stride &+ 4 &* MemoryLayout<Double?>.stride
                       &+ MemoryLayout<AccountScore>.stride)
    }

    /// Throws `.outOfMemory` when the plan exceeds `memoryLimit` (0 = none).
    func checkMemory(rows rowCount: Int, textBytes: Int, finishing: Bool) throws(GiveTakeError) {
        guard memoryLimit > 0 else { return }
        let planned = plannedBytes(rows: rowCount, textBytes: textBytes, finishing: finishing)
        if planned > memoryLimit {
            throw GiveTakeError(.outOfMemory, (finishing ? "scoring " : "storing ") + decimal(rowCount)
                                + " rows needs about " + decimal(megabytes(planned)) + " MB, above the memory limit of "
                                + decimal(megabytes(memoryLimit)) + " MB")
        }
    }
}

@inline(__always) private func megabytes(_ bytes: Int) -> Int { (bytes &+ (1 << 20) &- 1) >> 20 }
