"""Documents in: find the files under the paths given, decode them, and hand each to the reader for its format.

Every reader is `parse(text, path) -> list[Entry]` over already-decoded text, so readers never touch the disk and
can be tested (and fuzzed) on strings alone. `path` is the file's name relative to the folder the user gave; it is
what sources and entry ids show.
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import DocumentsError
from ..model import Entry

Reader = Callable[[str, str], "list[Entry]"]


# Each format's reader, as (module, function): imported on demand, since a one-shot answer from a fresh cache parses
# nothing and should not pay for the readers. Word and PDF files are read from their bytes (parse_file).
_READERS = {
    ".md": ("markdown", "parse_markdown"), ".markdown": ("markdown", "parse_markdown"), ".mdx": ("markdown", "parse_mdx"),
    ".rst": ("rst", "parse_rst"), ".adoc": ("asciidoc", "parse_asciidoc"), ".asciidoc": ("asciidoc", "parse_asciidoc"),
    ".org": ("org", "parse_org"), ".txt": ("text", "parse_text"), ".html": ("html", "parse_html"),
    ".htm": ("html", "parse_html"), ".csv": ("tables", "parse_csv"), ".tsv": ("tables", "parse_tsv"),
    ".json": ("tables", "parse_json"), ".jsonl": ("tables", "parse_jsonl"), ".yml": ("tables", "parse_yaml"),
    ".yaml": ("tables", "parse_yaml"), ".xml": ("xmlfaq", "parse_xml"), ".ipynb": ("notebook", "parse_notebook"),
}


def _reader(suffix: str) -> Reader | None:
    spec = _READERS.get(suffix)
    return getattr(importlib.import_module(f".{spec[0]}", __package__), spec[1]) if spec else None


SUFFIXES = (*_READERS, ".docx", ".pdf")
READABLE = (".md, .markdown, .mdx, .rst, .adoc, .asciidoc, .org, .txt, .html, .htm, .csv, .tsv, .json, .jsonl, .yml, "
            ".yaml, .xml, .ipynb, .docx or .pdf files")


class SkippedFile(Exception):
    """A file that could not be read; the message says which and why. Other files go on."""


@dataclass(frozen=True)
class DocFile:
    """A document found on disk: where it is, and the name sources show for it."""

    path: Path
    rel: str


def discover(paths: list[str | os.PathLike[str]], warn: Callable[[str], None] = lambda m: None) -> list[DocFile]:
    """Return the readable documents under `paths` (files or folders, folders walked recursively), sorted.

    Hidden files and folders are skipped, symlinked folders are followed once (loops cannot hang the walk); a folder
    that cannot be listed is skipped with a warning. Raises DocumentsError for a path that does not exist or a
    folder that holds nothing readable.
    """
    found: dict[Path, DocFile] = {}
    for given in paths:
        p = Path(given).expanduser()
        if not p.exists():
            raise DocumentsError(f"no such file or folder: {given} (check the --docs path or MLBOT_DOCS)")
        if p.is_file():
            found.setdefault(p.resolve(), DocFile(p, p.name))
            continue
        # Counted whether or not an earlier path found them too: a folder given twice, or a folder and its own
        # subfolder, is read once, and is not "empty" the second time.
        readable = 0
        seen_dirs: set[tuple[int, int]] = set()

        def unlisted(e: OSError, top: Path = p, given: str | os.PathLike[str] = given) -> None:
            where = Path(os.path.relpath(e.filename, top)).as_posix() if e.filename and Path(e.filename) != top \
                else given
            warn(f"skipped the folder {where}: cannot list it ({e.strerror or e})")

        for root, dirs, files in os.walk(p, followlinks=True, onerror=unlisted):
            st = os.stat(root)
            if (st.st_dev, st.st_ino) in seen_dirs:
                dirs[:] = []
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
                    continue
                fp = Path(root) / name
                if not fp.is_file():
                    if fp.is_symlink() and not fp.exists():   # a document that moved, or a link made by mistake
                        warn(f"skipped {fp.relative_to(p).as_posix()}: a symbolic link to "
                             f"{os.readlink(fp)}, which does not exist")
                    continue
                rel = fp.relative_to(p).as_posix()
                found.setdefault(fp.resolve(), DocFile(fp, rel))
                readable += 1
        if not readable:
            raise DocumentsError(f"no documents found in {given}: add {READABLE}")
    return sorted(_told_apart(list(found.values())), key=lambda d: (d.rel, str(d.path)))


def _told_apart(docs: list[DocFile]) -> list[DocFile]:
    """Return docs with those that would share a name (faq.md in two folders given) named by their path from the
    folder the two have in common (teamA/faq.md, teamB/faq.md): a name is an entry's id and its source."""
    by_rel: dict[str, list[DocFile]] = {}
    for d in docs:
        by_rel.setdefault(d.rel, []).append(d)
    out = []
    for same in by_rel.values():
        if len(same) == 1:
            out.extend(same)
            continue
        paths = [str(d.path.resolve()) for d in same]
        common = os.path.commonpath([os.path.dirname(p) for p in paths])
        out.extend(DocFile(d.path, Path(os.path.relpath(p, common)).as_posix()) for d, p in zip(same, paths))
    return out


