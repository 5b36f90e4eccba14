import Testing
import GiveTakeCore
@testable import GiveTakeStorage

@Suite struct TwcsImportTests {
    /// shared/ sits beside the repository (as on CI).
    static let sample: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        let beside = parts.joined(separator: "/") + "/shared/data/twcs_sample.csv"
        // A git worktree sits one level deeper.
        return access(beside, R_OK) == 0 ? beside : "/work/shared/data/twcs_sample.csv"
    }()

    @Test func mapsTheSampleAsSpecSection8() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("t.db"), create: true)
        let csv = try readBytes(Self.sample)
        var rows: [PlainRow] = []
        let summary = try TwcsImport.convert(csv: csv, source: "sample") { rows += $0.map(PlainRow.init) }
        #expect(summary.rows + summary.skipped == 93)  // 93 records (some cells span lines)
        #expect(summary.rows == rows.count && summary.brands > 5)
        let apple = TwcsImport.brandID("applesupport".utf8)
        #expect(apple == TwcsImport.brandID("AppleSupport".utf8) && apple > 0)
        #expect(rows.contains { $0.account == apple && !$0.inbound })
        // Customer tweets carry the customer as contact; replies have a parent.
        #expect(rows.filter(\.inbound).allSatisfy { $0.contact != nil })
        #expect(rows.allSatisfy { ($0.parent != nil) == ($0.kind == Int32(Kind.reply.rawValue)) })
        #expect(rows.allSatisfy { $0.channel == Int32(Channel.twitter.rawValue) })
        // The first row: tweet 119237, Wed Oct 11 06:55:44 +0000 2017, to AppleSupport.
        let first = try #require(rows.first { $0.id == 119237 })
        #expect(first.createdAt == 1_507_704_944_000_000)
        #expect(first.account == apple && first.inbound && first.contact == 105834)
        // Loads and scores.
        try store.inTransaction {
            try store.createInteractionsTable("interactions", replace: true)
            _ = try TwcsImport.convert(csv: csv, source: "sample") { try store.insert("interactions", $0) }
        }
        let out = try ScoringJob().run(store)
        #expect(out.accounts.contains { $0.channel == nil && $0.acknowledged > 0 })
    }

    @Test func quotedMultiLineCellsAndPandasIDs() throws {
        let csv = Array("""
            ,index,tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
            0,1,10,555,True,Tue Oct 31 22:10:47 +0000 2017,"@SpotifyCares hi,
            ""quoted"" line",11,
            1,2,11,SpotifyCares,False,Tue Oct 31 22:12:47 +0000 2017,@555 Thanks!,,10.0

            """.utf8)
        var rows: [PlainRow] = []
        let s = try TwcsImport.convert(csv: csv, source: "x") { rows += $0.map(PlainRow.init) }
        #expect(s.rows == 2 && s.skipped == 0)
        #expect(rows[0].body == Array("@SpotifyCares hi,\n\"quoted\" line".utf8))
        #expect(rows[1].parent == 10 && rows[1].contact == 555)
        #expect(rows[0].account == rows[1].account)
    }

    @Test func missingColumnIsNamed() {
        #expect {
            _ = try TwcsImport.convert(csv: Array("tweet_id,author_id\n1,2\n".utf8), source: "f.csv") { _ in }
        } throws: { e in
            "\(e)".contains("f.csv: no column 'inbound'")
        }
    }
}

func readBytes(_ path: String) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else { throw StorageError("cannot open \(path)") }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buf.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n == 0 { break }
        out += buf[0..<n]
    }
    return out
}

#if canImport(Glibc)
import Glibc
#endif
