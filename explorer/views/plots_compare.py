"""Pure Plotly builders for the Compare page: one curve per architecture, in its colour (a bidirectional variant
in its cell's colour, dotted); the saliency of every architecture as small multiples; and the live table.

Built from plain dicts without Plotly's validation (they redraw several times a second while the cells train);
tests/test_plots_compare.py validates every builder's output. The live loss chart (`loss_chart`) is drawn once with
empty traces, one per architecture in the order given, and streamed into (explorer/views/compare_payload.py)."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..i18n import UserText, message, tr
from ..training.compare import BIDIRECTIONAL, NAMES, ComparisonRow, SweepPoint
from .plots_train import LIVE, finite_xy, metric_label
from .style import (
    BASELINE_COLOR,
    CELL_COLORS,
    NORMAL,
    OKABE_ITO,
    SALIENCY_DECADES,
    SEQUENTIAL,
    Sizes,
    figure,
    layout,
    legend_below,
    log_colour,
    log_scale,
)

COLORS = CELL_COLORS | {"cnn": OKABE_ITO["orange"], "transformer": OKABE_ITO["purple"]} | {
    bi: CELL_COLORS[cell] for bi, cell in BIDIRECTIONAL.items()}
DASHES = {bi: "dot" for bi in BIDIRECTIONAL}  # a bidirectional variant: its cell's colour, dotted
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


def grad_overlay(norms: dict[str, np.ndarray], sizes: Sizes = NORMAL, seq_len: int = 0,
                 receptive_field: int | None = None, lang: str = "en") -> go.Figure:
    """‖∂L/∂h_t‖ of the top layer against t, one curve per cell ({cell: (T,) norms of the latest probe}); with a
    receptive field r (the 1D-CNN's), the steps the last output of the CNN sees shaded: t = T − r + 1 … T."""
    data = []
    for cell, g in norms.items():
        t, y = finite_xy(np.arange(1, len(g) + 1), g, log=True)
        data.append(_line(t, y, tr(NAMES[cell], lang), COLORS[cell], sizes, DASHES.get(cell)))
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

    return [{tr("architecture", lang): tr(r.name, lang), tr("parameters", lang): r.parameters, tr("steps", lang): r.steps,
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
                          tr(NAMES[cell], lang),
                          COLORS[cell], sizes, DASHES.get(cell), mode="lines+markers", marker=dict(size=sizes.marker)))
    lengths = [p.seq_len for p in points] or [1, 10]
    data.append(_line(np.array([min(lengths), max(lengths)]), np.ones(2), tr("baseline: learnt nothing", lang),
                      BASELINE_COLOR, sizes, dash="dash"))
    return figure(data, _layout(sizes, tr("Memory horizon", lang), tr("sequence length T", lang),
                                tr("final loss / baseline", lang), log_x=True))


def loss_chart(archs: tuple[str, ...], baseline: float, baseline_label: str, log_y: bool = False,
               sizes: Sizes = NORMAL, lang: str = "en") -> dict:
    """The live loss chart: an empty line per architecture of `archs` (trace k is archs[k]; a stream fills it with
    (step, loss)), then the memoryless baseline, dashed, across the whole plot: a trace on a hidden x axis of its
    own (0 to 1), so that the steps' axis scales to the curves alone and the baseline's data never change (a layout
    shape on a log axis was seen to break Plotly's autorange). Zoom survives updates (uirevision)."""
    data = [dict(type="scatter", x=[], y=[], name=tr(NAMES[a], lang), mode="lines",
                 line=dict(color=COLORS[a], width=sizes.line) | ({"dash": DASHES[a]} if a in DASHES else {}))
            for a in archs]
    data.append(_line([0, 1], [float(baseline)] * 2,  # plain lists: the payload is JSON
                      tr("baseline: {label}", lang, label=message(baseline_label, lang)), BASELINE_COLOR, sizes,
                      dash="dash", hoverinfo="skip", xaxis="x2"))
    lay = _layout(sizes, tr("Loss", lang), tr("training step", lang), tr("loss", lang), log_y=log_y)
    return {"data": data, "layout": dict(lay, uirevision=LIVE, xaxis2=dict(overlaying="x", range=[0, 1],
                                                                           visible=False, fixedrange=True))}


def saliency_scale(panels: dict[str, np.ndarray], decades: int = SALIENCY_DECADES) -> tuple[float, float]:
    """(lo, hi) of the shared log10 colour scale: the largest finite positive value over all panels, and
    `decades` below it."""
    _, top = log_colour(np.concatenate([np.ravel(m) for m in panels.values()]) if panels else np.zeros(0))
    return top - decades, top


def saliency_grid(panels: dict[str, np.ndarray], out_steps: np.ndarray, t_len: int,
                  receptive_field: int | None = None, sizes: Sizes = NORMAL, lang: str = "en") -> go.Figure:
    """Small multiples of the saliency ‖∂ỹ_t/∂x_s‖ ({arch: (R, T) mean over the samples}, rows at the 0-based output
    steps `out_steps`), one heatmap per architecture, up to 4 in a row, all on ONE colour scale (log10, over
    SALIENCY_DECADES decades below the largest value of any panel; exact zeros, inputs an output cannot depend on,
    left blank). With the 1D-CNN's receptive field r, its panel marks the edge s = t − r + 1 (dashed)."""
    from plotly.subplots import make_subplots

    archs = list(panels)
    cols = min(4, max(1, len(archs)))
    rows = max(1, math.ceil(len(archs) / cols))
    lo, hi = saliency_scale(panels)
    fig = make_subplots(rows=rows, cols=cols, shared_yaxes=True, horizontal_spacing=0.03,
                        vertical_spacing=0.12 if rows > 1 else 0.0,
                        subplot_titles=[tr(NAMES[a], lang) for a in archs])
    steps = np.asarray(out_steps) + 1  # 1-based, as the axes
    hover = tr("output step t = %{y}, input step s = %{x}<br>‖∂ỹ_t/∂x_s‖ = %{customdata:.3g}<extra></extra>", lang)
    for k, arch in enumerate(archs):
        values = np.asarray(panels[arch], np.float64)  # (R, T)
        z, _ = log_colour(values)  # 0 and NaN: blank
        r, c = k // cols + 1, k % cols + 1
        fig.add_trace(go.Heatmap(z=z.astype(np.float32), x=np.arange(1, t_len + 1), y=steps, coloraxis="coloraxis",
                                 customdata=values.astype(np.float32), hovertemplate=hover, name=tr(NAMES[arch], lang)),
                      row=r, col=c)
        if arch == "cnn" and receptive_field:
            fig.add_trace(go.Scatter(x=steps - receptive_field + 0.5, y=steps, mode="lines", showlegend=False,
                                     hoverinfo="skip", line=dict(color=FIELD_COLOR, width=sizes.line, dash="dash"),
                                     name=tr("1D-CNN receptive field: {n} steps", lang, n=receptive_field)),
                          row=r, col=c)
            fig.update_xaxes(range=[0.5, t_len + 0.5], row=r, col=c)
    scale, ticks = log_scale(hi, hi - lo)
    lay = layout(sizes, height=int(sizes.chart_height * (0.85 * rows + 0.15)), margin=dict(l=60, r=20, t=60, b=50),
                 title=dict(text=tr("Which inputs each output uses: ‖∂ỹ_t/∂x_s‖", lang)))
    fig.update_layout(**{k: v for k, v in lay.items() if k not in ("xaxis", "yaxis")})
    fig.update_layout(coloraxis=dict(colorscale=SEQUENTIAL, cmin=scale["zmin"], cmax=scale["zmax"],
                                     colorbar=dict(thickness=12, len=0.9) | ticks))
    fig.update_annotations(font=dict(size=sizes.font))
    fig.update_xaxes(title_text=tr("input step s", lang), row=rows)
    fig.update_yaxes(autorange="reversed")
    fig.update_yaxes(title_text=tr("output step t", lang), col=1)
    return fig
