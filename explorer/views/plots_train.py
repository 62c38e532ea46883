"""Pure Plotly builders for the Train page: history arrays in, `go.Figure` out.

Every builder drops non-finite points (a diverged step leaves NaN/Inf in the history; the charts keep
the last finite values) and, on log axes, non-positive ones. Figures are built from numpy arrays with
few traces: they are redrawn several times a second while training runs.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import (
    BASELINE_COLOR,
    GATE_COLORS,
    NORMAL,
    OKABE_ITO,
    SEQUENTIAL,
    SERIES,
    Sizes,
    figure,
    layout,
    legend_below,
)

VANISHED = 1e-6   # ‖∂L/∂h_t‖ below this fraction of the largest later value: vanished
EXPLODED = 1e3    # ‖∂L/∂h_t‖ above this multiple of the smallest later value: exploded
VANISHED_COLOR = OKABE_ITO["sky"]
EXPLODED_COLOR = OKABE_ITO["vermillion"]
CLIP_COLOR = OKABE_ITO["vermillion"]


def finite_xy(x: np.ndarray, y: np.ndarray, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The points of (x, y) whose y is finite (and > 0 when `log`)."""
    x, y = np.asarray(x), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(y) & (y > 0 if log else True)
    return x[keep], y[keep]


def _base(sizes: Sizes, title: str, xtitle: str, ytitle: str, log_y: bool, **overrides) -> dict:
    lay = layout(
        sizes, title=dict(text=title, font=dict(size=sizes.title)),
        xaxis=dict(title=dict(text=xtitle)),
        yaxis=dict(title=dict(text=ytitle), type="log" if log_y else "linear", exponentformat="power"),
    )
    lay.update(overrides)
    return legend_below(lay)


def loss_figure(scalars: dict[str, np.ndarray], baseline: float, baseline_label: str, metric: str | None = None,
                log_y: bool = False, sizes: Sizes = NORMAL) -> go.Figure:
    """Loss per step, the task's memoryless baseline as a labelled line, and optionally one task metric
    on a second y axis (right)."""
    steps = scalars.get("step", np.zeros(0, dtype=np.int64))
    x, y = finite_xy(steps, scalars.get("loss", np.zeros(0)), log_y)
    span = np.array([steps[0], steps[-1]] if len(steps) else [0, 1], dtype=np.float64)
    data = [
        dict(type="scatter", x=x, y=y, name="loss", mode="lines", line=dict(color=SERIES[0], width=sizes.line)),
        dict(type="scatter", x=span, y=np.full(2, baseline), name=f"baseline: {baseline_label}", mode="lines",
             line=dict(color=BASELINE_COLOR, width=sizes.line, dash="dash"), hoverinfo="name+y"),
    ]
    extra = {}
    if metric and f"metric/{metric}" in scalars:
        mx, my = finite_xy(steps, scalars[f"metric/{metric}"])
        data.append(dict(type="scatter", x=mx, y=my, name=metric, mode="lines", yaxis="y2", opacity=0.6,
                         line=dict(color=SERIES[1], width=sizes.line * 0.6, dash="dot")))  # second to the loss
        extra["yaxis2"] = dict(title=dict(text=metric), overlaying="y", side="right", showgrid=False, tickformat=".2g")
    lay = _base(sizes, "Loss", "training step", "loss", log_y, **extra)
    if extra:
        lay["margin"] = dict(lay["margin"], r=60)
    return figure(data, lay)


