"""A trainer that yields one `StepStats` per optimiser step. The caller pulls; the trainer knows no UI.

Each step: the learning rate of the schedule, a training batch, forward (window by window under truncated
BPTT), backward, L2 weight decay added to the gradient (adamw: decoupled, in the optimiser), clipping, the
update. Every probe_every steps the ‖∂L/∂h_t‖ probe and the W_hh spectrum (recurrent models only), every
eval_every steps the loss and metrics on the validation set and a fixed training subset, and early stopping.
"""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import torch
from torch import nn

from ..config import MAX_SEED, ModelConfig, TrainConfig
from ..data.tasks import Batch, Task
from ..i18n import N_, UserError, UserText
from ..models.recurrent import RecurrentModel
from ..trace.gradients import clip_gradients, grad_norms, hidden_grads, whh_spectra
from ..trace.saliency import output_rows, saliency, saliency_stride
from .early_stopping import EarlyStop, EarlyStopping
from .schedule import learning_rate
from .tbptt import forward_truncated, truncated_hidden_grads

PROBE_BATCH = 8  # samples in the fixed batch on which ‖∂L/∂h_t‖ is probed
# The W_hh spectrum costs ~(layers · gates · H³): up to this much it comes with every probe; a larger
# model gets it every few probes so that the eigenvalue solver never dominates training.
SPECTRUM_WORK_PER_PROBE = 4 * 128**3


def spectrum_stride(cfg: ModelConfig) -> int:
    """Probes per spectrum for this model: 1 up to a 4-gate layer of 128 units, more beyond."""
    work = cfg.num_layers * cfg.directions * len(cfg.gate_names) * cfg.hidden_size**3
    return max(1, math.ceil(work / SPECTRUM_WORK_PER_PROBE))




def _num(v: float) -> float | None:
    """v, or None when it is not finite (JSON has no NaN or Inf)."""
    return v if math.isfinite(v) else None


@dataclass
class StepStats:
    """What one optimiser step measured (before its update was applied)."""

    step: int                          # 1-based count of optimiser steps taken, this one included
    loss: float
    metrics: dict[str, float]
    baseline: float                    # the task's memoryless baseline loss
    grad_norm: float                   # global gradient norm before clipping (with the L2 term, if any)
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
    lr: float = math.nan               # the learning rate of this step's update (the schedule's)
    # Evaluations, every eval_every steps (None in between), after this step's update, in eval mode (no dropout):
    val_loss: float | None = None                      # on the task's fixed validation set
    val_metrics: dict[str, float] | None = None
    train_eval_loss: float | None = None               # on its fixed training subset (comparable with val_loss)
    train_eval_metrics: dict[str, float] | None = None
    early_stop: EarlyStop | None = None  # set on the step after which early stopping ended the run
    probe_skipped: str | None = None     # on probe steps of a model without recurrence: why there is no probe
    # Bidirectional models, with every probe: ‖∂L/∂h_t‖ of each direction (hidden_grad_norms is the norm over both)
    hidden_grad_norms_by_direction: np.ndarray | None = None  # (L, D, T)
    # Saliency ‖∂ỹ_t/∂x_s‖ (explorer.trace.saliency) on the probe batch, every Trainer.saliency_stride probes:
    saliency: np.ndarray | None = None          # (R, T): averaged over the probe batch
    saliency_sample: np.ndarray | None = None   # (R, T): probe sample 0 alone
    saliency_steps: np.ndarray | None = None    # (R,): the 0-based output step t of each row

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (non-finite floats become None; eigenvalues as [re, im] pairs)."""
        num = _num
        d = {
            "step": self.step, "loss": num(self.loss), "baseline": self.baseline,
            "metrics": {k: num(v) for k, v in self.metrics.items()},
            "grad_norm": num(self.grad_norm), "grad_norm_clipped": num(self.grad_norm_clipped),
            "clipped": self.clipped,
            "param_grad_norms": {k: num(v) for k, v in self.param_grad_norms.items()},
            "sigma_max": self.sigma_max, "diverged": self.diverged, "finished_at": self.finished_at,
            "hidden_grad_norms": None if self.hidden_grad_norms is None
            else [[num(float(v)) for v in row] for row in self.hidden_grad_norms],
            "lr": num(self.lr),
            "val_loss": None if self.val_loss is None else num(self.val_loss),
            "val_metrics": None if self.val_metrics is None else {k: num(v) for k, v in self.val_metrics.items()},
            "train_eval_loss": None if self.train_eval_loss is None else num(self.train_eval_loss),
            "train_eval_metrics": None if self.train_eval_metrics is None
            else {k: num(v) for k, v in self.train_eval_metrics.items()},
            "early_stop": None if self.early_stop is None else self.early_stop.to_json(),
            "probe_skipped": self.probe_skipped,
        }

        def nums(a: np.ndarray) -> list:
            return [nums(row) for row in a] if a.ndim > 1 else [num(float(v)) for v in a]

        for key in ("hidden_grad_norms_by_direction", "saliency", "saliency_sample"):
            d[key] = None if getattr(self, key) is None else nums(getattr(self, key))
        d["saliency_steps"] = None if self.saliency_steps is None else self.saliency_steps.tolist()
        if self.eigenvalues is not None:
            d["eigenvalues"] = {k: np.stack([v.real, v.imag], 1).round(6).tolist() for k, v in self.eigenvalues.items()}
        return d


@dataclass(frozen=True)
class Evaluation:
    """Loss and metrics of the current weights on a task's fixed evaluation set, in eval mode (no dropout)."""

    split: str                 # "train" (the fixed training subset) | "val" | "test"
    step: int                  # optimiser steps taken before it
    loss: float
    metrics: dict[str, float]
    size: int                  # sequences in the set

    def to_json(self) -> dict[str, Any]:
        return {"split": self.split, "step": self.step, "loss": _num(self.loss), "size": self.size,
                "metrics": {k: _num(v) for k, v in self.metrics.items()}}


