"""Colours, scales and sizes shared by every figure, in one place.

The palette is Okabe & Ito's (2008), distinguishable with every common colour-vision deficiency;
`PRESENTER` enlarges everything for a projector.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}
CELL_COLORS = {"rnn": OKABE_ITO["vermillion"], "lstm": OKABE_ITO["blue"], "gru": OKABE_ITO["green"],
               "peephole": OKABE_ITO["purple"]}
GATE_COLORS = {  # one colour per gate, the same on every page
    "i": OKABE_ITO["sky"], "f": OKABE_ITO["orange"], "g": OKABE_ITO["purple"], "o": OKABE_ITO["green"],
    "r": OKABE_ITO["orange"], "z": OKABE_ITO["sky"], "n": OKABE_ITO["purple"],
    "h": OKABE_ITO["blue"], "c": OKABE_ITO["vermillion"], "x": OKABE_ITO["black"],
}
SERIES = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]
BASELINE_COLOR = "#555555"
# Streamlit's body font, so charts read like the page around them; then CJK fonts for Chinese labels (Noto CJK
# on Linux, PingFang on macOS, Microsoft YaHei on Windows).
FONT_FAMILY = ('"Source Sans", "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", '
               '"Source Han Sans SC", sans-serif')
TEXT_COLOR = "#31333F"                     # Streamlit's text colour
DIVERGING = "RdBu_r"    # activations in [-1, 1]: blue negative, red positive, white 0
SEQUENTIAL = "Viridis"  # magnitudes, e.g. log10 ‖∂L/∂h_t‖; perceptually uniform, colour-blind safe
GATE_SCALE = "Cividis"  # gates in [0, 1]
ATTENTION_SCALE = "Blues"  # attention weights in [0, 1]: white 0 (as an empty cell), dark blue 1
SALIENCY_DECADES = 4    # a log colour scale (saliency) spans this many decades below the largest value


def log_colour(values: np.ndarray) -> tuple[np.ndarray, float]:
    """(log10 of the values, NaN where a value is 0 or not finite: a blank cell; the top of the colour scale,
    log10 of the largest finite positive value, 0 if there is none)."""
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v) & (v > 0)
    top = float(np.log10(v[ok].max())) if ok.any() else 0.0
    return np.where(ok, np.log10(np.where(ok, v, 1.0)), np.nan), top


def log_scale(top: float, decades: int = SALIENCY_DECADES) -> tuple[dict, dict]:
    """A log10 colour scale from `decades` below `top` up to `top`: (zmin/zmax, the colour bar's ticks 1e-k, each
    power of ten within the scale)."""
    ticks = np.arange(np.ceil(top - decades), np.floor(top) + 1)
    return dict(zmin=top - decades, zmax=top), dict(tickvals=ticks.tolist(), ticktext=[f"1e{int(k)}" for k in ticks])


@dataclass(frozen=True)
class Sizes:
    font: int = 13
    title: int = 15
    line: float = 2.0
    marker: int = 7
    chart_height: int = 320


NORMAL = Sizes()
PRESENTER = Sizes(font=20, title=24, line=3.5, marker=11, chart_height=460)


def _light_template() -> dict:
    """plotly_white's look as a layout-only template, without the parts these charts never use (3-D scenes, maps, polar axes,
    per-trace defaults): building a figure with it takes ~3 ms instead of ~30 ms, which matters on
    pages that redraw on every slider move or training tick."""
    full = pio.templates["plotly_white"].layout.to_plotly_json()
    keep = ("autotypenumbers", "colorway", "font", "hovermode", "hoverlabel", "paper_bgcolor", "plot_bgcolor",
            "xaxis", "yaxis", "title")
    return {"layout": {k: full[k] for k in keep if k in full}}


LIGHT_TEMPLATE = _light_template()


def layout(sizes: Sizes = NORMAL, **overrides) -> dict:
    """Common Plotly layout settings (plotly_white's look); `overrides` win, merged into nested dicts.

    The pages draw without Streamlit's chart theme (pages.common.plotly_chart), so the font is Streamlit's
    own, set here."""
    font = dict(family=FONT_FAMILY, size=sizes.font, color=TEXT_COLOR)
    base = dict(
        template=LIGHT_TEMPLATE,
        font=font,
        title=dict(font=dict(size=sizes.title)),
        height=sizes.chart_height,
        margin=dict(l=60, r=20, t=50, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=font),
        xaxis=dict(tickfont=font, title=dict(font=font)),
        yaxis=dict(tickfont=font, title=dict(font=font)),
    )
    return _merge(base, overrides)


def legend_below(lay: dict) -> dict:
    """`lay` with its legend under the x axis, clear of the title (a narrow chart wraps a legend on top into
    rows that squeeze the plot). At the bottom of the whole figure (yref "container"): placed at a share of the plot's
    height instead, a legend of several rows shrank the plot and rose into the x axis's title."""
    return dict(lay, legend=dict(lay["legend"], yref="container", y=0, yanchor="bottom"),
                margin=dict(lay["margin"], t=40, b=40))


def _merge(base: dict, overrides: dict) -> dict:
    """`base` updated by `overrides`, recursing into dicts both have."""
    out = dict(base)
    for key, value in overrides.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def figure(data: list[dict], lay: dict) -> go.Figure:
    """A figure from plain dicts, without Plotly's validation: construction is ~5× faster, which matters on
    pages that redraw several times a second. The tests validate every builder's output instead."""
    return go.Figure(dict(data=data, layout=lay), _validate=False)
