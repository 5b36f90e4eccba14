import Testing
@testable import GiveTakeCore

@Suite struct ClassifierTests {
    @Test func teachingAndHelpingTextIsGive() {
        let c = classify("Here's how to reset your router: a quick guide")
        #expect(c.label == .give)
        #expect(c.give == 2.0)  // "here's how" + "guide"; "how to" overlaps "here's how"
        #expect(c.take == 0)
    }

    @Test func sellingTextIsTake() {
        let c = classify("Shop now! 20% off everything, only $19.99")
        #expect(c.label == .take)
        #expect(c.take == 4.0)  // shop now 1.5 + 20% off 1.5 + $19.99 1.0
        let cues = explain("Shop now! 20% off everything, only $19.99")
        #expect(cues.map { $0.0 } == ["Shop now", "20% off", "$19.99"])
        #expect(cues.map { $0.1 } == [.selling, .selling, .selling])
    }

    @Test func decisionNeedsAMarginOfOne() {
        // give 1 (tips) vs take 1 (sale): neutral.
        #expect(classify("Tips for the sale").label == .neutral)
        // give 1.5 (happy to help) vs take 1 (price): 0.5 margin, neutral.
        #expect(classify("Happy to help with the price").label == .neutral)
        #expect(classify("Nothing to see here").label == .neutral)
    }

    @Test func wordsNeedBoundaries() {
        #expect(classify("shopping spree").take == 0)         // "shop" inside "shopping"
        #expect(classify("Shop!").take == 1)
        #expect(classify("SALE").take == 1)                    // ASCII case-insensitive
        #expect(classify("#sale today").take == 1)             // hashtag
        #expect(classify("#salesforce").take == 0)
        #expect(classify("resale").take == 0)
        #expect(classify("saleé").take == 0)                  // non-ASCII is a word character
        #expect(classify("é sale é").take == 1)
    }

    @Test func percentAndMoneyPatterns() {
        #expect(explain("Get 15%off today").map { $0.0 } == ["15%off"])
        #expect(explain("up to 12.5% off").map { $0.0 } == ["12.5% off"])
        #expect(explain("just €5 or £10.50 or ¥300").map { $0.0 } == ["€5", "£10.50", "¥300"])
        #expect(explain("costs $1,299.").map { $0.0 } == ["$1,299"])
        #expect(classify("a $ sign alone").take == 0)
        #expect(explain("save 1,% off").map { $0.0 } == ["% off"])   // the plain phrase, no number
        #expect(explain("x20% off").map { $0.0 } == ["% off"])       // the number must start a word
        #expect(explain("(,5% off)").map { $0.0 } == ["5% off"])
    }

    @Test func negationWindowSuppressesCues() {
        #expect(classify("No purchase necessary").take == 0)
        #expect(classify("Not a great deal").take == 0)          // two words between
        #expect(classify("Not a very great deal").take == 1)     // three words: outside the window
        #expect(classify("Purchase, no questions").take == 1)    // negation after the cue
        #expect(explain("No purchase necessary").isEmpty)
    }

    @Test func leftmostLongestCountsOverlapsOnce() {
        let cues = explain("free shipping on our new range")
        #expect(cues.map { $0.0 } == ["free shipping", "our new"])
        #expect(classify("Buy now").take == 1.5)  // "buy now", not also "buy"
    }

    @Test func apostrophesBothWays() {
        #expect(classify("Don't miss it").take == 1)
        #expect(classify("Don’t miss it").take == 1)
        #expect(classify("Here’s how").give == 1)
    }

    @Test func meIndexCountsContractionsOnce() {
        let c = classify("We're sure we’re right; our team and us. You're great, your call, yours.")
        #expect(c.weWords == 4)   // We're, we’re, our, us
        #expect(c.youWords == 3)  // You're, your, yours
        #expect(classify("Ours vs yours: you, US").weWords == 2)
        #expect(classify("wee youth usual").weWords == 0)
        #expect(classify("wee youth usual").youWords == 0)
    }

