"""A question (and the conversation so far) -> Reply: answered, ambiguous, no_answer or chitchat."""
from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import chitchat
from .analyze import SENTENCE_BREAK, content_terms, content_words, words
from .calibrate import threshold_of
from .errors import UsageError
from .model import Entry, Match, Reply, shown
from .rank import Contribution, Ranked, Ranking, answer_confidence, explain_match, rank, term_rarity, words_matched
from .sanitize import one_line, strip_controls
from .store import KnowledgeBase, env_docs, open_index

AMBIGUITY_MARGIN = 0.05    # top two fused scores closer than this share of the top score are a tie
# With the sentence model, a question that holds the same words of both ("how long is the reset link valid", of the
# voicemail PIN's link and the account password's) is a tie up to this share: the model's own leaning (passwords
# are what reset links are mostly about) is not something the question said.
SENSE_AMBIGUITY_MARGIN = 0.15
MAX_CHOICES = 3            # a tie offers the answers tied with the top one, up to this many
MAX_QUESTION = 2000        # characters of a question that are read; the rest cannot change the match much
_ELLIPTICAL = re.compile(r"^(and|but|also|so|then|what about|how about|and what|and how|what if|is it|are they|"
                         r"does it|do they|can it|same for)\b", re.IGNORECASE)
# An answer read in the previous question's context must score, for the follow-up alone, at least this share of the
# follow-up's own top answer: context picks between answers the question already nearly fits ("and how long is the
# reset link valid?" fits the voicemail and the password link at 0.95 of each other). At 0.3, short questions asked
# one after another took the old topic's answer: over every pair of questions of the prose rounds 7-10, the test
# prose and the shapes (4,568 pairs, each question asked after another of its document's), answers in context went
# from 4 right and 19 wrong to 4 right and 6 wrong (0.9, over the test prose and shapes alone: 4 wrong, not 6).
FOLLOW_UP_SHARE = 0.8
# A question of one or two words that says it goes on from the last ("and on mac?", "what about contractors?") needs
# less: it fits the answer context picks at 0.7-0.8 of its own top one ("and on mac?" after the VPN on Windows, whose
# entry names the Mac in passing). Longer ones are mostly new questions that start with "and": asked so after another
# question of their document, 0.6 gave 14 more wrong answers from context than 0.8 among 970, all with 3+ words, and
# none with 1-2 (scripts/bench_follow_ups.py, docs/benchmarks.md).
CONNECTIVE_SHARE = 0.6
CONNECTIVE_WORDS = 2
_CONNECTIVE = re.compile(r"^(and|but|also|what about|how about|same for)\b", re.IGNORECASE)
# "there" points back ("can I park there?") unless it only says something exists: "is there a dress code?" is a new
# question, and read as a follow-up it took the previous answer's topic.
_PRONOUNS = re.compile(r"\b(?:it|its|that|this|they|them|those|these|one)\b|(?<!\bis )(?<!\bare )(?<!\bwas )"
                       r"(?<!\bwere )(?<!\bbe )\bthere\b(?!\s+(?:is|are|was|were|be)\b|['’]s\b)", re.IGNORECASE)

# A comparison names two things, and documents that never speak of one of them cannot make it: "what's the
# difference between a data scientist and an ML engineer" of an article that never says "scientist" got its skills
# answer offered at 24. The things compared are the sides of "difference between A and B" and "compare A and/with/to
# B", and what follows "vs", "versus", "compared to/with", "better/worse than" or "differ(s) from" (what precedes
# those is mostly the question's own frame: "how quick is it vs yamllint"). A side is known by its head, its last
# word that carries meaning: English names a thing last ("a data scientist" is a scientist), and what comes after a
# preposition or a clause ("hybrid work for contractors", "leave when sick") is not the thing.
_COMPARED = re.compile(
    r"\b(?:differences?|distinction) between (?P<a>.+?) and (?P<b>[^?.!,;:]+)"
    r"|\bcompare (?P<c>.+?) (?:and|with|to) (?P<d>[^?.!,;:]+)"
    r"|\b(?:vs\.?|versus|compared (?:to|with)|(?:better|worse) than|differs? from) (?P<e>[^?.!,;:]+)",
    re.IGNORECASE)
_SIDE_END = re.compile(r"\s(?:for|in|at|on|of|to|when|if|while|during|under|regarding|about|because|since|so)\s.*",
                       re.IGNORECASE)


