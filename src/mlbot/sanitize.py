"""Untrusted text -> text safe for a terminal: escape sequences and control characters removed.

Documents, questions and logged feedback all pass through here before they are indexed or shown, so a document
cannot clear the screen, retitle the window or forge a hyperlink.
"""
from __future__ import annotations

import re

# Whole sequences first (CSI, OSC up to its terminator or the end of the line, two-byte ESC), then single controls.
_SEQUENCES = r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
_KEEP_LINES = re.compile(_SEQUENCES + r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ONE_LINE = re.compile(_SEQUENCES + r"|[\x00-\x1f\x7f-\x9f]")


_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")   # ESC included: no match, no sequence either


def strip_controls(text: str, *, keep_newlines: bool = True) -> str:
    """Return text without escape sequences or control characters; newlines and tabs stay when keep_newlines."""
    if keep_newlines and _ANY_CONTROL.search(text) is None:
        return text   # the common case, found by a plain character scan several times faster than the full pattern
    return (_KEEP_LINES if keep_newlines else _ONE_LINE).sub("", text)


def one_line(text: str | None) -> str:
    """Return text as one line: controls removed, runs of blanks collapsed to one space ("" for None)."""
    return " ".join(_ONE_LINE.sub(" ", text or "").split())


def decode_input(raw: bytes) -> str:
    """Return a typed or piped question's bytes as text: UTF-8, else cp1252, as a legacy terminal or file would
    have meant them (documents are read the same way, ingest.decode)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