def later_extremes(norms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each t, the largest and the smallest positive finite ‖∂L/∂h_s‖ over s ≥ t (NaN if none)."""
    g = np.asarray(norms, dtype=np.float64)
    ok = np.isfinite(g) & (g > 0)
    big = np.maximum.accumulate(np.where(ok, g, -np.inf)[::-1])[::-1]
    small = np.minimum.accumulate(np.where(ok, g, np.inf)[::-1])[::-1]
    return np.where(np.isfinite(big), big, np.nan), np.where(np.isfinite(small), small, np.nan)


def gradient_regions(norms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (T,) over time steps of one layer's ‖∂L/∂h_t‖.

    Gradients flow backwards from the last step, so each t is compared with the steps after it:
    vanished where the norm has fallen below VANISHED × the largest later norm, exploded where it has
    risen above EXPLODED × the smallest later (positive) norm. Non-finite norms are in neither.
    """
    g = np.asarray(norms, dtype=np.float64)
    big, small = later_extremes(g)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(g)
        vanished = finite & (g < VANISHED * big)
        exploded = finite & (g > EXPLODED * small)
    return vanished, exploded


def intervals(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True in `mask` as inclusive (first, last) index pairs."""
    m = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    edges = np.flatnonzero(m[1:] != m[:-1])
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


def _region_shapes(mask: np.ndarray, color: str, name: str, legend: bool) -> list[dict]:
    return [dict(type="rect", xref="x", yref="paper", x0=a + 0.5, x1=b + 1.5, y0=0, y1=1, fillcolor=color,
                 opacity=0.25, line=dict(width=0), layer="below", name=name, legendgroup=name,
                 showlegend=legend and i == 0)
            for i, (a, b) in enumerate(intervals(mask))]


def gradient_curve_figure(norms: np.ndarray | None, step: int | None, sizes: Sizes = NORMAL) -> go.Figure:
    """‖∂L/∂h_t‖ against time step t = 1..T (log y), one line per layer, vanished/exploded regions shaded."""
    data, shapes = [], []
    if norms is not None:
        t = np.arange(1, norms.shape[1] + 1)
        multi = norms.shape[0] > 1
        for l, row in enumerate(norms):
            x, y = finite_xy(t, row, log=True)
            data.append(dict(type="scatter", x=x, y=y, name=f"layer {l + 1}",
                             mode="lines+markers" if len(x) < 60 else "lines",
                             line=dict(color=SERIES[l % len(SERIES)], width=sizes.line),
                             marker=dict(size=sizes.marker * 0.6), showlegend=multi))
            vanished, exploded = gradient_regions(row)
            tag = f" (layer {l + 1})" if multi else ""
            shapes += _region_shapes(vanished, VANISHED_COLOR, f"vanished{tag}", True)
            shapes += _region_shapes(exploded, EXPLODED_COLOR, f"exploded{tag}", True)
    title = "‖∂L/∂hₜ‖ through time" + (f" at step {step}" if step is not None else " (no probe yet)")
    return figure(data, _base(sizes, title, "time step t", "‖∂L/∂hₜ‖", True, shapes=shapes))


def log10_norms(norms: np.ndarray) -> np.ndarray:
    """log10 of the norms, NaN where a norm is not finite or not positive (a gap in the heatmap)."""
    g = np.asarray(norms, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(g) & (g > 0), np.log10(np.where(g > 0, g, 1.0)), np.nan)


def gradient_heatmap_figure(steps: np.ndarray, norms: np.ndarray, layer: int = 0,
                            sizes: Sizes = NORMAL) -> go.Figure:
    """Training step (y) × time step t (x), colour = log10 ‖∂L/∂hₜ‖: the whole probe history in one picture."""
    data = []
    if len(steps):
        data.append(dict(
            type="heatmap", 
            x=np.arange(1, norms.shape[1] + 1), y=np.asarray(steps), z=log10_norms(norms), colorscale=SEQUENTIAL,
            colorbar=dict(title=dict(text="log₁₀‖∂L/∂hₜ‖", side="right"), thickness=14),
            hovertemplate="t=%{x}<br>step %{y}<br>log₁₀‖∂L/∂hₜ‖=%{z:.2f}<extra></extra>"))
    title = "Gradient flow over training" + (f" (layer {layer + 1})" if layer else "")
    return figure(data, _base(sizes, title, "time step t", "training step", False))


def short_param_name(name: str) -> str:
    """"rnn.weight_hh_l0" -> "weight_hh_l0"; "head.bias" stays."""
    return name.removeprefix("rnn.")


def param_norms_figure(scalars: dict[str, np.ndarray], sizes: Sizes = NORMAL) -> go.Figure:
    """‖∂L/∂θ‖ of every parameter over steps (log y), before clipping."""
    steps = scalars.get("step", np.zeros(0))
    names = [k for k in scalars if k.startswith("param/")]
    data = []
    for i, key in enumerate(names):
        x, y = finite_xy(steps, scalars[key], log=True)
        data.append(dict(type="scatter", x=x, y=y, name=short_param_name(key.removeprefix("param/")),
                         mode="lines", line=dict(color=SERIES[i % len(SERIES)], width=sizes.line * 0.6)))
    return figure(data, _base(sizes, "Gradient norm per parameter", "training step", "‖∂L/∂θ‖", True))


def global_norm_figure(scalars: dict[str, np.ndarray], clip: str = "none", threshold: float | None = None,
                       sizes: Sizes = NORMAL) -> go.Figure:
    """Global gradient norm before and after clipping (log y), the clipped steps marked, and θ when
    clipping by norm."""
    steps = scalars.get("step", np.zeros(0))
    before = scalars.get("grad_norm", np.zeros(0))
    clipped = scalars.get("clipped", np.zeros(0, dtype=bool))
    bx, by = finite_xy(steps, before, log=True)
    ax, ay = finite_xy(steps, scalars.get("grad_norm_clipped", np.zeros(0)), log=True)
    cx, cy = finite_xy(steps[clipped], before[clipped], log=True)
    data = [
        dict(type="scatter", x=bx, y=by, name="before clipping", mode="lines",
             line=dict(color=SERIES[0], width=sizes.line)),
        dict(type="scatter", x=ax, y=ay, name="after clipping", mode="lines",
             line=dict(color=SERIES[2], width=sizes.line, dash="dot")),
        dict(type="scatter", x=cx, y=cy, name="clipped", mode="markers",
             marker=dict(color=CLIP_COLOR, size=sizes.marker * 0.7, symbol="x-thin-open", line=dict(width=1.5))),
    ]
    if clip == "norm" and threshold is not None and len(steps):
        span = np.array([steps[0], steps[-1]], dtype=np.float64)
        data.append(dict(type="scatter", x=span, y=np.full(2, threshold), name=f"θ = {threshold:g}", mode="lines",
                         line=dict(color=BASELINE_COLOR, width=sizes.line * 0.6, dash="dash")))
    return figure(data, _base(sizes, "Global gradient norm", "training step", "‖∂L/∂θ‖", True))


def spectral_figure(steps: np.ndarray, sigma: dict[str, np.ndarray], radius: dict[str, np.ndarray],
                    inv_gamma: float = 1.0, sizes: Sizes = NORMAL) -> go.Figure:
    """σ_max (solid) and spectral radius (dotted) of each W_hh block over training, and the 1/γ line."""
    data = []
    multi_layer = len({k.split("/")[0] for k in sigma}) > 1
    for key in sigma:
        layer, gate = key.split("/")
        label = f"{gate}, layer {int(layer) + 1}" if multi_layer else gate
        color = GATE_COLORS.get(gate, SERIES[0])
        x, y = finite_xy(steps, sigma[key])
        data.append(dict(type="scatter", x=x, y=y, name=label, mode="lines", legendgroup=key,
                         line=dict(color=color, width=sizes.line), hovertemplate=f"σ_max {label}: %{{y:.3f}}"))
        if key in radius:
            x, y = finite_xy(steps, radius[key])
            data.append(dict(type="scatter", x=x, y=y, name=f"ρ {label}", mode="lines", legendgroup=key,
                             showlegend=False, line=dict(color=color, width=sizes.line * 0.7, dash="dot")))
    span = np.array([steps[0], steps[-1]] if len(steps) else [0, 1], dtype=np.float64)
    data.append(dict(type="scatter", x=span, y=np.full(2, inv_gamma), name=f"1/γ = {inv_gamma:g}", mode="lines",
                     line=dict(color=BASELINE_COLOR, width=sizes.line * 0.6, dash="dash")))
    return figure(data, _base(sizes, "σ_max (solid) and spectral radius ρ (dotted) of W_hh", "training step",
                               "σ_max, ρ", False))


def eigen_figure(eigenvalues: dict[str, np.ndarray] | None, step: int | None, sizes: Sizes = NORMAL) -> go.Figure:
    """Eigenvalues of each W_hh block in the complex plane, with the unit circle."""
    angle = np.linspace(0, 2 * np.pi, 121)
    data = [dict(type="scatter", x=np.cos(angle), y=np.sin(angle), name="|λ| = 1", mode="lines",
                 hoverinfo="skip", line=dict(color=BASELINE_COLOR, width=sizes.line * 0.6, dash="dash"))]
    reach = 1.0
    multi_layer = len({k.split("/")[0] for k in eigenvalues or {}}) > 1
    for key, ev in (eigenvalues or {}).items():
        layer, gate = key.split("/")
        ev = np.asarray(ev)
        ev = ev[np.isfinite(ev)]
        if len(ev):
            reach = max(reach, float(np.abs(ev).max()))
        name = f"{gate}, layer {int(layer) + 1}" if multi_layer else gate
        data.append(dict(type="scatter", x=ev.real, y=ev.imag, mode="markers", name=name,
                         marker=dict(color=GATE_COLORS.get(gate, SERIES[0]), size=sizes.marker * 0.8, opacity=0.8)))
    r = 1.1 * reach
    title = "Eigenvalues of W_hh" + (f" at step {step}" if step is not None else "")
    return figure(data, _base(
        sizes, title, "Re λ", "Im λ", False,
        xaxis=dict(title=dict(text="Re λ"), range=[-r, r], zeroline=True),
        yaxis=dict(title=dict(text="Im λ"), range=[-r, r], zeroline=True, scaleanchor="x", scaleratio=1)))
