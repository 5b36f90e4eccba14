// libFuzzer entry point of the engine fuzzers. One binary, several
// targets: FUZZ_TARGET picks one (classify, lexicon, scorer, abi, ackhist, time,
// tzif).
// Built by Tests/fuzz/build.sh with swiftc -sanitize=fuzzer,address
// (SwiftPM cannot build libFuzzer targets on Linux).
import Glibc

private let target: (UnsafeBufferPointer<UInt8>) -> Void = {
    let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    switch name {
    case "classify": return fuzzClassify
    case "lexicon": return fuzzLexicon
    case "scorer": return fuzzScorer
    case "abi": return fuzzABI
    case "ackhist": return fuzzAckHist
    case "time": return fuzzTime
    case "tzif": return fuzzTZif
    default:
        fputs("FUZZ_TARGET must be one of: classify lexicon scorer abi ackhist time tzif\n", stderr)
        exit(2)
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target(UnsafeBufferPointer(start: data, count: size))
    return 0
}
