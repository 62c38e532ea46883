"""Live training in chunks: the Train page runs one chunk per fragment rerun, then redraws.

A `Run` is the budget the Start button sets (TrainConfig.steps more optimiser steps); Pause keeps it,
so Start resumes it. Everything here is plain Python: no UI, no threads.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from ..lab import Lab
from .trainer import StepStats


@dataclass(frozen=True)
class Run:
    """One press of Start: TrainConfig.steps optimiser steps from step `start` (read at each call, so a
    change of `steps` while running applies to the current run)."""

    start: int  # trainer.step_count when the run began

    def done(self, lab: Lab) -> int:
        return lab.steps_trained - self.start

    def remaining(self, lab: Lab) -> int:
        """Steps left in this run: 0 once early stopping ended it (Start again goes on from the best weights)."""
        stop = lab.trainer.early_stop
        if stop is not None and stop.step > self.start:
            return 0
        return max(lab.train_cfg.steps - self.done(lab), 0)

    def progress(self, lab: Lab) -> float:
        """Fraction of this run done, in [0, 1]."""
        return min(max(self.done(lab) / lab.train_cfg.steps, 0.0), 1.0)


def train_chunk(lab: Lab, max_steps: int, max_seconds: float) -> list[StepStats]:
    """Train until `max_steps` steps are done or `max_seconds` have passed (at least one step if
    max_steps > 0), appending every step to lab.history. Stops after a step that diverged or after which early
    stopping ended the run.

    Runs torch on one thread, whatever thread calls it: the setting is per OS thread, and a session opened
    by a direct link to the page never ran app.py's call (measured: 2 threads, 5–50× slower steps on a
    busy 2-core machine)."""
    torch.set_num_threads(1)
    out: list[StepStats] = []
    deadline = time.perf_counter() + max_seconds
    while len(out) < max_steps:
        stats = lab.trainer.step()
        lab.history.append(stats)
        out.append(stats)
        if stats.diverged or stats.early_stop or time.perf_counter() >= deadline:
            break
    return out


def restore_last_good(lab: Lab) -> None:
    """Put back the weights of the last finite step and clear the divergence message."""
    lab.trainer.restore_last_good()
    lab.history.diverged = None


def release_gradients(lab: Lab) -> None:
    """Free the parameters' gradient buffers (as large as the weights): every step starts by clearing them
    anyway, so nothing shown or trained changes. For a session that has gone idle."""
    for p in lab.model.parameters():
        p.grad = None
