#!/usr/bin/env python3
"""Assertions on a givetake report as Chromium rendered it (--dump-dom).

  check_report.py structure DOM                    page structure, accessibility, no external resources
  check_report.py numbers DOM SCORES.json N        N accounts' numbers equal `givetake score --format json`
  check_report.py count DOM                        prints: overview rows, detail sections, svg charts
  check_report.py text DOM                         prints the page's visible text (for grep)

Exits 1 with a message on the first failed assertion.
"""
import json
import math
import sys
from html.parser import HTMLParser


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []
        # Text and child elements in document order.
        self.content = []

    def all_text(self):
        return "".join(c if isinstance(c, str) else c.all_text() for c in self.content)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "area", "base", "wbr", "embed", "param", "track"}


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root
        self.start_tags = []

    def handle_starttag(self, tag, attrs):
        self.start_tags.append((tag, dict(attrs)))
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        self.cur.content.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.start_tags.append((tag, dict(attrs)))
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        self.cur.content.append(n)

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.content.append(data)


def parse(path):
    t = Tree()
    with open(path, encoding="utf-8") as f:
        t.feed(f.read())
    return t


def fail(msg):
    print("check_report: " + msg, file=sys.stderr)
    sys.exit(1)


# ---- The CLI's number formats (Sources/givetake/Render.swift) -------------
def round_half_away(x):
    f = math.floor(x)
    return f + 1 if x - f >= 0.5 else f


