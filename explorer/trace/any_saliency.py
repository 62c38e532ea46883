"""Saliency for any model with the sequence contract (B, T, I) → (B, T, O): the recurrent models and the Compare
baselines (explorer/models/baselines.py) alike.

    S[b, t, s] = ‖∂ỹ_t / ∂x_s‖_F   for sample b,

with ỹ_t as in explorer.trace.saliency (a regression task's O outputs at t; a classification task's logit of the
class the model predicts at t). A recurrent model goes through the hand-written backward pass of
`explorer.trace.saliency.saliency`; any other model through autograd: one vector-Jacobian product per (output step,
output) seed, batched with `is_grads_batched` (vmap) and summed over the samples, which is exact because no model
here mixes samples (dropout is off: the model is evaluated in eval mode). What it shows on Compare: the RNN's
dependence fading with distance, the 1D-CNN's hard edge at its receptive field, the Transformer's causal triangle.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..models.recurrent import RecurrentModel
from .saliency import Saliency, output_rows, saliency

CHUNK_FLOATS = 1 << 23  # floats of batched input gradients and activations held at once (32 MiB), roughly


def model_saliency(model: nn.Module, x: torch.Tensor | np.ndarray, kind: str, out_steps=None) -> Saliency:
    """The saliency matrices of the samples of x (B, T, I) (token ids (B, T) for a recurrent model with an
    embedding), rows `out_steps` (0-based; default every step, thinned to saliency.MAX_ROWS). kind: "regression" |
    "classification" (the task's). The model's training/eval mode is left as it was."""
    if isinstance(model, RecurrentModel):
        return saliency(model, x, kind, out_steps)
    if kind not in ("regression", "classification"):
        raise ValueError(f"kind must be regression or classification, got {kind!r}")
    x = torch.as_tensor(x, dtype=torch.float32).detach()
    b, t_len, _ = x.shape
    steps = output_rows(np.ones(t_len, bool)) if out_steps is None else np.asarray(out_steps, np.int64).reshape(-1)
    if len(steps) == 0 or steps.min() < 0 or steps.max() >= t_len:
        raise ValueError(f"out_steps must be non-empty steps in 0..{t_len - 1}")
    was_training = model.training
    model.eval()
    try:
        return Saliency(steps, _by_autograd(model, x, kind, steps))
    finally:
        model.train(was_training)


def _by_autograd(model: nn.Module, x: torch.Tensor, kind: str, steps: np.ndarray) -> np.ndarray:
    """(B, R, T) float32 by batched vector-Jacobian products through `model` (in eval mode)."""
    b, t_len, n_in = x.shape
    x = x.requires_grad_(True)
    with torch.enable_grad():
        y = model(x)  # (B, T, O)
        n_out = y.shape[-1]
        rows = torch.from_numpy(steps)
        if kind == "classification":  # one seed per row: at each sample's predicted class
            cls = y.detach()[:, rows].argmax(-1)  # (B, R)
            seeds = torch.zeros(len(steps), b, t_len, n_out)  # (R, B, T, O)
            r_idx = torch.arange(len(steps))[:, None].expand(-1, b)
            seeds[r_idx, torch.arange(b)[None, :].expand(len(steps), -1), rows[:, None].expand(-1, b), cls.T] = 1.0
            k = 1
        else:  # one seed per (row, output): row r·O + o
            seeds = torch.zeros(len(steps), n_out, b, t_len, n_out)
            outs = torch.arange(n_out)[None, :]
            seeds[torch.arange(len(steps))[:, None], outs, :, rows[:, None], outs] = 1.0
            seeds = seeds.flatten(0, 1)  # (R·O, B, T, O)
            k = n_out
        width = max(n_in, getattr(getattr(model, "cfg", None), "hidden_size", 1))
        per_seed = b * t_len * (16 * width + t_len)  # activations' gradients of one seed (attention: T²), roughly
        chunk = max(k, CHUNK_FLOATS // per_seed // k * k)  # whole rows per chunk
        grads = []
        for lo in range(0, len(seeds), chunk):
            (g,) = torch.autograd.grad(y, x, seeds[lo : lo + chunk], retain_graph=True, is_grads_batched=True)
            grads.append(g.detach())  # (n, B, T, I)
    g = torch.cat(grads).double().reshape(len(steps), k, b, t_len, n_in)
    return g.pow(2).sum((1, 4)).sqrt().permute(1, 0, 2).float().numpy()  # (B, R, T)
