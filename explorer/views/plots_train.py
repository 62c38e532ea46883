"""The Train page's live charts as plain Plotly figures (JSON-ready dicts, drawn in the browser by pages/bridge.py).

A chart whose data grow with training (loss, gradient norms, the gradient-flow heatmap, σ_max/ρ) is drawn once with
empty traces; explorer/views/train_payload.py streams the points into them. A chart of the latest measurement
(‖∂L/∂h_t‖ through time, the eigenvalues) is replaced in place at each new probe. Trace order is part of each
builder's contract (the streams address traces by index): the *_TRACES constants name it. Series are lists of
(label, values) so that more of them (per layer, per direction of a bidirectional model) need no new chart.
Constant lines (baseline, θ, 1/γ) are layout shapes with a legend entry. Non-finite values are NaN: a gap.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..i18n import N_, message, tr
from .payload import array
from .style import (
    BASELINE_COLOR,
    GATE_COLORS,
    NORMAL,
    OKABE_ITO,
    SALIENCY_DECADES,
    SEQUENTIAL,
    SERIES,
    Sizes,
    layout,
    legend_below,
    log_colour,
    log_scale,
)

VANISHED = 1e-6   # ‖∂L/∂h_t‖ below this fraction of the largest later value: vanished
EXPLODED = 1e3    # ‖∂L/∂h_t‖ above this multiple of the smallest later value: exploded
VANISHED_COLOR = OKABE_ITO["sky"]
EXPLODED_COLOR = OKABE_ITO["vermillion"]
CUT_COLOR = "#999999"  # truncated BPTT: where the gradient is cut, and the steps it never reaches
CLIP_COLOR = OKABE_ITO["vermillion"]
STOP_COLOR = OKABE_ITO["vermillion"]
LIVE = "live"  # layout.uirevision of every live chart: an update keeps the user's zoom and pan

# The tasks' metric names that are words (the others, MSE, CE, ..., are shown as they are): `metric_label`.
METRIC_WORDS = (N_("accuracy"), N_("on time"), N_("perplexity"), N_("bits/char"), N_("F1 (macro)"),
                N_("F1 (positive)"), N_("acc@0.04"))

# Trace indices (the streams of train_payload address them)
LOSS, VAL_LOSS, TRAIN_EVAL_LOSS, LR, METRIC, VAL_METRIC = range(6)
BEFORE, AFTER, CLIPPED = range(3)


def metric_label(name: str, lang: str = "en") -> str:
    """A task's metric name (explorer/data/tasks.py) as a reader of `lang` reads it."""
    return tr(name, lang) if name in METRIC_WORDS else name


