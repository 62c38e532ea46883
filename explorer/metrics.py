"""Scores of predictions against targets, each checked against a reference implementation in tests."""
from __future__ import annotations

import torch


def accuracy(pred: torch.Tensor, target: torch.Tensor) -> float:
    return (pred == target).float().mean().item()


def macro_f1(pred: torch.Tensor, target: torch.Tensor, n_classes: int) -> float:
    """Mean F1 over the classes that occur in `target` or `pred` (the others are 0/0)."""
    hits = torch.bincount(target[pred == target], minlength=n_classes)  # true positives
    denom = torch.bincount(pred, minlength=n_classes) + torch.bincount(target, minlength=n_classes)
    present = denom > 0  # denom = 2 TP + FP + FN
    return (2 * hits[present] / denom[present]).mean().item()


# ---- classification tables (issue 12: sentiment) -----------------------------------------------


def confusion_matrix(pred: torch.Tensor, target: torch.Tensor, n_classes: int) -> torch.Tensor:
    """(C, C) int64 counts: row = true class, column = predicted class (scikit-learn's layout)."""
    return torch.bincount(target * n_classes + pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def binary_f1(pred: torch.Tensor, target: torch.Tensor, positive: int = 1) -> float:
    """F1 of the class `positive`: 2 TP / (2 TP + FP + FN); 0 when it is neither predicted nor true."""
    p, t = pred == positive, target == positive
    tp, denom = (p & t).sum().item(), p.sum().item() + t.sum().item()
    return 2 * tp / denom if denom else 0.0
