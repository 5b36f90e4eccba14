// Rows for the scorer fuzzers. Both builders draw from the input the same
// way: few ids, accounts and contacts (so duplicates, replies and threads
// happen), times mostly in one month, sometimes hostile values.
import CGiveTake
import GiveTakeCore

private let month: Int64 = 30 * 86_400 * 1_000_000
private let base: Int64 = 1_500_000_000_000_000

private func time(_ input: inout FuzzInput) -> Int64 {
    input.byte() < 8 ? input.int64() : base + Int64(input.u64() % UInt64(month))
}

private func smallOrHostile(_ input: inout FuzzInput, _ n: Int) -> Int64 {
    input.byte() < 4 ? input.int64() : Int64(input.below(n))
}

/// One engine row; its texts are slices of the input.
func makeInteraction(_ input: inout FuzzInput) -> Interaction {
    let flags = input.byte()
    let id = smallOrHostile(&input, 24), account = smallOrHostile(&input, 3)
    let contact = smallOrHostile(&input, 6), parent = smallOrHostile(&input, 24)
    let channel = input.byte() < 16 ? input.int32() : Int32(input.below(5))
    let kind = input.byte() < 16 ? input.int32() : Int32(input.below(9))
    let at = time(&input)
    let value = input.byte() < 16 ? input.double() : Double(input.below(100))
    let author = flags & 0x20 != 0 ? input.bytes(input.below(12)) : nil
    let body = flags & 0x40 != 0 ? input.chunk() : nil
    return Interaction(id: id, accountID: account, contactID: flags & 0x08 != 0 ? contact : nil,
                       parentID: flags & 0x10 != 0 ? parent : nil, channel: channel, kind: kind,
                       inbound: flags & 0x01 != 0, automated: flags & 0x02 != 0, hasMedia: flags & 0x04 != 0,
                       createdAt: at, authorName: author, body: body, value: value)
}

/// One C ABI row, texts copied into `pool` at their exact size. Zero-filled
/// first: a field added to gt_interaction starts at 0 until set here.
func makeRow(_ input: inout FuzzInput, _ pool: inout TextPool) -> gt_interaction {
    let r = makeInteraction(&input)
    var row = gt_interaction()
    row.id = r.id
    row.account_id = r.accountID
    row.contact_id = r.contactID ?? input.int64()
    row.parent_id = r.parentID ?? input.int64()
    row.created_at = r.createdAt
    row.value = r.value
    row.channel = r.channel
    row.kind = r.kind
    row.flags = (r.inbound ? UInt32(GT_ROW_INBOUND) : 0) | (r.automated ? UInt32(GT_ROW_AUTOMATED) : 0)
        | (r.hasMedia ? UInt32(GT_ROW_HAS_MEDIA) : 0) | (r.contactID != nil ? UInt32(GT_ROW_HAS_CONTACT) : 0)
        | (r.parentID != nil ? UInt32(GT_ROW_HAS_PARENT) : 0)
    if input.byte() < 4 { row.flags |= UInt32(truncatingIfNeeded: input.u64()) }
    row.author_name = text(r.authorName, &input, &pool)
    row.body = text(r.body, &input, &pool)
    return row
}

/// A C text for an optional buffer; now and then a NULL pointer with a
/// length, or a length no buffer can have (>= 2^63).
private func text(_ b: UnsafeBufferPointer<UInt8>?, _ input: inout FuzzInput, _ pool: inout TextPool) -> gt_text {
    guard let b else { return gt_text(ptr: nil, len: input.byte() < 8 ? Int(input.below(5)) : 0) }
    let p = pool.copy(b)
    if input.byte() < 4 { return gt_text(ptr: p, len: Int.min + input.below(3)) }
    return gt_text(ptr: p, len: b.count)
}
