// Scores on a second thread while the caller's thread writes: a table
// scored in groups of accounts hands each group's result over as soon as
// it is ready, and the database (a PostgreSQL server parsing COPY rows,
// or SQLite's inserts) stores group n while group n+1 is scored, instead
// of the two taking turns. One result waits at most; semaphores order
// every hand-over, and the store is used by the caller's thread only.
import Dispatch

private final class ResultHandoff<T, R>: @unchecked Sendable {
    var slot: T?
    /// Signalled when `slot` holds a value, or once the producer is done.
    let ready = DispatchSemaphore(value: 0)
    /// Signalled when the caller has taken the value out of `slot`.
    let taken = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    var done = false
    var cancelled = false
    var failure: Error?
    /// The producer, dropped before `finished` is signalled: it must not
    /// outlive the call (`withoutActuallyEscaping` checks).
    var run: ((_ emit: (T) throws -> Void) throws -> R)?
    var result: R?
}

private struct Cancelled: Error {}

/// Runs `produce` on a background thread; each value it passes to its
/// `emit` argument is handed to `consume` on the calling thread, in order,
/// while `produce` goes on. A failure on either side stops both, and the
/// first one is rethrown; `produce`'s result is returned.
func pipelinedResults<T, R>(_ produce: (_ emit: (T) throws -> Void) throws -> R,
                            consume: (T) throws -> Void) throws -> R {
    let h = ResultHandoff<T, R>()
    return try withoutActuallyEscaping(produce) { produce in
        h.run = produce
        DispatchQueue.global().async {
            do {
                h.result = try h.run! { value in
                    if h.cancelled { throw Cancelled() }
                    h.slot = value
                    h.ready.signal()
                    h.taken.wait()
                    if h.cancelled { throw Cancelled() }
                }
            } catch is Cancelled {
            } catch {
                h.failure = error
            }
            h.run = nil
            h.done = true
            h.ready.signal()
            h.finished.signal()
        }
        var failure: Error?
        while true {
            h.ready.wait()
            // `done` is set only after the last value was taken.
            guard !h.done, let value = h.slot else { break }
            h.slot = nil
            h.taken.signal()  // the producer goes on while this one is consumed
            if failure == nil {
                do {
                    try consume(value)
                } catch {
                    failure = error
                    h.cancelled = true
                }
            }
        }
        h.finished.wait()
        if let failure { throw failure }
        if let f = h.failure { throw f }
        return h.result!
    }
}
