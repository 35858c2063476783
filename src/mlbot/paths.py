"""Where mlbot keeps what it writes and reads besides the documents: the XDG base directories."""
from __future__ import annotations

import os
from pathlib import Path

_DEFAULTS = {"XDG_CACHE_HOME": (".cache",), "XDG_CONFIG_HOME": (".config",),
             "XDG_DATA_HOME": (".local", "share"), "XDG_STATE_HOME": (".local", "state")}


def xdg_home(variable: str) -> Path:
    """Return the base directory $variable names (XDG_CACHE_HOME, ...), else its default under the home folder.

    An empty or relative value is ignored, as the XDG Base Directory specification asks: a relative one would put
    the index, the log or the history in whatever folder mlbot happens to be run from.
    """
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return Path(value)
    return Path(os.path.expanduser("~"), *_DEFAULTS[variable])
