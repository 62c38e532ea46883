"""The wire format of the client-side views: what Python sends to the browser (pages/bridge.py mounts them,
pages/bridge_js/bridge.js draws them). Pure functions: numpy and Plotly figures in, JSON-ready dicts out.

Python is the only place numbers are computed; the browser slices the arrays at the step a clock shows, formats
nothing it could get wrong (every number shown as text arrives as a string formatted here) and draws.

Payload schema. A payload is one JSON object (numbers finite; NaN and ±inf only inside typed arrays) with a
"kind"; pages/bridge.py adds "ui" (the few words the views write themselves: {"png", "value"}).

- array: ``{"dtype": "f4", "bdata": <base64 of little-endian float32, C order>, "shape": "T, H"}``: plotly.js's
  own typed-array spec, so that figures and the views' arrays decode alike.
- clock: the views with the same ``"group"`` show one position ``i`` in ``0 .. n−1``, which the group's player
  owns. ``"at": {name: [offset, scale]}`` makes the template field ``{name}`` read ``offset + scale·i`` (e.g.
  ``{"t": [1, 1]}``: the 1-based step). Text that changes with i comes as ``"fields": {name: [n strings]}``.
- ``player``: ``{group, n, start, at, labels: {label, value, prev, next, play, pause, speed, help, prev_help,
  next_help, speed_help}, play: bool, speeds: [steps/s], speed}``: a slider (keyboard ← → Home End), ◀ ▶ and,
  if ``play``, Play/Pause (Space) at a chosen speed. ``start`` counts only when the page has no clock of that
  group yet; the browser reports the position as component state ``{"i": int}`` once it settles or pauses.
- ``chart``: ``{figure: {data, layout}, group?, png, overlays: [...], reveal: [...]}``: a Plotly figure drawn
  once (hover, zoom, PNG download); per position only overlays move: ``{"type": "vline", "x": [offset, scale],
  "line": {color, width, dash}}``, ``{"type": "point", "x": [offset, scale] | array (n,), "y": array (n,),
  "marker": {color, size, line?}}``; ``reveal``: ``{"trace": j, "y": array (m,), "from": [offset, scale]}`` shows
  trace j's points from index ``offset + scale·i`` on. The PNG includes the overlays.
  A live chart adds ``stream`` (see `stream`), or ``streams``, a list of them (each with its own x, e.g. every
  step and every evaluation; `rows` appends heatmap rows): its figure is drawn once, then each payload appends
  only the points the browser lacks (Plotly.extendTraces, at most once per animation frame), keeping the chart's
  DOM and zoom. A payload whose figure has the same data but another layout (a new marker line, a new title) is
  applied to the points on screen (Plotly.react; the figure's ``layout.uirevision`` keeps the user's zoom); new
  data or new stream ids redraw the figure. A live chart off screen draws its new points when it scrolls into view.
  Between two plotly.js redraws (at most every second) the new points of line streams are sketched over the chart,
  and its axes keep headroom for them; ``"streaming": false`` (the run stopped) draws every point and fits the axes.
  ``"pace": true`` (a payload of a chart fed a few times a second while its run trains): its new points are drawn
  one after the other over about the time the last few feeds took to come (at most 0.4 s; the first at once), not
  all at once; what is left of them is drawn when the chart's next payload comes. Not for a chart drawn afresh.
  ``"defer": true`` marks a chart without streams that is replaced at each new measurement (the ‖∂L/∂h_t‖ curve):
  off screen it waits too, its y axis keeps headroom, and a figure that differs only in its traces' y, its title
  and its shaded regions is drawn by bridge.js itself until plotly.js redraws (at most every second).
- ``bars``: ``{group, at, title, xlabel, units: [U], sizes, line_color, rows: [{label, values: array (n, U),
  range: [lo, hi], colorscale}]}``: one row of bars per quantity, at position i (SVG, hover, PNG).
- ``topk``: ``{group, at, title, names: [n × [k str]], probs: array (n, k), texts: [n × [k str]], target: [n ints,
  −1: none], xlabel, colors: {bar, target}, sizes}``: the k most probable classes at position i.
- ``text``: ``{group, at, html, fields, outline: bool}``: trusted HTML built and escaped here, its ``{name}``
  fields filled at position i; with ``outline`` the html is static and its i-th ``span`` is outlined.
- cross clock (``text``, ``alignment``): ``"cross": {group, n, at, fields}`` makes the view follow a second group's position k
  too (0 .. n−1): its ``at`` fields read ``offset + scale·k`` and its ``fields`` are lists of n_i·n strings,
  the pair (i, k) at index ``i·n + k`` (e.g. one equation per output step j and source position s).
- ``alignment``: ``{group, cross, at, title, x: [S labels], y: [J labels], xlabel, ylabel, weights: array (J, S),
  texts: [J × [S str]], later, hover: [templates of {j} {s} {x} {y} {value}], range, colorscale, blank, outline,
  line_color, sizes}``: a matrix written row by row (SVG): rows 0..i coloured, later rows ``blank``, row i and
  the cell (i, k) of the cross clock's position k outlined; a click on a cell moves both clocks to it.
"""
from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio

