import Testing
import GiveTakeCore
@testable import GiveTakeStorage

@Suite struct ScoreRowTests {
    @Test func loadedAccountRowsHoldTheirValues() throws {
        let result = try inProcess(3000, seed: 5)
        let names: AccountNames = [result.accounts[0].accountID: "Café Ünïcode, \"quoted\""]
        let row = ScoreRow.accounts()
        for a in result.accounts {
            row.load(a, name: names[a.accountID])
            #expect(row.values == a.values(names))
            #expect(AccountScore(row: row) == a)
        }
    }

    @Test func textsAreReusedAndInvalidUTF8IsRepairedAsByString() {
        let row = ScoreRow(columns: [("a", .text), ("b", .text), ("c", .real)])
        let bad: [UInt8] = [0x41, 0xFF, 0x42]
        for round in 0..<3 {
            row.startRow()
            bad.withUnsafeBufferPointer { row.set(0, text: $0) }
            row.set(1, text: String(repeating: "x", count: 300 + round))
            row.set(2, real: Double(round) + 0.5)
            #expect(row.values == [.text(String(decoding: bad, as: UTF8.self)),
                                   .text(String(repeating: "x", count: 300 + round)), .real(Double(round) + 0.5)])
        }
        row.set(0, text: nil)
        row.setNull(1)
        #expect(row.value(0) == .text("") && row.value(1) == .null)
    }
}
