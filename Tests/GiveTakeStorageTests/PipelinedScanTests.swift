import Testing
import GiveTakeCore
@testable import GiveTakeStorage

/// A source that emits the generator's rows and can fail after k batches.
final class FakeSource: InteractionSource {
    let rows: Int
    let failAfter: Int?
    init(rows: Int, failAfter: Int? = nil) { self.rows = rows; self.failAfter = failAfter }
    func checkTable(_ table: String) throws {}
    func scan(_ request: ScanRequest, batchSize: Int,
              _ body: (UnsafeBufferPointer<Interaction>) throws -> Void) throws -> Int {
        var batches = 0
        try SyntheticData(rows: rows).generate(batchSize: batchSize) { b in
            if let failAfter, batches == failAfter { throw StorageError("source failed") }
            try body(b)
            batches += 1
        }
        return rows
    }
}

@Suite struct PipelinedScanTests {
    @Test func deliversEveryRowInOrder() throws {
        var seen: [PlainRow] = []
        let n = try pipelinedScan(FakeSource(rows: 20000), ScanRequest(table: "t"), batchSize: 1024) {
            seen += $0.map(PlainRow.init)
        }
        #expect(n == 20000)
        #expect(seen == syntheticRows(20000))
    }

    @Test func sourceErrorsReachTheCaller() {
        #expect {
            try pipelinedScan(FakeSource(rows: 20000, failAfter: 3), ScanRequest(table: "t"), batchSize: 1024) { _ in }
        } throws: { e in "\(e)" == "source failed" }
    }

    @Test func consumerErrorsStopTheReader() {
        var calls = 0
        #expect {
            try pipelinedScan(FakeSource(rows: 50000), ScanRequest(table: "t"), batchSize: 1024) { _ in
                calls += 1
                if calls == 2 { throw StorageError("consumer failed") }
            }
        } throws: { e in "\(e)" == "consumer failed" }
        #expect(calls == 2)
    }
}