def finite_xy(x: np.ndarray, y: np.ndarray, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The points of (x, y) whose y is finite (and > 0 when `log`)."""
    x, y = np.asarray(x), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(y) & (y > 0 if log else True)
    return x[keep], y[keep]


def gaps(y: np.ndarray) -> np.ndarray:
    """y as float64 with every non-finite value NaN (a gap in a line; Plotly cannot scale an axis to ±inf)."""
    y = np.asarray(y, dtype=np.float64)
    return np.where(np.isfinite(y), y, np.nan)


def _base(sizes: Sizes, title: str, xtitle: str, ytitle: str, log_y: bool, **overrides) -> dict:
    lay = layout(
        sizes, title=dict(text=title, font=dict(size=sizes.title)),
        xaxis=dict(title=dict(text=xtitle)),
        yaxis=dict(title=dict(text=ytitle), type="log" if log_y else "linear", exponentformat="power"),
        uirevision=LIVE,
    )
    lay.update(overrides)
    return legend_below(lay)


def _line(name: str, color: str, width: float, dash: str | None = None, **kw) -> dict:
    """An empty line trace (the stream fills it)."""
    return dict(type="scatter", x=[], y=[], name=name, mode="lines",
                line=dict(color=color, width=width) | (dict(dash=dash) if dash else {})) | kw


def _hline(y: float, name: str, log_y: bool, sizes: Sizes, color: str = BASELINE_COLOR) -> list[dict]:
    """[a dashed horizontal line across the plot at y, with a legend entry]. Shapes take data values on a log axis
    too (unlike annotations: plotly/plotly.js#6194); a value ≤ 0, which a log axis cannot show: [] instead."""
    if log_y and not y > 0:
        return []
    return [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y, name=name, showlegend=True,
                 line=dict(color=color, width=sizes.line * 0.6, dash="dash"), layer="below")]


def _vline(x: float, name: str, color: str, dash: str, sizes: Sizes, legend: bool = True) -> dict:
    return dict(type="line", xref="x", x0=x, x1=x, yref="paper", y0=0, y1=1, name=name, showlegend=legend,
                line=dict(color=color, width=sizes.line * 0.7, dash=dash))


@dataclass(frozen=True)
class StopMark:
    """An early stop as the loss chart marks it."""

    step: int       # training stopped after this step
    best_step: int  # whose weights were restored


def loss_chart(baseline: float, baseline_label: str, metric: str | None = None, log_y: bool = False,
               show_lr: bool = True, stops: tuple[StopMark, ...] = (), sizes: Sizes = NORMAL, lang: str = "en") -> dict:
    """Training loss per step, validation loss and the training subset's loss at each evaluation, the task's
    memoryless baseline, optionally one task metric on both (right axis) and the learning rate (a strip below);
    each early stop as a line at its step and a dotted line at the step whose weights were restored.
    Traces: LOSS, VAL_LOSS, TRAIN_EVAL_LOSS, LR, then METRIC, VAL_METRIC if `metric`."""
    w = sizes.line
    data = [
        _line(tr("training loss (each batch)", lang), SERIES[0], w * 0.7),
        _line(tr("validation loss", lang), SERIES[2], w, mode="lines+markers", marker=dict(size=sizes.marker * 0.6)),
        _line(tr("training loss (fixed subset)", lang), SERIES[0], w, dash="dot", mode="lines+markers",
              marker=dict(size=sizes.marker * 0.5, symbol="circle-open")),
        _line(tr("learning rate", lang), SERIES[4], w * 0.7, yaxis="y3", showlegend=False,
              hovertemplate=tr("step %{x}<br>lr %{y:.3g}<extra></extra>", lang)),
    ]
    extra: dict = {}
    if metric:
        label = metric_label(metric, lang)
        data += [_line(tr("{metric} (training)", lang, metric=label), SERIES[1], w * 0.6, dash="dot", yaxis="y2",
                       opacity=0.6),
                 _line(tr("{metric} (validation)", lang, metric=label), SERIES[1], w * 0.8, yaxis="y2",
                       mode="lines+markers",
                       marker=dict(size=sizes.marker * 0.6, symbol="diamond"))]
        extra["yaxis2"] = dict(title=dict(text=label), overlaying="y", side="right", showgrid=False,
                               tickmode="auto")  # its own round ticks (plotly.js syncs an overlaying axis's ticks
                                                 # to the other axis's by default: 0.084, 0.30, −1.5e−16)
    if show_lr:
        extra["yaxis"] = dict(domain=[0.3, 1])
        extra["yaxis3"] = dict(domain=[0, 0.2], title=dict(text="lr"), exponentformat="power", tickformat=".1e",
                               nticks=3, rangemode="tozero")
        extra["xaxis"] = dict(anchor="y3")
    else:
        data[LR]["visible"] = False
    shapes = _hline(baseline, tr("baseline: {label}", lang, label=message(baseline_label, lang)), log_y, sizes)
    notes = []
    for k, stop in enumerate(stops):
        shapes.append(_vline(stop.step, tr("early stop", lang), STOP_COLOR, "solid", sizes, legend=k == 0))
        shapes.append(_vline(stop.best_step, tr("weights restored from", lang), STOP_COLOR, "dot", sizes,
                             legend=k == 0))
        notes.append(dict(x=stop.step, y=1, yref="paper", xanchor="right", yanchor="top", showarrow=False,
                          text=tr("stop {step} → weights of {best}", lang, step=stop.step, best=stop.best_step),
                          font=dict(size=sizes.font * 0.85, color=STOP_COLOR)))
    lay = _base(sizes, tr("Loss", lang), tr("training step", lang), tr("loss", lang), log_y, shapes=shapes,
                annotations=notes)
    for key, value in extra.items():
        lay[key] = {**lay.get(key, {}), **value}
    if metric:
        lay["margin"] = dict(lay["margin"], r=60)
    return {"data": data, "layout": lay}


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


def _region_shapes(mask: np.ndarray, color: str, name: str, legend: bool = True) -> list[dict]:
    """Shaded x ranges (t is 1-based: index i covers i + 0.5 .. i + 1.5) over the runs of `mask`."""
    return [dict(type="rect", xref="x", yref="paper", x0=a + 0.5, x1=b + 1.5, y0=0, y1=1, fillcolor=color,
                 opacity=0.25, line=dict(width=0), layer="below", name=name, legendgroup=name,
                 showlegend=legend and i == 0)
            for i, (a, b) in enumerate(intervals(mask))]


def cut_shapes(cuts: list[int], sizes: Sizes, lang: str = "en") -> list[dict]:
    """Truncated BPTT: a dashed line where the gradient is cut, between 1-based t = c and c + 1 for each 0-based
    cut position c (explorer.training.tbptt.cut_positions)."""
    return [_vline(c + 0.5, tr("gradient cut (truncated BPTT)", lang), CUT_COLOR, "dash", sizes, legend=i == 0)
            for i, c in enumerate(cuts)]


def gradient_curve_chart(series: list[tuple[str, np.ndarray]], step: int | None, cuts: list[int] = (),
                         sizes: Sizes = NORMAL, lang: str = "en", backward: tuple[bool, ...] = ()) -> dict:
    """‖∂L/∂h_t‖ against time step t = 1..T (log y), one line per series (label, (T,) norms): a layer, or a
    direction of a bidirectional layer; the vanished and exploded regions of each shaded; under truncated BPTT
    (`cuts`) the cuts as lines and the steps no gradient reaches (exactly 0) shaded grey. `backward[k]`: series k
    is a backward chain, whose gradient flows from t = 1 towards T (its regions compare each t with the steps
    before it; its legend says which way it flows, as do the forward chains' when there are backward ones)."""
    data, shapes = [], []
    multi = len(series) > 1
    flows = any(backward)
    for k, (label, norms) in enumerate(series):
        g = gaps(norms)
        t = np.arange(1, len(g) + 1)
        up = k < len(backward) and backward[k]
        name = label
        if flows:
            name = tr("{label} (flows 1 → T)", lang, label=label) if up else tr("{label} (flows T → 1)", lang,
                                                                                 label=label)
        data.append(dict(type="scatter", x=array(t), y=array(g, "<f8"), name=name,
                         mode="lines+markers" if len(g) < 60 else "lines",
                         line=dict(color=SERIES[k % len(SERIES)], width=sizes.line, dash="dash" if up else "solid"),
                         marker=dict(size=sizes.marker * 0.6), showlegend=multi,
                         hovertemplate=f"{label}<br>t=%{{x}}<br>‖∂L/∂hₜ‖=%{{y:.3g}}<extra></extra>"))
        vanished, exploded = (m[::-1] for m in gradient_regions(g[::-1])) if up else gradient_regions(g)
        names = ((tr("vanished ({label})", lang, label=label), tr("exploded ({label})", lang, label=label),
                  tr("no gradient: cut ({label})", lang, label=label)) if multi else
                 (tr("vanished", lang), tr("exploded", lang), tr("no gradient: cut", lang)))
        shapes += _region_shapes(vanished, VANISHED_COLOR, names[0])
        shapes += _region_shapes(exploded, EXPLODED_COLOR, names[1])
        if len(cuts):
            shapes += _region_shapes(g == 0, CUT_COLOR, names[2], legend=k == 0)
    shapes += cut_shapes(list(cuts), sizes, lang)
    title = (tr("‖∂L/∂hₜ‖ through time at step {step}", lang, step=step) if step is not None
             else tr("‖∂L/∂hₜ‖ through time (no probe yet)", lang))
    return {"data": data,
            "layout": _base(sizes, title, tr("time step t", lang), "‖∂L/∂hₜ‖", True, shapes=shapes)}


def log10_norms(norms: np.ndarray) -> np.ndarray:
    """log10 of the norms, NaN where a norm is not finite or not positive (a gap in the heatmap)."""
    g = np.asarray(norms, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(g) & (g > 0), np.log10(np.where(g > 0, g, 1.0)), np.nan)


def gradient_heatmap_chart(seq_len: int, label: str = "", cuts: list[int] = (), sizes: Sizes = NORMAL,
                           lang: str = "en") -> dict:
    """Training step (y) × time step t (x), colour = log10 ‖∂L/∂hₜ‖, one row per probe (streamed in); blank cells
    get no gradient at all (under truncated BPTT: the steps beyond the cut, also marked by dashed lines)."""
    data = [dict(type="heatmap", x=array(np.arange(1, seq_len + 1)), y=[], z=[], colorscale=SEQUENTIAL,
                 colorbar=dict(title=dict(text="log₁₀‖∂L/∂hₜ‖", side="right"), thickness=14),
                 hovertemplate=tr("t=%{x}<br>step %{y}<br>log₁₀‖∂L/∂hₜ‖=%{z:.2f}<extra></extra>", lang))]
    if len(cuts):
        title = (tr("Gradient flow over training ({label}), cut every {k} steps", lang, label=label, k=cuts[0])
                 if label else tr("Gradient flow over training, cut every {k} steps", lang, k=cuts[0]))
    else:
        title = (tr("Gradient flow over training ({label})", lang, label=label) if label
                 else tr("Gradient flow over training", lang))
    return {"data": data, "layout": _base(sizes, title, tr("time step t", lang), tr("training step", lang), False,
                                          shapes=cut_shapes(list(cuts), sizes, lang))}


def short_param_name(name: str) -> str:
    """"rnn.weight_hh_l0" -> "weight_hh_l0"; "head.bias" stays."""
    return name.removeprefix("rnn.")


def param_norms_chart(names: list[str], sizes: Sizes = NORMAL, lang: str = "en") -> dict:
    """‖∂L/∂θ‖ of every parameter over steps (log y), before clipping; one trace per name, in order."""
    data = [_line(short_param_name(n), SERIES[i % len(SERIES)], sizes.line * 0.6) for i, n in enumerate(names)]
    return {"data": data, "layout": _base(sizes, tr("Gradient norm per parameter", lang), tr("training step", lang),
                                          "‖∂L/∂θ‖", True)}


def global_norm_chart(clip: str = "none", threshold: float | None = None, sizes: Sizes = NORMAL,
                      lang: str = "en") -> dict:
    """Global gradient norm before and after clipping (log y), the clipped steps marked, θ when clipping by norm.
    Traces: BEFORE, AFTER, CLIPPED."""
    data = [
        _line(tr("before clipping", lang), SERIES[0], sizes.line),
        _line(tr("after clipping", lang), SERIES[2], sizes.line, dash="dot"),
        dict(type="scatter", x=[], y=[], name=tr("clipped", lang), mode="markers",
             marker=dict(color=CLIP_COLOR, size=sizes.marker * 0.7, symbol="x-thin-open", line=dict(width=1.5))),
    ]
    shapes = _hline(threshold, f"θ = {threshold:g}", True, sizes) if clip == "norm" and threshold else []
    return {"data": data, "layout": _base(sizes, tr("Global gradient norm", lang), tr("training step", lang),
                                          "‖∂L/∂θ‖", True, shapes=shapes)}


REVERSE = "_reverse"  # the backward direction's W_hh blocks: "0/f_reverse" (explorer.trace.gradients.Spectrum.key)


def block_gate(key: str) -> str:
    """"0/f_reverse" -> "f": the gate of a W_hh block, whichever direction."""
    return key.split("/")[1].removesuffix(REVERSE)


def block_label(key: str, multi_layer: bool, lang: str = "en", bidirectional: bool = False) -> str:
    """"0/f" -> "f" (one layer) or "f, layer 1"; of a bidirectional model "f →" and "0/f_reverse" -> "f ←"."""
    layer, gate = key.split("/")
    if bidirectional:
        gate = f"{block_gate(key)} {'←' if gate.endswith(REVERSE) else '→'}"
    return tr("{gate}, layer {n}", lang, gate=gate, n=int(layer) + 1) if multi_layer else gate


def spectral_chart(blocks: list[str], inv_gamma: float = 1.0, sizes: Sizes = NORMAL, lang: str = "en") -> dict:
    """σ_max (solid) and spectral radius ρ (dotted) of each W_hh block ("layer/gate") over training, and 1/γ.
    Traces: σ of each block in order, then ρ of each block. A backward chain's blocks ("0/f_reverse") are dashed
    (σ) and dash-dotted (ρ), labelled ←; the forward ones →."""
    multi = len({k.split("/")[0] for k in blocks}) > 1
    bidi = any(k.endswith(REVERSE) for k in blocks)
    data = []
    for key in blocks:
        label = block_label(key, multi, lang, bidi)
        data.append(_line(label, GATE_COLORS.get(block_gate(key), SERIES[0]), sizes.line,
                          dash="dash" if key.endswith(REVERSE) else None, legendgroup=key,
                          hovertemplate=f"σ_max {label}: %{{y:.3f}}<extra></extra>"))
    for key in blocks:
        label = block_label(key, multi, lang, bidi)
        data.append(_line(f"ρ {label}", GATE_COLORS.get(block_gate(key), SERIES[0]), sizes.line * 0.7,
                          dash="dashdot" if key.endswith(REVERSE) else "dot", legendgroup=key, showlegend=False,
                          hovertemplate=f"ρ {label}: %{{y:.3f}}<extra></extra>"))
    return {"data": data, "layout": _base(sizes, tr("σ_max (solid) and spectral radius ρ (dotted) of W_hh", lang),
                                          tr("training step", lang), "σ_max, ρ", False,
                                          shapes=_hline(inv_gamma, f"1/γ = {inv_gamma:g}", False, sizes))}


def eigen_chart(eigenvalues: dict[str, np.ndarray] | None, step: int | None, sizes: Sizes = NORMAL,
                lang: str = "en") -> dict:
    """Eigenvalues of each W_hh block in the complex plane, with the unit circle; a backward chain's as open
    diamonds."""
    angle = np.linspace(0, 2 * np.pi, 121)
    data = [dict(type="scatter", x=array(np.cos(angle)), y=array(np.sin(angle)), name="|λ| = 1", mode="lines",
                 hoverinfo="skip", line=dict(color=BASELINE_COLOR, width=sizes.line * 0.6, dash="dash"))]
    reach = 1.0
    multi = len({k.split("/")[0] for k in eigenvalues or {}}) > 1
    bidi = any(k.endswith(REVERSE) for k in eigenvalues or {})
    for key, ev in (eigenvalues or {}).items():
        ev = np.asarray(ev)
        ev = ev[np.isfinite(ev)]
        if len(ev):
            reach = max(reach, float(np.abs(ev).max()))
        data.append(dict(type="scatter", x=array(ev.real, "<f8"), y=array(ev.imag, "<f8"), mode="markers",
                         name=block_label(key, multi, lang, bidi),
                         marker=dict(color=GATE_COLORS.get(block_gate(key), SERIES[0]), size=sizes.marker * 0.8,
                                     opacity=0.8, symbol="diamond-open" if key.endswith(REVERSE) else "circle")))
    r = 1.1 * reach
    title = (tr("Eigenvalues of W_hh at step {step}", lang, step=step) if step is not None
             else tr("Eigenvalues of W_hh", lang))
    return {"data": data, "layout": _base(
        sizes, title, "Re λ", "Im λ", False,
        xaxis=dict(title=dict(text="Re λ"), range=[-r, r], zeroline=True),
        yaxis=dict(title=dict(text="Im λ"), range=[-r, r], zeroline=True, scaleanchor="x", scaleratio=1))}


MAX_INPUT_LINES = 4  # a sample's inputs are drawn above its saliency when it has at most this many features
SUBSCRIPTS = "₁₂₃₄"


def saliency_chart(matrix: np.ndarray | None, out_steps: np.ndarray | None, seq_len: int, title: str,
                   sizes: Sizes = NORMAL, lang: str = "en", decades: int = SALIENCY_DECADES,
                   inputs: np.ndarray | None = None, log: bool = True) -> dict:
    """The saliency ‖∂ỹₜ/∂xₛ‖ (explorer.trace.saliency) as a heatmap (trace 0): output step t (rows, 1-based
    `out_steps` + 1, top down) × input step s = 1..T (columns). Colour (`log`): log10 of the value over `decades`
    decades below the largest, so that a dependence a thousand times weaker than the strongest still shows, and 0
    (an input after t, which a one-way model cannot read) blank; else the value from 0 to the largest, where the
    inputs an output uses most stand out. The hover reads the value itself (customdata). With more
    than one row a dotted diagonal s = t: the distance to it is how far back an output reaches. `inputs` (T, I):
    the sample's inputs, drawn as lines in a strip above (one per feature, if I ≤ MAX_INPUT_LINES), so that the
    inputs that light up can be read off. `matrix` None: no probe yet."""
    rows = np.zeros(0) if out_steps is None else np.asarray(out_steps, np.float64) + 1
    values = np.zeros((0, seq_len)) if matrix is None else np.asarray(matrix, np.float64)
    strip = inputs is not None and np.ndim(inputs) == 2 and 0 < np.shape(inputs)[1] <= MAX_INPUT_LINES
    heat_domain = [0, 0.72] if strip else [0, 1]
    colorbar = dict(thickness=14, title=dict(text="‖∂ỹₜ/∂xₛ‖", side="right"), len=heat_domain[1], y=0,
                    yanchor="bottom")
    if log:
        z, top = log_colour(values)
        scale, ticks = log_scale(top, decades)
        colorbar |= ticks
    else:
        z = gaps(values)
        finite = z[np.isfinite(z)]
        scale = dict(zmin=0.0, zmax=float(finite.max()) if finite.size and finite.max() > 0 else 1.0)
        colorbar |= dict(tickformat=".2g")
    data = [dict(type="heatmap", x=array(np.arange(1, seq_len + 1)), y=array(rows), z=array(z),
                 customdata=array(values), colorscale=SEQUENTIAL, **scale, colorbar=colorbar,
                 hovertemplate=tr("output step t = %{y}, input step s = %{x}<br>‖∂ỹₜ/∂xₛ‖ = %{customdata:.3g}"
                                  "<extra></extra>", lang))]
    shapes = []
    if len(rows) > 1:
        lo, hi = rows[0] - 0.5, rows[-1] + 0.5
        shapes.append(dict(type="line", xref="x", yref="y", x0=lo, y0=lo, x1=hi, y1=hi, name="s = t",
                           line=dict(color=BASELINE_COLOR, width=sizes.line * 0.5, dash="dot")))
    lay = _base(sizes, title, tr("input step s", lang), tr("output step t", lang), False, shapes=shapes)
    lay["xaxis"] = {**lay["xaxis"], "range": [0.5, seq_len + 0.5]}
    lay["yaxis"] = {**lay["yaxis"], "autorange": "reversed", "domain": heat_domain}
    if len(rows) == 1:  # one output step (e.g. the adding problem's answer): one tick, at it
        lay["yaxis"]["tickvals"] = rows.tolist()
    if strip:
        x = np.asarray(inputs, np.float64)
        for k in range(x.shape[1]):
            name = f"x{SUBSCRIPTS[k]}" if x.shape[1] > 1 else "x"
            data.append(dict(type="scatter", x=array(np.arange(1, seq_len + 1)), y=array(gaps(x[:, k]), "<f8"),
                             xaxis="x", yaxis="y2", mode="lines+markers" if seq_len <= 60 else "lines", name=name,
                             line=dict(color=SERIES[k % len(SERIES)], width=sizes.line * 0.6),
                             marker=dict(size=sizes.marker * 0.4), showlegend=False,
                             hovertemplate=f"s = %{{x}}<br>{name} = %{{y:.3g}}<extra></extra>"))
        lay["yaxis2"] = dict(domain=[0.78, 1], anchor="x", title=dict(text=tr("input", lang)), nticks=3,
                             zeroline=False)
    return {"data": data, "layout": lay}
