"""The static word vectors (mlbot.meaning): the shipped table, splitting words into pieces, and what they add to a
knowledge base: questions that share no word with their answer."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlbot
from mlbot import meaning, store
from mlbot.meaning import Table, embed, tokens

HELP = """# Help centre

## What are the biggest challenges of the job?

Long hours and tight deadlines are the hardest parts for most people.

## Where is the office?

Our office is in Lyon, near the railway station.

## Can I bring my dog to work?

Pets are welcome on Fridays if they are calm and house-trained.

## When are salaries paid?

Everyone is paid on the last working day of the month.
"""


def cosine(a: str, b: str) -> float:
    va, vb = embed(a), embed(b)
    return float(va @ vb)


def test_the_shipped_table_fits_together():
    t = meaning.table()
    assert t.vectors.dtype == np.int8 and t.vectors.shape == (len(t.pieces), t.dims) and t.dims == 256
    assert len(t.scales) == len(t.ids) == len(t.pieces)
    assert np.all(t.pieces[1:] > t.pieces[:-1]), "pieces must be sorted for the binary search"


def test_words_of_the_same_sense_lie_closer_than_unrelated_ones():
    assert cosine("obstacles", "challenges") > cosine("obstacles", "banana") + 0.2
    assert cosine("salary", "wages") > cosine("salary", "volcano") + 0.2
    assert cosine("which city are you based in", "where is the office") > cosine(
        "which city are you based in", "when are salaries paid")


def test_common_words_weigh_less_than_rare_ones():
    t = meaning.table()
    assert np.linalg.norm(t.vector("the")) < 0.1 * np.linalg.norm(t.vector("volcano"))
    # The question's vector follows its rare words, not its function words.
    assert cosine("what is the volcano", "volcano") > 0.9


def test_tokens_fold_case_accents_and_underscores():
    assert tokens("Café DÉJÀ-vu snake_case") == ["cafe", "deja", "vu", "snake", "case"]
    assert tokens("x" * 41 + " ok") == ["ok"]
    assert tokens("¿¡ … !!") == []


def test_a_known_word_is_its_own_piece_and_an_unknown_one_is_split():
    t = meaning.table()
    piece = [bytes(t.pieces[i]).decode() for i in t.split("machine")]
    assert piece == ["machine"]
    parts = [bytes(t.pieces[i]).decode() for i in t.split("unaffordable")]
    assert len(parts) > 1 and "".join(p.removeprefix("##") for p in parts) == "unaffordable"
    assert all(p.startswith("##") for p in parts[1:]) and not parts[0].startswith("##")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("Ll", "Nd", "Lo")), min_size=1, max_size=25))
def test_binary_search_and_dict_split_words_alike(word):
    by_search = Table()
    by_dict = Table()
    by_dict.index_all()
    assert by_search.split(word) == by_dict.split(word)


def test_text_without_a_known_word_has_no_vector():
    assert embed("") is None and embed("?!") is None


@pytest.mark.parametrize("question, answer", [
    ("which city are you based in", "Lyon"),
    ("is there a train nearby", "Lyon"),
    ("can I take my pet along", "Pets are welcome"),
    ("when do I get my wages", "last working day"),
    ("what difficulties come with this position", "tight deadlines"),
])
def test_a_question_in_other_words_finds_its_answer(tmp_path, question, answer):
    p = tmp_path / "help.md"
    p.write_text(HELP)
    reply = mlbot.load([str(p)]).ask(question)
    assert answer in reply.results[0].entry.text


def test_the_vectors_are_stored_in_the_index_and_read_back(tmp_path):
    p = tmp_path / "help.md"
    p.write_text(HELP)
    kb = store.open_index([str(p)])
    assert kb.meaning is not None and kb.meaning.entries.shape == (kb.n_entries, 256)
    again = store.open_index([str(p)])   # from the cache this time
    assert again.location is not None
    assert np.array_equal(np.asarray(again.meaning.entries), np.asarray(kb.meaning.entries))
    assert np.allclose(np.linalg.norm(np.asarray(again.meaning.rows), axis=1), 1.0, atol=1e-4)


def test_a_collection_too_large_for_vectors_still_answers(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "SEMANTIC_MAX_ENTRIES", 2)
    p = tmp_path / "help.md"
    p.write_text(HELP)
    bot = mlbot.load([str(p)])
    assert bot.kb.meaning is None
    assert "Lyon" in bot.ask("where is the office").results[0].entry.text


@pytest.fixture()
def no_vectors(tmp_path, monkeypatch):
    monkeypatch.setattr(meaning, "VECTORS", tmp_path / "gone")
    meaning.table.cache_clear()
    meaning._word_vector.cache_clear()
    yield
    monkeypatch.undo()
    meaning.table.cache_clear()
    meaning._word_vector.cache_clear()


def test_without_the_word_vectors_mlbot_still_answers_and_says_why(tmp_path, no_vectors):
    p = tmp_path / "help.md"
    p.write_text(HELP)
    bot = mlbot.load([str(p)])
    assert bot.kb.meaning is None
    assert any("word vectors" in w and "reinstall" in w for w in bot.kb.warnings)
    assert "Lyon" in bot.ask("where is the office").results[0].entry.text
    assert bot.kb.location is None, "an index without the vectors must not be cached in place of one with them"


def test_the_cli_says_the_vectors_are_missing(tmp_path, monkeypatch, run_mlbot):
    import shutil
    from pathlib import Path
    broken = tmp_path / "pkg"
    shutil.copytree(Path(mlbot.__file__).parent, broken / "mlbot")
    (broken / "mlbot" / "vectors" / "vectors.npy").unlink()
    p = tmp_path / "help.md"
    p.write_text(HELP)
    monkeypatch.setenv("PYTHONPATH", str(broken))
    for _ in range(2):   # and again: nothing was cached without them
        r = run_mlbot("ask", "--docs", str(p), "where is the office")
        out, err = r.stdout.decode(), r.stderr.decode()
        assert r.returncode == 0 and "Lyon" in out
        assert "word vectors" in err and "reinstall" in err and "Traceback" not in err
        assert str(broken) in err   # the copy with the missing table ran, not the installed one


def test_info_says_whether_questions_in_other_words_are_matched(tmp_path, run_mlbot):
    import json
    p = tmp_path / "help.md"
    p.write_text(HELP)
    r = run_mlbot("info", "--docs", str(p))
    line = next(x for x in r.stdout.decode().splitlines() if x.startswith("meaning:"))
    assert r.returncode == 0 and "word vectors" in line
    d = json.loads(run_mlbot("info", "--docs", str(p), "--json").stdout)
    assert d["word_vectors"] is True


def test_a_tampered_vector_cache_is_rebuilt_not_trusted(tmp_path):
    p = tmp_path / "help.md"
    p.write_text(HELP)
    kb = store.open_index([str(p)])
    path = kb.location / "meaning.row_entry.npy"
    bad = np.full(len(kb.meaning.row_entry), 10**6, np.int32)   # same size on disk, entries that do not exist
    np.save(path, bad, allow_pickle=False)
    warned = []
    again = store.open_index([str(p)], warn=warned.append)
    assert any("damaged" in w and "meaning" in w for w in warned)
    assert int(np.asarray(again.meaning.row_entry).max()) < again.n_entries
    assert "Lyon" in mlbot.load([str(p)]).ask("which city are you based in").results[0].entry.text


def test_the_sentence_model_reads_an_entry_without_its_fenced_code():
    from mlbot.rows import meaning_texts
    docs = ["Install it from PyPI:\n\n```python\npip install tool\nimport tool\n```\n\nThen run it.",
            "```\ncode alone\n```", "~~~\nx\n~~~", "No code here."]
    assert meaning_texts(docs) == ["Install it from PyPI:\n\n\nThen run it.", "```\ncode alone\n```", "~~~\nx\n~~~",
                                   "No code here."]   # an entry of code alone is read as it is
