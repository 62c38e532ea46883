"""The running prediction of a sentiment model: P("positive") after each word it has read.

A unidirectional model's output at step t depends only on the words 1..t (the head reads h_t, or the mean of
h_1..h_t), so one pass gives every prefix's prediction. A bidirectional model's output at t has read the whole
text through its backward chain, so "after reading word t" means running the model on the first t words alone:
one pass per prefix.
"""
from __future__ import annotations

import numpy as np
import torch

from ..models.recurrent import RecurrentModel

POSITIVE = 1  # the class id of "positive" (explorer.data.tasks.SENTIMENT_CLASSES)


@torch.no_grad()
def running_positive(model: RecurrentModel, ids, lengths=None) -> np.ndarray:
    """(B, T) float64: P(positive) after reading words 1..t of each text of `ids` (B, T) int64 (or (T,) for one
    text: then (T,)), NaN past a text's real length `lengths` (B,) (None: every text is T long)."""
    x = torch.as_tensor(ids, dtype=torch.int64)
    one = x.dim() == 1
    x = x[None] if one else x  # (B, T)
    B, T = x.shape
    n = torch.full((B,), T, dtype=torch.int64) if lengths is None else torch.as_tensor(lengths, dtype=torch.int64)
    n = n.reshape(-1)
    if len(n) != B or (n < 1).any() or (n > T).any():
        raise ValueError(f"lengths must hold {B} values in 1..{T}")
    if model.cfg.bidirectional:
        p = torch.full((B, T), float("nan"), dtype=torch.float64)
        for t in range(1, T + 1):  # the first t words alone, for every text that long
            rows = torch.nonzero(n >= t).flatten()
            out = model(x[rows, :t])  # (b, t, O)
            p[rows, t - 1] = torch.softmax(out[:, -1].double(), -1)[:, POSITIVE]
    else:
        out = model(x, lengths=None if lengths is None else n)  # (B, T, O)
        p = torch.softmax(out.double(), -1)[..., POSITIVE]
        p[torch.arange(T)[None, :] >= n[:, None]] = float("nan")
    p = p.numpy()
    return p[0] if one else p
