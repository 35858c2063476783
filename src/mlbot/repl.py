"""The chat: a prompt-toolkit session with history, completion of the documents' questions, slash commands and
numbered choices, printing replies through render.py."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from .bot import Bot, Reply
from .chitchat import classify
from .errors import MlbotError
from .paths import xdg_home
from .render import console, numbered_item, plain_explanation, plain_match, plain_reply, rich_reply, safe
from .sanitize import decode_input

HELP = """\
Ask a question in your own words and press Enter. Commands:
  /help            this help
  /list            what the documents answer: their questions and headings
  /more            more answers to the last question, then the paragraphs around it
  /why             why the bot chose its answer: the terms that matched and the runner-up
  /sources         where the last answers came from, and the documents loaded
  /good, /bad      tell the bot whether the last answer was right
  /quit            leave (or Ctrl-D, or type exit)
A number picks one of the numbered choices the bot offered.
Tab completes the documents' own questions and headings; Ctrl-C clears the line."""

QUIT = {"/quit", "/exit", "/q", "exit", "quit", ":q"}
LIST_MAX = 200   # /list numbers this many of what the documents answer


def history_path() -> Path:
    return xdg_home("XDG_STATE_HOME") / "mlbot" / "history"


@dataclass
class ChatState:
    """What the chat remembers between turns: the last reply, the choices on offer, how far /more has gone."""

    last: Reply | None = None
    choices: list[int] = field(default_factory=list)   # entries offered as numbered choices
    listed: bool = False   # the choices are /list's, not the last reply's
    shown: int = 1
    verdict: bool | None = None   # /good (True) or /bad (False) said of the last reply


