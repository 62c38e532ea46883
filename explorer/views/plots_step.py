"""Pure Plotly builders for the Step-through page: data in, `go.Figure` out.

Time is shown 1-based (t = 1..T) on every axis, as on the page's slider.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import BASELINE_COLOR, DIVERGING, GATE_SCALE, OKABE_ITO, SEQUENTIAL, SERIES, Sizes
from .style import layout as base_layout

CURSOR = dict(color=OKABE_ITO["black"], width=2, dash="dot")
HIGHLIGHT = OKABE_ITO["vermillion"]
LOG_TICKS = ".1~e"  # e.g. 3e-2: readable whether the log axis spans one decade or ten


def layout(sizes: Sizes, cursor: int | None = None, **overrides) -> dict:
    """The shared layout and, if given, a dotted vertical cursor at step `cursor` (0-based, drawn at t = cursor + 1)."""
    if cursor is not None:
        overrides["shapes"] = [dict(type="line", x0=cursor + 1, x1=cursor + 1, y0=0, y1=1, yref="paper",
                                    line=CURSOR)]
    return base_layout(sizes, **overrides)


KINDS = ("gate", "tanh", "free")  # sigmoid gates in [0, 1]; tanh-bounded values; unbounded (c, relu h)


def value_range(kind: str) -> tuple[float, float] | None:
    """The fixed colour/axis range of a kind of quantity (None: symmetric around 0, from the data)."""
    return {"gate": (0.0, 1.0), "tanh": (-1.0, 1.0), "free": None}[kind]


def scale_of(kind: str) -> str:
    return GATE_SCALE if kind == "gate" else DIVERGING


def _symmetric(values: np.ndarray) -> tuple[float, float]:
    m = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    m = max(m, 1e-6)
    return (-m, m)


def state_bars(rows: list[tuple[str, str, np.ndarray]], sizes: Sizes, title: str) -> go.Figure:
    """One bar row per quantity at the selected step, rows (label, kind, values (H,)), stacked; bars
    coloured by value (activations on the diverging scale, gates on the gate scale).

    Rows with the same colour range share one layout coloraxis (validating a colour scale per trace
    would double the cost of this figure, which is redrawn on every step)."""
    n = len(rows)
    gap = 0.06
    height = (1 - gap * (n - 1)) / n
    data, lay, axes, labels = [], {}, {}, []  # axes: (scale, lo, hi) -> coloraxis name
    for j, (label, kind, values) in enumerate(rows):
        lo, hi = value_range(kind) or _symmetric(values)
        caxis = axes.setdefault((scale_of(kind), lo, hi), f"coloraxis{len(axes) + 1 if axes else ''}")
        axis = "" if j == 0 else str(j + 1)
        top = 1 - j * (height + gap)
        data.append(go.Bar(
            x=np.arange(len(values)), y=np.asarray(values), xaxis=f"x{axis}", yaxis=f"y{axis}", name=label,
            marker=dict(color=np.asarray(values), coloraxis=caxis, line=dict(width=0.5, color=BASELINE_COLOR)),
            hovertemplate=f"{label}<br>unit %{{x}}<br>value %{{y:.4f}}<extra></extra>",
        ))
        lay[f"yaxis{axis}"] = dict(domain=[max(0.0, top - height), min(1.0, top)], range=[lo, hi],
                                   zeroline=True, zerolinecolor=BASELINE_COLOR)
        labels.append(dict(text=f"<b>{label}</b>", x=0, xref="paper", xanchor="right", xshift=-45,
                           y=top - height / 2, yref="paper", showarrow=False, font=dict(size=sizes.title)))
        lay[f"xaxis{axis}"] = dict(anchor=f"y{axis}", showticklabels=j == n - 1,
                                   title=dict(text="unit") if j == n - 1 else None)
    for (scale, lo, hi), name in axes.items():
        lay[name] = dict(colorscale=scale, cmin=lo, cmax=hi, showscale=False)
    per_row = max(70, sizes.chart_height // 4)
    margin = dict(l=60 + 10 * max(len(label) for label, _, _ in rows), r=20, t=50, b=50)
    return go.Figure(data=data, layout=layout(
        sizes, title=dict(text=title), showlegend=False, height=per_row * n + 90, bargap=0.15, annotations=labels,
        margin=margin, **lay))


def time_heatmap(values: np.ndarray, name: str, kind: str, t: int, sizes: Sizes, title: str) -> go.Figure:
    """values (H, T) of quantity `name` as units × time, a dotted cursor at step t (0-based); hover
    shows unit, t and value."""
    lo, hi = value_range(kind) or _symmetric(values)
    t_len = values.shape[1]
    fig = go.Figure(go.Heatmap(
        z=np.asarray(values), x=np.arange(1, t_len + 1), y=np.arange(values.shape[0]),
        colorscale=scale_of(kind), zmin=lo, zmax=hi, colorbar=dict(thickness=12, len=0.9),
        hovertemplate=f"{name}: unit %{{y}}, t = %{{x}}<br>value %{{z:.4f}}<extra></extra>",
    ), layout=layout(sizes, cursor=t, title=dict(text=title), xaxis=dict(title=dict(text="time step t")),
                     yaxis=dict(title=dict(text="unit"), autorange="reversed")))
    return fig


def prediction_over_time(output: np.ndarray, target: np.ndarray, mask: np.ndarray, t: int, sizes: Sizes) -> go.Figure:
    """Regression: the model's output and the target at every step (first output), cursor at t."""
    steps = np.arange(1, len(output) + 1)
    tgt = np.where(mask, target, np.nan)
    fig = go.Figure([
        go.Scatter(x=steps, y=tgt, name="target", mode="lines+markers",
                   line=dict(color=BASELINE_COLOR, width=sizes.line, dash="dash"), marker=dict(size=sizes.marker - 3)),
        go.Scatter(x=steps, y=output, name="prediction", mode="lines",
                   line=dict(color=SERIES[0], width=sizes.line)),
        go.Scatter(x=[t + 1], y=[output[t]], name=f"prediction at t = {t + 1}", mode="markers",
                   marker=dict(color=HIGHLIGHT, size=sizes.marker + 5)),
    ], layout=layout(sizes, cursor=t, title=dict(text="Prediction vs target"),
                     xaxis=dict(title=dict(text="time step t")), hovermode="x unified",
                     legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0),
                     margin=dict(l=60, r=20, t=50, b=90)))
    return fig


