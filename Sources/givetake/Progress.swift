// A progress bar on stderr, drawn only when stderr is a terminal (so logs
// and pipes stay clean), at most ten times a second.
#if CLI  // the CLI trait (Package.swift)
import GiveTakeStorage
#if canImport(Glibc)
import Glibc
#endif

final class Progress {
    let label: String
    let total: Int?
    let enabled: Bool
    private let clock = Stopwatch()
    private var lastDraw = -1.0
    private var drawn = false

    init(label: String, total: Int?, enabled: Bool) {
        self.label = label
        self.total = total.flatMap { $0 > 0 ? $0 : nil }
        self.enabled = enabled && isatty(2) != 0
    }

    func update(_ rows: Int) {
        guard enabled else { return }
        let now = clock.seconds
        if now - lastDraw < 0.1 { return }
        lastDraw = now
        var line = "\r\(label) "
        if let total {
            let f = min(1, Double(rows) / Double(total))
            let width = 24
            let filled = Int(f * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += fixed(f * 100, 0) + "% "
        }
        line += grouped(rows) + " rows"
        if now > 0.2 { line += "  " + rate(Double(rows) / now) }
        writeStderr(line + "\u{1B}[K")
        drawn = true
    }

    /// A phase without a count ("computing scores").
    func show(_ text: String) {
        guard enabled else { return }
        writeStderr("\r" + text + "...\u{1B}[K")
        drawn = true
    }

    func finish() {
        if drawn { writeStderr("\r\u{1B}[K") }
        drawn = false
    }
}

struct Stopwatch {
    private let start = Stopwatch.now()
    var seconds: Double { Stopwatch.now() - start }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
#endif
