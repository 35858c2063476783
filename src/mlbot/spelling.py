"""A question's misspelt words, read as the documents spell them: "can i sell my tiket" is ranked as "ticket".

Only a word the documents never use as written, and that is not an English word (words/english.npy: 127,818 words of
three letters or more; "latex" stays "latex" beside "later", "despise" beside "despite"; so does "skillset", two
words), is corrected. It becomes the documents' word one edit away (an insertion, deletion, substitution or swap of
two neighbours), or two for a word of 8 letters or more, that starts with the same letter: typos seldom change the
first one. Of several as close, the most frequent; never a stop word or a word shorter than the ones mended ("noone"
is not "none"). A typo whose stem is already one of the documents' ("enginers") becomes a word of that stem only.
A word of four letters has too many neighbours one edit away to guess from, save one kind: two neighbouring letters
swapped, the commonest typo ("wrok" -> "work", "tiem" -> "time"); only that mends it, to a word of four letters.
Words of other alphabets are left as they are.

The sentence model reads words in pieces it learned from correct spelling, so "tiket" meant nothing to it; the
character n-grams and the stemmer already matched many typos, the sentence model did not. Measured in
docs/benchmarks.md ("Misspelt words").
"""
from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .analyze import STOP_WORDS, word_term
from .index import lookup

MIN_LENGTH = 5          # shorter words are left alone: "teh" has too many neighbours to guess from
SWAP_LENGTH = 4         # ...but for four letters, mended only by two neighbouring letters swapped ("wrok")
LONG = 8                # from this length on, two edits
MAX_WORDS = 100_000     # the documents' most frequent words kept; a rarer one is still known by its stem
MAX_MENDED = 8          # unknown words of one question looked at: a page of gibberish must not take seconds
ENGLISH = Path(__file__).resolve().parent / "words" / "english.npy"   # made by scripts/make_word_list.py
ARRAYS = ("words", "counts")
_WORD = re.compile(r"[A-Za-z]+")
# Inflections the word list may lack, and "nt" of a contraction written without its apostrophe ("doesnt").
_SUFFIXES = ("s", "es", "d", "ed", "r", "er", "ing", "ly", "nt")


@dataclass
class Speller:
    """The documents' words (sorted, UTF-8) and how often each occurs."""

    words: np.ndarray    # dtype S, sorted
    counts: np.ndarray   # int32

    def correct(self, question: str, known_term) -> str:
        """Return question with each misspelt word replaced by the documents' closest one (lowercased). known_term(t)
        says whether the index knows an analyzed term (a stem, or the word a synonym stands for)."""
        found = [m for m in _WORD.finditer(question) if len(m.group()) >= SWAP_LENGTH
                 and question[m.end():m.end() + 1] not in ("'", "’")]   # "couldn" of "couldn't" is no typo
        if not found:
            return question
        low = [m.group().lower() for m in found]
        absent = lookup(self.words, low) < 0
        out, last, tried = [], 0, 0
        for m, w, missing in zip(found, low, absent.tolist()):
            if not missing or _english(w) or (len(w) >= LONG and _compound(w)):
                continue
            tried += 1
            if tried > MAX_MENDED:
                break
            # A typo the stemmer already reads as the documents' word ("enginers", "remotly") still means nothing to
            # the sentence model: it becomes a word of the same stem, and only that.
            terms = word_term(w)
            fix = self._closest(w, terms if any(known_term(t) for t in terms) else None)
            if fix:
                out += [question[last:m.start()], fix]
                last = m.end()
        return "".join(out) + question[last:] if out else question

    def _closest(self, w: str, terms: tuple[str, ...] | None = None) -> str | None:
        """Return the documents' word closest to w (see the module's docstring), or None; one whose analyzed terms
        are `terms`, when given."""
        def fits(x: str) -> bool:
            return x not in STOP_WORDS and (terms is None or word_term(x) == terms)

        near = [x for x in (_edits(w) if len(w) >= MIN_LENGTH else _swaps(w)) if x != w]
        cols = lookup(self.words, near)
        hits = [(int(self.counts[c]), x) for x, c in zip(near, cols.tolist())
                if c >= 0 and len(x) >= min(len(w), MIN_LENGTH) and fits(x)]
        if hits:
            return max(hits)[1]
        if len(w) < LONG:
            return None
        # Two edits: the words that start with the same letter and are at most two letters longer or shorter.
        first = w[0].encode()
        a, b = (int(x) for x in np.searchsorted(self.words, [first, first + b"\xff"]))
        near = np.flatnonzero(np.abs(np.char.str_len(self.words[a:b]) - len(w)) <= 2)
        if len(near):
            # Two edits change at most four letters of a word's bag of letters: a cheap test that leaves few to measure.
            letters = np.frombuffer(np.ascontiguousarray(self.words[a:b][near]).tobytes(), np.uint8)
            letters = letters.reshape(len(near), -1)
            bags = np.stack([(letters == c).sum(axis=1) for c in range(97, 123)], axis=1)
            mine = np.array([w.count(chr(c)) for c in range(97, 123)])
            near = near[np.abs(bags - mine).sum(axis=1) <= 4]
        candidates = [(i, bytes(self.words[i]).decode("utf-8", "replace")) for i in (a + near).tolist()]
        scored = [(_distance(w, x, 2), -int(self.counts[i]), x) for i, x in candidates if fits(x)]
        best = min((s for s in scored if s[0] <= 2), default=None)   # closest, then most frequent
        return best[2] if best else None


