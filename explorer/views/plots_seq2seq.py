"""Pure Plotly builders for the Seq2seq page: the gradient over the source positions, and the live training charts.

The live charts are skeletons: their figure (axes, baseline, empty traces) stays the same while training runs,
and the browser appends the new points it is sent (explorer/views/seq2seq_live.py builds those streams), so the
figure's JSON must not change from one update to the next.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import N_, tr
from .plots_train import VANISHED_COLOR, finite_xy, gradient_regions, intervals, log10_norms
from .style import BASELINE_COLOR, OKABE_ITO, SEQUENTIAL, SERIES, Sizes, layout, legend_below

DIRECTIONS = (N_("→ forward encoder"), N_("← backward encoder"))
CLIP_COLOR = OKABE_ITO["vermillion"]
SCORE_TRACES = (N_("validation BLEU"), N_("validation exact match (%)"), N_("training-subset BLEU"))


def _figure(data: list[dict], lay: dict) -> go.Figure:
    """A figure from plain dicts, unvalidated (tests/test_seq2seq_views.py validates every builder's output)."""
    return go.Figure(dict(data=data, layout=lay), _validate=False)


def _axes(sizes: Sizes, title: str, xtitle: str, ytitle: str, log_y: bool = False, **overrides) -> dict:
    lay = layout(sizes, title=dict(text=title, font=dict(size=sizes.title)), xaxis=dict(title=dict(text=xtitle)),
                 yaxis=dict(title=dict(text=ytitle), type="log" if log_y else "linear", exponentformat="power"))
    lay.update(overrides)
    return legend_below(lay)


MAX_TOKEN_TICKS = 20  # a source axis longer than this is labelled with positions, not tokens


def _source_axis(labels: list[str], lang: str = "en") -> dict:
    """x = source positions 1..S, labelled with their tokens when they fit."""
    s_len = len(labels)
    ticks = dict(tickvals=list(range(1, s_len + 1)), ticktext=labels) if s_len <= MAX_TOKEN_TICKS else {}
    return dict(title=dict(text=tr("source position s", lang)), range=[0.5, s_len + 0.5], **ticks)


def source_gradient_figure(norms: np.ndarray, labels: list[str], sizes: Sizes, lang: str = "en") -> go.Figure:
    """‖∂(−log p(ŷ | x))/∂h_s‖ (norms (D, S)) against the source position, one line per encoder direction (log y)."""
    s = np.arange(1, norms.shape[1] + 1)
    data = []
    for d, row in enumerate(norms):
        x, y = finite_xy(s, row, log=True)
        data.append(dict(type="scatter", x=x, y=y, name=tr(DIRECTIONS[d], lang), mode="lines+markers",
                         line=dict(color=SERIES[d], width=sizes.line), marker=dict(size=sizes.marker - 2),
                         hovertemplate="s = %{x}<br>‖∂(−log p)/∂h_s‖ = %{y:.3e}<extra></extra>"))
    lay = _axes(sizes, tr("How much this output leans on each source state", lang), tr("source position s", lang),
                "‖∂(−log p(ŷ | x))/∂h_s‖", log_y=True, showlegend=len(norms) > 1)
    lay["xaxis"] = dict(lay["xaxis"], **_source_axis(labels, lang))
    return _figure(data, lay)


# --- live training: skeletons the browser appends to -----------------------------------------------------------

def _line(name: str, color: str, sizes: Sizes, **kw) -> dict:
    """An empty line trace (the browser appends its points); `kw` overrides its settings."""
    return dict(type="scatter", x=[], y=[], name=name, mode="lines", line=dict(color=color, width=sizes.line)) | kw


def _hline(y: float, name: str, sizes: Sizes) -> dict:
    """A dashed horizontal line across the plot, with a legend entry (it needs no x range)."""
    return dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y, name=name, showlegend=True,
                line=dict(color=BASELINE_COLOR, width=sizes.line, dash="dash"))


def loss_figure(baseline: float, baseline_label: str, sizes: Sizes, lang: str = "en") -> go.Figure:
    """Loss per step (trace 0, streamed) against the memoryless baseline."""
    lay = _axes(sizes, tr("Loss (cross-entropy per target token)", lang), tr("training step", lang), tr("loss", lang),
                shapes=[_hline(baseline, tr("baseline: {label}", lang, label=baseline_label), sizes)])
    return _figure([_line(tr("loss", lang), SERIES[0], sizes)], lay)


