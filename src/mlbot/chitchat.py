"""Greetings, thanks, help, "who are you" and goodbye: answered from here, without touching the index."""
from __future__ import annotations

import re

_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("greeting", re.compile(r"(hi+|hello+|hey+|hiya|howdy|yo|greetings|good (morning|afternoon|evening|day))"
                            r"( there| bot| mlbot)?( (i am|i'm|im) new( here)?)?")),
    ("thanks", re.compile(r"(thanks?( you)?( (so|very) much)?|thank u|thx|ty|cheers|much appreciated|great,? thanks"
                          r"|perfect,? thanks|ok thanks|okay thanks)")),
    ("ok", re.compile(r"(ok+|okay|k|kk|cool|great|nice|alright|all right|got it|i see|understood|noted|fine|sure"
                      r"|perfect|awesome|makes sense)( thanks?)?")),
    ("goodbye", re.compile(r"(bye+|goodbye|good bye|see you( later)?|see ya|farewell|cya|later|good night)")),
    ("help", re.compile(r"(help|help me|what can you do|how does this work|how do i use (this|you)|what do you know"
                        r"( about)?|what can i ask( you)?( about)?|commands|usage|\?"
                        r"|what('s| is|s) (this|the|this bot|this document|the document|this article|the article)"
                        r"( all)? about|what (topics|subjects|questions) (do|can) you (cover|answer|know)"
                        r"|what do you cover|what can you answer|what can you tell me( about)?)")),
    ("identity", re.compile(r"(who are you|what are you|what is your name|what's your name|whats your name"
                            r"|are you (a )?(bot|human|robot|real|an ai)|who made you|who built you)")),
    ("howareyou", re.compile(r"(how are you( doing)?|how's it going|hows it going|how are things|what's up|whats up"
                             r"|sup)")),
]


def classify(question: str) -> str | None:
    """Return the kind of small talk question is ("greeting", "thanks", ...), or None for a real question."""
    q = re.sub(r"[^\w\s'?]", " ", question.lower())
    q = re.sub(r"\s+", " ", q).strip().rstrip("?").strip() or question.strip()
    if len(q) > 60:
        return None
    for kind, pattern in _KINDS:
        if pattern.fullmatch(q):
            return kind
    return None


# Small talk before a question ("hi, can I bring my dog?", "thanks! and on weekends?"). Its words are in no answer:
# read with the question, they halved its confidence (84.9 -> 45.6 in a tester's co-working docs). Without a stop or
# comma after it, a greeting is taken off only before a word that starts a question ("hello world example" stays).
_LEAD = re.compile(r"\s*(?P<talk>[^,!.:;\u2013\u2014]{1,40}?)\s*[,!.:;\u2013\u2014]+\s*(?P<rest>\S.*)", re.DOTALL)
_ASKS = re.compile(r"(?:can|could|would|will|should|shall|may|might|what|what's|whats|how|where|when|why|who|which|"
                   r"is|are|am|was|do|does|did|have|has|i|i'm|im|my|and|also|please|tell|any|anything)\b",
                   re.IGNORECASE)


def without_small_talk(question: str) -> str:
    """Return question without a greeting, thanks or "ok" before it ("hi, can I bring my dog?" -> "can I bring my
    dog?"), or question itself when it has none, or nothing but small talk."""
    m = _LEAD.fullmatch(question)
    if m and classify(m["talk"]) in ("greeting", "thanks", "ok") and len(m["rest"].split()) >= 2 \
            and not classify(m["rest"]):
        return without_small_talk(m["rest"])
    words = question.split()
    for n in (3, 2, 1):
        rest = words[n:]
        if len(rest) >= 2 and _ASKS.match(rest[0]) and classify(" ".join(words[:n])) == "greeting":
            return " ".join(rest)
    return question


def respond(kind: str, title: str | None, examples: list[str]) -> str:
    """Return the bot's reply to small talk of this kind."""
    about = f"“{title}”" if title else "your documents"
    hint = ""
    if examples:
        hint = " For example: " + "; ".join(f"“{q}”" for q in examples[:3])
    return {
        "greeting": f"Hello! Ask me anything about {about}.{hint}",
        "thanks": "You're welcome. Ask another question whenever you like.",
        "ok": "Ask another question whenever you like.",
        "goodbye": "Goodbye!",
        "help": f"I answer questions from {about}, offline. Ask in your own words.{hint}",
        "identity": f"I'm mlbot, an offline question-answering bot. I find the closest answer in {about}; "
                    "I don't make answers up.",
        "howareyou": f"All good, thanks. What would you like to know about {about}?",
    }[kind]
