"""mlbot: an offline question-answering chatbot for the terminal.

    import mlbot
    bot = mlbot.load()              # the bundled article; or mlbot.load(["docs/"])
    reply = bot.ask("can I work remotely?")
    reply.status, reply.best.entry.text, reply.to_dict()
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .bot import Bot, Session
    from .model import Entry, Match, Reply, Source

__all__ = ["Bot", "Entry", "Match", "MlbotError", "Reply", "Session", "Source", "load"]


def load(docs=None, **kwargs):
    """Return a Bot over docs (files or folders; default: $MLBOT_DOCS, else the bundled article)."""
    from .bot import load as _load
    return _load(docs, **kwargs)


def __getattr__(name: str):
    # Lazy: `import mlbot` stays cheap, so `mlbot ask` starts about as fast as Python does.
    if name in ("Bot", "Session"):
        from . import bot
        return getattr(bot, name)
    if name in ("Entry", "Match", "Reply", "Source"):
        from . import model
        return getattr(model, name)
    if name == "MlbotError":
        from .errors import MlbotError
        return MlbotError
    raise AttributeError(f"module 'mlbot' has no attribute {name!r}")
