"""The sentence model run with numpy (mlbot.sentence): the shipped weights, BERT's tokenisation, embeddings equal to
sentence-transformers' own (tests/data/sentence_reference.json, written by scripts/make_sentence_model.py
--reference), and what it adds to a knowledge base: paraphrases in wholly other words, a cheaper path when the other
fields are sure, and an index that does without it when it cannot be read or the collection is too big."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import mlbot
from mlbot import meaning, rows, sentence, store
from mlbot.model import Entry
from mlbot.rank import rank

REFERENCE = json.loads((Path(__file__).parent / "data" / "sentence_reference.json").read_text())

HELP = """# Help centre

## What are the biggest challenges of the job?

Long hours and tight deadlines are the hardest parts for most people.

## Where is the office?

Our office is in Lyon, near the railway station.

## Can I bring my dog to work?

Pets are welcome on Fridays if they are calm and house-trained.

## When are salaries paid?

Everyone is paid on the last working day of the month.
"""


def test_the_shipped_weights_fit_together():
    m = sentence.model()
    assert m is not None and m.layers == 6 and m.hidden == 384 and m.max_tokens == 256
    assert len(m.blocks) == 6 and m.blocks[0][0].shape == (384, 3 * 384) and m.blocks[0][5].shape == (384, 1536)
    assert m._word.dtype == np.int8 and m._word.shape[1] == 384


@pytest.mark.parametrize("ref", REFERENCE, ids=lambda r: r["text"][:30])
def test_tokens_are_berts(ref):
    assert sentence.token_ids(ref["text"]) == ref["ids"]


@pytest.mark.parametrize("ref", REFERENCE, ids=lambda r: r["text"][:30])
def test_vectors_equal_sentence_transformers_own(ref):
    ours = sentence.embed_texts([ref["text"]])[0]
    assert abs(float(np.linalg.norm(ours)) - 1) < 1e-4
    assert float(ours @ np.array(ref["vector"], np.float32)) > 0.99   # int8 weights: 0.9995 on average


def test_a_batch_of_unequal_lengths_embeds_each_text_as_alone():
    texts = [r["text"] for r in REFERENCE]
    batch = sentence.embed_texts(texts)
    for text, vec in zip(texts, batch):
        assert np.allclose(vec, sentence.embed_texts([text])[0], atol=1e-5), "padding must not leak into a text"


def test_a_long_text_is_cut_at_256_pieces():
    ids = sentence.token_ids("word " * 1000)
    assert len(ids) == 256 and ids[0] == sentence.CLS and ids[-1] == sentence.SEP


def test_questions_of_the_same_sense_lie_closer_than_unrelated_ones():
    def cos(a: str, b: str) -> float:
        return float(sentence.embed_question(a) @ sentence.embed_question(b))
    assert cos("what does an ML engineer do", "how ML engineers actually work") > \
        cos("what does an ML engineer do", "can I work remotely") + 0.1
    assert cos("can my cat come with me", "pets are welcome") > cos("can my cat come with me", "when are salaries paid")


@pytest.fixture()
def help_md(tmp_path):
    p = tmp_path / "help.md"
    p.write_text(HELP)
    return p


@pytest.mark.parametrize("question, answer", [
    ("do you allow animals in the workplace", "Pets are welcome"),
    ("when will I receive my pay", "last working day"),
    ("is the job stressful", "tight deadlines"),
])
def test_a_question_in_wholly_other_words_is_answered(help_md, question, answer):
    reply = mlbot.load([str(help_md)]).ask(question)
    assert reply.status == "answered" and answer in reply.best.entry.text, reply.to_dict()


def test_with_no_word_in_common_the_right_entry_still_comes_first(help_md):
    # Not sure enough to answer outright (about 14%), but offered first as the closest match.
    reply = mlbot.load([str(help_md)]).ask("which town is the company in")
    assert "Lyon" in reply.best.entry.text


STORE_MD = """# Store help

## Shipping

### How long does it take?

Parcels arrive within three working days of the order.

## Refunds

### How long does it take?