# "What is an ML engineer?", of an article titled "Why the Role of Ml Engineer Is Shaping the Future of Innovation":
# a question that asks what the document's own subject is. Its words are in nearly every paragraph, so they tell
# none apart, and an FAQ answer that names the subject with other words ("What skills and training are needed to
# become an Ml Engineer?") won on its phrasing. The document's opening paragraph introduces its subject, as a reference
# work's lead does: it answers (subject_lead). The subject is what follows the frame ("what is", "tell me about").
_SUBJECT = re.compile(r"^(?:(?:what|who)(?:\s+is|\s+are|['’]s|['’]re)|define|definition of|meaning of|tell me about|"
                      r"explain|describe)\s+(?:an?\s+|the\s+)?(?P<x>[^?.!]+?)[\s?.!]*$", re.IGNORECASE)
SUBJECT_WORDS = 4   # a subject is named in a few words; a longer question asks something of it
SUBJECT_NOTE = "asks what the document's subject is: its opening paragraph answers, first whatever scored highest"


def subject_lead(kb: KnowledgeBase, q: str) -> int | None:
    """Return the entry that opens a single titled document, when question q asks what the document's subject is:
    "what is X", "tell me about X", where X's words are all in the title and each in at least half the entries (the
    title's subject, not one of its other words: "what is innovation" names only the title). None otherwise."""
    m = _SUBJECT.match(q)
    title = kb.title if kb.n_files == 1 else None
    if m is None or not title or not kb.n_entries:
        return None
    asked = set(content_terms(m.group("x")))
    if not asked or len(asked) > SUBJECT_WORDS or not asked <= set(content_terms(title)):
        return None
    lead = kb.entry(0)
    if lead.questions or lead.headings[:1] != (title,) or not lead.text:
        return None
    space, f = kb.spaces.get("word"), kb.fields.get("doc_word")
    if space is None or f is None:
        return None
    cols = space.lookup(sorted(asked)).tolist()
    held = [int(f.indptr[c + 1] - f.indptr[c]) if c >= 0 else 0 for c in cols]
    return 0 if min(held) * 2 >= kb.n_entries else None


def compared_unknown(kb: KnowledgeBase, q: str) -> str | None:
    """Return the word naming a thing the question compares (_COMPARED) that the documents never use, as typed; None
    when it compares nothing, or only things they speak of."""
    m = _COMPARED.search(q)
    space = kb.spaces.get("word")
    if m is None or space is None:
        return None
    for side in (m.group(g) for g in "abcde"):
        if not side:
            continue
        said = [w for w in words(_SIDE_END.sub("", f" {side} ").strip()) if content_words([w])]
        if said and space.lookup(content_words(said[-1:]))[0] < 0:
            return said[-1]
    return None


def clean_question(question: str) -> str:
    """Return question without control characters or escape sequences, blanks collapsed. Raises on empty."""
    q = one_line(question)
    if not q:
        raise UsageError("the question is empty: type one after ask, in quotes, e.g. mlbot ask \"how do I get "
                         "started?\"")
    return q


