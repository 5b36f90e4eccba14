// givetake classify / explain / lexicon: the give-or-take classifier on
// single texts, and the lexicon it uses.
#if CLI  // the CLI trait (Package.swift): needs swift-argument-parser
import ArgumentParser
import GiveTakeCore
import GiveTakeStorage
#if canImport(Glibc)
import Glibc
#endif

struct LexiconOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Lexicon file (phrase<TAB>category<TAB>weight lines) extending the built-in one.",
                               valueName: "file"))
    var lexicon: String?

    @Flag(name: .customLong("no-default-lexicon"), help: "Start from an empty lexicon instead of the built-in one.")
    var noDefaultLexicon = false

    func load() throws -> Lexicon { try makeLexicon(path: lexicon, defaults: !noDefaultLexicon).0 }
}

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify texts as give, take or neutral.",
        discussion: """
            Prints label<TAB>give_score<TAB>take_score. With '-' or no TEXT, classifies each \
            line of standard input and appends the text as a fourth column.
            """)

    @Argument(help: ArgumentHelp("The text, or '-' to read lines from standard input.", valueName: "text"))
    var text: String?

    @OptionGroup var lexicon: LexiconOptions

    @Flag(name: .shortAndLong, help: "Accepted for every command; this one writes nothing to stderr but errors.")
    var quiet = false

    func run() throws {
        let lex = try lexicon.load()
        if let text, text != "-" {
            print(line(lex, Array(text.utf8), withText: false))
            return
        }
        while let l = readLine(strippingNewline: true) {
            print(line(lex, Array(l.utf8), withText: true))
        }
    }

    private func line(_ lex: Lexicon, _ bytes: [UInt8], withText: Bool) -> String {
        let c = bytes.withUnsafeBufferPointer { lex.classify($0) }
        var out = "\(label(c.label))\t\(number(c.give))\t\(number(c.take))"
        if withText { out += "\t" + String(decoding: bytes, as: UTF8.self) }
        return out
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which lexicon cues fired in a text, with their weights.")

    @Argument(help: ArgumentHelp("The text to explain.", valueName: "text"))
    var text: String

    @OptionGroup var lexicon: LexiconOptions

    @Flag(name: .shortAndLong, help: "Accepted for every command; this one writes nothing to stderr but errors.")
    var quiet = false

    func run() throws {
        let lex = try lexicon.load()
        let bytes = Array(text.utf8)
        let (c, cues) = bytes.withUnsafeBufferPointer { (lex.classify($0), lex.explain($0)) }
        print("\(label(c.label))  give \(number(c.give))  take \(number(c.take))")
        if cues.isEmpty {
            print("no cue fired")
            return
        }
        var rows = [["cue", "matched", "category", "weight", "bytes"]]
        for cue in cues {
            let entry = lex.entries[cue.entry]
            rows.append([String(decoding: entry.phrase, as: UTF8.self),
                         String(decoding: bytes[cue.start..<cue.end], as: UTF8.self),
                         categoryName(cue.category) + (cue.category.polarity > 0 ? " (give)" : " (take)"),
                         number(cue.weight), "\(cue.start)..<\(cue.end)"])
        }
        var widths = [Int](repeating: 0, count: 5)
        for r in rows { for (i, v) in r.enumerated() { widths[i] = max(widths[i], v.count) } }
        for r in rows {
            print(r.enumerated().map { i, v in v + String(repeating: " ", count: widths[i] - v.count) }
                    .joined(separator: "  ").trimmingTrailingSpaces())
        }
    }
}

struct LexiconCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexicon",
        abstract: "Print the lexicon in file format (phrase<TAB>category<TAB>weight).")

    @OptionGroup var lexicon: LexiconOptions

    @Flag(name: .shortAndLong, help: "Accepted for every command; this one writes nothing to stderr but errors.")
    var quiet = false

    func run() throws {
        let lex = try lexicon.load()
        for e in lex.entries {
            print(String(decoding: e.phrase, as: UTF8.self) + "\t" + categoryName(e.category) + "\t" + number(e.weight))
        }
    }
}

func label(_ l: Label) -> String {
    switch l {
    case .give: return "give"
    case .take: return "take"
    case .neutral: return "neutral"
    }
}

func categoryName(_ c: GiveTakeCore.Category) -> String {
    let s = c.name
    return String(decoding: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), as: UTF8.self)
}

/// 1 -> "1", 0.5 -> "0.5", 1.25 -> "1.25"; sums of weights are shown to
/// 6 decimals (2.39, not 2.3899999999999997).
func number(_ v: Double) -> String {
    let r = abs(v) < 1e9 ? (v * 1e6).rounded() / 1e6 : v
    return r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : r.description
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
#endif
