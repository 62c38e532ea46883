"""Scores of predictions against targets, each checked against a reference implementation in tests.

The tasks compute every score they report with these functions (there is no second copy of a formula).
"""
from __future__ import annotations

import math
from collections import Counter

import torch
import torch.nn.functional as F


def accuracy(pred: torch.Tensor, target: torch.Tensor) -> float:
    return (pred == target).float().mean().item()


def macro_f1(pred: torch.Tensor, target: torch.Tensor, n_classes: int) -> float:
    """Mean F1 over the classes that occur in `target` or `pred` (the others are 0/0)."""
    hits = torch.bincount(target[pred == target], minlength=n_classes)  # true positives
    denom = torch.bincount(pred, minlength=n_classes) + torch.bincount(target, minlength=n_classes)
    present = denom > 0  # denom = 2 TP + FP + FN
    return (2 * hits[present] / denom[present]).mean().item()


# --- training helper (issue 13): regression scores and perplexity ------------------------------------------

def mae(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Mean absolute error, mean |ŷ − y| over all entries."""
    return (pred - target).abs().mean().item()


def rmse(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Root mean squared error, √(mean (ŷ − y)²): the square root of the MSE loss."""
    return (pred - target).pow(2).mean().sqrt().item()


def smape(forecast: torch.Tensor, actual: torch.Tensor) -> float:
    """Symmetric mean absolute percentage error in percent: 100 · mean 2|F − A| / (|F| + |A|), 0 .. 200.

    A term whose F and A are both 0 is an exact forecast and counts 0 (not 0/0)."""
    denom = forecast.abs() + actual.abs()
    terms = torch.where(denom > 0, 2 * (forecast - actual).abs() / denom, 0.0)
    return 100 * terms.mean().item()


def perplexity(logits: torch.Tensor, target: torch.Tensor) -> float:
    """exp of the mean cross-entropy (nats) of logits (N, C) for class ids (N,); inf rather than an error when
    training blew up."""
    return F.cross_entropy(logits, target).exp().item()


# ---- classification tables (issue 12: sentiment) -----------------------------------------------


def confusion_matrix(pred: torch.Tensor, target: torch.Tensor, n_classes: int) -> torch.Tensor:
    """(C, C) int64 counts: row = true class, column = predicted class (scikit-learn's layout)."""
    return torch.bincount(target * n_classes + pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def binary_f1(pred: torch.Tensor, target: torch.Tensor, positive: int = 1) -> float:
    """F1 of the class `positive`: 2 TP / (2 TP + FP + FN); 0 when it is neither predicted nor true."""
    p, t = pred == positive, target == positive
    tp, denom = (p & t).sum().item(), p.sum().item() + t.sum().item()
    return 2 * tp / denom if denom else 0.0


# --- Sequence to sequence: outputs and references as token lists (issue 14) ---------------------------

def _check_pairs(candidates: list[list[str]], references: list[list[str]]) -> None:
    if len(candidates) != len(references):
        raise ValueError(f"{len(candidates)} candidates but {len(references)} references: one reference per candidate")


def token_accuracy(candidates: list[list[str]], references: list[list[str]]) -> float:
    """Position-wise hits over all positions: Σ #{j : cand[j] = ref[j]} / Σ max(len cand, len ref).
    A token missing or extra counts as a miss, so it is 1 exactly when every candidate equals its reference."""
    _check_pairs(candidates, references)
    if not candidates:
        return 0.0
    hits = sum(sum(a == b for a, b in zip(c, r)) for c, r in zip(candidates, references))
    positions = sum(max(len(c), len(r)) for c, r in zip(candidates, references))
    return hits / positions if positions else 1.0  # only empty pairs: each candidate equals its reference


def exact_match(candidates: list[list[str]], references: list[list[str]]) -> float:
    """The fraction of candidates identical to their reference."""
    _check_pairs(candidates, references)
    return sum(list(c) == list(r) for c, r in zip(candidates, references)) / len(candidates) if candidates else 0.0


def bleu(candidates: list[list[str]], references: list[list[str]]) -> float:
    """Corpus BLEU-4 (Papineni et al. 2002) on 0..100, as sacrebleu computes it without smoothing.

    p_n = Σ clipped n-gram matches / Σ candidate n-grams (sums over the corpus, n = 1..4);
    BP = 1 if c > r else exp(1 − r/c) (c, r: total candidate and reference lengths; BP = 0 if c = 0);
    BLEU = 100 · BP · exp(¼ Σ log p_n), and 0 when any p_n is 0 (no smoothing).
    """
    _check_pairs(candidates, references)
    matches, totals = [0] * 4, [0] * 4
    for cand, ref in zip(candidates, references):
        for n in range(1, 5):
            c_grams = Counter(tuple(cand[i : i + n]) for i in range(len(cand) - n + 1))
            r_grams = Counter(tuple(ref[i : i + n]) for i in range(len(ref) - n + 1))
            matches[n - 1] += sum((c_grams & r_grams).values())  # & keeps the smaller count: clipping
            totals[n - 1] += max(len(cand) - n + 1, 0)
    if min(matches) == 0:
        return 0.0
    c = sum(len(x) for x in candidates)
    r = sum(len(x) for x in references)
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return 100 * bp * math.exp(sum(math.log(m / t) for m, t in zip(matches, totals)) / 4)