class Chat:
    """One chat: reads a line, answers it, and keeps the state that numbered choices and /more need."""

    def __init__(self, bot: Bot, log=None, out=None, reopen=None, plain: bool = False) -> None:
        self.bot = bot
        self.session = bot.session()
        self.log = log
        # plain: replies as `mlbot ask` prints them piped (or with TERM=dumb), without panels and unwrapped
        self.plain = plain
        self.out = out or console(soft_wrap=plain)
        self.state = ChatState()
        # reopen() -> a Bot on the documents as they are now, or None while they are unchanged (cli.cmd_chat)
        self.reopen = reopen

    def refresh(self) -> bool:
        """Answer from the documents as they are now: edited, added or removed since the last question, they are
        read again (as `mlbot ask` would), and what was on offer from the old index is dropped. Return whether
        they were."""
        if self.reopen is None:
            return False
        try:
            bot = self.reopen()
        except MlbotError as e:
            from rich.text import Text
            self.out.print(Text(f"{safe(str(e))} (answering from the documents as they were)", style="yellow"))
            return False
        if bot is None:
            return False
        from rich.text import Text
        self.bot, self.session, self.state = bot, bot.session(), ChatState()
        self.out.print(Text("(the documents changed: answering from them as they are now)", style="dim"))
        return True

    # ------------------------------------------------------------------------------------------ the loop
    def banner(self) -> None:
        from rich.text import Text
        title = safe(self.bot.title) or "your documents"
        self.out.print(Text.assemble(("mlbot", "bold cyan"), " · answering from ", (title, "bold")))
        examples = self.bot.example_entries(3)
        if examples:   # numbered as every other list the chat shows: typing 1 at once asks the first
            self.out.print(Text("Try (type a number to ask):", style="dim"))
            for n, (_, q) in enumerate(examples, 1):
                self.out.print(Text(f"  {numbered_item(n, q)}"))
            self.state.choices = [i for i, _ in examples]
            self.state.listed = True   # browsing: a pick says nothing of a question asked before
        skipped = self.bot.kb.skipped()
        if skipped:   # told once when the index was built; a chat on a cached index would never hear of them
            many = len(skipped) > 1
            self.out.print(Text(f"{len(skipped)} file{'s' * many} of the documents {'were' if many else 'was'} skipped "
                                f"({safe(', '.join(skipped[:2]))}{' …' if len(skipped) > 2 else ''}): 'mlbot info' "
                                f"says why.", style="yellow"))
        notes = "Type /help for commands, /quit or Ctrl-D to leave."
        if self.log is not None and self.log.enabled:
            notes += " Unanswered questions are logged for 'mlbot review' (--no-log or MLBOT_NO_LOG=1 to stop)."
        self.out.print(Text(notes, style="dim"))

    def handle(self, line: str) -> bool:
        """Answer one line of input; return False when the user wants to leave."""
        text = " ".join(line.split())
        if not text:
            return True
        low = text.lower()
        if low in QUIT:
            return False
        if classify(text) == "goodbye":   # "bye": said back, and the chat ends as the user expects
            self.answer(text)
            return False
        if low.startswith("/"):
            self.command(low.split()[0])
            return True
        if low.isdigit() and self.state.choices:
            if self.refresh():   # the choices were the old documents': the entries they name may be gone
                from rich.text import Text
                self.out.print(Text("Those choices were from the documents as they were: ask again.", style="yellow"))
                return True
            n = int(low)
            if 1 <= n <= len(self.state.choices):
                self.pick(self.state.choices[n - 1])
                return True
            if len(low) <= 2:   # a slip of the finger, not a question (nor one to log for `mlbot review`)
                from rich.text import Text
                last = len(self.state.choices)
                self.out.print(Text(f"There {'is' if last == 1 else 'are'} {last} to pick from: type "
                                    f"{'1' if last == 1 else f'a number from 1 to {last}'}, or ask a question.",
                                    style="yellow"))
                return True
        self.answer(text)
        return True

    def answer(self, text: str) -> None:
        self.refresh()
        try:
            reply = self.session.ask(text, top_k=10)
        except MlbotError as e:
            from rich.text import Text
            self.out.print(Text(safe(str(e)), style="yellow"))
            return
        if self.log is not None:
            self.log.record(reply)
        self.show(reply)
        if reply.status == "chitchat" and classify(text) == "help":
            from rich.text import Text
            self.out.print(Text("Type /help for the chat's commands.", style="dim"))

    def show(self, reply: Reply) -> None:
        self.state.last = reply
        self.state.shown = 1
        self.state.verdict = None
        self.state.choices = []
        self.state.listed = False
        # The suggestions after a refusal can be picked by number: each names an entry.
        pickable = reply.status == "no_answer" and bool(reply.suggestions) \
            and len(reply.suggested) == len(reply.suggestions)
        shown = replace(reply, results=reply.results[:max(3, reply.choices)])
        numbered = reply.status != "no_answer" or pickable
        if self.plain:
            from rich.text import Text
            self.out.print(Text(plain_reply(shown, numbered=numbered)))
        else:
            self.out.print(rich_reply(shown, numbered=numbered))
        if reply.status == "ambiguous":
            self.state.choices = [m.index for m in reply.results[:reply.choices]]
            self.state.shown = reply.choices
        elif pickable:
            self.state.choices = list(reply.suggested)
        elif reply.status == "answered":
            self.offer_related(reply)

    def offer_related(self, reply: Reply) -> None:
        from rich.text import Text
        related = self.bot.related(reply.results[0].index)
        if not related:
            return
        self.out.print(Text("Related questions (type a number to ask):", style="dim"))
        for n, (_, q) in enumerate(related, 1):
            self.out.print(Text(f"  {numbered_item(n, q)}", style="dim"))
        self.state.choices = [i for i, _ in related]

    def pick(self, index: int) -> None:
        asked = self.state.last
        # A pick after a "did you mean" or a refusal says which entry the question was after (mlbot review); a pick
        # from /list may be browsing, and says nothing of the last question.
        chose = asked is not None and asked.status in ("ambiguous", "no_answer") and not self.state.listed
        reply = self.bot.reply_for(index, asked.question if chose else None)
        # What the user picked is what a follow-up ("how long does that take?") is about, not the words they typed
        # before it.
        self.session.remember(replace(reply, question=reply.results[0].name or reply.question))
        if self.log is not None and chose:
            self.log.resolved(asked, reply)
        self.show(reply)

    # -------------------------------------------------------------------------------------- slash commands
    def command(self, cmd: str) -> None:
        from rich.text import Text
        if cmd in ("/help", "/h", "/?"):
            self.out.print(Text(HELP))
        elif cmd == "/list":
            self.list_contents()
        elif cmd == "/more":
            self.more()
        elif cmd == "/why":
            self.why()
        elif cmd == "/sources":
            self.sources()
        elif cmd in ("/good", "/bad"):
            self.feedback(cmd == "/good")
        else:
            self.out.print(Text(f"unknown command {cmd}; type /help", style="yellow"))

    def list_contents(self) -> None:
        """Number what the documents answer (their questions, and the headings that name paragraphs) to pick from."""
        from rich.text import Text
        listed = self.bot.contents()
        if not listed:
            self.out.print(Text("These documents have no FAQ questions or headings; ask about anything they cover."))
            return
        self.out.print(Text("What the documents answer (type a number to ask):", style="dim"))
        from .render import told_apart
        for n, name in enumerate(told_apart(listed[:LIST_MAX], self.bot.kb.entry), 1):
            self.out.print(Text(numbered_item(n, name, 3)))
        if len(listed) > LIST_MAX:
            self.out.print(Text(f"… and {len(listed) - LIST_MAX} more", style="dim"))
        self.state.choices = [i for i, _ in listed[:LIST_MAX]]
        self.state.listed = True

    def more(self) -> None:
        from rich.text import Text
        last = self.state.last
        if last is None or not last.results:
            self.out.print(Text("Ask a question first.", style="dim"))
            return
        nxt = last.results[self.state.shown:self.state.shown + 3]
        if nxt:
            for m in nxt:
                self.print_match(m)
            self.state.shown += len(nxt)
            return
        around = self.bot.neighbours(last.results[0].index) if self.state.shown <= len(last.results) else []
        if not around:
            self.out.print(Text("No more answers to that question.", style="dim"))
            return
        self.out.print(Text("Around that answer in its document:", style="dim"))
        for i in around:
            self.print_match(self.bot.reply_for(i, last.question, "beside that answer").results[0])
        self.state.shown = len(last.results) + 1

    def why(self) -> None:
        from rich.text import Text

        from .render import rich_explanation
        last = self.state.last
        if last is None or not last.results:
            self.out.print(Text("Ask a question first.", style="dim"))
            return
        x = self.bot.explain(last)
        self.out.print(Text(plain_explanation(x)) if self.plain else rich_explanation(x))

    def print_match(self, m) -> None:
        from rich.text import Text

        from .render import match_panel
        self.out.print(Text(plain_match(m)) if self.plain else match_panel(m))

    def sources(self) -> None:
        from rich.text import Text

        from .render import where
        last = self.state.last
        if last is not None and last.results:
            for m in last.results[:self.state.shown]:
                self.out.print(Text(f"• {where(m)}  ({m.confidence:.0f}%)"))
        files = self.bot.kb.read_paths()
        self.out.print(Text(f"Documents ({len(files)}): " + ", ".join(safe(f) for f in files[:20])
                            + (" …" if len(files) > 20 else ""), style="dim"))

    def feedback(self, good: bool) -> None:
        from rich.text import Text
        last = self.state.last
        if last is None:
            self.out.print(Text("Ask a question first.", style="dim"))
            return
        saved = self.log.feedback(last, good) if self.log is not None else None
        if saved is False:
            self.out.print(Text("Noted, but the feedback could not be saved (see the warning above).",
                                style="yellow"))
        elif self.log is None or not self.log.enabled:
            self.out.print(Text("Thanks — noted for this chat (logging is off, so it is not saved).", style="dim"))
        elif self.state.verdict is not None and self.state.verdict != good:
            self.out.print(Text(f"Changed to {'good' if good else 'bad'}: the last word on an answer is the one kept.",
                                style="dim"))
        else:
            self.out.print(Text("Thanks — feedback recorded." + ("" if good else " See it with 'mlbot review'."),
                                style="dim"))
        self.state.verdict = good


