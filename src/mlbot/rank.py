"""Query terms -> scored entries: several fields fused into one score, and a confidence.

An entry's score is a weighted sum of how well the question matches it in each field (WEIGHTS): its question
phrasings (the best one counts), its answer text and the whole entry, each read through three analyzers (stemmed
words with synonyms, word bigrams, character n-grams), plus, on collections small enough to have them, a latent
semantic space and static word vectors (meaning.py) that match words of the same sense. On collections the sentence
model can read (sentence.py), a second set of weights (SENSE_WEIGHTS) adds its cosines; it is used only when the
first set is not sure of its answer, and has its own confidence curve. Only the postings of the
question's own terms are read; on a large collection the long postings of common words are read only for entries
that can still reach the top (MaxScore, Turtle & Flood 1995).

Confidence (0-100) maps the score, the lead over the runner-up and the share of the question the documents'
vocabulary covers through a logistic curve fitted on the benchmarks: the estimated chance the top answer is right.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, replace

import numpy as np

from .analyze import content_words, words
from .index import Field, Semantic
from .store import KnowledgeBase

WEIGHTS = {f"{kind}_{space}": 0.0 for space in ("word", "bigram", "char")
           for kind in ("question", "joined", "text", "doc", "cover")}
WEIGHTS["semantic_char"] = 0.0
WEIGHTS.update({"meaning_doc": 0.0, "meaning_question": 0.0, "sense_doc": 0.0, "sense_question": 0.0,
                "sense_piece": 0.0})
# Fitted by scripts/tune_quality.py --learn on the tuning halves of StackFAQ (counted twice: its long
# rephrasings gain most from the question and spelling fields), Banking77 and the article's development set.
WEIGHTS.update({
    "question_word": 0.108, "text_word": 0.01, "doc_word": 0.119, "text_bigram": 0.01, "doc_bigram": 0.059,
    "question_char": 0.157, "text_char": 0.006, "doc_char": 0.009, "semantic_char": 0.069, "meaning_doc": 0.25,
    "meaning_question": 0.203,
})
# Logistic fit of "the top answer is right" on (score, margin over the runner-up, coverage, log entries), shifted
# so that a confidence of 70 or more is right at least 96.5% of the time on every tuning half, for the 95%
# promised on new questions: scripts/tune_quality.py --fit.
MIN_COVERAGE = 0.3
CALIBRATION = (-7.623, 8.947, 7.961, 2.002, -0.377)
# The weights and curve above serve indexes without the sentence model (sentence.py: past store.SENSE_MAX_PIECES);
# these, fitted the same way (scripts/tune_quality.py --learn --fit), serve those with it. The article's set
# counts three times here: with the sentence model in the mix, it is the collection that lexical fields still
# decide, and the one mlbot ships with.
# They were learned before FAQ questions were read under their headings (rows.in_context). Learned again after,
# they fitted the development set better and the blind set (scripts/fresh/article-blind.jsonl) worse, 31 of 38 right
# against 37: these were kept, and only the curve refitted.
SENSE_WEIGHTS = dict.fromkeys(WEIGHTS, 0.0)
SENSE_WEIGHTS.update({
    "text_word": 0.006, "doc_word": 0.072, "text_bigram": 0.026, "doc_bigram": 0.004, "question_char": 0.122,
    "sense_doc": 0.499, "sense_question": 0.27,
})
# The entry's best piece by the sentence model: the whole entry, a question phrasing or one sentence of its text
# (rows.sentences), whichever the question is closest to. A paragraph's sentence about the one thing asked stands
# out from its neighbours under the same heading, whose whole texts the model reads as alike. Added on its own, not
# learned with the rest (docs/benchmarks.md, "The best sentence"): over 875 labelled prose, shapes and article
# questions top-1 612 -> 619, and answered right at the default threshold 435 -> 455 (wrong 19 -> 18, unanswerable
# answered 16 -> 17). At 0.5 the article's unanswerable questions were refused less (its best sentence names
# "FrenchML conferences"), at the same top-1.
SENSE_WEIGHTS["sense_piece"] = 0.25
# Refitted with it: scripts/tune_quality.py --fit (shift 1.30).
SENSE_CALIBRATION = (-8.544, 8.887, 16.718, 1.699, -0.089)


# The sentence model costs about 10 ms a question (and 30 ms more to load, once a process): where the other fields
# alone give the top answer this confidence, and lead the runner-up clearly, their answer stands without it. At 90
# or more they were right 99-100% of the time on the held-out halves (docs/benchmarks.md), as the full ranking was.
SURE_WITHOUT_SENSE = 90.0
CLEAR_LEAD = 0.05   # the share of its score by which a top answer must lead (bot.AMBIGUITY_MARGIN)


def settings(by_sense: bool) -> tuple[dict[str, float], tuple[float, ...], bool]:
    """Return the field weights, the confidence curve and whether low coverage caps confidence (MIN_COVERAGE), for a
    ranking with the sentence model or without."""
    return (SENSE_WEIGHTS, SENSE_CALIBRATION, False) if by_sense else (WEIGHTS, CALIBRATION, True)


def settings_id() -> str:
    """Return a fingerprint of both sets of weights and confidence curves. An index keeps what was measured with them
    (its score scales, a threshold derived from its alternate questions): one built with others is rebuilt
    (store.index_format)."""
    text = repr((sorted(WEIGHTS.items()), CALIBRATION, MIN_COVERAGE, sorted(SENSE_WEIGHTS.items()), SENSE_CALIBRATION))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Ranked:
    """One entry's place in the ranking for a question."""

    index: int
    score: float


