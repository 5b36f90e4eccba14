// What the scorer's state will weigh before it grows, so a host with a
// memory budget (a PostgreSQL backend, an embedding process) gets
// `.outOfMemory` with a clear message instead of an allocation the host
// cannot refuse. The plan counts reserved capacity, the transient copy of a
// growing table, the batch's text, and the work arrays `finish` allocates.

extension Scorer {
    /// Work bytes per row that `finish` adds: parent and direct-ack slots
    /// (8 bytes) plus an allowance for turns and times to acknowledge (at
    /// most one of each per row, amortised). Contact states are counted
    /// apart (one per interned contact).
    static let finishBytesPerRow = 8 &+ 52

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
        total &+= (accountIDs.capacity &+ threadIDs.capacity &+ agentIDs.capacity &+ ingestAnomalies.capacity
                   &+ contactIDs.capacity) &* 8 &+ (contactAccounts.capacity &+ agentAccounts.capacity) &* 4
        if finishing {
            total &+= rowCount &* Scorer.finishBytesPerRow
            total &+= contactIDs.count &* MemoryLayout<ContactState>.stride
        }
        return total &+ transient
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
