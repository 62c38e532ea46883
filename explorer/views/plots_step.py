"""Pure Plotly builders for the Step-through page: data in, `go.Figure` out.

Each figure holds what does not depend on the selected step; the browser draws what moves with it (the cursor,
the marker of step t, the backward pass revealed so far) over the figure: explorer/views/step_payload.py says
where. Time is shown 1-based (t = 1..T) on every axis, as on the page's slider.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import tr
from .style import BASELINE_COLOR, DIVERGING, GATE_SCALE, OKABE_ITO, SEQUENTIAL, SERIES, Sizes, layout

CURSOR = dict(color=OKABE_ITO["black"], width=2, dash="dot")  # the line at the selected step
HIGHLIGHT = OKABE_ITO["vermillion"]  # the marker of the selected step, the target class
LOG_TICKS = ".1~e"  # e.g. 3e-2: readable whether the log axis spans one decade or ten


KINDS = ("gate", "tanh", "free")  # sigmoid gates in [0, 1]; tanh-bounded values; unbounded (c, relu h)


def value_range(kind: str) -> tuple[float, float] | None:
    """The fixed colour/axis range of a kind of quantity (None: symmetric around 0, from the data)."""
    return {"gate": (0.0, 1.0), "tanh": (-1.0, 1.0), "free": None}[kind]


def scale_of(kind: str) -> str:
    return GATE_SCALE if kind == "gate" else DIVERGING


def symmetric_range(values: np.ndarray) -> tuple[float, float]:
    """(−m, m) with m the largest finite |value| (1 if there is none; at least 1e-6)."""
    finite = np.abs(values[np.isfinite(values)])
    m = float(finite.max()) if finite.size else 1.0
    return (-max(m, 1e-6), max(m, 1e-6))


def time_heatmap(values: np.ndarray, name: str, kind: str, sizes: Sizes, title: str,
                 units: np.ndarray | None = None, lang: str = "en") -> go.Figure:
    """values (U, T) of quantity `name` as units × time (rows: `units`, default 0..U−1); hover shows unit, t
    and value."""
    lo, hi = value_range(kind) or symmetric_range(values)
    t_len = values.shape[1]
    rows = dict(autorange="reversed") if units is None else dict(autorange="reversed", type="category")
    fig = go.Figure(go.Heatmap(
        z=np.asarray(values), x=np.arange(1, t_len + 1),
        y=np.arange(values.shape[0]) if units is None else np.asarray(units),
        colorscale=scale_of(kind), zmin=lo, zmax=hi, colorbar=dict(thickness=12, len=0.9),
        hovertemplate=f"{name}: {tr('unit', lang)} %{{y}}, t = %{{x}}<br>{tr('value', lang)} %{{z:.4f}}<extra></extra>",
    ), layout=layout(sizes, title=dict(text=title), xaxis=dict(title=dict(text=tr("time step t", lang))),
                     yaxis=dict(title=dict(text=tr("unit", lang)), **rows)))
    return fig


def prediction_over_time(output: np.ndarray, target: np.ndarray, mask: np.ndarray, sizes: Sizes,
                         lang: str = "en") -> go.Figure:
    """Regression: the model's output and the target at every step (first output)."""
    steps = np.arange(1, len(output) + 1)
    tgt = np.where(mask, target, np.nan)
    fig = go.Figure([
        go.Scatter(x=steps, y=tgt, name=tr("target", lang), mode="lines+markers",
                   line=dict(color=BASELINE_COLOR, width=sizes.line, dash="dash"), marker=dict(size=sizes.marker - 3)),
        go.Scatter(x=steps, y=output, name=tr("prediction", lang), mode="lines",
                   line=dict(color=SERIES[0], width=sizes.line)),
    ], layout=layout(sizes, title=dict(text=tr("Prediction vs target", lang)),
                     xaxis=dict(title=dict(text=tr("time step t", lang))), hovermode="x unified",
                     legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0),
                     margin=dict(l=60, r=20, t=50, b=90)))
    return fig


def _log_range(values: np.ndarray) -> list[float] | None:
    pos = values[np.isfinite(values) & (values > 0)]
    if not pos.size:
        return None
    lo, hi = np.log10(pos.min()), np.log10(pos.max())
    pad = max(0.2, 0.05 * (hi - lo))
    return [lo - pad, hi + pad]


