"""The format readers: what entries each document gives, and that no document can make a reader fail badly."""
from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlbot
from mlbot.ingest import SkippedFile, discover, parse_file, take_warnings
from mlbot.ingest.asciidoc import asciidoc_markdown, parse_asciidoc
from mlbot.ingest.html import parse_html
from mlbot.ingest.markdown import parse_markdown, parse_mdx
from mlbot.ingest.notebook import parse_notebook
from mlbot.ingest.org import org_markdown, parse_org
from mlbot.ingest.pdf import pdf_text
from mlbot.ingest.rst import parse_rst
from mlbot.ingest.tables import parse_csv, parse_json, parse_jsonl, parse_tsv, parse_yaml
from mlbot.ingest.text import parse_text
from mlbot.ingest.xmlfaq import parse_xml
from mlbot.model import Entry

READERS = {
    "md": parse_markdown, "rst": parse_rst, "txt": parse_text, "html": parse_html,
    "csv": parse_csv, "tsv": parse_tsv, "json": parse_json, "jsonl": parse_jsonl, "yml": parse_yaml,
    "org": parse_org, "adoc": parse_asciidoc, "mdx": parse_mdx, "xml": parse_xml, "ipynb": parse_notebook,
}


@pytest.fixture(autouse=True)
def _no_leftover_warnings():
    take_warnings()
    yield
    take_warnings()


def by_question(entries: list[Entry]) -> dict[str, Entry]:
    return {q: e for e in entries for q in e.questions}


def everything(entries: list[Entry]) -> str:
    return "\n".join(e.text + "\n" + "\n".join(e.questions) for e in entries)


# --- Markdown ---------------------------------------------------------------------------------------------------

GUIDE_MD = """\
---
title: parrot front matter
---
# Guide

Intro paragraph
that wraps.

## How do I install it?

Run this:

```bash
pip install mlbot
# a comment, not a heading
```

- one
- two

### Details

    indented code

## Setup

Plain text under setup.

Setext title
============

Under the setext title.
"""


def test_markdown_question_heading_answer_keeps_code_lists_and_subsections():
    faq = by_question(parse_markdown(GUIDE_MD, "guide.md"))["How do I install it?"]
    assert faq.text == (
        "Run this:\n\n```bash\npip install mlbot\n# a comment, not a heading\n```\n\n- one\n- two\n\n"
        "### Details\n\n    indented code"
    )
    assert faq.id == "guide.md:9"
    assert faq.source.line == 9
    assert faq.headings == ("Guide",)
    assert faq.source.heading == "Guide"


def test_markdown_paragraphs_carry_their_heading_chain_and_first_line():
    entries = parse_markdown(GUIDE_MD, "guide.md")
    paragraphs = [(e.text, e.headings, e.source.heading, e.source.line) for e in entries if not e.questions]
    assert paragraphs == [
        ("Intro paragraph that wraps.", ("Guide",), "Guide", 6),
        ("Plain text under setup.", ("Guide", "Setup"), "Setup", 27),
        ("Under the setext title.", ("Setext title",), "Setext title", 32),
    ]
    assert [e.id for e in entries] == ["guide.md:6", "guide.md:9", "guide.md:27", "guide.md:32"]
    assert "parrot" not in everything(entries)          # the front matter is not content
    assert "a comment, not a heading" not in {h for e in entries for h in e.headings}


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_markdown_headings_inside_fences_are_code(fence):
    doc = f"## What does it print?\n\n{fence}\n# not a heading?\n\n## nor this?\n{fence}\n\nThe end.\n"
    entries = parse_markdown(doc, "f.md")
    assert len(entries) == 1
    assert entries[0].text == f"{fence}\n# not a heading?\n\n## nor this?\n{fence}\n\nThe end."


def test_markdown_section_ends_at_same_or_higher_heading_and_nested_question_is_its_own_entry():
    doc = (
        "# Top\n\n## Is it free?\n\nYes.\n\n### Licence\n\nMIT.\n\n### Can I sell it?\n\nAlso yes.\n\n"
        "## Other\n\nUnrelated.\n"
    )
    entries = by_question(parse_markdown(doc, "n.md"))
    assert entries["Is it free?"].text == "Yes.\n\n### Licence\n\nMIT."
    assert entries["Can I sell it?"].text == "Also yes."
    assert entries["Can I sell it?"].headings == ("Top", "Is it free?")
    assert "Unrelated" not in entries["Can I sell it?"].text


@pytest.mark.parametrize("doc, question, answer", [
    ("**Q: How do I log in?**\nUse your email.\n", "How do I log in?", "Use your email."),
    ("**How do I log in?**\n\nUse your email.\n", "How do I log in?", "Use your email."),
    ("**Q:** How do I log in?\nUse your email.\n", "How do I log in?", "Use your email."),
    ("Q: How do I log in?\nA: Use your email.\n", "How do I log in?", "Use your email."),
    ("Q: Login\n\nA: Use your email.\nOr your phone.\n", "Login", "Use your email.\nOr your phone."),
])
def test_markdown_bold_and_q_a_questions(doc, question, answer):
    (entry,) = parse_markdown(doc, "qa.md")
    assert entry.questions == (question,)
    assert entry.text == answer
    assert entry.source.line == 1


def test_markdown_tables_list_items_and_marked_headings_of_questions():
    doc = ("# FAQ\n\n| Question | Answer |\n|---|---|\n| What are your hours? | 8:00 to 18:00.<br>Closed Sundays. |\n"
           "| Can I pay by card? | Yes \\| any card. |\n\n- **Q:** Do I need to book?\n  **A:** Yes, online.\n"
           "- **Q:** Is there parking?\n  **A:** No.\n\n#### Q: Are dogs allowed?\n\nOn a lead.\n\n## Plans\n\n"
           "| Plan | Price |\n|---|---|\n| Basic | $5 |\n")
    assert [(e.id, e.questions, e.text) for e in parse_markdown(doc, "f.md")] == [
        ("f.md:5", ("What are your hours?",), "8:00 to 18:00.\nClosed Sundays."),
        ("f.md:6", ("Can I pay by card?",), "Yes | any card."),
        ("f.md:8", ("Do I need to book?",), "Yes, online."),
        ("f.md:10", ("Is there parking?",), "No."),
        ("f.md:13", ("Are dogs allowed?",), "On a lead."),
        ("f.md:19", (), "| Plan | Price |\n|---|---|\n| Basic | $5 |"),   # not a table of questions: kept as written
    ]


def test_markdown_details_bold_leads_dotted_pairs_and_numbered_bold_questions():
    doc = ("# Tool\n\nIntro.\n\n<details><summary>Which Python versions?</summary>\n\n3.9 to 3.13, pin `tool<2.0`."
           "\n\n</details>\n\n**Is it free?** Yes, MIT licensed.\n\nQ. How do I join?\nA. Bring ID.\n\n"
           "1. **Where do lessons start?**\n\n   At your home.\n   Or at work.\n\n## More\n\nEnd.\n")
    assert [(e.id, e.questions, e.text) for e in parse_markdown(doc, "r.md")] == [
        ("r.md:3", (), "Intro."),
        ("r.md:5", ("Which Python versions?",), "3.9 to 3.13, pin `tool<2.0`."),
        ("r.md:11", ("Is it free?",), "Yes, MIT licensed."),
        ("r.md:13", ("How do I join?",), "Bring ID."),
        ("r.md:16", ("Where do lessons start?",), "At your home.\nOr at work."),
        ("r.md:23", (), "End."),
    ]


def test_markdown_q_a_pairs_in_a_row():
    doc = "# FAQ\n\nQ: One?\nA: First.\nQ: Two?\nA: Second.\n"
    entries = parse_markdown(doc, "qa.md")
    assert [(e.questions, e.text, e.source.line, e.headings) for e in entries] == [
        (("One?",), "First.", 3, ("FAQ",)),
        (("Two?",), "Second.", 5, ("FAQ",)),
    ]


def test_markdown_list_attached_to_paragraph_is_one_entry_and_loose_list_stays_whole():
    doc = "# Steps\n\nDo this:\n- a\n- b\n\nSeparate paragraph.\n\n- c\n\n- d\n"
    entries = parse_markdown(doc, "l.md")
    assert [e.text for e in entries] == ["Do this:\n- a\n- b", "Separate paragraph.", "- c\n\n- d"]


@pytest.mark.parametrize("ending, truncated", [("", True), ("\n", False)])
def test_markdown_marks_a_cut_off_last_entry_truncated(ending, truncated):
    entries = parse_markdown("# Notes\n\nFirst one.\n\nAnd then the" + ending, "t.md")
    assert [e.truncated for e in entries] == [False, truncated]


# --- HTML -------------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Help Centre</title>
<meta charset="utf-8"><script>var parrot = "<p>parrot</p>";</script><style>.parrot { color: red }</style>
</head>
<body>
<nav><a href="/">parrot home</a></nav>
<h1>Help Centre</h1>
<p>Fish &amp; chips&nbsp;&mdash; and
     &lt;tags&gt;   spread over lines.</p>
<h2>How do I reset my password?</h2>
<p>Open <b>settings</b>.</p>
<ul><li>Click reset</li><li>Check your mail</li></ul>
<h2>Billing</h2>
<pre>
  def f():
      return 1