@dataclass(frozen=True)
class Ranking:
    """The ranked entries for one question, best first, and how much of the question the index knew."""

    items: list[Ranked]
    coverage: float
    by_sense: bool = False   # ranked with the sentence model's fields (SENSE_WEIGHTS), or without (WEIGHTS)
    read_as: str | None = None   # the question as ranked, when misspelt words were read as the documents' (spelling.py)


@dataclass
class _Plan:
    """The weighted fields of one knowledge base, merged so each posting list is read once per question."""

    entry_fields: list[tuple[Field, float, float]]   # rows are entries: (field, score weight, cover weight)
    row_fields: list[tuple[Field, float]]             # rows are phrasings: an entry scores as its best one
    semantic: list[tuple[Semantic, float]]
    meaning: tuple[float, ...]                        # weights of the word-vector cosines: whole entry, question
    sense: tuple[float, ...]                          # the same for the sentence model's cosines, and best piece


# Past this many postings a term is read only for entries that can still reach the top.
LONG_POSTING = 4096
# A term is looked up candidate by candidate only while that is this many times cheaper than a full read.
CANDIDATE_FACTOR = 16
# Scores add up in float32 and bounds in float64: an entry that ties the k-th best must not be pruned by rounding.
_SLACK = 1e-5


def _plan(kb: KnowledgeBase, weights: dict[str, float]) -> _Plan:
    key = ("plan", tuple(weights.items()))   # the weights may be changed (scripts/tune_quality.py)
    plan = kb.derived.get(key)
    if plan is not None:
        return plan
    entry: dict[str, list] = {}
    rows: dict[str, list] = {}
    semantic = []
    meaning = (weights["meaning_doc"], weights["meaning_question"]) if kb.meaning is not None else (0.0, 0.0)
    sense = (weights["sense_doc"], weights["sense_question"], weights["sense_piece"]) if kb.sense is not None \
        else (0.0, 0.0, 0.0)
    for name, weight in weights.items():
        if name.startswith(("meaning_", "sense_")):
            continue
        f = _field(kb, name)
        if f is None or not weight or not len(kb.spaces[f.space].vocab):
            continue
        if isinstance(f, Semantic):
            semantic.append((f, weight))
        elif f.name.startswith(("question_", "joined_")):
            rows.setdefault(f.name, [f, 0.0])[1] += weight
        else:
            slot = entry.setdefault(f.name, [f, 0.0, 0.0])
            slot[2 if name.startswith("cover_") else 1] += weight
    plan = _Plan([tuple(v) for v in entry.values()], [tuple(v) for v in rows.values()], semantic, meaning, sense)
    kb.derived[key] = plan
    return plan


def rank(kb: KnowledgeBase, question: str, top_k: int = 10) -> Ranking:
    """Return the top_k entries for question, best first: by every field but the sentence model's when they are
    sure on their own (SURE_WITHOUT_SENSE), else, on an index that has it, with the sentence model too. Misspelt
    words are read as the documents spell them first (spelling.py)."""
    spelled = spell(kb, question)
    read_as = spelled if spelled != question else None
    read = _read(kb, spelled)   # the question's vectors and coverage serve both rankings
    ranking = rank_by(kb, spelled, top_k if kb.sense is None else max(top_k, 2), by_sense=False, read=read)
    items = ranking.items   # two at least: the lead over the runner-up is part of being sure
    if kb.sense is not None and not (items and items[0].score > 0 and _sure(kb, items, ranking.coverage)):
        ranking = rank_by(kb, spelled, top_k, by_sense=True, read=read)
    return replace(ranking, items=ranking.items[:top_k], read_as=read_as)


