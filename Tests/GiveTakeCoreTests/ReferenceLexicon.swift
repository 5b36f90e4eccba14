// A small fixed lexicon (the spec's example cues, hand-weighted) for tests of
// the engine's mechanics: boundaries, patterns, negation, overlaps, scoring.
// The built-in lexicon is learned from data and changes when it is
// retrained; these tests must not. BuiltinLexiconTests covers the built-in.
@testable import GiveTakeCore

extension Lexicon {
    static let reference: Lexicon = {
        let lex = Lexicon(withDefaults: false)
        let text = referenceLexiconText
        try! lex.load(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        return lex
    }()
}

let referenceLexiconText: StaticString = """
# teaching
how to\tteaching\t1
tips\tteaching\t1
tip\tteaching\t1
guide\tteaching\t1
guides\tteaching\t1
tutorial\tteaching\t1
tutorials\tteaching\t1
learn\tteaching\t1
webinar\tteaching\t1
webinars\tteaching\t1
white paper\tteaching\t1
whitepaper\tteaching\t1
infographic\tteaching\t1
manual\tteaching\t1
checklist\tteaching\t1
free resource\tteaching\t1
free resources\tteaching\t1
step by step\tteaching\t1
step-by-step\tteaching\t1
explainer\tteaching\t1
faq\tteaching\t1
# helping
here's how\thelping\t1
here is how\thelping\t1
happy to help\thelping\t1.5
glad to help\thelping\t1
answer\thelping\t1
answers\thelping\t1
fix\thelping\t1
fixed\thelping\t1
solution\thelping\t1
solutions\thelping\t1
troubleshooting\thelping\t1
workaround\thelping\t1
# crediting
via @\tcrediting\t1
shout-out\tcrediting\t1
shout out\tcrediting\t1
shoutout\tcrediting\t1
congrats\tcrediting\t1
congratulations\tcrediting\t1
kudos\tcrediting\t1
thanks to\tcrediting\t1
hat tip\tcrediting\t1
h/t\tcrediting\t1
# inviting
share your\tinviting\t1
what do you think\tinviting\t1
tell us\tinviting\t1
we want to hear\tinviting\t1
join the conversation\tinviting\t1
your thoughts\tinviting\t1
your story\tinviting\t1
# responsibility
safety\tresponsibility\t1
safely\tresponsibility\t1
recycle\tresponsibility\t1
recycling\tresponsibility\t1
recyclable\tresponsibility\t1
responsibly\tresponsibility\t1
sustainable\tresponsibility\t1
sustainability\tresponsibility\t1
# selling
buy\tselling\t1
buy now\tselling\t1.5
shop\tselling\t1
shop now\tselling\t1.5
sale\tselling\t1
% off\tselling\t1
<percent_off>\tselling\t1.5
discount\tselling\t1
discounts\tselling\t1
coupon\tselling\t1
promo code\tselling\t1
deal\tselling\t1
deals\tselling\t1
limited time\tselling\t1
order now\tselling\t1.5
pre-order\tselling\t1
preorder\tselling\t1
free shipping\tselling\t1.5
price\tselling\t1
prices\tselling\t1
pricing\tselling\t1
<money>\tselling\t1
subscribe now\tselling\t1
link in bio\tselling\t1
don't miss\tselling\t1
purchase\tselling\t1
checkout\tselling\t1
clearance\tselling\t1
# self_promotion
proud to announce\tself_promotion\t1.5
our new\tself_promotion\t1
our latest\tself_promotion\t1
award-winning\tself_promotion\t1
award winning\tself_promotion\t1
#1\tself_promotion\t1
best-selling\tself_promotion\t1
bestselling\tself_promotion\t1
world-class\tself_promotion\t1
industry-leading\tself_promotion\t1
# negation
no\tnegation\t0
not\tnegation\t0
never\tnegation\t0
without\tnegation\t0
none\tnegation\t0
"""
