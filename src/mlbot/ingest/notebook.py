"""Jupyter notebooks (`.ipynb`): the markdown cells read as one Markdown document, each code cell between them as a
fenced code block in the notebook's language (an answer's example); outputs are left out. A source names the cell
an entry starts in (Source.cell, counting every cell, as a person scrolls), as Word's name their paragraph."""
from __future__ import annotations

import json

from ..model import Entry
from . import placed
from .markdown import parse_markdown
from .text import fenced

_ERROR = "not a Jupyter notebook (expected a JSON object with a list of \"cells\")"


def parse_notebook(text: str, path: str) -> list[Entry]:
    """Return the FAQ and paragraph entries of a notebook. Raises ValueError when it is not one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError(_ERROR) from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise ValueError(_ERROR)
    meta = data.get("metadata")
    kernel = meta.get("kernelspec") if isinstance(meta, dict) else None
    language = kernel.get("language") if isinstance(kernel, dict) else None
    language = language if isinstance(language, str) and language.isidentifier() else ""
    parts = []
    places: list[int] = []   # the cell each line of the Markdown comes from, and 0 for the blank line between two
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            continue
        source = cell.get("source")
        source = "".join(x for x in source if isinstance(x, str)) if isinstance(source, list) else source
        if not isinstance(source, str) or not source.strip():
            continue
        if cell.get("cell_type") == "markdown":
            part = source.strip("\n")
        elif cell.get("cell_type") == "code":
            part = fenced(source, language)
        else:
            continue
        places += [0] * bool(parts) + [number] * (part.count("\n") + 1)
        parts.append(part)
    return placed(parse_markdown("\n\n".join(parts) + "\n", path), places, "cell")
