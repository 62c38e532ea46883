"""The small functions the cells share: the logistic sigmoid and the two kinds of peephole."""
from __future__ import annotations

import numpy as np


def sigmoid(a):
    """σ(a) = 1 / (1 + e^(−a)), computed as e^(−log(1 + e^(−a))) so that no exponential overflows."""
    return np.exp(-np.logaddexp(0.0, -a))


def peep(w, c):
    """A peephole term for a batch of cell states c (B, H): w ⊙ c for a diagonal peephole w (H,),
    c @ w.T (= W c for each row) for the tutorial's full matrix w (H, H)."""
    return c @ w.T if w.ndim == 2 else c * w


def peep_grad(w, da, c):
    """∂L/∂w of a peephole term, summed over the batch, given da = ∂L/∂(the pre-activation it feeds)."""
    return da.T @ c if w.ndim == 2 else (da * c).sum(axis=0)


def peep_back(w, da):
    """∂L/∂c through a peephole term, given da = ∂L/∂(the pre-activation it feeds)."""
    return da @ w if w.ndim == 2 else da * w