def class_probs(names: list[str], probs: np.ndarray, target: str | None, sizes: Sizes, title: str) -> go.Figure:
    """Horizontal bars of the top-k class probabilities (most probable on top); the target's bar in
    the highlight colour."""
    colors = np.array([HIGHLIGHT if n == target else SERIES[0] for n in names])
    labels = np.array([f"{n} ✓ target" if n == target else n for n in names])
    fig = go.Figure(go.Bar(
        x=np.asarray(probs), y=labels, orientation="h", marker=dict(color=colors),
        text=np.array([f"{p:.3f}" for p in probs]), textposition="outside",
        hovertemplate="%{y}: p = %{x:.4f}<extra></extra>",
    ), layout=layout(sizes, title=dict(text=title), showlegend=False,
                     xaxis=dict(range=[0, 1.15], title=dict(text="probability")),
                     yaxis=dict(autorange="reversed", type="category")))
    return fig


def _log_range(values: np.ndarray) -> list[float] | None:
    pos = values[np.isfinite(values) & (values > 0)]
    if not pos.size:
        return None
    lo, hi = np.log10(pos.min()), np.log10(pos.max())
    pad = max(0.2, 0.05 * (hi - lo))
    return [lo - pad, hi + pad]


def grad_reveal(norms: np.ndarray, shown_from: int, sizes: Sizes) -> go.Figure:
    """‖∂L/∂h_t‖ per layer (norms (L, T)) on a log axis, revealed from t = T down to `shown_from`
    (0-based); the axes are fixed by all values so they do not jump while revealing."""
    n_layers, t_len = norms.shape
    steps = np.arange(1, t_len + 1)
    data = []
    for l in range(n_layers):
        y = np.where((steps - 1 >= shown_from) & (norms[l] > 0), norms[l], np.nan)
        data.append(go.Scatter(x=steps, y=y, mode="lines+markers", name=f"layer {l}",
                               line=dict(color=SERIES[l % len(SERIES)], width=sizes.line),
                               marker=dict(size=sizes.marker - 2),
                               hovertemplate=f"layer {l}, t = %{{x}}<br>‖∂L/∂h_t‖ = %{{y:.3e}}<extra></extra>"))
    return go.Figure(data, layout=layout(
        sizes, cursor=shown_from, title=dict(text="Backward pass: ‖∂L/∂h_t‖ from t = T back"),
        xaxis=dict(title=dict(text="time step t"), range=[0.5, t_len + 0.5]),
        yaxis=dict(type="log", title=dict(text="‖∂L/∂h_t‖"), range=_log_range(norms), tickformat=LOG_TICKS, nticks=6),
        showlegend=n_layers > 1))