def scores_figure(sizes: Sizes, lang: str = "en") -> go.Figure:
    """Validation BLEU, exact match (in %) and the training subset's BLEU at each evaluation (traces 0–2)."""
    data = [
        _line(tr(SCORE_TRACES[0], lang), SERIES[0], sizes, mode="lines+markers", marker=dict(size=sizes.marker - 2)),
        _line(tr(SCORE_TRACES[1], lang), SERIES[1], sizes, mode="lines+markers", marker=dict(size=sizes.marker - 2)),
        _line(tr(SCORE_TRACES[2], lang), SERIES[2], sizes, line=dict(color=SERIES[2], width=sizes.line * 0.6, dash="dot")),
    ]
    score = tr("score (0–100)", lang)
    return _figure(data, _axes(sizes, tr("Greedy decoding on held-out data", lang), tr("training step", lang), score,
                               yaxis=dict(title=dict(text=score), range=[-2, 102])))


def norm_figure(clip: str, threshold: float, sizes: Sizes, lang: str = "en") -> go.Figure:
    """Global gradient norm before (trace 0) and after clipping (trace 1), the clipped steps (trace 2), θ."""
    data = [
        _line(tr("before clipping", lang), SERIES[0], sizes),
        _line(tr("after clipping", lang), SERIES[2], sizes, line=dict(color=SERIES[2], width=sizes.line, dash="dot")),
        dict(type="scatter", x=[], y=[], name=tr("clipped", lang), mode="markers",
             marker=dict(color=CLIP_COLOR, size=sizes.marker * 0.7, symbol="x-thin-open", line=dict(width=1.5))),
    ]
    shapes = [_hline(threshold, f"θ = {threshold:g}", sizes)] if clip == "norm" else []
    return _figure(data, _axes(sizes, tr("Global gradient norm", lang), tr("training step", lang), "‖∂L/∂θ‖",
                               log_y=True, shapes=shapes))


def probe_curve_figure(norms: np.ndarray | None, step: int | None, sizes: Sizes, lang: str = "en") -> go.Figure:
    """‖∂L/∂h_s‖ against the source position s at the latest probe (norms (D, S)), one line per direction (log y);
    positions below 10⁻⁶ of the largest later one shaded as vanished."""
    data, shapes = [], []
    if norms is not None:
        s = np.arange(1, norms.shape[1] + 1)
        for d, row in enumerate(norms):
            x, y = finite_xy(s, row, log=True)
            data.append(dict(type="scatter", x=x, y=y, name=tr(DIRECTIONS[d], lang), mode="lines+markers",
                             line=dict(color=SERIES[d], width=sizes.line), marker=dict(size=sizes.marker * 0.6),
                             hovertemplate="s = %{x}<br>‖∂L/∂h_s‖ = %{y:.3e}<extra></extra>"))
        shapes = _vanished(norms[0])
    title = (tr("‖∂L/∂h_s‖ over the source at step {step}", lang, step=step) if step is not None else
             tr("‖∂L/∂h_s‖ over the source (no probe yet)", lang))
    lay = _axes(sizes, title, tr("source position s", lang), "‖∂L/∂h_s‖", log_y=True, shapes=shapes,
                showlegend=norms is not None and len(norms) > 1)
    return _figure(data, lay)


def _vanished(row: np.ndarray) -> list[dict]:
    """Shaded bands over the source positions whose gradient vanished (plots_train.gradient_regions)."""
    vanished, _ = gradient_regions(row)
    return [dict(type="rect", xref="x", yref="paper", x0=a + 0.5, x1=b + 1.5, y0=0, y1=1, fillcolor=VANISHED_COLOR,
                 opacity=0.25, line=dict(width=0), layer="below", name="vanished", legendgroup="vanished",
                 showlegend=i == 0) for i, (a, b) in enumerate(intervals(vanished))]


def probe_heatmap_figure(steps: np.ndarray, norms: np.ndarray, sizes: Sizes, lang: str = "en") -> go.Figure:
    """Training step (y) × source position s (x), colour = log10 ‖∂L/∂h_s‖ of the forward encoder: every probe."""
    data = []
    if len(steps):
        data.append(dict(
            type="heatmap", x=np.arange(1, norms.shape[1] + 1), y=np.asarray(steps), z=log10_norms(norms),
            colorscale=SEQUENTIAL, colorbar=dict(title=dict(text="log₁₀‖∂L/∂h_s‖", side="right"), thickness=14),
            hovertemplate=tr("s=%{x}<br>step %{y}<br>log₁₀‖∂L/∂h_s‖=%{z:.2f}<extra></extra>", lang)))
    return _figure(data, _axes(sizes, tr("Gradient reaching each source position, over training", lang),
                               tr("source position s", lang), tr("training step", lang)))
