"""The chat's turns, in process: what a number, "bye", "ok", /more and /good do, what a follow-up after a pick leans
on, and what the chat keeps on disk. The same chat in a real pseudo-terminal is test_chat_pty.py."""
from __future__ import annotations

import io
import os
import stat
import sys

import pytest

import mlbot
from mlbot.render import console
from mlbot.repl import Chat


@pytest.fixture
def office(kb):
    return mlbot.load([str(kb)])


def chat(bot, reopen=None, log=None) -> tuple[Chat, io.StringIO]:
    buf = io.StringIO()
    return Chat(bot, log, out=console(file=buf, width=120), reopen=reopen), buf


def said(buf: io.StringIO, start: int = 0) -> str:
    return " ".join(buf.getvalue()[start:].replace("│", " ").split())


@pytest.mark.parametrize("line", ["bye", "Goodbye!", "see you"])
def test_saying_goodbye_leaves_the_chat(office, line):
    c, buf = chat(office)
    assert c.handle(line) is False
    assert "Goodbye!" in said(buf)


@pytest.mark.parametrize("line", ["ok", "Got it", "Hi, I am new here."])
def test_an_acknowledgement_is_small_talk_not_a_question_refused(office, line):
    c, buf = chat(office)
    assert c.handle(line) is True
    assert c.state.last is not None and c.state.last.status == "chitchat"
    assert "not sure" not in said(buf).lower()


def test_a_follow_up_after_a_pick_leans_on_what_was_picked(office):
    c, _ = chat(office)
    c.handle("what is the meaning of all this")   # refused, with suggestions to pick from
    assert c.state.last.status == "no_answer" and c.state.choices
    picked = office.kb.entry(c.state.choices[0])
    c.handle("1")
    assert c.session.last_question == picked.question


def test_a_number_after_the_documents_changed_picks_nothing_from_the_old_ones(office, kb):
    changed = {"now": False}
    c, buf = chat(office, reopen=lambda: mlbot.load([str(kb)]) if changed["now"] else None)
    c.handle("password")
    assert c.state.choices
    changed["now"] = True
    start = len(buf.getvalue())
    c.handle("1")
    out = said(buf, start)
    assert "documents changed" in out and "ask again" in out
    assert c.state.last is None, "nothing was picked"


def test_changing_a_verdict_says_so(office):
    from mlbot.feedback import FeedbackLog

    c, buf = chat(office, log=FeedbackLog.open(office.kb.meta["key"]))
    c.handle("When is the office open?")
    c.handle("/bad")
    start = len(buf.getvalue())
    c.handle("/good")
    assert "Changed to good" in said(buf, start)


def test_more_says_when_there_is_nothing_more(office):
    c, buf = chat(office)
    c.handle("When is the office open?")
    for _ in range(6):
        c.handle("/more")
    start = len(buf.getvalue())
    c.handle("/more")
    assert said(buf, start) == "No more answers to that question."