from .style import Sizes

MAX_FLOATS = 600_000  # per view: 2.4 MB of float32 (3.2 MB as base64); larger models are shown by a unit subset


def array(values: np.ndarray, dtype: str = "<f4") -> dict:
    """values as a float32 typed array (plotly.js's spec); non-finite values survive (NaN, ±inf). A figure's own
    data may be "<f8" (plotly.js decodes both; the views' own arrays are float32)."""
    a = np.ascontiguousarray(values, dtype=dtype)
    return {"dtype": a.dtype.str.lstrip("<|"), "bdata": base64.b64encode(a.tobytes()).decode("ascii"),
            "shape": ", ".join(str(n) for n in a.shape)}


def decode(spec: dict) -> np.ndarray:
    """The inverse of `array` (and of plotly's typed arrays of any dtype): for tests and tools."""
    a = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"]).newbyteorder("<"))
    shape = spec.get("shape")
    return a.reshape([int(n) for n in str(shape).split(",")]) if shape else a


def figure(fig: go.Figure) -> dict:
    """A Plotly figure as plain JSON (numpy arrays as typed arrays, NaN as null), ready for Plotly.newPlot."""
    return json.loads(pio.to_json(fig, validate=False))


def colorscale(name: str) -> list[list]:
    """Plotly's named colour scale as [[position, "rgb(...)"], ...], for views that colour values themselves."""
    return [[float(p), c] for p, c in plotly.colors.get_colorscale(name)]


def sizes(s: Sizes) -> dict:
    """The chart sizes of the current mode (normal or presenter) for the views drawn without Plotly."""
    return {"font": s.font, "title": s.title, "line": s.line, "marker": s.marker, "chart_height": s.chart_height}


def unit_subset(n_units: int, floats_per_unit: int, keep: int = 0, budget: int = MAX_FLOATS) -> np.ndarray:
    """The units to send when each costs `floats_per_unit` floats: all of them if they fit in `budget`, else
    every k-th (the smallest k that fits), always including unit `keep` (the one the page writes out)."""
    k = max(1, math.ceil(n_units * floats_per_unit / budget))
    units = np.arange(0, n_units, k)
    return units if keep in units else np.sort(np.append(units, keep))


def fields_at(fields: dict[str, list], i: int) -> dict[str, str]:
    """The value of each per-position text field at position i: what the browser substitutes (for tests)."""
    return {name: values[i] for name, values in fields.items()}


def fill(template: str, values: dict[str, object]) -> str:
    """`template` with each {name} replaced by values[name] in one pass, as the browser does (a field not given
    stays as it is)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def stream(stream_id: str, start: int, x: np.ndarray, ys: list[np.ndarray], traces: list[int],
           max_points: int = 0) -> dict:
    """The `stream` of a live chart: points start, start + 1, ... of a growing series, x (m,) shared by the
    `traces` (indices into the figure's data), ys one (m,) array per trace. The browser appends those it lacks;
    if it lacks earlier ones (it was remounted, an update was lost) it sends the event "have" = n instead,
    and the next payload should start at n. A new `stream_id` (a new run) redraws the figure. `max_points` > 0 keeps
    only the newest that many points per trace."""
    if len(ys) != len(traces) or any(len(y) != len(x) for y in ys):
        raise ValueError("need one y per trace, each as long as x")
    return {"id": stream_id, "start": int(start), "x": array(x), "y": [array(y) for y in ys], "traces": list(traces),
            "max": int(max_points)}


def rows(stream_id: str, start: int, y: np.ndarray, z: np.ndarray, trace: int) -> dict:
    """The `stream` of a growing heatmap (trace `trace` of the figure): rows start, start + 1, ... at the y values
    `y` (m,), their cells z (m, columns). The browser appends the rows it lacks, as for `stream`."""
    z = np.asarray(z)
    if z.ndim != 2 or len(y) != len(z):
        raise ValueError("need one row of z per y")
    return {"id": stream_id, "start": int(start), "x": array(y), "z": array(z), "traces": [trace], "max": 0}
