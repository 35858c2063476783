"""The pipeline's core: parsing the bundled article, query vectors equal to scikit-learn's, ranking quality floors,
the decisions (answered / ambiguous / no_answer / chitchat), follow-ups in context, and the cache."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlbot
from mlbot import chitchat, sentence, store
from mlbot.bot import Bot, compared_unknown, gives_no_time, highlight, subject_lead
from mlbot.errors import MlbotError, UsageError
from mlbot.evaluate import evaluate, read_labelled
from mlbot.index import make_vectorizer
from mlbot.ingest.text import parse_text
from mlbot.model import Entry, Source
from mlbot.rank import rank, term_rarity
from mlbot.rows import entry_rows
from mlbot.store import ROWS, build, bundled_docs, cache_root

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "data" / "ml-engineer.txt"


# ---------------------------------------------------------------------------------------------------- parsing

def test_article_parses_into_paragraphs_and_faq_entries_with_sources():
    entries = parse_text(ARTICLE.read_text(encoding="utf-8"), "ml-engineer.txt")
    faq = [e for e in entries if e.questions]
    paragraphs = [e for e in entries if not e.questions]
    assert [e.question for e in faq] == [
        "What skills and training are needed to become an Ml Engineer?",
        "How long does it take to gain practical experience?",
        "Can I work remotely as an Ml Engineer?",
        "What are the main challenges in this role?",
    ]
    assert len(paragraphs) == 3
    work = next(e for e in paragraphs if e.text.startswith("Machine Learning Engineers develop"))
    assert work.headings[-1] == "How Ml Engineers Actually Work"
    assert work.source.path == "ml-engineer.txt" and work.source.line == 13
    assert faq[1].source.line == 22 and "12 to 24 months" in faq[1].text


def test_the_cut_off_answer_is_kept_and_marked():
    entries = parse_text(ARTICLE.read_text(encoding="utf-8"), "ml-engineer.txt")
    last = entries[-1]
    assert last.question == "What are the main challenges in this role?"
    assert last.text == "Machine Learning Engineers face"
    assert last.truncated
    assert not any(e.truncated for e in entries[:-1])


def test_a_finished_last_answer_is_not_marked_cut_off():
    entries = parse_text("Title\n\nIs it free?\nYes, it is free.\n", "a.txt")
    assert entries[-1].question == "Is it free?" and not entries[-1].truncated


# ------------------------------------------------------------------------------------ query vectors = sklearn

@pytest.mark.parametrize("space", ["word", "bigram", "char"])
def test_query_vectors_equal_scikit_learns_transform(space):
    entries = parse_text(ARTICLE.read_text(encoding="utf-8"), "ml-engineer.txt")
    kb = build(entries, [], [])
    docs = entry_rows(entries)["doc"][0]
    vec = make_vectorizer(space).fit(docs)
    for q in ["Can I work remotely as an ML engineer?", "skills needed: Python or R?", "bake bread", "ML ML ML",
              "How long does it take to gain practical, hands-on experience?"]:
        expected = vec.transform([q]).toarray().ravel()
        qv = kb.spaces[space].vector(q)
        got = np.zeros_like(expected)
        got[qv.cols] = qv.weights
        assert np.allclose(got, expected, atol=1e-6), q


def test_the_vocabulary_is_the_one_scikit_learn_learned():
    entries = parse_text(ARTICLE.read_text(encoding="utf-8"), "ml-engineer.txt")
    kb = build(entries, [], [])
    vec = make_vectorizer("word").fit(entry_rows(entries)["doc"][0])
    assert [t.decode() for t in kb.spaces["word"].vocab.tolist()] == vec.get_feature_names_out().tolist()
    assert np.allclose(kb.spaces["word"].idf, vec.idf_)
    assert set(ROWS) == {"question", "joined", "text", "doc"}


# ----------------------------------------------------------------------------------------- answers and floors

@pytest.fixture(scope="module")
def article_bot(tmp_path_factory):
    return Bot(build(parse_text(ARTICLE.read_text(encoding="utf-8"), "ml-engineer.txt"), [], []))


@pytest.mark.parametrize("question, expect", [
    ("can I work from home as an ML engineer?", "remote work is common"),
    ("how many months until I have practical experience", "12 to 24 months"),
    ("what skills do I need to become a machine learning engineer", "linear algebra"),
    ("what do ML engineers actually do", "develop, test, and deploy"),
])
def test_paraphrased_questions_find_their_answer(article_bot, question, expect):
    reply = article_bot.ask(question)
    assert reply.status == "answered", reply.to_dict()
    assert expect in reply.best.entry.text


@pytest.mark.parametrize("question", ["how do I bake sourdough bread?", "who won the football match last night",
                                      "what is the capital of France", "cheap flights to Italy"])
def test_off_topic_questions_are_refused_with_suggestions(article_bot, question):
    reply = article_bot.ask(question)
    assert reply.status == "no_answer"
    assert reply.confidence < article_bot.threshold
    assert 2 <= len(reply.suggestions) <= 3
    # Each names an entry: a question the documents ask, or the heading that names a paragraph.
    names = {i: q for i, q in article_bot.kb.faq()} | article_bot.kb.topics()
    assert [names[i] for i in reply.suggested] == list(reply.suggestions)


def test_a_comparison_with_something_the_documents_never_name_is_refused_and_says_what(article_bot):
    reply = article_bot.ask("What's the difference between a data scientist and an ML engineer?")
    assert reply.status == "no_answer" and reply.confidence == 0.0
    assert "never mentions “scientist”" in reply.message
    assert reply.suggestions   # still offers what the article can answer
    assert "“astronaut”" in article_bot.ask("ML engineer vs. astronaut: which pays more?").message



@pytest.mark.parametrize("question", ["what is a machine learning engineer?", "What's an ML engineer",
                                      "tell me about machine learning engineers"])
def test_a_question_about_the_documents_subject_is_answered_by_its_opening(article_bot, question):
    # Every paragraph names ML engineers; the FAQ answers that also do ("What skills and training are needed to become
    # an Ml Engineer?") took these on their phrasing. The article's opening paragraph introduces the role.
    reply = article_bot.ask(question)
    assert reply.status == "answered" and reply.best.entry.id == "ml-engineer.txt:3", reply.to_dict()
    assert len({m.entry.id for m in reply.results}) == len(reply.results)   # the opening is not listed twice
    assert "subject" in article_bot.explain(reply).to_dict()["note"]


STARTER_MD = """# Sourdough starters

Bakers keep one to raise bread without shop-bought yeast.

## How often should I feed a sourdough starter?

Once a day at room temperature, or once a week when the sourdough starter lives in the fridge.

## Why does my sourdough starter smell of vinegar?