</pre>
<blockquote>A quote.</blockquote>
<table><tr><td>Plan</td><td>Price</td></tr></table>
<template><p>parrot</p></template><noscript>parrot</noscript><svg><title>parrot</title><text>parrot</text></svg>
</body></html>
"""


def test_text_q_and_a_pairs_lose_their_markers_and_list_numbers():
    doc = ("Help\n\nQ: How do I\nreset my password?\nA: Use the link.\nQ: Password change\nA: Settings > Password.\n"
           "Q1. Can I pay by card?\nAnswer: Yes, all cards.\n\nQ: What about refunds?\n\nA: Within 30 days.\n\n"
           "4. Where are you?\nWe are in town.\n")
    assert [(e.id, e.questions, e.text) for e in parse_text(doc, "t.txt")] == [
        ("t.txt:3", ("How do I reset my password?",), "Use the link."),   # a question may wrap to its A: line
        ("t.txt:6", ("Password change",), "Settings > Password."),        # marked: a question without "?"
        ("t.txt:8", ("Can I pay by card?",), "Yes, all cards."),
        ("t.txt:11", ("What about refunds?",), "Within 30 days."),
        ("t.txt:15", ("Where are you?",), "We are in town."),
    ]


@pytest.mark.parametrize("reader, doc", [
    (parse_markdown, "# FAQ\n\n## 1. How do I reset it?\n\nIn settings.\n"),
    (parse_markdown, "# FAQ\n\n**2) How do I reset it?**\n\nIn settings.\n"),
    (parse_html, "<h1>FAQ</h1><h3>1. How do I reset it?</h3><p>In settings.</p>"),
    (parse_html, "<dl><dt>12) How do I reset it?</dt><dd>In settings.</dd></dl>"),
])
def test_a_numbered_question_is_asked_without_its_number(reader, doc):
    [entry] = [e for e in reader(doc, "f") if e.questions]
    assert (entry.questions, entry.text) == (("How do I reset it?",), "In settings.")


def test_html_question_heading_answer_runs_to_the_next_heading():
    faq = by_question(parse_html(PAGE, "help.html"))["How do I reset my password?"]
    # Written as Markdown, as it is shown: paragraphs apart, a list as Markdown's.
    assert faq.text == "Open settings.\n\n- Click reset\n- Check your mail"
    assert faq.headings == ("Help Centre",)   # the title and the h1 say the same, so it is shown once
    assert faq.source.line == 10
    assert faq.id == "help.html:10"


def test_html_paragraphs_decode_entities_collapse_whitespace_and_keep_pre():
    entries = [e for e in parse_html(PAGE, "help.html") if not e.questions]
    assert [(e.text, e.headings[-1], e.source.line) for e in entries] == [
        ("Fish & chips \u2014 and <tags> spread over lines.", "Help Centre", 8),
        ("```\ndef f():\n      return 1\n```", "Billing", 15),   # code, as Markdown shows it
        ("A quote.", "Billing", 18),
        ("Plan", "Billing", 19),
        ("Price", "Billing", 19),
    ]
    assert entries[1].headings == ("Help Centre", "Billing")
    assert len({e.id for e in entries}) == len(entries)   # two cells on one line still get their own ids


def test_html_never_indexes_script_text():
    page = PAGE + "<p>after</p><script>parrot()</script><p>x<script>let parrot</script>y</p><script>parrot"
    entries = parse_html(page, "p.html")
    assert entries
    assert all("parrot" not in e.text and "parrot" not in " ".join(e.questions + e.headings) for e in entries)


@pytest.mark.parametrize("hidden", [
    "<script>parrot()</script>", "<style>.parrot { color: red }</style>", "<nav><p>parrot</p> parrot</nav>",
    "<template><p>parrot</p></template>", "<noscript><p>parrot</p></noscript>",
    "<svg><title>parrot</title><text>parrot</text></svg>", "<head>parrot<meta name=parrot></head>",
])
def test_html_hidden_elements_are_never_indexed(hidden):
    entries = parse_html(f"<html>{hidden}<body><p>before</p>{hidden}<p>after</p></body></html>", "h.html")
    assert [e.text for e in entries] == ["before", "after"]


def test_html_page_chrome_of_links_and_controls_is_not_a_paragraph():
    page = (
        '<header><p>Caring since 1998</p><a class="btn" href="/book">Book an appointment</a></header>'
        '<aside><h3>Quick links</h3><ul><li><a href="/book">Book online</a></li><li><a href="/x">Meet us</a></li></ul>'
        '<form><input name="email"><button type="submit">Sign up</button><select><option>Weekly</option></select>'
        '<textarea>Your note</textarea></form></aside>'
        '<main><h1>FAQ</h1><dl><dt>Where are the forms?</dt><dd><a href="/forms">New patient forms</a></dd></dl>'
        '<p>See <a href="/hours">our hours</a> before you come.</p><p><a name="top">Anchored text.</a></p></main>'
        '<footer><p>220 Mill Road · (555) 014-2280</p><p><a href="/p">Privacy</a> | <a href="/a">Access</a></p></footer>'
    )
    entries = parse_html(page, "c.html")
    assert [(e.questions, e.text) for e in entries] == [
        ((), "Caring since 1998"),
        (("Where are the forms?",), "New patient forms"),   # a link that answers a question is kept
        ((), "See our hours before you come."),
        ((), "Anchored text."),   # an anchor is no link
        ((), "220 Mill Road · (555) 014-2280"),
    ]


@pytest.mark.parametrize("page, expected", [
    # Bootstrap: the toggle is a button inside a heading; a label that does not ask stays a heading.
    ('<h1>FAQ</h1><h2><button data-bs-toggle="collapse">How do I pay?</button></h2><div><p>By card.</p></div>'
     '<h2><button>Shipping</button></h2><div>Free over $50.</div>',
     [(("How do I pay?",), "By card.", ("FAQ",)), ((), "Free over $50.", ("FAQ", "Shipping"))]),
    # A button of its own, the answer in the panel after it; a form's button is not read.
    ('<h1>FAQ</h1><button class="accordion">Can I return it?</button><div class="panel"><p>Within 30 days.</p></div>'
     '<button class="accordion">Do you ship abroad?</button><div class="panel"><p>Yes, to the EU.</p></div>'
     '<form><button>Sign up</button></form>',
     [(("Can I return it?",), "Within 30 days.", ("FAQ",)), (("Do you ship abroad?",), "Yes, to the EU.", ("FAQ",))]),
    # A link that opens part of the page.
    ('<h1>FAQ</h1><div><a href="#a1" data-toggle="collapse">Where are you?</a></div><div id="a1"><p>In town.</p></div>',
     [(("Where are you?",), "In town.", ("FAQ",))]),
    # Links to other pages that ask questions answer nothing here, and take no answer from what follows.
    ('<h1>Help</h1><h3>Popular</h3><ul><li><a href="/faq/1">How do I reset it?</a></li>'
     '<li><a href="/faq/2">Can I pay by card?</a></li></ul><p>Call us on 555.</p>',
     [((), "Call us on 555.", ("Help", "Popular"))]),
])
def test_html_accordion_toggles_ask_and_links_elsewhere_do_not(page, expected):
    assert [(e.questions, e.text, e.headings) for e in parse_html(page, "a.html")] == expected


def test_html_bold_questions_open_their_answers():
    page = ("<h1>FAQs</h1><p><strong>Do you deliver?</strong><br>Within 5 miles.</p>"
            "<p><b>Can I order a cake?</b></p><p>Yes, with 5 days' notice.</p><p><strong>Note:</strong> cash only.</p>")
    assert [(e.questions, e.text) for e in parse_html(page, "b.html")] == [
        (("Do you deliver?",), "Within 5 miles."),
        (("Can I order a cake?",), "Yes, with 5 days' notice.\n\nNote: cash only."),   # a bold lead that does not ask
    ]


@pytest.mark.parametrize("table", [
    "<tr><th>Question</th><th>Answer</th></tr><tr><td>Is it free?</td><td>Yes, <em>always</em>.</td></tr>"
    "<tr><td>1. Who teaches?</td><td>Our tutors.</td></tr>",
    "<tr><td>Is it free?</td><td>Yes, <em>always</em>.</td></tr><tr><td>1. Who teaches?</td><td>Our tutors.</td></tr>",
])
def test_html_tables_of_questions_and_answers_are_faq_entries(table):
    entries = parse_html(f"<h1>FAQ</h1><table>{table}</table><p>After.</p>", "t.html")
    assert [(e.questions, e.text, e.headings) for e in entries] == [
        (("Is it free?",), "Yes, always.", ("FAQ",)),
        (("Who teaches?",), "Our tutors.", ("FAQ",)),
        ((), "After.", ("FAQ",)),
    ]


def test_html_a_table_in_an_answer_is_written_as_a_markdown_table():
    page = ("<h4>How much?</h4><p>Prices:</p><table><tr><th>Item</th><th>Price</th></tr>"
            "<tr><td>Shirt</td><td>£3.50</td></tr></table><h4>Open?</h4><ul><li>Mon: 7-10</li></ul>")
    assert [(e.questions, e.text) for e in parse_html(page, "l.html")] == [
        (("How much?",), "Prices:\n\n| Item | Price |\n|---|---|\n| Shirt | £3.50 |"), (("Open?",), "- Mon: 7-10")]


def test_html_a_table_of_data_is_one_entry_written_as_a_markdown_table():
    page = ("<h2>Prices</h2>\n<p>Our plans.</p>\n<table>\n<tr><th>Plan</th><th>Price</th></tr>\n"
            "<tr><td>Basic</td><td>$5 | month</td></tr><tr><td>Pro</td></tr>\n</table>\n<p>After.</p>")
    got = [(e.source.line, e.text, e.headings) for e in parse_html(page, "t.html")]
    assert got == [(2, "Our plans.\n\n| Plan | Price |\n|---|---|\n| Basic | $5 \\| month |\n| Pro |  |", ("Prices",)),
                   (7, "After.", ("Prices",))]   # a cell alone ("$5") answered nothing; the table joins its intro
    # A long table is read in parts of DATA_TABLE_ROWS rows, each under the header row.
    rows = "".join(f"<tr><td>Item {i}</td><td>{i}</td></tr>\n" for i in range(45))
    page = f"<table><tr><th>Item</th><th>Cost</th></tr>\n{rows}</table>"
    parts = [e.text.split("\n") for e in parse_html(page, "l.html")]
    assert [len(p) - 2 for p in parts] == [20, 20, 5] and all(p[0] == "| Item | Cost |" for p in parts)
    assert parts[1][2] == "| Item 20 | 20 |"
    # A table that lays a page out (long cells, several paragraphs in one) leaves its paragraphs as they were.
    layout = (f"<table><tr><td><p>{'Long text. ' * 30}</p></td><td>Side.</td></tr>"
              "<tr><td>Menu</td><td><p>Body.</p><p>More.</p></td></tr></table>")
    assert [e.text for e in parse_html(layout, "p.html")] == [
        ("Long text. " * 30).strip(), "Side.", "Menu", "Body.", "More."]


def test_html_page_chrome_named_by_class_or_id_is_not_read():
    page = ('<div class="cookie-banner"><p>We use cookies.</p><div><p>Accept?</p></div></div>\n'
            '<div id="breadcrumbs"><span>Home</span> / <span>Team</span></div>\n'
            '<div class="page-metadata">Created by Ann, last modified by Bo</div>\n'
            '<div class="toc-macro"><p class="toc-title">Contents</p><ul><li>1 Welcome</li></ul></div>\n'
            '<h2>Welcome <span class="mw-editsection">[<a href="?edit">edit</a>]</span></h2>\n'
            '<p>Hello <span class="tocnumber">team</span>.</p>\n'
            '<div class="cookie-policy"><p>We keep cookies 30 days.</p></div>')
    got = [(e.source.line, e.text, e.headings) for e in parse_html(page, "w.html")]
    assert got == [(6, "Hello team.", ("Welcome",)), (7, "We keep cookies 30 days.", ("Welcome",))]
    # One never closed would hide the rest of the page: then such elements are read as any other.
    unclosed = '<div class="cookie-banner"><p>We use cookies.</p>\n<h2>Hours</h2><p>Open at nine.</p>'
    assert [e.text for e in parse_html(unclosed, "u.html")] == ["We use cookies.", "Open at nine."]


def test_html_short_labels_above_a_pages_first_heading_are_its_header():
    page = ('<html><body><div id="top"><span>Platform Team</span></div><p>Contents</p>\n'
            '<p>Read this first.</p><h1>Onboarding</h1><p>Welcome aboard.</p><p>Ask Ann</p></body></html>')
    assert [e.text for e in parse_html(page, "w.html")] == ["Read this first.", "Welcome aboard.", "Ask Ann"]
    # On a page without headings they are all it says; in an answer's HTML (no <html> or <body>) they are answers.
    assert [e.text for e in parse_html("<html><body><p>Open daily</p><p>Call Ann</p></body></html>", "p.html")] == [
        "Open daily", "Call Ann"]
    assert [e.text for e in parse_html("<p>Yes</p><h2>Hours</h2><p>Nine</p>", "a.html")] == ["Yes", "Nine"]


def test_html_an_answer_stops_at_the_footer_and_a_sidebar_keeps_its_headings():
    page = ("<h1>Help</h1><h2>Where are you?</h2><p>In town.</p>"
            "<aside><h2>Recent posts</h2><p>Our new rye.</p></aside><p>Body text.</p>"
            "<h3>Was this page helpful?</h3><button>Yes</button>"
            "<footer><form><label>Search this site</label></form><p>12 Bank St.</p></footer>")
    assert [(e.questions, e.text, e.headings) for e in parse_html(page, "f.html")] == [
        (("Where are you?",), "In town.", ("Help",)),
        ((), "Our new rye.", ("Help", "Recent posts")),
        ((), "Body text.", ("Help",)),   # the sidebar's heading ended with it
        ((), "12 Bank St.", ("Help",)),  # and a question with nothing after it answers nothing
    ]


def test_html_head_without_its_end_tag_hides_only_itself():
    entries = parse_html("<html><head><title>T</title><p>Visible text.</p>", "h.html")
    assert [(e.text, e.headings) for e in entries] == [("Visible text.", ("T",))]


def test_html_definition_terms_and_summaries_that_ask_are_faq_entries():
    page = (
        "<h2>Plans</h2><dl><dt>What is a seat?</dt><dd>One user.</dd><dt>Term</dt><dd>Meaning</dd></dl>"
        "<details><summary>Can I cancel?</summary><p>Any time.</p></details><p>Outside.</p>"
    )
    entries = parse_html(page, "d.html")
    assert [(e.questions, e.text, e.headings) for e in entries] == [
        (("What is a seat?",), "One user.", ("Plans",)),
        ((), "**Term**  \nMeaning", ("Plans",)),   # a term that does not ask heads its definition
        (("Can I cancel?",), "Any time.", ("Plans",)),
        ((), "Outside.", ("Plans",)),
    ]


def test_html_deeply_nested_elements_parse():
    depth = 20000
    page = "<div>" * depth + "<p>deep text</p>" + "</div>" * depth
    assert [e.text for e in parse_html(page, "deep.html")] == ["deep text"]


@pytest.mark.parametrize("page", ["<![if IE]>old<![endif]><p>ok</p>", "<![foo<p>ok</p>", "<!x><p>ok</p>", "<p>ok</p><!["])
def test_html_odd_declarations_do_not_stop_the_page(page):
    assert "ok" in [e.text for e in parse_html(page, "o.html")]


# --- CSV and TSV ------------------------------------------------------------------------------------------------

QNA_EXPORT = (
    "Question,Answer,Source,Metadata\r\n"
    'How do I reset my password?,"Go to settings.\r\nThen click reset.",Editorial,\r\n'
    "What is mlbot?,An offline FAQ bot.,Editorial,\r\n"
    'Forgot my password,"Go to settings.\r\nThen click reset.",Editorial,\r\n'
    'How do I reset my password?,"Go to settings.\r\nThen click reset.",Editorial,\r\n'
)


def test_csv_qna_maker_export_merges_rows_sharing_an_answer():
    entries = parse_csv(QNA_EXPORT, "kb.csv")
    assert [(e.questions, e.text, e.source.line, e.id) for e in entries] == [
        (("How do I reset my password?", "Forgot my password"), "Go to settings.  \nThen click reset.", 2, "kb.csv:2"),
        (("What is mlbot?",), "An offline FAQ bot.", 4, "kb.csv:4"),
    ]
    assert all(e.source.path == "kb.csv" and e.source.heading is None for e in entries)


@pytest.mark.parametrize("reader", [parse_tsv, parse_csv])   # a tab-separated header is recognised in a .csv too
def test_tsv_qna_maker_export(reader):
    text = "Question\tAnswer\tSource\tMetadata\nWhat is it?\tA bot.\tEditorial\t\nWhat's this?\tA bot.\tx\t\n"
    (entry,) = reader(text, "kb.tsv")
    assert entry.questions == ("What is it?", "What's this?")
    assert entry.text == "A bot."


@pytest.mark.parametrize("header", ["question,answer", "QUESTIONS,Answers", "Q,A", "query,response", " Question , Answer "])
def test_csv_header_names(header):
    (entry,) = parse_csv(f"{header}\nIs it fast?,Yes.\n", "h.csv")
    assert (entry.questions, entry.text, entry.source.line) == (("Is it fast?",), "Yes.", 2)


@pytest.mark.parametrize("header", ["FAQ Question,FAQ Answer (EN),Category", "Answer ID,Question text,Answer text"])
def test_csv_columns_named_in_more_words(header):
    row = "How?,Like so.,x" if header.startswith("FAQ") else "7,How?,Like so."
    assert [(e.questions, e.text) for e in parse_csv(f"{header}\n{row}\n", "f.csv")] == [(("How?",), "Like so.")]


def test_csv_id_column_blank_rows_and_empty_answers():
    text = 'id,question,answer\nfaq-1,Who?,"Us, mostly."\n\n,,\nfaq-3,Unanswered?,\n,,Answer without question.\n'
    entries = parse_csv(text, "i.csv")
    assert [(e.id, e.questions, e.text, e.source.line) for e in entries] == [
        ("faq-1", ("Who?",), "Us, mostly.", 2),
        ("faq-3", ("Unanswered?",), "", 5),
        ("i.csv:6", (), "Answer without question.", 6),
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "name,value\nx,y\n", "question\nonly questions?\n", "Answer,Notes\na,b\n"])
def test_csv_without_question_and_answer_columns_is_refused(text):
    with pytest.raises(ValueError, match=r"no question and answer columns in the header; expected e\.g\. 'Question,Answer'"):
        parse_csv(text, "bad.csv")


# --- JSON and JSON Lines ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("doc", [
    [{"question": "Is it free?", "answer": "Yes."}],
    {"faq": [{"question": "Is it free?", "answer": "Yes."}]},
    {"data": {"items": [{"Question": "Is it free?", "Answer": "Yes."}]}},
    {"qnaDocuments": [{"id": 1, "answer": "Yes.", "questions": ["Is it free?"], "metadata": []}]},
    {"question": "Is it free?", "text": "Yes."},
])
def test_json_shapes(doc):
    (entry,) = parse_json(json.dumps(doc, indent=2), "faq.json")
    assert (entry.questions, entry.text) == (("Is it free?",), "Yes.")


def test_csv_delimiter_is_the_one_that_splits_the_header_and_json_groups_are_headings():
    rows = parse_csv('question;answer\r\n"Price?";"28 €; 7 € per extra adult"\r\nDogs?;Yes\r\n', "c.csv")
    assert [(e.questions, e.text) for e in rows] == [(("Price?",), "28 €; 7 € per extra adult"), (("Dogs?",), "Yes")]
    doc = json.dumps({"categories": [
        {"name": "Billing", "items": [{"question": "When is my bill due?", "answer": "On the 1st."}]},
        {"name": "Roaming", "items": [{"question": "Does it work abroad?", "answer": "In the EU."}]}]}, indent=1)
    assert [(e.questions, e.text, e.headings, e.source.heading) for e in parse_json(doc, "g.json")] == [
        (("When is my bill due?",), "On the 1st.", ("Billing",), "Billing"),
        (("Does it work abroad?",), "In the EU.", ("Roaming",), "Roaming"),
    ]


def test_csv_header_below_a_title_row_and_json_lists_side_by_side():
    rows = parse_csv("\ufeffSociety FAQ - exported 2024-03-01,,,\nTimestamp,Question,Answer,Owner\n1,Rent?,£64 a year,Jo\n",
                     "g.csv")
    assert [(e.id, e.questions, e.text) for e in rows] == [("g.csv:3", ("Rent?",), "£64 a year")]
    doc = json.dumps({"faq": {"en": [{"q": "Open?", "a": "Always."}], "fr": [{"q": "Ouvert ?", "a": "Toujours."}]}})
    assert [(e.questions, e.text, e.headings) for e in parse_json(doc, "p.json")] == [
        (("Open?",), "Always.", ("en",)), (("Ouvert ?",), "Toujours.", ("fr",))]


def test_json_alternate_questions_ids_and_lines():
    doc = [
        {"id": 7, "questions": ["How do I log in?", "Sign in?"], "answer": "Use your email."},
        {"question": "Where are my files?", "answer": "In the cloud.", "id": "files"},
        {"question": "Can I log in with Google?", "answer": "Use your email."},
        {"note": "neither question nor answer: skipped"},
        "not an object",
        {"question": "Is it ünïcode?", "answer": "Yes."},
    ]
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    entries = parse_json(text, "faq.json")
    lines = text.splitlines()
    assert [(e.id, e.questions, e.text) for e in entries] == [
        ("7", ("How do I log in?", "Sign in?", "Can I log in with Google?"), "Use your email."),
        ("files", ("Where are my files?",), "In the cloud."),
        (f"faq.json:{entries[2].source.line}", ("Is it ünïcode?",), "Yes."),
    ]
    for entry in entries:   # each entry's line is the `{` that opens its (first) object
        assert lines[entry.source.line - 1].strip() == "{"
        assert entry.questions[0] in "\n".join(lines[entry.source.line:entry.source.line + 4])


@pytest.mark.parametrize("text", ["[]", "{}", '{"faq": []}', '[{"title": "x"}]', '"just a string"', "42", "[1, 2]"])
def test_json_with_nothing_usable_is_refused(text):
    with pytest.raises(ValueError, match="expected a list of objects"):
        parse_json(text, "bad.json")


RST_FAQ = """\
=============
 Ferry guide
