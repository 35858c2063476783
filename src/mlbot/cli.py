"""The `mlbot` command: argument parsing, wiring each command to the pieces below it, and the only place where an
error becomes an exit status. Imports are lazy so `mlbot ask` starts about as fast as Python does."""
from __future__ import annotations

import argparse
import enum
import json
import os
import sys
from typing import Callable, NoReturn, Sequence

from .errors import MlbotError, UsageError


class ExitStatus(enum.IntEnum):
    OK = 0                # answered, chit-chat, or a batch that ran to its end
    NO_ANSWER = 1         # one question, and no confident answer (no_answer or ambiguous)
    ERROR = 2             # usage or input error
    INTERRUPTED = 130     # Ctrl-C


DESCRIPTION = """\
Ask your documents questions, offline. With no command, starts the chat on the bundled article
(or on --docs / $MLBOT_DOCS).

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
    p.add_argument("--docs", nargs="+", metavar="PATH", default=None,
                   help="files or folders to answer from (default: $MLBOT_DOCS, else the bundled article)")


def _common(p: argparse.ArgumentParser) -> None:
    _docs_option(p)
    p.add_argument("--threshold", type=float, default=None, metavar="X",
                   help="confidence (0-100) below which the bot says it does not know (default: 40); raise it "
                        "for fewer wrong answers, lower it for more answers")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlbot", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--traceback", action="store_true", help="show the full traceback on errors (or MLBOT_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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

    p = sub.add_parser("chat", help="talk to the bot in the terminal (the default command)")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--traceback" in argv or bool(os.environ.get("MLBOT_DEBUG"))
    try:
        status = _dispatch(argv)
    except KeyboardInterrupt:
        _stderr("interrupted")
        status = ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`mlbot ask - | head -1`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = ExitStatus.OK
    except MlbotError as e:
        if debug:
            raise
        _stderr(str(e))
        status = e.exit_status
    except Exception as e:  # noqa: BLE001 - the last resort: one line, and how to see more
        if debug:
            raise
        _stderr(f"unexpected error: {e.__class__.__name__}: {e} (run with --traceback for details)")
        status = ExitStatus.ERROR
    return int(status)


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
            raise UsageError(f"unknown command {argv[0]!r}: try one of {', '.join(COMMANDS)} (see 'mlbot --help')")
        argv = ["chat", *[a for a in argv if a != "--traceback"]]
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)


def _warn(message: str) -> None:
    _stderr(f"warning: {message}")


def _load(args: argparse.Namespace, *, progress: bool = False):
    from .bot import DEFAULT_THRESHOLD, Bot
    from .store import open_index

    threshold = DEFAULT_THRESHOLD if getattr(args, "threshold", None) is None else args.threshold
    docs = args.docs or _env_docs()
    kb = open_index(docs, warn=_warn, progress=_progress() if progress else None)
    return Bot(kb, threshold)


def _env_docs() -> list[str] | None:
    value = os.environ.get("MLBOT_DOCS")
    return [p for p in value.split(os.pathsep) if p] if value else None


def _progress() -> Callable[[str, int, int], None] | None:
    """Return a progress callback drawing a rich bar on stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None
    from .render import console
    from rich.progress import Progress

    bar = Progress(console=console(stderr=True), transient=True)
    tasks: dict[str, int] = {}

    def update(what: str, done: int, total: int) -> None:
        if what not in tasks:
            bar.start()
            tasks[what] = bar.add_task(what, total=total)
        bar.update(tasks[what], completed=done)
        if done >= total:
            bar.stop()

    return update


# ------------------------------------------------------------------------------------------------------- ask

def cmd_ask(args: argparse.Namespace) -> int:
    from .bot import clean_question

    if args.top_k < 1:
        raise UsageError(f"--top-k must be at least 1, not {args.top_k}")
    batch = args.question == ["-"]
    if not batch:
        question = clean_question(" ".join(args.question))
    bot = _load(args)
    log = _feedback_log(args)
    show = _printer(args)
    if not batch:
        reply = bot.ask(question, args.top_k)
        _log_reply(log, reply)
        show(reply)
        return ExitStatus.OK if reply.status in ("answered", "chitchat") else ExitStatus.NO_ANSWER
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").strip()
        if not line.strip():
            continue
        try:
            reply = bot.ask(line, args.top_k)
        except UsageError:   # a line of control characters only: nothing to ask
            continue
        _log_reply(log, reply)
        show(reply)
    sys.stdout.flush()
    return ExitStatus.OK


