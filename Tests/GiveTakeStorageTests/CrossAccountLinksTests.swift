import Testing
@testable import GiveTakeStorage

@Suite struct CrossAccountLinksTests {
    /// The connected sets of accounts the links make, as sorted lists.
    func sets(_ links: [(Int64, Int64)], _ accounts: [Int64]) -> Set<[Int64]> {
        let counts = accounts.map { (account: $0, rows: 1) }
        // A cap of 1 puts every connected set in a group of its own.
        let groupOf = planGroups(counts, links, cap: 1)
        var members: [Int32: [Int64]] = [:]
        for a in accounts { members[groupOf[a]!, default: []].append(a) }
        return Set(members.values.map { $0.sorted() })
    }

    func found(partitions: Int, _ rows: [(id: Int64, account: Int64, parent: Int64?)]) throws -> [(Int64, Int64)] {
        let dir = TempDir()
        let finder = try CrossAccountLinks(dir: dir.path, partitions: partitions)
        for r in rows { try finder.note(id: r.id, account: r.account, parent: r.parent) }
        return try finder.links()
    }

    @Test func parentsAndSharedIdsLinkAccountsInAnyPartitioning() throws {
        var rows: [(id: Int64, account: Int64, parent: Int64?)] = []
        // Accounts 1..8 with their own ids and parents inside the account.
        for a in Int64(1)...8 {
            for k in Int64(0)..<500 { rows.append((a * 10_000 + k, a, k > 0 ? a * 10_000 + k - 1 : nil)) }
        }
        rows.append((20_001, 3, nil))        // id 20001 is also a row of account 2: 2-3
        rows.append((20_001, 2, nil))        // the same id again in its own account: nothing new
        rows.append((99_999, 4, 50_010))     // a parent in account 5: 4-5
        rows.append((99_998, 6, 77_777_777)) // an orphan: no link
        rows.append((99_997, 7, 99_997))     // its own parent: no link
        rows.append((-5, 8, nil))            // negative ids hash like any other
        rows.append((99_996, 1, -5))         // 1-8 through a negative id
        let accounts = Array(Int64(1)...8)
        let expected: Set<[Int64]> = [[1, 8], [2, 3], [4, 5], [6], [7]]
        for partitions in [1, 2, 7, 64] {
            let links = try found(partitions: partitions, rows)
            #expect(sets(links, accounts) == expected, "\(partitions) partitions")
            #expect(links.count == 3)  // one link per join of two sets
        }
    }

    @Test func anIdSharedByThreeAccountsJoinsAllThree() throws {
        let links = try found(partitions: 3, [(7, 1, nil), (7, 2, nil), (7, 3, nil), (8, 4, 7)])
        #expect(sets(links, [1, 2, 3, 4]) == [[1, 2, 3, 4]])
    }

    @Test func noRowsNoLinks() throws {
        #expect(try found(partitions: 4, []).isEmpty)
    }
}