=============

.. contents::
   :local:

Getting started
===============

Welcome aboard. See :ref:`tickets <tickets-label>` and `our site <https://example.org>`_.

.. note::
   Timetables change every season.

Tickets
-------

How much is a return?
    £12.40 for adults.
    Children travel free::

        fare --child

Is there wifi on board?
~~~~~~~~~~~~~~~~~~~~~~~

Yes, use ``ferry-guest``.

.. image:: ferry.png
   :alt: the ferry

.. a comment
   on two lines
"""


def test_rst_titles_definition_questions_directives_and_roles(tmp_path):
    (tmp_path / "guide.rst").write_text(RST_FAQ, encoding="utf-8")
    [doc] = discover([tmp_path])
    got = [(e.source.line, e.questions, e.text, e.headings) for e in parse_file(doc)]
    assert got == [
        (11, (), "Welcome aboard. See tickets and our site.", ("Ferry guide", "Getting started")),
        (14, (), "Timetables change every season.", ("Ferry guide", "Getting started")),   # a note's text is kept
        (19, ("How much is a return?",), "£12.40 for adults.\nChildren travel free:\n\n    fare --child",
         ("Ferry guide", "Getting started", "Tickets")),   # a definition list's term that asks, its literal block kept
        (25, ("Is there wifi on board?",), "Yes, use `ferry-guest`.", ("Ferry guide", "Getting started", "Tickets")),
    ]   # the table of contents, the image and the comment give nothing; lines are the document's own
    code = parse_rst("How do I run it?\n================\n\nType:\n\n.. code-block:: bash\n\n   ferry --run\n", "r.rst")
    assert [(e.questions, e.text) for e in code] == [(("How do I run it?",), "Type:\n\n\n\n    ferry --run")]   # code


ORG_FAQ = """\
#+TITLE: Maker FAQ
#+OPTIONS: toc:nil
Welcome to the *space*.
* Membership :members:
** How do I join?
   :PROPERTIES:
   :CUSTOM_ID: join
   :END:
   Fill in the form on [[https://maker.example/join][our site]].
# an internal comment
** TODO Can I use the laser?
   After an =induction=:
   #+BEGIN_SRC shell
   laser --book
   #+END_SRC
"""


def test_org_headlines_that_ask_drawers_blocks_and_links():
    got = [(e.source.line, e.questions, e.text, e.headings) for e in parse_org(ORG_FAQ, "m.org")]
    assert got == [
        (3, (), "Welcome to the **space**.", ("Maker FAQ",)),
        (5, ("How do I join?",), "Fill in the form on our site.", ("Maker FAQ", "Membership")),   # the drawer goes
        (11, ("Can I use the laser?",), "After an `induction`:\n```\n   laser --book\n```",   # TODO, tags go
         ("Maker FAQ", "Membership")),
    ]


ADOC_FAQ = """\
= Co-op FAQ
Jo Bloggs <jo@coop.example>
v1.0, 2024-01-01
:toc: left
:fee: £10

// an internal note
== Joining

[[join]]
[qanda]
How do I join?::
  Use the https://coop.example/join[join page].
Is there a fee?::
  Yes, *{fee}* a year.

NOTE: Students pay nothing.

.An example
----
coop join
----
"""


def test_asciidoc_titles_qanda_lists_attributes_and_blocks():
    got = [(e.source.line, e.questions, e.text, e.headings) for e in parse_asciidoc(ADOC_FAQ, "c.adoc")]
    assert got == [
        (12, ("How do I join?",), "Use the join page.", ("Co-op FAQ", "Joining")),   # no blank line between terms
        (14, ("Is there a fee?",), "Yes, **£10** a year.\n\nNote: Students pay nothing.\n\n\n```\ncoop join\n```",
         ("Co-op FAQ", "Joining")),   # the author and revision lines, attributes, anchors and comments give nothing
    ]


def test_asciidoc_preprocessor_lines_say_nothing():
    doc = ("= FAQ\n\ninclude::partials/billing.adoc[]\n\nifdef::env-github[]\nHow do I pay?::\n"
           "By card.\nendif::env-github[]\nifeval::[{level} > 2]\nWhere is it?::\nifndef::short[Next to the station.]\n"
           "endif::[]\n")
    got = [(e.questions, e.text) for e in parse_asciidoc(doc, "f.adoc")]
    assert got == [(("How do I pay?",), "By card."), (("Where is it?",), "Next to the station.")]
    assert "include" not in asciidoc_markdown(doc) and asciidoc_markdown(doc).count("\n") == doc.count("\n")


MDX_FAQ = """\
---
title: FAQ
---
import Tabs from '@theme/Tabs';

{/* keep this short */}

:::tip Looking for error codes?
See the reference.
:::

### How do I install it?

<Tabs>
  <TabItem value="py" label="Python">

```python
import sdk
```

  </TabItem>
</Tabs>

<details>
<summary>Can I get a refund?</summary>

Yes, within 30 days.

</details>
"""


def test_mdx_pages_lose_imports_jsx_and_admonition_fences_but_keep_code():
    got = [(e.questions, e.text, e.headings) for e in parse_mdx(MDX_FAQ, "f.mdx")]
    assert got == [
        ((), "Looking for error codes? See the reference.", ()),   # the admonition's own text stays
        (("How do I install it?",), "```python\nimport sdk\n```", ()),   # an import inside code is code
        (("Can I get a refund?",), "Yes, within 30 days.", ()),   # not under the question before it
    ]


def test_markdown_admonitions_and_toggle_lists_that_ask_are_questions():
    md = ("# Museum\n\n!!! note \"Winter works\"\n    The gallery is closed.\n\n"
          "??? question \"Are you open on Mondays?\"\n    No, Tuesday to Sunday.\n\n"
          "    - except bank holidays\n\n"
          "- Can I bring my own clay?\n    \n    Only ours goes in the kiln.\n\n"
          "- Do you sell vouchers?\n  Yes, from £25.\n\n"
          "[Rules](rules.md)\n\n<aside>\nShared publicly.\n</aside>\n<!-- a note to editors -->\n")
    got = [(e.source.line, e.questions, e.text, e.headings) for e in parse_markdown(md, "m.md")]
    assert got == [
        (3, (), "**Winter works**  \nThe gallery is closed.", ("Museum",)),   # a note: bold title over its text
        (6, ("Are you open on Mondays?",), "No, Tuesday to Sunday.\n\n- except bank holidays", ("Museum",)),
        (11, ("Can I bring my own clay?",), "Only ours goes in the kiln.", ("Museum",)),   # Notion's toggles
        (15, ("Do you sell vouchers?",), "Yes, from £25.", ("Museum",)),
        (18, (), "[Rules](rules.md)", ("Museum",)),   # past the indented answer: no longer part of it
        (21, (), "Shared publicly.", ("Museum",)),   # lines of tags alone, and comments, say nothing
    ]
    # A list of questions without answers under them is a list, not questions.
    assert [e.questions for e in parse_markdown("# T\n\n- Why?\n- How?\n", "l.md")] == [()]
    # A line of HTML that holds text is read as its text; code keeps its tags.
    [kit] = parse_markdown("## What should I wear?\n\n<figure><img src=\"k.png\"><figcaption>Tight kit</figcaption>"
                           "</figure>\n\n<b>Note:</b> no jeans.\n\n```html\n<p>code</p>\n```\n", "k.md")
    assert kit.text == "Tight kit\n\nNote: no jeans.\n\n```html\n<p>code</p>\n```"
    # An autolink alone on its line is text, not a tag.
    assert parse_markdown("## Where is the form?\n\nHere:\n<https://example.org/form>\n", "a.md")[0].text == \
        "Here:\n<https://example.org/form>"
    # Lines of tags in a code block are code: an answer's HTML example keeps them.
    [embed] = parse_markdown("## How do I embed it?\n\n```html\n<div>\n  <p>Hi</p>\n</div>\n```\n<aside>\n", "e.md")
    assert embed.text == "```html\n<div>\n  <p>Hi</p>\n</div>\n```"


def test_markdown_containers_of_vitepress_docusaurus_and_pandoc():
    # Their fences were read as text: "::: tip Large files on Free" ran into the sentences under it.
    md = ("# Uploads\n\nFiles go through the upload page.\n\n::: tip Large files on Free\nOn Free, uploads over "
          "10 MB are dropped.\n:::\n\n:::warning[Virus scan]\nEvery file is scanned.\n:::\n\n"
          "::: details How do I delete an upload?\nClick the bin next to the file.\n:::\n\n::: info\nKept 30 days."
          "\n:::\n\n::: {.aside}\nA Pandoc div with attributes stays as written.\n:::\n")
    got = [(e.questions, e.text) for e in parse_markdown(md, "u.md")]
    assert got == [
        ((), "Files go through the upload page."),
        ((), "**Large files on Free**  \nOn Free, uploads over 10 MB are dropped."),
        ((), "**Virus scan**  \nEvery file is scanned."),
        (("How do I delete an upload?",), "Click the bin next to the file."),
        ((), "Kept 30 days."),
        ((), "::: {.aside} A Pandoc div with attributes stays as written. :::"),
    ]
    # Unclosed, it stays as it is.
    assert [e.text for e in parse_markdown("# T\n\n::: tip Never closed\nText.\n", "t.md")] == \
        ["::: tip Never closed Text."]


def test_html_questions_made_bold_by_a_css_class_google_docs():
    page = ('<html><head><style>.c0{font-weight:400}.c2,.c9{color:#000;font-weight:700}</style></head><body>'
            '<h2>The day</h2><p class="c3"><span class="c2">When does school start?</span></p>'
            '<p><span class="c0">At 8:50am. Stay off for </span><span class="c2">48 hours</span>'
            '<span class="c0"> after a bug.</span></p>'
            '<p><span style="font-weight:bold">Is there a breakfast club?</span></p><p><span>Yes.</span></p>'
            '<p><span class="c0">What about lunch?</span></p><p><span class="c0">Bring one.</span></p></body></html>')
    got = [(e.questions, e.text) for e in parse_html(page, "g.html")]
    assert got == [
        (("When does school start?",), "At 8:50am. Stay off for 48 hours after a bug."),   # bold inside: answer
        (("Is there a breakfast club?",), "Yes.\n\nWhat about lunch?\n\nBring one."),   # not bold: not a question
    ]


def test_markdown_dialects_obsidian_hugo_gitbook_and_myst():
    md = ("+++\ntitle = \"Choir\"\n+++\n# Choir\n\n"
          "> [!faq]- How do I join?\n> Come to any rehearsal, see [[Rehearsals|the page]].\n\n"
          "{{< details \"Do I need to read music?\" >}}\nNo, we teach by ear.\n{{< /details >}}\n\n"
          "{% hint style=\"info\" %}\nRehearsals are on Tuesdays. ![[hall.png|400]] %%not this%%\n{% endhint %}\n\n"
          "(fees)=\n```{dropdown} Is there a fee?\n:open:\nYes, see {ref}`fees`.\n```\n\n"
          ":::{note}\nBring water.\n:::\n\n```{code-block} python\nprint(1)\n```\n")
    got = [(e.source.line, e.questions, e.text) for e in parse_markdown(md, "c.md")]
    assert got == [
        (6, ("How do I join?",), "Come to any rehearsal, see the page."),   # a callout that asks; a wikilink's text
        (9, ("Do I need to read music?",), "No, we teach by ear."),         # a Hugo shortcode that asks
        (14, (), "Rehearsals are on Tuesdays."),   # Liquid tags, an embed and a comment say nothing
        (18, ("Is there a fee?",), "Yes, see fees."),   # a MyST dropdown; its option and the target line go
        (24, (), "Bring water.\n\n```{code-block} python\nprint(1)\n```"),   # a note's text; a code directive stays
    ]                                                                           # code, joined to the text above it


def test_a_code_block_and_an_introduced_list_join_the_paragraph_before_them():
    md = ("# Tool\n\n```bash\nmake\n```\n\n## Install\n\nInstall it with pipx:\n\n```bash\npipx install tool\n```\n\n"
          "Then check it:\n\n    tool --version\n\nYou will need:\n\n- Python 3.10\n- git\n\nNotes follow.\n\n"
          "- not introduced\n")
    got = [(e.source.line, e.text) for e in parse_markdown(md, "r.md")]
    assert got == [
        (3, "```bash\nmake\n```"),   # a block that opens its section stays its own entry
        (9, "Install it with pipx:\n\n```bash\npipx install tool\n```"),
        (15, "Then check it:\n\n    tool --version"),
        (19, "You will need:\n\n- Python 3.10\n- git"),
        (24, "Notes follow."), (26, "- not introduced")]   # a list after a sentence that does not end in ":"
    page = "<h2>Setup</h2>\n<p>Run:</p>\n<pre>make ```x```</pre>\n<p>Done.</p>"
    assert [e.text for e in parse_html(page, "s.html")] == ["Run:\n\n```\nmake ```x```\n```", "Done."]
    page = "<p>Write:</p>\n<pre>```\nmd\n```</pre>"   # a fence inside is outdone by a longer one
    assert [e.text for e in parse_html(page, "s.html")] == ["Write:\n\n````\n```\nmd\n```\n````"]
    table = "## Fees\n\nThe table lists them.\n\n| Plan | Price |\n|---|---|\n| Basic | 5 |\n"
    assert [e.text for e in parse_markdown(table, "f.md")] == [
        "The table lists them.\n\n| Plan | Price |\n|---|---|\n| Basic | 5 |"]


def test_markdown_a_paragraph_of_badges_says_nothing():
    md = ("# tool\n\n[![build](https://img.shields.io/b.svg)](https://ci.example.org) "
          "[![PyPI](https://img.shields.io/p.svg \"PyPI\")](https://pypi.org/x) ![licence](l.svg)\n\n"
          "A tool.\n\n![diagram](d.png) shows the flow.\n")
    assert [e.text for e in parse_markdown(md, "r.md")] == ["A tool.", "![diagram](d.png) shows the flow."]


def test_obsidian_callouts_nested_in_a_callout_are_read_too():
    md = ("# Plot FAQ\n\n> [!faq]- Can I keep chickens?\n> Yes, up to four hens.\n>\n> > [!warning] No cockerels\n"
          "> > Neighbours complain.\n\n> [!note] Fees\n> > [!faq] How much is a plot?\n> > Forty pounds a year.\n")
    got = [(e.source.line, e.questions, e.text) for e in parse_markdown(md, "p.md")]
    assert got == [(3, ("Can I keep chickens?",), "Yes, up to four hens.\n\n**No cockerels**  \nNeighbours complain."),
                   (9, (), "Fees"), (10, ("How much is a plot?",), "Forty pounds a year.")]   # no "> [!" left


def test_json_help_centre_articles_and_drafts():
    doc = {"articles": [
        {"id": 1, "title": "How do I cancel?", "body": "<p>Email us &amp; we stop it.</p>", "draft": False},
        {"id": 2, "title": "Price rise?", "body": "<p>Not yet.</p>", "draft": True},
        {"id": 3, "title": "Opening hours", "body": "6am to 10pm.", "status": "published"}]}
    got = [(e.id, e.questions, e.text) for e in parse_json(json.dumps(doc), "z.json")]
    assert got == [("1", ("How do I cancel?",), "Email us & we stop it."), ("3", ("Opening hours",), "6am to 10pm.")]
    assert take_warnings() == ["z.json: skipped 1 entry marked as a draft or unpublished"]
    # A group's title and description are no article: its items are read.
    grouped = [{"title": "Billing", "description": "Money", "items": [{"question": "Refunds?", "answer": "Yes."}]}]
    assert [(e.questions, e.headings) for e in parse_json(json.dumps(grouped), "g.json")] == [(("Refunds?",), ("Billing",))]


def test_html_questions_by_class_confluence_expand_macros():
    page = ('<h1>IT help</h1><div class="expand-container"><div class="expand-control"><span class="expand-control-icon">'
            '&nbsp;</span><span class="expand-control-text">How do I reset my password?</span></div>'
            '<div class="expand-content"><p>Use the portal.</p></div></div>'
            '<div class="question-list"><p>Our team answers within a day.</p></div>'
            '<div class="faq__question">Is there wifi?</div><div class="faq__answer">Yes.</div>')
    got = [(e.questions, e.text) for e in parse_html(page, "c.html")]
    assert got == [(("How do I reset my password?",), "Use the portal.\n\nOur team answers within a day."),
                   (("Is there wifi?",), "Yes.")]   # "question-list" is no question's class


def test_xml_faq_items_groups_cdata_and_refusals():
    x = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<faq>\n<category name="Borrowing">\n'
         '<item id="b1"><question>How many books?</question><answer>Up to <b>12</b>.</answer></item>\n'
         '<item><question>Can I renew?</question><answer><![CDATA[<p>Yes &amp; online.</p><ul><li>Twice</li></ul>]]>'
         '</answer></item>\n</category>\n<category><title>Fees</title><description>Money</description>\n'
         '<item><question>Late fees?</question><answer>None.</answer></item></category></faq>')
    got = [(e.id, e.source.line, e.questions, e.text, e.headings) for e in parse_xml(x, "l.xml")]
    assert got == [
        ("b1", 4, ("How many books?",), "Up to 12.", ("Borrowing",)),
        ("l.xml:5", 5, ("Can I renew?",), "Yes & online.\n\nTwice", ("Borrowing",)),   # CDATA HTML read as text
        ("l.xml:8", 8, ("Late fees?",), "None.", ("Fees",)),   # a group named by its <title>
    ]
    # An item's details nested in it (<tags><tag>) leave it an item; a group may hold its items deeper down.
    nested = ('<faq><category><title>Fees</title><items><item><question>Late fees?</question><answer>None.</answer>'
              '<tags><tag>fees</tag></tags></item></items></category></faq>')
    assert [(e.questions, e.text, e.headings) for e in parse_xml(nested, "n.xml")] == [(("Late fees?",), "None.",
                                                                                        ("Fees",))]
    drafts = '<faq><item status="draft"><question>New?</question><answer>Soon.</answer></item>' \
             '<item><question>Old?</question><answer>Yes.</answer></item></faq>'
    assert [e.questions for e in parse_xml(drafts, "d.xml")] == [("Old?",)]
    assert take_warnings() == ["d.xml: skipped 1 entry marked as a draft or unpublished"]
    for bad, why in [("<a><b></a>", "not well-formed XML"), ('<!DOCTYPE x [<!ENTITY a "aa">]><x>&a;</x>', "entities"),
                     ("<x><y>1</y></x>", "no questions or answers")]:
        with pytest.raises(ValueError, match=why):
            parse_xml(bad, "b.xml")


def test_a_notebooks_markdown_cells_with_its_code_between():
    nb = {"metadata": {"kernelspec": {"language": "python"}}, "cells": [
        {"cell_type": "markdown", "source": ["# Data FAQ\n", "\n", "## How do I connect?\n", "\n", "Use the package:"]},
        {"cell_type": "code", "source": ["conn = connect()"], "outputs": [{"text": "secret output"}]},
        {"cell_type": "markdown", "source": "## How fresh is it?\n\nRebuilt nightly."}]}
    got = [(e.questions, e.text) for e in parse_notebook(json.dumps(nb), "f.ipynb")]
    assert got == [(("How do I connect?",), "Use the package:\n\n```python\nconn = connect()\n```"),
                   (("How fresh is it?",), "Rebuilt nightly.")]   # outputs are left out
    # A source names the cell an answer starts in, counting every cell (the code cell too), not a line of the JSON.
    places = [(e.source.cell, e.source.place) for e in parse_notebook(json.dumps(nb), "f.ipynb")]
    assert places == [(1, "cell 1"), (3, "cell 3")]
    nb["cells"].insert(0, {"cell_type": "code", "source": ""})   # an empty cell still counts
    assert [e.source.cell for e in parse_notebook(json.dumps(nb), "f.ipynb")] == [2, 4]
    with pytest.raises(ValueError, match="not a Jupyter notebook"):
        parse_notebook('{"cells": 3}', "b.ipynb")


def test_html_a_lone_angle_bracket_is_text_and_comments_keep_the_lines():
    # A "<" that opens no tag is read as text, in one pass (the standard library's parser would read each such "<" to
    # the end of the page: docs/reliability.md).
    page = "<!-- two\nlines -->\n<h2>Is a < b?</h2>\n<p>Yes, <a <a and a<b.</p>\n<!-- never closed"
    got = [(e.source.line, e.questions, e.text) for e in parse_html(page, "c.html")]
    assert got == [(3, ("Is a < b?",), "Yes, <a <a and a<b.")]


def test_link_patterns_keep_their_text_and_leave_a_lone_bracket_alone():
    assert org_markdown("[[a [[https://x.org][the site]] and [[https://y.org]]") == "[[a the site and https://y.org"
    assert asciidoc_markdown("<<a, see <<faq,the FAQ>> or https://x.org[the site") == \
        "<<a, see the FAQ or https://x.org[the site"


def test_help_centre_csv_exports_titles_html_answers_and_drafts():
    csv_text = ('id,title,description,category,status\r\n'
                '11,How long is the install?,"<p>About <strong>2&nbsp;hours</strong>.</p><ul><li>Be home</li>'
                '<li>Clear the wall</li></ul>",Setup &amp; install,published\r\n'
                '12,Will prices rise?,<p>TBC &ndash; do not publish</p>,Billing,draft\r\n'
                '13,Is there a Q&amp;A forum?,Use <b>the forum</b> tag to ask.,Help,published\r\n')
    got = [(e.id, e.questions, e.text) for e in parse_csv(csv_text, "kb.csv")]
    assert got == [
        ("11", ("How long is the install?",), "About 2 hours.\n\n- Be home\n- Clear the wall"),
        ("13", ("Is there a Q&A forum?",), "Use <b>the forum</b> tag to ask."),   # text that mentions a tag stays
    ]
    assert take_warnings() == ["kb.csv: skipped 1 row whose status is draft, archived or unpublished"]


def test_a_newsletter_saved_as_text_is_read_without_its_mail_header():
    text = ("From: Bakery <news@bakery.example>\nTo: Club <club@bakery.example>\nSubject: Your questions\n"
            "Date: Fri, 9 Feb 2024\n\nQ1) Are you open on Mondays?\n\nA1) No, we rest.\n\n* * *\n\nBye.\n")
    got = [(e.source.line, e.questions, e.text, e.headings) for e in parse_text(text, "n.txt")]
    assert got == [
        (6, ("Are you open on Mondays?",), "No, we rest.", ("Your questions",)),   # the subject is the title
        (12, (), "Bye.", ("Your questions",)),   # a rule says nothing
    ]


YAML_FAQ = """\
# a static site's _data/faq.yml
- title: Tickets
  questions:
    - question: Are dogs allowed?
      answer: Yes
    - questions:
        - How much is a return?
        - Return fare?
      answer: |
        £12.40 for adults.

        Children travel free.
- title: On board
  questions:
    - q: When does the cafe open?
      a: 2024-01-31
"""


def test_yaml_faq_groups_lines_and_scalars_read_as_written(tmp_path):
    (tmp_path / "faq.yml").write_text(YAML_FAQ, encoding="utf-8")
    [doc] = discover([tmp_path])
    assert [(e.id, e.questions, e.text, e.headings) for e in parse_file(doc)] == [
        ("faq.yml:4", ("Are dogs allowed?",), "Yes", ("Tickets",)),   # "Yes", not YAML 1.1's true
        ("faq.yml:6", ("How much is a return?", "Return fare?"), "£12.40 for adults.\n\nChildren travel free.",
         ("Tickets",)),
        ("faq.yml:15", ("When does the cafe open?",), "2024-01-31", ("On board",)),   # not a date
    ]
    two = "- question: One?\n  answer: First.\n---\nfaq:\n  - q: Two?\n    a: Second.\n"
    assert [(e.questions, e.source.line) for e in parse_yaml(two, "two.yaml")] == [(("One?",), 1), (("Two?",), 5)]


@pytest.mark.parametrize("text, message", [
    ("a: &x [1, 2]\nb: *x\n", r"aliases \(\*name\) are not read \(line 2\)"),   # the "billion laughs" start so
    ("- question: x\n  answer: !!python/object/apply:os.system [ls]\n", r"could not determine a constructor"),
    ("faq: [1,\n", r"line 2"),
    ("just: text\n", "expected a list of mappings"),
])
def test_yaml_that_is_not_an_faq_is_refused_saying_why(text, message):
    with pytest.raises(ValueError, match=message):
        parse_yaml(text, "bad.yml")


def test_jsonl_skips_a_malformed_line_keeps_the_rest_and_warns():
    text = '{"question": "One?", "answer": "First."}\n{"question": "Two?", "answer": \n\n{"q": "Three?", "a": "Third."}\n'
    entries = parse_jsonl(text, "kb.jsonl")
    assert [(e.questions, e.text, e.source.line, e.id) for e in entries] == [
        (("One?",), "First.", 1, "kb.jsonl:1"),
        (("Three?",), "Third.", 4, "kb.jsonl:4"),
    ]
    assert take_warnings() == ["kb.jsonl: skipped 1 malformed line (line 2)"]


def test_jsonl_merges_alternates_and_warns_once_for_several_bad_lines():
    text = '{"question": "A?", "answer": "Same."}\noops\n{"questions": ["B?", "A?"], "answer": "Same."}\n[1]'
    (entry,) = parse_jsonl(text, "m.jsonl")
    assert entry.questions == ("A?", "B?")
    assert take_warnings() == ["m.jsonl: skipped 2 malformed lines (lines 2, 4)"]


@pytest.mark.parametrize("text", ["not json\n{also not\n", '{"title": "no question"}\n'])
def test_jsonl_with_no_usable_line_is_refused(text):
    with pytest.raises(ValueError):
        parse_jsonl(text, "bad.jsonl")
    assert take_warnings() == []


def test_questions_for_mlbot_eval_beside_the_documents_are_no_faq(tmp_path):
    # `mlbot eval FILE --docs FOLDER` invites keeping FILE in FOLDER: read as an FAQ, each of its questions was an
    # entry "with no answer" that answered itself at 100%.
    (tmp_path / "guide.md").write_text("## Parking\n\nVisitors park free in the lot behind the library.\n")
    (tmp_path / "guide.questions.jsonl").write_text(
        '{"question": "where can visitors park", "expected": "lot behind the library"}\n'
        '{"question": "is there a cafe", "expected": null}\n')
    bot = mlbot.load([str(tmp_path)])
    assert [e.source.path for e in bot.kb.entries()] == ["guide.md"] and bot.kb.n_files == 1
    reply = bot.ask("where can visitors park")
    assert reply.status == "answered" and "behind the library" in reply.best.entry.text
    with pytest.raises(SkippedFile, match="questions for `mlbot eval`"):
        parse_file(discover([tmp_path / "guide.questions.jsonl"])[0])
    mixed = '[{"question": "Hours?", "answer": "Nine to five."}, {"question": "Cafe?", "expected": null}]'
    assert [e.questions for e in parse_json(mixed, "faq.json")] == [("Hours?",)]
    assert take_warnings() == ['faq.json: skipped 1 entry with "expected" and no answer (questions for `mlbot eval`)']
    with pytest.raises(SkippedFile, match="questions for `mlbot eval`"):
        parse_yaml("- question: Hours?\n  expected: Nine to five\n", "eval.yml")


def test_blank_jsonl_is_empty():
    assert parse_jsonl("\n \n", "e.jsonl") == []


# --- Every format: document text is data -------------------------------------------------------------------------

MARKUP = "[bold red]x[/bold red]"
ANSWER_IN = {
    "md": lambda a: f"# Is it safe?\n\n{a}\n",
    "rst": lambda a: f"Is it safe?\n===========\n\n{a}\n",
    "txt": lambda a: f"Title\n\nIs it safe?\n{a}\n",
    "html": lambda a: f"<h2>Is it safe?</h2><p>{a}</p>",
    "csv": lambda a: f"question,answer\nIs it safe?,{a}\n",
    "tsv": lambda a: f"question\tanswer\nIs it safe?\t{a}\n",
    "json": lambda a: json.dumps([{"question": "Is it safe?", "answer": a}]),
    "jsonl": lambda a: json.dumps({"question": "Is it safe?", "answer": a}) + "\n",
    "yml": lambda a: f"- question: Is it safe?\n  answer: |\n    {a}\n",
    "org": lambda a: f"* Is it safe?\n{a}\n",
    "adoc": lambda a: f"== Is it safe?\n\n{a}\n",
    "mdx": lambda a: f"import X from 'x';\n\n### Is it safe?\n\n{a}\n",
    "xml": lambda a: f"<faq><item><question>Is it safe?</question><answer>{_xml_escape(a)}</answer></item></faq>",
    "ipynb": lambda a: json.dumps({"cells": [{"cell_type": "markdown", "source": ["## Is it safe?\n", "\n", a]}]}),
}


def _xml_escape(text: str) -> str:
    """XML 1.0 has no escape for most control characters: they are left out of the XML cases, as a parser would
    refuse them; the rest is escaped."""
    import html
    return html.escape("".join(c for c in text if c >= " " or c in "\t\n"))


@pytest.mark.parametrize("fmt", READERS)
def test_rich_markup_in_documents_is_kept_literally(fmt):
    entry = by_question(READERS[fmt](ANSWER_IN[fmt](f"Use {MARKUP} here."), f"m.{fmt}"))["Is it safe?"]
    assert entry.text == f"Use {MARKUP} here."


@pytest.mark.parametrize("fmt", READERS)
@pytest.mark.parametrize("sequence", ["\x1b[31m", "\x1b]0;x\x07", "\x07\x08\x00", "\x1b[2J"])
def test_control_characters_are_stripped(fmt, sequence):
    entries = READERS[fmt](ANSWER_IN[fmt](f"Safe{sequence} enough."), f"c.{fmt}")
    text = everything(entries)
    assert "enough." in text
    assert not any(ord(c) < 32 and c not in "\n\t" for c in text)


# --- PDF --------------------------------------------------------------------------------------------------------

def make_pdf(pages: list[str]) -> bytes:
    """Return a minimal valid PDF with one line of Helvetica text on each page."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def test_pdf_without_pypdf_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdf", None)   # makes `import pypdf` fail as if it were not installed
    expected = r"skipped docs/a\.pdf: PDF support is not installed; run: pip install 'mlbot\[pdf\]'"
    with pytest.raises(SkippedFile, match=expected):
        pdf_text(tmp_path / "a.pdf", "docs/a.pdf")


def test_pdf_pages_are_joined_with_blank_lines(tmp_path):
    pytest.importorskip("pypdf")
    path = tmp_path / "faq.pdf"
    path.write_bytes(make_pdf(["What is mlbot?", "An offline bot."]))
    assert pdf_text(path, "faq.pdf") == "What is mlbot?\n\nAn offline bot."


def test_pdf_sources_name_the_page(tmp_path):
    pytest.importorskip("pypdf")
    (tmp_path / "faq.pdf").write_bytes(make_pdf(["Ferry FAQ", "Are dogs allowed?", "Yes, on a lead.", "Is there wifi?",
                                                 "Yes, free on every crossing."]))
    [doc] = discover([tmp_path])
    entries = parse_file(doc)
    assert [(e.question, e.text, e.source.page) for e in entries if e.questions] == [
        ("Are dogs allowed?", "Yes, on a lead.", 2), ("Is there wifi?", "Yes, free on every crossing.", 4)]
    assert entries[-1].source.place == "page 4" and entries[-1].source.to_dict()["page"] == 4


@pytest.mark.parametrize("data", [b"%PDF-1.4 cut short", b"not a pdf at all", b""])
def test_pdf_that_cannot_be_read_is_skipped_by_name(tmp_path, data):
    pytest.importorskip("pypdf")
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(SkippedFile, match=r"^skipped broken\.pdf: could not read the PDF"):
        pdf_text(path, "broken.pdf")


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
STYLES = (f'<w:styles {W}><w:style w:styleId="Titre1"><w:name w:val="heading 1"/></w:style>'
          f'<w:style w:styleId="Title"><w:name w:val="Title"/></w:style>'
          f'<w:style w:styleId="ListBullet"><w:name w:val="List Bullet"/></w:style></w:styles>')


def _docx(path, body: str, styles: str = STYLES) -> None:
    import zipfile
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
        z.writestr("word/styles.xml", styles)


def _p(text: str, style: str = "", bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:p>{ppr}<w:r>{rpr}<w:t>{text}</w:t></w:r></w:p>"


def test_docx_headings_bold_questions_lists_and_tables(tmp_path):
    cell = lambda t: f"<w:tc>{_p(t)}</w:tc>"   # noqa: E731
    rows = [("Question", "Answer"), ("Are dogs allowed?", "On a lead."), ("Is there wifi?", "Yes.")]
    table = "<w:tbl>" + "".join(f"<w:tr>{cell(q)}{cell(a)}</w:tr>" for q, a in rows) + "</w:tbl>"
    body = (_p("Ferry FAQ", "Title") + _p("Intro text.") + _p("Tickets", "Titre1") + _p("How much is a return?", "Titre1")
            + _p("£12.40 &amp; up.") + _p("Can I bring my bike?", bold=True) + _p("Yes, free.")
            + _p("Before 7am", "ListBullet") + table)
    _docx(tmp_path / "f.docx", body)
    [doc] = discover([tmp_path])
    assert [(e.questions, e.text, e.headings) for e in parse_file(doc)] == [
        ((), "Intro text.", ("Ferry FAQ",)),
        (("How much is a return?",), "£12.40 & up.", ("Ferry FAQ",)),   # a style named in French: still a heading
        # A bold question after another's answer: the question above is not a heading it sits under.
        (("Can I bring my bike?",), "Yes, free.\n\n- Before 7am", ("Ferry FAQ",)),
        (("Are dogs allowed?",), "On a lead.", ("Ferry FAQ",)),
        (("Is there wifi?",), "Yes.", ("Ferry FAQ",)),
    ]
    # Word shows no line numbers: a source names the paragraph, counting the non-empty ones (table cells too).
    assert [e.source.paragraph for e in parse_file(doc)] == [2, 4, 6, 11, 13]
    assert [e.source.place for e in parse_file(doc)][:2] == ["paragraph 2", "paragraph 4"]
    assert [Entry.from_json(e.to_json()) for e in parse_file(doc)] == parse_file(doc)   # as the index keeps them


@pytest.mark.parametrize("data", [b"PK\x03\x04 cut short", b"not a zip at all", b""])
def test_docx_that_cannot_be_read_is_skipped_by_name(tmp_path, data):
    (tmp_path / "broken.docx").write_bytes(data)
    [doc] = discover([tmp_path])
    with pytest.raises(SkippedFile, match=r"^skipped broken\.docx: could not read the Word document"):
        parse_file(doc)


def test_docx_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    from mlbot.ingest import docx
    monkeypatch.setattr(docx, "MAX_XML", 100)
    _docx(tmp_path / "big.docx", _p("x" * 200))
    [doc] = discover([tmp_path])
    with pytest.raises(SkippedFile, match=r"^skipped big\.docx: its word/document\.xml unpacks to more than"):
        parse_file(doc)


# --- Properties -------------------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=100, deadline=None)


@PROPERTY
@given(text=st.text())
@pytest.mark.parametrize("fmt", ["md", "rst", "txt", "html", "org", "adoc", "mdx"])
def test_prose_readers_never_raise(fmt, text):
    for entry in READERS[fmt](text, f"any.{fmt}"):
        assert entry.text or entry.questions


@PROPERTY
@given(text=st.one_of(
    st.text(),
    st.lists(st.sampled_from(list('{}[]":,\n\t\r qa') + ["question", "answer", "Question,Answer\n"])).map("".join),
))
@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "yml", "xml", "ipynb"])
def test_table_readers_raise_nothing_but_value_error(fmt, text):
    try:
        READERS[fmt](text, f"any.{fmt}")
    except ValueError:
        pass
    take_warnings()


