"""PDF: the text of each page, for the plain-text reader to split into entries. Needs the optional `pypdf` extra."""
from __future__ import annotations

import logging
from pathlib import Path

from . import SkippedFile


def pdf_text(path: Path, rel: str) -> str:
    """Return the text of a PDF's pages, separated by blank lines. Raises SkippedFile when it cannot be read."""
    try:
        from pypdf import PdfReader  # an optional extra, and slow to import: only PDF users pay for it
    except ImportError:
        raise SkippedFile(f"skipped {rel}: PDF support is not installed; run: pip install 'mlbot[pdf]'") from None
    # pypdf logs its repairs to stderr, which would land in the middle of the chat; a failure still reaches the user.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkippedFile(f"skipped {rel}: the PDF is password-protected")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except SkippedFile:
        raise
    except Exception as e:  # noqa: BLE001 -- pypdf raises many kinds (its own, struct, zlib, KeyError...) on a damaged file
        raise SkippedFile(f"skipped {rel}: could not read the PDF ({type(e).__name__}: {e})") from None
    return "\n\n".join(p for p in pages if p)