class Bot:
    """Answers questions from one knowledge base."""

    def __init__(self, kb: KnowledgeBase, threshold: float | None = None, default_answer: str | None = None) -> None:
        """threshold: confidence below which the bot says it does not know; None for the knowledge base's own
        (derived from its alternate questions when it has enough, see calibrate.py), else DEFAULT_THRESHOLD.
        default_answer: what it says then (QnA Maker's default answer), instead of its own "I'm not sure" line."""
        if threshold is None:
            threshold = threshold_of(kb.meta)
        if not 0 <= threshold <= 100:
            raise UsageError(f"--threshold must be between 0 and 100, not {threshold:g}")
        self.kb = kb
        self.threshold = threshold
        self.default_answer = strip_controls(default_answer).strip() if default_answer else None

    @property
    def title(self) -> str | None:
        return self.kb.title

    def examples(self, n: int = 3) -> list[str]:
        """Return up to n questions the documents answer, to show a newcomer (example_entries)."""
        return [name for _, name in self.example_entries(n)]

    def example_entries(self, n: int = 3) -> list[tuple[int, str]]:
        """Return up to n (entry, name) the documents answer, to show a newcomer: their FAQ questions, then the
        headings that name paragraphs (a handbook of headings and paragraphs alone showed nothing to try)."""
        out = self.kb.faq()[:n]
        if len(out) < n:
            names = {q for _, q in out}
            out += [(i, t) for i, t in sorted(self.kb.topics().items()) if t not in names][:n - len(out)]
        return out

    def ask(self, question: str, top_k: int = 3) -> Reply:
        """Return the reply to one question, on its own."""
        q = clean_question(question)
        if top_k < 1:
            raise UsageError(f"--top-k must be at least 1, not {top_k}")
        kind = chitchat.classify(q)
        if kind:
            return Reply(q, "chitchat", 100.0, message=chitchat.respond(kind, self.title, self.examples()))
        asked = chitchat.without_small_talk(q)
        # One more than the choices: a section's paragraphs are measured against the best answer outside them.
        reply = self.decide(asked, rank(self.kb, asked[:MAX_QUESTION], max(top_k, MAX_CHOICES + 1)), top_k)
        return reply if asked == q else replace(reply, question=q)

    def decide(self, q: str, ranking: Ranking, top_k: int, context: str | None = None) -> Reply:
        """Return the Reply for a ranking: answered, ambiguous (the top answers too close) or no_answer (too unsure)."""
        items = ranking.items
        said = ranking.read_as or q   # the question as ranked: its misspelt words read as the documents' (rank.spell)
        best_other = [items[1].score if len(items) > 1 else 0.0] + [items[0].score] * (len(items) - 1) \
            if items else []
        by_sense = ranking.by_sense
        rarity = term_rarity(self.kb, said)   # once a question: every match's highlight weighs the same terms
        matches = tuple(self._match(r.index, r.score, r.score - other, ranking.coverage, said, by_sense, rarity)
                        for r, other in zip(items[:top_k], best_other))
        unknown = compared_unknown(self.kb, said) if matches else None
        if unknown:   # no answer can be the comparison asked for
            matches = tuple(replace(m, confidence=0.0) for m in matches)
        lead = subject_lead(self.kb, said) if matches and not unknown else None
        if lead is not None and lead != items[0].index:
            # The opening paragraph answers, as sure as the ranking is that the question is about the documents.
            score = next((r.score for r in items if r.index == lead), 0.0)
            first = replace(self._match(lead, score, score - items[0].score, ranking.coverage, said, by_sense, rarity),
                            confidence=matches[0].confidence)
            matches = (first, *(m for m in matches if m.index != lead))[:top_k]
        # Compared as the reply shows them (model.shown): one decimal.
        below = bool(matches) and shown(matches[0].confidence) < shown(self.threshold)
        if not matches:
            reply = Reply(q, "no_answer", 0.0, (), self._refusal(), tuple(self.examples()), context, self.threshold)
        elif below and lead is None and (n := self._one_section(items, matches[0].confidence, ranking.coverage,
                                                                by_sense)):
            # Paragraphs of one section, together well ahead of the rest ("when's the rent due": the rent paragraph
            # and the one after it): the section is the answer, the paragraph a choice.
            reply = self._choices(q, ranking, matches, items[1:n], said, top_k, context)
        elif below:
            texts, suggested = self._suggest(ranking)
            reply = Reply(q, "no_answer", matches[0].confidence, matches, self._refusal(unknown), texts, context,
                          self.threshold, suggested=suggested)
        elif lead is None and len(items) > 1 and items[0].score > 0 and self._tied(said, items[0], items[1], by_sense):
            # The choices: every answer as close to the top one as the runner-up must be ("what does an ML engineer
            # do": the skills answer, the cut-off challenges one and the work paragraph within 5%).
            tied = [items[1]] + [r for r in items[2:MAX_CHOICES] if self._tied(said, items[0], r, by_sense)]
            reply = self._choices(q, ranking, matches, tied, said, top_k, context)
        else:
            reply = Reply(q, "answered", matches[0].confidence, matches, "", (), context, self.threshold)
        return replace(reply, read_as=ranking.read_as) if ranking.read_as else reply

    def _choices(self, q: str, ranking: Ranking, matches: tuple[Match, ...], others: list[Ranked], said: str,
                 top_k: int, context: str | None) -> Reply:
        """Return a "did you mean" between the top answer and `others`, then the rest of the matches."""
        top = ranking.items[0].score
        rarity = term_rarity(self.kb, said)
        offered = tuple(self._match(r.index, r.score, r.score - top, ranking.coverage, said, ranking.by_sense, rarity)
                        for r in others)
        shown = {m.entry.id for m in offered}
        results = (matches[0], *offered) + tuple(m for m in matches[1:] if m.entry.id not in shown)
        return Reply(q, "ambiguous", matches[0].confidence, results[:max(top_k, 1 + len(others))],
                     "Did you mean one of these?", (), context, self.threshold, choices=1 + len(others))

    def _one_section(self, items: list[Ranked], confidence: float, coverage: float, by_sense: bool) -> int:
        """Return how many of the top answers are paragraphs of one section (same document, same headings), when
        there are two or more and they are close to sure together: the geometric mean of the top one's confidence
        and its confidence against the best answer outside them reaches the threshold. Else 0.

        Neighbouring paragraphs share their section's words and split a question's score between them: the top
        one's lead over the next is small, so its confidence is low, though the answer is one of the two. On the
        prose sets (rounds 1-5, 200 questions) 14 refusals so became choices that held the right answer, none one
        that did not, and one question the documents do not answer got choices (docs/benchmarks.md)."""
        first = self.kb.entry(items[0].index)
        if first.questions:
            return 0
        n = 1
        while n < min(len(items), MAX_CHOICES) and _same_section(first, self.kb.entry(items[n].index)):
            n += 1
        if n < 2:
            return 0
        rest = items[n].score if len(items) > n else 0.0
        apart = answer_confidence(self.kb, items[0].score, items[0].score - rest, coverage, by_sense)
        return n if math.sqrt(max(confidence, 0.0) * apart) >= self.threshold else 0

    def _tied(self, q: str, first: Ranked, second: Ranked, by_sense: bool) -> bool:
        """Whether the top answer and another one are too close to choose between (decide)."""
        lead = (first.score - second.score) / first.score
        if lead < AMBIGUITY_MARGIN:
            return True
        if not by_sense or lead >= SENSE_AMBIGUITY_MARGIN:
            return False
        said = words_matched(self.kb, q, first.index)
        if said != words_matched(self.kb, q, second.index):
            return False
        # Two or more words both hold; or the one word of a one-word question ("vpn", with the VPN on Windows and on
        # a Mac): nothing in it leans to either.
        return len(said) >= 2 or (len(said) == 1 and len(set(content_terms(q))) == 1)

    def _match(self, i: int, score: float, margin: float, coverage: float, q: str, by_sense: bool,
               rarity: dict[str, float]) -> Match:
        e = self.kb.entry(i)
        sure = answer_confidence(self.kb, score, margin, coverage, by_sense)
        # Ranked with the sentence model, the question is read by it already: its sentence of the answer is the one
        # to show. Without it (sure by the other fields alone), loading it for this would cost more than the answer.
        close = self._sentence_closeness(i, e, q) if by_sense else None
        said = short_answer(e, q, rarity, close)
        if gives_no_time(e, q, said):
            sure *= TIMELESS
        return Match(e, score, sure, said, best_phrasing(e.questions, q),
                     index=i, topic=None if e.questions else self._name(i, e))

    def _sentence_closeness(self, i: int, e: Entry, q: str) -> dict[str, float] | None:
        """Return how close the sentence model finds question q to each sentence of entry i's text that it read
        (rows.entry_sentences), by the sentence with its blanks run together; None where it read none."""
        sense = self.kb.sense
        if sense is None or sense.pieces is None or sense.piece_entry is None:
            return None
        from .rows import entry_sentences  # loaded with the index already
        a, b = (int(x) for x in np.searchsorted(np.asarray(sense.piece_entry), [i, i + 1]))
        parts = entry_sentences(e) if b > a else []
        if len(parts) != b - a or not parts:
            return None
        from .sentence import embed_question  # loaded already: the ranking read q with it
        vec = embed_question(q)
        if vec is None:
            return None
        sims = np.asarray(sense.pieces[a:b]) @ vec
        return {" ".join(p.split()): float(x) for p, x in zip(parts, sims.tolist())}

    def reply_for(self, index: int, question: str | None = None, shown_as: str = "your pick") -> Reply:
        """Return an answered Reply showing one entry (a numbered choice the user picked), which says `shown_as`
        where an answer says its confidence: nothing measured it."""
        e = self.kb.entry(index)
        q = question or e.question or _first_sentence(e.text)
        return Reply(q, "answered", 100.0, (Match(e, 1.0, 100.0, short_answer(e, q, term_rarity(self.kb, q)),
                                                  index=index, topic=None if e.questions else self._name(index, e),
                                                  shown_as=shown_as),))

    def related(self, index: int, n: int = 3) -> list[tuple[int, str]]:
        """Return up to n (entry, question) pairs from the documents close to entry `index`, other than itself: an
        FAQ entry by its question, a paragraph by the heading that names it."""
        e = self.kb.entry(index)
        probe = " ".join((*e.questions[:1], e.text))[:MAX_QUESTION]
        out = []
        named = {self._name(index, e)}   # three paragraphs under one heading would be offered as one name thrice
        for r in rank(self.kb, probe, 12).items:
            other = self.kb.entry(r.index)
            name = self._name(r.index, other)
            if r.index != index and name and name not in named and other.text and r.score > 0.05:
                out.append((r.index, name))
                named.add(name)
            if len(out) >= n:
                break
        return out

    def _name(self, index: int, e: Entry) -> str | None:
        """Return what names entry `index` to a user: its question, or the heading that names a paragraph."""
        return e.question or self.kb.topics().get(index)

    def contents(self) -> list[tuple[int, str]]:
        """Return (entry index, name) for what the documents answer, in document order: each FAQ question, and each
        paragraph a heading names (KnowledgeBase.topics)."""
        faq, topics = self.kb.faq(), self.kb.topics()
        if not topics:
            return faq   # already in document order
        named = dict(faq)
        # A heading once per document, at its first paragraph: a page's footer sits under its title, as its opening
        # paragraph does, and /list showed the title twice. (Topics exist on small collections alone, so reading
        # their entries' sources costs little.)
        seen: set[tuple[str, str]] = set()
        for i, t in sorted(topics.items()):
            key = (self.kb.entry(i).source.path, t)
            if i not in named and key not in seen:
                named[i] = t
            seen.add(key)
        return sorted(named.items())

    def neighbours(self, index: int) -> list[int]:
        """Return the paragraphs just before and after paragraph `index` in the same document (the chat's /more).
        None for an FAQ entry, and no FAQ entry beside one: a question's answer is whole, and the rows or questions
        beside it (a CSV's next row) are other topics, not more of it."""
        e = self.kb.entry(index)
        if e.questions:
            return []
        return [i for i in (index - 1, index + 1) if 0 <= i < self.kb.n_entries
                and self.kb.entry(i).source.path == e.source.path and not self.kb.entry(i).questions]

    def explain(self, reply: Reply) -> Explanation:
        """Return why the top result of reply won: the terms that matched in each field, and the runner-up."""
        top = reply.results[0]
        runner = reply.results[1] if len(reply.results) > 1 else None
        asked = chitchat.without_small_talk(reply.question)
        ranked = rank(self.kb, asked[:MAX_QUESTION], 2)   # as the reply was ranked
        by_sense = ranked.by_sense
        said = reply.read_as or asked   # its misspelt words as the documents spell them
        note = SUBJECT_NOTE if ranked.items and top.index != ranked.items[0].index \
            and subject_lead(self.kb, said) == top.index else ""
        if not note and gives_no_time(top.entry, said, top.highlight):
            note = TIMELESS_NOTE
        return Explanation(reply.question, top, explain_match(self.kb, said, top.index, by_sense=by_sense),
                           runner, explain_match(self.kb, said, runner.index, by_sense=by_sense) if runner else [],
                           reply.status, note)

    def _refusal(self, unknown: str | None = None) -> str:
        """Return what the bot says when it has no answer: the default answer when one is set, else that it is not
        sure, and why when it knows (a compared thing the documents never name: compared_unknown)."""
        if self.default_answer:
            return self.default_answer
        n = self.kb.n_files
        about = f"these {n} documents" if n > 1 else f"“{self.title}”" if self.title else "this document" if n == 1 \
            else "these documents"
        if unknown:
            return f"I'm not sure: {about} never {'mention' if n > 1 else 'mentions'} “{unknown}”, so I can't " \
                   "compare the two."
        return f"I'm not sure: I couldn't find an answer to that in {about}."

    def _suggest(self, ranking: Ranking) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Return up to three things to ask instead, with the entry each names: the closest entries' questions (or,
        for a paragraph, the heading that names it, else the heading it sits under), then the documents' first
        questions."""
        picks: dict[str, int] = {}
        for r in ranking.items:
            e = self.kb.entry(r.index)
            # A paragraph no heading names as its own (one under a chapter heading with sections of its own, such as
            # a fees table under "Private treatment fees") is offered by the heading it sits under: left out, the
            # closest match went unoffered.
            name = self._name(r.index, e) or (e.headings[-1] if e.headings and e.text else None)
            if name and name not in picks:
                picks[name] = r.index
        for i, q in self.kb.faq()[:6]:
            picks.setdefault(q, i)
        chosen = list(picks.items())[:3]
        return tuple(q for q, _ in chosen), tuple(i for _, i in chosen)

    def session(self) -> Session:
        """Return a conversation: follow-up questions are read in the context of the previous one."""
        return Session(self)


class Session:
    """A conversation with the bot: remembers the last question so "and how long is it valid?" makes sense."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.last_question: str | None = None
        self.last_reply: Reply | None = None

    def ask(self, question: str, top_k: int = 3) -> Reply:
        """Return the reply to question, using the previous turn when the question leans on it.

        Context is used only for a short or elliptical question ("and how long is it valid?") whose own words
        the documents know, when the question alone is not answered confidently, the previous question makes
        the match clearly better and the answer it picks nearly fits the question alone (FOLLOW_UP_SHARE); a clear
        new question is never overridden by an old topic.
        """
        reply = self.bot.ask(question, top_k)
        q = chitchat.without_small_talk(reply.question)
        if reply.status != "chitchat" and self.last_question and not (
                reply.status == "answered" and reply.confidence >= 70):
            alone = rank(self.bot.kb, q[:MAX_QUESTION], 20) if _elliptical(q) else None
            short = _CONNECTIVE.match(q) and len(content_terms(q)) <= CONNECTIVE_WORDS
            # A short "and ...?" whose words the documents do not know ("and my cat?", "and on weekends?") is read
            # by its meaning alone, where every answer scores alike: context may then only confirm the answer that
            # meaning puts first, never pick one ("and what's the capital of Australia" took the last topic at 75).
            unknown = alone is not None and alone.coverage < 0.6
            if alone is not None and alone.items and (not unknown or short):
                combined = rank(self.bot.kb, f"{self.last_question} {q}"[:MAX_QUESTION], max(top_k, MAX_CHOICES + 1))
                own = {r.index: r.score for r in alone.items}
                top = combined.items[0].index if combined.items else -1
                share = 1.0 if unknown else CONNECTIVE_SHARE if short else FOLLOW_UP_SHARE
                if own.get(top, 0.0) >= share * alone.items[0].score:
                    # Read as: the follow-up's own mended words, not the previous question joined to it.
                    contextual = self.bot.decide(q, replace(combined, read_as=alone.read_as), top_k,
                                                 context=self.last_question)
                    if contextual.status == "answered" and (
                            reply.status != "answered" or contextual.confidence > reply.confidence + 5):
                        reply = replace(contextual, question=reply.question)
        if reply.status != "chitchat" and self.last_question and (reply.context_used or _leans_on(q)):
            reply = replace(reply, follows=self.last_question)
        self.remember(reply)
        return reply

    def remember(self, reply: Reply) -> None:
        """Make reply the turn the next follow-up leans on (chit-chat does not count)."""
        if reply.status == "chitchat":
            return
        if reply.context_used is None:
            self.last_question = reply.question
        self.last_reply = reply


