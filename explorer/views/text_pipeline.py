"""The text pipeline of a token task, as plain tables for the Build page (issue 12):

raw text ──tokenize──▶ tokens ──vocabulary──▶ ids ──embedding (or one-hot)──▶ vectors x_t

Plus the vocabulary with its counts, the special tokens, the splits and what the head reads. Pure: a task and a
model in, lists of dicts out.
"""
from __future__ import annotations

import numpy as np

from ..data.tasks import SentimentTask
from ..data.text import PAD_ID, UNK, UNK_ID
from ..models.recurrent import RecurrentModel

VECTOR_SHOWN = 6  # leading numbers of a vector shown in the table


def vector_of(model: RecurrentModel, token_id: int) -> np.ndarray:
    """x_t for `token_id` as the first layer reads it: its embedding row (E,), or its one-hot vector (V,)."""
    if model.cfg.embedding_dim:
        return model.embedding.weight[token_id].detach().numpy().copy()
    v = np.zeros(model.cfg.input_size, np.float32)
    v[token_id] = 1.0
    return v


def _shown(v: np.ndarray) -> str:
    """The first VECTOR_SHOWN numbers of a vector and its length."""
    head = ", ".join(f"{x:.3f}" for x in v[:VECTOR_SHOWN])
    return f"[{head}{', …' if len(v) > VECTOR_SHOWN else ''}] ({len(v)} numbers)"


def pipeline_rows(task: SentimentTask, model: RecurrentModel, text: str) -> list[dict]:
    """One row per token of `text` as the network reads it (cut at the task's longest text): the token, whether
    it is known, its id and the start of its vector x_t."""
    enc = task.pipeline(text)
    rows = []
    for t, (tok, i, unk) in enumerate(zip(enc.tokens, enc.ids, enc.unknown), 1):
        v = vector_of(model, i)
        shown = f"one-hot: 1 at position {i} of {len(v)}" if not model.cfg.embedding_dim else _shown(v)
        rows.append({"t": t, "token": tok, "read as": UNK if unk else tok, "id": i, "x_t": shown})
    return rows


def vocabulary_rows(task: SentimentTask, top: int) -> list[dict]:
    """The vocabulary's first `top` entries (the two special tokens, then the most frequent in the training
    split), with their counts and what they are."""
    what = {PAD_ID: "padding after a text's end (never read)", UNK_ID: "every word left out of the vocabulary"}
    return [{"id": r["id"], "token": r["token"], "count in training texts": r["count"],
             "note": what.get(r["id"], "")} for r in task.vocabulary.rows(top)]


def split_rows(task: SentimentTask) -> list[dict]:
    """Texts per split with their classes and the accuracy of always answering the majority class."""
    s = task.summary()
    return [{"split": name, "texts": s["texts"][name], "negative": s["classes"][name]["negative"],
             "positive": s["classes"][name]["positive"], "majority-class accuracy": round(s["majority_accuracy"][name], 3)}
            for name in ("train", "val", "test")]

