"""The Step-through page's client-side views: one sample's trace (a `StepData`) as payloads for the browser
(schema: explorer/views/payload.py). Sent once per sample, layer, unit, model and weights; everything that only
moves the step t happens in the browser.

Two clocks: GROUP (t = 1..T, the forward pass) and BACK (steps travelled backwards from t = T, 0..T−1).
Text that changes with t is formatted here, one string per step.
"""
from __future__ import annotations

import html

import numpy as np

from ..data.tasks import Task
from ..i18n import tr
from . import payload as wire
from . import plots_step as ps
from . import stepview as sv
from .equations import direction_header, filled_equations
from .style import BASELINE_COLOR, OKABE_ITO, SERIES, Sizes

GROUP = "step"         # the forward clock: position i = t − 1
BACK = "step_back"     # the backward clock: position i = steps travelled back from t = T
STEP = {"t": [1, 1]}   # template field {t}: the 1-based step at clock position i
TOP_K = 5              # classes listed at each step (classification)
OUTLINE_COLOR = OKABE_ITO["black"]


def kind_of(name: str, cell: str, nonlinearity: str) -> str:
    """How a quantity is coloured: sigmoid gates, tanh-bounded values, or unbounded (c, relu h)."""
    if name == "h":
        return "free" if cell == "rnn" and nonlinearity == "relu" else "tanh"
    return "free" if name == "c" else "tanh" if name in ("g", "n") else "gate"


def series(data: sv.StepData, name: str, layer: int) -> np.ndarray:
    """(T, H): quantity `name` ("h", "c" or a gate) of `layer` at every step of the sample."""
    tr = data.trace
    values = tr.hidden if name == "h" else tr.cell if name == "c" else tr.gates[name]
    return values[layer, 0]


def state_rows(data: sv.StepData, layer: int, nonlinearity: str, lang: str = "en") -> list[tuple[str, str, np.ndarray]]:
    """(label, kind, values (T, H)) per bar row: h of every layer, then c and the gates of `layer`."""
    trace = data.trace
    n_layers = trace.hidden.shape[0]

    def label(name: str, l: int) -> str:
        return tr("{name} (layer {n})", lang, name=name, n=l) if n_layers > 1 else name

    rows = [(label("h", l), kind_of("h", trace.cell_type, nonlinearity), series(data, "h", l)) for l in range(n_layers)]
    for name in (["c"] if trace.cell is not None else []) + list(trace.gates):
        rows.append((label(name, layer), kind_of(name, trace.cell_type, nonlinearity), series(data, name, layer)))
    return rows


def _range(kind: str, values: np.ndarray) -> list[float]:
    """A row's fixed value range: the kind's, or symmetric around 0 over every step (bars keep their scale)."""
    return list(ps.value_range(kind) or ps.symmetric_range(values))


def state_bars(data: sv.StepData, layer: int, unit: int, nonlinearity: str, sizes: Sizes, direction: int = 0,
               lang: str = "en") -> dict:
    """The state of every unit at step t, one bar row per quantity (a unit subset for huge models). A bidirectional
    model's rows hold the forward chain's H units, then the backward chain's; `unit` of `direction` is kept."""
    rows = state_rows(data, layer, nonlinearity, lang)
    keep = direction * data.trace.hidden_size + unit
    units = wire.unit_subset(data.trace.hidden.shape[-1], data.seq_len * len(rows), keep=keep)
    return {
        "kind": "bars", "group": GROUP, "at": STEP, "title": tr("State at t = {t}", lang), "xlabel": tr("unit", lang),
        "units": units.tolist(), "sizes": wire.sizes(sizes), "line_color": BASELINE_COLOR,
        "rows": [{"label": label, "values": wire.array(values[:, units]), "range": _range(kind, values),
                  "colorscale": wire.colorscale(ps.scale_of(kind))} for label, kind, values in rows],
    }


