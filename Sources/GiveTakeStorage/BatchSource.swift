// The one scan loop behind both stores: a cursor steps through the rows
// its query returns and decodes each straight into a batch (no copy of a
// row between the database's buffer and the batch arena); full batches,
// and the last partial one, go back to the caller.
import GiveTakeCore

/// A source that decodes straight into batches it is handed (both stores):
/// pipelinedScan fills its own batches this way, saving a copy of every
/// row, and the plain scan is one batch refilled.
public protocol BatchSource: InteractionSource {
    /// `next` hands out an empty batch to fill; `emit` gives it back full
    /// (or, at the end, partly filled). Returns the row count.
    func scanBatches(_ request: ScanRequest, next: () throws -> InteractionBatch,
                     emit: (InteractionBatch) throws -> Void) throws -> Int
}

extension BatchSource {
    /// The plain scan: one batch, refilled and handed to `body` each time.
    @discardableResult
    public func scan(_ request: ScanRequest, batchSize: Int,
                     _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) throws -> Int {
        let batch = InteractionBatch(capacity: batchSize)
        return try scanBatches(request, next: { batch.removeAll(); return batch },
                               emit: { try $0.withRows(body) })
    }
}

/// A query's result, read one row at a time.
protocol RowCursor {
    /// Moves to the next row; false when there is none left.
    mutating func advance() throws -> Bool
    /// Appends the current row to `batch`; `row` is its position in the
    /// scan (from 0), for messages.
    mutating func decode(into batch: InteractionBatch, row: Int) throws
}

/// Fills batches from `cursor` until it ends. A batch is asked for only
/// when a row arrives for it, so the pipelined reader never waits for a
/// slot it will not fill. Returns the row count.
func fillBatches<C: RowCursor>(from cursor: inout C, next: () throws -> InteractionBatch,
                               emit: (InteractionBatch) throws -> Void) throws -> Int {
    var total = 0
    var batch: InteractionBatch?
    while try cursor.advance() {
        let current = try batch ?? next()
        batch = current
        try cursor.decode(into: current, row: total &+ current.count)
        if current.isFull {
            total &+= current.count
            try emit(current)
            batch = nil
        }
    }
    if let batch, !batch.isEmpty {
        total &+= batch.count
        try emit(batch)
    }
    return total
}
