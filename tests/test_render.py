"""What a reply looks like: rendered to a string console (rich) or as plain text, with document text shown as
written, never read as console markup, and never able to reach the terminal with its own escape sequences."""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from mlbot.bot import Explanation
from mlbot.model import Entry, Match, Reply, Source
from mlbot.rank import Contribution
from mlbot.render import CUT_OFF, plain_explanation, plain_reply, rich_explanation, rich_reply, safe, where

SGR = re.compile(r"\x1b\[[0-9;]*m")
BOX = re.compile(r"[│╭╮╰╯─]")


def render(renderable, *, width: int = 80, terminal: bool = False) -> str:
    """Return what a console of this width prints for renderable (with colour codes when terminal)."""
    console = Console(file=io.StringIO(), width=width, force_terminal=terminal, highlight=False,
                      color_system="truecolor" if terminal else None)
    console.print(renderable)
    return console.file.getvalue()


def words(screen: str) -> str:
    """Return the screen's text with colour codes and panel borders gone and whitespace runs made one space."""
    return " ".join(BOX.sub(" ", SGR.sub("", screen)).split())


def entry(text: str, question: str | None = "How do I reset my voicemail PIN?", *, path: str = "help.md",
          heading: str | None = "Voicemail", line: int = 3, truncated: bool = False) -> Entry:
    return Entry(f"{path}:{line}", (question,) if question else (), text, Source(path, heading, line),
                 truncated=truncated)


def match(e: Entry, confidence: float = 87.4, highlight: str = "") -> Match:
    return Match(e, confidence / 100, confidence, highlight, e.question)


PIN = entry("Dial 5000 from your desk phone, press 9, and follow the prompts. The new PIN has four digits.")
PASSWORD = entry("Open the account page and click Forgot password.", "How do I reset my account password?",
                 heading="Accounts", line=11)


def answered(m: Match, context: str | None = None) -> Reply:
    return Reply("reset my pin", "answered", m.confidence, (m,), context_used=context)


# --- plain text, one status at a time ---------------------------------------------------------------------------

def test_plain_answered_is_text_then_where_it_came_from():
    assert plain_reply(answered(match(PIN))) == (
        "Dial 5000 from your desk phone, press 9, and follow the prompts. The new PIN has four digits.\n"
        "\n"
        "Matched: How do I reset my voicemail PIN?\n"
        "Source: help.md › Voicemail, line 3\n"
        "Confidence: 87%")


def test_plain_answered_paragraph_has_no_matched_line_and_no_heading():
    out = plain_reply(answered(match(entry("Paragraph text.", None, heading=None, line=9), 55)))
    assert out == "Paragraph text.\n\nSource: help.md, line 9\nConfidence: 55%"


def test_plain_follow_up_says_what_it_was_read_with():
    out = plain_reply(answered(match(PIN), context="How do I reset my voicemail PIN?"))
    assert out.splitlines()[0] == "(reading this as a follow-up to: How do I reset my voicemail PIN?)"


def test_plain_output_drops_a_markdown_document_s_bold_marks_but_not_its_code_or_another_document_s_stars():
    out = plain_reply(answered(match(entry("Join **HiveWorks-Members**; run `ls **/*.md` and 2 ** 8.", path="a.md"))))
    assert out.splitlines()[0] == "Join HiveWorks-Members; run `ls **/*.md` and 2 ** 8."
    fenced = "Copy this:\n\n```\n**keep**\n```"
    assert plain_reply(answered(match(entry(fenced, path="a.md")))).startswith(fenced + "\n")
    out = plain_reply(answered(match(entry("Rated **5 stars** by guests.", path="faq.csv"))))
    assert out.splitlines()[0] == "Rated **5 stars** by guests."   # a table's cell is shown as written


def test_plain_question_without_answer_says_so():
    out = plain_reply(answered(match(entry("", "What are the opening hours?"))))
    assert out.splitlines()[0] == "(the document asks this but gives no answer)"


def test_plain_cut_off_answer_carries_the_note():
    out = plain_reply(answered(match(entry("Machine Learning Engineers face", "What are the challenges?",
                                           truncated=True))))
    assert out.splitlines()[:2] == ["Machine Learning Engineers face", f"[{CUT_OFF}]"]
    assert "cut off" in CUT_OFF


