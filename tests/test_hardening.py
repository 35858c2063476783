"""Bad input, hostile documents, broken caches and interrupts, tried as a careless or hostile user would. Every
case must end in an answer, a refusal or a one-line message with the right exit status: never a traceback, a
hang, escape sequences reaching the terminal, or code run from a cache."""
from __future__ import annotations

import concurrent.futures
import functools
import json
import os
import pickle
import random
import re
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlbot.analyze import ANALYZERS, words
from mlbot.index import build_space, make_vectorizer

REMOTE = "can I work remotely as an ML engineer?"
PARKING = "how do I renew the parking permit"
SGR = re.compile(rb"\x1b\[[0-9;]*m")


def squash(data: bytes) -> bytes:
    return b" ".join(data.split())


def clean(p) -> bool:
    """True when neither output stream carries a traceback."""
    return b"Traceback" not in p.stderr and b"Traceback" not in p.stdout


def json_lines(p) -> list[dict]:
    return [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line.strip()]


def has_controls(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text)


@pytest.fixture
def good_md(tmp_path: Path) -> Path:
    """A folder holding one good Markdown FAQ about the parking permit."""
    d = tmp_path / "docs"
    d.mkdir()
    (d / "good.md").write_text("## How do I renew my parking permit?\n\n"
                               "Renew it online at the city portal before the first of the month.\n")
    return d


# --- questions ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["", "   ", "\t\n", "\x1b[2J\x07", "\x01\x02\x7f"],   # (argv cannot hold NUL)
                         ids=["empty", "spaces", "tab-newline", "escapes-only", "controls-only"])
def test_nothing_to_ask_exits_2_with_a_message(run_mlbot, warm_cache, question):
    p = run_mlbot("ask", question)
    assert p.returncode == 2 and clean(p)
    assert p.stderr.decode().count("\n") == 1 and b"question is empty" in p.stderr
    assert p.stdout == b""


@pytest.mark.parametrize("question", ["remote work " * 90_000, "a" * 1_000_000, "🙂" * 300_000],
                         ids=["1MB-of-words", "1MB-token", "1MB-emoji"])
def test_a_megabyte_question_is_answered_or_refused_cleanly(run_mlbot, warm_cache, question):
    p = run_mlbot("ask", "--json", "-", input=(question + "\n").encode(), timeout=120)
    assert p.returncode == 0 and clean(p), p.stderr[-300:]
    [d] = json_lines(p)
    assert d["status"] in ("answered", "ambiguous", "no_answer", "chitchat")


def test_a_100kb_question_on_the_command_line(run_mlbot, warm_cache):
    p = run_mlbot("ask", "remote work " * 9000)
    assert p.returncode in (0, 1) and clean(p)
    assert p.stdout.strip()


def test_odd_questions_in_one_batch_each_get_a_reply(run_mlbot, warm_cache):
    odd = ["🙂🙂🙂", "¿Dónde está la cantina?", "\u202eevil right-to-left", "' OR 1=1 --", "%s%s%n%x", "{{7*7}}",
           "../../../etc/passwd", "$(touch /tmp/mlbot-pwned)", "<script>alert(1)</script>", "null", "[]", "?",
           "ML " * 500, "résumé naïve café", "中文问题是什么", "Ωμέγα"]
    p = run_mlbot("ask", "--json", "-", input="\n".join(odd).encode() + b"\n")
    assert p.returncode == 0 and clean(p)
    got = json_lines(p)
    assert len(got) == len(odd)
    assert [d["question"] for d in got[:3]] == odd[:3]
    assert not Path("/tmp/mlbot-pwned").exists()


QUESTION_ESCAPES = "can I work remotely?\x1b]0;pwned\x07\x1b[2J\x1b[31m\x9b2J\x08\x08"


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1", "COLUMNS": "300"}], ids=["piped", "FORCE_COLOR"])
def test_escape_sequences_in_a_question_are_not_echoed(run_mlbot, warm_cache, env):
    p = run_mlbot("ask", QUESTION_ESCAPES, env=env)
    assert p.returncode in (0, 1) and clean(p)
    rest = SGR.sub(b"", p.stdout) if env else p.stdout
    assert b"\x1b" not in rest and b"\x9b" not in rest and b"\x08" not in rest, rest[-300:]


