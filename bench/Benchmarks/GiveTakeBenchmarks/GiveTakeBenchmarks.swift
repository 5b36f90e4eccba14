// GiveTake microbenchmarks (ordo-one/package-benchmark): classify, explain,
// scoring with and without text, C ABI call overhead, lexicon build.
// Throughput is "scaled iterations per second"; each benchmark's name says
// what one iteration is, so MB/s = throughput x bytes per iteration.
// Regressions are checked against Thresholds/ (see bench/README.md).
import Benchmark
import CGiveTakeBench
import GiveTakeCore

let benchmarks: @Sendable () -> Void = {
    // Tolerances before a change counts as a regression (shared machines).
    let tolerance: [BenchmarkMetric: BenchmarkThresholds] = [
        .wallClock: .init(relative: [.p50: 15.0, .p90: 25.0]),
        .throughput: .init(relative: [.p50: 15.0, .p90: 25.0]),
        .mallocCountTotal: .init(relative: [.p90: 5.0], absolute: [.p90: 10]),
    ]
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 10_000,
        thresholds: tolerance
    )

    let posts = shortPosts(1000)
    let corpusBytes = posts.reduce(0) { $0 + $1.count }
    let lexicon = Lexicon.builtin

    // ---- classification

    Benchmark("classify: 1000 short posts (\(corpusBytes) bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            for p in posts {
                p.withUnsafeBufferPointer { blackHole(lexicon.classify($0)) }
            }
        }
    }

    Benchmark("explain: 1000 short posts (\(corpusBytes) bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            for p in posts {
                p.withUnsafeBufferPointer { blackHole(lexicon.explain($0)) }
            }
        }
    }

    // ---- scoring

    for withText in [true, false] {
        let arena = TextArena(capacity: 1 << 20)
        let rows = syntheticRows(100_000, withText: withText, arena: arena)
        Benchmark("scorer: 100k rows \(withText ? "with" : "without") text",
                  configuration: .init(maxDuration: .seconds(5), maxIterations: 200)) { benchmark in
            for _ in benchmark.scaledIterations {
                let scorer = Scorer()
                rows.withUnsafeBufferPointer { try! scorer.add($0) }
                blackHole(try! scorer.finish())
            }
            blackHole(arena)
        }
    }

    // ---- the C ABI

    Benchmark("C call: gt_version_number", configuration: .init(scalingFactor: .mega)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(gt_version_number())
        }
    }

    Benchmark("C call: gt_classify, 2-byte text", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var out = gt_classification()
        for _ in benchmark.scaledIterations {
            blackHole(gt_classify(&out, nil, "hi", 2))
        }
    }

    let cTexts: [gt_text] = posts.map { p in
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: p.count)
        p.withUnsafeBytes { copy.initialize(from: $0.bindMemory(to: CChar.self).baseAddress!, count: p.count) }
        return gt_text(ptr: UnsafePointer(copy), len: p.count)
    }
    Benchmark("C call: gt_classify_batch, 1000 short posts (\(corpusBytes) bytes)") { benchmark in
        var out = [gt_classification](repeating: gt_classification(), count: cTexts.count)
        var bad = 0
        for _ in benchmark.scaledIterations {
            blackHole(gt_classify_batch(&out, &bad, nil, cTexts, cTexts.count))
        }
    }

    // ---- lexicon

    Benchmark("lexicon build: built-in (\(lexicon.entries.count) cues)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Lexicon(withDefaults: true))
        }
    }
}
