"""`mlbot chat` in a real pseudo-terminal, typed at as a person would. The screen is matched after stripping
terminal control sequences, so a colour change or a panel border between two words does not hide them."""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pytest

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r")
G = r"[\s\u2502|]+"     # between two words: spaces, a line break, or a panel border
PROMPT = r"›"
REFUSAL = r"(?i)(not sure|don't know|do not know|couldn't find|could not find|no (good )?answer)"
TIMEOUT = 20            # seconds for each screen to appear: the machine is shared


class Chat:
    """One `mlbot chat` in a pseudo-terminal: type lines, wait for what the screen should show, leave."""

    def __init__(self, args: list[str], env: dict[str, str | None] | None = None) -> None:
        e = dict(os.environ, TERM="xterm-256color",
                 PROMPT_TOOLKIT_NO_CPR="1")   # pexpect cannot answer prompt-toolkit's cursor-position query
        for k, v in (env or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        self.child = pexpect.spawn(sys.executable, ["-m", "mlbot", "chat", *args], env=e, dimensions=(40, 110),
                                   encoding="utf-8", timeout=TIMEOUT)
        self.raw = ""
        self.seen = 0

    def screen(self) -> str:
        return ANSI.sub("", self.raw)

    def _read(self) -> bool:
        try:
            self.raw += self.child.read_nonblocking(65536, timeout=0.2)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            return False
        return True

    def shows(self, pattern: str, timeout: float = TIMEOUT) -> re.Match:
        """Wait until the screen, past what earlier steps matched, shows pattern; return the match."""
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.screen()[self.seen:])
            if m:
                self.seen += m.end()
                return m
            if time.monotonic() > deadline or not self._read() and not re.search(pattern, self.screen()[self.seen:]):
                tail = self.screen()[-600:]
                raise AssertionError(f"the screen never showed {pattern!r}; its tail:\n{tail}")

    def ready(self) -> None:
        self.shows(PROMPT)

    def type(self, line: str, pattern: str) -> re.Match:
        """Type line and Enter at the prompt, then wait for pattern in what follows."""
        self.seen = len(self.screen())
        self.child.sendline(line)
        return self.shows(pattern)

    def quiet_after(self, seconds: float = 0.5) -> str:
        """Read for a moment and return what appeared."""
        start = len(self.screen())
        end = time.monotonic() + seconds
        while time.monotonic() < end and self._read():
            pass
        return self.screen()[start:]

    def exit_status(self) -> int | None:
        """Wait for the chat to end; return its exit status (None if it did not end)."""
        try:
            self.child.expect(pexpect.EOF, timeout=TIMEOUT)
        except pexpect.TIMEOUT:
            self.child.close(force=True)
            return None
        self.raw += self.child.before or ""
        self.child.close()
        return self.child.exitstatus

    def close(self) -> None:
        if self.child.isalive():
            self.child.close(force=True)


@pytest.fixture
def chat():
    """Return start(*args, env=None) -> a Chat whose prompt is ready; every chat is ended after the test."""
    started: list[Chat] = []

    def start(*args: str, env: dict[str, str | None] | None = None) -> Chat:
        c = Chat(list(args), env)
        started.append(c)
        c.ready()
        return c

    yield start
    for c in started:
        c.close()


def test_banner_names_the_document_and_offers_examples(chat, warm_cache):
    c = chat()
    banner = c.screen()
    assert re.search(rf"mlbot · answering from Why{G}the{G}Role{G}of{G}Ml{G}Engineer", banner)
    assert "Try (type a number to ask):" in banner
    assert "3. Can I work remotely as an Ml Engineer?" in banner
    c.type("3", rf"remote{G}work{G}is{G}common")   # a number at once asks that example
    assert "/help" in banner and "/quit" in banner


def test_answers_a_question_in_other_words(chat, warm_cache):
    c = chat()
    c.type("can I work from home as an ML engineer?", rf"(?i)remote{G}work{G}is{G}common")
    c.shows(rf"ml-engineer\.txt{G}›{G}Key{G}Insights")


def test_refuses_an_off_topic_question(chat, warm_cache):
    c = chat()
    c.type("how do I bake sourdough bread?", REFUSAL)


def test_ctrl_c_clears_a_half_typed_line_and_the_chat_goes_on(chat, warm_cache):
    c = chat()
    c.child.send("half typed line")
    c.shows("half typed line")
    c.child.sendintr()
    c.quiet_after(0.3)
    assert c.child.isalive()
    m = c.type("what skills do I need?", rf"(?i)linear{G}algebra|Python{G}or{G}R\b")
    assert "half typed line" not in m.string[:m.start()], "the cleared line must not be sent with the next one"
    c.child.sendline("/quit")
    assert c.exit_status() == 0


