"""`mlbot review` (the queue as a user works through it: list, attach, dismiss) and `mlbot lint` (what in the
documents keeps the bot from answering well), through the Python API and the CLI's exit codes and output."""
from __future__ import annotations

import json
import re

import pytest

import mlbot
from mlbot import render_review, review
from mlbot.alternates import alternates_path
from mlbot.cli import main
from mlbot.errors import UsageError
from mlbot.feedback import FeedbackLog
from mlbot.lint import Finding, lint
from mlbot.model import Reply

# Words the handbook never uses: any ranking refuses this, until it is attached to the bike entry.
VELOCIPEDE = "Where may velocipedists deposit their velocipedes?"


@pytest.fixture
def bot(kb):
    return mlbot.load([str(kb)])


def entry_id(bot, question: str) -> str:
    return next(e.id for e in bot.kb.entries() if e.question == question)


def log_for(bot) -> FeedbackLog:
    return FeedbackLog.open(bot.kb.meta["key"])


def ask_and_log(bot, question: str) -> Reply:
    reply = bot.ask(question)
    log_for(bot).record(reply)
    return reply


def refused_with_guess(bot, question: str, guess: str) -> Reply:
    """A refusal whose weak best guess was `guess` (built, so the test does not hang on ranking weights)."""
    i = next(n for n, e in enumerate(bot.kb.entries()) if e.question == guess)
    return Reply(question, "no_answer", 20.0, bot.reply_for(i).results, "I'm not sure.")


# ---------------------------------------------------------------------------------------------------- review

def test_attach_makes_the_question_answered_by_that_entry(kb, bot):
    reply = ask_and_log(bot, VELOCIPEDE)
    assert reply.status == "no_answer"
    bike = entry_id(bot, "Where can I park my bike?")

    done = review.attach(bot, log_for(bot), "g1", bike)

    assert done.entry == bike and done.questions == (VELOCIPEDE,)
    lines = [json.loads(x) for x in alternates_path().read_text(encoding="utf-8").splitlines()]
    assert lines == [{"docs": bot.kb.meta["key"], "entry": bike, "anchor": "where can i park my bike?",
                      "question": VELOCIPEDE}]
    assert log_for(bot).queue(bot.kb.meta["key"]) == []
    again = mlbot.load([str(kb)])
    assert next(e for e in again.kb.entries() if e.id == bike).alternates == (VELOCIPEDE,)
    answer = again.ask(VELOCIPEDE)
    assert answer.status == "answered"
    assert answer.best.entry.id == bike


def test_an_attached_question_follows_its_entry_when_an_edit_moves_it(kb, bot):
    # Kept by id alone (file and line), it went to whatever entry an edit put on that line: answered at 100%, wrong.
    ask_and_log(bot, VELOCIPEDE)
    review.attach(bot, log_for(bot), "g1", entry_id(bot, "Where can I park my bike?"))
    text = kb.read_text(encoding="utf-8")
    kb.write_text(text.replace("# Office handbook\n", "# Office handbook\n\n## Is there a canteen?\n\n"
                               "Yes, on the ground floor.\n", 1), encoding="utf-8")
    moved = mlbot.load([str(kb)])
    answer = moved.ask(VELOCIPEDE)
    assert answer.status == "answered" and answer.best.entry.question == "Where can I park my bike?"
    # An entry removed takes its alternates with it, with a warning, never to the entry now on its line.
    kb.write_text(text.replace("## Where can I park my bike?\n\nBikes go in the rack behind the building.\n", ""),
                  encoding="utf-8")
    warnings: list[str] = []
    gone = mlbot.load([str(kb)], warn=warnings.append)
    assert all(VELOCIPEDE not in e.alternates for e in gone.kb.entries())
    assert any("no longer in the documents" in w and VELOCIPEDE in w for w in warnings), warnings


def test_an_alternate_written_without_an_anchor_still_goes_by_its_id(kb, bot):
    bike = entry_id(bot, "Where can I park my bike?")
    alternates_path().parent.mkdir(parents=True, exist_ok=True)
    alternates_path().write_text(json.dumps({"docs": bot.kb.meta["key"], "entry": bike, "question": VELOCIPEDE})
                                 + "\n", encoding="utf-8")
    assert mlbot.load([str(kb)]).ask(VELOCIPEDE).best.entry.id == bike