def _printer(args: argparse.Namespace) -> Callable:
    if args.json:
        def show_json(reply) -> None:
            sys.stdout.write(json.dumps(reply.to_dict(), ensure_ascii=False) + "\n")
        return show_json
    if _fancy():
        from .render import console, rich_reply
        out = console()

        def show_rich(reply) -> None:
            out.print(rich_reply(reply, explain=args.explain))
            if args.explain:
                _explain(args, reply, out)
        return show_rich
    from .render import plain_reply

    def show_plain(reply) -> None:
        sys.stdout.write(plain_reply(reply, explain=args.explain) + "\n")
        if args.explain:
            _explain(args, reply, None)
    return show_plain


def _fancy() -> bool:
    """True when stdout is a terminal that wants colour (not piped, no NO_COLOR, not TERM=dumb)."""
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _explain(args, reply, out) -> None:
    pass


def _feedback_log(args):
    return None


def _log_reply(log, reply) -> None:
    pass


# ------------------------------------------------------------------------------------------------------ chat

def cmd_chat(args: argparse.Namespace) -> int:
    from .repl import run_chat
    bot = _load(args, progress=True)
    return run_chat(bot, log=_feedback_log(args))


# ------------------------------------------------------------------------------------------------------ eval

def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, read_labelled
    from .store import bundled_docs

    path = args.file or str(bundled_docs().with_name("dev-questions.jsonl"))
    labelled = read_labelled(path)
    bot = _load(args)
    report = evaluate(bot, labelled)
    if args.json:
        print(json.dumps(report.to_dict()))
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
    from .store import describe, open_index

    t = time.perf_counter()
    kb = open_index(args.docs or _env_docs(), warn=_warn, progress=_progress(), rebuild=args.rebuild)
    elapsed = time.perf_counter() - t
    d = describe(kb)
    kinds: dict[str, int] = {}
    for f in kb.meta.get("files", []):
        ext = os.path.splitext(f["path"])[1].lower() or "(none)"
        kinds[ext] = kinds.get(ext, 0) + 1
    print(f"indexed {d['entries']} entries ({d['faq_questions']} FAQ questions) from {d['files']} files "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) in {elapsed:.2f} s")
    print(f"vocabulary: {', '.join(f'{k} {v}' for k, v in d['vocabulary'].items())}")
    print(f"cache: {d['cache'] or '(in memory only)'} ({d['cache_bytes'] / 1e6:.1f} MB)")
    return ExitStatus.OK


def cmd_info(args: argparse.Namespace) -> int:
    from .store import describe, open_index

    kb = open_index(args.docs or _env_docs(), warn=_warn)
    d = describe(kb)
    d["documents"] = [f["path"] for f in kb.meta.get("files", [])]
    d["warnings"] = kb.warnings
    if args.json:
        print(json.dumps(d, ensure_ascii=False))
        return ExitStatus.OK
    from .render import safe
    print(f"title: {safe(d['title']) or '(none)'}")
    print(f"documents: {d['files']}  entries: {d['entries']}  FAQ questions: {d['faq_questions']}")
    for p in d["documents"][:50]:
        print(f"  {safe(p)}")
    if len(d["documents"]) > 50:
        print(f"  … and {len(d['documents']) - 50} more")
    print(f"vocabulary: {', '.join(f'{k} {v}' for k, v in d['vocabulary'].items())}")
    print(f"cache: {d['cache'] or '(in memory only)'} ({d['cache_bytes'] / 1e6:.1f} MB)")
    for w in d["warnings"]:
        print(f"warning: {safe(w)}")
    return ExitStatus.OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "chat": cmd_chat, "ask": cmd_ask, "eval": cmd_eval, "index": cmd_index, "info": cmd_info,
}
