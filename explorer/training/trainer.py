"""A trainer that yields one `StepStats` per optimiser step. The caller pulls; the trainer knows no UI."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import torch

from ..config import MAX_SEED, ModelConfig, TrainConfig
from ..data.tasks import Batch, Task
from ..models.recurrent import RecurrentModel
from ..trace.gradients import clip_gradients, hidden_grad_norms, whh_spectra

PROBE_BATCH = 8  # samples in the fixed batch on which ‖∂L/∂h_t‖ is probed
# The W_hh spectrum costs ~(layers · gates · H³): up to this much it comes with every probe; a larger
# model gets it every few probes so that the eigenvalue solver never dominates training.
SPECTRUM_WORK_PER_PROBE = 4 * 128**3


def spectrum_stride(cfg: ModelConfig) -> int:
    """Probes per spectrum for this model: 1 up to a 4-gate layer of 128 units, more beyond."""
    work = cfg.num_layers * len(cfg.gate_names) * cfg.hidden_size**3
    return max(1, math.ceil(work / SPECTRUM_WORK_PER_PROBE))




@dataclass
class StepStats:
    """What one optimiser step measured (before its update was applied)."""

    step: int                          # 1-based count of optimiser steps taken, this one included
    loss: float
    metrics: dict[str, float]
    baseline: float                    # the task's memoryless baseline loss
    grad_norm: float                   # global gradient norm before clipping
    grad_norm_clipped: float           # after clipping (= grad_norm when nothing was clipped)
    clipped: bool
    param_grad_norms: dict[str, float]  # per parameter, before clipping
    # Probes, every probe_every steps (None in between), measured after this step's update;
    # the spectrum every spectrum_stride(model) probes (every probe up to H = 128):
    hidden_grad_norms: np.ndarray | None = None     # (L, T): ‖∂L/∂h_t‖ on the fixed probe batch
    sigma_max: dict[str, float] | None = None       # σ_max of each W_hh block, keyed "layer/gate" ("0/f")
    eigenvalues: dict[str, np.ndarray] | None = None  # complex eigenvalues of each W_hh block
    diverged: str | None = None        # why training stopped (non-finite loss or gradient), else None
    finished_at: float = math.nan      # Unix time when the step (and its probe) was done

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (non-finite floats become None; eigenvalues as [re, im] pairs)."""
        def num(v: float) -> float | None:
            return v if math.isfinite(v) else None

        d = {
            "step": self.step, "loss": num(self.loss), "baseline": self.baseline,
            "metrics": {k: num(v) for k, v in self.metrics.items()},
            "grad_norm": num(self.grad_norm), "grad_norm_clipped": num(self.grad_norm_clipped),
            "clipped": self.clipped,
            "param_grad_norms": {k: num(v) for k, v in self.param_grad_norms.items()},
            "sigma_max": self.sigma_max, "diverged": self.diverged, "finished_at": self.finished_at,
            "hidden_grad_norms": None if self.hidden_grad_norms is None
            else [[num(float(v)) for v in row] for row in self.hidden_grad_norms],
        }
        if self.eigenvalues is not None:
            d["eigenvalues"] = {k: np.stack([v.real, v.imag], 1).round(6).tolist() for k, v in self.eigenvalues.items()}
        return d


def _spectra_by_block(model: RecurrentModel) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    spectra = whh_spectra(model)
    return {f"{s.layer}/{s.gate}": s.sigma_max for s in spectra}, {f"{s.layer}/{s.gate}": s.eigenvalues for s in spectra}