WORDS = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=12)
PARAGRAPHS = st.lists(st.lists(WORDS, min_size=1, max_size=3), min_size=1, max_size=6)   # paragraphs of lines of words


@PROPERTY
@given(paragraphs=PARAGRAPHS)
@pytest.mark.parametrize("fmt", ["md", "rst", "txt", "org", "adoc", "mdx"])
def test_every_paragraph_lands_in_an_entry(fmt, paragraphs):
    """Nothing is lost: each paragraph is an entry's text or question, or a heading an entry carries."""
    doc = "\n\n".join("\n".join(" ".join(line) for line in paragraph) for paragraph in paragraphs) + "\n"
    entries = READERS[fmt](doc, f"p.{fmt}")
    found = [" ".join(f"{e.text} {' '.join(e.questions)} {' '.join(e.headings)}".split()) for e in entries]
    for paragraph in paragraphs:
        words = " ".join(" ".join(line) for line in paragraph)
        assert any(words in text for text in found), (words, found)


def test_readers_take_a_relative_path_for_sources():
    entries = parse_markdown("Just a paragraph.\n", "sub/dir/a.md")
    assert [(e.id, e.source.path, e.source.heading, e.headings) for e in entries] == [
        ("sub/dir/a.md:1", "sub/dir/a.md", None, ()),
    ]


