"""Pure Plotly builders for the Compare page: one curve per cell, in each cell's colour.

Built from plain dicts without Plotly's validation (they redraw every 0.3 s while the cells train);
tests/test_plots_compare.py validates every builder's output."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..training.compare import SweepPoint
from .plots_train import finite_xy
from .style import BASELINE_COLOR, CELL_COLORS, NORMAL, Sizes, figure, layout, legend_below

CELL_NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}


def _layout(sizes: Sizes, title: str, xtitle: str, ytitle: str, log_x: bool = False, log_y: bool = False) -> dict:
    return legend_below(layout(sizes, title=dict(text=title),
                               xaxis=dict(title=dict(text=xtitle), type="log" if log_x else "linear"),
                               yaxis=dict(title=dict(text=ytitle), type="log" if log_y else "linear",
                                          exponentformat="power")))


def _line(x: np.ndarray, y: np.ndarray, name: str, color: str, sizes: Sizes, dash: str | None = None,
          mode: str = "lines", **kw) -> dict:
    line = dict(color=color, width=sizes.line) | (dict(dash=dash) if dash else {})
    return dict(type="scatter", x=x, y=y, name=name, mode=mode, line=line, **kw)


def loss_overlay(curves: dict[str, tuple[np.ndarray, np.ndarray]], baseline: float, baseline_label: str,
                 log_y: bool = False, sizes: Sizes = NORMAL) -> go.Figure:
    """Loss against training step for each cell ({cell: (steps, losses)}), and the memoryless baseline."""
    data, last = [], 1
    for cell, (steps, loss) in curves.items():
        x, y = finite_xy(steps, loss, log_y)
        data.append(_line(x, y, CELL_NAMES[cell], CELL_COLORS[cell], sizes))
        last = max(last, int(steps[-1]) if len(steps) else 1)
    data.append(_line(np.array([0, last]), np.full(2, baseline), f"baseline: {baseline_label}", BASELINE_COLOR, sizes,
                      dash="dash"))
    return figure(data, _layout(sizes, "Loss", "training step", "loss", log_y=log_y))


def grad_overlay(norms: dict[str, np.ndarray], sizes: Sizes = NORMAL) -> go.Figure:
    """‖∂L/∂h_t‖ of the top layer against t, one curve per cell ({cell: (T,) norms of the latest probe})."""
    data = []
    for cell, g in norms.items():
        t, y = finite_xy(np.arange(1, len(g) + 1), g, log=True)
        data.append(_line(t, y, CELL_NAMES[cell], CELL_COLORS[cell], sizes))
    return figure(data, _layout(sizes, "How far back the gradient reaches", "time step t", "‖∂L/∂h_t‖ (top layer)",
                                log_y=True))


def horizon_figure(points: list[SweepPoint], sizes: Sizes = NORMAL) -> go.Figure:
    """Final loss / baseline against sequence length, one line per cell; 1 = learnt nothing."""
    data = []
    for cell in dict.fromkeys(p.cell for p in points):
        mine = [p for p in points if p.cell == cell]
        data.append(_line(np.array([p.seq_len for p in mine]), np.array([p.ratio for p in mine]), CELL_NAMES[cell],
                          CELL_COLORS[cell], sizes, mode="lines+markers", marker=dict(size=sizes.marker)))
    lengths = [p.seq_len for p in points] or [1, 10]
    data.append(_line(np.array([min(lengths), max(lengths)]), np.ones(2), "baseline: learnt nothing", BASELINE_COLOR,
                      sizes, dash="dash"))
    return figure(data, _layout(sizes, "Memory horizon", "sequence length T", "final loss / baseline", log_x=True))