def input_texts(data: sv.StepData, task: Task, syms: list[str] | None, lang: str = "en") -> list[str]:
    """What x_t is, at every step, as HTML."""
    x = data.trace.inputs[0]  # (T, I)
    ids = data.trace.token_ids
    if syms is not None and ids is not None:  # the model looks each symbol up in its embedding
        return [tr("x<sub>t</sub> = embedding of <b>{symbol}</b> (id {id}, {n} numbers)", lang,
                   symbol=html.escape(sv.show_char(c)), id=i, n=x.shape[1]) for c, i in zip(syms, ids[0])]
    if syms is not None:
        return [tr("x<sub>t</sub> = one-hot of <b>{symbol}</b>", lang, symbol=html.escape(sv.show_char(c)))
                for c in syms]
    if task.name == "adding":
        return [tr("x<sub>t</sub> = (value <b>{value:.4f}</b>, marker <b>{marker:.0f}</b>)", lang, value=v[0],
                   marker=v[1]) for v in x]
    return ["x<sub>t</sub> = " + ", ".join(f"<b>{v:.4f}</b>" for v in row) for row in x]


def step_text(data: sv.StepData, task: Task, syms: list[str] | None, lang: str = "en") -> dict:
    """The step's heading, its input and (regression) the prediction against the target."""
    parts = ('<div class="rnnx-h" role="heading" aria-level="4">'
             + tr("Step t = {t} of {T}", lang, t="{t}", T=data.seq_len) + "</div><p>{x}</p>")
    fields = {"x": input_texts(data, task, syms, lang)}
    if task.kind == "regression":
        out = data.trace.outputs[0, :, 0]
        fields["pred"] = [f"{v:.4f}" for v in out]
        fields["target"] = [f"<b>{data.target[t, 0]:.4f}</b>" if data.mask[t] else tr("— (no loss at this step)", lang)
                            for t in range(data.seq_len)]
        parts += "<p>" + tr("prediction <b>{pred}</b> · target {target}", lang) + "</p>"
    return {"kind": "text", "group": GROUP, "at": STEP, "html": parts, "fields": fields}


def prediction_chart(data: sv.StepData, sizes: Sizes, lang: str = "en") -> dict:
    """Regression: output and target over time; the browser moves the cursor and the dot of step t."""
    out = data.trace.outputs[0, :, 0]
    fig = ps.prediction_over_time(out, data.target[:, 0], data.mask, sizes, lang)
    return {
        "kind": "chart", "group": GROUP, "figure": wire.figure(fig), "png": "prediction",
        "overlays": [{"type": "vline", "x": [1, 1], "line": ps.CURSOR},
                     {"type": "point", "x": [1, 1], "y": wire.array(out),
                      "marker": {"color": ps.HIGHLIGHT, "size": sizes.marker + 5}}],
    }


def class_names(task: Task, lang: str = "en") -> list[str]:
    """sv.class_names in `lang`: a task's named classes (sentiment's negative, positive) translated; symbols as
    they are."""
    names = sv.class_names(task)
    return [tr(n, lang) for n in names] if getattr(task, "class_names", None) is not None else names


def top_classes(data: sv.StepData, task: Task, sizes: Sizes, lang: str = "en") -> dict:
    """Classification: the TOP_K most probable classes at every step, the target's bar highlighted."""
    names = [sv.show_char(n) for n in class_names(task, lang)]
    k = min(TOP_K, task.output_size)
    labels, probs, texts, target = [], [], [], []
    for t in range(data.seq_len):
        idx, p = sv.top_k(data.trace.outputs[0, t], k)
        tgt = int(data.target[t]) if data.mask[t] else None
        labels.append([tr("{name} ✓ target", lang, name=names[i]) if i == tgt else names[i] for i in idx])
        probs.append(p)
        texts.append([f"{v:.3f}" for v in p])
        target.append(int(np.flatnonzero(idx == tgt)[0]) if tgt in idx else -1)
    return {
        "kind": "topk", "group": GROUP, "at": STEP, "title": tr("Prediction at t = {t}: top {k}", lang, t="{t}", k=k),
        "names": labels, "probs": wire.array(np.array(probs)), "texts": texts, "target": target,
        "xlabel": tr("probability", lang), "colors": {"bar": SERIES[0], "target": ps.HIGHLIGHT}, "sizes": wire.sizes(sizes),
    }