def test_escape_sequences_in_a_question_are_not_in_its_json(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", QUESTION_ESCAPES)
    [d] = json_lines(p)
    assert not has_controls(d["question"]), d["question"]
    assert d["question"].startswith("can I work remotely?")


def test_non_utf8_bytes_in_a_batch(run_mlbot, warm_cache):
    lines = [REMOTE.encode(), b"\xff\xfe\xfa bad bytes \xc3\x28", "caf\xe9 remote work".encode("latin-1"),
             b"remote\x00work", b"how long does it take to gain practical experience"]
    p = run_mlbot("ask", "--json", "-", input=b"\n".join(lines) + b"\n")
    assert p.returncode == 0 and clean(p), p.stderr
    got = json_lines(p)
    assert len(got) == 5
    assert "bad bytes" in got[1]["question"]
    assert got[2]["question"].startswith("caf") and got[2]["question"].endswith("remote work")
    assert "12 to 24 months" in got[4]["results"][0]["text"]
    assert not any(has_controls(d["question"]) for d in got)


def test_a_20000_question_batch_is_answered_line_for_line(run_mlbot, warm_cache):
    asked = ["can I work remotely?", "how long does it take to gain practical experience", "hello",
             "how do I bake sourdough bread?"]
    questions = [asked[i % 4] for i in range(20_000)]
    p = run_mlbot("ask", "--json", "-", input=("\n".join(questions) + "\n").encode(), timeout=300)
    assert p.returncode == 0 and clean(p), p.stderr[-300:]
    lines = p.stdout.splitlines()
    assert len(lines) == 20_000
    for i in (0, 1, 2, 3, 9_999, 19_998):
        assert json.loads(lines[i])["question"] == questions[i]


@pytest.mark.parametrize("command", [["ask", "-"], ["ask", "--json", "-"], ["chat"]], ids=["plain", "json", "chat"])
def test_a_reader_that_stops_early_gets_no_broken_pipe_noise(warm_cache, tmp_path, command):
    """`mlbot ask - | head -1` (or a chat fed from a file): the reader goes away after one line; mlbot stops
    quietly, with status 0."""
    questions = tmp_path / "questions.txt"
    questions.write_text(f"{REMOTE}\n" * 3000)
    with questions.open("rb") as stdin:
        p = subprocess.Popen([sys.executable, "-m", "mlbot", *command], stdin=stdin,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = p.stdout.readline()
        p.stdout.close()
        status = p.wait(timeout=120)
        err = p.stderr.read()
        p.stderr.close()
    assert first.strip()
    assert status == 0
    assert b"Broken" not in err and b"Traceback" not in err and b"Exception ignored" not in err, err


def test_head_1_in_a_shell_pipeline(warm_cache, tmp_path):
    script = f'printf "%s\\n" "{REMOTE}" "{REMOTE}" "{REMOTE}" | "{sys.executable}" -m mlbot ask - | head -2'
    p = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60, check=False)
    question, answer = p.stdout.decode().splitlines()   # a batch's reply under its question
    assert p.returncode == 0 and question == f"Q: {REMOTE}" and "remote work is common" in answer
    assert p.stderr == b""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "PYTHONUNBUFFERED"])
@pytest.mark.parametrize("command", [["ask", "--json", REMOTE], ["ask", REMOTE], ["info"]], ids=["json", "plain", "info"])
def test_a_full_disk_is_one_clear_line_not_an_unexpected_error(warm_cache, command, buffered):
    env = dict(os.environ, PYTHONUNBUFFERED="" if buffered else "1")
    with open("/dev/full", "wb") as full:
        p = subprocess.run([sys.executable, "-m", "mlbot", *command], stdin=subprocess.DEVNULL, stdout=full,
                           stderr=subprocess.PIPE, env=env, timeout=120, check=False)
    assert p.returncode == 2
    assert p.stderr.decode() == "mlbot: cannot write the output: No space left on device\n"


def test_a_closed_stdout_is_one_clear_line(warm_cache):
    p = subprocess.run([sys.executable, "-m", "mlbot", "ask", "--json", REMOTE], stdin=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1), timeout=120, check=False)
    assert p.returncode == 2
    assert p.stderr.decode() == "mlbot: cannot write the output: standard output is closed\n"


# --- documents ------------------------------------------------------------------------------------------------

