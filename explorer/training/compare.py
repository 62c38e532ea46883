"""Side-by-side comparison of cells on one task, and the memory-horizon sweep over sequence lengths."""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from ..config import ModelConfig, TaskConfig, TrainConfig
from ..lab import Lab, make_lab
from .trainer import Trainer

CELLS = ("rnn", "lstm", "gru")


def comparison_labs(model_cfg: ModelConfig, task_cfg: TaskConfig, train_cfg: TrainConfig,
                    cells: tuple[str, ...] = CELLS, user_data: bytes | None = None) -> dict[str, Lab]:
    """One untrained lab per cell: same task, data, seeds and training settings; only the cell differs."""
    return {cell: make_lab(dataclasses.replace(model_cfg, cell=cell), task_cfg, train_cfg, user_data)
            for cell in cells}


@dataclass(frozen=True)
class SweepPoint:
    cell: str
    seq_len: int
    final_loss: float   # mean loss over the last tenth of the run (nan if it diverged)
    baseline: float     # the task's memoryless baseline at this length
    steps: int          # optimiser steps taken
    diverged: bool

    @property
    def ratio(self) -> float:
        """final loss / baseline: about 1 means nothing was learnt, near 0 means solved."""
        return self.final_loss / self.baseline


@dataclass
class Sweep:
    """Train every cell at every sequence length for a fixed budget, a slice of time at a time.

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
                lab = make_lab(dataclasses.replace(self.model_cfg, cell=cell),
                               dataclasses.replace(self.task_cfg, seq_len=seq_len),
                               dataclasses.replace(self.train_cfg, probe_every=0), self.user_data)
                self._trainer, self._losses = lab.trainer, []
            stats = self._trainer.step()
            self._losses.append(stats.loss)
            if stats.diverged or len(self._losses) == self.steps:
                self._finish(stats.diverged is not None)
            if time.perf_counter() >= deadline:
                return

    def _finish(self, diverged: bool) -> None:
        cell, seq_len = self.runs[len(self.results)]
        tail = self._losses[-max(1, self.steps // 10):]
        final = float("nan") if diverged else float(np.mean(tail))
        self.results.append(SweepPoint(cell, seq_len, final, self._trainer.task.baseline, len(self._losses), diverged))
        self._trainer, self._losses = None, []
