"""A training loop in numpy on the app's tasks: the same batches, loss, optimiser and clipping as the app's
torch Trainer, with the hand-written backward pass, plus the tutorials' learning-rate decay."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import TrainConfig
from ..data.tasks import Batch, Task
from .loop import cross_entropy_loss, mse_loss
from .net import Net
from .optim import clip_by_norm, clip_by_value, decayed_lr, global_norm, make_optimizer


def batch_arrays(batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A task's batch as numpy: x (B, T, I) float64, y (B, T, O) float64 or (B, T) int64, mask (B, T) bool."""
    y = batch.y.numpy()
    return batch.x.numpy().astype(np.float64), y.astype(np.float64) if y.dtype.kind == "f" else y, batch.mask.numpy()


def task_loss(task: Task, outputs: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """The task's loss (MSE or cross-entropy over the masked steps, as Task.loss) and ∂L/∂outputs."""
    loss_fn = mse_loss if task.kind == "regression" else cross_entropy_loss
    loss, d_out = loss_fn(outputs, y, mask)
    return float(loss), d_out


def batch_seed(cfg: TrainConfig, step: int) -> int:
    """The seed of the batch of optimiser step `step` (1-based): the app's Trainer's sequence."""
    return cfg.seed * 1_000_003 + step


@dataclass(frozen=True)
class StepResult:
    step: int          # 1-based count of optimiser steps, this one included
    loss: float        # on this step's batch, before the update
    grad_norm: float   # global gradient norm before clipping
    lr: float          # the learning rate of this update (after decay)


class Trainer:
    """Trains `net` in place on `task` with `cfg`'s optimiser, learning rate, momentum, clipping, batch size and
    seed (the app's torch Trainer's batches, from the same weights: the same loss curve). The learning rate
    decays as lr / (1 + decay·epoch), an epoch being `epoch_steps` optimiser steps (decay 0: constant).
    A non-finite loss or gradient skips the update and sets `diverged`."""

    def __init__(self, net: Net, task: Task, cfg: TrainConfig, decay: float = 0.0, epoch_steps: int = 100):
        self.net, self.task, self.cfg = net, task, cfg
        self.decay, self.epoch_steps = decay, epoch_steps
        self.optimizer = make_optimizer(cfg.optimizer, cfg.lr, cfg.momentum)
        self.step_count = 0
        self.diverged: str | None = None

    def step(self) -> StepResult:
        cfg, net = self.cfg, self.net
        self.step_count += 1
        x, y, mask = batch_arrays(self.task.batch(cfg.batch_size, seed=batch_seed(cfg, self.step_count)))
        cache = net.forward(x)
        loss, d_out = task_loss(self.task, cache.outputs, y, mask)
        self.optimizer.lr = decayed_lr(cfg.lr, self.decay, (self.step_count - 1) // self.epoch_steps)
        if not math.isfinite(loss):
            self.diverged = f"step {self.step_count}: the loss is {loss:g}; the update was not applied."
            return StepResult(self.step_count, loss, math.nan, self.optimizer.lr)
        grads, _ = net.backward(cache, d_out)
        norm = global_norm(grads)
        if cfg.clip == "norm":
            grads, norm = clip_by_norm(grads, cfg.clip_threshold)
        elif cfg.clip == "value":
            grads = clip_by_value(grads, cfg.clip_threshold)
        if not math.isfinite(norm):
            self.diverged = f"step {self.step_count}: the gradient norm is {norm:g}; the update was not applied."
        else:
            self.optimizer.step(net.params, grads)
        return StepResult(self.step_count, loss, norm, self.optimizer.lr)

    def run(self, n: int) -> list[StepResult]:
        """Up to n steps; stops after a step that diverged."""
        out = []
        for _ in range(n):
            out.append(self.step())
            if self.diverged:
                break
        return out
