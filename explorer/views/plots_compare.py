"""Pure Plotly builders for the Compare page: one curve per architecture, in its colour; and the live table.

Built from plain dicts without Plotly's validation (they redraw every 0.3 s while the cells train);
tests/test_plots_compare.py validates every builder's output."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import N_, UserText, message, tr
from ..training.compare import ComparisonRow, SweepPoint
from .plots_train import finite_xy, metric_label
from .style import BASELINE_COLOR, CELL_COLORS, NORMAL, OKABE_ITO, Sizes, figure, layout, legend_below

CELL_NAMES = {"rnn": N_("vanilla RNN"), "lstm": "LSTM", "gru": "GRU", "cnn": "1D-CNN", "transformer": "Transformer"}
COLORS = CELL_COLORS | {"cnn": OKABE_ITO["orange"], "transformer": OKABE_ITO["purple"]}
FIELD_COLOR = OKABE_ITO["orange"]  # the 1D-CNN's receptive field, as its curve


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
                 log_y: bool = False, sizes: Sizes = NORMAL, lang: str = "en") -> go.Figure:
    """Loss against training step for each cell ({cell: (steps, losses)}), and the memoryless baseline."""
    data, last = [], 1
    for cell, (steps, loss) in curves.items():
        x, y = finite_xy(steps, loss, log_y)
        data.append(_line(x, y, tr(CELL_NAMES[cell], lang), COLORS[cell], sizes))
        last = max(last, int(steps[-1]) if len(steps) else 1)
    data.append(_line(np.array([0, last]), np.full(2, baseline), tr("baseline: {label}", lang, label=message(baseline_label, lang)),
                      BASELINE_COLOR, sizes, dash="dash"))
    return figure(data, _layout(sizes, tr("Loss", lang), tr("training step", lang), tr("loss", lang), log_y=log_y))


def grad_overlay(norms: dict[str, np.ndarray], sizes: Sizes = NORMAL, seq_len: int = 0,
                 receptive_field: int | None = None, lang: str = "en") -> go.Figure:
    """‖∂L/∂h_t‖ of the top layer against t, one curve per cell ({cell: (T,) norms of the latest probe}); with a
    receptive field r (the 1D-CNN's), the steps the last output of the CNN sees shaded: t = T − r + 1 … T."""
    data = []
    for cell, g in norms.items():
        t, y = finite_xy(np.arange(1, len(g) + 1), g, log=True)
        data.append(_line(t, y, tr(CELL_NAMES[cell], lang), COLORS[cell], sizes))
    lay = _layout(sizes, tr("How far back the gradient reaches", lang), tr("time step t", lang),
                  tr("‖∂L/∂h_t‖ (top layer)", lang), log_y=True)
    if receptive_field and seq_len:
        first = max(1, seq_len - receptive_field + 1)
        lay["shapes"] = [dict(type="rect", xref="x", yref="paper", x0=first - 0.5, x1=seq_len + 0.5, y0=0, y1=1,
                              fillcolor=FIELD_COLOR, opacity=0.15, line=dict(width=0), layer="below",
                              name=tr("1D-CNN receptive field: {n} steps", lang, n=receptive_field),
                              showlegend=True)]
        lay["xaxis"]["range"] = [0.5, seq_len + 0.5]
    return figure(data, lay)


def comparison_table(rows: list[ComparisonRow], lang: str = "en") -> list[dict[str, object]]:
    """The live table's rows as a page shows them (numbers rounded here, NaN as an empty cell), headers and notes
    in `lang`."""
    def num(v: float, fmt: str) -> str:
        return "" if v != v else format(v, fmt)

    return [{tr("architecture", lang): r.name, tr("parameters", lang): r.parameters, tr("steps", lang): r.steps,
             tr("steps/s", lang): num(r.steps_per_second, ".0f"), tr("final loss", lang): num(r.final_loss, ".4g"),
             tr("final loss / baseline", lang): num(r.loss_ratio, ".3f"),
             tr("validation loss", lang): num(r.val_loss, ".4g"),
             (tr("validation {metric}", lang, metric=metric_label(r.val_metric, lang)) if r.val_metric
              else tr("validation metric", lang)): num(r.val_metric_value, ".4g"),
             tr("receptive field (steps)", lang):
                 tr("all earlier", lang) if r.receptive_field is None else str(r.receptive_field),  # one type
             tr("note", lang): message(r.note, lang) if isinstance(r.note, UserText) else tr(r.note, lang)}
            for r in rows]


def horizon_figure(points: list[SweepPoint], sizes: Sizes = NORMAL, lang: str = "en") -> go.Figure:
    """Final loss / baseline against sequence length, one line per cell; 1 = learnt nothing."""
    data = []
    for cell in dict.fromkeys(p.cell for p in points):
        mine = [p for p in points if p.cell == cell]
        data.append(_line(np.array([p.seq_len for p in mine]), np.array([p.ratio for p in mine]),
                          tr(CELL_NAMES[cell], lang),
                          COLORS[cell], sizes, mode="lines+markers", marker=dict(size=sizes.marker)))
    lengths = [p.seq_len for p in points] or [1, 10]
    data.append(_line(np.array([min(lengths), max(lengths)]), np.ones(2), tr("baseline: learnt nothing", lang),
                      BASELINE_COLOR, sizes, dash="dash"))
    return figure(data, _layout(sizes, tr("Memory horizon", lang), tr("sequence length T", lang),
                                tr("final loss / baseline", lang), log_x=True))