def test_plain_no_answer_suggests_questions():
    reply = Reply("how do I bake bread", "no_answer", 12.0, (match(PIN, 12.0),),
                  "I'm not sure: I couldn't find an answer to that in these documents.",
                  ("How do I reset my voicemail PIN?", "How do I reset my account password?"))
    assert plain_reply(reply) == (
        "I'm not sure: I couldn't find an answer to that in these documents.\n"
        "You could ask:\n"
        "  - How do I reset my voicemail PIN?\n"
        "  - How do I reset my account password?")


def test_plain_no_answer_with_explain_shows_the_closest_match():
    reply = Reply("how do I bake bread", "no_answer", 12.0, (match(PIN, 12.0),), "I'm not sure.", ())
    out = plain_reply(reply, explain=True)
    assert out.startswith("I'm not sure.\n\nClosest match (12%, below the threshold):\nDial 5000")
    assert "Dial 5000" not in plain_reply(reply)


def test_plain_no_answer_without_anything_is_the_message_alone():
    assert plain_reply(Reply("zzz", "no_answer", 0.0, (), "I'm not sure.")) == "I'm not sure."


def test_plain_chitchat_is_the_message():
    assert plain_reply(Reply("hello", "chitchat", 100.0, message="Hello! Ask me anything.")) == \
        "Hello! Ask me anything."


def test_plain_ambiguous_numbers_two_choices():
    reply = Reply("how do I reset it", "ambiguous", 61.0, (match(PIN, 61.0), match(PASSWORD, 60.0)),
                  "Did you mean one of these?")
    lines = plain_reply(reply).splitlines()
    assert lines[0] == "Did you mean one of these?"
    assert lines[1] == "1. How do I reset my voicemail PIN?  (61%)"
    assert "2. How do I reset my account password?  (60%)" in lines
    assert "   Source: help.md › Accounts, line 11" in lines     # each choice indented under its number


def test_plain_ambiguous_paragraph_choice_shows_its_first_words():
    para = entry("one two three four five six seven eight nine ten eleven twelve thirteen", None)
    reply = Reply("q", "ambiguous", 50.0, (match(para, 50.0), match(PIN, 49.0)), "Did you mean one of these?")
    assert "1. one two three four five six seven eight nine ten eleven twelve …  (50%)" in plain_reply(reply)


def test_a_long_heading_never_cuts_the_confidence_off_an_answer():
    long = "Why the Role of Ml Engineer Is Shaping the Future of Innovation in the U.S. and Far Beyond It"
    reply = Reply("q", "answered", 95.0, (match(entry("Engineers build systems.", None, heading=long), 95.0),))
    bottom = render(rich_reply(reply), width=80).splitlines()[-1]
    assert bottom.endswith("· confidence 95% ─╯") and "help.md › Why the Role of Ml Engineer Is Shaping…" in bottom
    assert long in plain_reply(reply)   # plain text keeps the whole heading
    for width, where_left in ((60, "help.md › Why the Role of Ml…, line 3"), (45, "help.md, line 3"),
                              (34, "help.md · confidence"), (30, "")):
        bottom = render(rich_reply(reply), width=width).splitlines()[-1]   # a narrow terminal: the place gives way
        assert bottom.endswith("confidence 95% ─╯") and where_left in bottom, bottom


def test_a_paragraph_choice_is_named_by_the_heading_that_names_it():
    para = replace(match(entry("one two three four five six seven eight nine ten eleven twelve thirteen", None), 50.0),
                   topic="How the \x1b[31mwork\x1b[0m is done")
    reply = Reply("q", "ambiguous", 50.0, (match(PIN, 50.0), para), "Did you mean one of these?")
    assert "2. How the work is done  (50%)" in plain_reply(reply)
    titles = [line for line in render(rich_reply(reply, numbered=True), width=120).splitlines()
              if line.startswith("╭─")]
    assert titles[1].startswith("╭─ 2. How the work is done ─")
    assert reply.to_dict()["results"][1]["question"] is None   # the JSON contract: a paragraph has no question


def test_two_paragraph_choices_under_one_heading_are_told_apart_by_their_first_words():
    hours = [replace(match(entry(text, None, line=n), c), topic="Opening hours") for text, n, c in (
        ("The practice is closed on bank holidays and one Wednesday.", 9, 78.0),
        ("The surgery is open from 8:00am to 6:30pm, Monday to Friday.", 5, 44.0))]
    reply = Reply("weekend opening hours", "ambiguous", 78.0, tuple(hours), "Did you mean one of these?", choices=2)
    lines = plain_reply(reply).splitlines()
    assert lines[1] == "1. Opening hours: The practice is closed on bank …  (78%)"
    assert "2. Opening hours: The surgery is open from 8:00am …  (44%)" in lines
    titles = [line for line in render(rich_reply(reply, numbered=True), width=120).splitlines()
              if line.startswith("╭─")]
    assert titles[0].startswith("╭─ 1. Opening hours: The practice is closed on bank … ─")


