// libFuzzer entry point over the engine: arbitrary bytes as texts, lexicon
// files and rows must never trap. Built by `make fuzz` with
// swiftc -sanitize=fuzzer,address (SwiftPM cannot build fuzz targets on Linux).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // Any bytes: validation decides, the matcher never sees invalid UTF-8.
    let check = validateUTF8(bytes)
    if check.invalidAt == nil {
        let c = Lexicon.builtin.classify(bytes)
        precondition(c.give >= 0 && c.take >= 0)
        for cue in Lexicon.builtin.explain(bytes) {
            precondition(cue.start >= 0 && cue.start < cue.end && cue.end <= size)
        }
        _ = firstNameSpan(bytes)
        _ = isPersonal(reply: bytes, authorName: bytes)
    }
    // As a lexicon file.
    let lex = Lexicon(withDefaults: false)
    if (try? lex.load(bytes)) != nil, check.invalidAt == nil {
        _ = lex.classify(bytes)
    }
    // As rows: split the input into fields.
    let scorer = Scorer()
    var rows: [Interaction] = []
    var i = 0
    while i + 24 <= size {
        func word(_ k: Int) -> Int64 {
            var v: Int64 = 0
            for j in 0..<8 { v = v << 8 | Int64(data[i + k * 8 + j]) }
            return v
        }
        let textLen = min(Int(data[i] & 31), size - i - 24)
        let text = UnsafeBufferPointer(start: data + i + 24, count: textLen)
        rows.append(Interaction(
            id: word(0) & 0xFF, accountID: Int64(data[i + 1] & 3), contactID: data[i + 2] & 1 == 0 ? Int64(data[i + 3] & 7) : nil,
            parentID: data[i + 4] & 1 == 0 ? Int64(data[i + 5]) : nil, channel: Int32(data[i + 6] % 7) - 1,
            kind: Int32(data[i + 7] % 11) - 1, inbound: data[i + 8] & 1 == 0, automated: data[i + 9] & 7 == 0,
            hasMedia: data[i + 10] & 1 == 0, createdAt: word(2) % 4_000_000_000_000_000,
            authorName: data[i + 11] & 1 == 0 ? text : nil, body: data[i + 12] & 1 == 0 ? text : nil,
            value: Double(data[i + 13])))
        i += 24 + textLen
    }
    _ = rows.withUnsafeBufferPointer { try? scorer.add($0) }
    _ = try? scorer.finish()
    return 0
}
