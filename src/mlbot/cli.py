"""The `mlbot` command: argument parsing, wiring each command to the pieces below it, and the only place where an
error becomes an exit status. Imports are lazy so `mlbot ask` starts about as fast as Python does."""
from __future__ import annotations

import argparse
import codecs
import enum
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from .errors import MlbotError, OutputError, UsageError


class ExitStatus(enum.IntEnum):
    OK = 0                # answered, chit-chat, or a batch that ran to its end
    NO_ANSWER = 1         # one question, and no confident answer (no_answer or ambiguous)
    ERROR = 2             # usage or input error
    INTERRUPTED = 130     # Ctrl-C


DESCRIPTION = """\
Ask your documents questions, offline. With no command, starts the chat on the bundled article
(or on --docs / $MLBOT_DOCS), and takes the chat's options: mlbot --docs ./kb

commands:
  chat      talk to the bot in the terminal (the default)
  ask       answer one question (or one per line from stdin with '-')
  eval      measure answer quality on labelled questions
  index     build or refresh the index of your documents
  info      show what is indexed and where the cache lives
  review    the questions the bot could not answer, to fix it
  lint      find entries that fight over questions, and empty or cut-off answers

Run 'mlbot COMMAND --help' for a command's options.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _docs_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--docs", action="append", metavar="PATH", default=None,
                   help="a file or folder to answer from; repeat it, or separate paths with ':', for several "
                        "(default: $MLBOT_DOCS, else the bundled article)")


def _common(p: argparse.ArgumentParser) -> None:
    _docs_option(p)
    p.add_argument("--threshold", type=float, default=None, metavar="X",
                   help="confidence (0-100) below which the bot says it does not know (default: the one "
                        "'mlbot info' shows: 20, or higher when the documents' alternate questions call for it); "
                        "raise it for fewer wrong answers, lower it for more answers")
    p.add_argument("--default-answer", metavar="TEXT", default=os.environ.get("MLBOT_DEFAULT_ANSWER"),
                   help="what to say when there is no confident answer, e.g. 'Ask the help desk on 5000.' "
                        "(default: $MLBOT_DEFAULT_ANSWER, else mlbot's 'I'm not sure' and questions it can answer)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlbot", usage="%(prog)s [-h] [--version] [--traceback] [COMMAND] [OPTIONS]",
                     description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--traceback", action="store_true", help="show the full traceback on errors (or MLBOT_DEBUG=1)")
    # The commands are listed once, in DESCRIPTION, in the order a user meets them.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, help=argparse.SUPPRESS,
                                prog="mlbot")

    p = sub.add_parser("ask", help="answer one question", description=(
        "Answer QUESTION from the documents. With '-', read questions from stdin, one per line, and answer each.\n"
        "Exit status: 0 answered (or small talk), 1 no confident answer (not found, or 'did you mean'), "
        "2 usage or input error.\nA batch ('-') exits 0 unless an error stops it."),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("question", nargs="*", help="the question (quote it), or '-' to read questions from stdin")
    _common(p)
    p.add_argument("-k", "--top-k", type=int, default=3, metavar="N", help="answers to return (default: 3)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object per question, one per line (a stable contract, see README)")
    p.add_argument("--explain", action="store_true", help="show why: matched terms, weights and the runner-up")
    p.add_argument("--no-log", action="store_true", help="do not log refused or ambiguous questions for review")

    p = sub.add_parser("chat", help="talk to the bot in the terminal (the default command)", description=(
        "Talk to the bot in the terminal: type a question, or a number to pick a suggestion; /help lists the "
        "commands (/list, /more, /why, /sources, /good, /bad). Ctrl-C clears the line, Ctrl-D or /quit leaves. "
        "Edited documents are re-read before the next question. Questions refused or offered as choices are "
        "logged for 'mlbot review' unless --no-log."))
    _common(p)
    p.add_argument("--no-log", action="store_true", help="do not log refused or ambiguous questions for review")

    p = sub.add_parser("eval", help="measure answer quality on labelled questions", description=(
        "FILE is JSON Lines of {\"question\": ..., \"expected\": <entry id, or the expected answer's or question's "
        "text>}, with \"expected\": null for a question the documents do not answer. Prints top-1 accuracy, "
        "MRR@10, recall@5, the share of unanswerable questions refused and a threshold sweep."))
    p.add_argument("file", nargs="?", default=None,
                   help="labelled questions (default: the bundled article's development set)")
    _common(p)
    p.add_argument("--json", action="store_true", help="print the metrics as one JSON object")

    p = sub.add_parser("index", help="build or refresh the index of your documents")
    _docs_option(p)
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch even if the cache is fresh")

    p = sub.add_parser("info", help="show what is indexed and where the cache lives")
    _docs_option(p)
    p.add_argument("--json", action="store_true", help="print it as JSON")

    p = sub.add_parser("review", help="the questions the bot could not answer, to fix it", description=(
        "The review queue: questions the bot refused, could not decide on, or that you marked /bad in the chat,\n"
        "grouped when they ask the same thing, most frequent first.\n\n"
        "Fix a group by attaching its questions to the entry that answers them, as alternate phrasings (kept in\n"
        "$XDG_DATA_HOME/mlbot/alternates.jsonl, read from the next question on), or dismiss it.\n"
        "  ITEM_OR_GROUP  g4, g17 ... for a group as the listing labels it (by its first question: the label stays\n"
        "                 as the queue grows); a bare number for one logged question (item)\n"
        "  ENTRY          an entry id such as handbook.md:3, 'top' for the answer the bot gave, or a candidate\n"
        "                 number from the listing\n"
        "Without --docs (or $MLBOT_DOCS) the questions asked of every knowledge base are listed.\n\n"
        "examples:\n"
        "  mlbot review --docs ./kb\n"
        "  mlbot review --docs ./kb --attach g4 --to top\n"
        "  mlbot review --docs ./kb --dismiss g17 21"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _docs_option(p)
    p.add_argument("--json", action="store_true", help="print the queue (or what was done) as one JSON object")
    p.add_argument("--all", action="store_true", help="show questions asked of any documents, not only --docs")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--attach", metavar="ITEM_OR_GROUP",
                        help="attach the group's questions (or one item's) as alternate questions of --to ENTRY")
    action.add_argument("--dismiss", nargs="+", metavar="ITEM_OR_GROUP", help="take groups or items out of the queue")
    p.add_argument("--to", metavar="ENTRY", help="with --attach: an entry id, 'top' or a candidate number")

    p = sub.add_parser("lint", help="find entries that fight over questions, and empty or cut-off answers",
                       description=(
        "Check the documents for what keeps the bot from answering well: near-duplicate entries (they fight over\n"
        "the same questions), a question asked twice, a question whose own answer loses to another entry, empty\n"
        "or placeholder answers, and answers cut off mid-sentence.\n"
        "Prints one line per finding, 'path:line: kind: message'.\n"
        "Exit status: 0 nothing found, 1 findings, 2 usage or input error."),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _docs_option(p)
    p.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    return parser


# numpy's BLAS runs one thread per core by default. mlbot's matrices are small, and on a machine whose cores are busy
# with other work those threads wait on each other: building the index of 14 documents took 18-42 s with them and
# 11 s with one, under a load of 3.5 on 2 cores (docs/benchmarks.md). Set before numpy is imported; a value the
# user set wins.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: Sequence[str] | None = None) -> int:
    for variable in BLAS_THREADS:
        os.environ.setdefault(variable, "1")
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--traceback" in argv or env_flag("MLBOT_DEBUG")
    argv = [a for a in argv if a != "--traceback"]   # accepted anywhere on the line
    try:
        _open_stdout()
        status = _dispatch(argv)
        sys.stdout.flush()   # here, not at exit: a full disk is reported like any other error
    except KeyboardInterrupt:
        _stderr("interrupted")
        status = ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`mlbot ask - | head -1`): stop quietly, and keep Python from complaining at exit.
        _discard_stdout()
        status = ExitStatus.OK
    except MlbotError as e:
        # Debugging adds the traceback and changes nothing else: a script reads the same exit status either way.
        _traceback(debug)
        if isinstance(e, OutputError):
            _discard_stdout()   # what is still buffered would fail again, as "Exception ignored", at exit
        _stderr(str(e))
        status = e.exit_status
    except Exception as e:
        _traceback(debug)
        _stderr(f"unexpected error: {e.__class__.__name__}: {e}"
                + ("" if debug else " (run with --traceback for details)"))
        status = ExitStatus.ERROR
    return int(status)


def _discard_stdout() -> None:
    """Point fd 1 at the null device, so what is still buffered for stdout goes nowhere at exit, without a word."""
    if sys.stdout is not None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def env_flag(name: str) -> bool:
    """Return whether the environment turns a yes/no setting on: unset, "", "0", "false", "no" and "off" (in any
    case) are off, anything else on. MLBOT_DEBUG=0 is a user saying "no debugging", not asking for it.

    Every MLBOT_ yes/no variable is read here (MLBOT_DEBUG, MLBOT_NO_LOG, MLBOT_NO_HISTORY). NO_COLOR and
    FORCE_COLOR are not: their own conventions (no-color.org) make any non-empty value count."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def _traceback(debug: bool) -> None:
    if debug:
        import traceback
        try:
            traceback.print_exc()
        except OSError:
            pass