@pytest.mark.parametrize("status", ["answered", "ambiguous", "no_answer", "chitchat"])
def test_plain_reply_never_carries_escapes(status):
    evil = entry("Text \x1b[2J\x1b]0;title\x07 end", "Q \x1b[31mred\x1b[0m?", path="a\x1b[1m.md",
                 heading="H\x07")
    m = match(evil, 70.0)
    reply = Reply("q", status, 70.0, (m, m) if status != "chitchat" else (),
                  "message \x1b]52;c;cGF5bG9hZA==\x07" if status == "chitchat" else "Hmm.",
                  ("Sugg \x1b[5mblink?",))
    out = plain_reply(reply, explain=True)
    assert not any(unicodedata.category(c) == "Cc" and c not in "\n" for c in out), repr(out)


# --- rich ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("terminal", [False, True], ids=["file", "terminal"])
def test_rich_markup_in_documents_is_shown_literally(terminal):
    e = entry("The badge is [bold red]x[/bold red] with a [link=http://e]y[/link] on it.",
              "What colour is the [i]badge[/i]?", heading="[blink]Badges[/blink]")
    out = render(rich_reply(answered(match(e))), terminal=terminal)
    text = SGR.sub("", out)
    assert "[bold red]x[/bold red]" in text
    assert "[link=http://e]y[/link]" in text
    assert "What colour is the [i]badge[/i]?" in text
    assert "[blink]Badges[/blink]" in text
    assert "\x1b]8;" not in out, "a document's [link=...] must not become a terminal hyperlink"
    if terminal:
        assert "\x1b[5m" not in out and "\x1b[3m" not in out   # no blink, no italic from the markup


def test_a_markdown_link_shows_where_it_really_goes():
    e = entry("Log in at [https://bank.example](https://evil.example/phish) with your card.")
    out = render(rich_reply(answered(match(e))), terminal=True)
    assert "\x1b]8;" not in out, "no terminal hyperlink whose target the reader cannot see"
    assert "https://bank.example" in words(out) and "https://evil.example/phish" in words(out)


def test_a_link_to_a_page_of_the_documents_own_site_shows_its_text_alone():
    e = entry("Refunds follow our policy (see [Billing](billing.md) and [the table](#fees)); write to "
              "[support](mailto:help@formwell.example) or read [the status page](https://status.formwell.example).")
    out = words(render(rich_reply(answered(match(e))), terminal=True, width=200))
    assert "see Billing and the table);" in out and "billing.md" not in out and "#fees" not in out
    assert "mailto:help@formwell.example" in out and "https://status.formwell.example" in out   # real addresses stay


@pytest.mark.parametrize("path", ["office.txt", "help.html", "faq.csv", "faq.json", "manual.pdf"])
def test_text_from_documents_not_written_in_markdown_is_shown_as_written(path):
    e = entry("Press <Enter> to send, or <Ctrl>+<S> to save. Paste <script src=\"w.js\"></script> before </body>. "
              "Logs match *.log or *.txt, up to 2*3*4 MB, in C:\\logs\\my_app & co.", path=path)
    m = match(e, 90.0, highlight="Logs match *.log or *.txt, up to 2*3*4 MB, in C:\\logs\\my_app & co.")
    out = render(rich_reply(answered(m)), terminal=True, width=200)
    assert 'Press <Enter> to send, or <Ctrl>+<S> to save. Paste <script src="w.js"></script> before </body>.' \
        in words(out)
    assert re.search(r"\x1b\[1m[^\x1b]*Logs match \*\.log or \*\.txt, up to 2\*3\*4 MB, in C:\\logs\\my_app & co\.", out), \
        repr(out)
    assert "\x1b[3m" not in out   # nothing slanted by a stray asterisk


def test_markdown_documents_keep_their_markup_and_other_documents_their_bold():
    out = render(rich_reply(answered(match(entry("It is *very* **important**.", path="guide.md")))), terminal=True)
    assert "\x1b[3mvery" in out and "*" not in SGR.sub("", out)
    out = render(rich_reply(answered(match(entry("**Yes.** Bring *.log files.", path="faq.html")))), terminal=True)
    assert re.search(r"\x1b\[1mYes\.", out) and "*.log files" in words(out)