@dataclass(frozen=True)
class Explanation:
    """Why an answer won: its matched terms (field, term, share of the score) and the runner-up's."""

    question: str
    top: Match
    top_terms: list[Contribution]
    runner_up: Match | None
    runner_terms: list[Contribution]
    status: str = "answered"   # the reply's: the top result of a refusal is the closest entry, not an answer
    note: str = ""             # what else decided: SUBJECT_NOTE or TIMELESS_NOTE

    def to_dict(self) -> dict[str, Any]:
        """Return the explanation as `ask --explain --json` prints it, under the reply's "explanation"."""
        def side(m: Match, terms: list[Contribution]) -> dict[str, Any]:
            return {"id": m.entry.id, "score": round(m.score, 4), "confidence": shown(m.confidence),
                    "terms": [{"field": c.field, "term": c.term, "points": round(c.points, 4)} for c in terms]}
        out = {"top": side(self.top, self.top_terms),
               "runner_up": side(self.runner_up, self.runner_terms) if self.runner_up is not None else None}
        if self.note:
            out["note"] = self.note
        return out


def _same_section(a: Entry, b: Entry) -> bool:
    """True for two paragraphs (entries without a question) under the same headings of one document."""
    return not a.questions and not b.questions and a.source.path == b.source.path and a.headings == b.headings