def _open_stdout() -> None:
    """Put sys.stdout on a file whose failed writes raise OutputError ("cannot write the output: No space left on
    device") rather than an OSError the user would see as an unexpected error; a closed stdout raises it at once.

    It also replaces ("?") what the output encoding cannot hold (PYTHONIOENCODING=ascii, a cp1252 console) instead
    of raising at the first such character and losing the rest of a batch; JSON escapes those characters itself
    (_print_json), so it stays valid. Buffering and encoding stay as Python set them."""
    old = sys.stdout
    if old is None:   # started with fd 1 closed (`mlbot ask q >&-`)
        raise OutputError("cannot write the output: standard output is closed")
    if not isinstance(old, io.TextIOWrapper) or not isinstance(old.buffer, (io.FileIO, io.BufferedWriter)):
        return   # not the stdout Python opened (a test's capture): leave it be
    raw = _StdoutFile(old.fileno(), "w", closefd=False)
    binary = raw if isinstance(old.buffer, io.FileIO) else io.BufferedWriter(raw)   # -u / PYTHONUNBUFFERED: none
    old.flush()
    sys.stdout = io.TextIOWrapper(binary, encoding=old.encoding,
                                  errors="replace" if old.errors == "strict" else old.errors,
                                  line_buffering=old.line_buffering, write_through=old.write_through)


