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
