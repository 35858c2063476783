"""Text -> terms: the one analyzer shared by building the index (through scikit-learn) and answering from it.

Both sides must call exactly these functions, or query vectors drift from the vectors the index was built with
(tests/test_index.py holds them equal to scikit-learn's `transform`).
"""
from __future__ import annotations

import re
import unicodedata

import Stemmer

from .synonyms import CANONICAL, PHRASES

# Where one sentence of a text ends and the next begins: a full stop, "!" or "?" then a capital, a digit or a quote,
# or a line break. The highlight (bot.highlight) and the sentence model's pieces (rows.sentences) split alike.
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“(])|\n+")

# The few words that carry no meaning in any question (Lucene's English list). Questions keep "how", "what",
# "my", "can": in short FAQ questions they are much of what there is to match.
COMMON_WORDS = frozenset("""
a an and are as at be but by for if in into is it no not of on or such that the their then there these they this
to was will with s t
""".split())

# Function words only, for the content analyzer. scikit-learn's list also drops words such as "amount", "bill",
# "call", "find", "interest" and "system", which carry the meaning of many FAQ questions.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren arent as at be because been before being below
between both but by can cannot could couldn did didn didnt do does doesn doesnt doing don dont down during each either
else ever few for from further get gets got had hadn has hasn hasnt have haven havent having he her here hers herself
him himself his how however i if in into is isn isnt it its itself just let lets me might more most much must mustn my
myself neither no nor not now of off on once one only or other ought our ours ourselves out over own per please
quite rather really same shall shan she should shouldn so some such than that thats the their theirs them themselves
then there these they this those through thus to too under until up upon us very via was wasn we were weren what
whats when where which while who whom whose why will with within without won would wouldn yet you your yours
yourself yourselves s t d ll m re ve y
""".split())

# Abbreviations read as the words they stand for, so "ML" meets "machine learning" in the documents.
ABBREVIATIONS = {
    "ml": "machine learning",
    "ai": "artificial intelligence",
    "nlp": "natural language processing",
    "cv": "computer vision",
    "ds": "data science",
    "faq": "frequently asked questions",
    "pw": "password",
    "pwd": "password",
    "acct": "account",
    "info": "information",
    "app": "application",
    "msg": "message",
    "txn": "transaction",
    "atm": "cash machine",
}

# "wfh" is not among them: the synonyms read it as "remote", as they read "work from home" (synonyms.py).
# The sentence model's vocabulary splits these into pieces that mean nothing ("wfh": "w", "##f", "##h"), so a
# question is read by it with them spelled out (sentence.embed_question); "ml", "ai" or "atm" it knows as words.
SPELLED_OUT = {k: ABBREVIATIONS[k] for k in ("nlp", "faq", "pw", "pwd", "acct", "msg", "txn")}
SPELLED_OUT["wfh"] = "work from home"
_SPELLED = re.compile(r"\b(?:" + "|".join(SPELLED_OUT) + r")\b", re.IGNORECASE)

_ABBREVIATED = frozenset(ABBREVIATIONS)
_EXPANDED = {k: tuple(v.split()) for k, v in ABBREVIATIONS.items()}
MAX_TOKEN = 40
# A word: a run of letters and digits. Before the words are found, the part after an apostrophe goes ("don't" is
# "don", "it's" is "it") and so does a run longer than MAX_TOKEN (no word anyone asks about), each by one regex
# over the whole text and only when the text has one: no Python runs per word.
_TOKEN = re.compile(r"[^\W_]+")
_APOSTROPHE_TAIL = re.compile(r"(?<=[^\W_])['’][^\W_]+")
_OVERLONG = re.compile(r"[^\W_]{41,}")   # 41: MAX_TOKEN + 1
SEPARATOR = "QQTEXTQQ"   # between texts in words_many: upper case, so no lowercased text holds it
_SEPARATOR_LOW = "qq7textq9sepq"
_stemmer = Stemmer.Stemmer("english")
_stems: dict[str, str] = {}


_canon: dict[str, str] = {}
_user_groups: tuple | None = None                 # the groups in use (None: none set up yet)
_user_phrases: dict[tuple[str, ...], str] = {}   # the stems of each phrase in the user's synonyms -> its word
_user_phrase_firsts: frozenset[str] = frozenset()   # the stems such a phrase can start with
_user_phrase_lengths: list[int] = []               # their lengths in words, longest first
_user_words: dict[str, str] = {}                     # each single word of the user's groups -> the word it reads as


def use_synonyms(groups=()) -> None:
    """Read the user's synonym groups (synonyms.read_user) on top of the built-in ones from now on.

    A group's first single word stands for it; a phrase is read as that word. Building an index and answering
    from it must use the same groups: store.open_index calls this, and the groups' fingerprint is part of the
    index's identity, so an edited synonyms file means a rebuilt index.
    """
    global _synonym_of, _phrases, _PHRASE, _PHRASE_WORDS, _CANONICAL_STEMS, _user_groups, _user_phrases
    global _user_phrase_firsts, _user_phrase_lengths, _user_words
    groups = tuple(groups)
    if groups == _user_groups:
        return
    synonym_of, phrases = dict(CANONICAL), dict(PHRASES)
    user_phrases: dict[tuple[str, ...], str] = {}
    mine = set()
    for group in groups:
        split = [ws for ws in (_TOKEN.findall(_lower(item)) for item in group) if ws]
        if not split:
            continue
        singles = [ws[0] for ws in split if len(ws) == 1]
        head = singles[0] if singles else "".join(split[0])
        for ws in split:
            if len(ws) == 1 and ws[0] != head:
                synonym_of[ws[0]] = head
                mine.add(ws[0])
            elif len(ws) > 1:
                phrases[" ".join(ws)] = head
                user_phrases[tuple(_stemmer.stemWords(ws))] = head
    _synonym_of, _phrases, _user_groups, _user_phrases = synonym_of, phrases, groups, user_phrases
    _user_words = {w: synonym_of[w] for w in mine}
    _user_phrase_firsts = frozenset(key[0] for key in user_phrases)
    _user_phrase_lengths = sorted({len(key) for key in user_phrases}, reverse=True)
    _PHRASE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, phrases), key=len, reverse=True)) + r")\b")
    _PHRASE_WORDS = frozenset(p.split()[0].split("-")[0] for p in phrases)   # the words a phrase can start with
    # Synonyms meet whatever their form: "mails" stems to "mail", which reads as "email".
    stems: dict[str, str] = {}
    for w, canon in synonym_of.items():
        stems.setdefault(_stemmer.stemWord(w), _stemmer.stemWord(canon))
    for w in mine:   # the user's words win over a built-in group's claim on their stem
        stems[_stemmer.stemWord(w)] = _stemmer.stemWord(synonym_of[w])
    _CANONICAL_STEMS = stems
    _canon.clear()


def in_user_words(text: str) -> str:
    """Return text with each word of the user's synonyms file written as the word it stands for ("how do I zorp my
    blorfle" -> "how do i delete my account"): for readers that do not use this analyzer (the sentence model)."""
    if not _user_words:
        return text
    return _TOKEN.sub(lambda m: _user_words.get(m.group().lower(), m.group()), text)


