"""The feedback log: what is logged, how the review queue groups it, and that a locked, damaged or read-only
database never stops the bot answering nor loses the feedback already in it."""
from __future__ import annotations

import io
import os
import sqlite3
import threading
import time
from dataclasses import replace

import pytest

import mlbot
from mlbot import feedback
from mlbot.cli import main
from mlbot.errors import MlbotError
from mlbot.feedback import FeedbackLog, feedback_path, group_items
from mlbot.model import Reply

# No word of this is in the handbook (but "where"), so any ranking refuses it.
UNKNOWN = "What is the capital of Peru?"


@pytest.fixture
def bot(kb):
    return mlbot.load([str(kb)])


def key(bot) -> str:
    return bot.kb.meta["key"]


def entry_index(bot, question: str) -> int:
    return next(i for i, e in enumerate(bot.kb.entries()) if e.question == question)


def refused(question: str = UNKNOWN, bot=None) -> Reply:
    """A no_answer reply, with the bot's (weak) best guesses when a bot is given."""
    results = ()
    if bot is not None:
        results = (bot.reply_for(entry_index(bot, "Where can I park my bike?")).results[0],
                   bot.reply_for(entry_index(bot, "When is the office open?")).results[0])
    return Reply(question, "no_answer", 12.5, results, "I'm not sure.")


def ambiguous(bot, question: str = "how long is it open") -> Reply:
    a = bot.reply_for(entry_index(bot, "When is the office open?")).results[0]
    b = bot.reply_for(entry_index(bot, "How do I connect to the office wifi?")).results[0]
    return Reply(question, "ambiguous", 55.0, (a, b), "Did you mean one of these?")


def answered(bot, question: str = "How do I reset my password?") -> Reply:
    return bot.reply_for(entry_index(bot, question), question)


def rows(path=None) -> list[dict]:
    con = sqlite3.connect(str(path or feedback_path()))
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM items ORDER BY id")]
    finally:
        con.close()


# --------------------------------------------------------------------------------------------------- logging

def test_record_logs_a_refused_reply_with_its_answers(bot):
    log = FeedbackLog.open(key(bot))
    assert log.enabled
    assert log.record(refused(bot=bot)) is True
    [row] = rows()
    assert row["question"] == UNKNOWN
    assert row["status"] == "no_answer"
    assert row["confidence"] == pytest.approx(12.5)
    assert row["entry"] == bot.kb.entry(entry_index(bot, "Where can I park my bike?")).id
    assert row["answer"] == "Bikes go in the rack behind the building."
    assert row["runner_up"] == bot.kb.entry(entry_index(bot, "When is the office open?")).id
    assert row["docs"] == key(bot)
    assert row["verdict"] is None and row["state"] == "open"
    assert time.strptime(row["asked"], "%Y-%m-%dT%H:%M:%SZ")


def test_record_keeps_ambiguous_and_ignores_answered_and_chitchat(bot):
    log = FeedbackLog.open(key(bot))
    assert log.record(answered(bot)) is False
    assert log.record(Reply("hello", "chitchat", 100.0, message="Hi!")) is False
    assert log.record(ambiguous(bot)) is True
    assert [r["status"] for r in rows()] == ["ambiguous"]


def test_a_refusal_with_no_results_is_logged_without_an_answer(bot):
    log = FeedbackLog.open(key(bot))
    assert log.record(refused())
    [row] = rows()
    assert row["entry"] is None and row["answer"] is None and row["runner_up"] is None


def test_only_the_first_200_characters_of_the_answer_are_kept(tmp_path):
    long = "word " * 200
    path = tmp_path / "long.md"
    path.write_text(f"# T\n\n## What is long?\n\n{long.strip()}.\n", encoding="utf-8")
    bot = mlbot.load([str(path)])
    log = FeedbackLog.open(key(bot))
    reply = bot.reply_for(0, "what is very long")
    log.record(Reply(reply.question, "ambiguous", 50.0, reply.results))
    assert rows()[0]["answer"] == long.strip()[:200]


def test_bad_is_queued_for_review_and_good_is_kept_as_positive(bot):
    log = FeedbackLog.open(key(bot))
    good = answered(bot)
    bad = answered(bot, "When is the office open?")
    assert log.feedback(good, True) is True
    assert log.feedback(bad, False) is True
    by_question = {r["question"]: r for r in rows()}
    assert by_question["How do I reset my password?"]["verdict"] == "good"
    assert by_question["When is the office open?"]["verdict"] == "bad"
    [group] = log.queue(key(bot))
    assert group.questions == ["When is the office open?"]
    assert group.statuses == {"bad": 1}
    assert group.answers[0].entry == bad.results[0].entry.id
    assert group.answers[0].text.startswith("The office is open")


