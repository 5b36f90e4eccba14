// The hand-over between the thread that scores groups and the thread that
// writes them: every result arrives once and in order, and a failure on
// either side stops the other and is the one reported.
import Testing
@testable import GiveTakeStorage

@Suite struct PipelinedResultsTests {
    private struct Boom: Error, Equatable { let at: Int }

    @Test func everyValueArrivesInOrderAndTheProducersResultIsReturned() throws {
        var seen: [Int] = []
        let total = try pipelinedResults({ emit in
            var sum = 0
            for i in 0..<1000 { try emit(i); sum += i }
            return sum
        }, consume: { seen.append($0) })
        #expect(seen == Array(0..<1000))
        #expect(total == 499_500)
    }

    @Test func aProducerWithNothingToHandOverReturnsAtOnce() throws {
        var seen = 0
        let r = try pipelinedResults({ (_: (Int) throws -> Void) in "none" }, consume: { _ in seen += 1 })
        #expect(r == "none" && seen == 0)
    }

    @Test func aWriteFailureStopsTheProducer() {
        nonisolated(unsafe) var produced = 0
        var consumed: [Int] = []
        #expect(throws: Boom(at: 3)) {
            _ = try pipelinedResults({ emit in
                for i in 0..<1000 { produced = i; try emit(i) }
            }, consume: { v in
                if v == 3 { throw Boom(at: 3) }
                consumed.append(v)
            })
        }
        #expect(consumed == [0, 1, 2])
        // It stops within the value in hand and the one after it.
        #expect(produced <= 5, "\(produced)")
    }

    @Test func aProducerFailureIsReportedAfterWhatItHandedOver() {
        var consumed: [Int] = []
        #expect(throws: Boom(at: 7)) {
            _ = try pipelinedResults({ emit in
                for i in 0..<7 { try emit(i) }
                throw Boom(at: 7)
            }, consume: { consumed.append($0) })
        }
        #expect(consumed == Array(0..<7))
    }
}
