// Rows of another part, given to a scorer only so that the rows it holds
// can name them as parents. A host that scores one account in parts
// (contacts, threads and shared ids whole within a part) keeps a row with
// neither contact nor thread, typically a post that many contacts answer,
// out of the parts of the rows that answer it: each of those parts gets it
// as a reference. A reference counts in nothing; a row whose parent it is
// has a parent (no orphan anomaly, no derived DM thread), and an inbound
// row answering a reference that is a `give` post counts towards
// give-attributed leads. A row added in full with the same id wins.

/// What a reference contributes: the account it belongs to and what its
/// answers need to know of it.
struct ReferenceRow {
    var accountID: Int64
    var kind: UInt8
    var inbound: Bool
    var label: Label
}

extension Scorer {
    /// Adds rows as references (see above). Checked like `add`, all or
    /// nothing; an id given twice keeps its first reference. Outbound
    /// bodies are classified as `add` would (the label is all that is kept).
    public func addReferences(_ batch: UnsafeBufferPointer<Interaction>) throws(GiveTakeError) {
        for i in 0..<batch.count {
            if let problem = Scorer.check(batch[i]) {
                throw GiveTakeError(problem.code, "reference row " + decimal(i) + " (id " + decimal(batch[i].id)
                                    + "): " + problem.message)
            }
        }
        if memoryLimit > 0 {
            try checkMemory(rows: rows.count, textBytes: batch.count &* Scorer.referenceBytes, finishing: false)
        }
        for i in 0..<batch.count {
            let r = batch[i]
            guard let kind = Scorer.kindOf(r), Scorer.channelOf(r) != nil else { continue }
            var label = Label.neutral
            if !r.inbound && (!r.automated || kind == .post), let body = r.body {
                label = lexicon.classify(body).label
            }
            let next = Int32(referenceRows.count)
            if referenceTable.findOrInsert(r.id, value: next) == nil {
                referenceRows.append(ReferenceRow(accountID: r.accountID, kind: kind.rawValue, inbound: r.inbound,
                                                  label: label))
            }
        }
    }

    /// Bytes a reference holds: its record and its table slot at the
    /// table's lowest load.
    static let referenceBytes = MemoryLayout<ReferenceRow>.stride &+ 32
}
