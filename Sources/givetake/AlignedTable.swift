// Tables for people: columns aligned, the first to the left and the others
// to the right. A row's cells are formatted into one reused buffer, twice
// (widths, then lines), so no row and no cell String is kept.
#if CLI  // the CLI trait (Package.swift)

/// Rows handed over one at a time, as often as asked: an aligned table
/// reads them twice (widths, then lines), so no row needs to be kept.
typealias RowFeed<Row> = (@escaping (Row) -> Void) throws -> Void

/// The cells of one line: written one after another into `text`, each
/// ended by `close()`.
final class Cells {
    let text = ByteBuffer()
    private(set) var ends: [Int] = []
    /// Each cell's width in characters (what String.count says).
    private(set) var widths: [Int] = []

    func removeAll() {
        text.removeAll()
        ends.removeAll(keepingCapacity: true)
        widths.removeAll(keepingCapacity: true)
    }

    /// Ends the cell written since the previous one.
    func close() {
        let start = ends.last ?? 0
        ends.append(text.count)
        widths.append(characterCount(UnsafeBufferPointer(rebasing: text.bytes[start...])))
    }

    func cell(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: text.bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]])
    }
}

/// Characters (grapheme clusters) in UTF-8 text: one a byte for ASCII
/// without CR (CR LF is one character), else as String counts them.
func characterCount(_ b: UnsafeBufferPointer<UInt8>) -> Int {
    if isPlainASCII(b) { return b.count }
    return String(decoding: b, as: UTF8.self).count
}

/// ASCII without CR: each byte is a character of its own.
@inline(__always)
func isPlainASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    for c in b where c >= 0x80 || c == 0x0D { return false }
    return true
}

/// An aligned table in two passes over `rows`: the column widths, then the
/// lines; `fill` writes a row's cells. `shown`, asked between the passes,
/// picks the columns to print (a feed may note in its first pass whether a
/// column is used).
func writeAlignedTable<Row>(_ headers: [String], empty: String, to out: ByteBuffer,
                            shown: () -> [Int]? = { nil }, rows: RowFeed<Row>,
                            fill: @escaping (Row, Cells) -> Void) rethrows {
    let cells = Cells()
    var widths = headers.map { $0.count }
    try rows { row in
        cells.removeAll()
        fill(row, cells)
        for i in widths.indices { widths[i] = max(widths[i], cells.widths[i]) }
    }
    let columns = shown() ?? Array(headers.indices)
    func line() {
        for (k, i) in columns.enumerated() {
            let pad = widths[i] - cells.widths[i]
            if k > 0 { out.append("  "); out.append(repeating: UInt8(ascii: " "), count: pad) }
            out.append(cells.cell(i))
            if k == 0 { out.append(repeating: UInt8(ascii: " "), count: pad) }
        }
        out.append(UInt8(ascii: "\n"))
        out.endLine()
    }
    cells.removeAll()
    for h in headers { cells.text.append(string: h); cells.close() }
    line()
    cells.removeAll()
    for w in widths { cells.text.append(repeating: UInt8(ascii: "-"), count: w); cells.close() }
    line()
    var count = 0
    try rows { row in
        cells.removeAll()
        fill(row, cells)
        line()
        count += 1
    }
    if count == 0 { out.append(string: empty); out.append(UInt8(ascii: "\n")) }
}
#endif
