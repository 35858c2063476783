"""Shared fixtures: every test runs as a fresh user (own cache, data, state and home folders) and drives the real
`mlbot` command in a subprocess, the way a user's shell would."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Variables a user's shell may carry that change what mlbot prints or where it writes.
LEAKY_ENV = ("MLBOT_DOCS", "MLBOT_SYNONYMS", "MLBOT_DEFAULT_ANSWER", "NO_COLOR", "FORCE_COLOR", "MLBOT_DEBUG",
             "MLBOT_NO_LOG", "COLUMNS", "LINES")

# The feedback log (mlbot.feedback) is being written at the same time as these tests. Until it lands, `mlbot ask`
# without MLBOT_NO_LOG fails to import it, so the fixtures turn logging off; test_cli.py holds the default path to
# account separately (test_ask_with_logging_on_answers).
FEEDBACK_MISSING = importlib.util.find_spec("mlbot.feedback") is None

KB_MD = """\
# Phone and voicemail help

## How do I reset my voicemail PIN?

Dial 5000 from your desk phone, press 9, and follow the prompts to choose a new four-digit PIN.

## How long is the voicemail PIN reset link valid?

A voicemail PIN reset link stays valid for 48 hours. After that, request a new one from the phone portal.

## How do I reset my account password?

Open the account page, click Forgot password, and enter the code we text you. Passwords must have 12 characters.

## How long is the account password reset link valid?

An account password reset link stays valid for 15 minutes. After that, start the reset again from the account page.

## How do I set up call forwarding?

Press the Forward key, enter the number, then press it again to confirm. A small arrow on the display shows it is on.

## How do I renew my parking permit?

Renew it online at the city portal before the first of the month. Permits cost 30 euros a year.
"""


@pytest.fixture(autouse=True)
def isolated_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every per-user folder mlbot touches at tmp_path, and clear variables that change its output."""
    home = tmp_path / "home"
    for name, sub in (("HOME", "home"), ("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"),
                      ("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config")):
        (tmp_path / sub).mkdir(exist_ok=True)
        monkeypatch.setenv(name, str(tmp_path / sub))
    monkeypatch.setenv("MLBOT_NO_HISTORY", "1")
    for name in LEAKY_ENV:
        monkeypatch.delenv(name, raising=False)
    if FEEDBACK_MISSING:
        monkeypatch.setenv("MLBOT_NO_LOG", "1")
    return home


@pytest.fixture
def kb_md(tmp_path: Path) -> Path:
    """A small Markdown FAQ (six questions): voicemail PIN and account password resets and how long each reset
    link is valid (a pair made to be ambiguous), call forwarding, and the parking permit."""
    path = tmp_path / "kb" / "help.md"
    path.parent.mkdir()
    path.write_text(KB_MD, encoding="utf-8")
    return path


Run = Callable[..., "subprocess.CompletedProcess[bytes]"]


@pytest.fixture
def run_mlbot() -> Run:
    """Return run(*args, input=None, env=None, timeout=120): `python -m mlbot ARGS` with the test's environment
    (plus `env` overrides; a value of None removes a variable), stdin bytes in, CompletedProcess with bytes out."""

    def run(*args: str, input: bytes | None = None, env: dict[str, str | None] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        e = dict(os.environ)
        for k, v in (env or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        stdin = None if input is not None else subprocess.DEVNULL   # no input: a closed stdin, not the test's
        return subprocess.run([sys.executable, "-m", "mlbot", *args], input=input, stdin=stdin, capture_output=True,
                              env=e, timeout=timeout, cwd=str(ROOT), check=False)

    return run


@pytest.fixture(scope="session")
def _bundled_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled article's index, built once per session (building it costs ~1 s, answering from it ~0.2 s)."""
    cache = tmp_path_factory.mktemp("bundled-cache")
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_ENV}
    env.update(XDG_CACHE_HOME=str(cache), MLBOT_NO_HISTORY="1", MLBOT_NO_LOG="1")
    p = subprocess.run([sys.executable, "-m", "mlbot", "index"], capture_output=True, env=env, timeout=120,
                       check=False)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return cache


@pytest.fixture
def warm_cache(_bundled_cache: Path) -> Path:
    """Copy the session's prebuilt index of the bundled article into this test's own XDG_CACHE_HOME."""
    target = Path(os.environ["XDG_CACHE_HOME"])
    shutil.copytree(_bundled_cache, target, dirs_exist_ok=True)
    return target



# The office handbook of the feedback, review and lint tests.
OFFICE_KB = """\
# Office handbook

## How do I reset my password?

Open the account page and choose "Forgot password". A reset link is emailed to you.

## How do I connect to the office wifi?

Join the network called Office-Guest and type the code printed on your badge.

## When is the office open?

The office is open from 8 am to 6 pm on weekdays.

## Where can I park my bike?

Bikes go in the rack behind the building.
"""


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """Write the office handbook (OFFICE_KB) into the test's folder and return its path."""
    path = tmp_path / "handbook.md"
    path.write_text(OFFICE_KB, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def fresh_feedback_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The feedback log warns once per process; each test starts as a new process would."""
    from mlbot import feedback
    monkeypatch.setattr(feedback, "_warned", set())
