import Testing
@testable import GiveTakeCore

/// No give/take cue is found inside an @handle, an e-mail address, a link
/// or an agent's closing signature; the structural cues still see them.
@Suite struct NotProseTests {
    static let lex: Lexicon = {
        let l = Lexicon(withDefaults: false)
        let text = "shop\tselling\t1\ndeals\tselling\t1\nad\tselling\t1\nsale\tselling\t1\ntip\tteaching\t1\n"
            + "co\tself_promotion\t1\nhelp\thelping\t1\nno\tnegation\t0\n<mention>\tcrediting\t0.5\n<link>\tteaching\t0.25\n"
        try! bytesOf(text).withUnsafeBufferPointer { try l.load($0) }
        return l
    }()

    func spans(_ t: String) -> [String] { explain(t, Self.lex).map { $0.0 } }

    @Test func handlesAndAddresses() {
        #expect(spans("Thanks @shop_deals for the tip") == ["@shop_deals", "tip"])
        #expect(spans("@shop_deals thanks for the tip") == ["tip"])          // a reply's opening handle
        #expect(spans("@a, @shop_deals: a tip") == ["tip"])
        #expect(spans("mail sale@shop.com for help") == [".com", "help"])  // <link> still sees ".com"
        #expect(spans("(@shop) tip") == ["@shop", "tip"])
        #expect(spans("shop @ the sale") == ["shop", "sale"])                // a lone '@' is prose
    }

    @Test func links() {
        #expect(spans("see https://www.example.com/sale/shop-deals for help") == ["https://", "help"])
        #expect(spans("Try this: https://t.co/GDrqU22YpT") == ["https://"])   // no "co" in t.co
        #expect(spans("t.co/sale tip") == ["tip"])
        #expect(spans("shop.com/deals") == [".com"])
        #expect(spans("shop.com sale") == ["shop", ".com", "sale"])          // a bare host is prose
        #expect(spans("sale $2.30/mo and sale/shop") == ["sale", "sale", "shop"])  // no host before '/'
        #expect(spans("a.m./p.m. sale") == ["sale"])
        // A negation inside a link negates nothing.
        #expect(classify("example.com/no sale", Self.lex).take == 1)
        #expect(classify("no sale", Self.lex).take == 0)
    }

    @Test func closingSignatures() {
        #expect(spans("Fixed it for you. -AD") == [])
        #expect(spans("Here's a tip ^AD") == ["tip"])
        #expect(spans("tip /AD https://t.co/x 1/2") == ["tip", "https://"])  // links and a part counter may follow
        #expect(spans("tip ^Shop") == ["tip"])                               // '^' and a name
        #expect(spans("tip - AD") == ["tip"])                                // initials after a lone dash
        #expect(spans("tip ~SHO") == ["tip"])
        let long = "https://www.example.com/" + String(repeating: "a", count: 100)
        #expect(spans("tip ^AD " + long) == ["tip", "https://"])              // behind a long link too
        // Not a signature: not last, lower case, more than three initials, no marker.
        #expect(spans("-AD then a tip") == ["AD", "tip"])
        #expect(spans("watch our -ad") == ["ad"])
        #expect(spans("tip -DEALS") == ["tip", "DEALS"])
        #expect(spans("our new AD") == ["AD"])
        #expect(spans("#ad") == ["ad"])
        #expect(spans("tip-AD") == ["tip", "AD"])                            // one token: no marker before it
    }

    @Test func builtInLexicon() {
        // The built-in lexicon has "ad" as a selling cue: an agent's
        // initials must not make a routing reply a sale.
        let builtIn = Lexicon(withDefaults: true)
        let reply = "Please send a DM with your account details so I can look into this. -AD"
        #expect(!explain(reply, builtIn).contains { $0.0 == "AD" })
        #expect(classify(reply, builtIn).label != .take)
        #expect(explain("Watch our new ad", builtIn).contains { $0.0 == "ad" })
    }
}
