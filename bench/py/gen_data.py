"""Deterministic synthetic CRM data: the canonical `interactions` table.

Stand-in for `givetake demo --rows N` until the CLI lands (then the harness
uses the CLI; this generator documents what the data must exercise). The
same (rows, seed) always gives byte-identical output.

Every metric of docs/metrics.md gets real work: broadcast posts and shares
with give / take / neutral text (cues, hashtags, <percent_off>, <money>,
negations, both apostrophes, emoji), inbound comments / mentions / replies
/ direct messages that need acknowledgement, replies with and without the
contact's first name or a thank-you, direct-message threads, automated
auto-replies (which acknowledge nothing), unanswered and still-pending
rows, leads and purchases, inbound replies to give posts, likes, and the
anomalies: duplicate ids, self-parents, unknown parents, clock skew and
unknown channel / kind values.

Output: CSV with a header, canonical column order, created_at as
'YYYY-MM-DD HH:MM:SS.ffffff' (UTC), booleans as t/f, NULL as an empty
unquoted field (an empty body never occurs).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys

COLUMNS = ("id", "account_id", "contact_id", "parent_id", "channel", "kind", "inbound", "automated",
           "has_media", "created_at", "author_name", "body", "value")
CHANNELS = ("twitter", "facebook", "instagram", "linkedin", "other")
CHANNEL_W = (40, 25, 20, 10, 5)
EPOCH_US = int(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp()) * 1_000_000
SPAN_US = 180 * 86400 * 1_000_000
END_US = EPOCH_US + SPAN_US + 40 * 86400 * 1_000_000  # as_of: a last post is written then
SLA_S = {"twitter": 3600, "facebook": 4 * 3600, "instagram": 4 * 3600, "linkedin": 86400, "other": 86400}

FIRST = ["Maria", "José", "Anna", "J. Smith", "Chen", "Oliver", "Zoë", "Ahmed", "Priya", "Lucas", "Emma",
         "Noah", "Sofía", "Björn", "Aiko", "Kwame", "Léa", "Mateo", "Olga", "Ravi", "🙂 Sam", "dj_k", "X",
         "Fatima", "Grace", "Ivan", "Yuki", "Ana-Maria", "O'Brien", "Tom"]
LAST = ["Lopez", "García", "Smith", "Müller", "Wang", "Okafor", "Rossi", "Kowalski", "Nguyen", "Brown", ""]

GIVE_POSTS = [
    "How to get the most out of your {p}: a step-by-step guide {link}",
    "5 tips for {p} owners 💡 #tips #howto",
    "New tutorial: troubleshooting {p} connectivity. Here's how to fix it fast.",
    "Join our free webinar on {p} safety next week — learn from the experts",
    "Shout-out to @{h} for the amazing {p} build! Kudos 👏",
    "Congrats to everyone who finished the {p} checklist this month!",
    "What do you think about the new {p} FAQ? Tell us below and share your story.",
    "We recycle 100% of {p} packaging. Here’s how you can recycle yours responsibly.",
    "Free resources for {p} beginners: infographic + white paper via @{h}",
    "Happy to help! Our {p} manual answers most questions, and the answer is on page 3.",
    "Thanks to @{h} for this {p} workaround — h/t to the community",
    "Sustainable {p} care: a quick explainer and a checklist you can print",
]
TAKE_POSTS = [
    "Flash SALE: {n}% off every {p}! Shop now, link in bio 🛍️ #sale",
    "Buy now: the {p} is only ${price} this week. Limited time deal!",
    "Proud to announce our new {p} — award-winning design, best-selling in {n} countries.",
    "Order now and get free shipping on all {p} orders. Promo code SAVE{n}",
    "Don't miss our latest {p} deals: {n}%off with coupon at checkout",
    "Pre-order the {p} today for €{price}. Discount ends Friday!",
    "Clearance: {p} prices slashed — #1 bestselling, world-class quality. Buy {n}, shop more.",
    "Subscribe now for exclusive {p} pricing. Don’t miss out on our latest discounts!",
]
NEUTRAL_POSTS = [
    "Our office is closed on Monday for the holiday. See you Tuesday!",
    "Behind the scenes at the {p} lab today 📸",
    "Good morning from the team! ☀️",
    "Not a sale, just a photo of our {p} in the wild.",
    "No purchase necessary: enter the {p} photo contest.",
    "It was {n} degrees at the {p} meetup. Never without coffee ☕",
    "New blog post about the {p} roadmap {link}",
    "Customer story: how a bakery uses {p} every day — tips inside, but no discount, no deal.",
    "Version 2.{n} of the {p} app is out. Release notes: {link}",
]
INBOUND = [
    "@brand my {p} stopped working after the update, any idea?",
    "Is the {p} available in blue? Thanks!",
    "@brand I've been waiting {n} days for my order #{n}{n} 😡",
    "Love the new {p}!! 😍",
    "How do I reset the {p}? Tried everything.",
    "Where can I buy a {p} near me?",
    "Your support team is great, thx",
    "Can you DM me about the refund for my {p}?",
    "The {p} price went up by $5, why?",
    "my {p} won't turn on. not great, not a deal at all",
]
REPLIES = [
    "{thanks}{name}sorry about that — here's how to fix it: hold the power button for 10 s.",
    "{thanks}{name}we're on it. Can you DM us your order number?",
    "{thanks}{name}the {p} comes in blue and green. Happy to help!",
    "{thanks}{name}you can find a store near you on our site.",
    "{thanks}{name}our team will get back to you today.",
    "{thanks}{name}great question! The answer is in our FAQ.",
    "{thanks}{name}we’ve refunded your order. Anything else we can do for you?",
    "{thanks}{name}good catch, we fixed the typo.",
    "{thanks}{name}use code WELCOME for 10% off your next {p} 😉",
]
THANKS = ["Thanks ", "Thank you ", "We appreciate it, ", "Thx ", "Grateful for the note, ", "", "", "", "Hi ", "Hey "]
AUTO = ["Thanks for your message! We'll reply within 24 hours.", "Auto-reply: our team is away until Monday."]
PRODUCTS = ["router", "headphones", "smart lamp", "bike", "coffee maker", "running shoes", "tablet", "camera"]


def ts(us: int) -> str:
    d = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=us)
    return d.strftime("%Y-%m-%d %H:%M:%S.%f")


class Gen:
    def __init__(self, rows: int, seed: int):
        self.target = rows
        self.r = random.Random(seed)
        self.next_id = 1_000_000
        self.out: list[list] = []

    def nid(self) -> int:
        self.next_id += 1 + self.r.randrange(3)
        return self.next_id

    def fill(self, template: str) -> str:
        r = self.r
        return template.format(p=r.choice(PRODUCTS), n=r.randrange(2, 70), h=f"user{r.randrange(999)}",
                               price=r.choice(["19.99", "5", "1,299.00", "49"]),
                               link=r.choice(["https://ex.am/ple", "(link below)", ""]))

    def emit(self, rid, acc, contact, parent, channel, kind, inbound, automated, media, t, author, body, value=0.0):
        self.out.append([rid, acc, contact, parent, channel, kind, inbound, automated, media, t, author, body, value])

    def account(self, acc: int, rows: int) -> None:
        r = self.r
        ncontacts = max(3, rows // 12)
        contacts = [(acc * 100_000 + i, f"{r.choice(FIRST)} {r.choice(LAST)}".strip()) for i in range(ncontacts)]
        give_bias = r.random()
        start = len(self.out)
        posts = []  # (id, channel, t, is_give)
        while len(self.out) - start < rows:
            t = EPOCH_US + r.randrange(SPAN_US)
            ch = r.choices(CHANNELS, CHANNEL_W)[0]
            x = r.random()
            if x < 0.18:  # broadcast post / share
                kind = "post" if r.random() < 0.8 else "share"
                u = r.random()
                pool = GIVE_POSTS if u < give_bias * 0.8 else TAKE_POSTS if u < 0.85 else NEUTRAL_POSTS
                body = self.fill(r.choice(pool))
                if ch == "twitter" and r.random() < 0.05:
                    body = body + " " + "more details 🙂 " * 20  # too long for twitter
                pid = self.nid()
                auto = r.random() < 0.03
                self.emit(pid, acc, None, None, ch, kind, False, auto, r.random() < 0.5, t, None, body)
                posts.append((pid, ch, t, pool is GIVE_POSTS))
            elif x < 0.80:  # inbound that needs acknowledgement, maybe answered
                cid, name = r.choice(contacts)
                kind = r.choices(["comment", "mention", "reply", "message"], [30, 30, 15, 25])[0]
                parent = None
                if kind in ("comment", "reply") and posts and r.random() < 0.7:
                    p = r.choice(posts)
                    parent, ch = p[0], p[1]
                late = r.random() < 0.01  # arrives just before as_of, never answered: pending or not
                if late:
                    t = END_US - r.randrange(1, 36 * 3600) * 1_000_000
                iid = self.nid()
                self.emit(iid, acc, cid, parent, ch, kind, True, r.random() < 0.02, False, t, name,
                          self.fill(r.choice(INBOUND)) if r.random() < 0.97 else None)
                if late:
                    continue
                if r.random() < 0.15:  # auto-reply: acknowledges nothing
                    self.emit(self.nid(), acc, cid, iid, ch, "reply", False, True, False, t + 5_000_000, None,
                              r.choice(AUTO))
                u = r.random()
                if u < 0.72 - 0.3 * (1 - give_bias):
                    delay_s = min(r.lognormvariate(7.5, 1.8), 20 * 86400)
                    if r.random() < 0.01:
                        delay_s = -r.randrange(1, 600)  # clock skew
                    at = t + int(delay_s * 1_000_000)
                    first = name.split()[0] if name else ""
                    nm = (first.strip(".") + ", ") if r.random() < 0.45 and len(first) > 1 else ""
                    tpl = r.choice(REPLIES).replace("{thanks}", r.choice(THANKS)).replace("{name}", nm)
                    body = self.fill(tpl.replace("{", "{{").replace("}", "}}").replace("{{p}}", "{p}"))
                    if kind == "message" and r.random() < 0.8:  # DM thread: no parent
                        self.emit(self.nid(), acc, cid, None, ch, "message", False, False, False, at, None, body)
                    else:
                        okind = "message" if kind == "message" else r.choice(["reply", "reply", "comment"])
                        self.emit(self.nid(), acc, cid, iid, ch, okind, False, False, False, at, None, body)
                    if r.random() < 0.1:  # a second, later answer
                        self.emit(self.nid(), acc, cid, iid, ch, "reply", False, False, False,
                                  at + r.randrange(1, 86400) * 1_000_000, None, "Following up: is it working now?")
                if r.random() < 0.12:  # conversion later
                    kind2 = "purchase" if r.random() < 0.5 else "lead"
                    value = round(r.uniform(5, 500), 2) if kind2 == "purchase" else 0.0
                    self.emit(self.nid(), acc, cid, None, ch, kind2, True, False, False,
                              t + r.randrange(-3 * 86400, 30 * 86400) * 1_000_000, name, None, value)
            elif x < 0.88:  # likes and inbound replies to posts; some turn into leads
                cid, name = r.choice(contacts)
                if posts:
                    p = r.choice(posts)
                    kind = "like" if r.random() < 0.6 else "share"
                    self.emit(self.nid(), acc, cid, p[0], p[1], kind, True, False, False, p[2] + r.randrange(1, 86400) * 1_000_000,
                              name, None if kind == "like" else "Sharing this!")
                    if p[3] and r.random() < 0.3:
                        self.emit(self.nid(), acc, cid, None, p[1], "lead", True, False, False,
                                  p[2] + r.randrange(86400, 40 * 86400) * 1_000_000, name, None)
            elif x < 0.93:  # outbound message to a contact, give or take
                cid, name = r.choice(contacts)
                pool = GIVE_POSTS if r.random() < 0.5 else TAKE_POSTS
                self.emit(self.nid(), acc, cid, None, ch, r.choice(["message", "mention"]), False, False, False, t,
                          None, self.fill(r.choice(pool)))
            elif x < 0.97:  # purchases without prior contact
                cid, name = r.choice(contacts)
                self.emit(self.nid(), acc, cid, None, ch, "purchase", True, False, False, t, name, None,
                          round(r.uniform(5, 900), 2))
            else:  # anomalies
                y = r.random()
                src = self.out[r.randrange(start, len(self.out))] if len(self.out) > start else None
                plain = (src is not None and src[4] in CHANNELS and src[5] != "story"
                         and src[3] not in (src[0], 999_999_999_999))
                if y < 0.35 and plain:  # duplicate id, the later copy is dropped
                    dup = list(src)
                    dup[9] = src[9] + r.randrange(1, 3600) * 1_000_000
                    self.out.append(dup)
                elif y < 0.55:
                    rid = self.nid()
                    cid, name = r.choice(contacts)
                    self.emit(rid, acc, cid, rid, ch, "comment", True, False, False, t, name, "Self-parented comment")
                elif y < 0.75:
                    cid, name = r.choice(contacts)
                    self.emit(self.nid(), acc, cid, 999_999_999_999, ch, "reply", True, False, False, t, name,
                              "Reply to a deleted tweet")
                else:
                    bad_ch, bad_kind = (("tiktok", "comment") if r.random() < 0.5 else (ch, "story"))
                    self.emit(self.nid(), acc, None, None, bad_ch, bad_kind, False, False, False, t, None,
                              "Unknown channel or kind")

    def run(self) -> list[list]:
        per_account = 2000
        naccounts = max(1, (self.target + per_account - 1) // per_account)
        for a in range(naccounts):
            left = self.target - 1 - len(self.out)
            if left <= 0:
                break
            self.account(1000 + a, min(per_account, left))
        out = self.out[: self.target - 1]
        out.append([self.nid(), 1000, None, None, "twitter", "post", False, False, False, END_US, None,
                    "That's all for this season. Thanks to everyone who joined us!", 0.0])
        return out


def write_csv(rows, f) -> None:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        rec = list(r)
        for i in (6, 7, 8):
            rec[i] = "t" if rec[i] else "f"
        rec[9] = ts(rec[9])
        rec = ["" if v is None else v for v in rec]
        w.writerow(rec)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default="-")
    a = ap.parse_args(argv)
    rows = Gen(a.rows, a.seed).run()
    if a.out == "-":
        write_csv(rows, sys.stdout)
    else:
        with open(a.out, "w", newline="", encoding="utf-8") as f:
            write_csv(rows, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