def fixed(v, digits):
    scale = 10 ** digits
    n = round_half_away(abs(v) * scale)
    whole = str(int(n // scale))
    if v < 0 and n > 0:
        whole = "-" + whole
    if digits == 0:
        return whole
    frac = str(int(n % scale))
    return whole + "." + "0" * (digits - len(frac)) + frac


def percent(v):
    return "-" if v is None else fixed(v * 100, 1) + "%"


def opt(v, d):
    return "-" if v is None else fixed(v, d)


def duration(s):
    if s is None:
        return "-"
    t = int(round_half_away(s))
    two = lambda v: "%02d" % v
    if t < 60:
        return "%ds" % t
    if t < 3600:
        return "%dm %ss" % (t // 60, two(t % 60))
    if t < 86400:
        return "%dh %sm" % (t // 3600, two(t // 60 % 60))
    return "%dd %sh" % (t // 86400, two(t // 3600 % 24))


def structure(tree):
    tags = tree.start_tags
    for tag, attrs in tags:
        if tag in ("script", "iframe", "object", "embed", "link", "img", "base", "form"):
            fail("the page has a <%s> element" % tag)
        for k, v in attrs.items():
            if k.startswith("on"):
                fail("<%s> has an event handler attribute %s" % (tag, k))
            if k in ("src", "srcset", "action", "formaction"):
                fail("<%s> loads %s=%r" % (tag, k, v))
            if k in ("href", "xlink:href") and not (v or "").startswith("#"):
                fail("<%s> links outside the page: %s=%r" % (tag, k, v))
        if tag == "style":
            pass
    styles = "".join(n.all_text() for n in tree.root.walk() if n.tag == "style")
    for bad in ("@import", "http:", "https:", "url(\"http", "url(http", "//"):
        if bad in styles.replace("url(#", ""):
            fail("the style sheet references %r" % bad)
    ids = {n.attrs.get("id") for n in tree.root.walk() if n.attrs.get("id")}
    charts = 0
    for n in tree.root.walk():
        if n.tag != "svg" or "defs" in n.attrs.get("class", ""):
            continue
        charts += 1
        if n.attrs.get("role") != "img":
            fail("an <svg> chart lacks role=img")
        labelled = (n.attrs.get("aria-labelledby") or "").split()
        if len(labelled) != 2 or not all(i in ids for i in labelled):
            fail("an <svg> chart is not labelled by a title and a description: %r" % labelled)
        kinds = {c.tag for c in n.children}
        if not {"title", "desc"} <= kinds:
            fail("an <svg> chart lacks <title> or <desc>")
        fig = n.parent
        if fig.tag != "figure" or not any(c.tag == "details" and any(t.tag == "table" for t in c.walk()) for c in fig.children):
            fail("a chart has no data table beside it: %s" % n.all_text()[:80])
    titles = [n.all_text() for n in tree.root.walk() if n.tag == "title" and n.parent.tag == "head"]
    if not titles or not titles[0].startswith("GiveTake report"):
        fail("page title is %r" % titles)
    if not any(n.tag == "h2" and n.all_text() == "Overview" for n in tree.root.walk()):
        fail("no Overview heading")
    print("structure ok: %d charts, all labelled, each with a data table; no scripts or external resources" % charts)


def metrics_of(node):
    out = {}
    for n in node.walk():
        m = n.attrs.get("data-metric")
        if m:
            out.setdefault(m, n.all_text())
    return out


def numbers(tree, scores_path, count):
    with open(scores_path) as f:
        scores = json.load(f)
    accounts = [a for a in scores["accounts"] if a["channel"] is None]
    if len(accounts) < count:
        fail("only %d accounts in the scores" % len(accounts))
    rows = {n.attrs["data-account"]: n for n in tree.root.walk() if n.tag == "tr" and "data-account" in n.attrs}
    sections = {n.attrs["data-account"]: n for n in tree.root.walk() if n.tag == "section" and "data-account" in n.attrs}
    checked = 0
    for a in accounts[:count]:
        aid = str(a["account_id"])
        expect_row = {
            "health": opt(a["health"], 1), "ack_rate": percent(a["ack_rate"]), "sla_rate": percent(a["sla_rate"]),
            "median_ack": duration(a["median_ack_s"]), "give_ratio": percent(a["give_ratio"]),
            "me_index": opt(a["me_index"], 2), "mean_trust": opt(a["mean_trust"], 1),
            "pending": str(a["pending"]), "anomalies": str(a["anomalies"]),
        }
        if aid not in rows:
            fail("account %s has no overview row" % aid)
        got = metrics_of(rows[aid])
        for k, v in expect_row.items():
            if got.get(k) != v:
                fail("overview, account %s, %s: page shows %r, score says %r" % (aid, k, got.get(k), v))
            checked += 1
        if aid not in sections:
            fail("account %s has no detail section" % aid)
        expect_detail = dict(expect_row)
        expect_detail.update({
            "personal_rate": percent(a["personal_rate"]), "appreciative_rate": percent(a["appreciative_rate"]),
            "p90_ack": duration(a["p90_ack_s"]), "give_attributed_leads": str(a["give_attributed_leads"]),
            "conversion_lift": "n/a" if a["conversion_lift"] is None else fixed(a["conversion_lift"], 2) + "×",
            "value_per_ack_contact": opt(a["value_per_ack_contact"], 2),
        })
        got = metrics_of(sections[aid])
        for k, v in expect_detail.items():
            if got.get(k) != v:
                fail("detail, account %s, %s: page shows %r, score says %r" % (aid, k, got.get(k), v))
            checked += 1
        name = a.get("account_name")
        heading = [n.all_text() for n in sections[aid].walk() if n.tag == "h2"][0]
        if name and not heading.startswith(name):
            fail("account %s heading %r lacks its name %r" % (aid, heading, name))
    print("numbers ok: %d values of %d accounts equal the score output" % (checked, count))


def main():
    mode, dom = sys.argv[1], sys.argv[2]
    tree = parse(dom)
    if mode == "structure":
        structure(tree)
    elif mode == "numbers":
        numbers(tree, sys.argv[3], int(sys.argv[4]))
    elif mode == "count":
        rows = sum(1 for n in tree.root.walk() if n.tag == "tr" and "data-account" in n.attrs)
        sections = sum(1 for n in tree.root.walk() if n.tag == "section" and "data-account" in n.attrs)
        charts = sum(1 for n in tree.root.walk() if n.tag == "svg" and n.attrs.get("role") == "img")
        print(rows, sections, charts)
    elif mode == "text":
        body = [n for n in tree.root.walk() if n.tag == "body"][0]
        print(body.all_text())
    else:
        fail("unknown mode " + mode)


if __name__ == "__main__":
    main()