class _StdoutFile(io.FileIO):
    """fd 1, whose failed writes say what went wrong in words a user can act on. A closed pipe (`| head -1`) stays
    BrokenPipeError: main ends quietly on it."""

    def write(self, b) -> int | None:
        try:
            return super().write(b)
        except BrokenPipeError:
            raise
        except OSError as e:
            raise OutputError(f"cannot write the output: {e.strerror or e}") from e


def _stderr(message: str) -> None:
    try:
        print(f"mlbot: {message}", file=sys.stderr, flush=True)
    except (BrokenPipeError, OSError):
        pass


def _dispatch(argv: list[str]) -> int:
    if "--version" in argv and (not argv or argv[0].startswith("-")):
        from importlib.metadata import version
        print(f"mlbot {version('mlbot')}")
        return ExitStatus.OK
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        if argv and not argv[0].startswith("-"):
            import shlex
            hint = f"; to ask it, run: mlbot ask {shlex.quote(argv[0])}" if len(argv[0].split()) > 1 \
                or argv[0].endswith("?") else ""
            raise UsageError(f"unknown command {argv[0]!r}: try one of {', '.join(COMMANDS)} (see 'mlbot --help')"
                             f"{hint}")
        late = next((a for a in argv if a in COMMANDS), None)
        if late is not None:   # `mlbot --docs kb ask "..."`: the command's options come after it
            import shlex
            rest = [a for a in argv if a is not late]
            raise UsageError(f"the command comes first, then its options: mlbot {late} "
                             f"{shlex.join(rest)}")
        argv = ["chat", *argv]
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)


def _entries(n: int) -> str:
    return f"{n:,} entr{'y' if n == 1 else 'ies'}"


def _warn(message: str) -> None:
    _stderr(f"warning: {message}")


def _load(args: argparse.Namespace):
    """Return a Bot over the documents args name, building their index first if needed (with a progress bar on a
    terminal: a first `ask` of a big folder takes a while)."""
    from .bot import Bot

    kb = _open(_docs(args))
    return Bot(kb, getattr(args, "threshold", None), getattr(args, "default_answer", None))


def _docs(args: argparse.Namespace) -> list[str] | None:
    """Return the document paths given with --docs (repeated, or joined with ':'), else from $MLBOT_DOCS."""
    from .store import env_docs, split_docs

    if getattr(args, "docs", None) is not None:
        return [p for value in args.docs for p in split_docs(value)]
    return env_docs()