    @Test func appreciationWords() {
        for t in ["Thanks!", "thank you", "We appreciate it", "So grateful", "thx", "Good catch", "great question", "Great point."] {
            #expect(classify(t).appreciative, "\(t)")
        }
        for t in ["Thx2", "nothanks", "great questions", "ungrateful"] {
            #expect(!classify(t).appreciative, "\(t)")
        }
    }

    @Test func multiByteTextIsNeverSplit() {
        // U+00E9 is C3 A9; a cue must not match across or inside it.
        #expect(classify("tipsé").give == 0)
        #expect(classify("😀tips😀").give == 0)      // emoji are word characters (spec)
        #expect(classify("😀, tips, 😀").give == 1)
    }

    @Test func emptyAndHugeTexts() {
        #expect(classify("").label == .neutral)
        let big = String(repeating: "Shop now and learn how to fix it. ", count: 300_000)  // ~10 MB
        let c = classify(big)
        #expect(c.take == 1.5 * 300_000)
        #expect(c.give == 3.0 * 300_000)
        #expect(c.cues == 4 * 300_000)
    }
}

@Suite struct LexiconTests {
    @Test func userLexiconExtendsAndOverrides() throws {
        let lex = Lexicon(withDefaults: true)
        let text = bytesOf("# my cues\nmega bundle\tselling\t2\nsale\tselling\t0\n\n")
        try text.withUnsafeBufferPointer { try lex.load($0) }
        #expect(classify("mega bundle", lex).take == 2)  // one phrase, longest match
        #expect(classify("sale", .builtin).take > 0)
        #expect(classify("sale", lex).take == 0)        // weight 0 disables
        #expect(lex.entries.count == Lexicon.builtin.entries.count + 1)
        #expect(classify("tips", lex).give == classify("tips", .builtin).give)  // defaults kept
        #expect(classify("tips", lex).give > 0)
    }

    @Test func weightsAreTheNearestDoubles() {
        // Written weights read back as written: "1.59" is the double nearest
        // 1.59, so it prints as 1.59 (not 1.5899999999999999) in SQL and JSON.
        for (text, value) in [("1.59", 1.59), ("0.1", 0.1), ("2.55", 2.55), ("1000", 1000.0), ("0.07", 0.07),
                              ("+3.5", 3.5), (".5", 0.5), ("7.", 7.0), ("123.456789", 123.456789)] {
            let parsed = bytesOf(text).withUnsafeBufferPointer { parseDecimal($0) }
            #expect(parsed?.bitPattern == value.bitPattern, "\(text) -> \(String(describing: parsed))")
        }
        for bad in ["", ".", "1.2.3", "1e3", "--1", "1 2"] {
            #expect(bytesOf(bad).withUnsafeBufferPointer { parseDecimal($0) } == nil, "\(bad)")
        }
    }

    @Test func emptyLexiconReplaces() throws {
        let lex = Lexicon(withDefaults: false)
        try bytesOf("widget\tgive\t1.25\r\n").withUnsafeBufferPointer { try lex.load($0) }
        #expect(lex.entries.count == 1)
        #expect(classify("Widget!", lex).give == 1.25)
        #expect(classify("sale", lex).take == 0)
        #expect(classify("we you", lex).weWords == 1)  // pronouns are not lexicon data
    }

    @Test func badLinesNameTheirLineAndChangeNothing() {
        let lex = Lexicon(withDefaults: false)
        let cases: [(String, String)] = [
            ("ok\tgive\t1\nbad line\n", "lexicon line 2: expected 3 TAB-separated fields"),
            ("a\tgive\t1\nb\tgivee\t1\n", "lexicon line 2: unknown category 'givee'"),
            ("a\tgive\tone\n", "lexicon line 1: weight 'one' is not a decimal number"),
            ("a\tgive\t-1\n", "lexicon line 1: weight must be"),
            ("\tgive\t1\n", "lexicon line 1: empty phrase"),
            ("<bogus>\tgive\t1\n", "lexicon line 1: unknown pattern"),
        ]
        for (text, expected) in cases {
            do {
                try bytesOf(text).withUnsafeBufferPointer { buf throws(GiveTakeError) in try lex.load(buf) }
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.message.hasPrefix(expected), "\(error.message)")
            }
        }
        #expect(lex.entries.isEmpty)
    }

    @Test func invalidUTF8IsRejected() {
        let lex = Lexicon(withDefaults: false)
        do {
            let bad: [UInt8] = [0x61, 0xFF, 0x09]
            try bad.withUnsafeBufferPointer { buf throws(GiveTakeError) in try lex.load(buf) }
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.code == .invalidUTF8)
        }
    }

    @Test func builtinHasEveryCategory() {
        let cats = Set(Lexicon.builtin.entries.map { $0.category })
        for c in Category.allCases where c != .give && c != .take { #expect(cats.contains(c), "\(c)") }
    }
}

