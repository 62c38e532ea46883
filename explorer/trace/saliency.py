"""Saliency, or connectivity: how strongly the output at step t depends on the input at step s, for every pair.

    S[b, t, s] = ‖∂ỹ_t / ∂x_s‖_F   for sample b,

where ỹ_t is what the model says at step t: for a regression task the outputs y_t themselves (O of them: the
Frobenius norm of the O × I block of the Jacobian), for a classification task the logit of the class the model
predicts at t (its argmax; the norm is then the 2-norm over the I inputs). A row of S shows which inputs an output
uses and how far back it reaches (Madsen 2019, "Visualizing memorization in RNNs", Distill); a unidirectional
model has S[t, s] = 0 for s > t, a bidirectional one reads both ways.

Computed by the hand-written backward pass of `gradients.backprop`: one seed per (output step, sample, output)
row, all rows backpropagated through the recorded trace together (no forward pass, no autograd, no loop over
output steps), in chunks of bounded memory; for a unidirectional model a chunk of rows runs only up to its last
output step (y_t cannot depend on later inputs), which halves the work.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import torch

from ..config import ModelConfig
from ..models.recurrent import RecurrentModel
from .gradients import backprop
from .record import Trace, unroll

MAX_ROWS = 50            # output steps in one saliency matrix (more are thinned evenly)
CHUNK_FLOATS = 1 << 22   # floats of seeds and local derivatives held at once (16 MiB)


@dataclass(frozen=True)
class Saliency:
    out_steps: np.ndarray   # (R,) int64: the 0-based output step t of each row
    per_sample: np.ndarray  # (B, R, T) float32: S[b, r, s] = ‖∂ỹ_{out_steps[r]}/∂x_s‖ for sample b

    @property
    def mean(self) -> np.ndarray:
        """(R, T): S averaged over the samples."""
        return self.per_sample.mean(axis=0)


def output_rows(mask: np.ndarray | torch.Tensor, max_rows: int = MAX_ROWS) -> np.ndarray:
    """(R,) the steps where the loss counts for some sample of `mask` (B, T) (or (T,)), at most `max_rows` of them,
    evenly spaced and always including the last."""
    steps = np.flatnonzero(np.asarray(mask).reshape(-1, np.asarray(mask).shape[-1]).any(axis=0))
    if len(steps) > max_rows:
        steps = steps[np.round(np.linspace(0, len(steps) - 1, max_rows)).astype(np.int64)]
    return steps.astype(np.int64)


@torch.no_grad()
def saliency(model: RecurrentModel, x: torch.Tensor | np.ndarray, kind: str, out_steps=None,
             trace: Trace | None = None, lengths: torch.Tensor | None = None) -> Saliency:
    """The saliency matrices of the samples of x (B, T, I) floats or (B, T) token ids, rows `out_steps` (0-based;
    default every step, thinned to MAX_ROWS). kind: "regression" | "classification" (the task's). `trace`: the
    unroll of x, if at hand; `lengths`: of a padded batch (rows past a sample's end are 0 for it). With an embedding
    the input x_s is the embedding vector that the first layer reads."""
    if kind not in ("regression", "classification"):
        raise ValueError(f"kind must be regression or classification, got {kind!r}")
    trace = trace if trace is not None else unroll(model, x, lengths)
    b, t_len, n_in = trace.inputs.shape
    steps = output_rows(np.ones(t_len, bool)) if out_steps is None else np.asarray(out_steps, np.int64).reshape(-1)
    if len(steps) == 0 or steps.min() < 0 or steps.max() >= t_len:
        raise ValueError(f"out_steps must be non-empty steps in 0..{t_len - 1}")
    head = model.head.weight.detach()  # (O, D·H)
    if kind == "classification":  # one seed per (row, sample): the predicted class's weights
        cls = torch.from_numpy(trace.outputs[:, steps].argmax(-1))  # (B, R)
        seeds = head[cls.T][:, :, None]  # (R, B, 1, D·H)
    else:  # one seed per (row, sample, output)
        seeds = head.expand(len(steps), b, *head.shape)  # (R, B, O, D·H)
    k = seeds.shape[2]
    out = np.zeros((b, len(steps), t_len), np.float32)
    cfg = model.cfg
    order = np.argsort(steps, kind="stable")  # rows by output step: a causal model needs only the steps up to it
    per_row = t_len * b * k * (cfg.directions * cfg.hidden_size * (len(cfg.gate_names) + 2) + n_in)
    chunk = max(1, min(CHUNK_FLOATS // per_row, len(steps) if cfg.bidirectional else math.ceil(len(steps) / 4)))
    for lo in range(0, len(steps), chunk):
        idx = order[lo : lo + chunk]
        rows = torch.from_numpy(steps[idx])
        span = t_len if cfg.bidirectional else int(rows.max()) + 1  # a unidirectional y_t depends on x_1..x_t only
        reads = _head_reads(rows, span, trace.lengths, cfg.pool)  # (T', R_chunk, B)
        direct = reads[..., None, None] * seeds[torch.from_numpy(idx)]  # (T', R_chunk, B, K, D·H)
        _, dx = backprop(model, _prefix(trace, span), direct, inner=1, keep_hidden=False)  # (T', R_chunk, B, K, I)
        norms = dx.double().pow(2).sum((-2, -1)).sqrt()  # (T', R_chunk, B)
        out[:, idx, :span] = norms.permute(2, 1, 0).numpy()
    return Saliency(steps, out)


def _head_reads(rows: torch.Tensor, span: int, lengths: np.ndarray | None, pool: str) -> torch.Tensor:
    """(T', R, B): how much of h_s the head reads at each row's output step t (pool "last": 1 at s = t; "mean":
    1/n at the n real steps s ≤ t; explorer.models.recurrent.pool_states)."""
    b = 1 if lengths is None else len(lengths)
    s = torch.arange(span)[:, None, None]  # (T', 1, 1)
    t = rows[None, :, None]  # (1, R, 1)
    if pool == "last":
        return (s == t).float().expand(span, len(rows), b)
    ends = torch.full((b,), span) if lengths is None else torch.from_numpy(lengths)  # (B,)
    read = (s <= t) & (s < ends)  # (T', R, B)
    return read / read.sum(0, keepdim=True).clamp(min=1)


def _prefix(trace: Trace, span: int) -> Trace:
    """The first `span` steps of a trace (views)."""
    if span == trace.inputs.shape[1]:
        return trace
    def cut(a: np.ndarray | None) -> np.ndarray | None:  # (L, B, T, ·)
        return None if a is None else a[:, :, :span]

    return dataclasses.replace(trace, inputs=trace.inputs[:, :span], outputs=trace.outputs[:, :span],
                               hidden=cut(trace.hidden), cell=cut(trace.cell),
                               gates={k: cut(v) for k, v in trace.gates.items()}, preact_x=cut(trace.preact_x),
                               preact_h=cut(trace.preact_h), preact_c=cut(trace.preact_c))


def saliency_work(cfg: ModelConfig, seq_len: int, rows: int, samples: int, outputs: int = 1) -> float:
    """Rough floating-point operations of one `saliency` call: every seed row through every step, layer,
    direction and gate block (what `saliency_stride` weighs against training)."""
    g, h = len(cfg.gate_names), cfg.hidden_size
    return 2.0 * rows * samples * outputs * seq_len * cfg.num_layers * cfg.directions * g * h * (h + cfg.input_size)


def train_step_work(cfg: ModelConfig, seq_len: int, batch_size: int) -> float:
    """Rough floating-point operations of one training step (forward and backward through the fused module)."""
    g, h = len(cfg.gate_names), cfg.hidden_size
    return 6.0 * batch_size * seq_len * cfg.num_layers * cfg.directions * g * h * (h + max(cfg.input_size, h))


# The saliency probe may cost about this fraction of the training between two probes, by the flop estimates below.
# Measured (python -m explorer.bench, LSTM H = 32, sine T = 50, 8 probe samples, 50 output rows): one probe takes
# 19.5 ms, ~5 training steps of batch 32, 2.5x what the estimates say; at this share and the default probe interval
# of 25 steps it comes every 11th probe (275 steps) and costs ~2 % of the training time.
SALIENCY_SHARE = 0.008


def saliency_stride(cfg: ModelConfig, seq_len: int, rows: int, samples: int, outputs: int, batch_size: int,
                    probe_every: int) -> int:
    """Probes per saliency: 1 when it costs at most SALIENCY_SHARE of the probe_every training steps between
    two probes, more for a costlier one (long sequences, many output rows)."""
    budget = SALIENCY_SHARE * max(probe_every, 1) * train_step_work(cfg, seq_len, batch_size)
    return max(1, math.ceil(saliency_work(cfg, seq_len, rows, samples, outputs) / budget))