HOSTILE = {
    "csi-clear": "\x1b[2J\x1b[H",
    "csi-colour": "\x1b[31;1m",
    "csi-cursor": "\x1b[10;10H\x1b[?25l",
    "osc-title-bel": "\x1b]0;pwned\x07",
    "osc-title-st": "\x1b]2;pwned\x1b\\",
    "osc-hyperlink": "\x1b]8;;http://evil.example\x1b\\pwned\x1b]8;;\x1b\\",
    "osc-clipboard": "\x1b]52;c;cHduZWQ=\x07",
    "unterminated-osc": "\x1b]0;pwned",
    "ris-reset": "\x1bc",
    "c1-csi": "\x9b2J",
    "c1-osc": "\x9d0;pwned\x9c",
    "carriage-return": "\rpwned",
    "backspace": "\x08\x08\x08",
    "bell-nul-del": "\x07\x00\x7f",
}


@pytest.mark.parametrize("seq", HOSTILE.values(), ids=HOSTILE.keys())
def test_safe_strips_escape_sequences_and_control_characters(seq):
    cleaned = safe(f"before {seq} after\n\tnext line")
    assert "\x1b" not in cleaned
    assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in cleaned), repr(cleaned)
    assert cleaned.startswith("before ")
    if seq != HOSTILE["unterminated-osc"]:   # that one: test_unterminated_osc_does_not_swallow_the_rest...
        assert cleaned.endswith(" after\n\tnext line")


def test_unterminated_osc_does_not_swallow_the_rest_of_the_answer():
    """A stray ESC ] in a document is dropped; the lines after it are still the user's answer."""
    cleaned = safe("Dial 5000 \x1b]0; and press 9.\nThen hang up and call again.")
    assert "\x1b" not in cleaned
    assert cleaned.startswith("Dial 5000 ")
    assert cleaned.endswith("\nThen hang up and call again.")


@pytest.mark.parametrize("seq", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("terminal", [False, True], ids=["file", "terminal"])
def test_escape_sequences_in_entries_never_reach_the_screen(seq, terminal):
    e = entry(f"Dial 5000 {seq}now.", f"How do I reset{seq} my PIN?", path=f"help{seq}.md", heading=f"Voice{seq}mail")
    reply = Reply("pin", "ambiguous", 80.0, (match(e, 80.0), match(PASSWORD, 79.0)), "Did you mean one of these?")
    for r in (answered(match(e)), reply):
        out = render(rich_reply(r, numbered=True), terminal=terminal)
        rest = SGR.sub("", out)                 # rich's own colours are the only escapes allowed
        assert "\x1b" not in rest and "\x9b" not in rest and "\x9d" not in rest, repr(out)
        assert not any(unicodedata.category(c) == "Cc" and c not in "\n" for c in rest), repr(rest)
        assert "Dial 5000" in words(out)


def test_title_set_by_a_document_does_not_leak_its_payload():
    out = render(rich_reply(answered(match(entry("A \x1b]0;pwned\x07B", "Q?")))), terminal=True)
    assert "pwned" not in out
    assert "A B" in words(out) or "AB" in words(out)


TERMINAL_PIECES = st.sampled_from(["\x1b", "\x1b[", "\x1b]", "\x1b\\", "\x07", "\x9b", "\x9d", "\r", "\n", "31m", ";"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=5) | TERMINAL_PIECES, max_size=30).map("".join))
def test_safe_leaves_no_control_characters_for_any_text(text):
    cleaned = safe(text)
    assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in cleaned)
    assert safe(cleaned) == cleaned


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_safe_keeps_text_without_control_characters(text):
    assert safe(text) == text


def test_where_names_path_heading_and_line():
    assert where(match(PIN)) == "help.md › Voicemail, line 3"
    assert where(match(entry("x", None, heading=None, line=7))) == "help.md, line 7"


def test_rich_answer_panel_shows_question_source_and_confidence():
    out = render(rich_reply(answered(match(PIN, 91.6))), width=100)
    lines = out.splitlines()
    assert lines[0].startswith("╭─ How do I reset my voicemail PIN? ─")
    assert "help.md › Voicemail, line 3 · confidence 92%" in lines[-1]
    assert "Dial 5000 from your desk phone" in words(out)
    assert all(len(line) <= 100 for line in lines)


