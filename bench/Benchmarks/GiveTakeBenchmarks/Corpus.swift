// Fixed, deterministic inputs for the microbenchmarks: short social posts
// (give, take and neutral, with hashtags, prices, negations, emoji) and
// synthetic interaction rows. No files, no clock, no randomness between runs.
import Foundation
import GiveTakeCore

/// A small linear congruential generator: the same sequence everywhere.
struct LCG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
}

let postTemplates = [
    "How to get the most out of your %p: a step-by-step guide",
    "5 tips for %p owners 💡 #tips #howto",
    "New tutorial: troubleshooting %p connectivity. Here's how to fix it.",
    "Shout-out to @maker for the amazing %p build! Kudos 👏",
    "What do you think about the new %p FAQ? Tell us below.",
    "We recycle 100% of %p packaging. Here’s how you can recycle yours.",
    "Flash SALE: 20% off every %p! Shop now, link in bio 🛍️ #sale",
    "Buy now: the %p is only $19.99 this week. Limited time deal!",
    "Proud to announce our new %p — award-winning design.",
    "Order now and get free shipping on all %p orders.",
    "No purchase necessary: enter the %p photo contest.",
    "Good morning from the team! ☀️ Our %p lab is open.",
    "Not a sale, just a photo of our %p in the wild.",
    "Thanks Maria, we're on it — can you DM us your order number?",
]
let products = ["router", "headphones", "smart lamp", "bike", "coffee maker", "running shoes", "tablet"]

/// `count` short posts (about 60 bytes each).
func shortPosts(_ count: Int, seed: UInt64 = 42) -> [[UInt8]] {
    var rng = LCG(seed)
    return (0..<count).map { _ in
        let t = rng.pick(postTemplates)
        return Array(t.replacingOccurrences(of: "%p", with: rng.pick(products)).utf8)
    }
}

/// Byte storage that outlives the rows pointing into it.
final class TextArena {
    var storage: UnsafeMutableBufferPointer<UInt8>
    var used = 0
    init(capacity: Int) { storage = .allocate(capacity: capacity) }
    deinit { storage.deallocate() }
    func add(_ bytes: [UInt8]) -> UnsafeBufferPointer<UInt8> {
        let start = used
        for (i, b) in bytes.enumerated() { storage[start + i] = b }
        used += bytes.count
        return UnsafeBufferPointer(rebasing: storage[start..<used])
    }
}

/// Synthetic interactions: posts, inbound comments/messages with answers,
/// leads and purchases, over 200 accounts. Bodies point into `arena`.
func syntheticRows(_ n: Int, withText: Bool, arena: TextArena) -> [Interaction] {
    var rng = LCG(7)
    let posts = shortPosts(512)
    let names = ["Maria Lopez", "José García", "Chen Wang", "Priya Shah", "@user88"].map { arena.add(Array($0.utf8)) }
    let bodies = posts.map { arena.add($0) }
    let start: Int64 = 1_767_225_600_000_000
    var rows: [Interaction] = []
    rows.reserveCapacity(n)
    var id: Int64 = 1
    while rows.count < n {
        let account = Int64(rng.next() % 200)
        let contact = account * 10_000 + Int64(rng.next() % 500)
        let channel = Int32(rng.next() % 5)
        let t = start + Int64(rng.next() % (90 * 86_400)) * 1_000_000
        let body = withText ? bodies[Int(rng.next() % UInt64(bodies.count))] : nil
        switch rng.next() % 10 {
        case 0, 1:
            rows.append(Interaction(id: id, accountID: account, channel: channel, kind: 0, inbound: false,
                                    hasMedia: rng.next() % 2 == 0, createdAt: t, body: body))
        case 2...7:
            let kind: Int32 = [2, 3, 4, 5][Int(rng.next() % 4)]
            rows.append(Interaction(id: id, accountID: account, contactID: contact, channel: channel, kind: kind,
                                    inbound: true, createdAt: t,
                                    authorName: withText ? names[Int(rng.next() % 5)] : nil, body: body))
            if rng.next() % 4 != 0 && rows.count < n {
                id += 1
                rows.append(Interaction(id: id, accountID: account, contactID: contact, parentID: id - 1,
                                        channel: channel, kind: kind == 5 ? 5 : 3, inbound: false,
                                        createdAt: t + Int64(rng.next() % 7200) * 1_000_000, body: body))
            }
        default:
            let kind: Int32 = rng.next() % 2 == 0 ? 7 : 8
            rows.append(Interaction(id: id, accountID: account, contactID: contact, channel: channel, kind: kind,
                                    inbound: true, createdAt: t, value: kind == 8 ? 49.5 : 0))
        }
        id += 1
    }
    return rows
}
