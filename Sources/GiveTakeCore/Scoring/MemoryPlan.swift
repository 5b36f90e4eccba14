// What the scorer's state will weigh before it grows, so a host with a
// memory budget (a PostgreSQL backend, an embedding process) gets
// `.outOfMemory` with a clear message instead of an allocation the host
// cannot refuse. The plan counts reserved capacity, the transient copy of a
// growing array or table, the batch's text, and the per-row work arrays
// `finish` allocates.

extension Scorer {
    /// Work bytes per row that `finish` adds: contact, parent and direct-ack
    /// slots (12 bytes) plus an allowance for contacts, turns and times to
    /// acknowledge (at most one of each per row, amortised).
    static let finishBytesPerRow = 12 &+ 52

    /// Bytes the scorer would hold with `rowCount` rows stored, `textBytes`
    /// more bytes of names and bodies, and (when `finishing`) the work
    /// arrays of `finish`.
    public func plannedBytes(rows rowCount: Int, textBytes: Int, finishing: Bool) -> Int {
        let stride = MemoryLayout<StoredRow>.stride
        var capacity = rows.capacity
        var transient = 0
        if rowCount > capacity {
            transient = capacity &* stride  // the old buffer, while copying
            capacity = max(rowCount, capacity &* 2)
        }
        let idNow = idTable.bytesHeld, idAfter = idTable.bytesHeld(keys: rowCount)
        if idAfter > idNow { transient = max(transient, idNow) }
        var total = capacity &* stride &+ idAfter
        total &+= bodies.bytesHeld &+ names.bytesHeld &+ textBytes
        total &+= accountTable.bytesHeld &+ threadTable.bytesHeld &+ agentTable.bytesHeld
        total &+= (accountIDs.capacity &+ threadIDs.capacity &+ agentIDs.capacity &+ ingestAnomalies.capacity) &* 8
        if finishing { total &+= rowCount &* Scorer.finishBytesPerRow }
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