def _open(docs: list[str] | None, **kwargs):
    """Open the index of docs (store.open_index), with a progress bar on stderr when it is a terminal. The bar is
    taken down however the build ends: one left running after Ctrl-C would draw over all the chat printed after."""
    from .store import open_index

    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        return open_index(docs, warn=_warn, progress=bar, **kwargs)
    finally:
        if bar is not None:
            bar.close()


class _ProgressBar:
    """A progress callback (store.Progress) drawing a rich bar on stderr for each stage of a build. rich's progress
    module is loaded at the first stage: opening an index that is up to date (every `ask` but the first) costs
    nothing."""

    def __init__(self) -> None:
        self.bar = None
        self.tasks: dict[str, int] = {}

    def __call__(self, what: str, done: int, total: int) -> None:
        if self.bar is None:
            from rich.progress import Progress

            from .render import console
            self.bar = Progress(console=console(stderr=True), transient=True)
        if what not in self.tasks:
            self.bar.start()
            self.tasks[what] = self.bar.add_task(what, total=total)
        self.bar.update(self.tasks[what], completed=done)
        if done >= total:
            self.bar.stop()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# ------------------------------------------------------------------------------------------------------- ask

def cmd_ask(args: argparse.Namespace) -> int:
    from .bot import clean_question
    from .model import Reply
    from .sanitize import decode_input

    if args.top_k < 1:
        raise UsageError(f"--top-k must be at least 1, not {args.top_k}")
    batch = args.question == ["-"]
    if not batch:
        question = clean_question(" ".join(decode_input(os.fsencode(a)) for a in args.question))
    bot = _load(args)
    log = _feedback_log(args, bot.kb.meta.get("key", ""), when_needed=True)
    show = _printer(args, bot)
    if not batch:
        reply = bot.ask(question, args.top_k)
        _log_reply(log, reply)
        show(reply)
        return ExitStatus.OK if reply.status in ("answered", "chitchat") else ExitStatus.NO_ANSWER
    first = True
    for n, raw in enumerate(_stdin_lines(), 1):
        if n == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]   # a file saved with a byte-order mark: not part of the first question
        try:
            reply = bot.ask(decode_input(raw), args.top_k)
        except UsageError:   # a blank line, or control characters only: nothing to ask
            if not args.json:
                continue     # plain replies are apart by blank lines, not one a line: nothing to keep in step
            # JSON keeps output line n for input line n, so a script can pair them (paste, zip).
            reply = Reply("", "no_answer", 0.0, threshold=bot.threshold,
                          message="nothing to ask: the line is empty (or control characters alone)")
        else:
            _log_reply(log, reply)
        if not args.json and not first:   # replies apart by a blank line
            sys.stdout.write("\n")
        first = False
        show(reply, line=n, asked=not args.json)   # for people, each reply under its question: read apart from stdin
    sys.stdout.flush()
    return ExitStatus.OK


def _stdin_lines():
    """Yield stdin's lines as bytes, each as soon as it is read, without its line end: LF, CRLF, or a lone CR (a
    file saved by classic Mac OS software, or a terminal's Enter key piped raw), so such a file is not one question."""
    for raw in sys.stdin.buffer:
        body = raw[:-1] if raw.endswith(b"\n") else raw
        yield from (body[:-1] if body.endswith(b"\r") else body).split(b"\r")


def _printer(args: argparse.Namespace, bot) -> Callable:
    if args.json:
        def show_json(reply, line: int | None = None, asked: bool = False) -> None:
            out = reply.to_dict()
            if line is not None:
                out["line"] = line
            if args.explain:   # null when there is no result to explain (a refusal with no candidates, small talk)
                out["explanation"] = bot.explain(reply).to_dict() if reply.results else None
            _print_json(out)
        return show_json
    if _fancy():
        from rich.text import Text

        from .render import console, rich_reply, safe
        out = console()

        def show_rich(reply, line: int | None = None, asked: bool = False) -> None:
            if asked:
                out.print(Text(f"Q: {safe(reply.question)}", style="bold"))
            out.print(rich_reply(reply, explain=args.explain))
            if args.explain:
                _explain(bot, reply, out)
        return show_rich
    from .render import plain_reply, safe

    def show_plain(reply, line: int | None = None, asked: bool = False) -> None:
        if asked:
            sys.stdout.write(f"Q: {safe(reply.question)}\n")
        sys.stdout.write(plain_reply(reply, explain=args.explain) + "\n")
        if args.explain:
            _explain(bot, reply, None)
    return show_plain


