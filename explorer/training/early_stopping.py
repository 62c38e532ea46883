"""Early stopping as a pure decision on the sequence of validation losses (the trainer keeps the weights)."""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..i18n import UserText


@dataclass(frozen=True)
class EarlyStop:
    """Training stopped after `step`; the weights of `best_step` were put back."""

    step: int             # the step after whose evaluation training stopped
    best_step: int        # the step whose weights were restored (that of the best validation loss)
    best_val_loss: float  # the validation loss of those weights
    patience: int         # evaluations without improvement that triggered the stop

    @property
    def message(self) -> str:
        return UserText("Early stopping after step {step}: the validation loss did not improve for {patience} "
                        "evaluations. Restored the weights of step {best_step} (validation loss {loss:.4g}).",
                        step=self.step, patience=self.patience, best_step=self.best_step, loss=self.best_val_loss)

    def to_json(self) -> dict:
        return {"step": self.step, "best_step": self.best_step, "best_val_loss": self.best_val_loss,
                "patience": self.patience, "message": self.message}


@dataclass
class EarlyStopping:
    """Stop when `patience` evaluations in a row failed to lower the best validation loss by more than
    `min_delta` (as Keras's and Lightning's EarlyStopping in mode "min"). A NaN loss never improves; with no
    finite loss yet there is nothing to go back to, and it never stops. After a stop, patience counts anew
    (training may go on from the restored weights); the best loss is kept."""

    patience: int
    min_delta: float = 0.0
    best: float = math.inf
    best_step: int = 0     # 0: no evaluation yet
    wait: int = 0          # evaluations since the last improvement

    def update(self, step: int, val_loss: float) -> str:
        """"improved" (keep these weights), "wait" or "stop" (restore the best weights)."""
        if val_loss < self.best - self.min_delta:
            self.best, self.best_step, self.wait = val_loss, step, 0
            return "improved"
        self.wait += 1
        if self.patience and self.wait >= self.patience and self.best_step:
            self.wait = 0
            return "stop"
        return "wait"
