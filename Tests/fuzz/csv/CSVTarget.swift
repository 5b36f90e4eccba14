// (f) The CLI's twcs CSV import: any bytes are imported or refused with a
// message naming the file; records survive a write/read round trip; the
// rows it emits are well-formed and the scorer takes or refuses them
// without trapping. Built with only the sources the parser needs
// (Tests/fuzz/build.sh); FUZZ_TARGET=csv.
import GiveTakeCore
import Glibc

private func fail(_ message: String) -> Never {
    _ = ("fuzz invariant failed: " + message + "\n").withCString { fputs($0, stderr) }
    abort()
}

/// RFC 4180 writing: every field quoted, quotes doubled.
private func write(_ records: [[[UInt8]]]) -> [UInt8] {
    var out: [UInt8] = []
    for r in records {
        for (i, f) in r.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(0x22)
            for b in f { out.append(b); if b == 0x22 { out.append(0x22) } }
            out.append(0x22)
        }
        out.append(0x0A)
    }
    return out
}

private func readAll(_ bytes: [UInt8], _ source: String) throws -> [[[UInt8]]] {
    var reader = CSVReader(bytes, source: source)
    var records: [[[UInt8]]] = []
    while let r = try reader.next() { records.append(r) }
    return records
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let target = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? "csv"
    if target != "csv" { fputs("this binary has one target: csv\n", stderr); exit(2) }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Records read back the same after writing them out; a refused input
    // names the file and the line.
    do {
        let records = try readAll(bytes, "fuzz.csv")
        let again = try readAll(write(records), "rewritten.csv")
        if again != records { fail("CSV records change after a write/read round trip") }
    } catch let e as StorageError {
        if !e.message.hasPrefix("fuzz.csv: line ") { fail("CSV error without the file and line: " + e.message) }
    } catch {
        fail("unexpected error type")
    }

    // Half the inputs get the twcs header, so the fuzzer reaches the rows.
    let header = Array("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n".utf8)
    let csv = size > 0 && bytes[0] & 1 == 1 ? header + bytes[1...] : bytes
    let scorer = Scorer()
    var emitted = 0
    do {
        let summary = try TwcsImport.convert(csv: csv, source: "fuzz.csv", batchSize: 3) { rows in
            for r in rows {
                if r.channel != Int32(Channel.twitter.rawValue) { fail("channel \(r.channel)") }
                let kind = r.parentID == nil ? Kind.mention : Kind.reply
                if r.kind != Int32(kind.rawValue) { fail("kind \(r.kind) with parent \(String(describing: r.parentID))") }
                if r.accountID < 0 { fail("negative account id") }
            }
            emitted += rows.count
            try? scorer.add(rows)
        }
        if summary.rows != emitted { fail("summary says \(summary.rows) rows, \(emitted) emitted") }
        _ = try? scorer.finish()
    } catch let e as StorageError {
        if !e.message.hasPrefix("fuzz.csv: ") { fail("error without the file name: " + e.message) }
    } catch {
        fail("unexpected error type")
    }
    return 0
}