def spelled_out(text: str) -> str:
    """Return text with the abbreviations of SPELLED_OUT written in full, for the sentence model."""
    return _SPELLED.sub(lambda m: SPELLED_OUT[m.group().lower()], text)


def stem(word: str) -> str:
    s = _stems.get(word)
    if s is None:
        s = _stems[word] = _stemmer.stemWord(word)
    return s


def prime_stems(ws: list[str]) -> None:
    """Stem many distinct words in one call into the cache stem() reads (PyStemmer's batch call is several times
    faster than a call per word)."""
    todo = [w for w in ws if w not in _stems]
    _stems.update(zip(todo, _stemmer.stemWords(todo)))


def canonical(word: str) -> str:
    """Return the stem that stands for word and its synonyms ("mails" -> "email")."""
    c = _canon.get(word)
    if c is None:
        s = stem(_synonym_of.get(word, word))
        c = _canon[word] = _CANONICAL_STEMS.get(s, s)
    return c


def words(text: str) -> list[str]:
    """Return the lowercased words of text: phrases read as one word ("work from home"), abbreviations expanded,
    possessives and over-long tokens dropped. Every analyzer starts from these."""
    low = _lower(text)
    out = _TOKEN.findall(low)
    if out and max(map(len, out)) > MAX_TOKEN:
        low = _OVERLONG.sub(" ", low)
        out = _TOKEN.findall(low)
    if not _PHRASE_WORDS.isdisjoint(out) and _PHRASE.search(low):   # the set test keeps the regex off most texts
        out = _TOKEN.findall(_PHRASE.sub(lambda m: _phrases[m.group(0)], low))
    if _user_phrases:
        out = _join_user_phrases(out)
    if not _ABBREVIATED.isdisjoint(out):
        out = [x for w in out for x in _EXPANDED.get(w, (w,))]
    return out


