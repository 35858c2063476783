"""Words people use for the same thing in questions, read as one term by the analyzers (QnA Maker's synonyms).
Each group's first word stands for the group. The built-in groups are kept to words that mean the same in almost
any FAQ; a user adds their own in a synonyms file (`user_path()`, read by `read_user`; see README)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .paths import xdg_home

GROUPS = """
remote telecommute telework telecommuting teleworking remotely wfh
challenge problem obstacle difficulty hurdle struggle pitfall drawback downside
responsibility duty task
skill competency competence ability expertise
salary pay wage compensation earnings income
price cost fee charge
buy purchase
cancel terminate
delete remove erase
begin start commence
job position occupation
business company firm employer organization organisation
fast quick rapid speedy
big large huge
small little tiny
help assist support aid
need require
allow permit let
use utilize utilise employ
error bug fault glitch
choose select pick
show display
mistake error
learn study
hire recruit
answer reply respond response
phone telephone mobile cellphone smartphone
email e-mail mail
photo picture image pic
movie film video
car automobile vehicle
money cash funds
refund reimburse reimbursement
modify change alter edit
fix repair resolve solve
broken damaged faulty
send transfer
get obtain receive
enough sufficient
die death dead deceased
vacation holiday holidays pto leave
bike bicycle cycle
office workplace
located location situated
open opens opening
close closes closing shut
login log-in signin sign-in logon
password passcode passphrase
dog pet puppy
parking park
internet wifi wi-fi wireless
laptop notebook computer pc
doctor physician
kid child children
contact reach
every each
old previous earlier former
new latest recent
private hidden secret
public visible
""".strip().splitlines() + """
zero 0
one 1
two 2
three 3
four 4
five 5
six 6
seven 7
eight 8
nine 9
ten 10
eleven 11
twelve 12
fifteen 15
twenty 20
thirty 30
forty 40
fifty 50
hundred 100
thousand 1000
""".strip().splitlines()

CANONICAL: dict[str, str] = {}
for _line in GROUPS:
    _words = _line.split()
    for _w in _words:
        CANONICAL.setdefault(_w, _words[0])

# Phrases read as one word before tokenizing (lowercase, whole words).
PHRASES = {
    "work from home": "remote",
    "working from home": "remote",
    "from home": "remote",
    "home office": "remote",
    "hands on": "practical",
    "hands-on": "practical",
    "real world": "practical",
    "real-world": "practical",
    "day to day": "daily",
    "day-to-day": "daily",
    "time off": "vacation",
    "days off": "vacation",
    "day off": "vacation",
    "log in": "login",
    "sign in": "login",
}
# A group's hyphenated word ("wi-fi", "e-mail") is no token, words being split at hyphens: it is read as a phrase,
# hyphenated or spaced, so "the office Wi-Fi" meets "wifi".
for _line in GROUPS:
    for _w in _line.split()[1:]:
        if "-" in _w:
            PHRASES.setdefault(_w, _line.split()[0])
            PHRASES.setdefault(_w.replace("-", " "), _line.split()[0])


# ------------------------------------------------------------------------------------------ the user's own file

SYNONYMS_HELP = ("one group per line, the words or phrases separated by commas "
                 "(\"unfriend, stop being friends, remove a friend\"); # starts a comment")
MAX_FILE_BYTES = 1 << 20


def user_path() -> Path:
    """Return where the user's synonyms file is: $MLBOT_SYNONYMS, else $XDG_CONFIG_HOME/mlbot/synonyms.txt."""
    explicit = os.environ.get("MLBOT_SYNONYMS")
    if explicit:
        return Path(explicit).expanduser()
    return xdg_home("XDG_CONFIG_HOME") / "mlbot" / "synonyms.txt"


def parse_user(text: str) -> tuple[list[tuple[str, ...]], list[str]]:
    """Return (groups, problems) from a synonyms file's text. A group is a tuple of lowercased items, each a word
    or a phrase; a line with commas is split on them, one without on spaces (the built-in format)."""
    groups: list[tuple[str, ...]] = []
    problems: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        raw = line.split(",") if "," in line else line.split()
        items = tuple(dict.fromkeys(" ".join(x.lower().split()) for x in raw if x.strip()))
        if len(items) < 2:
            problems.append(f"line {n} has only one word or phrase; a group needs two or more")
            continue
        groups.append(items)
    return groups, problems


def read_user(path: Path | None = None) -> tuple[list[tuple[str, ...]], str, list[str]]:
    """Return (groups, fingerprint, problems) for the user's synonyms file; no groups and an empty fingerprint
    when there is none. Problems (unreadable file, bad lines) are for the caller to report; they never raise."""
    named = path is None and bool(os.environ.get("MLBOT_SYNONYMS"))
    path = path or user_path()
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        # The default file is optional; one that MLBOT_SYNONYMS names is expected to be there.
        return [], "", [f"MLBOT_SYNONYMS names {path}, which does not exist; using the built-in synonyms only"] \
            if named else []
    except OSError as e:
        return [], "", [f"cannot read the synonyms file {path} ({e.strerror or e}); using the built-in synonyms only"]
    if len(data) > MAX_FILE_BYTES:
        return [], "", [f"the synonyms file {path} is over 1 MB; using the built-in synonyms only"]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], "", [f"the synonyms file {path} is not UTF-8 text; using the built-in synonyms only"]
    groups, problems = parse_user(text)
    fingerprint = hashlib.sha256(repr(groups).encode("utf-8")).hexdigest()[:16] if groups else ""
    return groups, fingerprint, [f"{path}: {p}" for p in problems]
