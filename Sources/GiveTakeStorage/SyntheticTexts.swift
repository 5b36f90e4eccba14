// Phrase material for SyntheticData: realistic give posts (teaching,
// helping, crediting, inviting), take posts (sales, self-promotion), what
// customers write, and how agents answer, with "{n}" for a first name.

enum Texts {
    static func b(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }

    static let givePosts = b([
        "How to winterize your tent in 5 steps: a quick guide for first-timers",
        "Tips for choosing the right savings account. Our free checklist helps you compare fees.",
        "Here's how to descale your espresso machine at home (tutorial in the thread)",
        "Join our free webinar on budgeting basics this Thursday. Bring your questions!",
        "Shout-out to @trailcrew for cleaning up the river path this weekend. Kudos!",
        "What do you think: which hiking trail should we map next? Tell us below.",
        "Learn how we recycle 90% of our packaging, and how you can too.",
        "Congrats to everyone who finished the 30-day savings challenge!",
        "Share your best camping photo with us and we'll feature the community's favourites.",
        "Safety first: 3 tips for driving in snow. Save this infographic.",
        "Thanks to our volunteers for 1,000 hours at the food bank this year.",
        "Quick fix if your router keeps dropping: restart it, then update the firmware. Here's how.",
        "New guide: how to read your energy bill in two minutes.",
    ])

    static let takePosts = b([
        "Big sale: 20% off all jackets this weekend only. Shop now!",
        "Proud to announce our new premium account. Subscribe now, limited time offer.",
        "Order now and get free shipping on every order over $50.",
        "Our latest espresso blend is here. Buy today, don't miss it! #sale",
        "Flash deal: phones from $199. Use promo code SAVE15 at checkout.",
        "We are the #1 award-winning bank in the region. Link in bio.",
        "Pre-order our best-selling backpack today, 15% off for members.",
        "Don't miss our Black Friday discount: everything 30%off!",
        "Our new fiber plan: unbeatable price, buy now.",
        "We're excited about our new store opening. Come and shop with us!",
    ])

    static let inbound = b([
        "My order still hasn't arrived, any update?",
        "The app keeps crashing when I open my statement.",
        "Is the store on Main Street open on Sunday?",
        "Loved the guide, thank you! Does it work for older models too?",
        "I've been waiting 40 minutes on the phone line...",
        "Can I change the delivery address for my order?",
        "Your coffee saved my morning ☕ keep it up",
        "Why was I charged twice this month?",
        "Any plans to ship to Norway?",
        "The tutorial link is broken",
        "Great post! Which size would you recommend for a family of four?",
        "No signal in my area since yesterday.",
    ])

    static let thankfulReplies = b([
        "Thanks {n}, so sorry about the wait. Could you DM us your order number?",
        "Thank you for flagging this {n}! We've passed it to the team and will update you today.",
        "{n}, we appreciate your patience. The fix is rolling out now.",
        "Good catch {n}, the link is fixed. Thanks for letting us know!",
        "Great question {n}! Yes, it works for every model since 2019.",
        "Thx {n}! Glad it helped.",
    ])

    static let plainReplies = b([
        "Hi {n}, please send us a DM with your account details and we'll look into it.",
        "{n}, the store is open 10-4 on Sundays.",
        "Hi {n}, we've refunded the second charge; you'll see it in 3-5 days.",
        "Sorry to hear that {n}. Our engineers are on it; we'll post an update here.",
        "Hi {n}, you can change the address under Orders > Edit until it ships.",
        "We ship to Norway from next month {n}!",
    ])

    static let autoReplies = b([
        "Thanks for your message! Our team is away right now and will reply within 24 hours.",
        "We received your message. An agent will be with you shortly.",
    ])

    /// Appended to a few Twitter posts so that channel_fit is not always 1.
    static let longTail = Array((" " + String(repeating: "More details in the full story on our blog. ", count: 7)).utf8)

    static let firstNames = b([
        "Maria", "James", "Aisha", "Chen", "Lucas", "Sofia", "Olivia", "Noah", "José", "Zoë", "Priya", "Liam",
        "Emma", "Mateo", "Hana", "Ali", "Freya", "Kofi", "Ingrid", "Tomás",
    ])

    static let lastNames = b([
        "Smith", "García", "Okafor", "Nguyen", "Müller", "Rossi", "Kim", "Johansson", "Silva", "Cohen",
    ])
}