@pytest.mark.parametrize("width", [40, 60, 120])
def test_rich_answer_fits_the_console_width(width):
    long = entry("word " * 200, "A long question " * 5)
    out = render(rich_reply(answered(match(long))), width=width)
    assert max(len(line) for line in out.splitlines()) <= width


def test_in_a_wide_terminal_prose_stays_in_a_readable_box_and_a_table_takes_the_room_it_needs():
    prose = render(rich_reply(answered(match(entry("word " * 200)))), width=200)
    assert max(len(line) for line in prose.splitlines()) == 100
    row = "| " + " | ".join(f"column {n} holds a rather long value" for n in range(5)) + " |"
    table = entry("| " + " | ".join(f"h{n}" for n in range(5)) + " |\n|" + "---|" * 5 + "\n" + row, path="t.md")
    wide = render(rich_reply(answered(match(table))), width=200)
    assert max(len(line) for line in wide.splitlines()) > 150
    assert "column 4 holds a rather long value" in wide   # one row, whole on its line


def test_rich_highlight_is_bold_on_a_terminal():
    m = match(PIN, 90.0, highlight="The new PIN has four digits.")
    out = render(rich_reply(answered(m)), terminal=True, width=140)
    assert re.search(r"\x1b\[1m[^\x1b]*The new PIN has four digits\.", out), repr(out)
    assert "**" not in SGR.sub("", out)


def test_rich_cut_off_note():
    e = entry("Machine Learning Engineers face", "What are the main challenges in this role?", truncated=True)
    out = words(render(rich_reply(answered(match(e))), width=60))
    assert "Machine Learning Engineers face The document stops here: this answer is cut off mid-sentence" in out
    assert "cut off" not in words(render(rich_reply(answered(match(PIN))), width=60))


def test_rich_question_without_answer():
    out = words(render(rich_reply(answered(match(entry("", "What are the opening hours?"))))))
    assert "(the document asks this but gives no answer)" in out


def test_rich_ambiguous_offers_two_numbered_choices():
    reply = Reply("how do I reset it", "ambiguous", 61.0,
                  (match(PIN, 61.0), match(PASSWORD, 60.0), match(entry("Third.", "Third?"), 20.0)),
                  "Did you mean one of these?")
    out = render(rich_reply(reply, numbered=True), width=100)
    lines = out.splitlines()
    assert lines[0] == "Did you mean one of these?"
    titles = [line for line in lines if line.startswith("╭─")]
    assert len(titles) == 2, "only the top two are offered"
    assert titles[0].startswith("╭─ 1. How do I reset my voicemail PIN? ─")
    assert titles[1].startswith("╭─ 2. How do I reset my account password? ─")
    assert lines[-1] == "Type 1 or 2 to pick one, or ask something else."
    assert "Type 1 or 2" not in render(rich_reply(reply), width=100)


def test_rich_ambiguous_with_three_tied_answers_offers_all_three():
    third = entry("Parking permits are renewed each January.", "How do I renew my permit?")
    reply = Reply("how do I renew it", "ambiguous", 40.0, (match(PIN, 40.0), match(PASSWORD, 39.0), match(third, 38.5)),
                  "Did you mean one of these?", choices=3)
    out = render(rich_reply(reply, numbered=True), width=100)
    titles = [line for line in out.splitlines() if line.startswith("╭─")]
    assert [t.split(" ")[1] for t in titles] == ["1.", "2.", "3."]
    assert out.splitlines()[-1] == "Type 1, 2 or 3 to pick one, or ask something else."
    assert "3. How do I renew my permit?" in plain_reply(reply)
    assert reply.to_dict()["choices"] == 3


def test_rich_ambiguous_paragraph_choice_is_named_by_its_first_words():
    para = entry("one two three four five six seven eight nine ten eleven twelve thirteen", None)
    reply = Reply("q", "ambiguous", 50.0, (match(PIN, 50.0), match(para, 49.0)), "Did you mean one of these?")
    titles = [line for line in render(rich_reply(reply, numbered=True), width=120).splitlines()
              if line.startswith("╭─")]
    assert titles[1].startswith("╭─ 2. one two three four five six seven eight nine ten eleven twelve … ─")


def test_rich_no_answer_lists_suggestions():
    reply = Reply("bread", "no_answer", 5.0, (), "I'm not sure: I couldn't find an answer.",
                  ("How do I reset my voicemail PIN?",))
    assert render(rich_reply(reply)) == (
        "I'm not sure: I couldn't find an answer.\nYou could ask:\n  • How do I reset my voicemail PIN?\n")