The money is back on your card within ten days of our receiving the return.
"""


def test_a_question_is_read_under_the_headings_it_sits_under(tmp_path):
    from mlbot.ingest.markdown import parse_markdown

    entries = parse_markdown(STORE_MD, "store.md")
    texts, row_entry = rows.in_context(entries, rows.entry_rows(entries)["question"])
    assert texts == ["Shipping: How long does it take?", "Refunds: How long does it take?"] and row_entry == [0, 1]
    # The same words under two headings are two questions to the sentence model: each its own vector.
    kb = store.build(entries, [], [])
    vecs = np.asarray(kb.sense.rows)
    assert float(vecs[0] @ vecs[1]) < 0.95
    assert np.allclose(vecs[0], sentence.vectors(["Shipping: How long does it take?"])[0], atol=1e-5)
    p = tmp_path / "store.md"
    p.write_text(STORE_MD)
    assert "Parcels" in mlbot.load([str(p)]).ask("when will my delivery come").best.entry.text


def test_a_paragraphs_heading_is_read_under_the_page_it_is_on(tmp_path):
    """In a site (a home page and pages), "Fees" on the holds page and on the room bookings page are two questions
    to the sentence model, as a question under two headings is."""
    from mlbot import ingest

    (tmp_path / "index.md").write_text("# Library wiki\n\nHow we run the branches.\n")
    (tmp_path / "holds.md").write_text("# Holds\n\nMembers reserve items online or at the desk.\n\n## Fees\n\n"
                                       "Reserving items in our own stock is free.\n")
    (tmp_path / "rooms.md").write_text("# Room bookings\n\nMeeting rooms can be booked by members.\n\n## Fees\n\n"
                                       "Payment is taken when the booking is confirmed.\n")
    entries = [e for f in ingest.discover([tmp_path]) for e in ingest.parse_file(f)]
    texts, row_entry = rows.in_context(entries, rows.entry_rows(entries)["question"])
    fees = {entries[i].source.path: t for t, i in zip(texts, row_entry) if entries[i].headings[-1] == "Fees"}
    assert fees == {"holds.md": "Holds: Fees", "rooms.md": "Room bookings: Fees"}
    # A page's own title is its lead's question, with nothing above it.
    assert "Holds" in texts


def test_the_sentence_model_is_read_only_when_the_other_fields_are_not_sure(help_md):
    kb = store.open_index([str(help_md)])
    assert kb.sense is not None and kb.sense.entries.shape == (kb.n_entries, 384)
    assert not rank(kb, "Where is the office?").by_sense       # the question as written: sure without it
    assert rank(kb, "which town is the company in").by_sense    # no word in common: the model decides


def test_the_vectors_are_cached_and_a_tampered_cache_is_rebuilt(help_md):
    kb = store.open_index([str(help_md)])
    again = store.open_index([str(help_md)])
    assert again.location is not None and np.array_equal(np.asarray(again.sense.rows), np.asarray(kb.sense.rows))
    np.save(kb.location / "sense.row_entry.npy", np.full(len(kb.sense.row_entry), 10**6, np.int32),
            allow_pickle=False)
    warned = []
    rebuilt = store.open_index([str(help_md)], warn=warned.append)
    assert any("damaged" in w and "sense" in w for w in warned)
    assert int(np.asarray(rebuilt.sense.row_entry).max()) < rebuilt.n_entries


def test_an_index_measured_with_other_weights_is_rebuilt(help_md, monkeypatch):
    from mlbot import rank as rank_mod

    kb = store.open_index([str(help_md)])
    assert kb.meta["format"] == store.index_format() and store.open_index([str(help_md)]).location == kb.location
    # New weights make the stored score scale wrong: the index is built again, and measured with them.
    monkeypatch.setattr(rank_mod, "SENSE_WEIGHTS", {**rank_mod.SENSE_WEIGHTS, "sense_doc": 0.1, "sense_question": 0.7})
    monkeypatch.setattr(store, "_index_format", None)
    again = store.open_index([str(help_md)])
    assert again.meta["format"] == store.index_format() != kb.meta["format"]
    assert again.location != kb.location and again.meta["scale_sense"] != kb.meta["scale_sense"]


def test_a_collection_past_the_budget_does_without_it(help_md, monkeypatch):
    monkeypatch.setattr(store, "SENSE_MAX_PIECES", 10)
    bot = mlbot.load([str(help_md)])
    assert bot.kb.sense is None and bot.kb.meaning is not None
    assert "Lyon" in bot.ask("where is the office").best.entry.text
    assert not rank(bot.kb, "which town is the company in").by_sense


def test_without_the_model_mlbot_still_answers_and_says_why(help_md, tmp_path, monkeypatch):
    monkeypatch.setattr(sentence, "WEIGHTS", tmp_path / "gone")
    sentence.model.cache_clear()
    sentence.forget_questions()
    try:
        bot = mlbot.load([str(help_md)])
        assert bot.kb.sense is None
        assert any("sentence model" in w and "reinstall" in w for w in bot.kb.warnings)
        assert "Lyon" in bot.ask("where is the office").best.entry.text
        assert bot.kb.location is None, "an index without the model must not be cached in place of one with it"
    finally:
        monkeypatch.undo()
        sentence.model.cache_clear()
        sentence.forget_questions()
    assert meaning.table() is not None


def test_info_says_the_sentence_model_reads_the_questions(help_md, run_mlbot):
    r = run_mlbot("info", "--docs", str(help_md))
    assert r.returncode == 0 and "sentence model" in r.stdout.decode()
    d = json.loads(run_mlbot("info", "--docs", str(help_md), "--json").stdout)
    assert d["sentence_model"] is True and d["word_vectors"] is True


def test_an_edited_document_costs_only_its_own_entries(tmp_path, monkeypatch):
    docs = tmp_path / "kb"
    docs.mkdir()
    for i in range(6):
        (docs / f"f{i}.md").write_text(f"## How do I run task {i}?\n\nPress button {i} and wait {i} seconds.\n")
    store.open_index([str(docs)])
    read = []
    real = sentence.embed_texts
    monkeypatch.setattr(sentence, "embed_texts", lambda texts, progress=None: read.extend(texts) or real(texts))
    sentence.forget_questions()   # as in a new process: only the file on disk remembers
    (docs / "f3.md").write_text("## How do I run task three?\n\nPress the red button twice.\n")
    kb = store.open_index([str(docs)])
    assert sorted(t.strip() for t in read) == ["How do I run task three?",
                                               "How do I run task three? Press the red button twice.",
                                               "Press the red button twice."], read   # its answer's sentence
    assert "red button" in mlbot.load([str(docs)]).ask("what do I do for the third task").best.entry.text
    assert kb.sense is not None


@pytest.mark.parametrize("spoil", ["garbage", "wrong rows"])
def test_a_spoiled_vector_file_is_read_again_not_trusted(tmp_path, spoil):
    import sqlite3
    docs = tmp_path / "kb"
    docs.mkdir()
    (docs / "help.md").write_text(HELP)
    kb = store.open_index([str(docs)])
    path = kb.location.parent / store.SENSE_DB
    assert path.exists()
    if spoil == "garbage":
        path.write_bytes(b"\x00not a database\xff" * 100)
    else:   # rows of the wrong size, or not of unit length, are not vectors the model made
        with sqlite3.connect(path) as db:
            keys = [k for (k,) in db.execute("SELECT key FROM vectors")]
            db.executemany("UPDATE vectors SET vector = ? WHERE key = ?",
                           [(b"\x00" * 7 if i % 2 else np.full(384, 3, "<f4").tobytes(), k)
                            for i, k in enumerate(keys)])
    sentence.forget_questions()
    (docs / "more.md").write_text("## Is there parking?\n\nYes, behind the building.\n")   # so the index is rebuilt
    again = store.open_index([str(docs)])
    for vecs in (again.sense.entries, again.sense.rows):
        assert np.allclose(np.linalg.norm(np.asarray(vecs), axis=1), 1.0, atol=1e-3), "a spoiled row was trusted"
    with sqlite3.connect(path) as db:   # made anew, holding the texts read again
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] >= again.n_entries
    assert "Lyon" in mlbot.load([str(docs)]).ask("which city is the office in").best.entry.text


def test_each_sentence_of_a_text_that_has_several_is_read_on_its_own_under_its_headings():
    from mlbot.ingest.markdown import parse_markdown

    doc = ("# Pharmacy\n\n## Delivery\n\nSomeone aged 16 or over must sign for the medicines. Fridge items come "
           "the same day.\n\nWe deliver prescriptions to homes within five miles. Our driver works weekdays.\n\n"
           "## Hours\n\nWe open at nine every day.\n\n## FAQ\n\n### Do you sell stamps?\n\nNo we do not.\n\n"
           "### Can I park?\n\nYes, behind the shop. Machine Learning Engineers face")
    entries = parse_markdown(doc, "p.md")
    entries[-1] = Entry(entries[-1].id, entries[-1].questions, entries[-1].text, entries[-1].source,
                        entries[-1].headings, truncated=True)
    texts, owners = rows.sentences(entries)
    assert texts == ["Delivery Someone aged 16 or over must sign for the medicines.",
                     "Delivery Fridge items come the same day.",
                     "Delivery We deliver prescriptions to homes within five miles.",
                     "Delivery Our driver works weekdays.",
                     "FAQ No we do not.",
                     "FAQ Yes, behind the shop."]   # a one-sentence paragraph is its doc row; a cut-off end goes
    assert owners == [0, 0, 1, 1, 3, 4]


def test_a_tables_rows_are_read_as_pieces_each_cell_after_its_header():
    # Read raw ("| Saturday | 9:00am - 5:00pm |"), a row did not say what its cells are; the header row and its
    # rule are no pieces of their own.
    from mlbot.ingest.markdown import parse_markdown

    doc = ("# Pharmacy\n\n## Opening hours\n\nWe are open six days:\n\n| Day | Open | Notes |\n|---|:---:|---|\n"
           "| Monday to Friday | 8:30am - 6:30pm | Lunch 1:15pm to 1:45pm |\n| Saturday | 9:00am - 5:00pm | |\n"
           "| Sunday | Closed | Phone 111 \\| or 999 |\n")
    texts, owners = rows.sentences(parse_markdown(doc, "p.md"))
    assert texts == ["Opening hours We are open six days:",
                     "Opening hours Day: Monday to Friday; Open: 8:30am - 6:30pm; Notes: Lunch 1:15pm to 1:45pm",
                     "Opening hours Day: Saturday; Open: 9:00am - 5:00pm",
                     "Opening hours Day: Sunday; Open: Closed; Notes: Phone 111 | or 999"], texts
    assert owners == [0, 0, 0, 0]
    # The whole entry, as the sentence model reads it, has its rows the same way; an entry without a table is as it was.
    entries = parse_markdown(doc + "\n## Parking\n\nBehind the shop.\n", "p.md")
    docs = rows.entry_rows(entries)["doc"][0]
    table, parking = rows.sense_docs(entries, docs)
    assert table.startswith("Opening hours We are open six days:\n\nDay: Monday to Friday; Open: 8:30am - 6:30pm")
    assert "|" not in table.replace("111 | or", "") and parking == docs[1]


def test_a_list_item_wrapped_over_lines_is_one_piece_and_code_keeps_its_lines():
    # reStructuredText and Markdown keep a list item's lines as written: split at its line breaks, "No crew may go
    # afloat after sunset or before sunrise, whatever" was one piece and "the time of year." too few words for one.
    from mlbot.ingest.rst import parse_rst

    doc = ("Rowing club\n===========\n\nGeneral rules\n-------------\n\n"
           "- Always keep to the right-hand side of the river, and row on the\n  towpath side going upstream.\n"
           "- No crew may go afloat after sunset or before sunrise, whatever\n  the time of year.\n"
           "- Juniors may only go afloat with a coach\n  Present at the landing stage.\n\n"
           "Install\n-------\n\nRun this to install the logger:\n\n.. code-block:: bash\n\n   pip install rowlog\n"
           "   rowlog sync now\n")
    texts, _ = rows.sentences(parse_rst(doc, "club.rst"))
    assert "General rules - No crew may go afloat after sunset or before sunrise, whatever the time of year." in texts
    assert ("General rules - Always keep to the right-hand side of the river, and row on the towpath side going "
            "upstream.") in texts
    # A line that goes on in capitals may be a line of its own: it stays one.
    assert "General rules - Juniors may only go afloat with a coach" in texts
    assert "Install pip install rowlog" in texts and "Install rowlog sync now" in texts   # code keeps its lines


def test_a_document_without_a_title_keeps_its_first_headings_as_context():
    # A newsletter whose outermost headings are its sections (as a plain-text one's are): each paragraph reads under
    # its own, where the outermost heading used to be taken for a title every entry shares and left out.
    from mlbot.ingest.markdown import parse_markdown

    letter = ("## Parking changes\n\nPermits start in December.\n\nA second permit costs more.\n\n"
              "## Garden competition\n\nThirty households entered.\n\nThe Okafor family won.\n")
    entries = parse_markdown(letter, "letter.md")
    assert rows.heading_context(entries) == ["Parking changes"] * 2 + ["Garden competition"] * 2
    assert rows.entry_rows(entries)["doc"][0][3] == "Garden competition The Okafor family won."
    # Under one title over them all, the title is left out, as before.
    titled = parse_markdown("# Residents' letter\n\n" + letter, "letter.md")
    assert rows.heading_context(titled) == ["Parking changes"] * 2 + ["Garden competition"] * 2


def test_an_entry_scores_as_its_best_piece_whole_phrasing_or_sentence(monkeypatch):
    q = np.array([1.0, 0.0], np.float32)
    monkeypatch.setattr(sentence, "embed_question", lambda text: q)
    m = meaning.Meaning(entries=np.array([[0.6, 0.8], [0.5, 0.866], [0.2, 0.98]], np.float32),
                        rows=np.array([[0.3, 0.95]], np.float32), row_entry=np.array([2], np.int32),
                        model="sentence", pieces=np.array([[0.9, 0.436], [0.1, 0.99]], np.float32),
                        piece_entry=np.array([1, 1], np.int32))
    whole, best, piece = m.scores("anything")
    assert np.allclose(whole, [0.6, 0.5, 0.2]) and np.allclose(best, [0, 0, 0.3])
    assert np.allclose(piece, [0.6, 0.9, 0.3])   # its whole text, its best sentence, its phrasing
    monkeypatch.setattr(meaning, "embed", lambda text: q)
    assert len(meaning.Meaning(m.entries, m.rows, m.row_entry).scores("x")) == 2   # word vectors: no sentences


def test_a_sentence_of_its_paragraph_tells_neighbours_under_one_heading_apart(tmp_path):
    p = tmp_path / "pharmacy.md"
    p.write_text("# Kellaway Pharmacy\n\n## Prescription delivery\n\n"
                 "Someone aged 16 or over must be in to sign for the medicines. If nobody is home, the driver will "
                 "leave a card and bring the parcel back to the pharmacy. Fridge items are delivered on the same day "
                 "they are dispensed only.\n\n"
                 "Our travel clinic is next door. Rabies vaccine costs 68 pounds a dose, and the full course of three "
                 "doses is 204 pounds. Typhoid is 35 pounds.\n\n## Opening hours\n\nWe open at nine.\n")
    kb = store.open_index([str(p)])
    assert kb.sense is not None and len(kb.sense.pieces) == len(kb.sense.piece_entry) == 6
    assert np.asarray(kb.sense.piece_entry).tolist() == [0, 0, 0, 1, 1, 1]
    assert "Rabies" in mlbot.load([str(p)]).ask("how much is the rabies jab").best.entry.text


def test_sentences_that_would_pass_the_budget_are_left_out_not_the_model(tmp_path, monkeypatch):
    from mlbot.ingest.markdown import parse_markdown

    doc = ("# Shop\n\n## Returns\n\nBring the receipt to the till. Refunds go back to your card. Sale items are "
           "final.\n\n## Hours\n\nWe open at nine on weekdays. On Sundays we open at ten.\n")
    entries = parse_markdown(doc, "shop.md")
    e_rows = rows.entry_rows(entries)
    whole = sentence.count_pieces(rows.meaning_texts(e_rows["doc"][0]) + rows.in_context(entries, e_rows["question"])[0],
                                  10**6)
    extra = sentence.count_pieces(rows.sentences(entries)[0], 10**6)
    assert extra > 0
    monkeypatch.setattr(store, "SENSE_MAX_PIECES", whole + extra - 1)
    kb = store.build(entries, [], [])
    assert kb.sense is not None and len(kb.sense.pieces) == 0   # the model, without the sentences
    monkeypatch.setattr(store, "SENSE_MAX_PIECES", whole + extra)
    assert len(store.build(entries, [], []).sense.pieces) == 5