def test_the_history_keeps_questions_not_numbers_picked_or_ways_out():
    from prompt_toolkit.history import InMemoryHistory

    from mlbot.repl import _questions_only

    h = _questions_only(InMemoryHistory)()
    for line in ("how do I reset my password", "2", " 12 ", "exit", "/quit", "bye", "/more", "what about 2fa"):
        h.append_string(line)
    assert list(h.get_strings()) == ["how do I reset my password", "/more", "what about 2fa"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_feedback_log_is_readable_by_its_owner_alone(office):
    from mlbot.feedback import FeedbackLog, feedback_path

    log = FeedbackLog.open(office.kb.meta["key"])
    log.record(office.ask("what is the meaning of all this"))
    assert feedback_path().exists()
    assert stat.S_IMODE(os.stat(feedback_path()).st_mode) == 0o600


def test_a_build_interrupted_takes_its_progress_bar_down(monkeypatch):
    """Ctrl-C while the chat reads edited documents again left the bar running, drawing over the rest of the chat."""
    from mlbot import cli, store

    bars = []

    class Bar(cli._ProgressBar):
        def __init__(self):
            super().__init__()
            bars.append(self)

    def build(docs, warn, progress, **kwargs):
        progress("building the index", 3, 10)
        assert bars[0].bar.live.is_started
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_ProgressBar", Bar)
    monkeypatch.setattr(store, "open_index", build)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with pytest.raises(KeyboardInterrupt):
        cli._open(None)
    assert len(bars) == 1 and not bars[0].bar.live.is_started


def test_a_piped_chat_prints_replies_as_plain_text_numbered_to_pick(run_mlbot, warm_cache):
    p = run_mlbot("chat", input=b"what is the weather like on mars\n1\nexit\n")
    out = p.stdout.decode()
    assert p.returncode == 0 and "│" not in out and "╭" not in out
    assert "You could ask (type a number to ask):\n  1. " in out
    assert "(your pick)" in out


def test_a_long_answer_line_is_not_wrapped_in_a_piped_chat(tmp_path, run_mlbot):
    doc = tmp_path / "faq.md"
    long = "You can reach the help desk " + "and it will answer " * 12 + "within a day."
    doc.write_text(f"# Help\n\n## How do I reach the help desk?\n\n{long}\n", encoding="utf-8")
    p = run_mlbot("chat", "--docs", str(doc), input=b"how do I reach the help desk\n")
    assert long in p.stdout.decode().splitlines()


def test_asking_for_help_in_the_chat_names_its_commands(office):
    c, buf = chat(office)
    c.handle("help")
    assert "/help" in said(buf)


def test_list_names_a_page_title_once_though_its_footer_sits_under_it(tmp_path):
    page = tmp_path / "welcome.html"
    page.write_text("<html><head><title>Welcome to Acme</title></head><body><h1>Welcome to Acme</h1>"
                    "<p>This page walks you through your first week with us at the office.</p>"
                    "<h2>When do I get paid?</h2><p>On the last business day of each month.</p>"
                    "<footer>Acme Corp, 12 Harbour Road, Portsmouth PO1 2AB</footer></body></html>")
    bot = mlbot.load([str(page)])
    names = [name for _, name in bot.contents()]
    assert names == ["Welcome to Acme", "When do I get paid?"]
    footer = [e for e in bot.kb.entries() if "Harbour Road" in e.text]
    assert footer, "the footer is still read (a shop's address lives there)"


def test_list_names_a_subsection_apart_from_the_section_above_it_but_not_a_changelog_s_added(tmp_path):
    page = tmp_path / "guests.html"
    page.write_text("<title>Guests and Visitors - Hive Works</title><h1>Guests and Visitors</h1>"
                    "<p>Residents may host guests in the common areas until ten.</p>"
                    "<h2>Deliveries</h2><p>Parcels are held at the front desk for up to a week.</p>"
                    "<p>Food deliveries must be collected from the lobby in person.</p>")
    names = [name for _, name in mlbot.load([str(page)]).contents()]
    assert names[-1] == "Deliveries" and len(names) == 2
    log = tmp_path / "changelog.md"
    log.write_text("# Changelog\n\n## 2.1.0 — 2024-03-18\n\n### Added\n\nA dark theme for the settings page.\n\n"
                   "### Fixed\n\nExports no longer drop the last row.\n\n## 2.0.0 — 2023-11-07\n\n### Added\n\n"
                   "Single sign-on through the company directory.\n")
    names = [name for _, name in mlbot.load([str(log)]).contents()]
    assert "Added" not in names and "Fixed" not in names
    assert {"2.1.0 — 2024-03-18", "2.0.0 — 2023-11-07"} <= set(names)


def test_more_after_an_faq_answer_shows_no_neighbouring_questions_but_after_a_paragraph_shows_its_neighbours(tmp_path):
    faq = tmp_path / "faq.csv"
    faq.write_text("question,answer\nHow do I book a meeting room?,Use the Rooms tab in Outlook.\n"
                   "How long are emails kept?,Seven years.\n")
    c, buf = chat(mlbot.load([str(faq)]))
    c.handle("how long are emails kept")
    start = len(buf.getvalue())
    for _ in range(4):
        c.handle("/more")
    assert "Around that answer" not in said(buf, start) and "No more answers" in said(buf, start)
    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\n\n## Boilers\n\nThe boiler sits in the cupboard by the stairs and heats the water.\n\n"
                     "Bleed the radiators each autumn with the key that hangs beside the boiler.\n\n"
                     "Call the landlord if the pressure gauge drops below one bar.\n")
    c, buf = chat(mlbot.load([str(guide)]))
    c.handle("how do I bleed the radiators")
    for _ in range(4):
        c.handle("/more")
    assert "Around that answer in its document" in said(buf)


def test_the_banner_names_documents_that_could_not_be_read_even_from_a_cached_index(tmp_path, kb):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "help.md").write_text(kb.read_text())
    (docs / "scan.pdf").write_bytes(b"%PDF-1.4 not really a pdf\x00\x01\x02")
    said_then: list[str] = []
    mlbot.load([str(docs)], warn=said_then.append)
    assert any("scan.pdf" in w for w in said_then)
    c, buf = chat(mlbot.load([str(docs)]))   # from the cache: no warning this time
    c.banner()
    assert "1 file of the documents was skipped (scan.pdf): 'mlbot info' says why." in said(buf)
    c.sources()   # the documents answered from: the skipped one is not among them
    assert "Documents (1): help.md" in said(buf)
    c, buf = chat(mlbot.load([str(docs / "help.md")]))
    c.banner()
    assert "skipped" not in said(buf)
