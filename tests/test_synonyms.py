"""The user's synonyms file: its format, how the analyzers read it, and that the index follows its edits."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlbot import analyze
from mlbot.synonyms import parse_user, read_user, user_path

SHOP = """\
# Shop help

## How do I delete my account?

Open Settings and press Close account. Your orders stay on record for tax purposes.

## Can I pay by invoice?

Yes: business customers get a monthly invoice.
"""


@pytest.fixture(autouse=True)
def builtin_synonyms():
    """Each test starts, and leaves the process, with the built-in synonyms only."""
    analyze.use_synonyms()
    yield
    analyze.use_synonyms()


def synonyms_file(text: str) -> Path:
    path = user_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_line_is_split_on_commas_else_on_spaces_and_comments_go():
    groups, problems = parse_user("# mine\nDelete,  Nuke , get  rid of  # destroy\nfb facebook\n\nlonely\n")
    assert groups == [("delete", "nuke", "get rid of"), ("fb", "facebook")]
    assert problems == ["line 5 has only one word or phrase; a group needs two or more"]


def test_words_and_phrases_of_a_group_read_as_its_first_word():
    assert analyze.word_features("nuke my profile") != analyze.word_features("delete my account")
    analyze.use_synonyms([("delete", "nuke", "get rid of"), ("account", "profile")])
    assert analyze.word_features("nuke my profile") == analyze.word_features("delete my account")
    assert analyze.word_features("get rid of my profile") == analyze.word_features("delete my account")
    analyze.use_synonyms()
    assert analyze.word_features("nuke my profile") != analyze.word_features("delete my account")


def test_a_phrase_matches_in_any_word_form_and_only_within_one_text():
    analyze.use_synonyms([("unfriend", "stop being friends"), ("delete", "get rid of")])
    assert analyze.words("She STOPPED being friends with me") == ["she", "unfriend", "with", "me"]
    assert analyze.words("getting rid of old mail") == ["delete", "old", "mail"]
    texts = ["we stopped being", "friends again", "got rid of it"]
    flat = analyze.words_many(texts)
    assert flat == [*analyze.words(texts[0]), analyze.SEPARATOR, *analyze.words(texts[1]), analyze.SEPARATOR,
                    *analyze.words(texts[2])]
    assert "unfriend" not in flat   # a phrase never spans two texts


def test_a_users_group_wins_over_a_built_in_one():
    assert analyze.word_features("problem") == analyze.word_features("obstacle")   # built in
    analyze.use_synonyms([("issue", "problem")])
    assert analyze.word_features("problems") == analyze.word_features("issues")


def test_no_file_means_no_groups_and_bad_files_are_reported_not_raised(tmp_path):
    assert read_user(tmp_path / "absent.txt") == ([], "", [])
    folder = tmp_path / "a-folder"
    folder.mkdir()
    groups, fingerprint, problems = read_user(folder)
    assert groups == [] and fingerprint == "" and "cannot read the synonyms file" in problems[0]
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert "not UTF-8" in read_user(binary)[2][0]


def ask(run_mlbot, docs: Path, question: str) -> dict:
    p = run_mlbot("ask", "--json", "--docs", str(docs), question)
    return json.loads(p.stdout.decode("utf-8").splitlines()[0])


def test_the_index_follows_the_synonyms_file(run_mlbot, tmp_path):
    docs = tmp_path / "shop.md"
    docs.write_text(SHOP, encoding="utf-8")
    # Words of the user's own jargon, which no model knows ("nuke my profile" the sentence model reads unaided).
    question = "how do I zorp my blorfle"
    assert ask(run_mlbot, docs, question)["status"] == "no_answer"

    synonyms_file("delete, zorp, get rid of\naccount, blorfle\n")
    d = ask(run_mlbot, docs, question)
    assert d["status"] == "answered" and "Close account" in d["results"][0]["text"]

    synonyms_file("invoice, bill\n")   # edited: zorp and blorfle no longer mean anything here
    assert ask(run_mlbot, docs, question)["status"] == "no_answer"
    synonyms_file("delete, zorp\naccount, blorfle\n")
    assert ask(run_mlbot, docs, question)["status"] == "answered"
    os.remove(user_path())
    assert ask(run_mlbot, docs, question)["status"] == "no_answer"


def test_info_names_the_file_and_bad_lines_are_warned_until_fixed(run_mlbot, tmp_path):
    docs = tmp_path / "shop.md"
    docs.write_text(SHOP, encoding="utf-8")
    path = synonyms_file("delete, nuke\nlonely\n")
    p = run_mlbot("info", "--docs", str(docs))
    assert p.returncode == 0
    out = p.stdout.decode()
    assert f"1 group(s) from {path}" in out
    assert b"line 2 has only one word" in p.stderr
    again = run_mlbot("info", "--docs", str(docs))   # the index is fresh, and the file still has the bad line
    assert again.returncode == 0 and b"line 2 has only one word" in again.stderr
    synonyms_file("delete, nuke\n")
    fixed = run_mlbot("info", "--docs", str(docs))
    assert fixed.returncode == 0 and fixed.stderr == b""


def test_a_missing_file_named_by_mlbot_synonyms_is_reported_and_answers_go_on(run_mlbot, tmp_path):
    docs = tmp_path / "shop.md"
    docs.write_text(SHOP, encoding="utf-8")
    missing = tmp_path / "nowhere" / "synonyms.txt"
    p = run_mlbot("ask", "--json", "--docs", str(docs), "can I pay by invoice", env={"MLBOT_SYNONYMS": str(missing)})
    assert p.returncode == 0
    assert f"MLBOT_SYNONYMS names {missing}, which does not exist".encode() in p.stderr
    assert json.loads(p.stdout.decode().splitlines()[0])["status"] == "answered"


def test_mlbot_synonyms_points_at_another_file(run_mlbot, tmp_path):
    docs = tmp_path / "shop.md"
    docs.write_text(SHOP, encoding="utf-8")
    other = tmp_path / "team-synonyms.txt"
    other.write_text("invoice, bill me later\n", encoding="utf-8")
    p = run_mlbot("ask", "--json", "--docs", str(docs), "can you bill me later", env={"MLBOT_SYNONYMS": str(other)})
    d = json.loads(p.stdout.decode().splitlines()[0])
    assert d["status"] == "answered" and "invoice" in d["results"][0]["text"]


_ITEM = st.sampled_from(["stop being friends", "get rid of", "c++", "(", "a.b", "work from home", "ML", "the",
                         "café au lait", "e-mail", "x" * 45, "QQTEXTQQ", "don't", "  "]) | st.text(max_size=12)
_TEXT = st.lists(st.sampled_from(["stopped being friends", "getting rid of", "C++ and (a.b)", "working from home",
                                  "cafés au lait", "the the", "don't", "QQTEXTQQ"]) | st.text(max_size=10),
                 max_size=6).map(" ".join)


@settings(max_examples=120, deadline=None)
@given(groups=st.lists(st.lists(_ITEM, min_size=2, max_size=4).map(tuple), max_size=4),
       texts=st.lists(_TEXT, min_size=1, max_size=4))
def test_any_synonyms_file_keeps_the_collection_reader_equal_to_the_question_reader(groups, texts):
    """Whatever groups a user writes, reading never raises, and the one-pass reader of a collection finds, text by
    text, exactly what words() finds for a question (before abbreviations): the index and questions agree."""
    analyze.use_synonyms(groups)
    flat = analyze.words_many(texts)
    got, current = [], []
    for w in flat:
        if w == analyze.SEPARATOR:
            got.append(current)
            current = []
        else:
            current.extend(analyze.expand(w))
    got.append(current)
    assert got == [analyze.words(t) for t in texts]


def test_the_sentence_model_reads_a_users_word_as_the_word_it_stands_for():
    analyze.use_synonyms([("delete", "zorp"), ("account", "blorfle")])
    assert analyze.in_user_words("How do I Zorp my blorfle?") == "How do I delete my account?"
    analyze.use_synonyms()
    assert analyze.in_user_words("How do I Zorp my blorfle?") == "How do I Zorp my blorfle?"


def test_wfh_reads_as_work_from_home_on_both_sides():
    # Expanded as an abbreviation first, "wfh" never met the synonym that reads "work from home" as "remote".
    assert analyze.word_features("wfh possible?") == analyze.word_features("work from home possible?") \
        == analyze.word_features("remote possible?")


def test_the_sentence_model_reads_abbreviations_it_splits_into_pieces_spelled_out():
    from mlbot.sentence import token_ids

    assert analyze.spelled_out("WFH ok? see the FAQ, ML and AI") == \
        "work from home ok? see the frequently asked questions, ML and AI"
    for short in analyze.SPELLED_OUT:   # each is a word the model's vocabulary does not have whole
        assert len(token_ids(short)) > 3, short
    for short in set(analyze.ABBREVIATIONS) - set(analyze.SPELLED_OUT):   # and each left is one it has
        assert len(token_ids(short)) == 3, short


def test_wfh_on_its_own_finds_the_remote_work_answer(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", "wfh possible?")
    d = json.loads(p.stdout)
    assert p.returncode == 0 and d["status"] == "answered", d["status"]
    assert d["results"][0]["question"] == "Can I work remotely as an Ml Engineer?"


@pytest.mark.parametrize(("typed", "written"), [("wifi", "Wi-Fi"), ("wi fi", "WiFi"), ("email", "E-mail"),
                                                 ("e-mail", "email"), ("signin", "sign-in")])
def test_a_built_in_hyphenated_synonym_meets_its_other_spellings(typed, written):
    # Words split at hyphens, so "wi-fi" was two words that matched neither "wifi" nor each other's group.
    assert analyze.word_features(typed) == analyze.word_features(written)


def test_a_one_word_question_finds_the_entry_that_spells_it_with_a_hyphen(tmp_path):
    import mlbot
    kb = tmp_path / "it.md"
    kb.write_text("# IT help\n\n## How do I join the office Wi-Fi?\n\nPick the network ACME-Staff and sign in with "
                  "your laptop account.\n\n## How do I set up the VPN?\n\nInstall GlobalProtect from Self Service "
                  "and connect to vpn.acme.example.\n\n## Where do I collect my badge?\n\nAt the front desk on your "
                  "first day, from nine.\n")
    reply = mlbot.load([str(kb)]).ask("wifi")
    assert reply.status == "answered" and reply.results[0].entry.question == "How do I join the office Wi-Fi?"