def test_a_vote_on_a_logged_reply_updates_its_row(bot):
    log = FeedbackLog.open(key(bot))
    reply = refused(bot=bot)
    log.record(reply)
    assert log.feedback(reply, False)
    assert log.feedback(reply, False)       # twice: still one row
    [row] = rows()
    assert row["verdict"] == "bad" and row["status"] == "no_answer"
    [group] = log.queue()
    assert group.statuses == {"no_answer": 1, "bad": 1}


def test_changing_a_vote_takes_an_answer_out_of_the_queue(bot):
    log = FeedbackLog.open(key(bot))
    reply = answered(bot)
    log.feedback(reply, False)
    assert len(log.queue()) == 1
    log.feedback(reply, True)
    assert log.queue() == []
    assert [r["verdict"] for r in rows()] == ["good"]


def test_resolved_records_the_entry_the_user_picked(bot):
    log = FeedbackLog.open(key(bot))
    asked = ambiguous(bot)
    log.record(asked)
    picked = bot.reply_for(asked.results[1].index, asked.question)
    assert log.resolved(asked, picked) is True
    [row] = rows()
    assert row["picked"] == asked.results[1].entry.id
    [group] = log.queue()
    assert group.entries[0] == asked.results[1].entry.id     # the user's pick is the first candidate


def test_a_suggestion_picked_after_a_refusal_is_recorded_too(bot):
    log = FeedbackLog.open(key(bot))
    asked = refused("where do I leave my bicycle", bot)
    log.record(asked)
    picked = bot.reply_for(entry_index(bot, "Where can I park my bike?"), asked.question)
    assert log.resolved(asked, picked) is True
    [row] = rows()
    assert (row["status"], row["picked"]) == ("no_answer", picked.results[0].entry.id)


def test_untrusted_question_text_is_stored_as_data(bot):
    log = FeedbackLog.open(key(bot))
    nasty = "x'); DROP TABLE items; -- \" OR 1=1 %s ?"
    log.record(refused(nasty))
    log.record(refused("second"))
    assert [r["question"] for r in rows()] == [nasty, "second"]


def test_schema_is_versioned_and_in_wal_mode(bot):
    FeedbackLog.open(key(bot)).record(refused())
    con = sqlite3.connect(str(feedback_path()))
    assert con.execute("PRAGMA user_version").fetchone()[0] == feedback.SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    assert feedback_path().parent == __import__("pathlib").Path(os.environ["XDG_DATA_HOME"]) / "mlbot"
    assert 1.0 <= feedback.BUSY_TIMEOUT <= 5.0


def test_logs_from_two_processes_share_the_file(bot):
    a, b = FeedbackLog.open(key(bot)), FeedbackLog.open(key(bot))
    assert a.record(refused("from a")) and b.record(refused("from b")) and a.record(refused("again a"))
    assert [r["question"] for r in rows()] == ["from a", "from b", "again a"]


# ------------------------------------------------------------------------------------------------ the queue

def test_queue_groups_near_duplicate_questions_most_frequent_first(bot):
    log = FeedbackLog.open(key(bot))
    for q in ("How do I reset my password?", "how do i reset my password", "Resetting passwords?",
              "reset password via email",          # {reset, password, email}: Jaccard 2/3 with the first
              "Where do I park a tractor?",
              "reset password email phone"):       # 2/4 with the first, but 3/4 with the one above: it joins
        log.record(refused(q))
    groups = log.queue(key(bot))
    assert [g.count for g in groups] == [5, 1]
    first = groups[0]
    # Distinct questions, most recent first; the same words asked twice show once (as last asked).
    assert first.questions == ["reset password email phone", "reset password via email", "Resetting passwords?",
                               "how do i reset my password"]
    assert [i.question for i in first.items][:2] == ["How do I reset my password?", "how do i reset my password"]
    assert first.statuses == {"no_answer": 5}
    assert first.ids == sorted(first.ids)
    assert first.last_seen == max(i.asked for i in first.items)
    assert groups[1].questions == ["Where do I park a tractor?"]