@Suite struct TextTests {
    @Test func utf8Validation() {
        #expect(firstInvalidUTF8(UnsafeBufferPointer(start: nil, count: 0)) == nil)
        let cases: [([UInt8], Int?)] = [
            (Array("plain ascii text longer than 8".utf8), nil),
            (Array("Zoë 😀 ’".utf8), nil),
            ([0x41, 0xC0, 0x80], 1),          // overlong
            ([0xED, 0xA0, 0x80], 0),          // surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),    // > U+10FFFF
            ([0x41, 0x42, 0xE2, 0x80], 2),    // truncated
            ([0x80], 0),                      // lone continuation
        ]
        for (b, expected) in cases {
            #expect(b.withUnsafeBufferPointer { firstInvalidUTF8($0) } == expected, "\(b)")
        }
    }

    @Test func firstNames() {
        func first(_ s: String) -> String? {
            let b = bytesOf(s)
            return b.withUnsafeBufferPointer { buf in firstNameSpan(buf).map { String(decoding: b[$0], as: UTF8.self) } }
        }
        #expect(first("Anna Smith") == "Anna")
        #expect(first("@josé_99") == "josé")
        #expect(first("Zoë") == "Zoë")
        #expect(first("J. Smith") == "Smith")   // a 1-letter run is not a name
        #expect(first("J") == nil)
        #expect(first("É") == nil)              // one character, two bytes
        #expect(first("42 99") == nil)
        #expect(first("") == nil)
    }

    @Test func personalMatchesWholeWordsOnly() {
        func personal(_ reply: String, _ author: String) -> Bool {
            let r = bytesOf(reply), a = bytesOf(author)
            return r.withUnsafeBufferPointer { rb in a.withUnsafeBufferPointer { isPersonal(reply: rb, authorName: $0) } }
        }
        #expect(personal("Hi ANN, sorry!", "Ann Lee"))
        #expect(!personal("Our annual report", "Ann Lee"))
        #expect(personal("Hola José!", "José M."))
        #expect(!personal("Hola JOSÉ!", "José M."))   // only ASCII folds
        #expect(personal("Danke, Zoë.", "zoë"))
        #expect(!personal("Hi Ann2", "Ann"))           // digits are word characters
        #expect(!personal("Hi J", "J"))
    }
}

@Suite struct StructuralCueTests {
    static let lex: Lexicon = {
        let l = Lexicon(withDefaults: false)
        let text = "<reply>\thelping\t0.1\n<mention>\tcrediting\t0.2\n<question_to_you>\tinviting\t0.3\n"
            + "<question>\tinviting\t0.4\n<step>\tteaching\t0.5\n<link>\tselling\t0.6\n<percent>\tself_promotion\t0.7\n"
            + "<exclamation>\tselling\t0.8\n<hashtag>\ttake\t0.9\nvia @\tcrediting\t1\nno\tnegation\t0\n"
        try! bytesOf(text).withUnsafeBufferPointer { try l.load($0) }
        return l
    }()

    func spans(_ t: String) -> [String] { explain(t, Self.lex).map { $0.0 } }

    @Test func replyAndMention() {
        #expect(spans("@anna_b thanks") == ["@anna_b"])                  // <reply>
        #expect(explain("  @anna hi", Self.lex).map { $0.1 } == [.helping])
        #expect(spans("@a @b hi") == ["@a"])                               // the leading run is the reply
        #expect(spans("Photo by @lou_k today") == ["@lou_k"])              // <mention>
        #expect(explain("Photo by @lou", Self.lex).map { $0.1 } == [.crediting])
        #expect(spans("mail help@example.com") == [".com"])                // an address is no mention
        #expect(spans("@ alone") == [])
    }