def words_many(texts: list[str]) -> list[str]:
    """Return the words of many texts in one list, SEPARATOR between two texts, abbreviations not yet expanded.

    Between separators this is words(t) for each t before `expand`, but found by one regex over all the texts
    joined, which is several times faster over a large collection (docs/benchmarks.md, scale).
    """
    # Plain ASCII is lowercased and trimmed as one string (when the separator survives that intact, as it does
    # unless a text contains it); anything else text by text, so accents are folded only where there are some.
    low = f" {_SEPARATOR_LOW} ".join(texts).lower()
    if low.isascii() and low.count(_SEPARATOR_LOW) == len(texts) - 1:
        low = _lower(low).replace(_SEPARATOR_LOW, SEPARATOR)
    else:
        low = f" {SEPARATOR} ".join(map(_lower, texts))
    out = _find_words(low)
    if out and max(map(len, out)) > MAX_TOKEN:
        low = _OVERLONG.sub(" ", low)
        out = _TOKEN.findall(low)
    # The set test rules out a collection with none of the words a phrase starts with before the regex, whose
    # word boundaries and alternation make it slow over a large text.
    if not _PHRASE_WORDS.isdisjoint(out) and _PHRASE.search(low):
        out = _find_words(_PHRASE.sub(lambda m: _phrases[m.group(0)], low))
    if _user_phrases:
        out = _join_user_phrases(out)
    return out


def _join_user_phrases(out: list[str]) -> list[str]:
    """Return the words with each phrase of the user's synonyms, in any word form ("stopped being friends" for
    "stop being friends"), read as its group's word. Only positions whose word can start a phrase are looked at."""
    starts = {w for w in set(out) if stem(w) in _user_phrase_firsts}
    if not starts:
        return out
    joined: list[str] = []
    done = 0
    for i in [i for i, w in enumerate(out) if w in starts]:
        if i < done:
            continue
        for n in _user_phrase_lengths:
            head = _user_phrases.get(tuple(map(stem, out[i:i + n])))
            if head is not None:
                joined.extend(out[done:i])
                joined.append(head)
                done = i + n
                break
    if not done:
        return out
    joined.extend(out[done:])
    return joined


# In ASCII text a word is a run of [A-Za-z0-9]: everything else turned into a space and a split find the same words
# as _TOKEN, three times faster over a large collection.
_ASCII_GAPS = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def _find_words(text: str) -> list[str]:
    return text.translate(_ASCII_GAPS).split() if text.isascii() else _TOKEN.findall(text)


def _lower(text: str) -> str:
    """Return text lowercased, accents folded ("cafe" meets "café"), apostrophe tails dropped."""
    low = text.lower()
    if not low.isascii():
        low = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    if "'" in low or "’" in low:
        low = _APOSTROPHE_TAIL.sub("", low)
    return low


def expand(word: str) -> tuple[str, ...]:
    """Return the words a word stands for: itself, or an abbreviation's words ("ml" -> "machine", "learning")."""
    return _EXPANDED.get(word, (word,))


# Each analyzer is a function of the word list, so building the index splits every text into words once
# (store.build) and querying gets the very same features from ANALYZERS[name](text).

def word_term(w: str) -> tuple[str, ...]:
    """Return the word analyzer's terms for one word before expansion: word_terms, one word at a time."""
    return tuple(canonical(x) for x in expand(w) if x not in COMMON_WORDS)


def word_terms(ws: list[str]) -> list[str]:
    get = _canon.get
    return [get(w) or canonical(w) for w in ws if w not in COMMON_WORDS]


def content_words(ws: list[str]) -> list[str]:
    get = _canon.get
    return [get(w) or canonical(w) for w in ws if w not in STOP_WORDS]


def bigram_terms(ws: list[str]) -> list[str]:
    get = _canon.get
    terms = [get(w) or canonical(w) for w in ws]
    return [f"{a} {b}" for a, b in zip(terms, terms[1:])]


def char_grams(ws: list[str]) -> list[str]:
    grams: list[str] = []
    for w in ws:
        if w in STOP_WORDS:
            continue
        p = f" {w} "
        n = len(p)
        for k in (3, 4, 5):
            if n < k:
                break
            grams.extend(p[i:i + k] for i in range(n - k + 1))
    return grams


FROM_WORDS = {"word": word_terms, "bigram": bigram_terms, "char": char_grams}


def content_terms(text: str) -> list[str]:
    """Return the stemmed content words of text (stop words removed, synonyms read as one word), in order."""
    return content_words(words(text))


def word_features(text: str) -> list[str]:
    """Return the stemmed words of text but the few that never carry meaning (COMMON_WORDS), synonyms as one."""
    return word_terms(words(text))


def bigram_features(text: str) -> list[str]:
    """Return the bigrams of adjacent stemmed words, every word kept ("my card", "how long"): phrases."""
    return bigram_terms(words(text))


def char_features(text: str) -> list[str]:
    """Return character 3- to 5-grams of each content word padded with spaces (typos and word forms still meet)."""
    return char_grams(words(text))


ANALYZERS = {"word": word_features, "bigram": bigram_features, "char": char_features}
use_synonyms()