def test_missing_docs_path(run_mlbot):
    p = run_mlbot("ask", "hello there", "--docs", "/nonexistent/kb")
    assert p.returncode == 2 and clean(p)
    assert p.stderr.decode().strip() == \
        "mlbot: no such file or folder: /nonexistent/kb (check the --docs path or MLBOT_DOCS)"


@pytest.mark.parametrize("make", [
    pytest.param(lambda d: None, id="empty-folder"),
    pytest.param(lambda d: (d / "empty.md").write_text(""), id="empty-file"),
    pytest.param(lambda d: (d / "blank.txt").write_text("\n \n\t\n"), id="blank-file"),
    pytest.param(lambda d: (d / "binary.txt").write_bytes(random.Random(1).randbytes(5000)), id="binary-file"),
    pytest.param(lambda d: (d / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(100)), id="unreadable-kind"),
    pytest.param(lambda d: (d / ".hidden.md").write_text("## Hidden?\n\nYes.\n"), id="only-hidden-file"),
])
def test_folders_with_nothing_to_answer_from_exit_2(run_mlbot, tmp_path, make):
    d = tmp_path / "kb"
    d.mkdir()
    make(d)
    p = run_mlbot("ask", "anything", f"--docs={d}")
    assert p.returncode == 2 and clean(p)
    last = p.stderr.decode().strip().splitlines()[-1]
    assert last.startswith("mlbot: ") and str(d) in last and ".md" in last


def test_bad_files_beside_good_ones_warn_and_the_rest_answers(run_mlbot, good_md):
    d = good_md
    (d / "binary.txt").write_bytes(random.Random(1).randbytes(5000))
    (d / "empty.md").write_text("")
    (d / "broken.jsonl").write_text('{"question": "Is there a staff discount?", "answer": "Yes, ten percent in the '
                                    'canteen."}\n{not json\n')
    (d / "bad.json").write_text('{"question": "unterminated", ')
    (d / "bad.csv").write_text('Question,Answer\n"Where do I park my bike?,"Bike racks are in the basement\n')
    p = run_mlbot("ask", "--json", "-", f"--docs={d}", input=f"{PARKING}\nis there a staff discount\n".encode())
    assert p.returncode == 0 and clean(p), p.stderr
    got = json_lines(p)
    assert "city portal" in got[0]["results"][0]["text"]
    assert "ten percent" in got[1]["results"][0]["text"]
    warnings = p.stderr.decode().splitlines()
    assert all(w.startswith("mlbot: warning: ") for w in warnings), warnings
    for bad in ("binary.txt", "empty.md", "broken.jsonl", "bad.json", "bad.csv"):
        assert sum(bad in w for w in warnings) == 1, f"expected one warning naming {bad}: {warnings}"
    assert not any("good.md" in w for w in warnings)


def test_files_and_folders_that_cannot_be_read_are_skipped_and_the_rest_answers(good_md, monkeypatch):
    # chmod 000 stops no one running as root (as CI does), so the operating system's refusal is played here.
    from mlbot.store import open_index

    d = good_md
    secret = d / "secret.md"
    secret.write_text("# Door\n\nThe door code is 1234.\n")
    (d / "locked").mkdir()
    (d / "locked" / "inner.md").write_text("# Inner\n\nInner text.\n")
    denied = {str(secret), str(d / "locked")}
    real_open, real_access, real_scandir = open, os.access, os.scandir

    def refuse(path, *args, **kwargs):
        if str(path) in denied:
            raise PermissionError(13, "Permission denied", str(path))
        return None

    monkeypatch.setattr("builtins.open", lambda p, *a, **k: refuse(p) or real_open(p, *a, **k))
    monkeypatch.setattr(Path, "read_bytes", lambda self: refuse(self) or real_open(self, "rb").read())
    monkeypatch.setattr(os, "access", lambda p, mode, **k: str(p) not in denied and real_access(p, mode, **k))
    monkeypatch.setattr(os, "scandir", lambda p=".": refuse(p) or real_scandir(p))
    said: list[str] = []
    kb = open_index([str(d)], warn=said.append)
    assert {e.source.path for e in kb.entries()} == {"good.md"}
    assert "skipped secret.md: cannot read it (Permission denied)" in said
    assert "skipped the folder locked: cannot list it (Permission denied)" in said
    denied.clear()   # readable again, with the same size and mtime: read this time
    assert {e.source.path for e in open_index([str(d)]).entries()} == {"good.md", "secret.md", "locked/inner.md"}
    denied.add(str(secret))   # and unreadable again: no longer answered from what it said before
    assert "secret.md" not in {e.source.path for e in open_index([str(d)]).entries()}