def _spectra_by_block(model: RecurrentModel) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    spectra = whh_spectra(model)
    return {s.key: s.sigma_max for s in spectra}, {s.key: s.eigenvalues for s in spectra}


def _check_tbptt(model: nn.Module, task: Task, cfg: TrainConfig) -> None:
    """Refuse, with one sentence, truncated BPTT where cutting the sequence into windows would change the model."""
    if not cfg.tbptt:
        return
    if getattr(model.cfg, "bidirectional", False):
        raise UserError("Truncated BPTT needs a unidirectional model: a bidirectional layer reads the whole "
                        "sequence backwards. Set tbptt to 0 or make the model unidirectional.")
    if getattr(task, "token_inputs", False):
        raise UserError("Truncated BPTT needs sequences of one length: this task pads its texts to the longest "
                        "in each batch and reads them packed. Set tbptt to 0.")
    if getattr(model.cfg, "pool", "last") != "last":
        raise UserError("Truncated BPTT needs the head to read h_t (pool \"last\"): the mean over the sequence "
                        "would start again in every window. Set tbptt to 0 or pool to last.")


class Trainer:
    """Trains `model` (a RecurrentModel, or any module (B, T, I) → (B, T, O) such as a baseline) on `task`;
    `step()` runs one optimiser step."""

    def __init__(self, model: nn.Module, task: Task, cfg: TrainConfig):
        self.model, self.task = model, task
        self.step_count = 0
        self.diverged: str | None = None
        self.recurrent = isinstance(model, RecurrentModel)
        # What this trainer cannot do for this model, and why (recurrence-only features of a baseline):
        self.skipped: dict[str, str] = {} if self.recurrent else {
            name: getattr(model, "recurrence_note", N_("This model has no recurrence."))
            for name in ("hidden_grad_norms", "spectrum", "tbptt")}
        _check_tbptt(model, task, cfg)
        self.cfg = cfg
        self.optimizer = self._make_optimizer(cfg)
        self._last_good = self._snapshot()
        self.probe_batch: Batch = task.batch(PROBE_BATCH, seed=MAX_SEED - cfg.seed)  # fixed: curves compare over time
        # (R,): the output steps whose saliency is probed (recurrent models only)
        self.saliency_steps = output_rows(self.probe_batch.mask) if self.recurrent else None
        self.probes_done = 0
        self.early_stopping = EarlyStopping(cfg.patience, cfg.min_delta)
        self.early_stop: EarlyStop | None = None  # the latest early stop, until training goes on
        self._best: list[torch.Tensor] | None = None  # weights at early_stopping.best_step
        self.seconds_training = 0.0  # time in forward, backward and update (not probes or evaluations)

    def _make_optimizer(self, cfg: TrainConfig) -> torch.optim.Optimizer:
        # foreach: one torch call per update for all parameters instead of ~7 per parameter (CPU's default);
        # the same arithmetic, bit for bit. Fewer calls matter on a shared server: each one lets go of the GIL
        # and may wait for it behind another session (see app.py's switch interval).
        params = self.model.parameters()
        if cfg.optimizer == "adam":
            return torch.optim.Adam(params, lr=cfg.lr, foreach=True)
        if cfg.optimizer == "adamw":
            return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay, foreach=True)
        if cfg.optimizer == "sgd":
            return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum, foreach=True)
        return torch.optim.RMSprop(params, lr=cfg.lr, momentum=cfg.momentum, foreach=True)

    def set_config(self, cfg: TrainConfig) -> None:
        """Change the training settings, keeping the weights (and the optimiser state if its kind is unchanged)
        and the early-stopping record (its best loss and weights)."""
        _check_tbptt(self.model, self.task, cfg)
        if cfg.optimizer != self.cfg.optimizer:
            self.optimizer = self._make_optimizer(cfg)
        for group in self.optimizer.param_groups:
            group["lr"] = cfg.lr
            if "momentum" in group:
                group["momentum"] = cfg.momentum
            if cfg.optimizer == "adamw":
                group["weight_decay"] = cfg.weight_decay
        self.early_stopping.patience, self.early_stopping.min_delta = cfg.patience, cfg.min_delta
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
        """(L, T): ‖∂L/∂h_t‖ of every layer on the fixed probe batch, for the current weights; under truncated
        BPTT the gradient training really backpropagates (zero across every cut, see training.tbptt)."""
        return np.sqrt((self._probe(False)[0] ** 2).sum(axis=1))

    def _probe(self, with_saliency: bool):
        """‖∂L/∂h_t‖ per direction (L, D, T) on the probe batch, and its saliency (or None)."""
        batch = self.probe_batch
        loss_fn = lambda out: self.task.loss(out, batch)  # noqa: E731
        if self.cfg.tbptt:  # _check_tbptt: unidirectional, one length, pool "last"
            trace, grads = truncated_hidden_grads(self.model, batch.x, loss_fn, self.cfg.tbptt)
        else:
            trace, grads = hidden_grads(self.model, batch.x, loss_fn, batch.lengths)
        sal = saliency(self.model, batch.x, self.task.kind, self.saliency_steps, trace) if with_saliency else None
        return grad_norms(grads, self.model.cfg.directions), sal

    @property
    def saliency_stride(self) -> int:
        """Probes per saliency probe: 1 when it is cheap, more for long sequences (explorer.trace.saliency)."""
        k = self.task.output_size if self.task.kind == "regression" else 1
        return saliency_stride(self.model.cfg, self.task.seq_len, len(self.saliency_steps), PROBE_BATCH, k,
                               self.cfg.batch_size, self.cfg.probe_every)

    @torch.no_grad()
    def evaluate(self, split: str) -> Evaluation:
        """Loss and metrics of the current weights on the task's fixed `split` set ("train" | "val" | "test"),
        in eval mode. The test set is for a final evaluation on demand: training never looks at it."""
        batch = self.task.eval_set(split)
        was_training = self.model.training
        self.model.eval()
        out = self._run(batch.x, batch.lengths)  # (B, T, O)
        self.model.train(was_training)
        return Evaluation(split, self.step_count, self.task.loss(out, batch).item(), self.task.metrics(out, batch),
                          len(batch.x))

    def _run(self, x: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
        """The model on x (B, T, I) or token ids (B, T); a padded batch (lengths (B,)) runs packed."""
        return self.model(x) if lengths is None else self.model(x, lengths=lengths)

    def _forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Outputs (B, T, O) in training mode. Dropout draws from torch's global generator, seeded per step
        inside fork_rng (so a run with dropout is reproducible and nobody else's draws change; two sessions
        seeding it at the same instant on two threads can still interleave)."""
        has_dropout = getattr(self.model.cfg, "dropout", 0.0) > 0
        with torch.random.fork_rng(devices=[]) if has_dropout else contextlib.nullcontext():
            if has_dropout:
                torch.manual_seed(self.cfg.seed * 1_000_003 + self.step_count)
            if self.cfg.tbptt and self.recurrent:
                return forward_truncated(self.model, x, self.cfg.tbptt)
            return self._run(x, lengths)

    def _l2(self) -> None:
        """L2 weight decay: add λ·θ, the gradient of (λ/2)‖θ‖², to every gradient (adamw decays apart)."""
        if self.cfg.weight_decay and self.cfg.optimizer != "adamw":
            params = [p for p in self.model.parameters() if p.grad is not None]
            torch._foreach_add_([p.grad for p in params], params, alpha=self.cfg.weight_decay)

    def step(self) -> StepStats:
        """One optimiser step. On a non-finite loss or gradient the update is skipped and `diverged` says why."""
        cfg, model = self.cfg, self.model
        started = time.perf_counter()
        self.step_count += 1
        self.early_stop = None  # going on after an early stop: from the restored weights, with fresh patience
        lr = learning_rate(cfg, self.step_count - 1)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        batch = self.task.batch(cfg.batch_size, seed=cfg.seed * 1_000_003 + self.step_count)
        model.train()
        self.optimizer.zero_grad(set_to_none=True)
        out = self._outputs(batch)  # (B, T, O)
        loss = self.task.loss(out, batch)
        loss_value = loss.item()
        if math.isfinite(loss_value):
            loss.backward()
            self._l2()
            clip = clip_gradients(model, cfg.clip, cfg.clip_threshold)
        else:
            clip = None
        with torch.no_grad():
            metrics = self.task.metrics(out, batch)
        stats = StepStats(
            step=self.step_count, loss=loss_value, metrics=metrics, baseline=self.task.baseline,
            grad_norm=clip.norm_before if clip else math.nan,
            grad_norm_clipped=clip.norm_after if clip else math.nan,
            clipped=clip.clipped if clip else False, param_grad_norms=clip.param_norms if clip else {}, lr=lr,
        )
        if clip is None or not math.isfinite(clip.norm_after):
            self.diverged = stats.diverged = (
                UserText("step {step}: the loss is {value:g}; the update was not applied.",
                         step=self.step_count, value=loss_value) if clip is None else
                UserText("step {step}: the gradient norm is {value:g}; the update was not applied.",
                         step=self.step_count, value=clip.norm_before))
            self.seconds_training += time.perf_counter() - started
            stats.finished_at = time.time()
            return stats
        self._keep_last_good()
        self.optimizer.step()
        self.seconds_training += time.perf_counter() - started
        if cfg.probe_every and self.step_count % cfg.probe_every == 0:
            self._probe_into(stats)
        if cfg.eval_every and self.step_count % cfg.eval_every == 0:
            self._evaluate_and_maybe_stop(stats)
        stats.finished_at = time.time()
        return stats

    def _outputs(self, batch: Batch) -> torch.Tensor:
        """The model's outputs on a training batch (a trainer whose model reads more than x overrides this)."""
        return self._forward(batch.x, batch.lengths)  # a padded batch runs packed

    def _probe_into(self, stats: StepStats) -> None:
        """The probes of a probe step, after its update: ‖∂L/∂h_t‖ (per direction for a bidirectional model), the
        saliency every saliency_stride probes, and the W_hh spectrum every few probes."""
        if not self.recurrent:
            stats.probe_skipped = self.skipped["hidden_grad_norms"]
            return
        self.model.eval()
        with_saliency = self.probes_done % self.saliency_stride == 0
        self.probes_done += 1
        by_direction, sal = self._probe(with_saliency)
        stats.hidden_grad_norms = np.sqrt((by_direction**2).sum(axis=1))
        if self.model.cfg.bidirectional:
            stats.hidden_grad_norms_by_direction = by_direction
        if sal is not None:
            stats.saliency, stats.saliency_sample = sal.mean, sal.per_sample[0]
            stats.saliency_steps = sal.out_steps
        if self.step_count % (self.cfg.probe_every * spectrum_stride(self.model.cfg)) == 0:
            stats.sigma_max, stats.eigenvalues = _spectra_by_block(self.model)

    def _evaluate_and_maybe_stop(self, stats: StepStats) -> None:
        train, val = self.evaluate("train"), self.evaluate("val")
        stats.train_eval_loss, stats.train_eval_metrics = train.loss, train.metrics
        stats.val_loss, stats.val_metrics = val.loss, val.metrics
        if not self.cfg.patience:
            return
        decision = self.early_stopping.update(self.step_count, val.loss)
        if decision == "improved":
            self._best = self._snapshot()
        elif decision == "stop":
            with torch.no_grad():
                for p, best in zip(self.model.parameters(), self._best):
                    p.copy_(best)
            es = self.early_stopping
            self.early_stop = stats.early_stop = EarlyStop(self.step_count, es.best_step, es.best, self.cfg.patience)

    def run(self, n: int) -> Iterator[StepStats]:
        """Up to n steps; stops early after a step that diverged or after which early stopping ended the run."""
        for _ in range(n):
            stats = self.step()
            yield stats
            if stats.diverged or stats.early_stop:
                return
