"""What the benchmark scripts share: the record of which sources and machine a run measured, and quantiles."""
from __future__ import annotations

import math
import os
import time
from pathlib import Path


def source_fingerprint() -> str:
    """Return a short hash of the mlbot sources this interpreter runs: others may edit them during a long run."""
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec("mlbot")
    if spec is None or not spec.origin:
        return "unknown"
    h = hashlib.sha256()
    for f in sorted(Path(spec.origin).parent.rglob("*.py")):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:12]


def machine() -> str:
    """Return the date, cores, Python and library versions, for the record."""
    import platform
    from importlib import metadata

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "absent"

    libs = ", ".join(f"{d} {version(d)}" for d in ("mlbot", "numpy", "scipy", "scikit-learn", "bm25s", "tantivy"))
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores; Python {platform.python_version()}; "
            f"{libs}")


def pct(xs: list[float], q: float) -> float:
    """Return the nearest-rank q-quantile of xs (q in [0, 1])."""
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)]
