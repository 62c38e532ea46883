"""Side-by-side comparison of architectures on one task (the recurrent cells and the CNN/Transformer
baselines), the live comparison table, and the memory-horizon sweep over sequence lengths."""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..config import ModelConfig, TaskConfig, TrainConfig
from ..data.tasks import make_task
from ..i18n import N_, UserError, UserText
from ..lab import Lab, check_combination, check_cost, make_lab
from ..models.baselines import BASELINE_NAMES, BASELINES, baseline_step_cost, build_baseline
from .trainer import Trainer

CELLS = ("rnn", "lstm", "gru")
BIDIRECTIONAL = {"birnn": "rnn", "bilstm": "lstm", "bigru": "gru"}  # each bidirectional variant and its cell
ARCHITECTURES = CELLS + tuple(BIDIRECTIONAL) + BASELINES  # what Compare can train side by side, in this order
NAMES = {"rnn": N_("vanilla RNN"), "lstm": "LSTM", "gru": "GRU", "birnn": N_("Bi-RNN"), "bilstm": N_("Bi-LSTM"),
         "bigru": N_("Bi-GRU"), **BASELINE_NAMES}  # what Compare's table, charts and choices call each (translated)


def bidirectional_refusal(task_cfg: TaskConfig) -> UserError | None:
    """Why the bidirectional variants cannot learn this task (the model code's own rule,
    explorer.lab.check_combination: e.g. a task that predicts the next value), or None if they can."""
    try:
        check_combination(ModelConfig(bidirectional=True), task_cfg)
    except UserError as e:
        return e
    return None


def offered(task_cfg: TaskConfig) -> tuple[str, ...]:
    """The architectures Compare offers for this task: all but the bidirectional variants where they would cheat."""
    return ARCHITECTURES if bidirectional_refusal(task_cfg) is None else tuple(
        a for a in ARCHITECTURES if a not in BIDIRECTIONAL)


def architecture_lab(arch: str, model_cfg: ModelConfig, task_cfg: TaskConfig, train_cfg: TrainConfig,
                     user_data: bytes | None = None) -> Lab:
    """An untrained lab of `arch`: a recurrent cell ("rnn", "lstm", "gru": unidirectional; "birnn", "bilstm",
    "bigru": bidirectional) with model_cfg's other settings, or a baseline ("cnn", "transformer") with its hidden
    size (channels / model width), dropout and seed. ValueError (nothing else) on a bad config, bad data, a model
    that does not fit the task (a bidirectional one on a task that forecasts) or a step too large for a shared
    server."""
    if arch not in BASELINES:
        cfg = dataclasses.replace(model_cfg, cell=BIDIRECTIONAL.get(arch, arch), bidirectional=arch in BIDIRECTIONAL)
        return make_lab(cfg, task_cfg, train_cfg, user_data)
    task = make_task(task_cfg, user_data)
    if getattr(task, "token_inputs", False):
        raise UserError("The {name} baseline reads numbers or one-hot vectors of one length; this task feeds word "
                        "ids of texts of different lengths. Compare the recurrent cells on it.", name=NAMES[arch])
    cfg = dataclasses.replace(model_cfg, input_size=task.input_size, output_size=task.output_size)
    check_cost(*baseline_step_cost(arch, cfg, task.seq_len, train_cfg.batch_size))
    model = build_baseline(arch, cfg)
    return Lab(cfg, task_cfg, train_cfg, task, model, Trainer(model, task, train_cfg), user_data)


def comparison_labs(model_cfg: ModelConfig, task_cfg: TaskConfig, train_cfg: TrainConfig,
                    cells: tuple[str, ...] = CELLS, user_data: bytes | None = None) -> dict[str, Lab]:
    """One untrained lab per architecture in `cells` (see ARCHITECTURES): same task, data, seeds and training
    settings; only the architecture differs."""
    return {arch: architecture_lab(arch, model_cfg, task_cfg, train_cfg, user_data) for arch in cells}


@dataclass(frozen=True)
class ComparisonRow:
    """One row of the live comparison table."""

    arch: str                  # one of ARCHITECTURES, e.g. "bilstm" or "cnn"
    name: str                  # its display name, e.g. "1D-CNN"
    parameters: int            # learnable numbers
    steps: int                 # optimiser steps taken
    steps_per_second: float    # per second of training time (forward, backward, update; not probes or evaluations)
    final_loss: float          # mean training loss over the last tenth of the kept steps (nan before a step)
    baseline: float            # the task's memoryless baseline loss
    loss_ratio: float          # final_loss / baseline: about 1 means nothing learnt
    val_loss: float            # at the latest evaluation (nan before the first)
    val_metric: str | None     # the metric shown (None: the task has none)
    val_metric_value: float    # its value on the validation set at the latest evaluation (nan before)
    receptive_field: int | None  # input steps one output sees: the CNN's; None: every earlier step
    note: str                  # what does not apply to this model and why, or that it diverged or stopped early