def top_classes_caption(data: sv.StepData, task: Task, lang: str = "en") -> dict:
    """Under the class chart: the target at each step and its probability."""
    names = class_names(task, lang)
    captions = []
    for t in range(data.seq_len):
        if not data.mask[t]:
            captions.append(tr("The model's most likely outputs at this step; no target here "
                               "(the loss does not count this step).", lang))
            continue
        target = int(data.target[t])
        p = sv.softmax(data.trace.outputs[0, t])[target]
        captions.append(html.escape(tr("The model's most likely outputs at this step; the target is {target!r} "
                                       "(p = {p:.3f}), coloured if it is among them.", lang,
                                       target=sv.show_char(names[target]), p=p)))
    return {"kind": "text", "group": GROUP, "html": '<p class="rnnx-caption">{c}</p>', "fields": {"c": captions}}


def equations(data: sv.StepData, layer: int, unit: int, nonlinearity: str, direction: int = 0,
              lang: str = "en") -> dict:
    """One unit's equations with the numbers of step t, to redo by hand, and what to read them with. For a
    bidirectional model, those of `unit` in the chain of `direction` (0 forward, 1 backward)."""
    eq = filled_equations(data.trace, layer, unit, nonlinearity, direction)
    rows = "".join(f'<div class="rnnx-eq-lhs">{lhs} =</div><div class="rnnx-eq-rhs">{sym}</div>'
                   f'<div></div><div class="rnnx-eq-rhs rnnx-eq-num">= {num}</div>' for lhs, sym, num in eq.lines)
    two_way = data.trace.directions == 2
    arrow, prev = ("←", "t+1") if direction else ("→" if two_way else "", "t−1")
    h_prev, c_prev, t0 = f"h{arrow}<sub>{prev}</sub>", f"c{arrow}<sub>{prev}</sub>", "T" if direction else "1"
    start = (tr("At t = {t0}, {h} = 0 and {c} = 0. ", lang, t0=t0, h=h_prev, c=c_prev) if data.trace.cell is not None
             else tr("At t = {t0}, {h} = 0. ", lang, t0=t0, h=h_prev))
    first = data.seq_len - 1 if direction else 0  # where this chain starts, from the zero state
    note = [start if t == first else "" for t in range(data.seq_len)]
    below = ""
    if layer > 0:
        below = (tr(" For layer > 0, x<sub>t</sub> is [h→<sub>t</sub>; h←<sub>t</sub>] of the layer below.", lang)
                 if two_way else tr(" For layer > 0, x<sub>t</sub> is the h<sub>t</sub> of the layer below.", lang))
    chain = tr(" ({direction})", lang, direction=direction_header(direction, lang)) if two_way else ""
    heading = tr("Unit {unit} of layer {layer}{arrow} at t = {t}, by hand", lang, unit=unit, layer=layer,
                 arrow=" " + "→←"[direction] if two_way else "", t="{t}")
    caption = tr("This unit's equations with this step's numbers, to redo by hand{chain}: "
                 "W<sub>ih</sub> x<sub>t</sub> + b<sub>ih</sub> first, then W<sub>hh</sub> {h} + b<sub>hh</sub>. "
                 "{note}σ is the logistic sigmoid.{below}", lang, chain=chain, h=h_prev, note="{note}", below=below)
    return {
        "kind": "text", "group": GROUP, "at": STEP, "fields": {**eq.fields, "note": note},
        "html": f'<div class="rnnx-h" role="heading" aria-level="4">{heading}</div>'
                f'<div class="rnnx-eq">{rows}</div><p class="rnnx-caption">{caption}</p>',
    }