def best_phrasing(questions: tuple[str, ...], q: str) -> str | None:
    """Return the phrasing among an entry's questions that shares the most terms with q."""
    if len(questions) <= 1:
        return questions[0] if questions else None
    want = set(content_terms(q))
    return max(questions, key=lambda p: len(want.intersection(content_terms(p))) / (1 + 0.05 * len(p.split())))


def _first_sentence(text: str) -> str:
    return SENTENCE_BREAK.split(text.strip(), maxsplit=1)[0][:200]


def _leans_on(q: str) -> bool:
    """True for a question that says it goes on from the one before ("and on team?", "how long is it valid?"),
    not one that is merely short ("pricing")."""
    return bool(_ELLIPTICAL.search(q)) or (bool(_PRONOUNS.search(q)) and len(content_terms(q)) <= 4)


def _elliptical(q: str) -> bool:
    """True for a question that leans on the one before: "and ...?", "what about ...", a pronoun, very short."""
    return len(content_terms(q)) <= 2 or _leans_on(q)


# A question that asks for an amount, a time or a number is answered by a sentence that gives one.
_ASKS_NUMBER = re.compile(r"\b(?:how (?:much|many|long|often|far|old|soon|early|late|big|heavy|high|fast)|cost|costs|"
                          r"price|fee|fees|charge|minimum|maximum|number|when|what time|what day|which day|"
                          r"what date|deadline)\b", re.IGNORECASE)