def decode(data: bytes, name: str) -> str:
    """Return the text of a file's bytes: UTF-8 (with or without BOM), else cp1252/latin-1.

    Raises SkippedFile for binary data (NUL bytes or mostly control characters).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SkippedFile(f"skipped {name}: not valid UTF-16 text") from None
    head = data[:8192]
    if b"\x00" in head:
        raise SkippedFile(f"skipped {name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace") if _mostly_cp1252(data) else data.decode("latin-1")
    sample = text[:8192]
    if sample:
        controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f") + sample.count("\ufffd")
        if controls / len(sample) > 0.05:
            raise SkippedFile(f"skipped {name}: looks like a binary file, not text")
    return text


def _mostly_cp1252(data: bytes) -> bool:
    # cp1252 leaves five bytes undefined; latin-1 maps them to C1 controls. Prefer cp1252 (smart quotes, euro).
    return not any(b in data for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D))


def parse_file(doc: DocFile) -> list[Entry]:
    """Return the entries of one document. Raises SkippedFile when it cannot be read or parsed."""
    suffix = doc.path.suffix.lower()
    if suffix == ".pdf":
        from .pdf import parse_pdf
        return parse_pdf(doc.path, doc.rel)
    if suffix == ".docx":
        from .docx import parse_docx
        return parse_docx(doc.path, doc.rel)
    reader = _reader(suffix)
    if reader is None:
        raise SkippedFile(f"skipped {doc.rel}: mlbot reads {READABLE}")
    try:
        data = doc.path.read_bytes()
    except OSError as e:
        raise SkippedFile(f"skipped {doc.rel}: cannot read it ({e.strerror or e})") from None
    text = decode(data, doc.rel)
    try:
        return reader(text, doc.rel)
    except SkippedFile:
        raise
    except (ValueError, KeyError, TypeError, RecursionError) as e:
        raise SkippedFile(f"skipped {doc.rel}: could not parse it ({e})") from None


def placed(entries: list[Entry], places: list[int], unit: str) -> list[Entry]:
    """Return entries with their sources' `unit` ("page", "paragraph" or "cell") read from places, one a line of the
    text the entries were read from (0: none): where a person looks in a PDF, Word document or notebook, whose lines
    they never see."""
    return [replace(e, source=replace(e.source, **{unit: places[e.source.line - 1] or None}))
            if 0 < e.source.line <= len(places) else e for e in entries]


_warnings: list[str] = []


def warn(message: str) -> None:
    """Record a problem a reader met but could read past (a malformed line); the index build reports it."""
    _warnings.append(message)


def take_warnings() -> list[str]:
    """Return the warnings recorded since the last call, and forget them."""
    out = _warnings[:]
    _warnings.clear()
    return out
