"""MlbotError: a problem to show the user in one line, with what to do about it. Only cli.py turns it into an exit."""
from __future__ import annotations


class MlbotError(Exception):
    """Something the user can fix; the message names the thing and the fix."""

    exit_status = 2


class UsageError(MlbotError):
    """A bad question, flag or value on the command line."""


class DocumentsError(MlbotError):
    """Documents that cannot be found or hold nothing to answer from."""


class OutputError(MlbotError):
    """Output that cannot be written: stdout closed, a full disk, a device error."""


class CacheError(MlbotError):
    """An index cache that cannot be read or written (callers usually recover by rebuilding); `damage` says what
    was found wrong with it, without the advice."""

    damage = ""
