// Reads on a second thread while the caller's thread scores: the source
// decodes batch n+1 while Scorer.add works on batch n (two cores, about
// a third less wall time). Two batches circulate between the threads;
// semaphores order every hand-over, so no batch is touched by both.
import Dispatch
import GiveTakeCore

private final class Handoff: @unchecked Sendable {
    let slots: [InteractionBatch]
    let free: DispatchSemaphore
    let ready = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    var produced = 0
    var done = false
    var failure: Error?
    var cancelled = false

    init(batchSize: Int, depth: Int) {
        slots = (0..<depth).map { _ in InteractionBatch(capacity: batchSize) }
        // Start at 0 and signal up: libdispatch traps when a semaphore is
        // freed with a value below its initial one.
        free = DispatchSemaphore(value: 0)
        for _ in 0..<depth { free.signal() }
    }

    /// The reader's next batch, emptied, once the caller gave it back.
    func nextFreeSlot() throws -> InteractionBatch {
        free.wait()
        if cancelled { throw Cancelled() }
        let slot = slots[produced % slots.count]
        slot.removeAll()
        return slot
    }

    /// Hands the slot just filled to the caller.
    func handOver() {
        produced += 1
        ready.signal()
    }
}

private struct Cancelled: Error {}

/// Like `source.scan`, with reading on a background thread. `body` runs on
/// the calling thread, in order. Returns the row count.
@discardableResult
public func pipelinedScan(_ source: InteractionSource, _ request: ScanRequest, batchSize: Int,
                          _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) throws -> Int {
    let depth = 2
    let h = Handoff(batchSize: batchSize, depth: depth)
    nonisolated(unsafe) let src = source
    DispatchQueue.global().async {
        do {
            if let direct = src as? BatchSource {
                _ = try direct.scanBatches(request, next: h.nextFreeSlot, emit: { _ in h.handOver() })
            } else {
                try src.scan(request, batchSize: batchSize) { rows in
                    let slot = try h.nextFreeSlot()
                    for r in rows { slot.append(r, author: r.authorName, body: r.body) }
                    h.handOver()
                }
            }
        } catch is Cancelled {
        } catch {
            h.failure = error
        }
        h.done = true
        h.ready.signal()
        h.finished.signal()
    }
    var consumed = 0
    var rows = 0
    var failure: Error?
    while true {
        h.ready.wait()
        // `done` is set only after the last batch was signalled, so every
        // batch before it has been consumed when this is seen.
        if consumed == h.produced && h.done { break }
        let slot = h.slots[consumed % depth]
        if failure == nil {
            do {
                try slot.withRows(body)
                rows += slot.count
            } catch {
                failure = error
                h.cancelled = true
            }
        }
        consumed += 1
        h.free.signal()
    }
    h.finished.wait()
    if let failure { throw failure }
    if let f = h.failure { throw f }
    return rows
}