def _sure(kb: KnowledgeBase, items: list[Ranked], coverage: float) -> bool:
    """True when the other fields' top answer leads clearly with a confidence of SURE_WITHOUT_SENSE or more."""
    lead = items[0].score - (items[1].score if len(items) > 1 else 0.0)
    return lead >= CLEAR_LEAD * items[0].score and answer_confidence(
        kb, items[0].score, lead, coverage, by_sense=False) >= SURE_WITHOUT_SENSE


def spell(kb: KnowledgeBase, question: str) -> str:
    """Return question with its misspelt words read as the documents' words (spelling.py); as it is on an index
    without the documents' words."""
    if kb.spelling is None or "word" not in kb.spaces:
        return question
    space = kb.spaces["word"]
    return kb.spelling.correct(question, lambda t: bool(space.lookup([t])[0] >= 0))


def _read(kb: KnowledgeBase, question: str) -> tuple[dict, float]:
    """Return the question as each space weighs it, and the share of it the documents' vocabulary covers."""
    ws = words(question)
    vectors = {name: space.vector(question, ws) for name, space in kb.spaces.items() if len(space.vocab)}
    return vectors, kb.spaces["word"].coverage(content_words(ws)) if "word" in kb.spaces else 0.0


def rank_by(kb: KnowledgeBase, question: str, top_k: int = 10, by_sense: bool = False,
            read: tuple[dict, float] | None = None) -> Ranking:
    """Return the top_k entries for question, best first, ranked with the sentence model's fields or without
    (`read`: _read(kb, question), when already made)."""
    weights = settings(by_sense and kb.sense is not None)[0]
    vectors, coverage = read or _read(kb, question)
    plan = _plan(kb, weights)
    n = kb.n_entries
    acc = np.zeros(n, np.float32)
    touched = np.zeros(n, bool)
    for f, weight in plan.row_fields:
        ents, vals = f.entry_scores(vectors[f.space])
        acc[ents] += weight * vals
        touched[ents] = True
    for sem, weight in plan.semantic:
        ents, vals = sem.entry_scores(vectors[sem.space])
        acc[ents] += weight * vals
        touched[ents] = True
    for vecs, ws in ((kb.meaning, plan.meaning), (kb.sense, plan.sense)):
        sims = vecs.scores(question) if any(ws) else None
        if sims is not None:
            gain = sum(np.float32(w) * s for w, s in zip(ws, sims) if w)
            acc += gain
            touched |= gain > 0
    # Every (term, field) of the entry fields, with the affine map of its postings and the most it can add.
    terms = []
    for f, w_score, w_cover in plan.entry_fields:
        qv = vectors[f.space]
        total = float(qv.weights.sum()) or 1.0
        for c, qw in zip(qv.cols.tolist(), qv.weights.tolist()):
            a, b = int(f.indptr[c]), int(f.indptr[c + 1])
            if a < b:
                mul, add = w_score * qw, w_cover * qw / total
                terms.append((b - a, a, b, f, mul, add, mul * float(f.maxw[c]) + add))
    terms.sort(key=lambda t: t[0])
    remaining = sum(t[6] for t in terms)
    candidates = None
    for length, a, b, f, mul, add, bound in terms:
        if candidates is None and length > LONG_POSTING:
            # Could an entry this term has not reached yet still enter the top k? Only if the bounds of all the
            # terms left add up to more than the k-th best score so far.
            seen = np.flatnonzero(touched)
            if len(seen) >= top_k:
                kth = np.partition(acc[seen], -top_k)[-top_k]
                if remaining < kth:
                    candidates = seen[acc[seen] + remaining >= kth - _SLACK * kth]
        idx = f.indices[a:b]
        if candidates is None or len(candidates) * CANDIDATE_FACTOR > length:
            # Reading the whole posting list is cheaper than looking the candidates up in it. Once there are
            # candidates, only their scores are read at the end: the others may gain too, unfiltered.
            gain = f.data[a:b] * np.float32(mul)
            if add:
                gain += np.float32(add)
            acc[idx] += gain
            if candidates is None:
                touched[idx] = True
        elif len(candidates):
            pos = np.searchsorted(idx, candidates)
            pos[pos >= length] = length - 1
            hit = idx[pos] == candidates
            acc[candidates[hit]] += f.data[a + pos[hit]] * np.float32(mul) + np.float32(add)
        remaining -= bound
        if candidates is not None and len(candidates) > top_k * CANDIDATE_FACTOR:
            # With less left to add, fewer candidates can still reach the top: every lookup after this is cheaper.
            sc = acc[candidates]
            kth = np.partition(sc, -top_k)[-top_k]
            candidates = candidates[sc + remaining >= kth - _SLACK * kth]
    cand = np.flatnonzero(touched) if candidates is None else candidates
    if not len(cand):
        return Ranking([], coverage, weights is SENSE_WEIGHTS)
    scores = acc[cand]
    k = min(top_k, len(cand))
    top = np.argpartition(-scores, k - 1)[:k] if k < len(cand) else np.arange(len(cand))
    top = top[np.lexsort((cand[top], -scores[top]))]
    return Ranking([Ranked(int(cand[i]), float(scores[i])) for i in top], coverage, weights is SENSE_WEIGHTS)


