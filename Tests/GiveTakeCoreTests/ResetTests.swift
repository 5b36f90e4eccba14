// A scorer reset between groups of accounts reuses its memory; what it
// computes must be what a new scorer computes, bit for bit.
import Testing
@testable import GiveTakeCore

@Suite struct ResetTests {
    func expectSame(_ a: ScoringResult, _ b: ScoringResult, _ what: String) {
        #expect(a.accounts == b.accounts, "\(what): accounts")
        #expect(a.contacts == b.contacts, "\(what): contacts")
        #expect(a.agents == b.agents, "\(what): agents")
        #expect(a.turns.rows() == b.turns.rows(), "\(what): turns")
        #expect(a.periods == b.periods, "\(what): periods")
        #expect(a.asOf == b.asOf && a.rowCount == b.rowCount, "\(what): as_of and rows")
    }

    /// A large group (several row chunks, many names and bodies, a grown
    /// id table), then a smaller one in the same memory, then the large one
    /// again: each equals a new scorer's result. The first result, read
    /// after the scorer was reset and refilled, is unchanged.
    @Test func aResetScorerScoresLikeANewOne() throws {
        let large = messyRows(count: 20_000, seed: 5)
        let small = messyRows(count: 2_500, seed: 6)
        let scorer = Scorer(lexicon: .reference)
        let first = try score(large, batch: 700, reusing: scorer)
        scorer.reset()
        #expect(scorer.storedRows == 0 && scorer.rowsAdded == 0)
        let second = try score(small, batch: 7, reusing: scorer)
        expectSame(second, try score(small, batch: 7), "the smaller group after a reset")
        scorer.reset()
        let third = try score(large, batch: 700, reusing: scorer)
        let fresh = try score(large, batch: 700)
        expectSame(third, fresh, "the large group after two resets")
        expectSame(first, fresh, "the first result, read after the resets")
    }

    /// The configuration stays through a reset and may be changed after
    /// it (not after a row was added); schedules stay too.
    @Test func configurationAfterAReset() throws {
        var rowUnit = ScoringConfig()
        rowUnit.ackUnit = .row
        rowUnit.period = .week
        let rows = messyRows(count: 1_500, seed: 8)
        let scorer = Scorer(lexicon: .reference)
        _ = try score(rows, reusing: scorer)
        #expect(throws: GiveTakeError.self) { try scorer.configure(rowUnit) }
        scorer.reset()
        let again = try score(rows, config: rowUnit, reusing: scorer)
        expectSame(again, try score(rows, config: rowUnit), "a new configuration after a reset")
        #expect(scorer.config.ackUnit == .row)
        scorer.reset()
        #expect(scorer.config.ackUnit == .row && scorer.config.period == .week)
    }
}