def colored_text(text: str | list[str], values: np.ndarray, sizes: Sizes, sep: str = "") -> dict:
    """The input text (characters, or tokens with `sep` between them) coloured by one unit's activation; the
    browser outlines the symbol of step t."""
    return {"kind": "text", "group": GROUP, "outline": True, "fields": {},
            "html": f'<div class="rnnx-lm" style="font-size:{sizes.font + 5}px">'
                    f"{sv.colored_text_html(text, values, sep)}</div>"}


def heatmap(data: sv.StepData, name: str, layer: int, nonlinearity: str, sizes: Sizes, lang: str = "en") -> dict:
    """Every unit's `name` at every step of `layer`, a cursor at step t."""
    values = series(data, name, layer)  # (T, H)
    units = wire.unit_subset(values.shape[1], data.seq_len)
    shown = units if len(units) < values.shape[1] else None
    kind = kind_of(name, data.trace.cell_type, nonlinearity)
    fig = ps.time_heatmap(values[:, units].T.astype(np.float32), name, kind, sizes,
                          tr("{name} of layer {layer}: units × time", lang, name=name, layer=layer), units=shown,
                          lang=lang)
    return {"kind": "chart", "group": GROUP, "figure": wire.figure(fig), "png": f"heatmap-{name}",
            "overlays": [{"type": "vline", "x": [1, 1], "line": ps.CURSOR}]}


def trajectory(data: sv.StepData, layer: int, sizes: Sizes, lang: str = "en") -> tuple[dict, sv.Projection] | None:
    """The PCA path of layer's h_t and the marker of step t (None if the states are not finite or T < 2)."""
    h = series(data, "h", layer)
    if not (np.isfinite(h).all() and data.seq_len >= 2):
        return None
    proj = sv.pca_2d(h)
    view = {"kind": "chart", "group": GROUP, "figure": wire.figure(ps.trajectory(proj.coords, proj.explained, sizes, lang)),
            "png": "trajectory",
            "overlays": [{"type": "point", "x": wire.array(proj.coords[:, 0]), "y": wire.array(proj.coords[:, 1]),
                          "marker": {"color": ps.HIGHLIGHT, "size": sizes.marker + 9,
                                     "line": {"color": OUTLINE_COLOR, "width": 2}}}]}
    return view, proj


def backward(data: sv.StepData, sizes: Sizes, lang: str = "en") -> dict:
    """‖∂L/∂h_t‖ revealed from t = T back to the BACK clock's step; its cursor at t = T − i."""
    t_len = data.seq_len
    fig = ps.grad_reveal(data.grad_norms, sizes, lang)
    return {
        "kind": "chart", "group": BACK, "figure": wire.figure(fig), "png": "backward-pass",
        "overlays": [{"type": "vline", "x": [t_len, -1], "line": ps.CURSOR}],
        "reveal": [{"trace": l, "y": wire.array(np.where(norms > 0, norms, np.nan)), "from": [t_len - 1, -1]}
                   for l, norms in enumerate(data.grad_norms)],
    }


def backward_caption(t_len: int, lang: str = "en") -> dict:
    """Under the backward chart: how far the gradient has travelled."""
    return {"kind": "text", "group": BACK, "at": {"t": [t_len, -1]},
            "html": '<p class="rnnx-caption">'
                    + tr("‖∂L/∂h<sub>t</sub>‖ of this sample's loss for t from {T} down to {t} (log scale): does the "
                         "gradient shrink or grow as it travels back?", lang, T=t_len, t="{t}") + "</p>", "fields": {}}


def jacobian(data: sv.StepData, layer: int, sizes: Sizes, lang: str = "en") -> dict:
    """‖∂h_T/∂h_t‖ of `layer` with the vanilla RNN's bound: nothing here moves with t."""
    bound = sv.rnn_bound(data.sigma_max[layer], data.seq_len) if data.sigma_max is not None else None
    return {"kind": "chart", "figure": wire.figure(ps.jacobian_chart(data.jac_norms[layer], bound, sizes, lang)),
            "png": "jacobian"}