A sourdough starter that smells sharp is hungry: feed it more often.
"""


@pytest.mark.parametrize("question, lead", [
    ("what is a sourdough starter?", 0), ("What are sourdough starters", 0), ("tell me about starters", 0),
    ("what is vinegar", None),                 # not in the title: a question about something the documents say
    ("what is bread", None),                   # a word of the opening, not of the title
    ("how often should I feed a sourdough starter", None),   # asks something of the subject
    ("what is the best sourdough starter for rye bread", None),
])
def test_the_subject_is_the_titles_words_that_most_entries_hold(tmp_path, question, lead):
    p = tmp_path / "starter.md"
    p.write_text(STARTER_MD)
    assert subject_lead(mlbot.load([str(p)]).kb, question) == lead


def test_several_documents_have_no_one_subject(tmp_path):
    (tmp_path / "starter.md").write_text(STARTER_MD)
    (tmp_path / "other.md").write_text("# Sourdough starters\n\nA second page on sourdough starters.\n")
    assert subject_lead(mlbot.load([str(tmp_path)]).kb, "what is a sourdough starter?") is None


def test_a_when_question_is_not_answered_by_a_passage_that_gives_no_time(article_bot):
    # The article names "FrenchML conferences" in passing and never says when one is: answered at 36 before.
    refused = article_bot.ask("when is the next FrenchML conference")
    assert refused.status == "no_answer" and "halved" in article_bot.explain(refused).note
    # Its sentence that holds the words asked gives a time ("typically 12 to 24 months"): still answered.
    reply = article_bot.ask("when can I contribute meaningfully?")
    assert reply.status == "answered" and reply.best.entry.id == "ml-engineer.txt:22"
    assert not article_bot.explain(reply).note and "note" not in article_bot.explain(reply).to_dict()


def _entry(text: str, *questions: str) -> Entry:
    return Entry("e", questions, text, Source("club.md", None, 1))


@pytest.mark.parametrize("entry, question, timeless", [
    (_entry("We meet in the library hall. Members bring their own boards."), "when is the next meeting", True),
    (_entry("We meet in the library hall. Meetings start at 7pm."), "when is the next meeting", False),
    (_entry("We meet in the library hall on the first Monday."), "what day is the meeting", False),
    (_entry("We meet in the library hall. Members bring their own boards."), "where is the meeting", False),
    (_entry("Pay them to the treasurer.", "When do I pay my fees?"), "when are fees due", False),   # asks when
    (_entry("Pay them to the treasurer.", "How do I pay my club fees?"), "when are fees due", False),   # names fees
    (_entry("Pay the treasurer. Club fees go to the hall.", "Who is the treasurer?"), "when are fees due", True),
    (_entry("When I arrive late the door is shut."), "When I arrive late, what do I do?", False),   # not asking when
])
def test_a_passage_gives_no_time_when_no_sentence_holding_the_question_words_says_when(entry, question, timeless):
    said = entry.text.split(". ")[0]
    assert gives_no_time(entry, question, said) is timeless

DELIVERY_MD = """# Shop help

## Delivery options

Standard delivery takes five working days. Express delivery arrives the next working day and costs 6 euros.

## Returns

Send the parcel back within 30 days with the returns label.
"""


@pytest.mark.parametrize("question, unknown", [
    ("what's the difference between standard and express delivery?", None),
    ("is express better than standard delivery", None),
    ("compare standard delivery with courier pickup", "pickup"),
    ("difference between express delivery and a courier for big parcels", "courier"),
    ("difference between standard delivery and returns for parcels", None),   # not the head: "parcels" after "for"
    ("my parcel looks different from the photo", None),   # not a comparison of two things
    ("how quick is express vs standard", None),
])
def test_a_compared_thing_is_known_by_its_head_word(tmp_path, question, unknown):
    p = tmp_path / "shop.md"
    p.write_text(DELIVERY_MD)
    bot = mlbot.load([str(p)])
    assert compared_unknown(bot.kb, question) == unknown
    if unknown is None and "delivery" in question and "returns" not in question:
        reply = bot.ask(question)
        assert reply.status != "no_answer" and "Delivery" in reply.best.entry.headings[-1], reply.to_dict()


@pytest.mark.parametrize("question, kind", [("hello", "greeting"), ("thanks!", "thanks"), ("who are you?", "identity"),
                                            ("bye", "goodbye"), ("help", "help"), ("what is this about?", "help"),
                                            ("What's this document about", "help")])
def test_small_talk_never_touches_the_index(article_bot, question, kind):
    reply = article_bot.ask(question)
    assert reply.status == "chitchat" and reply.results == () and reply.message
    assert chitchat.classify(question) == kind


@pytest.mark.parametrize("said, asked", [("hi, what skills do I need?", "what skills do I need?"),
                                         ("Hello there! Can I work remotely?", "Can I work remotely?"),
                                         ("thanks. and how long does it take to get experience?",
                                          "and how long does it take to get experience?"),
                                         ("hey what skills do I need", "what skills do I need")])
def test_small_talk_before_a_question_is_not_read_as_part_of_it(article_bot, said, asked):
    assert chitchat.without_small_talk(said) == asked
    reply, plain = article_bot.ask(said), article_bot.ask(asked)
    assert reply.question == said   # the reply names the question as it was typed
    assert (reply.status, reply.best.entry.id, reply.confidence) == (plain.status, plain.best.entry.id, plain.confidence)


@pytest.mark.parametrize("question", ["hello world example?", "great britain shipping", "thanks", "hi, bye"])
def test_a_question_that_only_looks_like_small_talk_is_kept_whole(question):
    assert chitchat.without_small_talk(question) == question


def test_the_development_set_keeps_its_floor(article_bot):
    report = evaluate(article_bot, read_labelled(ROOT / "data" / "dev-questions.jsonl"))
    assert report.n_answerable >= 40 and report.n_unanswerable >= 15
    # Measured 0.964 top-1 and every unanswerable question refused (mlbot eval data/dev-questions.jsonl); the floors
    # leave room for noise from small changes.
    assert report.top1 >= 0.85
    assert report.refused >= 0.80
    wrong_answers = [m for m in report.misses if m["status"] == "answered" and m["expected"] is not None]
    assert len(wrong_answers) <= 2, wrong_answers


HANDBOOK_MD = """# The Harbour Museum

The Harbour Museum shows three centuries of shipbuilding in the old customs house.

## Why visitor numbers are rising

### Background

School trips doubled after the new tram line opened, and the free Sunday mornings fill every week.

## Opening hours

Monday to Friday, nine to five.

Weekends, ten to four.

Holidays, closed.