_NUMBER = re.compile(r"[\d£$€]")


# A question that asks when ("when is the next FrenchML conference") is not answered by a passage that names what it
# asks about and gives no day, date or time for it ("Continuous learning through FrenchML conferences, online courses
# and community forums accelerates growth", answered at 36). Such an answer's confidence is multiplied by TIMELESS,
# unless the entry's own question asks when too, or names what was asked (an FAQ entry found by its question is
# its answer, however worded: "When do I receive my PIN?"). Over every labelled set (5,444 questions, StackFAQ and
# Banking77 among them) it moved three top answers and no other: the FrenchML question, refused; a wrong answer at
# 99 ("when was the bakehouse founded": its welcome paragraph), down to 49; and one refused already. Judged by the
# highlight alone, it also halved a right answer whose sentence with the time was not the one highlighted.
_ASKS_TIME = re.compile(r"^\s*(?:when(?:['’]s|\s+(?:is|are|was|were|do|does|did|will|would|can|could|should|shall|must|"
                        r"might)\b)|what time\b|what day\b|which days?\b|what date\b|how soon\b)", re.IGNORECASE)
# Anything that could say when: a digit, a day, a month, a season, a time of day, or a word of time or order.
_TIME = re.compile(r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|"
                   r"sat|sun|weekdays?|weekends?|january|february|march|april|may|june|july|august|september|october|"
                   r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|daily|weekly|fortnightly|"
                   r"monthly|yearly|annually|quarterly|every|each|today|tomorrow|tonight|yesterday|morning|mornings|"
                   r"afternoon|afternoons|evening|evenings|night|nights|noon|midday|midnight|spring|summer|autumn|fall|"
                   r"winter|season|term|holidays?|christmas|easter|before|after|until|till|by|within|during|once|"
                   r"first|last|next|immediately|instantly|straight away|soon|later|now|always|anytime|time|times|"
                   r"date|dates|hours?|days?|weeks?|months?|years?|minutes?|seconds?|am|pm|one|two|three|four|five|"
                   r"six|seven|eight|nine|ten|twelve|twenty|thirty)\b", re.IGNORECASE)