def test_help_lists_the_commands(chat, warm_cache):
    c = chat()
    c.type("/help", r"/quit")
    text = c.screen()
    for command in ("/list", "/more", "/why", "/sources", "/good"):
        assert command in text


def test_list_numbers_what_the_documents_answer_and_a_number_picks(chat, warm_cache):
    c = chat()
    # The FAQ questions and the headings that name the article's paragraphs, in document order.
    c.type("/list", rf"3\.{G}How{G}Ml{G}Engineers{G}Actually{G}Work")
    c.shows(rf"4\.{G}What{G}skills{G}and{G}training")
    c.shows(rf"7\.{G}What{G}are{G}the{G}main{G}challenges")
    c.type("3", rf"develop,{G}test,{G}and{G}deploy{G}models")


def test_more_why_and_sources_after_an_answer(chat, warm_cache):
    c = chat()
    c.type("/more", r"Ask a question first")
    c.type("/why", r"Ask a question first")
    c.type("can I work remotely as an ML engineer?", rf"remote{G}work{G}is{G}common")
    c.type("/why", rf"Why{G}this{G}answer:{G}Can{G}I{G}work{G}remotely")
    c.shows(r"(?i)work|remot")                       # a matched term of the question
    c.type("/sources", rf"•{G}ml-engineer\.txt{G}›{G}Key{G}Insights,{G}line{G}25")
    c.shows(r"Documents \(1\): ml-engineer\.txt")
    more = c.type("/more", r"confidence \d+%|beside that answer")
    assert "remote work is common" not in more.string[:more.start()], "/more shows other answers, not the same one"
    c.type("/sources", rf"•{G}ml-engineer\.txt{G}›{G}Key{G}Insights,{G}line{G}25")


def test_unknown_command_is_named(chat, warm_cache):
    c = chat()
    c.type("/frobnicate", r"unknown command /frobnicate; type /help")


def test_related_questions_can_be_picked_by_number(chat, warm_cache):
    c = chat()
    c.type("can I work remotely as an ML engineer?", r"Related questions \(type a number to ask\):")
    m = c.shows(r"1\. ([^\n]+)\n")
    first = m.group(1).strip()
    reply = c.type("1", r"your pick")   # no confidence: nothing measured a pick
    assert first.split()[0] in reply.string[:reply.end()]


def test_after_a_refusal_the_suggested_questions_can_be_picked_by_number(chat, warm_cache):
    c = chat()
    c.type("are hackathons useful", r"You could ask \(type a number to ask\):")
    first = c.shows(r"1\. ([^\n]+\?)").group(1).strip()
    reply = c.type("1", r"your pick")
    assert first.split()[0] in reply.string[:reply.end()]


def test_a_number_past_the_choices_asks_for_one_of_them(chat, warm_cache):
    c = chat()
    c.type("are hackathons useful", r"You could ask \(type a number to ask\):")
    c.type("7", rf"There{G}are{G}3{G}to{G}pick{G}from:{G}type{G}a{G}number{G}from{G}1{G}to{G}3,{G}or{G}ask")
    c.type("2", r"your pick")   # the choices still stand


def test_ambiguous_question_offers_numbered_choices_and_a_number_picks(chat, kb_md):
    c = chat(f"--docs={kb_md}")
    c.type("how long is the reset link valid", r"(?s)1\. How long is the (voicemail|account).*2\. How long is the")
    c.shows(r"Type 1(, 2)? or [23] to pick one")
    c.type("2", rf"48{G}hours|15{G}minutes")


def test_follow_up_question_is_read_in_context(chat, kb_md):
    c = chat(f"--docs={kb_md}")
    c.type("How do I reset my voicemail PIN?", rf"Dial{G}5000")
    c.type("and how long is the reset link valid?", rf"48{G}hours")


def test_the_chat_answers_from_documents_edited_while_it_runs(chat, kb_md):
    # As `mlbot ask` does: built once at the start, the chat went on with the old answers.
    c = chat(f"--docs={kb_md}")
    c.type("how do I renew my parking permit", rf"city{G}portal")
    text = kb_md.read_text(encoding="utf-8").replace("Renew it online at the city portal",
                                                     "Renew it at the front desk with a paper form")
    kb_md.write_text(text + "\n## Is there a canteen?\n\nYes, on the ground floor, open from noon to two.\n",
                     encoding="utf-8")
    os.utime(kb_md, ns=(time.time_ns(), time.time_ns() + 2_000_000_000))
    c.type("how do I renew my parking permit", rf"the{G}documents{G}changed")
    c.shows(rf"paper{G}form")
    c.type("is there a canteen", rf"ground{G}floor")