def comparison_row(arch: str, lab: Lab, metric: str | None = None) -> ComparisonRow:
    """The table row of one lab; `metric` is a name in lab.task.metric_names (None: the task's first)."""
    sc, tr = lab.history.scalars(), lab.trainer
    tail = sc["loss"][-max(1, len(sc["loss"]) // 10):]
    final = float(np.mean(tail)) if len(tail) else math.nan
    metric = metric or (lab.task.metric_names[0] if lab.task.metric_names else None)
    latest = lab.history.latest_eval
    if lab.history.diverged:
        note = UserText("Diverged at {why}", why=lab.history.diverged)
    elif tr.early_stop is not None:
        note = tr.early_stop.message
    else:
        note = tr.skipped.get("hidden_grad_norms", "")
    return ComparisonRow(
        arch=arch, name=NAMES.get(arch, arch), parameters=sum(p.numel() for p in lab.model.parameters()),
        steps=tr.step_count, steps_per_second=tr.step_count / tr.seconds_training if tr.seconds_training else math.nan,
        final_loss=final, baseline=lab.task.baseline, loss_ratio=final / lab.task.baseline,
        val_loss=latest.val_loss if latest else math.nan, val_metric=metric,
        val_metric_value=latest.val_metrics.get(metric, math.nan) if latest and metric else math.nan,
        receptive_field=getattr(lab.model, "receptive_field", None), note=note)


def comparison_rows(labs: dict[str, Lab], metric: str | None = None) -> list[ComparisonRow]:
    """The live table: one row per lab of comparison_labs, in its order."""
    return [comparison_row(arch, lab, metric) for arch, lab in labs.items()]


@dataclass(frozen=True)
class SweepPoint:
    cell: str
    seq_len: int
    final_loss: float   # mean loss over the last tenth of the run (nan if it diverged)
    baseline: float     # the task's memoryless baseline at this length
    steps: int          # optimiser steps taken
    diverged: bool
    val_loss: float = math.nan  # at the run's latest evaluation (nan if none)

    @property
    def ratio(self) -> float:
        """final loss / baseline: about 1 means nothing was learnt, near 0 means solved."""
        return self.final_loss / self.baseline


@dataclass
class Sweep:
    """Train every architecture (cells and baselines) at every sequence length for a fixed budget, a slice of
    time at a time.

    `advance(seconds)` does as much as fits and returns; the caller shows `progress` and may stop
    calling at any point (cancel) — nothing runs in the background.
    """

    model_cfg: ModelConfig
    task_cfg: TaskConfig
    train_cfg: TrainConfig
    seq_lens: tuple[int, ...]
    cells: tuple[str, ...] = CELLS
    steps: int = 300
    user_data: bytes | None = None   # the uploaded file of the csv/text tasks
    results: list[SweepPoint] = field(default_factory=list)
    _trainer: Trainer | None = None
    _losses: list[float] = field(default_factory=list)
    _val_loss: float = math.nan

    @property
    def runs(self) -> list[tuple[str, int]]:
        return [(cell, t) for t in self.seq_lens for cell in self.cells]

    @property
    def done(self) -> bool:
        return len(self.results) == len(self.runs)

    @property
    def progress(self) -> float:
        return (len(self.results) * self.steps + len(self._losses)) / (len(self.runs) * self.steps)

    def advance(self, max_seconds: float) -> None:
        """Train for up to `max_seconds` (at least one step), finishing and starting runs as needed."""
        deadline = time.perf_counter() + max_seconds
        while not self.done:
            if self._trainer is None:
                cell, seq_len = self.runs[len(self.results)]
                lab = architecture_lab(cell, self.model_cfg, dataclasses.replace(self.task_cfg, seq_len=seq_len),
                                       dataclasses.replace(self.train_cfg, probe_every=0), self.user_data)
                self._trainer, self._losses, self._val_loss = lab.trainer, [], math.nan
            stats = self._trainer.step()
            self._losses.append(stats.loss)
            if stats.val_loss is not None:
                self._val_loss = stats.val_loss
            if stats.diverged or stats.early_stop or len(self._losses) == self.steps:
                self._finish(stats.diverged is not None)
            if time.perf_counter() >= deadline:
                return

    def _finish(self, diverged: bool) -> None:
        cell, seq_len = self.runs[len(self.results)]
        tail = self._losses[-max(1, self.steps // 10):]
        final = float("nan") if diverged else float(np.mean(tail))
        self.results.append(SweepPoint(cell, seq_len, final, self._trainer.task.baseline, len(self._losses), diverged,
                                       self._val_loss))
        self._trainer, self._losses = None, []