def test_grouping_boundary_is_a_jaccard_of_six_tenths():
    def item(i, q, docs="k"):
        return feedback.QueueItem(i, docs, q, "no_answer", 1.0, None, None, None, None, None, "2024-01-01T00:00:00Z")

    groups = group_items([item(1, "reset password"), item(2, "reset password email"),
                          item(3, "bike rack phone garage"), item(4, "bike rack phone")])
    assert sorted(g.ids for g in groups) == [[1, 2], [3, 4]]
    apart = group_items([item(1, "reset password"), item(2, "reset password email phone")])
    assert len(apart) == 2
    same_words = group_items([item(1, "What is it?"), item(2, "what is IT")])   # no content words: same text
    assert [g.ids for g in same_words] == [[1, 2]]
    other_docs = group_items([item(1, "reset password"), item(2, "reset password", docs="other")])
    assert len(other_docs) == 2


def test_queue_to_dict_is_the_json_shape(bot):
    log = FeedbackLog.open(key(bot))
    log.record(refused(bot=bot))
    [group] = log.queue()
    d = group.to_dict()
    assert d["count"] == 1 and d["questions"] == [UNKNOWN] and d["statuses"] == {"no_answer": 1}
    assert d["answers"] == [{"entry": group.answers[0].entry, "text": "Bikes go in the rack behind the building.",
                             "confidence": 12.5, "count": 1, "lowest": 12.5, "highest": 12.5}]
    assert d["items"] == group.ids and d["last_seen"] == group.last_seen


def test_an_answer_given_at_several_confidences_shows_their_range(bot):
    # One figure, the latest, stood for asks at 34% and at 3%.
    from mlbot.render_review import plain_review
    from mlbot.review import list_review
    log = FeedbackLog.open(key(bot))
    for confidence in (34.0, 3.2, 33.9):
        log.record(replace(refused("what does the viewer role do", bot=bot), confidence=confidence))
    [answer] = log.queue(key(bot))[0].answers[:1]
    assert (answer.confidence, answer.lowest, answer.highest, answer.count) == (33.9, 3.2, 34.0, 3)
    assert "(3–34%, ×3)" in plain_review(list_review(bot, log))


def test_queue_is_filtered_by_knowledge_base(bot):
    log = FeedbackLog.open(key(bot))
    log.record(refused("asked here"))
    FeedbackLog.open("another-kb").record(refused("asked there"))
    assert [g.questions for g in log.queue(key(bot))] == [["asked here"]]
    assert len(log.queue()) == 2


def test_dismiss_and_mark_attached_take_items_out_of_the_queue(bot):
    log = FeedbackLog.open(key(bot))
    for q in ("first question about tractors", "second question about ponies", "third about llamas"):
        log.record(refused(q))
    ids = {g.questions[0]: g.ids for g in log.queue()}
    assert log.dismiss(ids["first question about tractors"]) == 1
    assert log.mark_attached(ids["second question about ponies"], "handbook.md:3") == 1
    assert [g.questions for g in log.queue()] == [["third about llamas"]]
    states = {r["question"]: (r["state"], r["attached_to"]) for r in rows()}
    assert states == {"first question about tractors": ("dismissed", None),
                      "second question about ponies": ("attached", "handbook.md:3"),
                      "third about llamas": ("open", None)}


# ------------------------------------------------------------------------------------------------ robustness

GARBAGE = {
    "random bytes": os.urandom(4096),
    "text": b"this is not a database, it is a grocery list\n" * 50,
    "sqlite header, garbage after": b"SQLite format 3\x00" + b"\xff" * 84 + os.urandom(2048),
}


@pytest.mark.parametrize("content", GARBAGE.values(), ids=GARBAGE.keys())
def test_a_corrupt_database_is_left_byte_identical_and_the_bot_still_answers(bot, content):
    path = feedback_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    warnings: list[str] = []
    log = FeedbackLog.open(key(bot), warn=warnings.append)
    assert not log.enabled
    reply = bot.ask("How do I reset my password?")
    assert reply.status == "answered"
    assert log.record(refused()) is False
    assert log.feedback(reply, False) is False
    assert log.record(refused("again")) is False
    assert len(warnings) == 1
    assert str(path) in warnings[0] and "\n" not in warnings[0]
    assert "not" in warnings[0] and "saved" in warnings[0]
    with pytest.raises(MlbotError, match="left untouched"):
        log.queue()
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["feedback.db"]


