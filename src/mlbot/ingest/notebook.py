"""Jupyter notebooks (`.ipynb`): the markdown cells read as one Markdown document, each code cell between them as a
fenced code block in the notebook's language (an answer's example); outputs are left out. Sources give the line of
that document, cells joined by a blank line, as Word's give the line of their extracted text."""
from __future__ import annotations

import json

from ..model import Entry
from .markdown import parse_markdown

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
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source")
        source = "".join(x for x in source if isinstance(x, str)) if isinstance(source, list) else source
        if not isinstance(source, str) or not source.strip():
            continue
        if cell.get("cell_type") == "markdown":
            parts.append(source.strip("\n"))
        elif cell.get("cell_type") == "code":
            fence = "`" * max(3, 1 + max((len(r) for r in source.split("\n") if r and not r.strip("`")), default=0))
            parts.append(f"{fence}{language}\n{source.strip(chr(10))}\n{fence}")
    return parse_markdown("\n\n".join(parts) + "\n", path)
