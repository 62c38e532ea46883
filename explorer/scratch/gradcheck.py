"""The numeric gradient check of min-char-rnn (Karpathy 2015): nudge one weight by ±δ, rerun the forward pass,
and compare (L(w + δ) − L(w − δ)) / 2δ with the hand-written gradient."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .net import Net

LossFn = Callable[[np.ndarray], tuple[float, np.ndarray]]  # outputs (B, T, O) -> (loss, ∂L/∂outputs)
DELTA = 1e-5  # central differences in float64: truncation ~δ² and rounding ~1e-16/δ both stay near 1e-10


@dataclass(frozen=True)
class NumericGrad:
    name: str              # the weight, e.g. "rnn.weight_hh_l0"
    index: np.ndarray      # (k,) flat indices of the entries checked
    numeric: np.ndarray    # (k,) (L(w + δ) − L(w − δ)) / 2δ at each of them


def numeric_grads(net: Net, x: np.ndarray, loss_fn: LossFn, max_entries: int | None = None, seed: int = 0,
                  delta: float = DELTA) -> dict[str, NumericGrad]:
    """Central differences for every weight of `net`: all entries, or `max_entries` of them drawn at random
    (seeded) where a weight has more. Each entry is nudged in place and restored exactly."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, w in net.params.items():
        index = np.arange(w.size)
        if max_entries is not None and w.size > max_entries:
            index = np.sort(rng.choice(w.size, max_entries, replace=False))
        values = np.empty(len(index))
        flat = w.reshape(-1)  # a view: writing to it nudges the network's weight
        for k, i in enumerate(index):
            old = flat[i]
            try:
                flat[i] = old + delta
                up = loss_fn(net.forward(x).outputs)[0]
                flat[i] = old - delta
                down = loss_fn(net.forward(x).outputs)[0]
            finally:
                flat[i] = old
            values[k] = (up - down) / (2 * delta)
        out[name] = NumericGrad(name, index, values)
    return out


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / max(‖a‖, ‖b‖) over all entries (0 when both are 0, NaN when either is not finite): scale-free,
    and not thrown by the rounding noise of entries that are tiny next to the rest."""
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    if not np.isfinite(scale):
        return float("nan")  # a NaN or an infinity agrees with nothing
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / scale) if scale > 0 else 0.0


def entry_relative_errors(analytic: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """min-char-rnn's per-entry |a − n| / |a + n| (0 where both are 0)."""
    analytic, numeric = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    denom = np.abs(analytic + numeric)
    diff = np.abs(analytic - numeric)
    return np.divide(diff, denom, out=np.where(diff == 0, 0.0, np.inf), where=denom > 0)