def test_a_database_damaged_after_its_header_keeps_its_bytes(bot):
    log = FeedbackLog.open(key(bot))
    for n in range(50):
        log.record(refused(f"question number {n} " + "padding " * 40))
    log.close()
    path = feedback_path()
    data = bytearray(path.read_bytes())
    assert len(data) > 8192
    data[4096:] = os.urandom(len(data) - 4096)      # every page after the first is garbage
    path.write_bytes(bytes(data))
    warnings: list[str] = []
    log = FeedbackLog.open(key(bot), warn=warnings.append)
    assert log.record(refused()) is False
    assert len(warnings) == 1
    assert path.read_bytes() == bytes(data)


def test_cli_with_a_corrupt_database_answers_warns_once_and_changes_nothing(kb, capsys):
    path = feedback_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(GARBAGE["random bytes"])
    status = main(["ask", UNKNOWN, "--docs", str(kb)])
    out, err = capsys.readouterr()
    assert status == 1                      # refused, as without a log
    assert "not sure" in out.lower()
    assert err.count("warning:") == 1 and str(path) in err
    assert main(["review", "--json", "--docs", str(kb)]) == 2
    assert "feedback log" in capsys.readouterr().err
    assert path.read_bytes() == GARBAGE["random bytes"]


def test_a_newer_schema_is_not_touched(bot):
    path = feedback_path()
    path.parent.mkdir(parents=True)
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE future (x)")
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    before = path.read_bytes()
    warnings: list[str] = []
    log = FeedbackLog.open(key(bot), warn=warnings.append)
    assert not log.enabled and log.record(refused()) is False
    assert len(warnings) == 1 and "newer mlbot" in warnings[0]
    assert path.read_bytes() == before


@pytest.fixture
def quick_timeout(monkeypatch):
    """A shorter busy timeout, so waiting on the lock does not slow the suite (the default is tested above)."""
    monkeypatch.setattr(feedback, "BUSY_TIMEOUT", 0.3)


