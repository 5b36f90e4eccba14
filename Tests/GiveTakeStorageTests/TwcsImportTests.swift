import Testing
import GiveTakeCore
@testable import GiveTakeStorage

@Suite struct TwcsImportTests {
    /// shared/ sits beside the repository (as on CI), or beside a
    /// directory above it (a git worktree checked out in a subdirectory).
    static let sample: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        let first = parts.joined(separator: "/") + "/shared/data/twcs_sample.csv"
        while !parts.isEmpty {
            let candidate = parts.joined(separator: "/") + "/shared/data/twcs_sample.csv"
            if access(candidate, R_OK) == 0 { return candidate }
            parts.removeLast()
        }
        return first
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

    @Test func outOfRangeTimeIsRefusedNotOverflowed() {
        let header = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        for bad in ["Tue Oct 1 2:0:4 +0000 2172017", "Tue Oct 99 22:10:47 +0000 2017", "Tue Oct 31 25:10:47 +0000 2017",
                    "Tue Oct 31 22:10:47 *0000 2017"] {
            #expect {
                _ = try TwcsImport.convert(csv: Array((header + "1,a,False,\(bad),hi,,\n").utf8), source: "t.csv") { _ in }
            } throws: { e in
                "\(e)".contains("t.csv: line 2 (tweet 1): created_at")
            }
        }
    }

    @Test func missingColumnIsNamed() {
        #expect {
            _ = try TwcsImport.convert(csv: Array("tweet_id,author_id\n1,2\n".utf8), source: "f.csv") { _ in }
        } throws: { e in
            "\(e)".contains("f.csv: no column 'inbound'")
        }
    }

    static let header = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"

    @Test func anUnterminatedQuoteNamesItsLine() {
        let csv = Array((Self.header + "1,ana,True,Tue Oct 31 22:10:47 +0000 2017,@Brand hi,,\n"
                         + "2,ana,True,Tue Oct 31 22:10:47 +0000 2017,\"@Brand it broke\nagain,,\n"
                         + "3,ana,True,Tue Oct 31 22:10:47 +0000 2017,@Brand hi,,\n").utf8)
        #expect {
            _ = try TwcsImport.convert(csv: csv, source: "q.csv") { _ in }
        } throws: { e in
            "\(e)".hasPrefix("q.csv: line 3: unterminated quote")
        }
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let csv = [0xEF, 0xBB, 0xBF] + Array((Self.header + "1,ana,True,Tue Oct 31 22:10:47 +0000 2017,@Brand hi,,\n").utf8)
        var rows: [PlainRow] = []
        let s = try TwcsImport.convert(csv: csv, source: "bom.csv") { rows += $0.map(PlainRow.init) }
        #expect(s.rows == 1 && rows.first?.id == 1 && rows.first?.body == Array("@Brand hi".utf8))
    }

    @Test func invalidUTF8IsRejectedAtImportWithItsLine() {
        let csv = Array((Self.header + "1,ana,True,Tue Oct 31 22:10:47 +0000 2017,\"multi\nline\",,\n"
                         + "2,ana,True,Tue Oct 31 22:10:47 +0000 2017,caf").utf8) + [0xE9] + Array(",,\n".utf8)
        #expect {
            _ = try TwcsImport.convert(csv: csv, source: "l1.csv") { _ in }
        } throws: { e in
            "\(e)" == "l1.csv: line 4 (tweet 2): text is not valid UTF-8 (byte 3 of the field); convert the file to UTF-8 first"
        }
    }

    @Test func fieldsThatDoNotFitAreErrorsNotGuesses() {
        let t = "Tue Oct 31 22:10:47 +0000 2017"
        let cases: [(String, String)] = [
            ("1,ana,maybe,\(t),hi,,", "l.csv: line 2 (tweet 1): inbound 'maybe' is not True or False"),
            ("1,ana,True,\(t),hi,,abc", "l.csv: line 2 (tweet 1): in_response_to_tweet_id 'abc' is not a tweet id"),
            ("1,ana,True,\(t),hi,\"2,x\",", "l.csv: line 2 (tweet 1): response_tweet_id '2,x' is not a list of tweet ids"),
            ("1,ana,True,Tue Oct 31 22:10:47 +0000 99999999999999,hi,,",
             "l.csv: line 2 (tweet 1): created_at 'Tue Oct 31 22:10:47 +0000 99999999999999' is not like"),
            ("1,ana,True,Tue Oct 99 22:10:47 +0000 2017,hi,,", "l.csv: line 2 (tweet 1): created_at 'Tue Oct 99"),
        ]
        for (record, message) in cases {
            #expect {
                _ = try TwcsImport.convert(csv: Array((Self.header + record + "\n").utf8), source: "l.csv") { _ in }
            } throws: { e in
                "\(e)".hasPrefix(message)
            }
        }
    }

    @Test func aShortRecordNamesItsLineAndFieldCount() {
        let csv = Array((Self.header + "\n1,ana,True\n").utf8)
        #expect {
            _ = try TwcsImport.convert(csv: csv, source: "s.csv") { _ in }
        } throws: { e in
            "\(e)" == "s.csv: line 3: 3 fields, the header has 7"
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
