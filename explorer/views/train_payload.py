"""The Train page's live charts as bridge payloads (schema: explorer/views/payload.py): each payload carries only
what is new since the previous one, and the browser appends it in place (pages/bridge.py).

A `Feed` remembers, per stream of each chart, how far the page has sent it. Each payload repeats the points of the
previous REPEAT payloads (the browser keeps only those it lacks), so a payload the browser never drew (a busy
browser draws only the newest) costs nothing; a chart that lost more (it was mounted afresh) says how many points it
has and the Feed starts there (`Feed.have`). A history thinned to stay bounded (explorer/training/history.py) gets a
new stream id, so the browser draws its kept points afresh; so do a new lab and a new choice of what is drawn.
Charts of the latest measurement (‖∂L/∂h_t‖ through time, the eigenvalues) are rebuilt only when it changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..i18n import tr
from ..training.history import History
from ..training.tbptt import cut_positions
from . import payload as wire
from . import plots_train as pt
from .style import Sizes

REPEAT = 8  # payloads whose points each payload repeats (the Train page feeds the loss chart about 5 times a second)


@dataclass
class Cursor:
    id: str = ""                  # the stream's id when these counts were sent
    total: int = 0                # points sent so far
    marks: tuple[int, ...] = ()   # `total` before each of the last REPEAT payloads, oldest first


@dataclass
class Feed:
    """What a page has sent to the streams of its live charts (kept in the page's session state). Pure bookkeeping:
    streams are named "chart/k"."""

    cursors: dict[str, Cursor] = field(default_factory=dict)
    owner: object = None          # the history the cursors refer to
    generation: int = 0           # bumped for every new history: part of every stream id
    cache: dict[str, tuple[object, dict]] = field(default_factory=dict)  # chart -> (what it shows, payload)
    version: int = 0              # bumped whenever a payload carries something new (new points, a rebuilt chart)

    def bind(self, owner: object) -> int:
        """The generation of `owner`'s streams (a new owner, e.g. a new lab's history, starts every chart afresh)."""
        if owner is not self.owner:
            self.owner, self.generation, self.version = owner, self.generation + 1, self.version + 1
            self.cursors.clear()
            self.cache.clear()
        return self.generation

    def start(self, stream: str, stream_id: str) -> int:
        """The first point to send to `stream`: the first of the last REPEAT payloads' points (0 for a new id)."""
        c = self.cursors.get(stream)
        if c is None or c.id != stream_id:
            return 0
        return c.marks[0] if c.marks else c.total

    def sent(self, stream: str, stream_id: str, n: int) -> None:
        """`stream` has been sent its points up to n (the browser has them if it draws the payload just built). A
        payload with nothing new leaves the cursor as it was (and `version` too: such a payload need not be sent)."""
        c = self.cursors.get(stream)
        if c is None or c.id != stream_id:
            c = self.cursors[stream] = Cursor(stream_id)
        elif n == c.total:
            return
        c.marks, c.total = (*c.marks, c.total)[-REPEAT:], n
        self.version += 1

    def have(self, streams: list[str], counts: list[int] | int) -> None:
        """The browser's report: stream k has counts[k] points (a chart mounted afresh has none)."""
        for stream, n in zip(streams, [counts] if isinstance(counts, int) else counts):
            if stream in self.cursors:
                self.cursors[stream].marks, self.cursors[stream].total = (), n

    def cached(self, chart: str, shows: object, build: Callable[[], dict]) -> dict:
        """The payload of a chart of the latest measurement: rebuilt only when what it `shows` changes."""
        held = self.cache.get(chart)
        if held is None or held[0] != shows:
            held = self.cache[chart] = (shows, build())
            self.version += 1
        return held[1]


def streams_of(chart: str, n: int) -> list[str]:
    """The stream names of a chart with n streams (what `Feed.have` is told)."""
    return [f"{chart}/{k}" for k in range(n)]


def _stream(feed: Feed, name: str, sid: str, series: Callable[[int], tuple[np.ndarray, list[np.ndarray]]],
            traces: list[int]) -> dict:
    start = feed.start(name, sid)
    x, ys = series(start)
    feed.sent(name, sid, start + len(x))
    return wire.stream(sid, start, x, ys, traces)


def _col(table: dict[str, np.ndarray], key: str, n: int) -> np.ndarray:
    """A column of a History series as finite-or-NaN float64 (NaN where the kept rows lack it)."""
    return pt.gaps(table[key]) if key in table else np.full(n, np.nan)