def hold_lock(path) -> sqlite3.Connection:
    locker = sqlite3.connect(str(path), isolation_level=None, timeout=0, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    return locker


def test_a_locked_database_warns_once_and_keeps_every_row(bot, quick_timeout):
    first = FeedbackLog.open(key(bot))
    for q in ("before the lock one", "before the lock two", "before the lock three"):
        assert first.record(refused(q))
    first.close()
    locker = hold_lock(feedback_path())
    warnings: list[str] = []
    log = FeedbackLog.open(key(bot), warn=warnings.append)
    assert log.enabled                                   # locked is not broken: it is tried again
    assert bot.ask("When is the office open?").status == "answered"
    assert log.record(refused("during the lock")) is False
    assert log.feedback(answered(bot), False) is False
    assert len(warnings) == 1 and str(feedback_path()) in warnings[0] and "locked" in warnings[0]
    locker.execute("ROLLBACK")
    locker.close()
    assert log.record(refused("after the lock")) is True
    assert [r["question"] for r in rows()] == ["before the lock one", "before the lock two",
                                               "before the lock three", "after the lock"]
    assert len(warnings) == 1


def test_a_lock_held_while_the_log_is_created_is_retried(bot, quick_timeout):
    path = feedback_path()
    path.parent.mkdir(parents=True)
    locker = hold_lock(path)                              # a brand-new file, locked in rollback-journal mode
    warnings: list[str] = []
    log = FeedbackLog.open(key(bot), warn=warnings.append)
    assert log.record(refused("while locked")) is False
    assert len(warnings) == 1
    locker.execute("ROLLBACK")
    locker.close()
    assert log.record(refused("once free")) is True
    assert [r["question"] for r in rows()] == ["once free"]


def test_a_lock_released_within_the_busy_timeout_only_waits(bot):
    log = FeedbackLog.open(key(bot))
    log.record(refused("first"))
    locker = hold_lock(feedback_path())
    threading.Timer(0.3, lambda: (locker.execute("ROLLBACK"), locker.close())).start()   # another writer ends
    warnings: list[str] = []
    log.warn = warnings.append
    assert log.record(refused("second")) is True          # waited for the other writer, well within 2 s
    assert warnings == []
    assert [r["question"] for r in rows()] == ["first", "second"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user: root ignores "
                    "file modes")
def test_a_read_only_data_dir_is_reported_once_and_left_alone(bot):
    log = FeedbackLog.open(key(bot))
    log.record(refused("kept"))
    log.close()
    folder = feedback_path().parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    folder.chmod(0o555)
    feedback_path().chmod(0o444)
    try:
        warnings: list[str] = []
        log = FeedbackLog.open(key(bot), warn=warnings.append)
        assert bot.ask("When is the office open?").status == "answered"
        assert log.record(refused("lost")) is False
        assert log.feedback(answered(bot), True) is False
        assert len(warnings) == 1 and str(feedback_path()) in warnings[0]
    finally:
        folder.chmod(0o755)
        feedback_path().chmod(0o644)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [r["question"] for r in rows()] == ["kept"]


def test_a_data_dir_that_cannot_be_created_is_reported_once(bot, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    warnings: list[str] = []
    log = FeedbackLog.open(key(bot), warn=warnings.append)
    assert not log.enabled
    assert bot.ask("When is the office open?").status == "answered"
    assert log.record(refused()) is False and log.feedback(answered(bot), False) is False
    assert len(warnings) == 1 and "feedback log" in warnings[0]
    assert blocker.read_text() == "a file where the data folder should be"


def test_warnings_come_once_per_process_even_from_two_logs(bot):
    path = feedback_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(GARBAGE["text"])
    warnings: list[str] = []
    for _ in range(2):
        log = FeedbackLog.open(key(bot), warn=warnings.append)
        log.record(refused())
        log.feedback(answered(bot), False)
    assert len(warnings) == 1


# ------------------------------------------------------------------------------------------------- the chat

def chat(bot, log):
    from mlbot.render import console
    from mlbot.repl import Chat
    buf = io.StringIO()
    return Chat(bot, log, out=console(file=buf)), buf


def test_chat_bad_goes_to_the_review_queue(bot):
    log = FeedbackLog.open(key(bot))
    c, buf = chat(bot, log)
    c.handle(UNKNOWN)          # first: after an answer, a short question may be read as a follow-up to it
    c.handle("How do I connect to the office wifi?")
    c.handle("/bad")
    assert "feedback recorded" in buf.getvalue()
    questions = [q for g in log.queue(key(bot)) for q in g.questions]
    assert set(questions) == {"How do I connect to the office wifi?", UNKNOWN}


def test_chat_with_a_corrupt_log_still_answers_and_says_feedback_was_not_saved(bot):
    path = feedback_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(GARBAGE["random bytes"])
    warnings: list[str] = []
    c, buf = chat(bot, FeedbackLog.open(key(bot), warn=warnings.append))
    c.handle(UNKNOWN)
    c.handle("When is the office open?")
    c.handle("/bad")
    text = buf.getvalue()
    assert "8 am to 6 pm" in text
    assert "could not be saved" in text
    assert len(warnings) == 1
    assert path.read_bytes() == GARBAGE["random bytes"]


@pytest.mark.parametrize("via_list, recorded", [(False, True), (True, False)], ids=["suggestion", "/list"])
def test_a_pick_after_a_refusal_is_its_answer_unless_it_came_from_list(bot, via_list, recorded):
    # A numbered suggestion after "I'm not sure" says what the question was after; a pick from /list may be browsing.
    log = FeedbackLog.open(key(bot))
    c, buf = chat(bot, log)
    c.handle(UNKNOWN)
    assert c.state.last.status == "no_answer" and c.state.choices
    if via_list:
        c.handle("/list")
    c.handle("1")
    [row] = rows()
    assert row["question"] == UNKNOWN and (row["picked"] is not None) == recorded


def test_a_log_of_the_first_schema_gains_the_follows_column_and_keeps_its_rows(bot):
    path = feedback_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path))
    con.executescript(feedback._MIGRATIONS[0])
    con.execute("INSERT INTO items (docs, question, status, confidence, asked) VALUES (?, 'old one', 'no_answer', "
                "3.0, '2026-01-01T00:00:00Z')", (key(bot),))
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()

    log = FeedbackLog.open(key(bot))
    assert log.record(Reply("and on mac?", "no_answer", 4.0, follows="how do I install it on windows?"))
    assert [(r["question"], r["follows"]) for r in rows()] == [
        ("old one", None), ("and on mac?", "how do I install it on windows?")]
    assert [i.as_read for i in log.pending(key(bot))] == ["old one", "how do I install it on windows? and on mac?"]
    con = sqlite3.connect(str(path))
    assert con.execute("PRAGMA user_version").fetchone()[0] == feedback.SCHEMA_VERSION == 2
    con.close()