def test_rich_no_answer_explained_shows_the_closest_below_threshold():
    reply = Reply("bread", "no_answer", 12.0, (match(PIN, 12.0),), "I'm not sure.", ())
    out = words(render(rich_reply(reply, explain=True), width=100))
    assert "Closest (below the threshold): How do I reset my voicemail PIN?" in out
    assert "Dial 5000" not in words(render(rich_reply(reply), width=100))


def test_rich_chitchat_markup_is_literal():
    out = render(rich_reply(Reply("hi", "chitchat", 100.0, message="Hello [bold]there[/bold]!")), terminal=True)
    assert SGR.sub("", out) == "Hello [bold]there[/bold]!\n"


def test_rich_follow_up_note():
    out = words(render(rich_reply(answered(match(PIN), context="How do I reset my voicemail PIN?")), width=100))
    assert out.startswith("(reading this as a follow-up to: How do I reset my voicemail PIN?)")


# --- explanations -------------------------------------------------------------------------------------------------

def explanation(term: str = "reset") -> Explanation:
    return Explanation("how do I reset my pin", match(PIN, 90.0),
                       [Contribution("question_word", term, 0.512), Contribution("text_word", "pin", 0.25)],
                       match(PASSWORD, 40.0), [Contribution("question_word", "reset", 0.3)])


def test_plain_explanation_lists_terms_and_runner_up():
    lines = plain_explanation(explanation()).splitlines()
    assert lines[0].startswith("Why: How do I reset my voicemail PIN? scored ")
    assert lines[1].split()[-2:] == ["reset", "+0.512"] and "question words" in lines[1]
    assert any(line.startswith("Runner-up: How do I reset my account password?") for line in lines)


@pytest.mark.parametrize(("status", "plain_head", "rich_head"), [
    ("answered", "Why: ", "Why this answer: "), ("no_answer", "Closest, not answered: ", "Closest, not answered: "),
    ("ambiguous", "First choice: ", "First choice: ")])
def test_an_explanation_names_the_top_result_as_the_reply_treated_it(status, plain_head, rich_head):
    from dataclasses import replace
    x = replace(explanation(), status=status)
    assert plain_explanation(x).startswith(plain_head + "How do I reset my voicemail PIN? scored ")
    assert render(rich_explanation(x)).startswith(rich_head + "How do I reset my voicemail PIN?")


def test_plain_explanation_columns_hold_the_longest_field_name():
    x = Explanation("q", match(PIN, 90.0), [Contribution("sense_piece", "(whole question)", 0.2),
                                             Contribution("question_word", "pin", 0.1)], None, [])
    rows = plain_explanation(x).splitlines()[1:]
    assert len({row.index("(whole question)") if "(whole" in row else row.index("pin ") for row in rows}) == 1


@pytest.mark.parametrize("seq", ["\x1b[2J", "\x1b]0;pwned\x07", "[bold]x[/bold]"])
def test_explanation_terms_are_escaped(seq):
    x = explanation(f"re{seq}set")
    plain = plain_explanation(x)
    rich = render(rich_explanation(x), terminal=True)
    for out in (plain, SGR.sub("", rich)):
        assert "\x1b" not in out and "pwned" not in out
    if seq.startswith("["):
        assert "re[bold]x[/bold]set" in SGR.sub("", rich)


def test_an_answers_kept_line_breaks_show_as_lines_in_the_panel_and_in_plain_text():
    address = entry("Acme Ltd  \n12 Harbour Road  \nPortsmouth", "Where are you?")
    screen = [words(line) for line in render(rich_reply(answered(match(address))), width=80).splitlines()]
    assert ["Acme Ltd", "12 Harbour Road", "Portsmouth"] == screen[1:4]   # under the title, above the source
    assert plain_reply(answered(match(address))).splitlines()[1:3] == ["12 Harbour Road  ", "Portsmouth"]


def test_an_answer_the_user_picked_says_so_instead_of_a_confidence():
    m = replace(match(PIN, 100.0), shown_as="your pick")
    plain = plain_reply(answered(m))
    assert "(your pick)" in plain and "Confidence" not in plain
    screen = words(render(rich_reply(answered(m)), width=120))
    assert "· your pick" in screen and "confidence" not in screen