def test_many_files_skipped_for_one_reason_are_told_in_one_line(run_mlbot, good_md):
    d = good_md
    for n in range(5):
        (d / f"photo{n}.txt").write_bytes(random.Random(n).randbytes(3000))
    (d / "empty.md").write_text("")
    p = run_mlbot("ask", "--json", PARKING, f"--docs={d}")
    assert p.returncode == 0 and clean(p), p.stderr
    assert "city portal" in json_lines(p)[0]["results"][0]["text"]
    warnings = p.stderr.decode().splitlines()
    assert sorted(warnings) == [
        "mlbot: warning: skipped 5 files (photo0.txt, photo1.txt, photo2.txt and 2 more): looks like a binary file, "
        "not text",
        "mlbot: warning: skipped empty.md: no text to answer from"], warnings
    p = run_mlbot("info", "--json", f"--docs={d}")   # scripts still get every file's own warning
    assert sum("photo" in w for w in json.loads(p.stdout)["warnings"]) == 5
    p = run_mlbot("index", f"--docs={d}")   # and the files counted are those read
    assert re.search(rb"from 1 file \(1 \.md\)", p.stdout), p.stdout


@pytest.mark.parametrize("name, data, question, want", [
    ("latin1.md", "## Où est la cantine?\n\nLa cantine est au rez-de-chaussée, près de l'entrée.\n".encode("latin-1"),
     "où est la cantine", "rez-de-chaussée"),
    ("cp1252.md", "## Where is the café?\n\nThe café is next to the “quiet room”, open 8–5.\n".encode("cp1252"),
     "where is the cafe", "“quiet room”, open 8–5"),
    ("bom.md", b"\xef\xbb\xbf## Where is the lost and found?\n\nThe lost and found box is at reception.\n",
     "where is the lost and found", "box is at reception"),
    ("utf16.md", "## Where is the first aid kit?\n\nIt hangs next to the kitchen door.\n".encode("utf-16"),
     "where is the first aid kit", "next to the kitchen door"),
    ("crlf.md", b"## Where do I leave my coat?\r\n\r\nCoats go in the cloakroom by the lifts.\r\n",
     "where do I leave my coat", "cloakroom by the lifts"),
], ids=["latin-1", "cp1252", "utf8-bom", "utf16-bom", "crlf"])
def test_encodings_are_read(run_mlbot, tmp_path, name, data, question, want):
    doc = tmp_path / name
    doc.write_bytes(data)
    p = run_mlbot("ask", "--json", question, f"--docs={doc}")
    assert p.returncode == 0 and clean(p), p.stderr
    top = json_lines(p)[0]["results"][0]
    assert want in top["text"]
    assert top["question"] and top["question"].startswith(("Où", "Where")), "the heading is read as the question"


def test_a_single_5mb_line(run_mlbot, tmp_path):
    rng = random.Random(5)
    vocabulary = [f"{w}{n}" for w in ("alpha", "beta", "gamma", "delta", "omega") for n in range(400)]
    doc = tmp_path / "one-line.txt"
    doc.write_text("The vault code is 4711. " + " ".join(rng.choice(vocabulary) for _ in range(550_000)) + "\n")
    assert 4_500_000 < doc.stat().st_size < 6_000_000
    p = run_mlbot("ask", "--json", "what is the vault code", f"--docs={doc}", timeout=150)
    assert p.returncode in (0, 1) and clean(p), p.stderr[-300:]
    [d] = json_lines(p)
    assert d["results"] and d["results"][0]["text"].startswith("The vault code is 4711.")


def test_deeply_nested_html(run_mlbot, good_md):
    (good_md / "deep.html").write_text("<html><body>" + "<div>" * 20_000 + "<h2>Where is the vault?</h2><p>The vault "
                                       "is in the basement behind the boiler room.</p>" + "</div>" * 20_000)
    p = run_mlbot("ask", "--json", "-", f"--docs={good_md}", input=f"{PARKING}\nwhere is the vault\n".encode())
    assert p.returncode == 0 and clean(p), p.stderr[-300:]
    got = json_lines(p)
    assert "city portal" in got[0]["results"][0]["text"]
    vault = got[1]["results"][0]["text"] if got[1]["results"] else ""
    assert "boiler room" in vault or b"deep.html" in p.stderr, "answer from the page, or say it was skipped"