def _print_json(obj) -> None:
    """Print obj as one line of JSON (every --json output goes through here). U+2028 and U+2029 are escaped: they
    are valid in a JSON string, but Python's str.splitlines() and JavaScript before ES2019 end a line at them, which
    would split one object into two invalid lines."""
    line = json.dumps(obj, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        line.encode(encoding)
    except UnicodeEncodeError:   # an output encoding other than UTF-8: \u-escape what it cannot hold
        line = line.encode(encoding, errors=_JSON_ESCAPE).decode(encoding)
    except LookupError:
        pass
    sys.stdout.write(line + "\n")


def _escape_for_json(e: UnicodeEncodeError) -> tuple[str, int]:
    """A codecs error handler: the characters an encoding cannot hold as JSON's \\u escapes (surrogate pairs past
    U+FFFF). Only string values hold non-ASCII characters in the JSON mlbot prints, so an escape is always valid."""
    return json.dumps(e.object[e.start:e.end])[1:-1], e.end


_JSON_ESCAPE = "mlbot-json-escape"
codecs.register_error(_JSON_ESCAPE, _escape_for_json)


def _fancy() -> bool:
    """True when stdout is a terminal that can take rich output (not piped, not TERM=dumb); under NO_COLOR it gets
    the same layout without colour (render.console)."""
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _explain(bot, reply, out) -> None:
    """Print why the bot chose its answer (ask --explain)."""
    if not reply.results:
        return
    x = bot.explain(reply)
    if out is None:
        from .render import plain_explanation
        sys.stdout.write(plain_explanation(x) + "\n")
    else:
        from .render import rich_explanation
        out.print(rich_explanation(x))


def _feedback_log(args: argparse.Namespace, docs_key: str, *, when_needed: bool = False):
    """Return the feedback log (refused, ambiguous and down-voted questions), or None when logging is off.

    when_needed: open it only when a reply has to be logged, so a one-shot question that is answered costs no
    SQLite (the chat opens it at once: its banner says whether logging works).
    """
    if getattr(args, "no_log", False) or env_flag("MLBOT_NO_LOG"):
        return None
    if when_needed:
        return _LogWhenNeeded(docs_key)
    from .feedback import FeedbackLog
    return FeedbackLog.open(docs_key, warn=_warn)


class _LogWhenNeeded:
    """A feedback log opened on the first reply that needs logging (model.LOGGED)."""

    def __init__(self, docs_key: str) -> None:
        self.docs_key = docs_key
        self._log = None

    def record(self, reply) -> bool:
        from .model import LOGGED

        if reply.status not in LOGGED:
            return False
        if self._log is None:
            from .feedback import FeedbackLog
            self._log = FeedbackLog.open(self.docs_key, warn=_warn)
        return self._log.record(reply)


def _log_reply(log, reply) -> None:
    if log is not None:
        log.record(reply)


# ------------------------------------------------------------------------------------------------------ chat

def cmd_chat(args: argparse.Namespace) -> int:
    from .bot import Bot
    from .repl import run_chat
    from .store import watched

    bot = _load(args)
    seen = {"files": watched(_docs(args)), "bot": bot}

    def reopen():
        """A Bot on the documents as they are now when they changed since the last look, else None."""
        now = watched(_docs(args))
        if now == seen["files"] and now is not None:
            return None
        kb = _open(_docs(args))
        seen["files"] = now
        if kb.location is not None and kb.location == seen["bot"].kb.location:
            return None   # touched, not changed
        seen["bot"] = Bot(kb, getattr(args, "threshold", None), getattr(args, "default_answer", None))
        return seen["bot"]

    return run_chat(bot, log=_feedback_log(args, bot.kb.meta.get("key", "")), reopen=reopen, plain=not _fancy(),
                    keep_history=not env_flag("MLBOT_NO_HISTORY"))


# ------------------------------------------------------------------------------------------------------ eval

def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import check_labels, evaluate, read_labelled
    from .store import bundled_docs

    path = args.file or str(bundled_docs().with_name("dev-questions.jsonl"))
    labelled = read_labelled(path)
    bot = _load(args)
    check_labels(bot.kb, labelled, path)
    report = evaluate(bot, labelled)
    if args.json:
        _print_json(report.to_dict())
    elif _fancy():
        from .render import console
        from .render_eval import rich_report
        console().print(rich_report(report))
    else:
        from .render_eval import plain_report
        print(plain_report(report))
    return ExitStatus.OK


# ---------------------------------------------------------------------------------------------- index, info

def cmd_index(args: argparse.Namespace) -> int:
    import time

    from .errors import CacheError
    from .store import describe

    t = time.perf_counter()
    kb = _open(_docs(args), rebuild=args.rebuild)
    try:
        if kb.from_cache:
            kb.check()   # every entry of a reused cache, not only those a question reaches
    except CacheError as e:
        _warn(f"{e.damage or e}; rebuilding it")
        kb = _open(_docs(args), rebuild=True)
    elapsed = time.perf_counter() - t
    d = describe(kb)
    kinds: dict[str, int] = {}
    for path in kb.read_paths():   # watched but skipped ones are not counted: the count is of documents read
        ext = os.path.splitext(path)[1].lower() or "(none)"
        kinds[ext] = kinds.get(ext, 0) + 1
    faq = d["faq_questions"]
    print(f"indexed {_entries(d['entries'])} ({faq} FAQ question{'s' * (faq != 1)}) from {d['files']} "
          f"file{'' if d['files'] == 1 else 's'} "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) in {elapsed:.2f} s")
    _print_index_lines(d)
    return ExitStatus.OK


def _print_index_lines(d: dict) -> None:
    """Print what `mlbot index` and `mlbot info` both say of an index (store.describe)."""
    print(f"vocabulary: {', '.join(f'{k} {v}' for k, v in d['vocabulary'].items())}")
    print(f"synonyms: {_synonyms_line(d)}")
    print(f"meaning: {_meaning_line(d)}")
    print("spelling: " + (f"a misspelt word is read as the closest of the documents' {d['spelling_words']:,} words"
                          if d.get("spelling_words") else "questions are read as typed (collections past the word "
                          "vectors' size)"))
    print(f"threshold: {_threshold_line(d)}")
    print(f"cache: {d['cache'] or '(in memory only)'} ({d['cache_bytes'] / 1e6:.1f} MB)")


def _meaning_line(d: dict) -> str:
    from .store import SEMANTIC_MAX_ENTRIES, SENSE_MAX_PIECES, TEXT_BUDGET

    if d.get("sentence_model"):
        return "the sentence model (all-MiniLM-L6-v2) and word vectors match questions in other words"
    if d["word_vectors"]:
        what = "word vectors and a latent space" if d["latent_space"] else "word vectors"
        return (f"{what} match questions in other words (the sentence model reads collections of up to "
                f"{SENSE_MAX_PIECES:,} word pieces, or is missing: see the warnings)")
    return (f"none: past {SEMANTIC_MAX_ENTRIES:,} entries or {TEXT_BUDGET / 1e6:g} million characters, questions are "
            f"matched by their words and spelling alone (or the word vectors are missing: see the warnings)")


def _threshold_line(d: dict) -> str:
    from .calibrate import DEFAULT_THRESHOLD

    t = d.get("threshold")
    if not t:
        from .calibrate import MIN_PROBES
        return (f"{d['threshold_value']:g}, the default (an index whose entries have {MIN_PROBES} or more alternate "
                f"questions between them derives its own from them)")
    share = f"{t['precision']:.0%}" if t["precision"] is not None else "none"
    return (f"{t['value']:g}, derived from {t['probes']} alternate questions asked with each held out: {share} of "
            f"those answered at or above it were right (the default is {DEFAULT_THRESHOLD:g}, and mlbot never goes "
            f"below it)")


def _synonyms_line(d: dict) -> str:
    from .render import safe
    from .synonyms import user_path

    path = safe(str(user_path()))
    if d.get("synonyms"):
        return f"built-in, and {d['synonyms']['groups']} group(s) from {path}"
    return f"built-in (add your own in {path})"


def cmd_info(args: argparse.Namespace) -> int:
    from .store import describe, grouped, open_index

    kb = open_index(_docs(args), warn=_warn)
    d = describe(kb)
    d["documents"] = kb.read_paths()   # the skipped ones are named by the warnings
    d["warnings"] = kb.warnings
    if args.json:
        _print_json(d)
        return ExitStatus.OK
    from .render import safe
    print(f"title: {safe(d['title']) or '(none)'}")
    print(f"documents: {d['files']}  entries: {d['entries']}  FAQ questions: {d['faq_questions']}")
    for p in d["documents"][:50]:
        print(f"  {safe(p)}")
    if len(d["documents"]) > 50:
        print(f"  … and {len(d['documents']) - 50} more")
    _print_index_lines(d)
    for w in grouped(d["warnings"]):
        print(f"warning: {safe(w)}")
    return ExitStatus.OK


# ---------------------------------------------------------------------------------------------- review, lint

def cmd_review(args: argparse.Namespace) -> int:
    """List the review queue (questions refused, ambiguous or marked /bad), or attach or dismiss part of it.

    `--attach G --to ENTRY` adds the questions as alternate phrasings of ENTRY, so they are answered from then on;
    `--dismiss G` drops them. Logged questions are untrusted text: shown through safe(), never as rich markup.
    """
    from . import review
    from .feedback import FeedbackLog

    if args.to is not None and args.attach is None:
        raise UsageError("--to goes with --attach, e.g. mlbot review --attach g1 --to top")
    if args.attach is not None and args.to is None:
        raise UsageError("--attach needs --to ENTRY: an entry id, 'top' (the answer the bot gave) or a candidate "
                         "number from 'mlbot review'")
    bot = _load(args)
    log = FeedbackLog.open(review.docs_key(bot), warn=_warn)
    all_docs = args.all or not (_docs(args))
    try:
        if args.attach is not None:
            done = review.attach(bot, log, args.attach, args.to, all_docs=all_docs)
            if args.json:
                _print_json({"attached": {"entry": done.entry, "questions": list(done.questions),
                                          "items": list(done.items), "file": str(done.path)}})
            else:
                from .render import safe
                from .sanitize import one_line
                n = len(done.questions)
                print(safe(f"attached {n} question{'s' * (n != 1)} to {done.entry} as alternate phrasing"
                           f"{'s' * (n != 1)} (saved in {done.path}); {len(done.items)} item"
                           f"{'s' * (len(done.items) != 1)} left the queue"))
                for q in done.questions:
                    print(f"  + {one_line(q)}")
            return ExitStatus.OK
        if args.dismiss:
            ids = review.dismiss(bot, log, args.dismiss, all_docs=all_docs)
            if args.json:
                _print_json({"dismissed": ids})
            else:
                print(f"dismissed {len(ids)} item{'s' * (len(ids) != 1)} ({', '.join(map(str, ids))})")
            return ExitStatus.OK
        queue = review.list_review(bot, log, all_docs=all_docs)
    finally:
        log.close()
    import shlex

    from .render import safe
    docs = safe("".join(f" --docs {shlex.quote(d)}" for d in args.docs or ()))   # to repeat in the commands shown
    if args.json:
        _print_json(queue.to_dict())
    elif _fancy():
        from .render import console
        from .render_review import rich_review
        console().print(rich_review(queue, docs))
    else:
        from .render_review import plain_review
        print(plain_review(queue, docs))
    return ExitStatus.OK


def cmd_lint(args: argparse.Namespace) -> int:
    """Check the documents for entries that fight over questions and for empty or cut-off answers.

    Prints `path:line: kind: message` per finding (or --json); exits 0 when clean and 1 when something was found,
    so it can gate a docs change in CI.
    """
    from .lint import lint
    from .sanitize import one_line

    bot = _load(args)
    findings = lint(bot.kb)
    if args.json:
        _print_json({"entries": bot.kb.n_entries, "findings": [f.to_dict() for f in findings]})
    else:
        for f in findings:
            print(one_line(f.format()))
        if findings:
            _stderr(f"{len(findings)} finding{'s' * (len(findings) != 1)} in {_entries(bot.kb.n_entries)}")
        else:
            print(f"no problems found in {_entries(bot.kb.n_entries)}")
    return 1 if findings else ExitStatus.OK   # 1: something to fix (as `ask` uses 1 for "no confident answer")


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "chat": cmd_chat, "ask": cmd_ask, "eval": cmd_eval, "index": cmd_index, "info": cmd_info,
    "review": cmd_review, "lint": cmd_lint,
}