def jacobian_chart(jac: np.ndarray, bound: np.ndarray | None, sizes: Sizes) -> go.Figure:
    """‖∂h_T/∂h_t‖ (jac (T,)) on a log axis, with the bound σ_max^(T−t) as a dashed line if given."""
    steps = np.arange(1, len(jac) + 1)
    data = [go.Scatter(x=steps, y=np.where(jac > 0, jac, np.nan), mode="lines+markers", name="‖∂h_T/∂h_t‖",
                       line=dict(color=SERIES[0], width=sizes.line), marker=dict(size=sizes.marker - 2),
                       hovertemplate="t = %{x}<br>‖∂h_T/∂h_t‖ = %{y:.3e}<extra></extra>")]
    shown = jac
    if bound is not None:
        data.append(go.Scatter(x=steps, y=bound, mode="lines", name="bound σ_max^(T−t)",
                               line=dict(color=BASELINE_COLOR, width=sizes.line, dash="dash"),
                               hovertemplate="t = %{x}<br>σ_max^(T−t) = %{y:.3e}<extra></extra>"))
        shown = np.concatenate([jac, bound])
    return go.Figure(data, layout=layout(
        sizes, title=dict(text="How much h_T depends on h_t: ‖∂h_T/∂h_t‖"),
        xaxis=dict(title=dict(text="time step t")),
        yaxis=dict(type="log", range=_log_range(shown), tickformat=LOG_TICKS, nticks=6)))


def trajectory(coords: np.ndarray, explained: np.ndarray, t: int, sizes: Sizes) -> go.Figure:
    """The path of h_t in the plane of its two principal components, coloured by t, step t highlighted."""
    steps = np.arange(1, len(coords) + 1)
    fig = go.Figure([
        go.Scatter(x=coords[:, 0], y=coords[:, 1], mode="lines", line=dict(color=BASELINE_COLOR, width=1),
                   hoverinfo="skip", showlegend=False),
        go.Scatter(x=coords[:, 0], y=coords[:, 1], mode="markers", showlegend=False,
                   marker=dict(color=steps, colorscale=SEQUENTIAL, size=sizes.marker,
                               colorbar=dict(title=dict(text="t"), thickness=12, len=0.9)),
                   customdata=steps, hovertemplate="t = %{customdata}<br>PC1 %{x:.3f}, PC2 %{y:.3f}<extra></extra>"),
        go.Scatter(x=coords[t : t + 1, 0], y=coords[t : t + 1, 1], mode="markers", name=f"t = {t + 1}",
                   marker=dict(color=HIGHLIGHT, size=sizes.marker + 9, line=dict(color=OKABE_ITO["black"], width=2)),
                   hovertemplate=f"t = {t + 1}<extra></extra>"),
    ], layout=layout(
        sizes, title=dict(text="Hidden-state trajectory (PCA)"),
        xaxis=dict(title=dict(text=f"PC1 ({100 * explained[0]:.1f}% of variance)")),
        yaxis=dict(title=dict(text=f"PC2 ({100 * explained[1]:.1f}% of variance)"), scaleanchor="x", scaleratio=1)))
    return fig
