"""What keeps an index's size and build time in proportion to the text: documents full of codes or hashes have
millions of distinct character n-grams, which no space should hold in full."""
from __future__ import annotations

import random

import numpy as np

import mlbot
from mlbot import index, store


def codes(n_paragraphs: int, per: int = 30, seed: int = 1) -> str:
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "\n\n".join(" ".join("".join(rng.choices(alphabet, k=rng.randint(6, 12))) for _ in range(per))
                       for _ in range(n_paragraphs))


def test_a_collection_of_codes_gets_no_whole_text_character_fields(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "TEXT_BUDGET_TERMS", 1_000)
    p = tmp_path / "codes.md"
    text = codes(100)
    p.write_text(text)
    bot = mlbot.load([str(p)])
    kb = bot.kb
    assert len(kb.spaces["word"].vocab) > 1_000
    assert "doc_char" not in kb.fields and "doc_bigram" not in kb.fields and not kb.semantic and kb.meaning is None
    code = text.split("\n\n")[42].split()[7]
    assert code in bot.ask(code).results[0].entry.text   # still found by its word


def test_the_latent_space_keeps_the_most_widespread_terms_up_to_a_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(index, "LSA_MAX_TERMS", 300)
    p = tmp_path / "codes.md"
    paragraphs = [f"Topic {i % 20} notes: the pump, the valve and the filter of line {i % 20}. " + c
                  for i, c in enumerate(codes(60, per=8).split("\n\n"))]
    p.write_text("\n\n".join(paragraphs))
    kb = store.open_index([str(p)])
    sem = kb.semantic["char"]
    df = np.diff(kb.fields["doc_char"].indptr)
    assert len(sem.term_ids) == 300 < len(df)
    kept = np.zeros(len(df), bool)
    kept[np.asarray(sem.term_ids)] = True
    assert df[kept].min() >= df[~kept].max()   # none left out is in more entries than one kept
    assert np.all(np.diff(np.asarray(sem.term_ids)) > 0)
    again = store.open_index([str(p)])   # read back from the cache
    assert np.array_equal(np.asarray(again.semantic["char"].term_ids), np.asarray(sem.term_ids))
    assert mlbot.load([str(p)]).ask("pump valve filter line 7").results