def grad_reveal(norms: np.ndarray, sizes: Sizes, lang: str = "en") -> go.Figure:
    """‖∂L/∂h_t‖ per layer (norms (L, T)) on a log axis (0 is not drawn); the axes are fixed by all values, so
    that they do not jump while the browser reveals the curve from t = T down."""
    n_layers, t_len = norms.shape
    steps = np.arange(1, t_len + 1)
    data = []
    for l in range(n_layers):
        y = np.where(norms[l] > 0, norms[l], np.nan)
        name = tr("layer {n}", lang, n=l)
        data.append(go.Scatter(x=steps, y=y, mode="lines+markers", name=name,
                               line=dict(color=SERIES[l % len(SERIES)], width=sizes.line),
                               marker=dict(size=sizes.marker - 2),
                               hovertemplate=f"{name}, t = %{{x}}<br>‖∂L/∂h_t‖ = %{{y:.3e}}<extra></extra>"))
    return go.Figure(data, layout=layout(
        sizes, title=dict(text=tr("Backward pass: ‖∂L/∂h_t‖ from t = T back", lang)),
        xaxis=dict(title=dict(text=tr("time step t", lang)), range=[0.5, t_len + 0.5]),
        yaxis=dict(type="log", title=dict(text="‖∂L/∂h_t‖"), range=_log_range(norms), tickformat=LOG_TICKS, nticks=6),
        showlegend=n_layers > 1))


def jacobian_chart(jac: np.ndarray, bound: np.ndarray | None, sizes: Sizes, lang: str = "en") -> go.Figure:
    """‖∂h_T/∂h_t‖ (jac (T,)) on a log axis, with the bound σ_max^(T−t) as a dashed line if given."""
    steps = np.arange(1, len(jac) + 1)
    data = [go.Scatter(x=steps, y=np.where(jac > 0, jac, np.nan), mode="lines+markers", name="‖∂h_T/∂h_t‖",
                       line=dict(color=SERIES[0], width=sizes.line), marker=dict(size=sizes.marker - 2),
                       hovertemplate="t = %{x}<br>‖∂h_T/∂h_t‖ = %{y:.3e}<extra></extra>")]
    shown = jac
    if bound is not None:
        data.append(go.Scatter(x=steps, y=bound, mode="lines", name=tr("bound σ_max^(T−t)", lang),
                               line=dict(color=BASELINE_COLOR, width=sizes.line, dash="dash"),
                               hovertemplate="t = %{x}<br>σ_max^(T−t) = %{y:.3e}<extra></extra>"))
        shown = np.concatenate([jac, bound])
    return go.Figure(data, layout=layout(
        sizes, title=dict(text=tr("How much h_T depends on h_t: ‖∂h_T/∂h_t‖", lang)),
        xaxis=dict(title=dict(text=tr("time step t", lang))),
        yaxis=dict(type="log", range=_log_range(shown), tickformat=LOG_TICKS, nticks=6)))


def trajectory(coords: np.ndarray, explained: np.ndarray, sizes: Sizes, lang: str = "en") -> go.Figure:
    """The path of h_t in the plane of its two principal components, coloured by t."""
    steps = np.arange(1, len(coords) + 1)
    fig = go.Figure([
        go.Scatter(x=coords[:, 0], y=coords[:, 1], mode="lines", line=dict(color=BASELINE_COLOR, width=1),
                   hoverinfo="skip", showlegend=False),
        go.Scatter(x=coords[:, 0], y=coords[:, 1], mode="markers", showlegend=False,
                   marker=dict(color=steps, colorscale=SEQUENTIAL, size=sizes.marker,
                               colorbar=dict(title=dict(text="t"), thickness=12, len=0.9)),
                   customdata=steps, hovertemplate="t = %{customdata}<br>PC1 %{x:.3f}, PC2 %{y:.3f}<extra></extra>"),
    ], layout=layout(
        sizes, title=dict(text=tr("Hidden-state trajectory (PCA)", lang)),
        xaxis=dict(title=dict(text=tr("PC{k} ({pct:.1f}% of variance)", lang, k=1, pct=100 * explained[0]))),
        yaxis=dict(title=dict(text=tr("PC{k} ({pct:.1f}% of variance)", lang, k=2, pct=100 * explained[1])),
                   scaleanchor="x", scaleratio=1)))
    return fig