def run_chat(bot: Bot, log=None, reopen=None, plain: bool = False, keep_history: bool = True) -> int:
    """Run the chat until the user leaves; return the exit status (0). `reopen`, `plain`: see Chat. keep_history:
    keep the input history in history_path() (the cli turns it off for MLBOT_NO_HISTORY)."""
    chat = Chat(bot, log, reopen=reopen, plain=plain)
    if not sys.stdin.isatty():
        return _run_plain(chat)
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    history = InMemoryHistory()
    if keep_history:
        path = history_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Questions to a help desk can be personal: the history is the user's alone, as a shell's is.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            history = _questions_only(FileHistory)(str(path))
        except OSError:
            pass
    session: PromptSession = PromptSession(history=history, auto_suggest=AutoSuggestFromHistory(),
                                           completer=QuestionCompleter(chat), complete_while_typing=False,
                                           enable_history_search=False)
    chat.banner()
    while True:
        try:
            line = session.prompt("› ")
        except KeyboardInterrupt:       # Ctrl-C clears the line, the chat goes on
            continue
        except EOFError:                # Ctrl-D leaves
            break
        try:
            if not chat.handle(line):
                break
        except KeyboardInterrupt:
            # On a line of its own: the terminal has echoed "^C" where the cursor was.
            chat.out.print("\n(interrupted)" if chat.out.is_terminal else "(interrupted)", style="dim")
    return 0


def _questions_only(history_class):
    """history_class keeping what was asked, not a number picking one of the choices of the moment (recalled later,
    it would pick whatever is on offer then) nor a way out."""
    class QuestionHistory(history_class):
        def append_string(self, string: str) -> None:
            low = string.strip().lower()
            if not low.isdigit() and low not in QUIT and classify(low) != "goodbye":
                super().append_string(string)
    return QuestionHistory


def _run_plain(chat: Chat) -> int:
    """The chat without a terminal (input piped in): one line in, one reply out."""
    chat.banner()
    for raw in sys.stdin.buffer:
        line = decode_input(raw)
        if line.strip():
            chat.out.print()   # a blank line between turns: no prompt sets them apart
        if not chat.handle(line):
            break
    return 0


class QuestionCompleter:
    """Tab completion: the documents' own questions (and the headings that name paragraphs) containing what was typed,
    and the slash commands."""

    def __new__(cls, chat: Chat):
        from prompt_toolkit.completion import Completer, Completion

        listed: dict = {}

        def questions() -> list[str]:   # the chat's documents may be read again: listed once per index
            if listed.get("bot") is not chat.bot:
                listed.update(bot=chat.bot, questions=[q for _, q in chat.bot.contents()])
            return listed["questions"]
        commands = ["/help", "/list", "/more", "/why", "/sources", "/good", "/bad", "/quit"]

        class _Completer(Completer):
            def get_completions(self, document, complete_event):
                typed = document.text_before_cursor
                low = typed.lower().strip()
                pool = commands if low.startswith("/") else questions()
                count = 0
                for q in pool:
                    if low in q.lower():
                        yield Completion(safe(q), start_position=-len(typed))
                        count += 1
                        if count >= 50:
                            return

        return _Completer()
