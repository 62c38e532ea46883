"""The Seq2seq page's live training charts as bridge payloads (schema: explorer/views/payload.py): a chart's figure
is a fixed skeleton (explorer/views/plots_seq2seq.py) and each update carries only the points the browser lacks.

Which points the browser has is the page's record, one `Sent` per chart: the stream's id and the number of points
after each of the last few updates. A busy browser can skip a component's intermediate payloads (only the newest
reaches it), so each update repeats the points of the previous OVERLAP − 1 updates (the browser appends only those
it lacks) and up to OVERLAP − 1 payloads in a row may be lost; a browser that missed more says how many points it
has, and `Sent.have` starts there. A stream's id
names everything that makes earlier points invalid: the run (a new lab, a reset), the history's thinning
(explorer/training/history.py halves a full record: the kept points change) and the figure (a new clipping
threshold, presenter mode); a new id starts again from point 0 with a fresh chart.
"""
from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

import numpy as np

from ..training.history import History
from . import payload as wire
from . import plots_seq2seq as ps
from .style import Sizes

OVERLAP = 5  # totals kept per chart: an update repeats the points of the previous OVERLAP − 1 updates


class Sent(NamedTuple):
    """What a chart's browser element was sent: the stream id and the number of points after each of the last
    OVERLAP updates (oldest first)."""

    stream: str
    totals: tuple[int, ...]

    def have(self, n: int) -> "Sent":
        """The record after the browser said it has n points: the next update starts there."""
        return Sent(self.stream, (n,))


def _id(run: str, stride: int, figure: dict) -> str:
    digest = hashlib.sha1(json.dumps(figure, sort_keys=True).encode()).hexdigest()[:10]
    return f"{run}.{stride}.{digest}"


def _update(figure: dict, stream_id: str, sent: Sent | None, x: np.ndarray, ys: list[np.ndarray],
            png: str) -> tuple[dict, Sent]:
    """The chart's payload with the points the browser may lack (those of the previous OVERLAP − 1 updates and
    the new ones), and the new record."""
    same = sent is not None and sent.stream == stream_id
    start = min(sent.totals[0], len(x)) if same else 0
    stream = wire.stream(stream_id, start, x[start:], [y[start:] for y in ys], list(range(len(ys))))
    totals = (*sent.totals, len(x))[-OVERLAP:] if same else (len(x),)
    return {"kind": "chart", "figure": figure, "png": png, "stream": stream}, Sent(stream_id, totals)


def loss_view(history: History, baseline: float, baseline_label: str, sizes: Sizes, run: str,
              sent: Sent | None, lang: str = "en") -> tuple[dict, Sent]:
    """Loss per step against the memoryless baseline."""
    sc = history.scalars()
    figure = wire.figure(ps.loss_figure(baseline, baseline_label, sizes, lang))
    return _update(figure, _id(run, history.steps.stride, figure), sent, sc["step"], [sc["loss"]], "loss")


def scores_view(history: History, sizes: Sizes, run: str, sent: Sent | None, lang: str = "en"
                ) -> tuple[dict, Sent]:
    """Validation BLEU and exact match (%), and the fixed training subset's BLEU, at every evaluation."""
    ev = history.eval_series()
    n = len(ev["step"])

    def col(name: str, scale: float = 1.0) -> np.ndarray:
        return ev[name] * scale if name in ev else np.full(n, np.nan)

    ys = [col("val_metric/BLEU"), col("val_metric/exact match", 100.0), col("train_metric/BLEU")]
    figure = wire.figure(ps.scores_figure(sizes, lang))
    return _update(figure, _id(run, history.evals.stride, figure), sent, ev["step"], ys, "scores")


def norm_view(history: History, clip: str, threshold: float, sizes: Sizes, run: str,
              sent: Sent | None, lang: str = "en") -> tuple[dict, Sent]:
    """The global gradient norm before and after clipping; the clipped steps marked."""
    sc = history.scalars()
    before = sc["grad_norm"]
    ys = [before, sc["grad_norm_clipped"], np.where(sc["clipped"], before, np.nan)]
    figure = wire.figure(ps.norm_figure(clip, threshold, sizes, lang))
    return _update(figure, _id(run, history.steps.stride, figure), sent, sc["step"], ys, "gradient-norm")


def probe_views(history: History, sizes: Sizes, lang: str = "en") -> tuple[dict, dict]:
    """The latest ‖∂L/∂h_s‖ probe over the source positions, and every probe as a heatmap (whole figures: they
    change only when a probe arrives)."""
    probe = history.latest_probe
    curve = ps.probe_curve_figure(probe.hidden_grad_norms if probe else None, probe.step if probe else None, sizes, lang)
    steps, norms = history.probe_matrix(0)
    heat = ps.probe_heatmap_figure(steps, norms, sizes, lang)
    return ({"kind": "chart", "figure": wire.figure(curve), "png": "gradient-over-source"},
            {"kind": "chart", "figure": wire.figure(heat), "png": "gradient-flow"})