def test_a_paragraph_given_a_question_stays_a_paragraph_named_by_its_heading(tmp_path):
    # Attached as its question, the phrasing took the heading's place: the paragraph was named by the user's words
    # in /list and suggestions, and no longer matched its heading.
    doc = tmp_path / "office.md"
    doc.write_text("# Office\n\n## Laptops\n\nEvery new starter gets a 14-inch laptop on their first day.\n\n"
                   "## Parking\n\nThe garage under the building has twelve spaces for staff.\n", encoding="utf-8")
    bot = mlbot.load([str(doc)])
    laptop = next(i for i in range(bot.kb.n_entries) if "laptop" in bot.kb.entry(i).text)
    log = log_for(bot)
    log.record(bot.ask("what kit do new people receive"))
    review.attach(bot, log, "g1", bot.kb.entry(laptop).id)
    again = mlbot.load([str(doc)])
    e = again.kb.entry(laptop)
    assert (e.questions, e.alternates) == ((), ("what kit do new people receive",))
    assert (laptop, "Laptops") in again.contents()
    for q in ("what kit do new people receive", "Laptops"):
        answer = again.ask(q)
        assert answer.status == "answered" and answer.best.index == laptop, (q, answer.status)


def test_attach_by_item_number_to_the_answer_the_bot_gave(bot):
    log = log_for(bot)
    log.record(refused_with_guess(bot, "bicycle storage at night", "Where can I park my bike?"))
    log.record(refused_with_guess(bot, "opening hours on saturday", "When is the office open?"))
    queue = review.list_review(bot, log)
    item = next(g for g in queue.groups if g.group.questions == ["opening hours on saturday"]).group.ids[0]

    done = review.attach(bot, log, str(item), "top")

    assert done.entry == entry_id(bot, "When is the office open?")
    assert done.items == (item,)
    assert [g.group.questions for g in review.list_review(bot, log).groups] == [["bicycle storage at night"]]


def test_attach_to_a_candidate_number(bot):
    log = log_for(bot)
    asked = Reply("how long is it open", "ambiguous", 55.0,
                  (bot.reply_for(2).results[0], bot.reply_for(1).results[0]), "Did you mean one of these?")
    log.record(asked)
    log.resolved(asked, bot.reply_for(2, asked.question))
    [group] = review.list_review(bot, log).groups
    assert [(c.number, c.why) for c in group.candidates] == [(1, "picked"), (2, "runner-up")]
    assert group.candidates[0].question == "When is the office open?"

    assert review.attach(bot, log, "g1", "2").entry == bot.kb.entry(1).id


def test_a_group_attaches_each_distinct_question_once(bot):
    log = log_for(bot)
    for q in ("bike parking spot", "Bike parking spot?", "bike parking spots nearby"):
        log.record(refused_with_guess(bot, q, "Where can I park my bike?"))
    [group] = review.list_review(bot, log).groups
    assert group.group.count == 3
    done = review.attach(bot, log, "g1", "top")
    assert sorted(done.questions) == ["bike parking spot", "bike parking spots nearby"]   # the first of twins
    assert sorted(done.items) == sorted(group.group.ids)


@pytest.mark.parametrize("to, message", [
    ("handbook.md:99", r"no entry 'handbook.md:99' in these documents"),
    ("nonsense", r"give an entry id such as handbook\.md:\d+"),
    ("7", r"no candidate 7 for g1"),
])
def test_attach_to_an_unknown_entry_is_a_usage_error(bot, to, message):
    log = log_for(bot)
    log.record(refused_with_guess(bot, "bicycle storage", "Where can I park my bike?"))
    with pytest.raises(UsageError, match=message):
        review.attach(bot, log, "g1", to)
    assert not alternates_path().exists()
    assert len(log.queue()) == 1


def test_attach_top_without_an_answer_given_says_to_name_the_entry(bot):
    log = log_for(bot)
    log.record(Reply(VELOCIPEDE, "no_answer", 0.0, (), "I'm not sure."))
    with pytest.raises(UsageError, match="gave no answer"):
        review.attach(bot, log, "g1", "top")


@pytest.mark.parametrize("ref", ["g2", "g0", "999", "first"])
def test_unknown_groups_and_items_are_usage_errors(bot, ref):
    log = log_for(bot)
    log.record(refused_with_guess(bot, "bicycle storage", "Where can I park my bike?"))
    with pytest.raises(UsageError, match=r"group|item"):
        review.dismiss(bot, log, [ref])