def test_two_thousand_tiny_files(run_mlbot, tmp_path):
    d = tmp_path / "lockers"
    d.mkdir()
    for i in range(2000):
        (d / f"locker-{i:04d}.md").write_text(f"## What is the code for locker {i}?\n\nLocker {i} opens with code "
                                              f"{i * 7 + 13}.\n")
    # The timeout guards against a hang, not a speed: about 20 s alone here, but over 170 s once with the machine's
    # two cores busy with a benchmark. The build reads every question and answer with the sentence model.
    p = run_mlbot("ask", "--json", "what is the code for locker 1234", f"--docs={d}", timeout=600)
    assert p.returncode == 0 and clean(p), p.stderr[-300:]
    top = json_lines(p)[0]["results"][0]
    assert top["source"]["path"] == "locker-1234.md" and "code 8651" in top["text"]
    info = json.loads(run_mlbot("info", "--json", f"--docs={d}").stdout)
    assert info["files"] == 2000 and info["entries"] == 2000


def test_a_symlink_loop_in_the_docs_folder(run_mlbot, good_md):
    (good_md / "loop").symlink_to(good_md, target_is_directory=True)
    (good_md / "sub").mkdir()
    (good_md / "sub" / "up").symlink_to(good_md, target_is_directory=True)
    p = run_mlbot("ask", PARKING, f"--docs={good_md}", timeout=60)
    assert p.returncode == 0 and clean(p)
    assert b"city portal" in squash(p.stdout)



def test_a_dangling_symlink_is_skipped_with_a_warning(run_mlbot, good_md):
    (good_md / "moved.md").symlink_to(good_md / "gone" / "moved.md")
    p = run_mlbot("ask", PARKING, f"--docs={good_md}")
    assert p.returncode == 0 and b"city portal" in squash(p.stdout)
    assert b"skipped moved.md: a symbolic link to " in p.stderr and b"which does not exist" in p.stderr
    assert b"Traceback" not in p.stderr

# --- hostile text -----------------------------------------------------------------------------------------------

HOSTILE_MD = ("## What colour is the staff badge?\n\nThe badge is [bold red]green[/bold red] with a "
              "[link=http://evil.example]logo[/link]. \x1b]0;owned\x07\x1b[31mRED\x1b[0m\x1b[2J "
              "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b]52;c;b3duZWQ=\x07done.\n"
              # ordinary text around the escapes, so the file reads as text, not as binary
              "\n## Where do I collect a new badge?\n\nNew badges are printed at the security desk in the lobby on "
              "weekdays between nine and five. Bring a photo ID and the email from your manager; replacement badges "
              "for lost ones cost ten euros and take a day.\n")


@pytest.mark.parametrize("fmt", [["--json"], []], ids=["json", "FORCE_COLOR"])
def test_document_markup_is_literal_and_its_escapes_never_reach_the_terminal(run_mlbot, tmp_path, fmt):
    doc = tmp_path / "badge\x1b[2J.md"
    doc.write_text(HOSTILE_MD)
    p = run_mlbot("ask", *fmt, "what colour is the staff badge", f"--docs={tmp_path}",
                  env={"FORCE_COLOR": "1", "COLUMNS": "300"})
    assert p.returncode == 0 and clean(p), p.stderr
    if fmt:
        top = json_lines(p)[0]["results"][0]
        assert "[bold red]green[/bold red]" in top["text"]     # the data is the document's, as written
        return
    assert b"\x1b[" in p.stdout, "FORCE_COLOR should give the rich output"
    text = SGR.sub(b"", p.stdout)
    assert b"[bold red]green[/bold red]" in text
    assert b"[link=http://evil.example]logo[/link]" in text
    assert b"\x1b" not in text, text                       # only rich's own colours, nothing from the document
    assert b"owned" not in p.stdout and b"b3duZWQ=" not in p.stdout
    assert b"badge.md" in squash(text)


def test_hostile_file_name_is_shown_without_its_escapes(run_mlbot, tmp_path):
    (tmp_path / "evil\x1b]0;owned\x07\x1b[2J.md").write_text("## Who cleans the fridge?\n\nEveryone, on Fridays.\n")
    for args in (["ask", "who cleans the fridge"], ["info"]):
        p = run_mlbot(*args, f"--docs={tmp_path}")
        assert p.returncode == 0 and clean(p)
        assert b"\x1b" not in p.stdout and b"owned" not in p.stdout
        assert b"evil.md" in p.stdout


