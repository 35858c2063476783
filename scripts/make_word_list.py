"""Make src/mlbot/words/english.npy: the English words mlbot never reads as a misspelling (spelling.py).

usage: python scripts/make_word_list.py

Needs the PyPI package pyspellchecker (MIT) in the Python that runs it; mlbot itself never does. Its English word
frequency list (made from OpenSubtitles, cleaned by its author) gives the words: those of plain letters a-z, from
3 to MAX_LENGTH letters (the halves of a compound such as "skillset" are short), without their counts, sorted as
UTF-8 so a word is found by binary search in the memory-mapped array. The list's licence is in
src/mlbot/words/NOTICE.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "mlbot" / "words" / "english.npy"
MIN_LENGTH = 3
MAX_LENGTH = 20   # longer words are never typed wrong in a way a single edit mends, and would widen every row


def main() -> None:
    try:
        import spellchecker
    except ImportError as e:
        sys.exit(f"needs pyspellchecker: {e}")
    path = Path(spellchecker.__file__).parent / "resources" / "en.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        counts = json.load(f)
    words = sorted(w for w in counts if w.isascii() and w.isalpha() and w.islower()
                   and MIN_LENGTH <= len(w) <= MAX_LENGTH)
    np.save(OUT, np.array([w.encode() for w in words], dtype=f"S{MAX_LENGTH}"), allow_pickle=False)
    print(f"{len(words)} words -> {OUT} ({OUT.stat().st_size // 1024} KB), from pyspellchecker "
          f"{getattr(spellchecker, '__version__', '?')}")


if __name__ == "__main__":
    main()
