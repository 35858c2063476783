"""The `mlbot` command as a user's shell sees it: the `ask --json` contract, exit statuses, usage errors, batches,
documents from --docs and $MLBOT_DOCS, plain output in pipes, and the info, index and eval commands."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

FEEDBACK_MISSING = importlib.util.find_spec("mlbot.feedback") is None

STATUSES = {"answered", "ambiguous", "no_answer", "chitchat"}
REMOTE = "can I work remotely as an ML engineer?"
EXPERIENCE = "how long does it take to gain practical experience"
CHALLENGES = "what are the main challenges in this role?"
SOURDOUGH = "how do I bake sourdough bread?"


def squash(data: bytes) -> bytes:
    """Return data with every run of whitespace made one space, so a wrapped line still matches a phrase."""
    return b" ".join(data.split())


def replies(p) -> list[dict]:
    """Return the JSON objects `ask --json` printed, one a line."""
    return [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line.strip()]


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def assert_contract(d: dict, top_k: int = 3) -> None:
    """Fail unless d is a reply exactly as the README documents `ask --json`."""
    assert isinstance(d["question"], str) and d["question"]
    assert d["status"] in STATUSES
    assert is_number(d["confidence"]) and 0 <= d["confidence"] <= 100
    choices = d["choices"] if d["status"] == "ambiguous" else 1
    assert (d["status"] == "ambiguous") == ("choices" in d) and choices in (1, 2, 3)
    assert isinstance(d["results"], list) and len(d["results"]) <= max(top_k, choices)
    assert len(d["results"]) >= {"answered": 1, "ambiguous": choices}.get(d["status"], 0)
    for r in d["results"]:
        assert isinstance(r["id"], str) and r["id"]
        assert r["question"] is None or isinstance(r["question"], str)
        assert isinstance(r["text"], str)
        src = r["source"]
        assert isinstance(src["path"], str) and src["path"]
        assert src["heading"] is None or isinstance(src["heading"], str)
        assert isinstance(src["line"], int) and not isinstance(src["line"], bool) and src["line"] >= 1
        assert is_number(r["confidence"]) and 0 <= r["confidence"] <= 100
        assert isinstance(r["highlight"], str)
        if r["highlight"]:
            assert r["highlight"] in r["text"]
    confidences = [r["confidence"] for r in d["results"]]
    assert confidences == sorted(confidences, reverse=True), "results are not best first"
    if d["status"] == "answered":
        assert d["results"] and d["confidence"] == d["results"][0]["confidence"]
    if d["status"] == "chitchat":
        assert d["results"] == [] and isinstance(d["message"], str) and d["message"]
    if d["status"] == "no_answer":
        assert isinstance(d.get("suggestions", []), list)
        assert all(isinstance(s, str) for s in d.get("suggestions", []))


def assert_clean(p) -> None:
    assert b"Traceback" not in p.stderr and b"Traceback" not in p.stdout, p.stderr.decode(errors="replace")


def one_line_error(p) -> str:
    """Return the single line an error printed on stderr; fail when there is none, or more than one."""
    assert_clean(p)
    lines = p.stderr.decode("utf-8", errors="replace").strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("mlbot: ")
    return lines[0]


# --- the JSON contract ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("question", [REMOTE, EXPERIENCE, CHALLENGES, SOURDOUGH, "what is the capital of France",
                                      "hello", "thanks!", "asdf qwerty zxcv"])
def test_ask_json_follows_the_contract(run_mlbot, warm_cache, question):
    p = run_mlbot("ask", "--json", question)
    assert_clean(p)
    [d] = replies(p)
    assert_contract(d)
    assert d["question"] == question
    assert p.returncode == (0 if d["status"] in ("answered", "chitchat") else 1)


def test_explain_with_json_carries_the_explanation(run_mlbot, warm_cache):
    [d, chat] = replies(run_mlbot("ask", "--json", "--explain", "-", input=f"{EXPERIENCE}\nhello\n".encode()))
    x = d["explanation"]
    assert x["top"]["id"] == d["results"][0]["id"] and x["runner_up"]["id"] == d["results"][1]["id"]
    terms = x["top"]["terms"]
    assert terms and all(t["points"] > 0 and t["field"] and t["term"] for t in terms)
    assert any(t["term"] == "experi" or "experience" in t["term"] for t in terms), terms
    assert chat["status"] == "chitchat" and chat["explanation"] is None
    assert "explanation" not in replies(run_mlbot("ask", "--json", EXPERIENCE))[0]


@pytest.mark.parametrize("question", ["hello", "thanks!", "who are you?"])
def test_small_talk_is_chitchat_with_exit_0(run_mlbot, warm_cache, question):
    p = run_mlbot("ask", "--json", question)
    [d] = replies(p)
    assert (p.returncode, d["status"], d["results"]) == (0, "chitchat", [])
    assert "threshold" not in d


@pytest.mark.parametrize(("args", "threshold"), [([], 20.0), (["--threshold", "35"], 35.0)], ids=["default", "given"])
def test_a_reply_says_the_threshold_it_was_decided_at(run_mlbot, warm_cache, args, threshold):
    [answered, refused] = replies(run_mlbot("ask", "--json", *args, "-", input=f"{REMOTE}\n{SOURDOUGH}\n".encode()))
    assert answered["status"] == "answered" and answered["threshold"] == threshold
    assert refused["status"] == "no_answer" and refused["threshold"] == threshold > refused["confidence"]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_default_answer_replaces_the_refusal(run_mlbot, warm_cache, how):
    text = "Ask the help desk on 5000.\x1b]0;pwned\x07"
    args, env = (["--default-answer", text], None) if how == "option" else ([], {"MLBOT_DEFAULT_ANSWER": text})
    p = run_mlbot("ask", "--json", *args, SOURDOUGH, env=env)
    [d] = replies(p)
    assert (p.returncode, d["status"], d["message"]) == (1, "no_answer", "Ask the help desk on 5000.")
    plain = run_mlbot("ask", *args, SOURDOUGH, env=env)
    assert plain.stdout.decode().startswith("Ask the help desk on 5000.\n") and b"\x1b" not in plain.stdout
    answered = replies(run_mlbot("ask", "--json", *args, REMOTE, env=env))[0]
    assert answered["status"] == "answered" and "message" not in answered


def test_json_is_one_line_of_utf8_per_question(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", EXPERIENCE)
    assert p.stdout.count(b"\n") == 1 and p.stdout.endswith(b"\n")
    assert "12 to 24 months" in replies(p)[0]["results"][0]["text"]
    assert "—".encode() in p.stdout          # not \u2014: the JSON is written as UTF-8


@pytest.mark.parametrize("command", [["ask", "--json", "where is the help desk"], ["info", "--json"]],
                         ids=["ask", "info"])
def test_json_escapes_line_and_paragraph_separators(run_mlbot, tmp_path, command):
    """U+2028/U+2029 are valid in a JSON string, but str.splitlines() ends a line at them: one object, one line."""
    doc = tmp_path / "kb" / "desk.md"
    doc.parent.mkdir()
    doc.write_text("# Help\u2028desk\n\n## Where is the help desk?\n\n"
                   "In the basement.\u2028Open 9 to 5.\u2029Ask Sam.\n", encoding="utf-8")
    p = run_mlbot(*command, f"--docs={doc.parent}")
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode("utf-8")
    assert "\u2028" not in out and "\u2029" not in out
    [d] = [json.loads(line) for line in out.splitlines()]
    if command[0] == "ask":
        assert d["results"][0]["text"] == "In the basement.\u2028Open 9 to 5.\u2029Ask Sam."
    else:
        assert d["title"] == "Help\u2028desk"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_json_batch_on_a_narrow_output_encoding_stays_valid(run_mlbot, warm_cache, encoding):
    """A character the output encoding cannot hold is a JSON escape, not a crash that loses the rest of the batch."""
    questions = [REMOTE, "hello 😀", "is the café open — or not?", EXPERIENCE]
    p = run_mlbot("ask", "--json", "-", input="\n".join(questions).encode(), env={"PYTHONIOENCODING": encoding})
    assert_clean(p)
    assert (p.returncode, p.stderr) == (0, b"")
    got = [json.loads(line) for line in p.stdout.decode(encoding).splitlines()]   # strict: all it can hold
    assert [d["question"] for d in got] == questions
    assert "12 to 24 months" in got[3]["results"][0]["text"]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_plain_batch_on_a_narrow_output_encoding_replaces_what_it_cannot_show(run_mlbot, warm_cache, encoding):
    p = run_mlbot("ask", "-", input=f"hello 😀\n{REMOTE}\n{EXPERIENCE}\n".encode(), env={"PYTHONIOENCODING": encoding})
    assert_clean(p)
    assert (p.returncode, p.stderr) == (0, b"")
    out = squash(p.stdout)
    assert b"remote work is common" in out and b"12 to 24 months" in out   # the whole batch, past the emoji


# --- the bundled article ----------------------------------------------------------------------------------------

def test_remote_work_is_answered(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", REMOTE)
    [d] = replies(p)
    assert (p.returncode, d["status"]) == (0, "answered")
    assert "remote work is common" in d["results"][0]["text"]
    assert d["results"][0]["source"]["path"] == "ml-engineer.txt"


def test_experience_question_gets_the_12_to_24_months_answer(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", EXPERIENCE)
    [d] = replies(p)
    assert (p.returncode, d["status"]) == (0, "answered")
    assert "12 to 24 months" in d["results"][0]["text"]


def test_cut_off_answer_is_marked_truncated(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", CHALLENGES)
    [d] = replies(p)
    assert d["status"] == "answered"
    top = d["results"][0]
    assert top["question"] == "What are the main challenges in this role?"
    assert top["truncated"] is True
    assert top["text"] == "Machine Learning Engineers face"


def test_cut_off_answer_says_so_in_plain_output(run_mlbot, warm_cache):
    p = run_mlbot("ask", CHALLENGES)
    assert p.returncode == 0
    out = squash(p.stdout)
    assert b"Machine Learning Engineers face" in out
    assert b"cut off" in out


def test_off_topic_question_is_refused_with_suggestions(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", SOURDOUGH)
    [d] = replies(p)
    assert (p.returncode, d["status"]) == (1, "no_answer"), (d["status"], d["results"][:1])
    assert d["suggestions"], "a refusal should suggest questions the documents answer"
    plain = run_mlbot("ask", SOURDOUGH)
    assert plain.returncode == 1
    assert b"not sure" in plain.stdout and b"You could ask" in plain.stdout


# --- exit statuses ----------------------------------------------------------------------------------------------

def test_ambiguous_question_exits_1_with_both_candidates(run_mlbot, kb_md):
    p = run_mlbot("ask", "--json", "how long is the reset link valid", f"--docs={kb_md}")
    [d] = replies(p)
    assert_contract(d)
    assert (p.returncode, d["status"]) == (1, "ambiguous")
    texts = " ".join(r["text"] for r in d["results"][:2])
    assert "48 hours" in texts and "15 minutes" in texts


def test_ambiguous_plain_output_offers_two_numbered_choices(run_mlbot, kb_md):
    p = run_mlbot("ask", "how long is the reset link valid", f"--docs={kb_md}")
    assert p.returncode == 1
    out = p.stdout.decode()
    assert "Did you mean" in out
    assert "\n1. How long is the" in out and "\n2. How long is the" in out


@pytest.mark.parametrize("args, message", [
    (["ask", ""], "question is empty"),
    (["ask", "   \t "], "question is empty"),
    (["ask"], "question is empty"),
    (["ask", "--top-k", "0", "hello"], "--top-k"),
    (["ask", "--top-k", "-3", "hello"], "--top-k"),
    (["ask", "--top-k", "three", "hello"], "--top-k"),
    (["ask", "--threshold", "101", "hello"], "--threshold"),
    (["ask", "--threshold", "-5", "hello"], "--threshold"),
    (["ask", "--threshold", "high", "hello"], "--threshold"),
    (["ask", "--no-such-flag", "hello"], "--no-such-flag"),
    (["frobnicate"], "frobnicate"),
    (["eval", "/nonexistent/labels.jsonl"], "/nonexistent/labels.jsonl"),
    (["--docs", "kb", "ask", "pricing?"], "the command comes first, then its options: mlbot ask --docs kb 'pricing?'"),
], ids=lambda v: repr(v) if isinstance(v, list) else None)
def test_usage_errors_exit_2_with_one_line(run_mlbot, warm_cache, args, message):
    p = run_mlbot(*args)
    assert p.returncode == 2
    assert message in one_line_error(p)
    assert p.stdout == b""


@pytest.mark.parametrize("args", [
    ["ask", "--docs", "/nonexistent/kb", "hello there"],      # the order a user types it in
    ["ask", "hello there", "--docs", "/nonexistent/kb"],
    ["ask", "--docs=/nonexistent/kb", "hello there"],
], ids=["docs-first", "docs-last", "docs-equals"])
def test_missing_docs_path_is_named(run_mlbot, args):
    p = run_mlbot(*args)
    assert p.returncode == 2
    assert "/nonexistent/kb" in one_line_error(p)


def test_empty_docs_folder_exits_2_naming_it(run_mlbot, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    p = run_mlbot("ask", "anything at all", f"--docs={empty}")
    assert p.returncode == 2
    line = one_line_error(p)
    assert str(empty) in line and ".md" in line     # what is wrong, and what to add


def test_docs_path_then_question_reads_both(run_mlbot, kb_md):
    """`--docs PATH "question"`, the order the README shows, must not take the question for a second path."""
    p = run_mlbot("ask", "--docs", str(kb_md), "how do I reset my voicemail PIN")
    assert_clean(p)
    assert p.returncode == 0, p.stderr
    assert b"Dial 5000" in p.stdout


# --- batches ----------------------------------------------------------------------------------------------------

def test_batch_answers_line_for_line_in_order_and_exits_0(run_mlbot, warm_cache):
    """Output line n is the reply to input line n (a script pairs them with paste or zip), blank lines included,
    and each says its line."""
    questions = [REMOTE, "", "   ", SOURDOUGH, EXPERIENCE, "hello", "\t", "\x01\x02", CHALLENGES]
    p = run_mlbot("ask", "--json", "-", input=("\n".join(questions) + "\n").encode())
    assert_clean(p)
    assert p.returncode == 0          # a batch exits 0 even when a line has no answer
    got = p.stdout.decode().split("\n")
    assert got.pop() == "" and len(got) == len(questions)
    got = [json.loads(line) for line in got]
    assert [d["line"] for d in got] == list(range(1, len(questions) + 1))
    assert [d["question"] for d in got] == [REMOTE, "", "", SOURDOUGH, EXPERIENCE, "hello", "", "", CHALLENGES]
    for d, q in zip(got, questions):
        if q.strip() and q.isprintable():
            assert_contract(d)
        else:   # nothing to ask: no answer, and nothing that looks like one
            assert (d["status"], d["results"], d["confidence"]) == ("no_answer", [], 0.0)
            assert "nothing to ask" in d["message"]
    assert "remote work is common" in got[0]["results"][0]["text"]
    assert "12 to 24 months" in got[4]["results"][0]["text"]
    assert got[5]["status"] == "chitchat"


def test_a_byte_order_mark_at_the_start_of_a_batch_is_not_part_of_the_question(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", "-", input=b"\xef\xbb\xbf" + REMOTE.encode() + b"\n")
    [d] = replies(p)
    assert d["question"] == REMOTE


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_a_batch_reads_lines_ended_by_cr_crlf_or_lf(run_mlbot, warm_cache, end):
    p = run_mlbot("ask", "--json", "-", input=end.join([REMOTE, "", EXPERIENCE]).encode())   # no end at the end
    assert [(d["line"], d["question"]) for d in replies(p)] == [(1, REMOTE), (2, ""), (3, EXPERIENCE)]


def test_plain_batch_answers_each_line(run_mlbot, warm_cache):
    p = run_mlbot("ask", "-", input=f"{REMOTE}\n{EXPERIENCE}\n".encode())
    assert p.returncode == 0
    out = squash(p.stdout)
    assert out.index(b"remote work is common") < out.index(b"12 to 24 months")
    lines = p.stdout.decode().splitlines()   # each reply under its question, the replies apart by a blank line
    assert lines[0] == f"Q: {REMOTE}" and "remote work is common" in lines[1], lines
    end = next(i for i, x in enumerate(lines) if x.startswith("Confidence:"))
    assert lines[end + 1] == "" and lines[end + 2] == f"Q: {EXPERIENCE}" and "12 to 24 months" in lines[end + 3], lines


def test_a_single_plain_answer_starts_with_the_answer(run_mlbot, warm_cache):
    """One question's plain reply is not headed by the question: its first line is the answer's (`| head -1`)."""
    p = run_mlbot("ask", REMOTE)
    assert p.stdout.decode().startswith("Yes, remote work is common"), p.stdout


def test_a_question_given_as_the_command_is_told_how_to_ask_it(run_mlbot):
    p = run_mlbot("how do I work remotely?")
    assert p.returncode == 2 and "mlbot ask 'how do I work remotely?'" in p.stderr.decode()


def test_empty_batch_prints_nothing_and_exits_0(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", "-", input=b"")
    assert (p.returncode, p.stdout) == (0, b"")
    assert_clean(p)


def test_batch_of_blank_lines_gives_a_line_each_and_exits_0(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", "-", input=b"\n\n  \n")
    assert_clean(p)
    assert p.returncode == 0
    assert [(d["line"], d["status"], d["results"]) for d in replies(p)] == [(n, "no_answer", []) for n in (1, 2, 3)]
    plain = run_mlbot("ask", "-", input=b"\n\n  \n")   # plain replies are not a line each: nothing to keep in step
    assert (plain.returncode, plain.stdout) == (0, b"")


def test_batch_with_docs_before_dash(run_mlbot, kb_md):
    p = run_mlbot("ask", "--docs", str(kb_md), "-", input=b"how do I set up call forwarding\n")
    assert_clean(p)
    assert p.returncode == 0, p.stderr
    assert b"Forward key" in p.stdout


# --- options ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 5])
def test_top_k_limits_results(run_mlbot, warm_cache, k):
    p = run_mlbot("ask", "--json", "--top-k", str(k), REMOTE)
    [d] = replies(p)
    assert_contract(d, top_k=k)
    assert d["status"] == "answered"
    assert 1 <= len(d["results"]) <= k
    assert "remote work is common" in d["results"][0]["text"]


def test_top_k_defaults_to_3(run_mlbot, warm_cache):
    [d] = replies(run_mlbot("ask", "--json", REMOTE))
    assert len(d["results"]) == 3
    [five] = replies(run_mlbot("ask", "--json", "-k", "5", REMOTE))
    assert len(five["results"]) > 3, "the article has seven entries; more than three share words with this"
    assert [r["id"] for r in five["results"][:3]] == [r["id"] for r in d["results"]]


def test_threshold_100_refuses_everything(run_mlbot, warm_cache):
    p = run_mlbot("ask", "--json", "--threshold", "100", REMOTE)
    [d] = replies(p)
    assert (p.returncode, d["status"]) == (1, "no_answer")


def test_mlbot_docs_environment_variable_is_the_default(run_mlbot, kb_md):
    p = run_mlbot("ask", "--json", "how do I reset my voicemail PIN", env={"MLBOT_DOCS": str(kb_md)})
    [d] = replies(p)
    assert p.returncode == 0
    assert "Dial 5000" in d["results"][0]["text"]
    assert d["results"][0]["source"]["path"] == "help.md"


def test_mlbot_docs_takes_several_paths(run_mlbot, kb_md, tmp_path):
    other = tmp_path / "other.md"
    other.write_text("## Where is the cantine?\n\nThe cantine is on the ground floor, next to the entrance.\n")
    p = run_mlbot("ask", "-", "--json", input=b"where is the cantine\nhow do I reset my voicemail PIN\n",
                  env={"MLBOT_DOCS": f"{kb_md}{os.pathsep}{other}"})
    got = replies(p)
    assert "ground floor" in got[0]["results"][0]["text"]
    assert "Dial 5000" in got[1]["results"][0]["text"]


@pytest.mark.parametrize("how", ["repeated", "joined"])
def test_docs_option_takes_several_paths(run_mlbot, kb_md, tmp_path, how):
    other = tmp_path / "other.md"
    other.write_text("## Where is the cantine?\n\nThe cantine is on the ground floor, next to the entrance.\n")
    docs = ["--docs", str(kb_md), "--docs", str(other)] if how == "repeated" else ["--docs", f"{kb_md}{os.pathsep}{other}"]
    p = run_mlbot("ask", *docs, "--json", "-", input=b"where is the cantine\nhow do I reset my voicemail PIN\n")
    assert p.returncode == 0, p.stderr
    got = replies(p)
    assert "ground floor" in got[0]["results"][0]["text"]
    assert "Dial 5000" in got[1]["results"][0]["text"]


def test_docs_folder_and_its_own_subfolder_answers(run_mlbot, kb_md):
    """`--docs "$BASE:$BASE/extra"` (paths built from variables overlap easily) reads each file once and answers."""
    (kb_md.parent / "extra").mkdir()
    (kb_md.parent / "extra" / "canteen.md").write_text("## Where is the canteen?\n\nOn the ground floor.\n")
    p = run_mlbot("ask", "--json", "--docs", f"{kb_md.parent}{os.pathsep}{kb_md.parent / 'extra'}",
                  "where is the canteen")
    assert_clean(p)
    assert p.returncode == 0, p.stderr
    [d] = replies(p)
    assert "ground floor" in d["results"][0]["text"]
    assert len({r["id"] for r in d["results"]}) == len(d["results"])   # no entry twice


def test_docs_option_overrides_mlbot_docs(run_mlbot, kb_md, tmp_path):
    p = run_mlbot("ask", "--json", "how do I reset my voicemail PIN", f"--docs={kb_md}",
                  env={"MLBOT_DOCS": str(tmp_path / "nowhere")})
    assert p.returncode == 0, p.stderr
    assert "Dial 5000" in replies(p)[0]["results"][0]["text"]


@pytest.mark.parametrize("args, env, named", [
    (["--docs", ""], {}, "--docs"),                      # `--docs "$KB"` with KB unset
    (["--docs", os.pathsep], {}, "--docs"),
    (["--docs="], {}, "--docs"),
    (["--docs", "", "--docs", "kb"], {}, "--docs"),      # one of several names nothing: still a mistake
    ([], {"MLBOT_DOCS": os.pathsep}, "MLBOT_DOCS"),
    ([], {"MLBOT_DOCS": os.pathsep * 2}, "MLBOT_DOCS"),
], ids=["empty", "separator", "equals-empty", "one-of-two", "env-separator", "env-separators"])
def test_docs_that_names_no_path_is_a_usage_error(run_mlbot, warm_cache, args, env, named):
    """Not the bundled article: a script whose --docs came from an unset variable would answer about ML careers."""
    p = run_mlbot("ask", "--json", *args, REMOTE, env=env)
    assert (p.returncode, p.stdout) == (2, b"")
    line = one_line_error(p)
    assert f"{named} names no path" in line, line


def test_an_empty_mlbot_docs_means_unset(run_mlbot, warm_cache):
    """MLBOT_DOCS= (as `export MLBOT_DOCS=` leaves it) is the default, the bundled article, as an empty XDG_*
    variable is its default."""
    p = run_mlbot("ask", "--json", REMOTE, env={"MLBOT_DOCS": ""})
    assert p.returncode == 0, p.stderr
    assert replies(p)[0]["results"][0]["source"]["path"] == "ml-engineer.txt"


@pytest.mark.parametrize("which", ["file", "folder"])
def test_docs_as_file_or_folder(run_mlbot, kb_md, which):
    docs = kb_md if which == "file" else kb_md.parent
    p = run_mlbot("ask", "--json", "how do I renew my parking permit", f"--docs={docs}")
    [d] = replies(p)
    assert (p.returncode, d["status"]) == (0, "answered")
    assert "city portal" in d["results"][0]["text"]
    assert d["results"][0]["source"]["path"] == "help.md"
    assert d["results"][0]["source"]["line"] == 23   # the line of its "## How do I renew..." heading


def test_a_yaml_faq_answers_beside_markdown(run_mlbot, kb_md):
    (kb_md.parent / "faq.yml").write_text("faq:\n  - question: Are dogs allowed on the ferry?\n    answer: Yes, on a lead.\n"
                                          "  - question: Is there wifi on board?\n    answer: Free, on every crossing.\n")
    p = run_mlbot("ask", "--json", "can I bring my dog on the ferry", f"--docs={kb_md.parent}")
    [d] = replies(p)
    assert (p.returncode, d["status"], d["results"][0]["text"]) == (0, "answered", "Yes, on a lead.")
    assert d["results"][0]["source"] == {"path": "faq.yml", "heading": None, "line": 2}


# --- plain output -----------------------------------------------------------------------------------------------

def test_piped_output_is_plain_and_not_wrapped(run_mlbot, warm_cache):
    p = run_mlbot("ask", REMOTE, env={"COLUMNS": "40"})
    assert p.returncode == 0
    assert b"\x1b" not in p.stdout
    lines = p.stdout.decode().splitlines()
    answer = [line for line in lines if "remote work is common" in line]
    assert answer and len(answer[0]) > 200, "a long answer stays on one line for the next program in the pipe"
    assert any(line.startswith("Source: ml-engineer.txt") for line in lines)
    assert any(line.startswith("Confidence: ") for line in lines)


def _on_a_terminal(args: list[str], env: dict) -> str:
    child = pexpect.spawn(sys.executable, ["-m", "mlbot", *args], env={**os.environ, **env}, encoding="utf-8",
                          dimensions=(40, 100), timeout=20)
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    return out


def test_terminal_output_is_coloured(warm_cache):
    out = _on_a_terminal(["ask", REMOTE], {"TERM": "xterm-256color"})
    assert "\x1b[" in out
    assert "remote work is common" in " ".join(out.replace("│", " ").split())


def test_no_color_drops_every_escape_sequence_but_keeps_the_layout_on_a_terminal(warm_cache):
    out = _on_a_terminal(["ask", REMOTE], {"TERM": "xterm-256color", "NO_COLOR": "1"})
    assert "\x1b" not in out
    assert "╭" in out and "│" in out   # the answer's box, as with colour
    assert "remote work is common" in " ".join(out.replace("│", " ").split())
    assert max(map(len, out.splitlines())) <= 100   # wrapped to the terminal, not left for it to break words


@pytest.mark.parametrize("columns", ["0", "1", "4", "9"])
def test_a_tiny_or_zero_columns_still_shows_the_answer(warm_cache, columns):
    """COLUMNS=0 printed nothing, and a few columns gave an empty box or a letter or two a line: the width is at
    least render.MIN_WIDTH (COLUMNS=0: the terminal's own), so the answer's words stay whole."""
    out = _on_a_terminal(["ask", REMOTE], {"TERM": "xterm-256color", "COLUMNS": columns})
    text = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert re.search(r"\bremote\b", text) and re.search(r"\bcommon\b", text), text
    assert re.search(r"\bremote work is common\b", text) or columns != "0"   # 0: the pty's 100 columns


# --- help, version, info, index, eval ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, want", [
    (["--help"], b"commands:"),
    (["-h"], b"commands:"),
    (["ask", "--help"], b"--top-k"),
    (["chat", "--help"], b"--docs"),
    (["eval", "--help"], b"expected"),
    (["index", "--help"], b"--rebuild"),
    (["info", "--help"], b"--json"),
])
def test_help_exits_0(run_mlbot, args, want):
    p = run_mlbot(*args)
    assert p.returncode == 0
    assert want in p.stdout
    assert p.stderr == b""


def test_help_lists_each_command_once_and_each_command_names_itself(run_mlbot):
    out = run_mlbot("--help").stdout.decode()
    for command in ("chat", "ask", "eval", "index", "info", "review", "lint"):
        assert len(re.findall(rf"(?m)^ +{command} ", out)) == 1, command
        assert run_mlbot(command, "--help").stdout.decode().startswith(f"usage: mlbot {command} ")


def test_version(run_mlbot):
    from importlib.metadata import version
    p = run_mlbot("--version")
    assert p.returncode == 0
    assert p.stdout.decode().strip() == f"mlbot {version('mlbot')}"


def test_info_lists_the_documents_read_and_not_an_empty_one(run_mlbot, kb_md, tmp_path):
    docs = tmp_path / "site"
    docs.mkdir()
    (docs / "help.md").write_text(kb_md.read_text())
    (docs / "empty.md").write_text("")
    d = json.loads(run_mlbot("info", "--docs", str(docs), "--json").stdout)
    assert (d["files"], d["documents"]) == (1, ["help.md"])
    assert any("empty.md" in w for w in d["warnings"])


def test_info_json_describes_the_bundled_article(run_mlbot, warm_cache):
    p = run_mlbot("info", "--json")
    assert p.returncode == 0
    d = json.loads(p.stdout)
    assert d["documents"] == ["ml-engineer.txt"]
    assert d["files"] == 1 and d["entries"] >= d["faq_questions"] == 4
    assert d["title"].startswith("Why the Role of Ml Engineer")
    assert d["cache"].startswith(str(warm_cache)) and Path(d["cache"]).is_dir()
    assert d["warnings"] == []
    assert set(d["vocabulary"]) >= {"word"} and all(n > 0 for n in d["vocabulary"].values())
    assert 200 < d["spelling_words"] < d["vocabulary"]["char"]   # the article's own words, for mending typos


def test_info_plain(run_mlbot, kb_md):
    p = run_mlbot("info", f"--docs={kb_md}")
    assert p.returncode == 0
    out = p.stdout.decode()
    assert "title: Phone and voicemail help" in out
    assert "FAQ questions: 6" in out
    assert "  help.md" in out


def test_index_reports_entries_and_info_agrees(run_mlbot, kb_md):
    p = run_mlbot("index", f"--docs={kb_md.parent}")
    assert p.returncode == 0, p.stderr
    first = p.stdout.decode().splitlines()[0]
    assert first.startswith("indexed 6 entries (6 FAQ questions) from 1 file (1 .md)")
    info = json.loads(run_mlbot("info", "--json", f"--docs={kb_md.parent}").stdout)
    assert info["entries"] == 6
    again = run_mlbot("index", "--rebuild", f"--docs={kb_md.parent}")
    assert again.returncode == 0 and again.stdout.decode().startswith("indexed 6 entries")


def test_eval_prints_top1_accuracy(run_mlbot, warm_cache):
    p = run_mlbot("eval")
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "top-1 accuracy" in out and "%" in out
    assert "threshold" in out


def test_eval_json_has_the_documented_keys(run_mlbot, warm_cache):
    p = run_mlbot("eval", "--json")
    assert p.returncode == 0
    d = json.loads(p.stdout)
    assert {"top1", "mrr10", "recall5", "refused", "sweep", "recommended"} <= set(d)
    for key in ("top1", "mrr10", "recall5", "refused"):
        assert is_number(d[key]) and 0 <= d[key] <= 1, key
    assert d["top1"] <= d["recall5"] and d["top1"] <= d["mrr10"]
    assert d["recommended"] is None or is_number(d["recommended"])
    assert d["sweep"] and all({"threshold", "answered"} <= set(row) for row in d["sweep"])
    thresholds = [row["threshold"] for row in d["sweep"]]
    assert thresholds == sorted(thresholds)


def test_eval_on_own_labelled_questions(run_mlbot, kb_md, tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text("\n".join(json.dumps(x) for x in [
        {"question": "how do I reset my voicemail PIN", "expected": "help.md:3"},
        {"question": "how do I forward my calls", "expected": "Press the Forward key"},
        {"question": "what is the capital of France", "expected": None},
    ]) + "\n")
    p = run_mlbot("eval", str(labels), "--json", f"--docs={kb_md}")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["top1"] == 1.0
    assert d["refused"] == 1.0


def test_eval_rejects_a_bad_line_naming_it(run_mlbot, warm_cache, tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"question": "fine", "expected": null}\n{not json\n')
    p = run_mlbot("eval", str(labels))
    assert p.returncode == 2
    assert "line 2" in one_line_error(p)


@pytest.mark.parametrize("lines, said", [
    ([{"question": "  ", "expected": None}], "line 1: the question is empty"),
    ([{"question": "how do I forward my calls", "expected": "help.md:3"},
      {"question": "how do I forward my calls", "expected": "help.md:999"},
      {"question": "voicemail", "expected": "Press the Rewind key"}], "lines 2, 3: the expected answer 'help.md:999'"),
    ([{"question": "how do I forward my calls", "expected": "help.md:3"},
      {"question": "forward calls", "expcted": "help.md:3"}], 'line 2: no "expected"'),
    ([{"question": "how long is the link valid", "expected": "reset link stays valid"},
      {"question": "how do I forward my calls", "expected": "Press the Forward key"}],
     "line 1: the expected answer 'reset link stays valid' is in more than one entry (help.md:"),
], ids=["empty question", "labels that name no entry", "a misspelt key, not a question without an answer",
        "a label two entries hold"])
def test_eval_names_the_line_of_a_label_it_cannot_use(run_mlbot, kb_md, tmp_path, lines, said):
    # A label naming no entry (a typo, an entry since removed) would pass for a wrong answer: eval stops instead.
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(x) + "\n" for x in lines))
    p = run_mlbot("eval", str(labels), f"--docs={kb_md}")
    assert p.returncode == 2 and not p.stdout
    assert said in one_line_error(p)


# --- errors and tracebacks --------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, env", [
    (["--traceback", "ask", "--docs=/nonexistent/kb", "hello there"], {}),
    (["ask", "--traceback", "--docs=/nonexistent/kb", "hello there"], {}),
    (["ask", "--docs=/nonexistent/kb", "hello there"], {"MLBOT_DEBUG": "1"}),
], ids=["--traceback-first", "--traceback-after-command", "MLBOT_DEBUG"])
def test_traceback_shown_when_asked_for(run_mlbot, args, env):
    p = run_mlbot(*args, env=env)
    assert p.returncode == 2   # the traceback is extra output; the exit status is the one without it
    err = p.stderr.decode()
    assert "Traceback (most recent call last)" in err
    assert "DocumentsError" in err and "/nonexistent/kb" in err, err[-300:]
    assert err.splitlines()[-1].startswith("mlbot: no such file or folder: /nonexistent/kb")


@pytest.mark.parametrize("args", [["ask", "-k", "0", "hello"], ["ask", "--json", ""], ["ask", "--no-such-flag", "x"],
                                  ["frobnicate"]], ids=["top-k", "empty-question", "unknown-flag", "unknown-command"])
@pytest.mark.parametrize("debug", [["--traceback"], "MLBOT_DEBUG=1"])
def test_usage_errors_exit_2_in_debug_mode_too(run_mlbot, warm_cache, args, debug):
    """A CI job that turns debugging on for better logs must not read a usage error as "no answer" (exit 1)."""
    p = run_mlbot(*(debug if isinstance(debug, list) else []), *args,
                  env={"MLBOT_DEBUG": "1"} if isinstance(debug, str) else {})
    assert p.returncode == 2, p.stderr.decode()[-300:]
    assert b"Traceback (most recent call last)" in p.stderr
    assert p.stderr.decode().splitlines()[-1].startswith("mlbot: ")


@pytest.mark.parametrize("value", ["0", "false", "no", "off", ""])
def test_mlbot_debug_set_to_no_shows_no_traceback(run_mlbot, value):
    p = run_mlbot("ask", "--docs=/nonexistent/kb", "hello there", env={"MLBOT_DEBUG": value})
    assert p.returncode == 2
    assert "/nonexistent/kb" in one_line_error(p)   # one line, no traceback


def test_ask_with_logging_on_answers(run_mlbot, warm_cache):
    """The default (feedback logging on) must answer, not fail on the log."""
    p = run_mlbot("ask", REMOTE, env={"MLBOT_NO_LOG": None})
    assert_clean(p)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    assert b"remote work is common" in squash(p.stdout)
    # Nothing to log, so nothing was opened: an answered one-shot question costs no SQLite.
    assert list(Path(os.environ["XDG_DATA_HOME"]).rglob("*.db")) == []


@pytest.mark.skipif(FEEDBACK_MISSING, reason="mlbot.feedback is not written yet")
@pytest.mark.parametrize("value, logged", [("1", False), ("yes", False), ("0", True), ("false", True), ("no", True),
                                           ("OFF", True), ("", True)])
def test_mlbot_no_log_reads_no_and_0_as_off(run_mlbot, kb_md, value, logged):
    """MLBOT_NO_LOG=0 is someone turning logging back on, not off."""
    p = run_mlbot("ask", "how long is the reset link valid", f"--docs={kb_md}", env={"MLBOT_NO_LOG": value})
    assert p.returncode == 1, p.stderr
    assert bool(list(Path(os.environ["XDG_DATA_HOME"]).rglob("*.db"))) == logged


@pytest.mark.skipif(FEEDBACK_MISSING, reason="mlbot.feedback is not written yet")
@pytest.mark.parametrize("no_log", [[], ["--no-log"]], ids=["logged", "--no-log"])
def test_undecided_question_is_logged_unless_no_log(run_mlbot, kb_md, no_log):
    p = run_mlbot("ask", *no_log, "how long is the reset link valid", f"--docs={kb_md}", env={"MLBOT_NO_LOG": None})
    assert_clean(p)
    assert p.returncode == 1 and b"Did you mean" in p.stdout
    logs = list(Path(os.environ["XDG_DATA_HOME"]).rglob("*.db"))
    assert (len(logs) == 1) if not no_log else (logs == []), logs