def test_dismiss_a_group_leaves_its_rows_in_the_log(bot):
    log = log_for(bot)
    for q in ("tractor parking rules", "tractor parking rule", "cafeteria menu today"):
        log.record(refused_with_guess(bot, q, "Where can I park my bike?"))
    queue = review.list_review(bot, log)
    assert [g.group.count for g in queue.groups] == [2, 1]
    assert review.dismiss(bot, log, ["g1"]) == queue.groups[0].group.ids
    assert [g.group.questions for g in review.list_review(bot, log).groups] == [["cafeteria menu today"]]
    assert len(log.pending()) == 1
    assert not alternates_path().exists()


def test_questions_asked_of_other_documents_are_listed_but_not_attached(bot):
    FeedbackLog.open("some-other-kb").record(Reply("asked elsewhere", "no_answer", 3.0))
    log = log_for(bot)
    log.record(refused_with_guess(bot, "asked here about bikes", "Where can I park my bike?"))
    mine = review.list_review(bot, log)
    assert [g.group.questions for g in mine.groups] == [["asked here about bikes"]]
    assert mine.other_docs == 1
    everything = review.list_review(bot, log, all_docs=True)
    other = next(g for g in everything.groups if g.elsewhere is not None)
    with pytest.raises(UsageError, match="other documents"):
        review.attach(bot, log, other.label, "top", all_docs=True)


# -------------------------------------------------------------------------------------------- review on the CLI