def test_feedback_commands_answer(chat, warm_cache):
    c = chat()
    c.type("/good", r"Ask a question first")
    c.type("can I work remotely as an ML engineer?", rf"remote{G}work{G}is{G}common")
    c.type("/bad", r"(?i)thanks|noted|recorded")


def test_hostile_document_cannot_drive_the_terminal(chat, tmp_path):
    kb = tmp_path / "badge.md"
    kb.write_text("## What colour is the staff badge?\n\nThe badge is [bold red]green[/bold red]. "
                  "\x1b]0;owned\x07\x1b[2J\x1b]52;c;b3duZWQ=\x07Ask at the desk.\n")
    c = chat(f"--docs={kb}")
    c.type("what colour is the staff badge", rf"Ask{G}at{G}the{G}desk")
    assert "[bold red]green[/bold red]" in c.screen()
    assert "owned" not in c.raw and "b3duZWQ=" not in c.raw


@pytest.mark.parametrize("leave", ["exit", "/quit", "quit", "ctrl-d"])
def test_leaving_exits_0(chat, warm_cache, leave):
    c = chat()
    if leave == "ctrl-d":
        c.child.sendcontrol("d")
    else:
        c.child.sendline(leave)
    assert c.exit_status() == 0


def test_ctrl_d_after_a_question_exits_0(chat, warm_cache):
    c = chat()
    c.type("hello", r"(?i)hello")
    c.shows(PROMPT)
    c.child.sendcontrol("d")
    assert c.exit_status() == 0


@pytest.mark.parametrize("value, keep", [(None, True), ("1", False), ("0", True), ("off", True)],
                         ids=["history-on", "MLBOT_NO_HISTORY=1", "MLBOT_NO_HISTORY=0", "MLBOT_NO_HISTORY=off"])
def test_history_file_follows_mlbot_no_history(chat, warm_cache, value, keep):
    history = Path(os.environ["XDG_STATE_HOME"]) / "mlbot" / "history"
    c = chat(env={"MLBOT_NO_HISTORY": value})
    c.type("can I work remotely as an ML engineer?", rf"remote{G}work{G}is{G}common")
    c.child.sendline("/quit")
    assert c.exit_status() == 0
    if keep:
        assert "can I work remotely as an ML engineer?" in history.read_text(encoding="utf-8")
        assert history.stat().st_mode & 0o077 == 0, "the history is the user's alone"
    else:
        assert not history.exists()
        assert not any(Path(os.environ["XDG_STATE_HOME"]).rglob("*history*"))


def test_piped_chat_answers_each_line(run_mlbot, warm_cache):
    """Without a terminal, the chat reads lines from stdin and answers each (a scripted session)."""
    p = run_mlbot("chat", input=b"can I work remotely as an ML engineer?\n/list\nexit\nhello\n")
    assert p.returncode == 0
    out = p.stdout.decode()
    assert "remote work is common" in " ".join(out.replace("│", " ").split())
    assert "  7. What are the main challenges in this role?" in out
    assert "Hello!" not in out, "nothing after exit is answered"
    assert b"Traceback" not in p.stderr


def test_pasting_several_lines_asks_one_question(chat, warm_cache):
    """A bracketed paste of two lines is one question, answered once, not two half questions."""
    c = chat()
    c.seen = len(c.screen())
    c.child.send("\x1b[200~can I work\nremotely as an ML engineer?\x1b[201~")
    c.quiet_after(0.3)
    c.child.send("\r")
    c.shows(rf"(?i)remote{G}work{G}is{G}common")
    later = c.quiet_after(1.0)
    assert "not sure" not in later.lower() and "couldn't find" not in later.lower()
    assert len(re.findall(r"Can I work remotely as an Ml Engineer\?", c.screen())) >= 1


def test_a_first_ask_in_a_terminal_shows_its_build_and_a_second_does_not(kb_md):
    """A first `mlbot ask` of a folder builds its index: on a terminal, the bar says so rather than a silent wait."""
    def ask() -> str:
        child = pexpect.spawn(sys.executable, ["-m", "mlbot", "ask", "--docs", str(kb_md), "where do I renew my parking "
                              "permit"], env=dict(os.environ, TERM="xterm-256color"), dimensions=(40, 110),
                              encoding="utf-8", timeout=TIMEOUT * 3)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        return ANSI.sub("", child.before)

    first = ask()
    assert re.search(r"reading documents|building the index", first), first
    assert re.search(r"city\s+portal", first)
    second = ask()
    assert not re.search(r"reading documents|building the index", second) and re.search(r"city\s+portal", second)