def _field(kb: KnowledgeBase, name: str):
    if name.startswith("meaning_"):
        return kb.meaning
    if name.startswith("sense_"):
        return kb.sense
    if name.startswith("semantic_"):
        return kb.semantic.get(name[len("semantic_"):])
    # Fields not stored because they equal another: joined = question rows when no entry has alternate
    # questions; text = doc rows when no entry has a question.
    # "cover" is a reading of the doc rows: the share of the question's weight an entry contains.
    return kb.fields.get(name) or kb.fields.get(
        name.replace("joined_", "question_").replace("text_", "doc_").replace("cover_", "doc_"))


def score_scale(kb: KnowledgeBase, probes: int = 0, by_sense: bool = False) -> float:
    """Return the median score of the knowledge base's own questions (or first sentences) asked of it.

    Scores grow with a collection's size and wording; dividing by this makes a score mean the same in a 7-entry
    article as in a 100,000-entry handbook, with no labelled questions needed.
    """
    n = kb.n_entries
    probes = probes or (200 if n <= 20_000 else 60)   # a median settles with fewer probes; big ones cost more
    picks = sorted({int(i) for i in np.linspace(0, n - 1, min(n, probes))}) if n else []
    scores = []
    asked = []
    for i in picks:
        e = kb.entry(i)
        asked.append(e.questions[0] if e.questions else probe_of(e.text))
    if by_sense:
        from .sentence import prime
        prime(asked)   # in batches, several times faster than one by one; free for the texts the build has read
    for probe in asked:
        r = rank_by(kb, probe, 1, by_sense)
        if r.items:
            scores.append(r.items[0].score)
    return float(np.median(scores)) if scores else 1.0


# A paragraph is probed by its opening, as a question about it would be worded: its first sentences, list markers
# off, up to this many words. Cut at its first ". ", a numbered step was probed by "1" and a recipe's "Serves six"
# by two words, whose low scores made the median (the scale) low and every answer in such a document look sure.
PROBE_WORDS = 8
_MARKER = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d{1,3}[.)]|#+|>)[ \t]+", re.MULTILINE)
_SENTENCE_END = re.compile(r"\.\s+|(?<=[!?])\s+|\n+")   # a full stop goes with the cut, as it always did


def probe_of(text: str) -> str:
    """Return the opening of a paragraph as score_scale asks it: whole sentences, list markers off, until it holds
    PROBE_WORDS words (or the paragraph ends), at most 300 characters."""
    out: list[str] = []
    n = 0
    for sentence in _SENTENCE_END.split(_MARKER.sub("", text[:2000])):
        if sentence.strip():
            out.append(sentence.strip())
            n += len(sentence.split())
            if n >= PROBE_WORDS:
                break
    return " ".join(out)[:300] or text[:300]


def confidence(score: float, margin: float, coverage: float, scale: float = 1.0, n_entries: int = 100,
               calibration: tuple[float, ...] = CALIBRATION, floor_coverage: bool = True) -> float:
    """Return 0-100: how likely an answer is the right one, from its score and its lead over the best other answer
    (negative for an answer that is not first), both relative to the collection's score scale, how much of the
    question the documents' vocabulary covers, and how many entries there were to choose from."""
    b0, b1, b2, b3, b4 = calibration
    scale = scale if scale > 0 else 1.0
    z = b0 + b1 * score / scale + b2 * margin / scale + b3 * coverage + b4 * math.log(max(n_entries, 1))
    # A question most of whose words the documents never use is about something else, however well its one
    # known word matches: below 30% coverage almost no top answer was right on the benchmarks
    # (scripts/tune_quality.py), so confidence falls with coverage there. Not so for the sentence model, which
    # reads a question in wholly other words ("can my cat come with me" for "Pets are welcome") for what it means.
    # On the tuning halves dropping the rule for the sentence model's rankings changed nothing (docs/benchmarks.md).
    floor = min(1.0, coverage / MIN_COVERAGE) if floor_coverage else 1.0
    return 100.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0))) * floor