Evenings, for members only.
"""


def test_headings_a_paragraph_answers_are_its_questions():
    from mlbot.ingest.markdown import parse_markdown

    entries = parse_markdown(HANDBOOK_MD, "museum.md")
    texts, row_entry = entry_rows(entries)["question"]
    asked = {}
    for text, i in zip(texts, row_entry):
        asked.setdefault(entries[i].text.split()[0], []).append(text)
    # The lead answers the title; a paragraph answers its own heading and the heading of the section it alone fills;
    # a heading over four paragraphs ("Opening hours") is a chapter, not any one paragraph's question.
    assert asked == {"The": ["The Harbour Museum"],
                     "School": ["Background", "Why visitor numbers are rising"]}
    bot = Bot(build(entries, [], []))
    assert bot.ask("why are visitor numbers going up?").best.entry.text.startswith("School trips")


def test_a_chapter_heading_over_subsections_is_not_its_lead_paragraphs_question():
    from mlbot.ingest.markdown import parse_markdown

    doc = ("# Recipes\n\nOur family's book.\n\n## Lemon drizzle cake\n\nAsked for at every birthday.\n\n"
           "### Ingredients\n\n- butter\n- lemons\n\n### Method\n\n1. Beat.\n2. Bake.\n\nServes eight.\n\n"
           "It can be frozen without the drizzle for a month.\n\nEat it warm.\n")
    entries = parse_markdown(doc, "r.md")
    texts, row_entry = entry_rows(entries)["question"]
    asked = {entries[i].text.split("\n")[0]: t for t, i in zip(texts, row_entry)}
    # "Can I freeze lemon drizzle cake?" once met the recipe's opening line, named by the recipe's heading, at 99.9%.
    assert "Asked for at every birthday." not in asked
    assert asked["Our family's book."] == "Recipes" and asked["- butter"] == "Ingredients"


def test_a_refusal_suggests_a_paragraph_by_the_heading_that_names_it():
    from mlbot.ingest.markdown import parse_markdown

    entries = parse_markdown(HANDBOOK_MD, "museum.md")
    kb = build(entries, [], [])
    topics = kb.topics()
    by_first_word = {entries[i].text.split()[0]: t for i, t in topics.items()}
    # Of the headings that name a paragraph, the one that says most.
    assert by_first_word == {"The": "The Harbour Museum", "School": "Why visitor numbers are rising"}
    from mlbot.rank import Ranked, Ranking

    school = next(i for i, e in enumerate(entries) if e.text.startswith("School trips"))
    reply = Bot(kb).decide("why more visitors", Ranking([Ranked(school, 0.01), Ranked(0, 0.005)], 1.0), 3)
    assert reply.status == "no_answer" and reply.suggestions[:2] == ("Why visitor numbers are rising", "The Harbour Museum")
    assert reply.suggested[:2] == (school, 0)
    assert len(reply.suggested) == len(reply.suggestions) and "suggested" not in reply.to_dict()
    # A "did you mean" names a paragraph choice by the same heading (Match.topic), outside the JSON.
    tie = Bot(kb).decide("why more visitors", Ranking([Ranked(school, 0.5), Ranked(0, 0.499)], 1.0), 3)
    assert tie.status == "ambiguous" and [m.topic for m in tie.results] == ["Why visitor numbers are rising",
                                                                            "The Harbour Museum"]
    assert "topic" not in tie.to_dict()["results"][0]


def test_the_cut_off_answer_is_shown_as_the_document_has_it(article_bot):
    reply = article_bot.ask("What are the main challenges in this role?")
    assert reply.best.entry.truncated and reply.best.entry.text == "Machine Learning Engineers face"
    assert reply.to_dict()["results"][0]["truncated"] is True


def test_empty_question_is_a_usage_error(article_bot):
    for q in ["", "   ", "\x1b[2J\x07"]:
        with pytest.raises(UsageError, match="empty"):
            article_bot.ask(q)
    assert issubclass(UsageError, MlbotError)


def test_threshold_out_of_range_is_refused(article_bot):
    with pytest.raises(UsageError, match="between 0 and 100"):
        Bot(article_bot.kb, threshold=120)


@pytest.mark.parametrize("question", ["what does an ML engineer do", "is math needed"])   # 49.3 and 4.3
def test_a_threshold_is_decided_on_the_confidence_as_shown(article_bot, question):
    """The JSON shows confidence and threshold to one decimal; the status must agree with what it shows, not say
    no_answer beside "confidence": 91.7 and "threshold": 91.7."""
    raw = article_bot.ask(question).confidence
    shown = round(raw, 1)
    assert 1 < raw < 99
    just_above = (raw + shown + 0.049) / 2   # above the raw confidence, yet shown as the same number
    reply = Bot(article_bot.kb, threshold=just_above).ask(question)
    d = reply.to_dict()
    assert d["confidence"] == d["threshold"] == shown
    assert d["status"] != "no_answer"
    refused = Bot(article_bot.kb, threshold=shown + 0.1).ask(question).to_dict()
    assert refused["status"] != "answered" and refused["confidence"] < refused["threshold"]


def test_highlight_is_the_sentence_that_answers():
    text = "Press the Forward key, enter the number. A small arrow on the display shows it is on."
    assert highlight(text, "how do I forward calls to a number") == "Press the Forward key, enter the number."
    assert highlight("One sentence only", "anything") == "One sentence only"


def test_highlight_weighs_the_documents_rare_words_and_gives_a_number_when_one_is_asked_for(tmp_path):
    steps = ("Contact us to report the claim as soon as possible. If something was stolen, report it to the police "
             "within 24 hours.")
    question = "someone broke in, should I tell the police soon?"
    # Terms counted alike, "soon" ties "police" and the first sentence wins; the documents say "soon" often.
    assert highlight(steps, question) == "Contact us to report the claim as soon as possible."
    assert highlight(steps, question, {"soon": 1.2, "polic": 3.0}) == ("If something was stolen, report it to the "
                                                                      "police within 24 hours.")
    police = "If something was stolen, report it to the police within 24 hours."
    assert highlight(steps, "how soon should I report it") == police
    fees = "The service charge covers cleaning and the lift. It is GBP 176 a month for two-bedroom flats."
    assert highlight(fees, "what is the service charge for 2 beds") == "It is GBP 176 a month for two-bedroom flats."
    # Through the bot: the rarity is the documents' own.
    doc = tmp_path / "claims.md"
    doc.write_text("# Claims\n\n## Urgent\n\nCall us as soon as you can. Act soon on leaks.\n\n## What to do first\n\n"
                   f"{steps}\n\n## Payment\n\nWe pay as soon as the claim is agreed.\n")
    reply = mlbot.load([str(doc)]).ask(question)
    assert reply.results[0].entry.text == steps
    assert reply.results[0].highlight == "If something was stolen, report it to the police within 24 hours."


# ---------------------------------------------------------------------------------- ambiguity and follow-ups

PHONE = """# Phone help

