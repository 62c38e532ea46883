"""Training history with bounded memory: a long run keeps an evenly thinned record, never more points."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .early_stopping import EarlyStop
from .trainer import StepStats

MAX_POINTS = 1000  # per-step series kept (the charts draw at most this many points)
MAX_PROBES = 200   # ‖∂L/∂h_t‖ probes kept for the gradient-flow heatmap
MAX_SALIENCY = 20  # saliency matrices kept (each up to 50 × T floats)


@dataclass
class Thinned:
    """Rows appended one by one; when `cap` is reached every other row is dropped and from then on
    only every `stride`-th offered row is kept, so the record stays evenly spaced over the whole run."""

    cap: int
    stride: int = 1
    offered: int = 0
    rows: list = field(default_factory=list)

    def offer(self, row) -> None:
        self.offered += 1
        if (self.offered - 1) % self.stride:
            return
        self.rows.append(row)
        if len(self.rows) >= self.cap:
            self.rows = self.rows[::2]
            self.stride *= 2


@dataclass
class History:
    """What the Train page plots; appended to with every StepStats the trainer yields."""

    steps: Thinned = field(default_factory=lambda: Thinned(MAX_POINTS))    # per-step scalars
    probes: Thinned = field(default_factory=lambda: Thinned(MAX_PROBES))   # (step, (L, T) norms, (L, D, T) or None)
    spectra: Thinned = field(default_factory=lambda: Thinned(MAX_POINTS))  # (step, {block: σ_max}, {block: ρ})
    latest: StepStats | None = None            # the most recent step, whatever the thinning kept
    latest_probe: StepStats | None = None      # the most recent step that carried ‖∂L/∂h_t‖
    latest_spectrum: StepStats | None = None   # the most recent step that carried the W_hh spectrum
    clip_events: int = 0                        # steps on which clipping changed the gradient
    diverged: str | None = None                 # why the latest step stopped training; None after a finite one
    evals: Thinned = field(default_factory=lambda: Thinned(MAX_POINTS))  # (step, train loss, train metrics, val loss, val metrics)
    latest_eval: StepStats | None = None        # the most recent step that carried an evaluation
    early_stops: list[EarlyStop] = field(default_factory=list)  # the run's early stops, in order (the last MAX_POINTS)
    saliency: Thinned = field(default_factory=lambda: Thinned(MAX_SALIENCY))  # (step, (R, T) mean float32, (R,) steps)
    latest_saliency: StepStats | None = None    # the most recent step that carried a saliency matrix

    def append(self, s: StepStats) -> None:
        self.latest = s
        self.clip_events += s.clipped
        self.steps.offer((s.step, s.loss, s.grad_norm, s.grad_norm_clipped, s.clipped,
                          s.metrics, s.param_grad_norms, s.finished_at, s.lr))
        if s.val_loss is not None:
            self.latest_eval = s
            self.evals.offer((s.step, s.train_eval_loss, s.train_eval_metrics, s.val_loss, s.val_metrics))
        if s.early_stop is not None:
            self.early_stops = [*self.early_stops[-(MAX_POINTS - 1):], s.early_stop]
        if s.hidden_grad_norms is not None:
            self.latest_probe = s
            self.probes.offer((s.step, s.hidden_grad_norms, s.hidden_grad_norms_by_direction))
        if s.saliency is not None:
            self.latest_saliency = s
            self.saliency.offer((s.step, s.saliency.astype(np.float32), s.saliency_steps))
        if s.eigenvalues is not None:  # with every probe up to H = 128, every few probes beyond
            self.latest_spectrum = s
            radius = {k: float(np.abs(v).max()) for k, v in s.eigenvalues.items()}
            self.spectra.offer((s.step, s.sigma_max, radius))
        self.diverged = s.diverged

    def __len__(self) -> int:
        return self.steps.offered

    def scalars(self, start: int = 0) -> dict[str, np.ndarray]:
        """Kept per-step series as numpy arrays: step, loss, grad_norm, grad_norm_clipped, clipped,
        finished_at (Unix time), lr (the rate of each step's update), and one array per metric ("metric/NAME")
        and per parameter ("param/NAME"); from the `start`-th kept step on (a live chart's new points)."""
        rows = self.steps.rows[start:]  # a copy: the trainer may append while a view reads
        out = {
            "step": np.array([r[0] for r in rows], dtype=np.int64),
            "loss": np.array([r[1] for r in rows], dtype=np.float64),
            "grad_norm": np.array([r[2] for r in rows], dtype=np.float64),
            "grad_norm_clipped": np.array([r[3] for r in rows], dtype=np.float64),
            "clipped": np.array([r[4] for r in rows], dtype=bool),
            "finished_at": np.array([r[7] for r in rows], dtype=np.float64),
            "lr": np.array([r[8] for r in rows], dtype=np.float64),
        }
        out |= _columns(rows, (("metric", 5), ("param", 6)))
        return out

    def eval_series(self, start: int = 0) -> dict[str, np.ndarray]:
        """Kept evaluations (every eval_every steps) as numpy arrays: step, train_loss and val_loss (eval mode,
        on the fixed training subset and the validation set), and one array per metric on each
        ("train_metric/NAME", "val_metric/NAME"); from the `start`-th kept evaluation on."""
        rows = self.evals.rows[start:]  # a copy: the trainer may append while a view reads
        return {
            "step": np.array([r[0] for r in rows], dtype=np.int64),
            "train_loss": np.array([r[1] for r in rows], dtype=np.float64),
            "val_loss": np.array([r[3] for r in rows], dtype=np.float64),
        } | _columns(rows, (("train_metric", 2), ("val_metric", 4)))

    def probe_matrix(self, layer: int, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Kept probe steps (P,) and ‖∂L/∂h_t‖ of one layer at each of them (P, T), from the `start`-th on."""
        rows = self.probes.rows[start:]  # a copy: the trainer may append while a view reads
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0))
        return np.array([r[0] for r in rows]), np.stack([r[1][layer] for r in rows])

    def probe_matrix_by_direction(self, layer: int, direction: int, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Kept probe steps (P,) and ‖∂L/∂h_t‖ of one direction of one layer at each (P, T), from the `start`-th
        on; a unidirectional model's only direction is 0 (the same as probe_matrix)."""
        rows = self.probes.rows[start:]  # a copy: the trainer may append while a view reads
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0))
        per = [r[1][layer] if r[2] is None else r[2][layer, direction] for r in rows]
        return np.array([r[0] for r in rows]), np.stack(per)

    def saliency_series(self) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Kept saliency probes: their steps (P,), the mean matrices (each (R, T)) and each one's output steps (R,)."""
        rows = list(self.saliency.rows)
        return np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows], [r[2] for r in rows]

    def sigma_series(self, start: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Kept probe steps and σ_max of each W_hh block over them (from the `start`-th kept spectrum on)."""
        return self._spectral_series(1, start)

    def radius_series(self, start: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Kept probe steps and the spectral radius max |λ| of each W_hh block over them."""
        return self._spectral_series(2, start)

    def _spectral_series(self, col: int, start: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        rows = self.spectra.rows[start:]  # a copy: the trainer may append while a view reads
        steps = np.array([r[0] for r in rows], dtype=np.int64)
        keys = dict.fromkeys(k for r in rows for k in r[col])
        return steps, {k: np.array([r[col].get(k, np.nan) for r in rows], dtype=np.float64) for k in keys}


def _columns(rows: list[tuple], dict_columns: tuple[tuple[str, int], ...]) -> dict[str, np.ndarray]:
    """One float array per key of the dicts in each given column of `rows`, named "PREFIX/KEY" (nan where a
    row lacks the key)."""
    out = {}
    for prefix, col in dict_columns:
        for name in dict.fromkeys(k for r in rows for k in r[col]):
            out[f"{prefix}/{name}"] = np.array([r[col].get(name, np.nan) for r in rows], dtype=np.float64)
    return out
