"""Step-through views of a bidirectional layer's two chains, and of saliency, as browser payloads
(schema: explorer/views/payload.py; clocks GROUP and BACK of explorer/views/step_payload.py).

- `chain_bars`: one chain's state (h, c and the gates) at its step. The forward chain is at t; the backward one,
  in reading order, at T + 1 − t (it reads x_T first): as the clock advances its step moves the other way.
- `chain_gradients`: ‖∂L/∂h→_t‖ and ‖∂L/∂h←_t‖ revealed as backpropagation travels: the forward chain's gradient
  from t = T down, the backward chain's from t = 1 up (its recurrence runs the other way).
- `saliency_rows`: the saliency matrix ‖∂ỹ_t/∂x_s‖ (explorer.trace.saliency) as a heatmap, output step t (rows)
  × input step s (columns), the row of the clock's step t outlined by the browser.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import tr
from ..trace.gradients import grad_norms
from ..trace.saliency import Saliency
from . import payload as wire
from . import plots_step as ps
from . import stepview as sv
from .step_payload import BACK, GROUP, STEP, kind_of
from .style import BASELINE_COLOR, SALIENCY_DECADES, SEQUENTIAL, SERIES, Sizes, layout, log_colour, log_scale

ARROWS = ("→", "←")
CHAIN_COLORS = (SERIES[0], SERIES[1])  # forward, backward: the same in every two-chain view
ROW_COLOR = ps.HIGHLIGHT               # the outline of the saliency row of step t


def chain_rows(data: sv.StepData, layer: int, direction: int, nonlinearity: str) -> list[tuple[str, str, np.ndarray]]:
    """(label, kind, values (T, H)) per bar row of one chain of `layer`: h, then c and the gates."""
    v = data.trace.view(layer, direction)
    arrow, cell_type = ARROWS[direction], data.trace.cell_type
    rows = [(f"h{arrow}", kind_of("h", cell_type, nonlinearity), v.hidden[0])]
    if v.cell is not None:
        rows.append((f"c{arrow}", "free", v.cell[0]))
    rows += [(f"{name}{arrow}", kind_of(name, cell_type, nonlinearity), g[0]) for name, g in v.gates.items()]
    return rows


def chain_step(direction: int, t_len: int, reading_order: bool) -> dict[str, list[int]]:
    """The template field {t} of a chain's views: the clock's t, or for the backward chain in reading order
    T + 1 − t (clock position i → step T − i)."""
    return {"t": [t_len, -1]} if direction == 1 and reading_order else dict(STEP)


def chain_bars(data: sv.StepData, layer: int, unit: int, nonlinearity: str, sizes: Sizes, direction: int,
               reading_order: bool = True, lang: str = "en") -> dict:
    """Bars of one chain of a bidirectional `layer` at its step (see `chain_step`); `unit` is always kept."""
    t_len = data.seq_len
    rows = chain_rows(data, layer, direction, nonlinearity)
    flip = direction == 1 and reading_order  # clock position i shows step T − i (0-based)
    units = wire.unit_subset(data.trace.hidden_size, t_len * len(rows), keep=unit)
    title = (tr("Forward chain → at t = {t}: it has read x1 … x{t}", lang) if direction == 0
             else tr("Backward chain ← at t = {t}: it has read x{T} … x{t}", lang, t="{t}", T=t_len))
    return {
        "kind": "bars", "group": GROUP, "at": chain_step(direction, t_len, reading_order), "title": title,
        "xlabel": tr("unit", lang), "units": units.tolist(), "sizes": wire.sizes(sizes), "line_color": BASELINE_COLOR,
        "rows": [{"label": label, "values": wire.array((values[::-1] if flip else values)[:, units]),
                  "range": list(ps.value_range(kind) or ps.symmetric_range(values)),
                  "colorscale": wire.colorscale(ps.scale_of(kind))} for label, kind, values in rows],
    }


def direction_norms(data: sv.StepData) -> np.ndarray:
    """(L, 2, T): ‖∂L/∂h_t‖ of the sample per layer and direction (the total gradient of each chain's state)."""
    return grad_norms(data.grads[:, None], 2)


def chain_gradients(data: sv.StepData, layer: int, sizes: Sizes, lang: str = "en") -> dict:
    """Both chains' ‖∂L/∂h_t‖ of `layer` on the BACK clock (b steps travelled): the forward chain's shown for
    t ≥ T − b, its cursor at T − b; the backward chain's for t ≤ 1 + b, its cursor at 1 + b. The backward
    chain's curve is sent from t = T down to 1, so that the browser's reveal (from an index on) runs upwards."""
    norms = direction_norms(data)[layer]  # (2, T)
    t_len = data.seq_len
    steps = np.arange(1, t_len + 1)
    shown = [np.where(n > 0, n, np.nan) for n in norms]
    xs, ys = [steps, steps[::-1]], [shown[0], shown[1][::-1]]
    names = [tr("forward chain ∂L/∂h→_t (travels T → 1)", lang), tr("backward chain ∂L/∂h←_t (travels 1 → T)", lang)]
    traces = [go.Scatter(x=x, y=y, mode="lines+markers", name=name,
                         line=dict(color=CHAIN_COLORS[d], width=sizes.line), marker=dict(size=sizes.marker - 2),
                         hovertemplate=f"{ARROWS[d]} t = %{{x}}<br>‖∂L/∂h_t‖ = %{{y:.3e}}<extra></extra>")
              for d, (x, y, name) in enumerate(zip(xs, ys, names))]
    fig = go.Figure(traces, layout=layout(
        sizes, title=dict(text=tr("Each chain's gradient, layer {layer}: ‖∂L/∂h→_t‖ and ‖∂L/∂h←_t‖", lang, layer=layer)),
        xaxis=dict(title=dict(text=tr("time step t", lang)), range=[0.5, t_len + 0.5]),
        yaxis=dict(type="log", title=dict(text="‖∂L/∂h_t‖"), range=ps._log_range(norms), tickformat=ps.LOG_TICKS,
                   nticks=6),
        legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0),
        margin=dict(l=60, r=20, t=50, b=90)))
    return {
        "kind": "chart", "group": BACK, "figure": wire.figure(fig), "png": "backward-pass-per-direction",
        "overlays": [{"type": "vline", "x": [t_len, -1], "line": {**ps.CURSOR, "color": CHAIN_COLORS[0]}},
                     {"type": "vline", "x": [1, 1], "line": {**ps.CURSOR, "color": CHAIN_COLORS[1]}}],
        "reveal": [{"trace": d, "y": wire.array(y), "from": [t_len - 1, -1]} for d, y in enumerate(ys)],
    }