TIMELESS = 0.5
TIMELESS_NOTE = ("asks when, and none of the answer's sentences that hold its words gives a day, date or time: its "
                 "confidence is halved")


def gives_no_time(e: Entry, q: str, said: str) -> bool:
    """True when q asks when something happens and neither e's sentence that answers it (said) nor any other of its
    sentences that holds the question's words gives a day, date or time, and e's own questions neither ask when nor
    name what q asks about (_ASKS_TIME)."""
    if not _ASKS_TIME.search(q) or _TIME.search(said):
        return False
    asked = set(content_terms(q))
    if any(_ASKS_TIME.search(x) or asked.intersection(content_terms(x)) for x in e.questions):
        return False
    return not any(_TIME.search(s) for s in SENTENCE_BREAK.split(e.text) if asked.intersection(content_terms(s)))


# A question's word that the answer's own question or heading already says ("deliver" of "Do you deliver
# prescriptions?") counts this much in picking its sentence: every sentence of that answer is about it, and the one
# to show holds what else was asked ("do you deliver on sunday": "There are no Sunday deliveries."). Over the
# labelled sets' right answers the highlight held the expected passage 315 -> 323 times of 452 (0.1 and 0.25 alike,
# 0.5: 321): scripts/bench_highlight.py.
NAMED_WEIGHT = 0.25