def test_a_highlighted_list_item_stays_an_item():
    e = entry("Travel costs:\n\n- Rail travel: standard class only.\n- Mileage in your own car: 45p per mile.")
    out = render(rich_reply(answered(match(e, 90.0, highlight="- Mileage in your own car: 45p per mile."))),
                 terminal=True, width=100)
    lines = [words(x) for x in SGR.sub("", out).splitlines()]
    assert any(x.startswith("• Mileage in your own car") for x in lines), lines
    assert re.search(r"\x1b\[1m[^\x1b]*Mileage in your own car: 45p per mile\.", out)


def test_a_name_listed_twice_is_told_apart_by_first_words():
    from mlbot.render import told_apart

    texts = {0: "The office is open from 7:00 to 20:00 on weekdays.", 1: "Twelve parking spaces.", 2: "Lunch at noon."}
    got = told_apart([(0, "Berlin office"), (1, "Parking"), (2, "Berlin office")], lambda i: entry(texts[i]))
    assert got == ["Berlin office: The office is open from 7:00 …", "Parking", "Berlin office: Lunch at noon."]


def test_a_code_line_too_wide_for_the_terminal_goes_out_whole_for_a_copy():
    from mlbot.render import console

    command = "/opt/vpn/collect --output ~/Desktop/logs-$(date +%Y%m%d).tar.gz --include-system-diagnostics --verbose"
    e = entry(f"Collect the logs:\n\n```sh\n{command}\n```\n\nThen send them to IT.", path="vpn.md")
    for width in (40, 80):
        out = io.StringIO()
        console(file=out, width=width).print(rich_reply(answered(match(e, 91.0))))
        screen = out.getvalue()
        assert command in screen.splitlines(), screen   # one line, unbroken and without borders
        assert "confidence 91%" in screen and "Then send them to IT." in words(screen)
    # A command that fits stays in the panel.
    short = entry("Run:\n\n```sh\nvpn status\n```", path="vpn.md")
    assert "│" in render(rich_reply(answered(match(short, 91.0))), width=80)


def test_a_placeholder_in_angle_brackets_and_a_bare_address_are_shown_as_written():
    e = entry("Log in as <username> on <hostname> with <b>ssh</b>, or see <https://help.example.com/vpn>.",
              path="vpn.md")
    screen = words(render(rich_reply(answered(match(e, 91.0))), width=120))
    assert "Log in as <username> on <hostname> with ssh, or see https://help.example.com/vpn." in screen
    assert "(https://" not in screen


def test_a_highlight_with_a_lone_star_is_not_bolded_into_the_text():
    e = entry("Use the portal. Wildcards like *.acme.example are allowed for internal sites.", path="notes.md")
    out = render(rich_reply(answered(match(e, 90.0, highlight="Wildcards like *.acme.example are allowed for "
                                                             "internal sites."))), width=120, terminal=True)
    assert "Wildcards like *.acme.example are allowed" in words(out)


def test_a_highlight_wrapped_over_lines_in_the_text_is_bolded_whole():
    e = entry("Connect to the gateway with your usual\npassword, then open the portal.\nIt asks for a code.",
              path="vpn.md")
    out = render(rich_reply(answered(match(e, 90.0, highlight="Connect to the gateway with your usual password, "
                                                             "then open the portal."))), terminal=True, width=100)
    assert re.search(r"\x1b\[1m[^\x1b]*then open the portal\.", out), out
    assert re.search(r"\x1b\[1m[^\x1b]*Connect to the gateway", out), out


def test_a_table_cell_too_long_for_a_narrow_terminal_is_folded_not_cut():
    address = "ipps://print.example.com/printers/PRN-3F-EAST"
    e = entry(f"| OS | How |\n|---|---|\n| Linux | lpadmin -p PRN-3F-EAST -v {address} -E |", path="print.md")
    screen = render(rich_reply(answered(match(e, 91.0))), width=40)
    assert "…" not in screen
    assert address in "".join(x.strip(" │") for x in screen.splitlines() if "│" in x).replace(" ", "")


ROLES = ("| Role | Manage billing | Invite and remove members | View submissions | Delete submissions |\n"
         "|---|---|---|---|---|\n| Owner | Yes | Yes | Yes | Yes |\n| Viewer | No | No | Yes | No |")