def answer_confidence(kb: KnowledgeBase, score: float, margin: float, coverage: float, by_sense: bool = False) -> float:
    """Return confidence() for an answer in kb, read against kb's own score scale and size, for a ranking made
    with the sentence model or without (Ranking.by_sense)."""
    scale = kb.meta.get("scale_sense" if by_sense else "scale", 1.0)
    return confidence(score, margin, coverage, scale, kb.n_entries, *settings(by_sense)[1:])


def words_matched(kb: KnowledgeBase, question: str, index: int) -> frozenset[str]:
    """Return the question's content words (stemmed, stop words out) that entry `index` holds anywhere: its
    questions, headings or text."""
    f = _field(kb, "doc_word")
    if f is None or "word" not in kb.spaces:
        return frozenset()
    terms = sorted(set(content_words(words(question))))
    out = set()
    for term, c in zip(terms, kb.spaces["word"].lookup(terms).tolist()):
        if c >= 0:
            posting = np.asarray(f.indices[int(f.indptr[c]):int(f.indptr[c + 1])])
            p = int(np.searchsorted(posting, index))
            if p < len(posting) and posting[p] == index:   # the doc rows are the entries, in order
                out.add(term)
    return frozenset(out)


def term_rarity(kb: KnowledgeBase, question: str) -> dict[str, float]:
    """Return each of the question's content words (stemmed, stop words out) that the documents use, with its idf
    in the word space: how much a sentence holding it says about the question (bot.highlight)."""
    space = kb.spaces.get("word")
    if space is None:
        return {}
    terms = sorted(set(content_words(words(question))))
    return {term: float(space.idf[c]) for term, c in zip(terms, space.lookup(terms).tolist()) if c >= 0}


MEANING_TERM = "(whole question)"   # what word vectors match: not one term
SHOWN_POINTS = 0.0005                 # points below this print as +0.000 (render.plain_explanation)


@dataclass(frozen=True)
class Contribution:
    """One matched term's part in an entry's score: the field it matched in and the points it added."""

    field: str
    term: str
    points: float


def explain_match(kb: KnowledgeBase, question: str, index: int, limit: int = 12,
                  by_sense: bool = False) -> list[Contribution]:
    """Return the terms of question that matched entry `index`, with the points each added, largest first, by the
    weights of a ranking with the sentence model or without (Ranking.by_sense)."""
    out: list[Contribution] = []
    weights = settings(by_sense and kb.sense is not None)[0]
    for name, weight in weights.items():
        f = _field(kb, name)
        if f is None or not weight or not isinstance(f, Field) or name.startswith("cover_"):
            continue
        space = kb.spaces[f.space]
        qv = space.vector(question)
        rows = np.flatnonzero(np.asarray(f.row_entry) == index)
        if not len(rows):
            continue
        per_row = {int(r): [] for r in rows}
        for c, w in zip(qv.cols.tolist(), qv.weights.tolist()):
            a, b = int(f.indptr[c]), int(f.indptr[c + 1])
            posting = np.asarray(f.indices[a:b])
            pos = np.searchsorted(posting, rows)
            for r, p in zip(rows.tolist(), pos.tolist()):
                if p < len(posting) and posting[p] == r:
                    per_row[r].append((bytes(space.vocab[c]).decode("utf-8"), weight * w * float(f.data[a + p])))
        best = max(per_row.values(), key=lambda terms: sum(p for _, p in terms))
        out.extend(Contribution(name, t, p) for t, p in best)
    for kind, vecs in (("meaning", kb.meaning), ("sense", kb.sense)):
        sims = vecs.scores(question) if vecs is not None else None
        if sims is not None:
            for name, vals in zip((f"{kind}_doc", f"{kind}_question", f"{kind}_piece"), sims):
                if weights[name] and vals[index] > 0:
                    out.append(Contribution(name, MEANING_TERM, weights[name] * float(vals[index])))
    # A term worth less than the 0.001 shown (a character n-gram such as 'nce' of "conference") explains nothing.
    out = [c for c in out if c.points >= SHOWN_POINTS]
    out.sort(key=lambda c: -c.points)
    return out[:limit]