# --- caches and state -------------------------------------------------------------------------------------------

class PickleBomb:
    """Unpickling this runs `touch MARKER`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def cache_files() -> list[Path]:
    return [p for p in Path(os.environ["XDG_CACHE_HOME"]).rglob("*") if p.is_file()]


def corrupt(kind: str, marker: Path) -> int:
    """Spoil every file under the cache in one way; return how many files were spoiled."""
    files = cache_files()
    bomb = pickle.dumps(PickleBomb(marker))
    for f in files:
        if kind == "garbage":
            f.write_bytes(b"\x00garbage\xff" * 10)
        elif kind == "empty":
            f.write_bytes(b"")
        elif kind == "truncated":
            f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
        elif kind == "pickle":
            f.write_bytes(bomb)
        elif kind == "pickled-npy":
            if f.suffix == ".npy":
                np.save(f, np.array([PickleBomb(marker)], dtype=object), allow_pickle=True)
            else:
                f.write_bytes(bomb)
    return len(files)


@pytest.mark.parametrize("kind", ["garbage", "empty", "truncated", "pickle", "pickled-npy"])
def test_a_spoiled_cache_is_rebuilt_and_never_runs_code(run_mlbot, good_md, tmp_path, kind):
    marker = tmp_path / "pwned"
    assert run_mlbot("ask", PARKING, f"--docs={good_md}").returncode == 0
    assert corrupt(kind, marker) > 3
    p = run_mlbot("ask", PARKING, f"--docs={good_md}")
    assert p.returncode == 0 and clean(p), p.stderr
    assert b"city portal" in squash(p.stdout)
    assert not marker.exists(), "a file in the cache ran code"
    again = run_mlbot("ask", PARKING, f"--docs={good_md}")
    assert again.returncode == 0 and b"city portal" in squash(again.stdout)
    assert again.stderr == b"", "the rebuilt cache should be sound"


@pytest.mark.parametrize("shape", ["[1, 2]", "3", '"build-x"', "null", '{"build": ["x"], "files": 7}',
                                   '{"files": [{"abs": 3}, 5, {"abs": "x", "sha": 1}], "entries": {"a": 1}}'])
def test_cache_json_of_the_wrong_shape_is_rebuilt(run_mlbot, good_md, shape):
    assert run_mlbot("ask", PARKING, f"--docs={good_md}").returncode == 0
    for f in cache_files():
        if f.suffix == ".json":
            f.write_text(shape)
    p = run_mlbot("ask", PARKING, f"--docs={good_md}")
    assert p.returncode == 0 and clean(p) and b"city portal" in squash(p.stdout), p.stderr


def spoil_entries(middle_only: bool) -> None:
    """Overwrite the cached entries in place with their sizes kept: all of them, or all but the first and last."""
    [blob] = [p for p in cache_files() if p.name == "entries.jsonl"]
    offsets = np.load(blob.with_name("entries.offsets.npy"))
    data = bytearray(blob.read_bytes())
    for i in range(1, len(offsets) - 2) if middle_only else range(len(offsets) - 1):
        data[offsets[i]:offsets[i + 1] - 1] = b"x" * int(offsets[i + 1] - 1 - offsets[i])
    blob.write_bytes(bytes(data))


def test_entries_spoiled_in_place_are_reported_and_rebuilt(run_mlbot, good_md):
    (good_md / "more.md").write_text("".join(f"## Where is room {n}?\n\nRoom {n} is on floor {n}.\n\n" for n in range(6)))
    assert run_mlbot("ask", PARKING, f"--docs={good_md}").returncode == 0
    spoil_entries(middle_only=False)   # seen on loading: rebuilt at once
    p = run_mlbot("ask", PARKING, f"--docs={good_md}")
    assert p.returncode == 0 and b"city portal" in squash(p.stdout), p.stderr
    assert p.stderr.decode().count("damaged") == 1, p.stderr
    spoil_entries(middle_only=True)    # met only when an answer reads them: said so, and the next run rebuilds
    p = run_mlbot("ask", "where is room 3", f"--docs={good_md}")
    assert p.returncode == 2 and clean(p) and b"damaged" in p.stderr and b"run the command again" in p.stderr
    p = run_mlbot("ask", "where is room 3", f"--docs={good_md}")
    assert p.returncode == 0 and b"floor 3" in p.stdout, p.stderr
    assert run_mlbot("ask", "where is room 3", f"--docs={good_md}").stderr == b""
    spoil_entries(middle_only=True)    # `mlbot index` reads every entry of a cache it reuses
    p = run_mlbot("index", f"--docs={good_md}")
    assert p.returncode == 0 and b"damaged" in p.stderr and b"rebuilding" in p.stderr, p.stderr
    p = run_mlbot("ask", "where is room 3", f"--docs={good_md}")
    assert p.returncode == 0 and b"floor 3" in p.stdout and p.stderr == b""


def test_a_changed_document_is_picked_up(run_mlbot, good_md):
    assert b"city portal" in squash(run_mlbot("ask", PARKING, f"--docs={good_md}").stdout)
    doc = good_md / "good.md"
    doc.write_text("## How do I renew my parking permit?\n\nAsk the front desk for a paper form.\n")
    os.utime(doc, ns=(time.time_ns(), time.time_ns() + 2_000_000_000))
    p = run_mlbot("ask", PARKING, f"--docs={good_md}")
    assert b"paper form" in squash(p.stdout) and b"city portal" not in p.stdout


def test_six_concurrent_cold_starts_share_one_cache(run_mlbot, good_md):
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        runs = list(pool.map(lambda _: run_mlbot("ask", PARKING, f"--docs={good_md}"), range(6)))
    for p in runs:
        assert p.returncode == 0 and clean(p), p.stderr[-300:]
        assert b"city portal" in squash(p.stdout)
    after = run_mlbot("ask", PARKING, f"--docs={good_md}")
    assert after.returncode == 0 and after.stderr == b"" and b"city portal" in squash(after.stdout)
    builds = [p for p in Path(os.environ["XDG_CACHE_HOME"]).rglob("build-*") if p.is_dir()]
    assert len(builds) == 1, builds
    assert not list(Path(os.environ["XDG_CACHE_HOME"]).rglob(".tmp-*")), "temp files left behind"


def _read_only_cache(tmp_path: Path, how: str) -> Path:
    if how == "chmod":
        cache = tmp_path / "ro-cache"
        cache.mkdir()
        cache.chmod(0o500)
        if os.access(cache, os.W_OK):
            cache.chmod(0o700)
            pytest.skip("running as root: chmod does not stop writes (the under-a-file case covers this)")
        return cache
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker / "cache"          # mkdir under a regular file fails even for root


@pytest.mark.parametrize("how", ["chmod", "under-a-file"])
def test_an_unwritable_cache_still_answers_with_a_warning(run_mlbot, good_md, tmp_path, how):
    cache = _read_only_cache(tmp_path, how)
    try:
        p = run_mlbot("ask", PARKING, f"--docs={good_md}", env={"XDG_CACHE_HOME": str(cache)})
    finally:
        if how == "chmod":
            cache.chmod(0o700)
    assert p.returncode == 0 and clean(p), p.stderr
    assert b"city portal" in squash(p.stdout)
    [line] = p.stderr.decode().splitlines()
    assert line.startswith("mlbot: warning: cannot write the index cache") and "XDG_CACHE_HOME" in line


@pytest.mark.parametrize("where", ["XDG_DATA_HOME", "XDG_STATE_HOME"])
def test_unwritable_data_and_state_folders_do_not_stop_answers(run_mlbot, warm_cache, tmp_path, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    p = run_mlbot("ask", "how do I bake sourdough bread?", env={where: str(blocker / "sub"), "MLBOT_NO_LOG": None})
    assert p.returncode in (0, 1) and clean(p), p.stderr
    assert p.stdout.strip()
    assert p.stderr.decode().count("\n") <= 1, "at most one warning"


# --- interrupts -------------------------------------------------------------------------------------------------

def _as_from_a_terminal() -> None:
    # A job started with `&` by a non-interactive shell (a CI script, a test runner run in the background) has
    # SIGINT ignored, and Python keeps it ignored in its children. Ctrl-C comes from a terminal, where it is not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_during_a_long_batch_exits_130(warm_cache, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text(f"{REMOTE}\n" * 200_000)
    out = tmp_path / "answers.jsonl"
    with questions.open("rb") as stdin, out.open("wb") as stdout:
        p = subprocess.Popen([sys.executable, "-m", "mlbot", "ask", "--json", "-"], stdin=stdin, stdout=stdout,
                             stderr=subprocess.PIPE, preexec_fn=_as_from_a_terminal)
        deadline = time.monotonic() + 60
        while out.stat().st_size == 0 and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.05)
        assert p.poll() is None, "the batch ended before it could be interrupted"
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
    assert p.returncode == 130
    assert err.decode().strip().splitlines()[-1] == "mlbot: interrupted"
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err


# --- the query-time analyzer equals the index's (property-based) -----------------------------------------------

CORPUS = [
    "How do I reset my voicemail PIN? Dial 5000 from your desk phone, press 9, and follow the prompts.",
    "How long is the voicemail PIN reset link valid? It stays valid for 48 hours.",
    "How do I reset my account password? Open the account page and click Forgot password.",
    "Can I work remotely as an ML engineer? Yes, remote work is common in this field.",
    "Où est la cantine? La cantine est au rez-de-chaussée, près de l'entrée.",
    "Machine learning engineers build NLP and CV systems; the FAQ covers AI, WFH and PW resets.",
    "Renew the parking permit online at the city portal before the first of the month — 30 € a year.",
]
WORDS = sorted({w.strip(".,?;—") for doc in CORPUS for w in doc.split()} - {""})


@functools.cache
def fitted(analyzer: str):
    """Return (the index's Space, scikit-learn's fitted TfidfVectorizer) for the corpus, built once."""
    space, _ = build_space(analyzer, analyzer, [words(t) for t in CORPUS])
    return space, make_vectorizer(analyzer).fit(CORPUS)


@pytest.mark.parametrize("analyzer", sorted(ANALYZERS))
def test_space_vocabulary_is_sklearns(analyzer):
    space, vec = fitted(analyzer)
    assert [t.decode("utf-8") for t in space.vocab.tolist()] == vec.get_feature_names_out().tolist()
    assert np.allclose(space.idf, vec.idf_, rtol=1e-6)


texts = st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=25).map(" ".join)


@pytest.mark.parametrize("analyzer", sorted(ANALYZERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_query_vector_equals_sklearn_transform(analyzer, text):
    space, vec = fitted(analyzer)
    qv = space.vector(text)
    dense = np.zeros(len(space.vocab), dtype=np.float64)
    dense[qv.cols] = qv.weights
    want = vec.transform([text]).toarray()[0]
    assert np.allclose(dense, want, atol=1e-6), (text, np.flatnonzero(dense), np.flatnonzero(want))
    assert 0.0 <= qv.coverage <= 1.0 + 1e-9


# --- questions in a legacy encoding -------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["argument", "batch", "chat"])
def test_a_latin1_question_is_read_as_cp1252_like_the_documents(warm_cache, how):
    raw = "caf\u00e9 remote?".encode("cp1252")
    if how == "argument":
        p = subprocess.run([sys.executable, "-m", "mlbot", "ask", "--json", os.fsdecode(raw)], capture_output=True,
                           timeout=60, check=False)
        question = json.loads(p.stdout)["question"]
    elif how == "batch":
        p = subprocess.run([sys.executable, "-m", "mlbot", "ask", "--json", "-"], input=raw + b"\n",
                           capture_output=True, timeout=60, check=False)
        question = json.loads(p.stdout)["question"]
    else:
        # The chat does not echo a question; a refused one is logged for review, as the chat read it.
        raw = "caf\u00e9 xylophone quartz?".encode("cp1252")
        p = subprocess.run([sys.executable, "-m", "mlbot", "chat"], input=raw + b"\n", capture_output=True,
                           timeout=60, check=False, env=dict(os.environ, MLBOT_NO_LOG=""))
        assert p.returncode == 0, p.stderr
        review = subprocess.run([sys.executable, "-m", "mlbot", "review", "--json"], capture_output=True, timeout=60,
                                check=False, env=dict(os.environ, MLBOT_NO_LOG=""))
        question = json.loads(review.stdout)["groups"][0]["questions"][0]
        assert question == "caf\u00e9 xylophone quartz?"
        return
    assert p.returncode == 0, p.stderr
    assert question == "caf\u00e9 remote?"