def test_a_table_keeps_its_words_whole_and_is_stacked_when_they_cannot_fit():
    # Folded at 50 columns its headers read "billin" over "g" and "submis" over "sions".
    box = [x.strip(" │") for x in render(rich_reply(answered(match(entry(ROLES), 91.0))), width=60).splitlines()]
    assert any(x.split() == ["Role", "billing", "members", "submissions", "submissions"] for x in box), box
    assert not any(w in x.split() for x in box for w in ("billin", "submis", "sions", "g", "s"))
    assert any(x.split() == ["Viewer", "No", "No", "Yes", "No"] for x in box)
    narrow = [x.strip(" │") for x in render(rich_reply(answered(match(entry(ROLES), 91.0))), width=40).splitlines()]
    at = narrow.index("Viewer")
    assert narrow[at + 1:at + 5] == ["Manage billing: No", "Invite and remove members: No", "View submissions: Yes",
                                     "Delete submissions: No"]
    # Wide enough, it is laid out as rich lays it out.
    wide = render(rich_reply(answered(match(entry(ROLES), 91.0))), width=120)
    assert any(x.strip(" │").split() == ["Role", "Manage", "billing", "Invite", "and", "remove", "members", "View",
                                        "submissions", "Delete", "submissions"] for x in wide.splitlines())


def test_a_title_too_long_for_a_narrow_terminal_ends_in_an_ellipsis():
    e = entry("Start GlobalProtect.", "How do I install Python packages behind the proxy on a managed laptop?")
    top = render(rich_reply(answered(match(e, 91.0))), width=40).splitlines()[0]
    assert "…" in top and top.endswith("╮") and len(top) == 40, top


def test_a_name_with_a_number_of_its_own_is_not_numbered_twice_in_a_menu():
    from mlbot.render import numbered_item
    assert numbered_item(4, "1. Create a form") == "4. Create a form"
    assert numbered_item(2, "3) Turn on notifications", 3) == "  2. Turn on notifications"
    assert numbered_item(1, "2024 prices") == "1. 2024 prices"   # a year, not a list number
    assert numbered_item(5, "What is 2. x?") == "5. What is 2. x?"


@pytest.mark.parametrize("text", ["| Role | Can |\n|---|---|\n| Owner | everything |",
                                  "- Owner: everything\n- Viewer: read"], ids=["table", "list"])
def test_a_box_holding_a_table_or_list_alone_has_no_empty_rows_around_it(text):
    out = render(rich_reply(answered(match(entry(text)))), width=60).splitlines()
    top = next(i for i, x in enumerate(out) if x.startswith("╭"))
    bottom = next(i for i, x in enumerate(out) if x.startswith("╰"))
    assert out[top + 1].strip("│ ") and out[bottom - 1].strip("│ "), "\n".join(out)


def test_a_page_long_paragraph_is_shown_to_a_sentence_end_and_says_how_much_is_left():
    """A 68 KB line of terms would scroll the chat away: the box ends at a sentence, says what it left out and where
    the whole is; plain output (pipes) keeps all of it."""
    long = " ".join(f"Clause {n} says the member agrees to rule {n}." for n in range(2000))
    m = match(entry(long, "Terms and conditions"))
    screen = words(render(rich_reply(answered(m)), width=100))
    assert "Clause 10 says" in screen and "Clause 1999 says" not in screen
    shown = screen.split("[…")[0]
    assert shown.rstrip(" │").endswith(".")   # a whole sentence last
    left = int(re.search(r"\[… ([\d,]+) more characters", screen)[1].replace(",", ""))
    assert 0 < left < len(long) and "'mlbot ask --json' or the document has it whole" in screen
    assert "Clause 1999 says" in plain_reply(answered(m))
    short = words(render(rich_reply(answered(match(PIN))), width=100))
    assert "more characters" not in short and "characters before" not in short
    # The sentence that answers, far into the paragraph, is shown, from its start.
    far = "Clause 1500 says the member agrees to rule 1500."
    screen = words(render(rich_reply(answered(match(entry(long, "Terms and conditions"), highlight=far))), width=100))
    before = int(re.search(r"\[… ([\d,]+) characters before\]", screen)[1].replace(",", ""))
    assert before == long.index(far) and far in screen and "Clause 10 says" not in screen


def test_a_table_after_its_lead_sentence_has_one_blank_line_above_it_not_two():
    e = entry("Our plans and what they cost:\n\n| Plan | Price |\n|---|---|\n| Hot desk | £150 |", path="plans.md")
    lines = [BOX.sub("", x).strip() for x in render(rich_reply(answered(match(e)))).splitlines()]
    lead = next(i for i, x in enumerate(lines) if x.startswith("Our plans"))
    assert lines[lead + 1] == "" and lines[lead + 2].split() == ["Plan", "Price"]