    @Test func questionsAndExclamations() {
        #expect(spans("What's your tip?") == ["?", "?"])                    // to you, and any
        #expect(classify("What's your tip?", Self.lex).give == 0.7)
        #expect(classify("Why? Why not?", Self.lex).give == 0.4)           // once per text, no you-word
        #expect(classify("Great!!! Wow!", Self.lex).take == 0.8)
    }

    @Test func stepsLinksPercentHashtags() {
        #expect(spans("1. Open it\n2) Tap Save") == ["1."])                 // once per text
        #expect(spans("version 2.5 and 3.x") == [])                          // not a step
        #expect(spans("see https://x.io/a") == ["https://"])                 // once: https:// and .io
        #expect(spans("go to www.example.org") == ["www."])
        #expect(spans("94% of you, 20% off") == ["94%"])                     // "% off" is <percent_off>
        #expect(spans("#tips and #1") == ["#tips"])                          // "#1" is no hashtag
        #expect(spans("a#b") == [])
    }

    @Test func outsideOverlapAndNegation() {
        // "via @" and <mention> overlap; both count.
        #expect(explain("via @lou", Self.lex).map { $0.1 } == [.crediting, .crediting])
        #expect(classify("via @lou", Self.lex).give == 1.2)
        // A negation before a structural cue does not suppress it.
        #expect(classify("no #deal", Self.lex).take == 0.9)
    }

    @Test func sentenceStartCues() throws {
        let l = Lexicon(withDefaults: false)
        let text = "<start> try\tteaching\t0.6\ntry restarting\thelping\t0.5\n<start> we're\tself_promotion\t0.4\n"
            + "<start> don't miss\tselling\t1.1\nnot\tnegation\t0\n"
        try bytesOf(text).withUnsafeBufferPointer { buf throws(GiveTakeError) in try l.load(buf) }
        func spans(_ t: String) -> [String] { explain(t, l).map { $0.0 } }
        #expect(spans("Try it") == ["Try"])                                  // the text's start
        #expect(spans("  Try it") == ["Try"])
        #expect(spans("worth a try") == [])                                  // mid-sentence
        #expect(spans("ok, try it") == [])
        #expect(spans("Done. Try it! Try again?\ntry later") == ["Try", "Try", "try"])  // every sentence
        #expect(spans("Done.Try") == [])                                     // no space: not a new sentence
        #expect(spans("@sam_k Try this") == ["Try"])                         // after a reply's handles
        #expect(spans("@a, @b try") == ["try"])
        #expect(spans("hi @sam try") == [])
        #expect(spans("Nice \u{1F389} Try it") == ["Try"])                   // after an emoji
        #expect(spans("caf\u{E9} Try it") == [])                             // a letter is no sentence end
        #expect(spans("We\u{2019}re open. We're here") == ["We\u{2019}re", "We're"])
        #expect(spans("Don't miss it") == ["Don't miss"])
        // Outside leftmost-longest selection: both cues count.
        #expect(spans("Try restarting it") == ["Try restarting", "Try"])
        #expect(classify("Try restarting it", l).give == 1.1)
        // Never negated: the negation window reaches only within a sentence.
        #expect(classify("Not now. Try later", l).give == 0.6)
        #expect(classify("Tryst", l).give == 0)                              // whole words only
        // Bare or pattern-valued "<start>" is an error naming the form.
        for bad in ["<start>\tgive\t1\n", "<start> <money>\tgive\t1\n"] {
            let m = Lexicon(withDefaults: false)
            do {
                try bytesOf(bad).withUnsafeBufferPointer { buf throws(GiveTakeError) in try m.load(buf) }
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.message.contains("<start> followed by a phrase"), "\(error.message)")
            }
        }
    }

    @Test func unknownPatternNamesTheKnownOnes() {
        let l = Lexicon(withDefaults: false)
        do {
            try bytesOf("<questions>\tinviting\t1\n").withUnsafeBufferPointer { buf throws(GiveTakeError) in
                try l.load(buf)
            }
            Issue.record("accepted <questions>")
        } catch {
            #expect(error.message.contains("<question_to_you>"), "\(error.message)")
        }
    }
}
