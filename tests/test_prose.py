"""Sixteen prose documents (a handbook, a router manual, a council's and a museum's web pages, a README, an API
guide, release notes, a tenancy agreement, house rules, a patient guide, lab procedures, a syllabus, a travel policy,
a game's rules, a restaurant's page, a wiki export), written by someone who never saw mlbot: read as a person reads
them, and their labelled questions answered (tests/data/prose/README.md)."""
from __future__ import annotations

from pathlib import Path

from mlbot import ingest
from mlbot.bot import load
from mlbot.evaluate import check_labels, evaluate, read_labelled

PROSE = Path(__file__).resolve().parent / "data" / "prose"
DOCS = sorted(p.name for p in PROSE.iterdir() if not p.name.endswith(".jsonl") and p.name != "README.md")


def entries(name: str):
    return ingest.parse_file(ingest.discover([PROSE / name])[0])


def test_page_chrome_is_not_read_and_a_table_is_one_entry():
    wiki = entries("onboarding-wiki.html")
    texts = [e.text for e in wiki]
    assert not any("[edit]" in h for e in wiki for h in e.headings)   # MediaWiki's edit links
    assert not any(t in ("Platform Team", "Contents") or t.startswith(("Platform Team /", "Created by"))
                   for t in texts)   # the space's name, breadcrumbs, the table of contents, page metadata
    assert any(t.startswith("We use a shared staging") for t in texts)
    council = entries("city-recycling.html")
    assert not any("cookies" in e.text for e in council)   # the cookie banner
    [table] = [e for e in council if "\n| Area |" in e.text]
    assert table.text.startswith("Bins should be at the edge of your property")   # the paragraph that introduces it
    assert "| Millbrook and Eastfield | Tuesday | Tuesday, alternate weeks | Thursday |" in table.text.split("\n")
    assert not any(e.text in ("Monday", "Tuesday", "Area") for e in council)   # no cell alone


def test_commands_and_steps_stay_with_the_sentences_that_introduce_them():
    readme = {e.source.line: e.text for e in entries("project-readme.md")}
    assert readme[21].endswith("isolated from the rest of your system:\n\n```bash\npipx install tidewatch\n```")
    assert not any(t.startswith("[![") for t in readme.values())   # the badges
    [reset] = [e.text for e in entries("router-manual.txt") if e.text.startswith("A factory reset")]
    steps = reset.split("\n\n")[1].split("\n")
    assert len(steps) == 4 and steps[1].startswith("2. Using a straightened paper clip, press and hold the recessed")


def test_the_prose_questions_are_answered_and_the_others_refused():
    answerable = right = unanswerable = refused = 0
    for name in DOCS:
        labels = PROSE / f"{name.rsplit('.', 1)[0]}.questions.jsonl"
        bot = load([str(PROSE / name)])
        labelled = read_labelled(labels)
        check_labels(bot.kb, labelled, labels)   # every expected answer is in an entry of its document
        report = evaluate(bot, labelled)
        answerable += report.n_answerable
        right += round(report.top1 * report.n_answerable)
        unanswerable += report.n_unanswerable
        refused += round(report.refused * report.n_unanswerable)
    assert (len(DOCS), answerable, unanswerable) == (16, 96, 32)
    # Measured 76 of 96 right first (first round 40, second 36; before the readers were changed for them 36 and 35;
    # bm25s 22 and 31) and 29 of 32 refused; the floors leave room for small changes.
    assert right >= 68
    assert refused >= 27


def test_a_sections_paragraphs_close_together_are_offered_as_choices_not_refused():
    # "what day of the month is rent due": the rent paragraph first, its neighbour in the same section close behind,
    # so the top one's confidence is under the threshold; both together are well ahead of the rest. It was refused;
    # it is now a "did you mean" between them, the rent paragraph first.
    bot = load([str(PROSE / "tenancy-agreement.txt")])
    reply = bot.ask("what day of the month is rent due")
    assert reply.status == "ambiguous" and reply.confidence < bot.threshold and reply.choices >= 2
    shown = [m.entry for m in reply.results[:reply.choices]]
    assert "payable in advance on the first day of each month" in " ".join(shown[0].text.split())
    assert len({(e.source.path, e.headings) for e in shown}) == 1 and not any(e.questions for e in shown)
    # A question the tenancy agreement does not answer is still refused.
    assert bot.ask("can I keep a pet rabbit in the garden").status == "no_answer"


def test_eval_counts_a_sections_paragraphs_offered_together_as_offered_not_answered():
    from mlbot.evaluate import Labelled
    bot = load([str(PROSE / "tenancy-agreement.txt")])
    report = evaluate(bot, [Labelled("what day of the month is rent due", "payable in advance on the first day")])
    assert (report.top1, report.answered_right, report.offered_right) == (1.0, 0.0, 1.0)