def test_html_a_list_is_one_entry_written_as_markdowns_and_joins_what_introduces_it():
    page = ("<h1>Cafe</h1><h2>Menu</h2><p>We serve breakfast:</p>"
            "<ul><li>Eggs on toast</li><li>Porridge</li></ul>"
            "<h2>Reset</h2><p>To reset the router</p><ol><li>Unplug it.</li><li>Wait ten seconds.</li></ol>"
            "<h2>Fruit</h2><ul><li>Fruit<ul><li>Apple</li><li>Pear</li></ul></li>"
            "<li><p>Veg one.</p><p>Veg two.</p></li></ul>"
            "<h2>Single</h2><ul><li>Only item</li></ul>")
    assert [(e.headings[-1], e.text) for e in parse_html(page, "c.html")] == [
        ("Menu", "We serve breakfast:\n\n- Eggs on toast\n- Porridge"),
        ("Reset", "To reset the router\n\n1. Unplug it.\n2. Wait ten seconds."),   # steps, as with_examples joins
        ("Fruit", "- Fruit\n  - Apple\n  - Pear\n- Veg one.\n  Veg two."),
        ("Single", "Only item"),   # an item alone is a paragraph
    ]


def test_html_a_long_list_is_read_in_parts_and_a_list_in_a_table_cell_is_left_as_it_was():
    from mlbot.ingest.html import LIST_ITEMS
    items = "".join(f"<li>Rule number {n}</li>" for n in range(1, LIST_ITEMS + 6))
    parts = parse_html(f"<h1>Rules</h1><ol>{items}</ol>", "r.html")
    assert [e.text.count("\n") + 1 for e in parts] == [LIST_ITEMS, 5]
    assert parts[1].text.startswith(f"{LIST_ITEMS + 1}. Rule number {LIST_ITEMS + 1}")
    assert len({e.id for e in parts}) == 2
    cell = parse_html("<table><tr><td><ul><li>a b</li><li>c d</li></ul></td><td>x y</td></tr>"
                      "<tr><td>e f</td><td>g h</td></tr></table>", "t.html")
    assert [e.text for e in cell] == ["a b", "c d", "x y", "e f", "g h"]   # the table's layout: cells stay paragraphs


