"""Scores of predictions against targets, each checked against a reference implementation in tests.

The tasks compute every score they report with these functions (there is no second copy of a formula).
"""
from __future__ import annotations

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
