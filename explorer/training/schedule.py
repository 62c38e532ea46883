"""Learning-rate schedules: the rate of an optimiser step as a pure function of the config and the step."""
from __future__ import annotations

import math

from ..config import TrainConfig


def learning_rate(cfg: TrainConfig, t: int) -> float:
    """The rate of the update after `t` steps already taken (t = 0 for the first update).

      constant  lr
      step      lr · γ^⌊t / step_size⌋                           (torch.optim.lr_scheduler.StepLR)
      inverse   lr / (1 + k·t)                                   (the tutorials' decay)
      cosine    lr_min + (lr − lr_min)(1 + cos(π·t / steps))/2   (CosineAnnealingLR, T_max = steps),
                then lr_min from t = steps on (no restart)
    """
    if t < 0:
        raise ValueError(f"t must be >= 0, got {t}")
    match cfg.lr_schedule:
        case "step":
            return cfg.lr * cfg.lr_gamma ** (t // cfg.lr_step_size)
        case "inverse":
            return cfg.lr / (1 + cfg.lr_k * t)
        case "cosine":
            return cfg.lr_min + (cfg.lr - cfg.lr_min) * (1 + math.cos(math.pi * min(t, cfg.steps) / cfg.steps)) / 2
    return cfg.lr