class Trainer:
    """Trains `model` on `task` with the fused torch module; `step()` runs one optimiser step."""

    def __init__(self, model: RecurrentModel, task: Task, cfg: TrainConfig):
        self.model, self.task = model, task
        self.step_count = 0
        self.diverged: str | None = None
        self.cfg = cfg
        self.optimizer = self._make_optimizer(cfg)
        self._last_good = self._snapshot()
        self.probe_batch: Batch = task.batch(PROBE_BATCH, seed=MAX_SEED - cfg.seed)  # fixed: curves compare over time

    def _make_optimizer(self, cfg: TrainConfig) -> torch.optim.Optimizer:
        # foreach: one torch call per update for all parameters instead of ~7 per parameter (CPU's default);
        # the same arithmetic, bit for bit. Fewer calls matter on a shared server: each one lets go of the GIL
        # and may wait for it behind another session (see app.py's switch interval).
        params = self.model.parameters()
        if cfg.optimizer == "adam":
            return torch.optim.Adam(params, lr=cfg.lr, foreach=True)
        if cfg.optimizer == "sgd":
            return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum, foreach=True)
        return torch.optim.RMSprop(params, lr=cfg.lr, momentum=cfg.momentum, foreach=True)

    def set_config(self, cfg: TrainConfig) -> None:
        """Change the training settings, keeping the weights (and the optimiser state if its kind is unchanged)."""
        if cfg.optimizer != self.cfg.optimizer:
            self.optimizer = self._make_optimizer(cfg)
        for group in self.optimizer.param_groups:
            group["lr"] = cfg.lr
            if "momentum" in group:
                group["momentum"] = cfg.momentum
        self.cfg = cfg

    def _snapshot(self) -> list[torch.Tensor]:
        return [p.detach().clone() for p in self.model.parameters()]

    @torch.no_grad()
    def _keep_last_good(self) -> None:
        """Copy the weights into the last-good buffers: one torch call for all of them, every step."""
        torch._foreach_copy_(self._last_good, list(self.model.parameters()))

    @torch.no_grad()
    def restore_last_good(self) -> None:
        """Put back the weights of the last step whose loss and gradients were finite; reset the optimiser."""
        for p, good in zip(self.model.parameters(), self._last_good):
            p.copy_(good)
        self.optimizer = self._make_optimizer(self.cfg)
        self.diverged = None

    def probe(self) -> np.ndarray:
        """(L, T): ‖∂L/∂h_t‖ of every layer on the fixed probe batch, for the current weights."""
        batch = self.probe_batch
        return hidden_grad_norms(self.model, batch.x, lambda out: self.task.loss(out, batch))

    def step(self) -> StepStats:
        """One optimiser step. On a non-finite loss or gradient the update is skipped and `diverged` says why."""
        cfg, model = self.cfg, self.model
        self.step_count += 1
        batch = self.task.batch(cfg.batch_size, seed=cfg.seed * 1_000_003 + self.step_count)
        model.train()
        self.optimizer.zero_grad(set_to_none=True)
        out = model(batch.x)  # (B, T, O)
        loss = self.task.loss(out, batch)
        loss_value = loss.item()
        if math.isfinite(loss_value):
            loss.backward()
            clip = clip_gradients(model, cfg.clip, cfg.clip_threshold)
        else:
            clip = None
        with torch.no_grad():
            metrics = self.task.metrics(out, batch)
        stats = StepStats(
            step=self.step_count, loss=loss_value, metrics=metrics, baseline=self.task.baseline,
            grad_norm=clip.norm_before if clip else math.nan,
            grad_norm_clipped=clip.norm_after if clip else math.nan,
            clipped=clip.clipped if clip else False, param_grad_norms=clip.param_norms if clip else {},
        )
        if clip is None or not math.isfinite(clip.norm_after):
            what = f"the loss is {loss_value:g}" if clip is None else f"the gradient norm is {clip.norm_before:g}"
            self.diverged = stats.diverged = f"step {self.step_count}: {what}; the update was not applied."
            stats.finished_at = time.time()
            return stats
        self._keep_last_good()
        self.optimizer.step()
        if cfg.probe_every and self.step_count % cfg.probe_every == 0:
            model.eval()
            stats.hidden_grad_norms = self.probe()
            if self.step_count % (cfg.probe_every * spectrum_stride(model.cfg)) == 0:
                stats.sigma_max, stats.eigenvalues = _spectra_by_block(model)
        stats.finished_at = time.time()
        return stats

    def run(self, n: int) -> Iterator[StepStats]:
        """Up to n steps; stops early after a step that diverged."""
        for _ in range(n):
            stats = self.step()
            yield stats
            if stats.diverged:
                return