def test_html_a_list_in_an_answer_keeps_its_markers_and_a_question_list_stays_faq():
    page = ("<h2>How do I pay?</h2><p>Any of:</p><ol><li>Card<ul><li>Visa</li><li>Amex</li></ul></li>"
            "<li>Cash</li></ol><p>No cheques.</p>"
            "<h2>More</h2><ol><li><strong>Do you deliver?</strong> Yes, within 5 miles.</li>"
            "<li><strong>Is parking free?</strong> Yes, for two hours.</li></ol>")
    got = {e.questions[0]: e.text for e in parse_html(page, "p.html") if e.questions}
    assert got["How do I pay?"] == "Any of:\n\n1. Card\n   - Visa\n   - Amex\n2. Cash\n\nNo cheques."
    assert (got["Do you deliver?"], got["Is parking free?"]) == ("Yes, within 5 miles.", "Yes, for two hours.")


def test_html_lists_nested_thousands_deep_are_not_copied_into_every_level():
    # Each level of a list joins the levels inside it: 3,000 levels made an entry of 9 MB (and took seconds).
    deep = "<ul><li>x y " * 3000 + "</li></ul>" * 3000
    for page in ("<h1>T</h1>" + deep, "<h2>How?</h2>" + deep):
        entries = parse_html(page, "d.html")
        assert entries and max(len(e.text) for e in entries) < 50_000
        assert sum(e.text.count("x y") for e in entries) == 3000   # every item still read


MANUAL = """KESTREL DW-4520 DISHWASHER
User Manual

1. ERROR CODES
==============

If a fault occurs, the display shows an error code. Refer to the table below.

  Code   Meaning                       What to do
  ----   ---------------------------   ---------------------------------
  E1     Water inlet fault             Check the tap is open and the
                                       inlet hose is not kinked.
  E2     Water not draining            Clean filters; check drain | hose.

When E4 appears, the drain pump runs continuously.

2. LOADING
==========

Load plates facing the centre.

3. CLEANING
===========

Clean the filter once a week.
"""


def test_text_a_table_aligned_in_columns_is_a_markdown_table_joined_to_what_introduces_it():
    entries = parse_text(MANUAL, "m.txt")
    [table] = [e for e in entries if "E2" in e.text]
    assert table.text == ("If a fault occurs, the display shows an error code. Refer to the table below.\n\n"
                          "| Code | Meaning | What to do |\n|---|---|---|\n"
                          "| E1 | Water inlet fault | Check the tap is open and the inlet hose is not kinked. |\n"
                          "| E2 | Water not draining | Clean filters; check drain \\| hose. |")
    assert table.headings[-1] == "1. ERROR CODES"   # the header row is not read as a heading
    # The lines after it keep their numbers.
    assert [(e.source.line, e.text[:9]) for e in entries if "E2" not in e.text][-3:-1] == [
        (15, "When E4 a"), (20, "Load plat")]


def test_the_documents_title_is_a_heading_over_half_its_entries_not_its_first_section():
    from mlbot.rows import document_title
    assert document_title(parse_text(MANUAL, "m.txt")) is None   # "1. ERROR CODES" is a section
    from pathlib import Path
    article = (Path(__file__).resolve().parent.parent / "data" / "ml-engineer.txt").read_text(encoding="utf-8")
    assert document_title(parse_text(article, "a.txt")).startswith("Why the Role of Ml Engineer")
    md = "[![build](b.svg)](ci)\n\n# Tallyhook\n\nIntro.\n\n## Install\n\nRun it.\n\n## Use\n\nCall it.\n"
    assert document_title(parse_markdown(md, "r.md")) == "Tallyhook"   # badges above the title


