"""PDF: the text of each page, for the plain-text reader to split into entries; a source names the page an entry
starts on (Source.page). Needs the optional `pypdf` extra."""
from __future__ import annotations

import logging
from pathlib import Path

from ..model import Entry
from . import SkippedFile, placed


def parse_pdf(path: Path, rel: str) -> list[Entry]:
    """Return the entries of a PDF, each source naming its page. Raises SkippedFile when it cannot be read."""
    from .text import parse_text
    pages = pdf_pages(path, rel)
    page_of_line = []
    for number, text in pages:
        if page_of_line:
            page_of_line.append(number)   # the blank line between two pages
        page_of_line.extend([number] * len(text.splitlines()))   # as parse_text counts lines
    return placed(parse_text("\n\n".join(text for _, text in pages), rel), page_of_line, "page")


def pdf_text(path: Path, rel: str) -> str:
    """Return the text of a PDF's pages, separated by blank lines. Raises SkippedFile when it cannot be read."""
    return "\n\n".join(text for _, text in pdf_pages(path, rel))


def pdf_pages(path: Path, rel: str) -> list[tuple[int, str]]:
    """Return (page number, text) for each page of a PDF that has text. Raises SkippedFile when it cannot be read."""
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
        pages = [(n, (page.extract_text() or "").strip()) for n, page in enumerate(reader.pages, 1)]
    except SkippedFile:
        raise
    except Exception as e:  # noqa: BLE001 -- pypdf raises many kinds (its own, struct, zlib, KeyError...) on a damaged file
        raise SkippedFile(f"skipped {rel}: could not read the PDF ({type(e).__name__}: {e})") from None
    return [(n, text) for n, text in pages if text]