def test_cli_review_json_lists_the_groups(kb, bot, capsys):
    log = log_for(bot)
    log.record(refused_with_guess(bot, "bike parking at night", "Where can I park my bike?"))
    log.record(refused_with_guess(bot, "Bike parking at night?", "Where can I park my bike?"))
    log.feedback(bot.reply_for(2, "when does the office open"), False)

    assert main(["review", "--json", "--docs", str(kb)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g["count"] for g in data["groups"]] == [2, 1]
    first = data["groups"][0]
    assert first["questions"] == ["Bike parking at night?"]      # the same words: shown once, as last asked
    assert first["statuses"] == {"no_answer": 2}
    assert first["answers"][0]["entry"] == entry_id(bot, "Where can I park my bike?")
    assert first["answers"][0]["text"] == "Bikes go in the rack behind the building."
    assert first["answers"][0]["confidence"] == 20.0
    assert len(first["items"]) == 2
    assert data["groups"][1]["statuses"] == {"bad": 1}
    assert main(["review", "--docs", str(kb)]) == 0   # the commands it suggests name the same documents
    assert f"mlbot review --docs {kb} --attach g1 --to 1" in capsys.readouterr().out


def test_cli_review_without_docs_shows_every_knowledge_base(kb, capsys):
    assert main(["ask", VELOCIPEDE, "--docs", str(kb)]) == 1
    capsys.readouterr()
    assert main(["review", "--json"]) == 0          # the bundled article's knowledge base, yet it is listed
    data = json.loads(capsys.readouterr().out)
    assert [g["questions"] for g in data["groups"]] == [[VELOCIPEDE]]
    assert data["groups"][0]["elsewhere"].endswith("handbook.md")


def test_cli_review_attach_and_dismiss(kb, capsys):
    main(["ask", VELOCIPEDE, "--docs", str(kb)])
    main(["ask", "What colour is the cafeteria menu?", "--docs", str(kb)])
    capsys.readouterr()
    bot = mlbot.load([str(kb)])
    bike = entry_id(bot, "Where can I park my bike?")

    assert main(["review", "--docs", str(kb), "--attach", "g9", "--to", bike]) == 2
    assert "no group g9" in capsys.readouterr().err
    assert main(["review", "--docs", str(kb), "--attach", "g2", "--to", "handbook.md:1000"]) == 2
    assert "no entry 'handbook.md:1000'" in capsys.readouterr().err
    assert main(["review", "--docs", str(kb), "--attach", "g1"]) == 2
    assert "--to" in capsys.readouterr().err

    main(["review", "--json", "--docs", str(kb)])
    groups = json.loads(capsys.readouterr().out)["groups"]
    velo = next(g["group"] for g in groups if g["questions"] == [VELOCIPEDE])
    other = next(g["group"] for g in groups if g["group"] != velo)
    assert main(["review", "--docs", str(kb), "--attach", velo, "--to", bike]) == 0
    assert "attached 1 question" in capsys.readouterr().out
    assert main(["review", "--docs", str(kb), "--dismiss", other]) == 0      # its label as listed before
    assert capsys.readouterr().out.startswith("dismissed 1 item")
    assert main(["review", "--docs", str(kb)]) == 0
    assert "Nothing to review" in capsys.readouterr().out
    assert main(["ask", VELOCIPEDE, "--docs", str(kb), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == bike


NASTY = "\x1b]0;pwned\x07[bold red]not markup[/] \x1b[2J and more?"


@pytest.mark.parametrize("fancy", [False, True], ids=["plain", "rich"])
def test_cli_review_shows_logged_text_safely(kb, bot, capsys, monkeypatch, fancy):
    if fancy:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("COLUMNS", "300")     # wide enough that no cell wraps the question
    log_for(bot).record(refused_with_guess(bot, NASTY, "Where can I park my bike?"))
    assert main(["review", "--docs", str(kb)]) == 0
    out = capsys.readouterr().out
    assert "[bold red]not markup[/]" in out and "and more?" in out     # shown as text, never read as markup
    assert "pwned" not in out                                          # the title escape went, payload and all
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x07" not in out
    assert "g1" in out and "Where can I park my bike?" in out


def test_cli_review_empty_queue(kb, capsys):
    assert main(["review", "--docs", str(kb)]) == 0
    assert "Nothing to review" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------------------ lint

LINTED = """\
# Help desk

## How do I reset my password?

Use the Forgot password link on the sign-in page.

## Where is the printer?

## How do I order a new laptop?

TODO

## When is payday?

Salaries are paid on the last working day of the month.

## How do I reset my password?

Ask the help desk for a reset.

## How do I book leave?

Open the HR portal, choose Leave and pick the days you want. Your manager then"""   # no newline: cut off


@pytest.fixture
def linted(tmp_path):
    path = tmp_path / "desk.md"
    path.write_text(LINTED, encoding="utf-8")
    return path


def test_lint_finds_duplicates_empty_placeholder_and_cut_off_answers(linted):
    findings = lint(mlbot.load([str(linted)]).kb)
    got = {(f.kind, f.line) for f in findings}
    assert got == {("empty-answer", 7), ("placeholder-answer", 9), ("duplicate-question", 17), ("cut-off", 21)}
    dup = next(f for f in findings if f.kind == "duplicate-question")
    assert dup.path == "desk.md" and dup.entries == ("desk.md:17", "desk.md:3")
    assert "How do I reset my password?" in dup.message
    cut = next(f for f in findings if f.kind == "cut-off")
    assert "Your manager then" in cut.message
    assert all(isinstance(f, Finding) for f in findings)
    assert [f.line for f in findings] == sorted(f.line for f in findings)


def test_lint_finds_entries_that_say_the_same_thing(tmp_path):
    path = tmp_path / "faq.md"
    path.write_text("# FAQ\n\n## How do I reset my password?\n\nUse the Forgot password link on the sign-in page.\n\n"
                    "## When is payday?\n\nSalaries are paid on the last working day of the month.\n\n"
                    "## How can I reset my password?\n\nUse the Forgot password link on the sign-in page.\n",
                    encoding="utf-8")
    [finding] = lint(mlbot.load([str(path)]).kb)
    assert finding.kind == "near-duplicate"
    assert (finding.path, finding.line) == ("faq.md", 11)
    assert set(finding.entries) == {"faq.md:3", "faq.md:11"}


def test_lint_finds_an_answer_that_stops_mid_sentence_before_the_end_of_its_document(tmp_path):
    # Only the document's last answer is known to be cut off (no final newline); one further up, or at the end of a
    # file an editor closed with a newline, may be unfinished all the same.
    path = tmp_path / "g.txt"
    path.write_text("FAQ\n\nHow do I contact support?\nWrite to support@example.com. We answer within\n\n"
                    "Where do I park?\nIn the garage. #parking\n\nWhat are the opening hours?\n- Weekdays 9 to 5\n"
                    "- Closed at weekends\n", encoding="utf-8")
    [finding] = lint(mlbot.load([str(path)]).kb)
    assert (finding.kind, finding.line) == ("unfinished", 3)
    assert "We answer within" in finding.message


def test_lint_passes_a_clean_knowledge_base(kb):
    assert lint(mlbot.load([str(kb)]).kb) == []


def test_cli_lint_exit_codes_and_lines(kb, linted, capsys, monkeypatch):
    monkeypatch.chdir(linted.parent)
    assert main(["lint", "--docs", str(kb)]) == 0
    assert "no problems" in capsys.readouterr().out

    assert main(["lint", "--docs", str(linted)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 4
    assert all(re.fullmatch(r"desk\.md:\d+: [a-z-]+: .+", line) for line in lines), lines
    assert "desk.md:7: empty-answer: " in out
    assert "4 findings" in err

    assert main(["lint", "--docs", str(linted), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["kind"] for f in data["findings"]} == {"empty-answer", "placeholder-answer", "duplicate-question",
                                                     "cut-off"}
    assert all(set(f) == {"kind", "message", "path", "file", "line", "entries"} for f in data["findings"])


def test_cli_lint_names_files_as_the_working_directory_reaches_them(linted, capsys, monkeypatch):
    # A CI job or an editor opens what lint names from where it ran; the path from --docs alone ("desk.md") is not
    # there.
    monkeypatch.chdir(linted.parent.parent)
    assert main(["lint", "--docs", str(linted.parent)]) == 1
    out = capsys.readouterr().out
    assert f"{linted.parent.name}/desk.md:7: empty-answer: " in out
    monkeypatch.chdir(linted.parent / "..")
    assert main(["lint", "--docs", str(linted.parent), "--json"]) == 1
    finding = json.loads(capsys.readouterr().out)["findings"][0]
    assert (finding["path"], finding["file"]) == ("desk.md", f"{linted.parent.name}/desk.md")


def test_cli_lint_on_missing_documents_is_an_error(tmp_path, capsys):
    assert main(["lint", "--docs", str(tmp_path / "nowhere")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_groups_label_stays_as_the_queue_grows_and_names_no_other_group_once_it_is_gone(kb, capsys):
    main(["ask", "What colour is the cafeteria menu?", "--docs", str(kb)])
    capsys.readouterr()
    main(["review", "--json", "--docs", str(kb)])
    [menu] = json.loads(capsys.readouterr().out)["groups"]
    for _ in range(3):   # a question asked more often now comes first in the listing
        main(["ask", VELOCIPEDE, "--docs", str(kb)])
    capsys.readouterr()
    main(["review", "--json", "--docs", str(kb)])
    groups = json.loads(capsys.readouterr().out)["groups"]
    assert groups[0]["questions"] == [VELOCIPEDE] and groups[1]["group"] == menu["group"]
    assert main(["review", "--docs", str(kb), "--dismiss", menu["group"]]) == 0
    capsys.readouterr()
    assert main(["review", "--docs", str(kb), "--dismiss", menu["group"]]) == 2   # gone: not the velocipede group
    assert "no group" in capsys.readouterr().err
    main(["review", "--json", "--docs", str(kb)])
    assert [g["questions"] for g in json.loads(capsys.readouterr().out)["groups"]] == [[VELOCIPEDE]]


def test_a_follow_up_is_reviewed_and_attached_after_the_question_it_followed(bot, capsys):
    # Logged alone, "and on team?" showed nothing of what it followed, its candidates came from its two words, and
    # attached as asked it would take that answer after any question at all.
    session = bot.session()
    assert session.ask("When is the office open?").status == "answered"
    reply = session.ask("and what about velocipedes?")
    assert reply.status == "no_answer" and reply.follows == "When is the office open?"
    assert "follows" not in reply.to_dict()   # the JSON contract of ask is unchanged
    log = log_for(bot)
    log.record(reply)
    assert session.ask("Where can I park my bike?").follows is None   # a question of its own follows nothing

    [group] = review.list_review(bot, log).groups
    [candidate] = [c for c in group.candidates if c.why == "in-context"]
    assert candidate.entry == entry_id(bot, "When is the office open?")
    text = render_review.plain_review(review.list_review(bot, log))
    assert "and what about velocipedes?  (after “When is the office open?”)" in text
    assert "best read after the question it followed" in text
    assert group.to_dict()["follows"] == {str(group.group.ids[0]): "When is the office open?"}
    done = review.attach(bot, log, group.label, str(candidate.number))
    assert done.questions == ("When is the office open? and what about velocipedes?",)
    assert log.queue(bot.kb.meta["key"]) == []
