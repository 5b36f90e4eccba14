// The built-in lexicon, learned from data/classifier: accuracy on the held-out
// test split stays above a regression floor, `explain` accounts for every
// score, and text with no English cue stays neutral.
import Foundation
import Testing
@testable import GiveTakeCore

struct LabelledPost {
    var text: String
    var label: Label
    var split: String
}

func loadLabelledPosts() throws -> [LabelledPost] {
    let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data/classifier/posts.jsonl").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var posts: [LabelledPost] = []
    for line in text.split(separator: "\n") where !line.isEmpty {
        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        let label: Label
        switch obj["label"] as! String {
        case "give": label = .give
        case "take": label = .take
        default: label = .neutral
        }
        posts.append(LabelledPost(text: obj["text"] as! String, label: label, split: obj["split"] as! String))
    }
    return posts
}

@Suite struct BuiltinLexiconTests {
    // Regression guards a few points below the figures measured when the
    // lexicon was trained (docs/classifier.md); not tuning targets.
    static let accuracyFloor = 0.84
    static let macroF1Floor = 0.84

    @Test func heldOutAccuracyStaysAboveTheFloor() throws {
        let test = try loadLabelledPosts().filter { $0.split == "test" }
        #expect(test.count >= 300)
        var confusion = [[Int]](repeating: [0, 0, 0], count: 3)
        for p in test {
            confusion[Int(p.label.rawValue)][Int(classify(p.text, .builtin).label.rawValue)] += 1
        }
        let correct = (0..<3).reduce(0) { $0 + confusion[$1][$1] }
        let accuracy = Double(correct) / Double(test.count)
        var f1 = 0.0
        for l in 0..<3 {
            let predicted = (0..<3).reduce(0) { $0 + confusion[$1][l] }
            let actual = confusion[l].reduce(0, +)
            let p = predicted == 0 ? 0 : Double(confusion[l][l]) / Double(predicted)
            let r = actual == 0 ? 0 : Double(confusion[l][l]) / Double(actual)
            f1 += p + r == 0 ? 0 : 2 * p * r / (p + r) / 3
        }
        #expect(accuracy >= Self.accuracyFloor, "accuracy \(accuracy), confusion \(confusion)")
        #expect(f1 >= Self.macroF1Floor, "macro-F1 \(f1), confusion \(confusion)")
    }

    @Test func explainAccountsForEveryScore() throws {
        let entries = Lexicon.builtin.entries
        for p in try loadLabelledPosts() {
            let c = classify(p.text, .builtin)
            var give = 0.0, take = 0.0
            let bytes = Array(p.text.utf8)
            let cues = bytes.withUnsafeBufferPointer { Lexicon.builtin.explain($0) }
            for cue in cues {
                #expect(entries[cue.entry].weight == cue.weight && entries[cue.entry].category == cue.category)
                if cue.category.polarity > 0 { give += cue.weight } else { take += cue.weight }
            }
            #expect(cues.count == Int(c.cues))
            #expect(abs(give - c.give) < 1e-9 && abs(take - c.take) < 1e-9, "\(p.text)")
        }
    }

    @Test func textWithoutEnglishCuesIsNeutral() {
        let texts = [
            "@maria_g ¿Puedes enviarnos un DM con tu número de pedido? https://example.com/ayuda #soporte",
            "¡Nuevo! 1. Öffnen Sie die App 2. Tippen Sie auf Einstellungen! #neu @partner www.beispiel.de 30%",
            "@jean Merci pour votre message ! Nous revenons vers vous ? 2) Redémarrez l'appareil.",
            "新商品が登場しました！詳しくはこちら https://example.jp #新作 ？",
            "مرحبا @ahmed، شكرا لتواصلك معنا! هل يمكنك إرسال رقم الطلب؟",
            "Привет! Как дела? 1. Откройте приложение. #скидки @друзья",
        ]
        for t in texts {
            #expect(classify(t, .builtin).label == .neutral, "\(t): \(explain(t, .builtin))")
        }
    }

    @Test func structuralCuesStayBelowTheMarginTogether() {
        // Every structural cue at once, on each side, cannot reach a label.
        var give = 0.0, take = 0.0
        for e in Lexicon.builtin.entries where StructuralCue.parse(e.phrase) != nil {
            if e.category.polarity > 0 { give += e.weight } else { take += e.weight }
        }
        #expect(give < 1 && take < 1, "give \(give), take \(take)")
    }

    @Test func kindsTheOldLexiconMissed() {
        let cases: [(String, Label)] = [
            ("@sam_k That E-41 error means the filter is blocked. Switch it off, rinse the filter under the tap, "
             + "refit it and run a rinse cycle. It should clear.", .give),
            ("What's the best advice you ever got from a grandparent? Tell us in the comments 👇", .give),
            ("Huge thanks to the volunteers at @CityHarvest for rescuing 2 tonnes of food this month. "
             + "If you've got a spare Saturday, they'd love your help.", .give),
            ("Meet the new Aero 3 running shoe. Lighter, faster, out now from £110.", .take),
            ("Grab yours today.", .take),
            ("Our store on King St is closed on Monday for a staff training day. Normal hours resume Tuesday.", .neutral),
        ]
        for (t, label) in cases {
            #expect(classify(t, .builtin).label == label, "\(t): \(explain(t, .builtin))")
        }
    }
}