def test_text_a_long_column_table_is_read_in_parts_under_its_header():
    from mlbot.ingest.text import TABLE_ROWS
    rows = "".join(f"E{i:<4} fault number {i}\n" for i in range(TABLE_ROWS * 2 + 5))
    entries = parse_text(f"Codes\n\nSee below.\n\nCode  Meaning\n----  -------\n{rows}\nAfter.\n", "c.txt")
    parts = [e for e in entries if "| Code | Meaning |" in e.text]
    # The first part joins the sentence that introduces it; the others stay parts (each under the header).
    assert [e.text.count("\n| E") for e in parts] == [TABLE_ROWS, TABLE_ROWS, 5]
    assert parts[0].text.startswith("See below.\n\n| Code | Meaning |\n|---|---|\n| E0 | fault number 0 |")
    assert len({e.id for e in entries}) == len(entries)
    assert parts[1].text.split("\n")[2] == f"| E{TABLE_ROWS} | fault number {TABLE_ROWS} |"
    html = "".join(f"<tr><td>E{i}</td><td>fault {i}</td></tr>" for i in range(TABLE_ROWS * 2 + 5))
    pages = parse_html(f"<h1>Codes</h1><p>See below:</p><table><tr><th>Code</th><th>Meaning</th></tr>{html}</table>",
                       "c.html")
    assert [e.text.count("\n| E") for e in pages] == [TABLE_ROWS, TABLE_ROWS, 5]   # (all one entry before)


TEXT_LINES = ["Code  Meaning", "----  -------", "E1    x", "      more", "", "TITLE", "=====", "a  b  c", "-- -- --",
              "Q: why?", "A: because", "- item", "1. step", "   x   y", "Closed today.", "How do I pay?"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TEXT_LINES), min_size=1, max_size=40))
def test_text_entries_have_distinct_ids_whatever_the_lines(lines):
    # A question left without an answer at the end was added twice, as a question and again as a trailing line,
    # both with its line's id (64 of 3,000 random documents of these lines).
    entries = parse_text("\n".join(lines), "f.txt")
    assert len({e.id for e in entries}) == len(entries)
    assert all(e.text or e.questions for e in entries)
    assert not any(e.text.startswith("| --- |") for e in entries)   # a row of dashes is no table's header


def test_text_a_sentence_on_the_first_line_is_kept_when_only_headings_follow():
    assert [e.text for e in parse_text("Closed today.\n\nOpening hours\n\nParking", "n.txt")] == [
        "Closed today.", "Opening hours", "Parking"]


def test_html_a_tables_caption_heads_it_and_its_header_row_is_the_header():
    # The caption was read as a row of its own, outside every column: the header came out empty ("|  |  |") and
    # the caption was lost.
    page = ("<h1>Museum</h1><h2>Tickets</h2><p>Buy on the day or online.</p><table><caption>Prices from April</caption>"
            "<thead><tr><th>Ticket</th><th>Price</th></tr></thead><tbody><tr><td>Adult</td><td>£12</td></tr>"
            "<tr><td>Child</td><td>£6</td></tr></tbody></table>")
    assert [e.text for e in parse_html(page, "m.html")] == [
        "Buy on the day or online.\n\nPrices from April\n\n| Ticket | Price |\n|---|---|\n| Adult | £12 |\n| Child | £6 |"]
    answer = parse_html("<h2>How much?</h2><table><caption>Prices</caption><tr><th>Item</th><th>Price</th></tr>"
                        "<tr><td>Shirt</td><td>£3</td></tr></table>", "a.html")
    assert [e.text for e in answer] == ["Prices\n\n| Item | Price |\n|---|---|\n| Shirt | £3 |"]


def test_line_breaks_the_writer_made_are_kept_as_markdowns_and_wrapping_is_joined():
    # An address or opening hours came out as one line ("12 Harbour Road Portsmouth"), and Markdown's backslash
    # break left its backslash in the text. The kept break is Markdown's own (two spaces at the line's end).
    hours = "Monday to Friday: 9am-5pm  \nSaturday: 10am-2pm  \nSunday: closed"
    page = ("<h2>Opening hours</h2><p>Monday to Friday: 9am-5pm<br>Saturday: 10am-2pm<br/>\n Sunday: closed</p>"
            "<h2>Where are you?</h2><address>Acme Ltd<br>12 Harbour Road</address>"
            "<table><tr><th>Day</th><th>Hours</th></tr><tr><td>Mon<br>Tue</td><td>9-5</td></tr></table>")
    entries = parse_html(page, "p.html")
    table = "| Day | Hours |\n|---|---|\n| Mon Tue | 9-5 |"   # a cell's break is a space: a row is one line
    assert [e.text for e in entries] == [hours, f"Acme Ltd  \n12 Harbour Road\n\n{table}"]
    md = ("# Hours\n\nMonday to Friday: 9am-5pm  \nSaturday: 10am-2pm\\\nSunday: closed\n\n## Where are you?\n\n"
          "Acme Ltd  \n12 Harbour Road\n")
    assert [e.text for e in parse_markdown(md, "h.md")] == [hours, "Acme Ltd  \n12 Harbour Road"]
    assert parse_markdown("# Hours\n\nsoft\nwrapped  \n", "s.md")[0].text == "soft wrapped"
    text = "Hours\n\nMonday to Friday: 9am-5pm\nSaturday: 10am-2pm\nSunday: closed\n"
    assert [e.text for e in parse_text(text, "h.txt")] == [hours]


@pytest.mark.parametrize("width", [60, 72, 80, 100])
def test_text_wrapped_prose_is_one_line_whatever_its_width(width):
    import textwrap
    para = ("Machine learning engineers build and deploy models that learn from data. They clean datasets, choose "
            "algorithms, tune them through experiments and monitor the systems once they are in production, "
            "working with data scientists and software engineers alike, and they keep them running for years.")
    doc = "Title\n\n" + "\n\n".join(textwrap.fill(para, width) for _ in range(3)) + "\n"
    assert [e.text for e in parse_text(doc, "w.txt")] == [para] * 3
    # A line that starts in lower case carries on the sentence, even in a document of long unwrapped lines.
    long = "Title\n\n" + para + "\n\nIt runs on Windows 10 and macOS 12,\nand on Ubuntu 22.04.\n"
    assert parse_text(long, "l.txt")[-1].text == "It runs on Windows 10 and macOS 12, and on Ubuntu 22.04."


def test_text_a_list_under_the_line_that_introduces_it_is_an_item_a_line():
    # "The guarantee does not cover:" over indented "- ..." items came out as one run-on line of items.
    doc = ("Warranty\n\nThe guarantee does not cover:\n  - damage caused by not removing the transit bolts\n"
           "  - limescale damage or the use of\n    unsuitable detergents\n  - commercial use\n")
    assert [e.text for e in parse_text(doc, "w.txt")] == [
        "The guarantee does not cover:\n- damage caused by not removing the transit bolts\n"
        "- limescale damage or the use of unsuitable detergents\n- commercial use"]
    # Wrapped prose with a lone dash at a line's start stays one paragraph.
    prose = "Notes\n\nThe price is the same for everyone, members and\n- as agreed last year - visitors alike.\n"
    assert parse_text(prose, "p.txt")[0].text == ("The price is the same for everyone, members and - as agreed last year "
                                                 "- visitors alike.")


def test_text_what_a_paragraph_introduces_joins_it():
    # "Pull the drawer out ... compartments:" was an entry of its own that answers nothing, and its rows another.
    doc = ("3. THE DETERGENT DRAWER\n\nPull the drawer out fully to see its three compartments:\n\n"
           "  Compartment I   (left)    Pre-wash detergent. Use only when you\n"
           "                            select the Pre-wash option.\n"
           "  Compartment II  (middle)  Main wash detergent, powder or liquid.\n"
           "  Softener        (right)   Fabric conditioner, marked with a flower\n"
           "                            symbol. Never fill above the MAX line.\n\n"
           "When using liquid detergent, slide the blue insert into compartment II.\n")
    assert [e.text for e in parse_text(doc, "m.txt")] == [
        "Pull the drawer out fully to see its three compartments:\n\n"
        "Compartment I   (left)    Pre-wash detergent. Use only when you select the Pre-wash option.  \n"
        "Compartment II  (middle)  Main wash detergent, powder or liquid.  \n"
        "Softener        (right)   Fabric conditioner, marked with a flower symbol. Never fill above the MAX line.",
        "When using liquid detergent, slide the blue insert into compartment II."]
    # Rows under one another, each a label and its text after a gap, are a line each; sentences spaced by two
    # blanks are not rows.
    steps = "Top up\n\nStep 1  Switch the boiler off.\nStep 2  Find the filling loop. It is a braided\nhose.\n"
    assert parse_text(steps, "s.txt")[0].text == ("Step 1  Switch the boiler off.  \n"
                                                 "Step 2  Find the filling loop. It is a braided hose.")
    spaced = ("Notes\n\nThe hall opens at nine.  Doors close at ten and the last entry is at\n"
              "half past nine.  Nobody is let in after that, members or not.\n")
    assert "\n" not in parse_text(spaced, "n.txt")[0].text


def test_rst_auto_numbered_items_are_numbered_and_field_lists_are_a_field_a_line():
    doc = (":Organisation: Harbourlight Trust\n:Edition: Third edition\n\nFirst day\n=========\n\n"
           "On your first day:\n\n#. Arrive early.\n#. Collect a tabard.\n\n#. Sign out.\n")
    assert [e.text for e in parse_rst(doc, "h.rst")] == [
        "Organisation: Harbourlight Trust  \nEdition: Third edition",
        "On your first day:\n\n1. Arrive early.\n2. Collect a tabard.\n\n3. Sign out."]


def test_a_cells_or_fields_line_breaks_are_kept_where_the_writer_made_them():
    csv = 'Question,Answer\nWhere are you?,"Acme Ltd\n12 Harbour Road\nPortsmouth"\nHow do I pay?,"Steps:\n- a\n- b"\n'
    assert [e.text for e in parse_csv(csv, "f.csv")] == ["Acme Ltd  \n12 Harbour Road  \nPortsmouth", "Steps:\n- a\n- b"]
    # A literal YAML block wrapped by hand stays one paragraph: the wrapped line goes on in lower case.
    yml = ("- question: Do you run courses?\n  answer: |\n    Yes. Our Top Rope Basics course runs over two evenings"
           " and costs 65 euros,\n    including harness and shoe hire.\n")
    assert parse_yaml(yml, "f.yml")[0].text == ("Yes. Our Top Rope Basics course runs over two evenings and costs 65 "
                                               "euros,\nincluding harness and shoe hire.")


def test_docx_line_breaks_in_a_paragraph_are_kept_and_its_source_stays_its_paragraph(tmp_path):
    lines = "<w:p><w:r><w:t>Acme Ltd</w:t><w:br/><w:t>12 Harbour Road</w:t><w:br/><w:t>Portsmouth</w:t></w:r></w:p>"
    cell = "<w:tc><w:p><w:r><w:t>Mon</w:t><w:br/><w:t>Tue</w:t></w:r></w:p></w:tc><w:tc>" + _p("9-5") + "</w:tc>"
    table = f"<w:tbl><w:tr><w:tc>{_p('Day')}</w:tc><w:tc>{_p('Hours')}</w:tc></w:tr><w:tr>{cell}</w:tr></w:tbl>"
    _docx(tmp_path / "a.docx", _p("Contact", "Titre1") + lines + _p("After it.") + table)
    [doc] = discover([tmp_path])
    entries = parse_file(doc)
    assert [e.text for e in entries] == ["Acme Ltd  \n12 Harbour Road  \nPortsmouth",
                                         "After it.\n\n| Day | Hours |\n|---|---|\n| Mon Tue | 9-5 |"]
    assert [e.source.paragraph for e in entries] == [2, 3]


def test_asciidoc_hard_line_breaks_are_kept():
    doc = "= Contact\n\n== Where are you?\n\nAcme Ltd +\n12 Harbour Road +\nPortsmouth\n"
    assert [e.text for e in parse_asciidoc(doc, "c.adoc")] == ["Acme Ltd  \n12 Harbour Road  \nPortsmouth"]


def test_text_a_table_under_one_rule_as_wide_as_its_header_is_a_table():
    # Its rows ran into one line under the header taken for a heading: "E10    Low system pressure ... E20 ...".
    doc = ("Fault codes\n\nIf the boiler stops it shows a code.\n\n"
           "Code   Meaning                 What to do\n"
           "-----------------------------------------------\n"
           "E10    Low system pressure     Top up to 1.5 bar\n"
           "E56    Overheat lockout        Wait 10 minutes, press Reset\n\nCall us if it returns.\n")
    [table, after] = parse_text(doc, "b.txt")[-2:]
    assert table.text.endswith("| Code | Meaning | What to do |\n|---|---|---|\n| E10 | Low system pressure | Top up to 1.5 "
                               "bar |\n| E56 | Overheat lockout | Wait 10 minutes, press Reset |")
    assert after.text == "Call us if it returns."
    # A title over its underline is no table, nor are lines that do not keep to the header's columns.
    [notes] = parse_text("Notes  and tips\n---------------\nKeep the valve shut when you go away, and bleed the\n"
                         "radiators every autumn.\n", "n.txt")
    assert notes.text == "Keep the valve shut when you go away, and bleed the radiators every autumn."