## How do I reset my voicemail PIN?

Dial 5000 from your desk phone, press 9, and follow the prompts to choose a new four-digit PIN.

## How long is the voicemail PIN reset link valid?

A voicemail PIN reset link stays valid for 48 hours.

## How do I reset my account password?

Open the account page and click Forgot password.

## How long is the account password reset link valid?

An account password reset link stays valid for 15 minutes.

## What is the wifi password for guests?

The guest wifi password is printed on the badge you get at the front desk.
"""


@pytest.fixture()
def phone(tmp_path):
    p = tmp_path / "phone.md"
    p.write_text(PHONE)
    return mlbot.load([str(p)])


def test_a_tie_is_ambiguous_with_both_candidates(phone):
    reply = phone.ask("how long is the reset link valid")
    assert reply.status == "ambiguous"
    texts = " ".join(m.entry.text for m in reply.results[:2])
    assert "48 hours" in texts and "15 minutes" in texts


def test_a_tie_offers_every_answer_as_close_as_the_runner_up(phone):
    from mlbot.rank import Ranked, Ranking

    def decide(*scores):
        items = [Ranked(i, s) for i, s in enumerate(scores)]
        return phone.decide("how long is it", Ranking(items, 1.0), 3)

    three = decide(1.0, 0.99, 0.97, 0.5)
    assert (three.status, three.choices, three.to_dict()["choices"]) == ("ambiguous", 3, 3)
    assert [m.index for m in three.results] == [0, 1, 2]
    two = decide(1.0, 0.99, 0.80, 0.5)     # the third is 20% behind: not a choice
    assert (two.status, two.to_dict()["choices"]) == ("ambiguous", 2) and [m.index for m in two.results] == [0, 1, 2]
    assert "choices" not in decide(1.0, 0.5, 0.4).to_dict()


def test_eval_counts_a_right_answer_offered_as_a_later_choice(phone):
    from mlbot.evaluate import Labelled
    from mlbot.render_eval import plain_report

    q = "how long is the reset link valid"
    second = phone.ask(q).results[1].entry.id
    report = evaluate(phone, [Labelled(q, second)])
    assert (report.top1, report.answered_right, report.offered_right) == (0.0, 0.0, 1.0)
    assert report.misses[0]["offered"] and report.misses[0]["rank"] == 2
    out = plain_report(report)
    assert "100.0% more offered as a choice" in out and "(ambiguous, offered as choice 2)" in out


def test_eval_misses_name_what_came_first_and_never_carry_escapes(phone):
    from mlbot.evaluate import Labelled
    from mlbot.render_eval import plain_report

    q = "how long is the reset link valid"
    top = phone.ask(q).results[0]
    report = evaluate(phone, [Labelled(q, "help.md:999\x1b[31m")])
    assert report.misses[0]["got_question"] == (top.matched_question or top.entry.question)
    out = plain_report(report)
    assert f"got {top.entry.id} “{report.misses[0]['got_question']}”" in out
    assert "\x1b" not in out and "expected help.md:999, got" in out


def test_eval_counts_a_refusal_that_suggests_the_right_question_first(phone):
    from mlbot.evaluate import Labelled

    q = "what will the weather be like tomorrow"
    reply = phone.ask(q)
    assert reply.status == "no_answer" and len(reply.suggestions) >= 2
    ids = {question: phone.kb.entry(i).id for i, question in phone.kb.faq()}
    first, other = ids[reply.suggestions[0]], ids[reply.suggestions[1]]
    assert evaluate(phone, [Labelled(q, first)]).suggested_right == 1.0
    assert evaluate(phone, [Labelled(q, other)]).suggested_right == 0.0


def test_an_elliptical_follow_up_uses_the_previous_question(phone):
    s = phone.session()
    assert "Dial 5000" in s.ask("How do I reset my voicemail PIN?").best.entry.text
    reply = s.ask("and how long is the reset link valid?")
    assert reply.status == "answered" and "48 hours" in reply.best.entry.text
    assert reply.context_used == "How do I reset my voicemail PIN?"


def test_a_misspelt_follow_up_says_how_its_own_words_were_read(phone):
    s = phone.session()
    s.ask("How do I reset my voicemail PIN?")
    reply = s.ask("and how long is the reset link vallid?")
    assert reply.status == "answered" and "48 hours" in reply.best.entry.text
    assert reply.context_used == "How do I reset my voicemail PIN?"
    assert reply.read_as == "and how long is the reset link valid?"   # not the previous question joined to it


HELPDESK = Path(__file__).resolve().parent / "data" / "helpdesk-faq.md"   # an IT help desk's FAQ page


def test_a_one_word_question_two_entries_hold_alike_offers_both():
    bot = mlbot.load([str(HELPDESK)])
    reply = bot.ask("vpn")   # the VPN on Windows led the one on a Mac by 12%, and was answered alone at 34%
    assert reply.status == "ambiguous"
    offered = {m.entry.question for m in reply.results[:reply.choices]}
    assert {"How do I connect to the VPN on Windows?", "How do I connect to the VPN on a Mac?"} <= offered
    assert bot.ask("printer").status == "answered"   # one entry holds it: no choice to make


@pytest.mark.parametrize("follow_up", ["and on mac?", "and on a Mac?", "and for mac users?"])
def test_a_one_or_two_word_follow_up_that_says_so_takes_the_topic(follow_up):
    s = mlbot.load([str(HELPDESK)]).session()
    assert s.ask("how do I connect to the vpn on windows").best.entry.question.endswith("on Windows?")
    reply = s.ask(follow_up)
    assert reply.status == "answered" and reply.best.entry.question == "How do I connect to the VPN on a Mac?"
    assert reply.context_used == "how do I connect to the vpn on windows"


def test_a_follow_up_the_documents_do_not_answer_keeps_no_topic():
    s = mlbot.load([str(HELPDESK)]).session()
    s.ask("how do I connect to the vpn on windows")
    assert s.ask("and linux?").status == "no_answer"   # not the Windows answer again
    s.ask("how do I connect to the vpn on windows")
    reply = s.ask("and how do I print from my laptop?")   # a new question that starts with "and"
    assert reply.best.entry.question == "How do I print?" and reply.context_used is None


HOUSE_RULES = ("# House rules\n\n## Pets\n\nDogs are welcome in the lounge as long as they stay on a lead. Other "
               "animals are not allowed in the building.\n\n## Noise\n\nTake calls in the phone booths and keep "
               "music to headphones.\n\n## Kitchen\n\nWash your own mugs and label food you leave in the fridge.\n\n"
               "## Opening hours\n\nThe front door opens at 8am and locks at 7pm, Monday to Friday.\n")


def test_a_short_follow_up_in_words_the_documents_lack_is_read_in_context_when_its_meaning_agrees(tmp_path):
    doc = tmp_path / "rules.md"
    doc.write_text(HOUSE_RULES, encoding="utf-8")
    s = mlbot.load([str(doc)]).session()
    assert "Dogs are welcome" in s.ask("can I bring my dog?").best.entry.text
    reply = s.ask("and my cat?")   # "cat" is nowhere in the documents: refused on its own words before
    assert reply.status == "answered" and "Other animals" in reply.best.entry.text
    assert reply.context_used == "can I bring my dog?"
    s = mlbot.load([str(Path(__file__).resolve().parent / "data" / "shapes" / "coworking.md")]).session()
    assert s.ask("how much for just one day?").status == "answered"
    reply = s.ask("and what's the capital of Australia")   # its meaning puts the day pass third: no topic taken
    assert reply.context_used is None and reply.status != "answered"


def test_is_there_asks_a_new_question_but_there_can_point_back(article_bot):
    from mlbot.bot import _PRONOUNS, _elliptical

    # "there" that only says something exists is no reference to the previous question: read as one, "is there a
    # dress code at FrenchML" was answered at 93% with the previous answer, the one paragraph naming FrenchML.
    s = article_bot.session()
    assert s.ask("how long until I can contribute as an ML engineer").status == "answered"
    reply = s.ask("is there a dress code at FrenchML")
    assert reply.status == "no_answer" and reply.context_used is None
    assert not _elliptical("are there any evening sessions for beginners")
    assert not _elliptical("there's a leak under the sink in the kitchen")
    assert _PRONOUNS.search("how long does it take to drive there from the station?")
    assert _elliptical("can I park there overnight with a camper van?")


def test_a_short_new_question_keeps_its_own_answer_over_the_old_topic():
    # "how much is it for a student to get in" leans on nothing: read with the tour question before it, it was
    # answered at 98 with the tours, though on its own it has the prices first. An answer read in context must be
    # nearly as good a match for the question alone (bot.FOLLOW_UP_SHARE).
    museum = mlbot.load([str(Path(__file__).resolve().parent / "data" / "shapes" / "museum.json")])
    s = museum.session()
    assert "Guided tours" in s.ask("is there a guidded tour in english?").best.entry.text
    reply = s.ask("how much is it for a student to get in")
    assert reply.context_used is None and "students and seniors NOK 120" in reply.results[0].entry.text


CLINIC = """# Alder Clinic