def loss_payload(feed: Feed, hist: History, baseline: float, baseline_label: str, metric: str | None,
                 log_y: bool, sizes: Sizes, lang: str = "en") -> dict:
    """The loss chart: stream 0 every kept step (loss, learning rate, the metric on the batch), stream 1 every kept
    evaluation (validation loss, the fixed training subset's loss, the metric on the validation set); early stops
    as marks (plots_train.loss_chart)."""
    gen = feed.bind(hist)
    stops = tuple(pt.StopMark(s.step, s.best_step) for s in hist.early_stops)
    fig = pt.loss_chart(baseline, baseline_label, metric, log_y, True, stops, sizes, lang)
    mkey = f"metric/{metric}"

    def steps(start: int):
        sc = hist.scalars(start)
        n = len(sc["step"])
        return sc["step"], [pt.gaps(sc["loss"]), pt.gaps(sc["lr"])] + ([_col(sc, mkey, n)] if metric else [])

    def evals(start: int):
        ev = hist.eval_series(start)
        n = len(ev["step"])
        return ev["step"], ([pt.gaps(ev["val_loss"]), pt.gaps(ev["train_loss"])]
                            + ([_col(ev, f"val_metric/{metric}", n)] if metric else []))

    return {"kind": "chart", "figure": fig, "png": "loss", "streams": [
        _stream(feed, "loss/0", f"{gen}.{hist.steps.stride}.{metric}", steps,
                [pt.LOSS, pt.LR] + ([pt.METRIC] if metric else [])),
        _stream(feed, "loss/1", f"{gen}.{hist.evals.stride}.{metric}", evals,
                [pt.VAL_LOSS, pt.TRAIN_EVAL_LOSS] + ([pt.VAL_METRIC] if metric else [])),
    ]}


def global_norm_payload(feed: Feed, hist: History, clip: str, threshold: float, sizes: Sizes,
                        lang: str = "en") -> dict:
    """The global gradient norm before and after clipping, a marker on every clipped step (NaN elsewhere)."""
    gen = feed.bind(hist)

    def steps(start: int):
        sc = hist.scalars(start)
        before = pt.gaps(sc["grad_norm"])
        return sc["step"], [before, pt.gaps(sc["grad_norm_clipped"]), np.where(sc["clipped"], before, np.nan)]

    return {"kind": "chart", "figure": pt.global_norm_chart(clip, threshold, sizes, lang), "png": "gradient-norm",
            "streams": [_stream(feed, "norm/0", f"{gen}.{hist.steps.stride}", steps,
                                [pt.BEFORE, pt.AFTER, pt.CLIPPED])]}


def param_norms_payload(feed: Feed, hist: History, names: list[str], sizes: Sizes, lang: str = "en") -> dict:
    """‖∂L/∂θ‖ of each parameter (names: the model's, in order) at every kept step."""
    gen = feed.bind(hist)

    def steps(start: int):
        sc = hist.scalars(start)
        n = len(sc["step"])
        return sc["step"], [_col(sc, f"param/{name}", n) for name in names]

    return {"kind": "chart", "figure": pt.param_norms_chart(names, sizes, lang), "png": "parameter-gradients",
            "streams": [_stream(feed, "param/0", f"{gen}.{hist.steps.stride}", steps, list(range(len(names))))]}


def probe_series(norms: np.ndarray, lang: str = "en") -> list[tuple[str, np.ndarray]]:
    """(label, (T,) norms) per row of a probe's ‖∂L/∂h_t‖ (L, T): "layer 1", "layer 2", ..."""
    return [(tr("layer {n}", lang, n=k + 1), row) for k, row in enumerate(norms)]


def direction_label(layer: int, direction: int, layers: int, lang: str = "en") -> str:
    """"forward →" / "backward ←", or "layer 2 forward →" in a model of several layers."""
    if layers == 1:
        return tr("forward →", lang) if direction == 0 else tr("backward ←", lang)
    return (tr("layer {n} forward →", lang, n=layer + 1) if direction == 0
            else tr("layer {n} backward ←", lang, n=layer + 1))


def direction_series(by_direction: np.ndarray, lang: str = "en") -> list[tuple[str, np.ndarray]]:
    """(label, (T,) norms) per layer and direction of a bidirectional model's ‖∂L/∂h_t‖ (L, 2, T): layer 1
    forward, layer 1 backward, layer 2 forward, ..."""
    layers = len(by_direction)
    return [(direction_label(l, d, layers, lang), by_direction[l, d]) for l in range(layers) for d in range(2)]


