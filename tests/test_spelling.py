"""Misspelt words of a question read as the documents spell them: which words are mended, which are left, and that
the answer, the JSON and the plain output say how the question was read."""
from __future__ import annotations

import json

import pytest

from mlbot import bot
from mlbot.ingest.markdown import parse_markdown
from mlbot.rank import rank, spell
from mlbot.spelling import MAX_MENDED, _distance, build_speller
from mlbot.store import build

FERRY = """\
# Ferry help

## Can I sell or transfer my ticket?

Tickets can be transferred to a friend up to an hour before departure, free of charge.

## Is breakfast served on board?

Breakfast is served in the cafeteria from 6am. Vegetarian options are available.

## Can I bring my bicycle?

Bicycles travel free; the maintenance crew stows them on the car deck.

## Do you publish the timetable?

The timetable is printed at the terminal and changes every season.
"""


@pytest.fixture(scope="module")
def ferry():
    return build(parse_markdown(FERRY, "ferry.md"), [], [])


@pytest.mark.parametrize("asked, read", [
    ("can i sell my tiket", "can i sell my ticket"),                   # one letter missing
    ("is brekfast included", "is breakfast included"),                 # one letter wrong
    ("can I bring my bicylce", "can I bring my bicycle"),              # two letters swapped
    ("who does bike maintainance", "who does bike maintenance"),       # two edits in a long word
    ("Is BREKFAST served?", "Is breakfast served?"),                   # any case; the rest kept as typed
    ("is the bike fere", "is the bike free"),                           # four letters: two neighbours swapped
    ("does the crwe stow bikes", "does the crew stow bikes"),
])
def test_a_misspelt_word_is_read_as_the_documents_word(ferry, asked, read):
    assert spell(ferry, asked) == read


@pytest.mark.parametrize("asked", [
    "can i transfer tickets",            # the documents' own words, in another form (by stem)
    "is there a sauna",                  # an English word the documents never use
    "where do I park my bike",           # short words are left alone
    "does the timetable change",         # spelt right
    "couldn't I transfer it",            # a contraction's first half is no typo
    "is my skillset enough",             # two English words
    "is the caféteria open",             # another alphabet's letters: left as typed
    "can I bring my dog",                # nothing close
    "is it frea",                        # four letters, one letter wrong: too many neighbours to guess from
    "where is the edck",                 # four letters, but swapped at the first letter ("deck" starts otherwise)
    "is the deckk open",                 # five letters are never read as a word of four ("deck")
])
def test_a_word_that_is_known_or_far_from_any_is_left_as_typed(ferry, asked):
    assert spell(ferry, asked) == asked


def test_an_english_word_is_never_read_as_the_documents_word_next_to_it():
    kb = build(parse_markdown("# T\n\n## Refunds?\n\nRefunds come later, despite delays, and resets are free.\n",
                              "t.md"), [], [])
    for asked in ("are latex gloves sold", "I despise queues", "was it resent"):
        assert spell(kb, asked) == asked
    assert spell(kb, "refunds despiet delays") == "refunds despite delays"


def test_only_a_word_starting_with_the_same_letter_and_never_a_stop_word_is_chosen():
    kb = build(parse_markdown("# T\n\n## Gate?\n\nThe ticket office is at gate four, beside the tower. None "
                              "other.\n", "t.md"), [], [])
    assert spell(kb, "rticket prices") == "rticket prices"   # "ticket" is one edit away, but starts otherwise
    assert spell(kb, "noone at the gate") == "noone at the gate"   # "none" is shorter than any word mended


def test_a_typo_the_stemmer_already_reads_as_a_documents_word_becomes_a_word_of_that_stem():
    kb = build(parse_markdown("# T\n\n## Remote?\n\nOur engineers work remotely, as the team has for years.\n",
                              "t.md"), [], [])
    assert spell(kb, "do enginers work remotly") == "do engineers work remotely"   # "engin", "remot": as the stemmer


def test_the_closest_word_wins_then_the_most_frequent():
    speller = build_speller([["cancel", "cancel", "cancel", "camel"], ["candle"]])
    assert speller.correct("cancle my order", lambda t: False) == "cancel my order"   # one edit from two: most used
    assert speller.correct("camle", lambda t: False) == "camel"


def test_only_the_first_unknown_words_of_a_question_are_looked_at():
    # A page of gibberish must not cost a search per word: past MAX_MENDED unknown words, the rest stay as typed.
    speller = build_speller([["ticket"]])
    asked = " ".join(["tikcet"] * (MAX_MENDED + 2))
    assert speller.correct(asked, lambda t: False).split() == ["ticket"] * MAX_MENDED + ["tikcet"] * 2


def test_two_edits_find_a_long_word_among_many():
    words = [f"m{c}{d}rkwxyzbq" for c in "abcdefghij" for d in "klmnopqrst"] + ["maintenance", "maintained"]
    speller = build_speller([words])
    assert speller.correct("maintainance", lambda t: False) == "maintenance"


@pytest.mark.parametrize("a, b, cap, want", [
    ("ticket", "ticket", 1, 0), ("tiket", "ticket", 1, 1), ("bicylce", "bicycle", 1, 1),
    ("maintainance", "maintenance", 2, 2), ("abc", "xyz", 1, 2), ("short", "muchlongerword", 2, 3),
])
def test_edit_distance_counts_a_swap_as_one_and_stops_past_the_cap(a, b, cap, want):
    assert _distance(a, b, cap) == want


def test_the_answer_says_how_the_question_was_read(ferry):
    b = bot.Bot(ferry)
    reply = b.ask("can i sell my tiket")
    assert reply.status == "answered" and "transferred" in reply.results[0].entry.text
    assert reply.read_as == "can i sell my ticket" and reply.question == "can i sell my tiket"
    assert reply.to_dict()["read_as"] == "can i sell my ticket"
    assert "read_as" not in b.ask("can i sell my ticket").to_dict()
    assert rank(ferry, "can i sell my ticket").read_as is None


def test_ask_shows_how_it_read_a_misspelt_question(run_mlbot, tmp_path):
    (tmp_path / "ferry.md").write_text(FERRY, encoding="utf-8")
    p = run_mlbot("ask", "--json", "--docs", str(tmp_path), "is brekfast served on board")
    d = json.loads(p.stdout)
    assert (p.returncode, d["status"], d["read_as"]) == (0, "answered", "is breakfast served on board")
    assert d["question"] == "is brekfast served on board"
    p = run_mlbot("ask", "--docs", str(tmp_path), "is brekfast served on board")
    assert p.stdout.decode().splitlines()[0] == "(read as: is breakfast served on board)"
    # The index keeps the documents' words: a second run reads them from the cache and still mends the question.
    p = run_mlbot("ask", "--json", "--docs", str(tmp_path), "is brekfast served on board")
    assert json.loads(p.stdout)["read_as"] == "is breakfast served on board"