## Private fees

The table below shows our most common private fees, per tooth.

| Treatment | Price |
|---|---|
| White filling | from £110 |
| Porcelain crown | £620 |

### Paying

Payment is due on the day of treatment; we take cards and cash.

### Finance

Courses of treatment over £500 can be spread over ten months.

### Refunds

Deposits are refunded when you cancel two days ahead.
"""


def test_a_refusal_offers_the_closest_paragraph_by_the_heading_it_sits_under(tmp_path):
    # "Private fees" is over sections of its own, so it names no paragraph as a question would; the fees paragraph,
    # the closest match, was left out of the suggestions for that.
    (tmp_path / "clinic.md").write_text(CLINIC)
    bot = mlbot.load([str(tmp_path / "clinic.md")])
    ranking = rank(bot.kb, "how much is a white filling", 3)
    top = bot.kb.entry(ranking.items[0].index)
    assert "most common private fees" in top.text and bot._name(ranking.items[0].index, top) is None
    texts, indices = bot._suggest(ranking)
    assert texts[0] == "Private fees" and indices[0] == ranking.items[0].index


def test_a_clear_new_question_is_not_bent_by_the_old_topic(phone):
    s = phone.session()
    s.ask("How do I reset my voicemail PIN?")
    assert "guest wifi" in s.ask("what is the wifi password for guests?").best.entry.text
    reply = s.ask("What is the capital of Peru?")
    assert reply.status == "no_answer" and reply.context_used is None



@pytest.mark.parametrize("docs", ["", [""], [], ["kb.md", ""]], ids=["empty string", "empty path", "no paths",
                                                                    "one empty"])
def test_load_refuses_docs_that_name_no_path(tmp_path, monkeypatch, docs):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kb.md").write_text(PHONE)   # "" must not quietly read the current folder
    with pytest.raises(mlbot.MlbotError, match="docs names no path"):
        mlbot.load(docs)

# ------------------------------------------------------------------------------------------------- the cache

@pytest.mark.parametrize("value", ["", "relative/cache"], ids=["empty", "relative"])
def test_an_empty_or_relative_xdg_directory_is_ignored(tmp_path, monkeypatch, value):
    from mlbot.paths import xdg_home
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    for variable, default in [("XDG_CACHE_HOME", ".cache"), ("XDG_DATA_HOME", ".local/share"),
                              ("XDG_STATE_HOME", ".local/state"), ("XDG_CONFIG_HOME", ".config")]:
        monkeypatch.setenv(variable, value)
        assert xdg_home(variable) == tmp_path / "home" / default
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    (tmp_path / "kb.md").write_text(PHONE)
    mlbot.load([str(tmp_path / "kb.md")])
    assert not (tmp_path / "relative").exists() and (tmp_path / "home" / ".cache" / "mlbot").is_dir()


def test_cache_is_plain_arrays_and_json_and_is_reused(tmp_path):
    kb = tmp_path / "kb.md"
    kb.write_text(PHONE)
    sentence.forget_questions()   # as a new process would: the vectors are read, and stored
    mlbot.load([str(kb)])
    files = [p for p in cache_root().rglob("*") if p.is_file()]
    assert files and all(p.suffix in (".npy", ".json", ".jsonl") or p.name in ("lock", store.SENSE_DB)
                         for p in files)
    for p in files:
        if p.suffix == ".npy":
            np.load(p, allow_pickle=False)   # would raise on an object array
        if p.name == store.SENSE_DB:          # texts' sentence vectors: raw float32 bytes by key, nothing else
            import sqlite3
            with sqlite3.connect(p) as db:
                assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["vectors",
                                                                                          "sqlite_autoindex_vectors_1"]
                assert {len(v) for (v,) in db.execute("SELECT vector FROM vectors")} == {384 * 4}
    stamp = {p: p.stat().st_mtime_ns for p in files}
    mlbot.load([str(kb)])
    assert {p: p.stat().st_mtime_ns for p in files if p.name != "current.json"} == \
        {p: t for p, t in stamp.items() if p.name != "current.json"}


def test_an_edited_document_is_picked_up_without_a_rebuild_command(tmp_path):
    kb = tmp_path / "kb.md"
    kb.write_text("## Where do I park my bike?\n\nBike racks are in the basement.\n")
    assert "basement" in mlbot.load([str(kb)]).ask("where can I park my bicycle").best.entry.text
    kb.write_text("## Where do I park my bike?\n\nBike parking moved to the courtyard.\n")
    assert "courtyard" in mlbot.load([str(kb)]).ask("where can I park my bicycle").best.entry.text


def test_an_edit_that_keeps_the_size_and_mtime_is_picked_up(tmp_path):
    # As `touch -r`, `cp -p` or `tar x` leave a file: the same size and mtime, other words.
    kb = tmp_path / "kb.md"
    kb.write_text("## Where do I park my bike?\n\nBike racks are in the basement.\n")
    st = kb.stat()
    assert "basement" in mlbot.load([str(kb)]).ask("where can I park my bicycle").best.entry.text
    kb.write_text("## Where do I park my bike?\n\nBike racks are in the courtyard\n")
    os.utime(kb, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert kb.stat().st_size == st.st_size
    assert "courtyard" in mlbot.load([str(kb)]).ask("where can I park my bicycle").best.entry.text


def test_only_changed_files_are_parsed_again(tmp_path, monkeypatch):
    from mlbot import ingest
    folder = tmp_path / "kb"
    folder.mkdir()
    for n in range(3):
        (folder / f"f{n}.md").write_text(f"## Question number {n}?\n\nAnswer number {n}.\n")
    mlbot.load([str(folder)])
    parsed = []
    real = ingest.parse_file
    monkeypatch.setattr(ingest, "parse_file", lambda doc: parsed.append(doc.rel) or real(doc))
    (folder / "f1.md").write_text("## Question number one?\n\nA new answer.\n")
    bot = mlbot.load([str(folder)])
    assert parsed == ["f1.md"]
    assert "new answer" in bot.ask("question number one").best.entry.text.lower()


def test_a_damaged_cache_is_rebuilt(tmp_path):
    kb = tmp_path / "kb.md"
    kb.write_text(PHONE)
    mlbot.load([str(kb)])
    for p in cache_root().rglob("*.npy"):
        p.write_bytes(b"\x93NUMPY garbage")
    warnings = []
    bot = mlbot.load([str(kb)], warn=warnings.append)
    assert "Dial 5000" in bot.ask("How do I reset my voicemail PIN?").best.entry.text
    assert any("damaged" in w for w in warnings)


@pytest.mark.parametrize("array", ["field-question_word.row_entry", "field-doc_word.indices", "field-doc_word.indptr"])
def test_a_cache_whose_indices_point_outside_its_arrays_is_rebuilt(tmp_path, array):
    kb = tmp_path / "kb.md"
    kb.write_text(PHONE)
    mlbot.load([str(kb)])
    (path,) = cache_root().rglob(f"{array}.npy")
    good = np.load(path)
    np.save(path, np.full_like(good, 10**6), allow_pickle=False)   # the same size, so only the values are wrong
    warnings = []
    bot = mlbot.load([str(kb)], warn=warnings.append)
    assert any("damaged" in w and "do not fit" in w for w in warnings)
    assert "Dial 5000" in bot.ask("How do I reset my voicemail PIN?").best.entry.text
    seen = len(warnings)
    mlbot.load([str(kb)], warn=warnings.append)
    assert len(warnings) == seen   # rebuilt once, then sound


def test_the_bundled_article_is_the_default():
    assert bundled_docs().read_text(encoding="utf-8").startswith("Why the Role of Ml Engineer")
    assert mlbot.load().title.startswith("Why the Role of Ml Engineer")


def test_reply_to_dict_is_the_json_contract(article_bot):
    d = article_bot.ask("can I work remotely?", top_k=2).to_dict()
    assert set(d) >= {"question", "status", "confidence", "results"}
    r = d["results"][0]
    assert set(r) >= {"id", "question", "text", "source", "confidence", "highlight"}
    assert set(r["source"]) == {"path", "heading", "line"}
    assert json.loads(json.dumps(d)) == d
    assert len(d["results"]) == 2 and d["results"][0]["confidence"] >= d["results"][1]["confidence"]


@pytest.mark.parametrize("chunk", [20_000, 4, 1], ids=["one-pass", "chunks-of-4", "text-by-text"])
def test_the_word_space_read_straight_from_texts_equals_scikit_learns(chunk, monkeypatch):
    """The fast path (texts read in passes of COUNT_CHUNK, words mapped to terms once) counts what CountVectorizer
    counts, whatever the passes."""
    from mlbot import index
    from mlbot.index import build_space

    monkeypatch.setattr(index, "COUNT_CHUNK", chunk)
    texts = ["Can I work from home? It's ML, AI and NLP — don't ask.", "Café naïve résumé; l'été " + "x" * 50,
             "", "the THE The a an", "rock'n'roll hands-on real-world day-to-day ML ml", "Ünïcödé 2024 24/7 e-mail",
             "home office", "work from home", "the end"]
    space, counts = build_space("word", "word", None, texts=texts)
    vec = make_vectorizer("word")
    want = vec.fit_transform(texts)
    assert [t.decode() for t in space.vocab.tolist()] == vec.get_feature_names_out().tolist()
    assert np.allclose(space.idf, vec.idf_)
    from sklearn.feature_extraction.text import CountVectorizer
    raw = CountVectorizer(analyzer=vec.analyzer).fit(texts).transform(texts)
    assert (counts != raw).nnz == 0 and want.shape == counts.shape


_PIECES = st.sampled_from(["work from home", "don't", "it's", "Café", "naïve", "ML", "ai", "x" * 45, "'quoted'",
                           "rock'n'roll", "QQTEXTQQ", "qq7textq9sepq", "hands-on", "—", "e-mail", "2024", " ", "\n"])


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.lists(_PIECES | st.text(max_size=8), max_size=8).map(" ".join), max_size=6))
def test_words_many_finds_each_texts_words(texts):
    """The one-pass reader of a whole collection finds, text by text, what words() finds (before abbreviations)."""
    from mlbot.analyze import SEPARATOR, expand, words, words_many

    flat = words_many(texts) if texts else []
    got, current = [], []
    for w in flat:
        if w == SEPARATOR:
            got.append(current)
            current = []
        else:
            current.extend(expand(w))
    if texts:
        got.append(current)
    assert got == [words(t) for t in texts]


def test_pruned_ranking_equals_reading_every_posting(monkeypatch):
    """On a collection whose common words have long posting lists, the ranking that skips entries which cannot reach
    the top (rank.LONG_POSTING, candidates pruned as the bound shrinks) returns the scores of the full reading."""
    from mlbot import rank as rank_mod
    from mlbot.store import build

    rng = np.random.default_rng(3)
    vocab = np.array([f"w{i}" for i in range(3000)])
    p = 1 / np.arange(1, 3001) ** 1.1
    p /= p.sum()
    entries = [Entry(f"e{i}", (), " ".join(rng.choice(vocab, int(rng.integers(8, 30)), p=p)), Source("s.md", None, i))
               for i in range(6000)]
    kb = build(entries, [], [])
    queries = [" ".join(rng.choice(entries[int(i)].text.split(), 4)) for i in rng.integers(0, len(entries), 60)]
    monkeypatch.setattr(rank_mod, "LONG_POSTING", 64)   # make the pruning path run on this small collection
    pruned = [rank_mod.rank(kb, q, 10) for q in queries]
    monkeypatch.setattr(rank_mod, "LONG_POSTING", 10**9)
    full = [rank_mod.rank(kb, q, 10) for q in queries]
    for a, b in zip(pruned, full):
        assert np.allclose([r.score for r in a.items], [r.score for r in b.items], rtol=1e-5, atol=1e-7)
        # The same entries, but for the order of exact ties.
        top_a = {r.index for r in a.items if r.score > b.items[-1].score + 1e-6}
        top_b = {r.index for r in b.items if r.score > b.items[-1].score + 1e-6}
        assert top_a == top_b


_WORD_LISTS = st.lists(st.lists(st.sampled_from(["aaa", "the", "work", "café", "ml", "x" * 12, "i", "données",
                                                 "ab", "a"]) | st.text(alphabet="abcé", min_size=1, max_size=5),
                                max_size=9), max_size=6)


@settings(max_examples=120, deadline=None)
@given(rows=_WORD_LISTS, other=_WORD_LISTS)
def test_counting_word_by_word_equals_counting_every_feature(rows, other):
    """count_by_word (each distinct word analyzed once) counts what count_features counts over the analyzed rows,
    with a vocabulary of its own and in another's columns (repeated grams such as "aaa"'s included)."""
    from mlbot.analyze import FROM_WORDS
    from mlbot.index import PER_WORD, count_by_word, count_features

    for analyzer, term_of in PER_WORD.items():
        vocab, counts = count_by_word(rows, term_of)
        want_vocab, want = count_features([FROM_WORDS[analyzer](ws) for ws in rows])
        assert vocab.tolist() == want_vocab.tolist()
        assert (counts is None) == (want is None)
        if counts is not None:
            assert counts.shape == want.shape and (counts != want).nnz == 0
            _, theirs = count_by_word(other, term_of, vocab)
            _, want_theirs = count_features([FROM_WORDS[analyzer](ws) for ws in other], vocab)
            assert theirs.shape == want_theirs.shape and (theirs != want_theirs).nnz == 0


def test_the_python_api_takes_a_default_answer(article_bot):
    bot = Bot(article_bot.kb, default_answer="Ask the help desk.")
    r = bot.ask("how do I bake sourdough bread?")
    assert (r.status, r.message) == ("no_answer", "Ask the help desk.") and r.suggestions
    assert article_bot.ask("how do I bake sourdough bread?").message.startswith("I'm not sure")


def test_the_highlight_is_a_sentence_of_prose_never_a_line_of_code_or_a_table():
    from mlbot.bot import highlight
    code = "Install it with pipx, which keeps tidewatch apart:\n\n```bash\npipx install tidewatch\n```"
    assert highlight(code, "how do I install tidewatch") == "Install it with pipx, which keeps tidewatch apart:"
    table = "Bins go out by 6:30am. The table shows the days.\n\n| Area | Day |\n|---|---|\n| Millbrook | Tuesday |"
    assert highlight(table, "millbrook day") == "The table shows the days."
    assert highlight("```\nmake all\n```", "make") == "```\nmake all\n```"   # code alone is shown whole


def test_the_idf_is_scikit_learns_on_any_counts():
    from scipy.sparse import random as sparse_random
    from sklearn.feature_extraction.text import TfidfTransformer

    from mlbot.index import smooth_idf
    for seed in range(5):
        counts = sparse_random(50 + seed * 40, 30 + seed * 7, density=0.08, format="csr", random_state=seed)
        counts.data = np.ceil(counts.data * 5)
        assert np.array_equal(smooth_idf(counts), TfidfTransformer(smooth_idf=True).fit(counts).idf_)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.lists(st.text(), max_size=3), st.text(), st.one_of(st.none(), st.text()), st.integers(1, 10**6),
       st.lists(st.one_of(st.none(), st.integers(0, 10**4)), min_size=3, max_size=3), st.lists(st.text(), max_size=3),
       st.booleans(), st.lists(st.text(), max_size=2))
def test_an_entrys_json_text_is_json_dumps_byte_for_byte(eid, questions, text, heading, line, places, headings, cut,
                                                        alternates):
    e = Entry(eid, tuple(questions), text, Source("dir/ä.md", heading, line, *places), tuple(headings), cut,
              tuple(alternates))
    assert e.to_json_text() == json.dumps(e.to_json(), ensure_ascii=False)
    assert Entry.from_json(json.loads(e.to_json_text())) == e


def test_related_questions_name_each_answer_once_and_not_the_one_shown(tmp_path):
    # Three paragraphs under the title are each named by it: offered as related, the title came three times.
    doc = tmp_path / "office.md"
    doc.write_text("# Berlin office\n\nThe office is open from 7:00 to 20:00 on weekdays.\n\n"
                   "There are 12 parking spaces in the underground garage at the office.\n\n"
                   "The office canteen serves lunch from 11:30 to 14:00 on weekdays.\n\n"
                   "## Can I park at the office?\n\nYes, ask facilities for one of the office parking spaces.\n\n"
                   "## Is the office open at weekends?\n\nNo, the office is closed at weekends.\n")
    bot = mlbot.load([str(doc)])
    top = bot.ask("can I park at the office").results[0]
    assert top.entry.question == "Can I park at the office?"
    names = [name for _, name in bot.related(top.index)]
    assert names.count("Berlin office") == 1 and len(names) == len(set(names)), names
    assert "Can I park at the office?" not in names


def test_documents_of_headings_and_paragraphs_alone_have_examples_to_try(tmp_path):
    doc = tmp_path / "handbook.md"
    doc.write_text("# Staff handbook\n\n## Annual leave\n\nYou get 25 days of paid leave a year.\n\n## Sick leave\n\n"
                   "Tell your manager before your shift starts.\n")
    assert mlbot.load([str(doc)]).examples() == ["Annual leave", "Sick leave"]
    assert mlbot.load().examples()[0] == "What skills and training are needed to become an Ml Engineer?"   # FAQ first


def test_the_highlight_looks_past_what_the_answers_own_question_already_says():
    text = ("We deliver on Saturdays and weekdays between 9am and 5pm within a five-mile radius. There are no Sunday "
            "deliveries. Delivery is free for patients over 65.")
    rarity = {"deliv": 2.0, "sunday": 1.5}
    # "deliver" is what the whole answer is about: the sentence to show is the one about Sunday.
    assert highlight(text, "do you deliver on sunday", rarity, ("Do you deliver prescriptions?",)) == \
        "There are no Sunday deliveries."
    assert highlight(text, "do you deliver on sunday", rarity).startswith("We deliver on Saturdays")


def test_the_highlight_is_never_a_lists_bare_number():
    steps = "1. Install the client from Self Service.\n2. Allow the system extension.\n3. Sign in."
    assert highlight(steps, "and on mac?") == "Install the client from Self Service."


def test_a_sentence_wrapped_over_lines_is_highlighted_whole():
    text = "Connect to `vpn.example.com` with your usual\npassword, then open the portal.\nIt asks for a code."
    assert highlight(text, "which address do I connect to") == ("Connect to `vpn.example.com` with your usual "
                                                                "password, then open the portal.")


FORMS_HELP = """# Forms help