_LETTER = re.compile(r"[^\W\d_]")


def short_answer(e: Entry, question: str, rarity: dict[str, float],
                 closeness: dict[str, float] | None = None) -> str:
    """Return the sentence of e's text to highlight for question (highlight), knowing what e's question or heading
    says."""
    return highlight(e.text, question, rarity, (*e.questions, *e.headings[-1:]), closeness)


def highlight(text: str, question: str, rarity: dict[str, float] | None = None, named: tuple[str, ...] = (),
              closeness: dict[str, float] | None = None) -> str:
    """Return the sentence of text that says most of what the question asks (the short answer): the question's
    terms it holds, each weighed by its rarity in the documents (rank.term_rarity; 1 each without), and a number
    where the question asks for one ("how much", "when"); the words the answer's own question or heading (named)
    already says count less (NAMED_WEIGHT). Given `closeness` (the sentence model's, Bot._sentence_closeness), the
    closest of the sentences it read instead. Never a line of its code or of a table, which are shown as they are.

    On the prose and shapes sets, of 452 right answers whose expected passage is well short of the entry, the
    highlight held it 303 times counting terms alike, 324 so, 341 with the sentence model (docs/benchmarks.md)."""
    if not any(mark in text for mark in (". ", "! ", "? ", "\n", ".\t")):
        return text.strip()   # one sentence: no need for the sentence pattern (this runs for every result)
    if "```" in text or "~~~" in text or "\n|" in text or text.startswith("|"):
        # The readers' fence rules, imported only for an answer with code or a table.
        from .ingest.text import without_code
        prose = "\n".join(x for x in without_code(text).split("\n") if not x.lstrip().startswith("|"))
        if not prose.strip():
            return text.strip()   # code or a table alone: shown whole, never marked up (render.match_panel)
        text = prose
    # A sentence its writer wrapped over lines is one (its breaks read as spaces); not a list's bare "1." (the
    # sentence pattern splits it from its item): only pieces with a word.
    from .rows import unwrapped  # loaded with the index already
    sentences = [s.strip() for s in SENTENCE_BREAK.split(unwrapped(text)) if _LETTER.search(s)]
    if len(sentences) <= 1:
        return sentences[0] if sentences else text.strip()
    if closeness:
        # The sentence model's closest sentence (Bot._sentence_closeness), where it read any of these: over the
        # labelled sets it held the expected passage more often than the terms below, on the sets the highlight was
        # tuned on and on those held out alike (docs/benchmarks.md, "The highlight by the sentence model").
        near = [(closeness[k], -n, s) for n, s in enumerate(sentences) if (k := " ".join(s.split())) in closeness]
        if near:
            return max(near)[2]
    want = set(content_terms(question))
    named_terms = set(content_terms(" ".join(named))) if named else set()
    rare = (rarity or {}).get

    def weight(t: str) -> float:
        return rare(t, 1.0) * (NAMED_WEIGHT if t in named_terms else 1.0)
    number = bool(_ASKS_NUMBER.search(question))
    best, best_score = sentences[0], -1.0
    for i, s in enumerate(sentences):
        terms = content_terms(s)
        hit = sum(weight(t) for t in want.intersection(terms))
        score = hit / (1 + 0.02 * len(terms)) + (number and bool(_NUMBER.search(s))) - 0.01 * i
        if score > best_score:
            best, best_score = s, score
    return best


def load(docs: list[str] | str | None = None, *, threshold: float | None = None, default_answer: str | None = None,
         warn: Callable[[str], None] | None = None) -> Bot:
    """Return a Bot over docs (files or folders; default: $MLBOT_DOCS, else the bundled article)."""
    if isinstance(docs, (str, os.PathLike)):
        docs = [docs]
    if docs is None:
        docs = env_docs()
    elif not docs or any(not os.fspath(d) for d in docs):
        # "" would read the current folder, and [] the bundled article: neither is what a caller who computed an
        # empty list of paths meant.
        raise UsageError(f"docs names no path ({docs!r}): give files or folders, or None for the default")
    kb = open_index(docs, warn=warn or (lambda m: None))
    return Bot(kb, threshold, default_answer)