def build_speller(word_lists: list[list[str]]) -> Speller | None:
    """Return the Speller of the documents' words (analyze.words of each entry) of SWAP_LENGTH letters or more, the
    only ones a word is mended to; None when there are none."""
    counts = Counter(w for ws in word_lists for w in ws if w.isascii() and w.isalpha() and len(w) >= SWAP_LENGTH)
    if not counts:
        return None
    kept = sorted(w for w, _ in counts.most_common(MAX_WORDS))
    return Speller(np.array([w.encode() for w in kept], dtype="S"),
                   np.array([counts[w] for w in kept], dtype=np.int32))


@lru_cache(maxsize=1)
def _english_words() -> np.ndarray:
    """Return the English words, memory-mapped (none when this installation has lost the file)."""
    try:
        words = np.load(ENGLISH, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return np.empty(0, "S1")
    return words if words.dtype.kind == "S" and words.ndim == 1 else np.empty(0, "S1")


def _english(w: str) -> bool:
    """True when w, or w without a common ending ("tuners"), is an English word."""
    candidates = [w] + [w[:-len(s)] for s in _SUFFIXES if w.endswith(s) and len(w) - len(s) >= 3]
    return bool((lookup(_english_words(), candidates) >= 0).any())


def _compound(w: str) -> bool:
    """True when w is two English words of three letters or more ("skillset", not a typo of "skilled")."""
    halves = [(w[:i], w[i:]) for i in range(3, len(w) - 2)]
    found = lookup(_english_words(), [h for pair in halves for h in pair]) >= 0
    return bool((found[0::2] & found[1::2]).any())


def _edits(w: str) -> list[str]:
    """Return the words one edit from w that keep its first letter."""
    letters = string.ascii_lowercase
    head, out = w[0], []
    tail = w[1:]
    for i in range(len(tail) + 1):
        left, right = tail[:i], tail[i:]
        out += [head + left + c + right for c in letters]                      # insert
        if right:
            out.append(head + left + right[1:])                                 # delete
            out += [head + left + c + right[1:] for c in letters if c != right[0]]   # substitute
        if len(right) > 1:
            out.append(head + left + right[1] + right[0] + right[2:])           # swap neighbours
    return out


def _swaps(w: str) -> list[str]:
    """Return the words w makes with two neighbouring letters swapped, its first letter kept."""
    return [w[:i] + w[i + 1] + w[i] + w[i + 2:] for i in range(1, len(w) - 1)]


def _distance(a: str, b: str, cap: int) -> int:
    """Return the edit distance of a and b (swaps of neighbours count one), or cap + 1 once it must exceed cap."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    before, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if before is not None and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], before[j - 2] + 1)
        if min(cur) > cap:
            return cap + 1
        before, prev = prev, cur
    return prev[-1]
