"""The text pipeline of a token task, as plain tables for the Build page (issue 12):

raw text ──tokenize──▶ tokens ──vocabulary──▶ ids ──embedding (or one-hot)──▶ vectors x_t

Plus the vocabulary with its counts, the special tokens, the splits and what the head reads. Pure: a task and a
model in, lists of dicts out.
"""
from __future__ import annotations

import numpy as np

from ..data.tasks import SentimentTask
from ..data.text import PAD_ID, UNK, UNK_ID
from ..i18n import N_, tr
from ..models.recurrent import RecurrentModel

VECTOR_SHOWN = 6  # leading numbers of a vector shown in the table


def vector_of(model: RecurrentModel, token_id: int) -> np.ndarray:
    """x_t for `token_id` as the first layer reads it: its embedding row (E,), or its one-hot vector (V,)."""
    if model.cfg.embedding_dim:
        return model.embedding.weight[token_id].detach().numpy().copy()
    v = np.zeros(model.cfg.input_size, np.float32)
    v[token_id] = 1.0
    return v


def _shown(v: np.ndarray, lang: str = "en") -> str:
    """The first VECTOR_SHOWN numbers of a vector and its length."""
    head = ", ".join(f"{x:.3f}" for x in v[:VECTOR_SHOWN])
    return tr("[{numbers}] ({n} numbers)", lang, numbers=head + (", …" if len(v) > VECTOR_SHOWN else ""), n=len(v))


def pipeline_rows(task: SentimentTask, model: RecurrentModel, text: str, lang: str = "en") -> list[dict]:
    """One row per token of `text` as the network reads it (cut at the task's longest text): the token, whether
    it is known, its id and the start of its vector x_t (words and column names in `lang`)."""
    enc = task.pipeline(text)
    rows = []
    for t, (tok, i, unk) in enumerate(zip(enc.tokens, enc.ids, enc.unknown), 1):
        v = vector_of(model, i)
        shown = (tr("one-hot: 1 at position {i} of {n}", lang, i=i, n=len(v)) if not model.cfg.embedding_dim
                 else _shown(v, lang))
        rows.append({"t": t, tr("token", lang): tok, tr("read as", lang): UNK if unk else tok, "id": i, "x_t": shown})
    return rows


def vocabulary_rows(task: SentimentTask, top: int, lang: str = "en") -> list[dict]:
    """The vocabulary's first `top` entries (the two special tokens, then the most frequent in the training
    split), with their counts and what they are (words and column names in `lang`)."""
    what = {PAD_ID: tr("padding after a text's end (never read)", lang),
            UNK_ID: tr("every word left out of the vocabulary", lang)}
    return [{"id": r["id"], tr("token", lang): r["token"], tr("count in training texts", lang): r["count"],
             tr("note", lang): what.get(r["id"], "")} for r in task.vocabulary.rows(top)]


SPLIT_NAMES = {"train": N_("train"), "val": N_("val"), "test": N_("test")}


def split_rows(task: SentimentTask, lang: str = "en") -> list[dict]:
    """Texts per split with their classes and the accuracy of always answering the majority class (words and
    column names in `lang`)."""
    s = task.summary()
    return [{tr("split", lang): tr(SPLIT_NAMES[name], lang), tr("texts", lang): s["texts"][name],
             tr("negative", lang): s["classes"][name]["negative"], tr("positive", lang): s["classes"][name]["positive"],
             tr("majority-class accuracy", lang): round(s["majority_accuracy"][name], 3)}
            for name in SPLIT_NAMES]

