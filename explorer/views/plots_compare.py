"""Pure Plotly builders for the Compare page: one curve per cell, in each cell's colour."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..training.compare import SweepPoint
from .plots_train import finite_xy
from .style import BASELINE_COLOR, CELL_COLORS, NORMAL, Sizes, layout, legend_below

CELL_NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}


def _layout(sizes: Sizes, title: str, xtitle: str, ytitle: str, log_x: bool = False, log_y: bool = False) -> dict:
    return legend_below(layout(sizes, title=dict(text=title),
                               xaxis=dict(title=dict(text=xtitle), type="log" if log_x else "linear"),
                               yaxis=dict(title=dict(text=ytitle), type="log" if log_y else "linear",
                                          exponentformat="power")))


def loss_overlay(curves: dict[str, tuple[np.ndarray, np.ndarray]], baseline: float, baseline_label: str,
                 log_y: bool = False, sizes: Sizes = NORMAL) -> go.Figure:
    """Loss against training step for each cell ({cell: (steps, losses)}), and the memoryless baseline."""
    fig = go.Figure(layout=_layout(sizes, "Loss", "training step", "loss", log_y=log_y))
    last = 1
    for cell, (steps, loss) in curves.items():
        x, y = finite_xy(steps, loss, log_y)
        fig.add_scatter(x=x, y=y, name=CELL_NAMES[cell], mode="lines",
                        line=dict(color=CELL_COLORS[cell], width=sizes.line))
        last = max(last, int(steps[-1]) if len(steps) else 1)
    fig.add_scatter(x=np.array([0, last]), y=np.full(2, baseline), name=f"baseline: {baseline_label}",
                    mode="lines", line=dict(color=BASELINE_COLOR, dash="dash", width=sizes.line))
    return fig


def grad_overlay(norms: dict[str, np.ndarray], sizes: Sizes = NORMAL) -> go.Figure:
    """‖∂L/∂h_t‖ of the top layer against t, one curve per cell ({cell: (T,) norms of the latest probe})."""
    fig = go.Figure(layout=_layout(sizes, "How far back the gradient reaches", "time step t",
                                   "‖∂L/∂h_t‖ (top layer)", log_y=True))
    for cell, g in norms.items():
        t, y = finite_xy(np.arange(1, len(g) + 1), g, log=True)
        fig.add_scatter(x=t, y=y, name=CELL_NAMES[cell], mode="lines",
                        line=dict(color=CELL_COLORS[cell], width=sizes.line))
    return fig


def horizon_figure(points: list[SweepPoint], sizes: Sizes = NORMAL) -> go.Figure:
    """Final loss / baseline against sequence length, one line per cell; 1 = learnt nothing."""
    fig = go.Figure(layout=_layout(sizes, "Memory horizon", "sequence length T",
                                   "final loss / baseline", log_x=True))
    for cell in dict.fromkeys(p.cell for p in points):
        mine = [p for p in points if p.cell == cell]
        fig.add_scatter(x=np.array([p.seq_len for p in mine]), y=np.array([p.ratio for p in mine]),
                        name=CELL_NAMES[cell], mode="lines+markers",
                        line=dict(color=CELL_COLORS[cell], width=sizes.line), marker=dict(size=sizes.marker))
    lengths = [p.seq_len for p in points] or [1, 10]
    fig.add_scatter(x=np.array([min(lengths), max(lengths)]), y=np.ones(2), name="baseline: learnt nothing",
                    mode="lines", line=dict(color=BASELINE_COLOR, dash="dash", width=sizes.line))
    return fig