def curve_payload(feed: Feed, hist: History, seq_len: int, tbptt: int, sizes: Sizes, lang: str = "en") -> dict:
    """‖∂L/∂h_t‖ through time at the latest probe, replaced in place when a new probe arrives; of a bidirectional
    model one curve per layer and direction (the backward chain's gradient flows from t = 1 towards T)."""
    feed.bind(hist)
    probe = hist.latest_probe
    cuts = cut_positions(seq_len, tbptt)

    def build() -> dict:
        by_dir = probe.hidden_grad_norms_by_direction if probe else None
        if by_dir is not None:
            series = direction_series(by_dir, lang)
            backward = tuple(d == 1 for _ in range(len(by_dir)) for d in range(2))
        else:
            series, backward = (probe_series(probe.hidden_grad_norms, lang) if probe else []), ()
        return {"kind": "chart", "png": "gradient-through-time", "defer": True,
                "figure": pt.gradient_curve_chart(series, probe.step if probe else None, cuts, sizes, lang,
                                                  backward)}

    return feed.cached("curve", (id(probe), probe.step if probe else None, tuple(cuts), sizes, lang), build)


def heatmap_payload(feed: Feed, hist: History, layer: int, seq_len: int, tbptt: int, sizes: Sizes,
                    label: str = "", lang: str = "en", direction: int | None = None) -> dict:
    """The gradient-flow heatmap of one layer (of a bidirectional model: of one `direction`, 0 forward,
    1 backward; None: both together): a row of log10 ‖∂L/∂h_t‖ per kept probe, streamed in."""
    gen = feed.bind(hist)
    sid = f"{gen}.{hist.probes.stride}.{layer}.{direction}"
    start = feed.start("heat/0", sid)
    steps, norms = (hist.probe_matrix(layer, start) if direction is None
                    else hist.probe_matrix_by_direction(layer, direction, start))
    z = pt.log10_norms(norms) if len(steps) else np.zeros((0, seq_len))
    feed.sent("heat/0", sid, start + len(steps))
    return {"kind": "chart", "png": "gradient-flow",
            "figure": pt.gradient_heatmap_chart(seq_len, label, cut_positions(seq_len, tbptt), sizes, lang),
            "streams": [wire.rows(sid, start, steps, z, 0)]}


def spectral_payload(feed: Feed, hist: History, blocks: list[str], sizes: Sizes, lang: str = "en") -> dict:
    """σ_max and ρ of each W_hh block ("layer/gate", in order) at every kept spectrum, against 1/γ = 1."""
    gen = feed.bind(hist)

    def rows(start: int):
        steps, sigma = hist.sigma_series(start)
        _, radius = hist.radius_series(start)
        n = len(steps)
        return steps, [_col(sigma, b, n) for b in blocks] + [_col(radius, b, n) for b in blocks]

    return {"kind": "chart", "figure": pt.spectral_chart(blocks, 1.0, sizes, lang), "png": "spectrum",
            "streams": [_stream(feed, "sigma/0", f"{gen}.{hist.spectra.stride}", rows,
                                list(range(2 * len(blocks))))]}


def eigen_payload(feed: Feed, hist: History, sizes: Sizes, lang: str = "en") -> dict:
    """The eigenvalues of W_hh at the latest spectrum, replaced in place when a new one arrives."""
    feed.bind(hist)
    spectrum = hist.latest_spectrum

    def build() -> dict:
        return {"kind": "chart", "png": "eigenvalues", "defer": True,
                "figure": pt.eigen_chart(spectrum.eigenvalues if spectrum else None,
                                         spectrum.step if spectrum else None, sizes, lang)}

    return feed.cached("eigen", (id(spectrum), spectrum.step if spectrum else None, sizes, lang), build)


def saliency_payload(feed: Feed, hist: History, mean: bool, seq_len: int, samples: int, sizes: Sizes,
                     lang: str = "en", inputs: np.ndarray | None = None, log: bool = True) -> dict:
    """The saliency ‖∂ỹ_t/∂x_s‖ of the latest saliency probe, of probe sample 1 (`mean` False; `inputs` (T, I):
    its inputs, drawn above it) or averaged over the `samples` of the probe batch, coloured by log10 (`log`) or by
    value; replaced in place when a new one arrives."""
    feed.bind(hist)
    probe = hist.latest_saliency

    def build() -> dict:
        if probe is None:
            matrix = steps = None
            title = tr("Saliency ‖∂ỹₜ/∂xₛ‖ (no probe yet)", lang)
        else:
            matrix, steps = (probe.saliency if mean else probe.saliency_sample), probe.saliency_steps
            title = (tr("Mean saliency of {n} probe samples at step {step}", lang, n=samples, step=probe.step) if mean
                     else tr("Saliency of probe sample 1 at step {step}", lang, step=probe.step))
        return {"kind": "chart", "png": "saliency-mean" if mean else "saliency-sample", "defer": True,
                "figure": pt.saliency_chart(matrix, steps, seq_len, title, sizes, lang, inputs=inputs, log=log)}

    return feed.cached("saliency-mean" if mean else "saliency-sample",
                       (id(probe), probe.step if probe else None, samples, sizes, lang, log), build)