## Why am I not receiving notification emails?

Check the Spam tab first: a submission classified as spam sends no notification. Then check your own spam folder
and allow-list our sending address. If the form has more than 20 notification addresses, only the first 20 are used.

## What are your support hours?

Support is staffed Monday to Friday, 08:00 to 18:00 CET. We aim to reply within one business day on every plan.
"""


def test_ranked_with_the_sentence_model_the_highlight_is_its_closest_sentence(tmp_path):
    doc = tmp_path / "help.md"
    doc.write_text(FORMS_HELP, encoding="utf-8")
    bot = mlbot.load([str(doc)])
    question = "are there limits on notification recipients"
    assert rank(bot.kb, question).by_sense
    reply = bot.ask(question)
    top = reply.results[0]
    assert top.entry.question == "Why am I not receiving notification emails?"
    assert top.highlight == "If the form has more than 20 notification addresses, only the first 20 are used."
    # The terms alone point at the Spam tab sentence, which says "notification" too.
    lexical = highlight(top.entry.text, question, term_rarity(bot.kb, question), top.entry.questions)
    assert lexical.startswith("Check the Spam tab first")
    closeness = bot._sentence_closeness(top.index, top.entry, question)
    assert max(closeness, key=closeness.get) == top.highlight and len(closeness) == 3


def test_eval_recommends_no_threshold_without_questions_to_refuse_and_measures_nothing_without_answers(phone):
    from mlbot.evaluate import Labelled
    from mlbot.render_eval import plain_report, rich_report

    pin = phone.ask("How do I reset my voicemail PIN?").best.entry.id
    only_answerable = evaluate(phone, [Labelled("How do I reset my voicemail PIN?", pin)])
    assert only_answerable.top1 == 1.0 and only_answerable.recommended is None   # it was 0: never refuse
    assert "no question is marked unanswerable" in plain_report(only_answerable)
    only_unanswerable = evaluate(phone, [Labelled("what will the weather be like tomorrow", None)])
    assert (only_unanswerable.top1, only_unanswerable.mrr10, only_unanswerable.recall5) == (None, None, None)
    assert only_unanswerable.recommended is None and "MRR@10: —" in plain_report(only_unanswerable)
    import io

    from rich.console import Console
    Console(file=io.StringIO(), width=100).print(rich_report(only_unanswerable))   # no number to format: no error


@pytest.mark.parametrize(("home", "title"), [("index.md", "Formwell documentation"), ("README.md", "Formwell documentation"),
                                             ("intro.md", None)])
def test_several_documents_are_called_by_their_home_pages_title(tmp_path, home, title):
    docs = tmp_path / "docs"
    (docs / "api").mkdir(parents=True)
    (docs / home).write_text("---\ntitle: x\n---\n\n# Formwell documentation\n\nFormwell stores form submissions "
                             "for you.\n\n## Where do I start?\n\nWith the quickstart.\n")
    (docs / "api" / "keys.md").write_text("# API keys\n\n## How do I create a key?\n\nIn Settings, under API.\n")
    bot = mlbot.load([str(docs)])
    assert bot.title == (title or f"2 documents in {docs}")


WEBHOOKS = ("# Webhooks\n\nWebhooks push each new submission to a URL on your server as it arrives.\n\n## Setting up\n\n"
            "Open a form, go to Integrations and click Add endpoint. Enter an HTTPS URL and choose the events to "
            "send.\n\n## Retries\n\nYour endpoint must answer with a 2xx status within 10 seconds. Anything else "
            "counts as a failure, and we retry with exponential backoff: up to 8 attempts over about 24 hours.\n")
BILLING = ("# Billing\n\nInvoices are emailed to the billing contact on the first of each month.\n\n## Failed payments"
           "\n\nIf a renewal payment fails, we retry the card three times over the next week and email the Owner each "
           "time.\n")


@pytest.mark.parametrize("home", [True, False], ids=["site", "unrelated documents"])
def test_the_pages_of_a_site_keep_their_titles_as_what_their_paragraphs_are_about(tmp_path, home):
    # "Retries" never says "webhook": read without its page's title, the card payments' retries came first.
    from mlbot.rows import heading_context, home_page
    docs = tmp_path / "docs"
    (docs / "api").mkdir(parents=True)
    (docs / "api" / "webhooks.md").write_text(WEBHOOKS)
    (docs / "billing.md").write_text(BILLING)
    if home:
        (docs / "index.md").write_text("# Formwell documentation\n\nFormwell turns HTML forms into submissions.\n")
    bot = mlbot.load([str(docs)])
    entries = list(bot.kb.entries())
    retries = next(i for i, e in enumerate(entries) if e.text.startswith("Your endpoint"))
    context = heading_context(entries)
    assert home_page(entries) == ("index.md" if home else None)
    assert context[retries] == ("Webhooks Retries" if home else "Retries")
    if home:
        assert context[next(i for i, e in enumerate(entries) if e.source.path == "index.md")] == ""   # the site's own
    if home:
        reply = bot.ask("how many times do you retry a failed webhook")
        assert reply.status == "answered" and reply.best.entry.text.startswith("Your endpoint")


def test_why_lists_only_terms_worth_a_shown_point(article_bot):
    # Character n-grams of "conference" ('nce', 'ence') added +0.000 each and filled /why's list.
    x = article_bot.explain(article_bot.ask("when is the next FrenchML conference"))
    terms = x.top_terms + x.runner_terms
    assert terms and all(c.points >= 0.0005 for c in terms)
    assert "frenchml" in {c.term for c in x.top_terms}
