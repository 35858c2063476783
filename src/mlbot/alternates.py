"""Alternate questions the user attached to entries (from `mlbot review`): a plain JSON Lines file they can read and
edit, $XDG_DATA_HOME/mlbot/alternates.jsonl, one {"docs": KEY, "entry": ID, "question": TEXT} per line. The index
reads them as extra phrasings of those entries."""
from __future__ import annotations

import json
import os
from pathlib import Path


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "mlbot"


def alternates_path() -> Path:
    return data_dir() / "alternates.jsonl"


def read_alternates(key: str, warn=lambda m: None) -> dict[str, list[str]]:
    """Return {entry id: [questions]} attached for the knowledge base `key`; bad lines are reported and skipped."""
    path = alternates_path()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        warn(f"cannot read {path} ({e}); alternate questions are not used")
        return {}
    out: dict[str, list[str]] = {}
    bad = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if d.get("docs", key) != key:
                continue
            q, entry = str(d["question"]).strip(), str(d["entry"])
        except (ValueError, KeyError, TypeError, AttributeError):
            bad.append(n)
            continue
        if q and q not in out.setdefault(entry, []):
            out[entry].append(q)
    if bad:
        warn(f"{path}: skipped {len(bad)} malformed line(s) (line {', '.join(map(str, bad[:5]))})")
    return out


def add_alternate(key: str, entry_id: str, question: str) -> Path:
    """Append one alternate question for an entry; return the file written. Raises OSError when it cannot."""
    path = alternates_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"docs": key, "entry": entry_id, "question": " ".join(question.split())},
                           ensure_ascii=False) + "\n")
    return path