def row_bands(out_steps: np.ndarray, t_len: int) -> list[list[float] | None]:
    """Per clock position i (step t = i + 1): the y-span [lo, hi] of the saliency row drawn for t (its own, or
    the nearest kept row when rows are thinned; rows are centred on their 1-based output step and reach
    halfway to their neighbours), or None if there are no rows."""
    rows = np.asarray(out_steps, np.float64) + 1
    if len(rows) == 0:
        return [None] * t_len
    mids = (rows[1:] + rows[:-1]) / 2
    lo = np.concatenate([[rows[0] - 0.5], mids])
    hi = np.concatenate([mids, [rows[-1] + 0.5]])
    nearest = np.abs(np.arange(1, t_len + 1)[:, None] - rows[None]).argmin(axis=1)  # (T,)
    return [[float(lo[r]), float(hi[r]), float(rows[r])] for r in nearest]


def saliency_rows(sal: Saliency, matrix: np.ndarray, t_len: int, sizes: Sizes, title: str, log: bool = True,
                  decades: int = SALIENCY_DECADES, lang: str = "en") -> dict:
    """The saliency heatmap `matrix` (R, T) of rows `sal.out_steps`, the row of step t outlined on the clock.
    log: colour by log10 of the value over `decades` decades below the largest (0 is left blank), so that a
    dependence 1000 times weaker than the strongest still shows; the hover reads the value itself."""
    rows = sal.out_steps + 1
    values = np.asarray(matrix, np.float64)
    colour = dict(zmin=0)
    z = values
    if log:
        z, top = log_colour(values)  # a diverged model's NaN stays blank and sets no scale
        scale, ticks = log_scale(top, decades)
        colour = scale | dict(colorbar=dict(thickness=12, len=0.9) | ticks)
    fig = go.Figure(go.Heatmap(
        z=z.astype(np.float32), x=np.arange(1, t_len + 1), y=rows, colorscale=SEQUENTIAL,
        customdata=values.astype(np.float32), **{"colorbar": dict(thickness=12, len=0.9), **colour},
        hovertemplate=f"{tr('output step t', lang)} = %{{y}}, {tr('input step s', lang)} = %{{x}}<br>"
                      "‖∂ỹ_t/∂x_s‖ = %{customdata:.3g}<extra></extra>",
    ), layout=layout(sizes, title=dict(text=title), xaxis=dict(title=dict(text=tr("input step s", lang))),
                     yaxis=dict(title=dict(text=tr("output step t", lang)), autorange="reversed")))
    return {"kind": "heatrows", "group": GROUP, "figure": wire.figure(fig), "png": "saliency", "overlays": [],
            "bands": row_bands(sal.out_steps, t_len), "band_color": ROW_COLOR}