def test_a_definition_lists_terms_head_their_definitions_and_the_paragraph_introducing_them_lists_them():
    # A <dt> that does not ask was an entry of its own ("Delivery driver") and its <dd> another; in
    # reStructuredText the first term was joined to "The roles are:" and the others left bare.
    html = ("<html><body><h1>Handbook</h1><h2>Roles</h2><p>You can choose a role. The roles are:</p>"
            "<dl><dt>Parcel packer</dt><dd>Packs food parcels.</dd>"
            "<dt>Delivery driver</dt><dd>Delivers parcels. Over 25.</dd></dl>"
            "<h2>Contacts</h2><dl><dt>Concierge</dt><dd>0161 496 0233</dd></dl><p>Call any time.</p></body></html>")
    rst = ("Roles\n=====\n\nYou can choose a role. The roles are:\n\nParcel packer\n    Packs food parcels.\n\n"
           "Delivery driver\n    Delivers parcels.\n    Over 25.\n\n"
           "Contacts\n========\n\nConcierge\n    0161 496 0233\n\nCall any time.\n")
    for entries in (parse_html(html, "h.html"), parse_rst(rst, "h.rst")):
        assert [e.text for e in entries] == [
            "You can choose a role. The roles are:\n\n- Parcel packer\n- Delivery driver",
            "**Parcel packer**  \nPacks food parcels.",
            "**Delivery driver**  \nDelivers parcels. Over 25.",
            "**Concierge**  \n0161 496 0233",
            "Call any time."], entries
    two = parse_html("<dl><dt>Driver</dt><dd><p>Delivers parcels.</p><p>Over 25.</p></dd></dl><p>After.</p>", "d.html")
    assert [e.text for e in two] == ["**Driver**  \nDelivers parcels.\n\nOver 25.", "After."]
    # A definition of several paragraphs is one entry in reStructuredText too (its second paragraph was an entry of
    # its own, without the term, and it cut the list of terms short), with the line of its term.
    rst_two = "Roles:\n\nDriver\n    Delivers parcels.\n\n    Over 25.\n\nPacker\n    Packs.\n\nAfter.\n"
    entries = parse_rst(rst_two, "d.rst")
    assert [e.text for e in entries] == ["Roles:\n\n- Driver\n- Packer", "**Driver**  \nDelivers parcels.\n\nOver 25.",
                                         "**Packer**  \nPacks.", "After."], entries
    assert entries[1].source.line == 3
    # A term that asks is still a question, and a paragraph over an indented block is no term.
    assert parse_rst("How do I join?\n    Fill in the form.\n", "q.rst")[0].questions == ("How do I join?",)
    assert all(not e.text.startswith("**") for e in parse_rst("Read this first. It matters.\n    Quoted.\n", "p.rst"))


def test_rst_grid_and_simple_tables_are_markdown_tables_joined_to_what_introduces_them():
    grid = ("Drills\n======\n\nWe train every Tuesday.\n\n"
            "+---------+--------+\n| Week    | Focus  |\n+=========+========+\n| First   | Search |\n"
            "|         | and BA |\n+---------+--------+\n| Second  | Cutting|\n+---------+--------+\n\nAfter.\n")
    entries = parse_rst(grid, "g.rst")
    assert [e.text for e in entries] == [
        "We train every Tuesday.\n\n| Week | Focus |\n|---|---|\n| First | Search and BA |\n| Second | Cutting |",
        "After."]
    simple = ("Limits\n======\n\n=========  ==========================\nExpense    Limit\n"
              "=========  ==========================\nBreakfast  $15 per day, only before\n"
              "           7:00 a.m.\nDinner     $45 per day | tip\n=========  ==========================\n\nAfter.\n")
    entries = parse_rst(simple, "s.rst")
    assert [e.text for e in entries] == [
        "| Expense | Limit |\n|---|---|\n| Breakfast | $15 per day, only before 7:00 a.m. |\n"
        "| Dinner | $45 per day \\| tip |", "After."]
    assert entries[1].source.line == 12   # the lines after a table keep their numbers
    # A line block (an address) is a line each, without its bars.
    assert parse_rst("Contact\n=======\n\n| PO Box 1\n| Riverbend\n", "c.rst")[0].text == "PO Box 1  \nRiverbend"


def test_text_a_contact_blocks_fields_keep_their_lines():
    doc = ("Service\n\nAquavell Service: 0345 555 0192\nMonday to Friday 8:00-20:00, Saturday 9:00-17:00\n"
           "Email: service@aquavell.example.net\n\nContact\n\n  Phone:  1-888-555-0147 (toll-free)\n"
           "          Monday-Friday, 9 a.m. to 6 p.m.\n  Email:  support@forgeline3d.com\n")
    assert [e.text for e in parse_text(doc, "m.txt")] == [
        "Aquavell Service: 0345 555 0192  \nMonday to Friday 8:00-20:00, Saturday 9:00-17:00  \n"
        "Email: service@aquavell.example.net",
        "Phone:  1-888-555-0147 (toll-free) Monday-Friday, 9 a.m. to 6 p.m.  \nEmail:  support@forgeline3d.com"]


@pytest.mark.parametrize(("footer", "kept"), [
    ('<a href="/privacy">Privacy</a> | <a href="/terms">Terms</a> | &copy; 2024 Formwell', False),
    ("<p>&copy; 2024 Acme Corp. Internal use only.</p>", False),
    ("<p>Copyright 2010-2024 The Bakery Ltd. All rights reserved.</p>", False),
    ("<p>&copy; 2024 Harbourside Playhouse Trust, Quay Street, Portlaven.</p>", True),
    ("<p>&copy; 2024 Millstone Bakery &middot; 22 Bank Street, Ashford</p>", True),
    ("<p>Open Monday to Saturday, 9 to 5. Call 01234 567890.</p>", True),
], ids=["links and notice", "notice", "notice with years", "notice with an address", "notice beside an address",
        "opening hours"])
def test_html_a_copyright_notice_is_no_entry_but_a_footers_address_is(footer, kept):
    page = (f"<html><body><h1>Formwell</h1><h2>How do I export my forms?</h2><p>Open Settings, then Export, "
            f"and pick CSV or Excel.</p><footer>{footer}</footer></body></html>")
    texts = [e.text for e in parse_html(page, "p.html")]
    assert texts[0] == "Open Settings, then Export, and pick CSV or Excel."
    assert (len(texts) == 2) is kept, texts


def test_a_pages_footer_is_under_its_title_not_its_last_section_and_an_articles_footer_stays_in_the_article():
    # The footer's address and small print were read under the last section's heading ("Opening hours").
    page = ("<html><body><h1>Kellaway Pharmacy</h1><main><section><h2>Opening hours</h2><p>Open 9 to 5.</p></section>"
            "<article><h2>News</h2><p>New flu clinic.</p><footer><p>Posted by Priya.</p></footer></article></main>"
            "<footer><p>118 High Street, Tonbridge.</p></footer><p>After the footer.</p></body></html>")
    entries = {e.text: e.headings for e in parse_html(page, "p.html")}
    assert entries["Open 9 to 5."] == ("Kellaway Pharmacy", "Opening hours")
    assert entries["Posted by Priya."] == ("Kellaway Pharmacy", "News")
    assert entries["118 High Street, Tonbridge."] == ("Kellaway Pharmacy",)
    assert entries["After the footer."] == ("Kellaway Pharmacy", "News")   # the headings open before it, as before


def test_files_of_one_name_in_two_folders_given_are_told_apart(tmp_path):
    for team in ("teamA", "teamB"):
        (tmp_path / team / "docs").mkdir(parents=True)
        (tmp_path / team / "docs" / "faq.md").write_text(f"## Who leads {team}?\n\nSomeone.\n")
        (tmp_path / team / f"{team}.md").write_text("# Own name\n\nText.\n")
    found = discover([tmp_path / "teamA", tmp_path / "teamB"])
    assert [d.rel for d in found] == ["teamA.md", "teamA/docs/faq.md", "teamB.md", "teamB/docs/faq.md"]
    assert [d.rel for d in discover([tmp_path / "teamA"])] == ["docs/faq.md", "teamA.md"]   # alone: as before
    one, other = tmp_path / "teamA" / "docs" / "faq.md", tmp_path / "teamB" / "docs" / "faq.md"
    assert [d.rel for d in discover([one, other])] == ["teamA/docs/faq.md", "teamB/docs/faq.md"]


@pytest.mark.parametrize("given", [["kb", "kb"], ["kb", "kb/helpdesk"], ["kb/helpdesk", "kb/helpdesk/"],
                                   ["kb/helpdesk", "kb"], ["kb/helpdesk/faq.md", "kb/helpdesk"]],
                         ids=["twice", "with-its-subfolder", "trailing-slash", "subfolder-first", "file-and-folder"])
def test_a_folder_given_twice_or_with_its_subfolder_reads_each_file_once(tmp_path, given):
    (tmp_path / "kb" / "helpdesk").mkdir(parents=True)
    (tmp_path / "kb" / "helpdesk" / "faq.md").write_text("## How do I connect to the VPN?\n\nUse GlobalProtect.\n")
    (tmp_path / "kb" / "billing.md").write_text("## How do I get a refund?\n\nWrite to billing.\n")
    found = discover([tmp_path / g for g in given])   # not "no documents found in kb/helpdesk"
    assert sorted(d.path.resolve() for d in found) == sorted({d.path.resolve() for d in found})   # each once
    assert "helpdesk/faq.md" in [d.path.relative_to(tmp_path / "kb").as_posix() for d in found]


def test_text_a_heading_on_the_line_above_its_paragraph_is_its_heading():
    doc = ("Berlin Office Information\n\nAddress\nAcme Corp GmbH\nFriedrichstrasse 123\n10117 Berlin\n\n"
           "Parking\nThere are 12 parking spaces in the underground garage. Ask facilities for one.\n\n"
           "Our opening hours\nare short in winter, and the building closes early on Fridays.\n")
    got = [(e.id, e.headings, e.text) for e in parse_text(doc, "o.txt")]
    assert got == [
        ("o.txt:3", ("Berlin Office Information",),
         "Address  \nAcme Corp GmbH  \nFriedrichstrasse 123  \n10117 Berlin"),
        ("o.txt:9", ("Berlin Office Information", "Parking"),
         "There are 12 parking spaces in the underground garage. Ask facilities for one."),
        ("o.txt:11", ("Berlin Office Information", "Parking"),
         "Our opening hours are short in winter, and the building closes early on Fridays."),
    ]   # an address keeps its first line; a sentence wrapped after a few words is no heading over the rest


def test_the_list_of_readable_kinds_names_every_suffix_read():
    import re

    from mlbot.ingest import READABLE, SUFFIXES

    assert set(SUFFIXES) == set(re.findall(r"\.\w+", READABLE))


def test_obsidian_links_are_read_as_their_text_but_never_in_code():
    # TOML's arrays of tables look like wiki links: a config copied from the answer must be the document's.
    doc = ("# Storage\n\n## How do I add a second backend?\n\nAdd a second `[[storage]]` section, as [[Backends|the "
           "backends page]] and [[Retention]] say:\n\n```toml\n[[storage]]\ntype = \"b2\"\n```\n")
    [e] = parse_markdown(doc, "m.md")
    assert e.text == ("Add a second `[[storage]]` section, as the backends page and Retention say:\n\n"
                      "```toml\n[[storage]]\ntype = \"b2\"\n```")


def test_a_flat_exports_category_is_its_entries_heading():
    csv_text = "Question,Answer,Category\nDo you ship abroad?,\"Yes, to the EU.\",Billing &amp; shipping\n" \
               "Can I pay by card?,\"Yes, any card.\",\n"
    assert [(e.headings, e.source.heading) for e in parse_csv(csv_text, "f.csv")] == [
        (("Billing & shipping",), "Billing & shipping"), ((), None)]
    json_text = '[{"question": "Do you ship abroad?", "answer": "Yes.", "category": "Shipping"}]'
    [e] = parse_json(json_text, "f.json")
    assert e.headings == ("Shipping",)
    [e] = parse_jsonl(json_text[1:-1] + "\n", "f.jsonl")   # a JSON Lines row is read the same way
    assert e.headings == ("Shipping",)
    grouped = '{"categories": [{"name": "Orders", "items": [{"question": "Can I cancel?", "answer": "Yes.", ' \
              '"category": "Changes"}]}]}'
    assert parse_json(grouped, "g.json")[0].headings == ("Orders", "Changes")
