"""The Seq2seq page's client-side views: one typed source's `DecodeTrace` as payloads for the browser (schema:
explorer/views/payload.py). Sent once per source, model and weights; everything that only moves the output step j
or the chosen source position s happens in the browser.

Two clocks: J_GROUP (output step j = 1..J, position i = j − 1) and S_GROUP (source position s = 1..S, position
k = s − 1), which only the score equation and the alignment's chosen cell follow. Text is formatted here.
"""
from __future__ import annotations

import html

import numpy as np

from ..i18n import N_, tr
from ..models.seq2seq import Seq2Seq
from ..trace.seq2seq import DecodeTrace, ScoreTerms, score_terms
from . import payload as wire
from .equations import number
from .plots_seq2seq import source_gradient_figure
from .plots_step import HIGHLIGHT, scale_of, symmetric_range, value_range
from .stepview import show_char
from .style import ATTENTION_SCALE, BASELINE_COLOR, OKABE_ITO, SERIES, Sizes

J_GROUP = "s2s_j"     # the output step: position i = j − 1
S_GROUP = "s2s_s"     # the source position of the written-out score: position k = s − 1
AT_J = {"j": [1, 1]}  # template field {j}: the 1-based output step
AT_S = {"s": [1, 1]}  # template field {s}: the 1-based source position
SHOWN_TERMS = 3       # the largest terms of a score written out one by one; the others are summed
BLANK = "#F0F2F6"     # an alignment row not computed yet
GATE_KIND = {"i": "gate", "f": "gate", "o": "gate", "r": "gate", "z": "gate", "g": "tanh", "n": "tanh"}


def token(t: str) -> str:
    """A token as a label: space made visible ("␣")."""
    return show_char(t)


def _html(t: str) -> str:
    return html.escape(token(t))


def _paren(v: float) -> str:
    """A number after + or ·, negative ones in parentheses (as the Step-through equations write them)."""
    return f"({number(v)})" if v < 0 else number(v)


def cross(n: int, fields: dict[str, list[str]] | None = None) -> dict:
    """The S_GROUP clock as a view's second clock: {s} and the per-(j, s) `fields` (J·n strings, j major)."""
    return {"group": S_GROUP, "n": n, "at": AT_S, "fields": fields or {}}


# --- the alignment and the attention row at j -----------------------------------------------------------------

def alignment(trace: DecodeTrace, sizes: Sizes, lang: str = "en") -> dict:
    """The attention matrix α (J, S), written row by row up to step j; the cell (j, s) outlined; a click chooses
    (j, s). Only for a model with attention."""
    a = trace.attention  # (J, S)
    return {
        "kind": "alignment", "group": J_GROUP, "at": AT_J, "cross": cross(len(trace.source)),
        "title": tr("Alignment α: output step j = {j} reads the source", lang),
        "x": [token(t) for t in trace.source], "y": [token(t) for t in trace.outputs],
        "xlabel": tr("source position s", lang), "ylabel": tr("output step j", lang),
        "weights": wire.array(a), "texts": [[f"{v:.4f}" for v in row] for row in a],
        "later": tr("not computed yet: this row is written at step j", lang),
        "hover": [tr("output step j = {j}: {y}", lang), tr("source position s = {s}: {x}", lang), "α = {value}"],
        "range": [0.0, 1.0], "colorscale": wire.colorscale(ATTENTION_SCALE), "blank": BLANK,
        "outline": OKABE_ITO["vermillion"], "line_color": BASELINE_COLOR, "sizes": wire.sizes(sizes),
    }


def attention_bars(trace: DecodeTrace, sizes: Sizes, lang: str = "en") -> dict:
    """α_js over the source positions s at step j: the row the alignment is writing, as bars."""
    labels = [f"{s + 1} {token(t)}" for s, t in enumerate(trace.source)]
    return {
        "kind": "bars", "group": J_GROUP, "at": AT_J, "title": tr("Attention weights α at j = {j}", lang),
        "xlabel": tr("source position", lang), "units": labels, "sizes": wire.sizes(sizes), "line_color": BASELINE_COLOR,
        "rows": [{"label": "α", "values": wire.array(trace.attention), "range": [0.0, 1.0],
                  "colorscale": wire.colorscale(ATTENTION_SCALE)}],
    }


# --- the decoder at step j ----------------------------------------------------------------------------------------

def _row(label: str, kind: str, values: np.ndarray) -> dict:
    lo_hi = value_range(kind) or symmetric_range(values)
    return {"label": label, "values": wire.array(values), "range": list(lo_hi),
            "colorscale": wire.colorscale(scale_of(kind))}


def decoder_bars(trace: DecodeTrace, sizes: Sizes, lang: str = "en") -> dict:
    """The decoder's new state s_j (and an LSTM's cell state) and its gates at step j, one bar per unit."""
    rows = [_row("s_j", "tanh", trace.states[1:])]
    if trace.cells is not None:
        rows.append(_row(tr("cell", lang), "free", trace.cells[1:]))
    rows += [_row(name, GATE_KIND[name], values) for name, values in trace.gates.items()]
    return {
        "kind": "bars", "group": J_GROUP, "at": AT_J, "title": tr("Decoder at j = {j}", lang),
        "xlabel": tr("unit", lang),
        "units": list(range(trace.states.shape[1])), "sizes": wire.sizes(sizes), "line_color": BASELINE_COLOR,
        "rows": rows,
    }


def context_bars(trace: DecodeTrace, sizes: Sizes, lang: str = "en") -> dict:
    """The context vector c_j the decoder reads at step j (Σ_s α_js h_s, or the encoder's last state)."""
    c = trace.context.shape[1]
    half = trace.annotations.shape[1] // 2
    bidirectional = c == 2 * trace.states.shape[1]
    units = [f"→{u}" if u < half else f"←{u - half}" for u in range(c)] if bidirectional else list(range(c))
    return {
        "kind": "bars", "group": J_GROUP, "at": AT_J, "title": tr("Context c at j = {j}", lang),
        "xlabel": tr("unit", lang),
        "units": units, "sizes": wire.sizes(sizes), "line_color": BASELINE_COLOR,
        "rows": [_row("c_j", "tanh", trace.context)],
    }


# --- what step j writes -----------------------------------------------------------------------------------------

def reference_ids(trace: DecodeTrace) -> list[str] | None:
    """The correct token at every output step (the reference, then <eos>), when the task knows it."""
    return None if trace.reference is None else [*trace.reference, "<eos>"]


def top_tokens(trace: DecodeTrace, sizes: Sizes, lang: str = "en") -> dict:
    """The k most probable next tokens at step j; the reference token's bar highlighted when it is among them."""
    ref = reference_ids(trace)
    k = trace.top_probs.shape[1]
    names, target = [], []
    for j, row in enumerate(trace.top_tokens):
        want = ref[j] if ref is not None and j < len(ref) else None
        names.append([tr("{token} ✓ reference", lang, token=token(t)) if t == want else token(t) for t in row])
        target.append(row.index(want) if want in row else -1)
    return {
        "kind": "topk", "group": J_GROUP, "at": AT_J, "title": tr("Next token at j = {j}: top {k}", lang, j="{j}", k=k),
        "names": names, "probs": wire.array(trace.top_probs),
        "texts": [[f"{p:.3f}" for p in row] for row in trace.top_probs], "target": target,
        "xlabel": tr("probability", lang), "colors": {"bar": SERIES[0], "target": HIGHLIGHT}, "sizes": wire.sizes(sizes),
    }


def step_text(trace: DecodeTrace, lang: str = "en") -> dict:
    """Step j's heading, what the decoder reads and writes, and the output so far (step j outlined)."""
    n = len(trace.outputs)
    ref = reference_ids(trace)
    ids = [trace.target_vocab.index(t) for t in trace.outputs]
    fields: dict[str, list[str]] = {"inp": [], "out": [], "p": [], "so_far": [], "ref": []}
    for j in range(n):
        fields["inp"].append(_html(trace.inputs[j]))
        fields["out"].append(_html(trace.outputs[j]))
        fields["p"].append(f"{trace.probs[j, ids[j]]:.3f}")
        written = "".join(_html(t) for t in trace.outputs[:j])
        fields["so_far"].append(f'{written}<span class="rnnx-now">{_html(trace.outputs[j])}</span>')
        if ref is None:
            fields["ref"].append("")
        elif j >= len(ref):
            fields["ref"].append(tr("; the reference has already ended", lang))
        elif ref[j] == trace.outputs[j]:
            fields["ref"].append(tr("; the reference has <b>{token}</b> here (right)", lang, token=_html(ref[j])))
        else:
            fields["ref"].append(tr("; the reference has <b>{token}</b> here (wrong)", lang, token=_html(ref[j])))
    return {
        "kind": "text", "group": J_GROUP, "at": AT_J, "fields": fields,
        "html": '<div class="rnnx-h" role="heading" aria-level="4">'
                + tr("Output step j = {j} of {n}", lang, j="{j}", n=n) + "</div><p>"
                + tr("The decoder reads y<sub>j−1</sub> = <b>{inp}</b> and writes <b>{out}</b> (p = {p}){ref}.", lang)
                + '</p><div class="rnnx-lm">{so_far}</div>',
    }


# --- one attention score, written out ------------------------------------------------------------------------

SYMBOLS = {  # kind: (the score, the sum it is, one term with unit u)
    "additive": ("v<sup>T</sup> tanh(W<sub>q</sub> s<sub>j−1</sub> + W<sub>k</sub> h<sub>s</sub>)",
                 N_("Σ<sub>u</sub> v<sub>u</sub> tanh(a<sub>u</sub>), with a = W<sub>q</sub> s<sub>j−1</sub> + "
                    "W<sub>k</sub> h<sub>s</sub>"),
                 "v<sub>{u}</sub> tanh(a<sub>{u}</sub>)"),
    "dot": ("s<sub>j−1</sub><sup>T</sup> h<sub>s</sub>", "Σ<sub>u</sub> s<sub>j−1,u</sub> h<sub>s,u</sub>",
            "s<sub>j−1,{u}</sub> h<sub>s,{u}</sub>"),
    "general": ("s<sub>j−1</sub><sup>T</sup> W<sub>a</sub> h<sub>s</sub>",
                "Σ<sub>u</sub> s<sub>j−1,u</sub> (W<sub>a</sub> h<sub>s</sub>)<sub>u</sub>",
                "s<sub>j−1,{u}</sub> (W<sub>a</sub> h<sub>s</sub>)<sub>{u}</sub>"),
}


def factors(t: ScoreTerms) -> tuple[np.ndarray, np.ndarray]:
    """The two factors of every term of the score: (v, tanh(a)), (s_{j−1}, h_s) or (s_{j−1}, W_a h_s)."""
    if t.kind == "additive":
        return t.parts["v"], t.parts["tanh"]
    if t.kind == "general":
        return t.query, t.parts["W_a h"]
    return t.query, t.key


def largest_terms(t: ScoreTerms, n: int = SHOWN_TERMS) -> np.ndarray:
    """The units of the n largest |terms|, largest first (ties: the lower unit)."""
    return np.argsort(-np.abs(t.parts["terms"]), kind="stable")[:n]


def score_fields(t: ScoreTerms) -> dict[str, str]:
    """The numbers of one score's equation (HTML): the largest terms by symbol and by value, the others' sum, the
    score, its softmax denominator and the weight."""
    left, right = factors(t)
    units = largest_terms(t)
    rest = float(np.delete(t.parts["terms"], units).sum())
    term = SYMBOLS[t.kind][2]
    return {
        "sym": " + ".join(term.format(u=u) for u in units),
        "num": " + ".join(f"{_paren(left[u])} · {_paren(right[u])}" for u in units),
        "rest": _paren(rest), "score": number(t.score), "den": number(t.denominator), "weight": number(t.weight),
    }


def score_equation(model: Seq2Seq, trace: DecodeTrace, lang: str = "en") -> dict:
    """The score e_js and the weight α_js of the output step j (the clock) and the source position s (the cross
    clock) with their numbers, for every pair: model's own weights through `score_terms`."""
    n_j, n_s = len(trace.outputs), len(trace.source)
    fields: dict[str, list[str]] = {k: [] for k in ("sym", "num", "rest", "score", "den", "weight", "tok")}
    for j in range(1, n_j + 1):
        for s in range(1, n_s + 1):
            terms = score_terms(model, trace, j, s)
            for k, v in score_fields(terms).items():
                fields[k].append(v)
            fields["tok"].append(_html(trace.source[s - 1]))
    n_terms = len(terms.parts["terms"])  # H: one term per unit of the score layer or of the state
    shown = min(SHOWN_TERMS, n_terms)
    others = (' + {rest} <span class="rnnx-caption">'
              + tr("(the other {n} terms)", lang, n=n_terms - shown) + "</span>" if n_terms > shown else "")
    score, total, _ = SYMBOLS[trace.attention_kind]
    rows = [
        ("e<sub>js</sub>", score),
        ("", f"= {tr(total, lang)}"),
        ("", "= {sym}" + (" + …" if others else "")),
        ("", "= {num}" + others),
        ("", "= <b>{score}</b>"),
        ("α<sub>js</sub>", "exp(e<sub>js</sub>) / Σ<sub>s′</sub> exp(e<sub>js′</sub>) = exp({score}) / {den} "
                           "= <b>{weight}</b>"),
    ]
    body = "".join(f'<div class="rnnx-eq-lhs">{lhs}{" =" if lhs else ""}</div><div class="rnnx-eq-rhs">{rhs}</div>'
                   for lhs, rhs in rows)
    return {
        "kind": "text", "group": J_GROUP, "at": AT_J, "fields": {}, "cross": cross(n_s, fields),
        "html": '<div class="rnnx-h" role="heading" aria-level="4">'
                + tr("Score of output step j = {j} for source position s = {s} (<b>{tok}</b>)", lang) + "</div>"
                f'<div class="rnnx-eq">{body}</div><p class="rnnx-caption">'
                + tr("The attention score compares the decoder state before step j, s<sub>j−1</sub>, with the "
                     "encoder state h<sub>s</sub> of source position s; the softmax over every source position "
                     "turns the scores into the weights α. The terms written out are the largest; u numbers the "
                     "units from 0.", lang) + "</p>",
    }


# --- beside the stepped decoding ----------------------------------------------------------------------------------

def decodings(trace: DecodeTrace, lang: str = "en") -> list[dict]:
    """Greedy decoding and the beam search's hypotheses, best first, as table rows: output, log p(y | x), whether it
    ended with <eos>, and (when the task knows the answer) whether it is right."""
    ref = trace.reference
    rows = [(tr("greedy", lang), trace.outputs, trace.log_prob, trace.outputs[-1] == "<eos>")]
    rows += [(tr("beam {n}", lang, n=n), tokens, log_p, finished) for n, (tokens, log_p, finished) in enumerate(trace.beam, 1)]
    out = []
    for name, tokens, log_p, finished in rows:
        text = [t for t in tokens if t != "<eos>"]
        row = {"decoding": name, "output": "".join(text), "log p(y | x)": float(log_p),
               "ends with <eos>": bool(finished)}
        if ref is not None:
            row["correct"] = finished and text == ref
        out.append(row)
    return out


def source_gradient(trace: DecodeTrace, sizes: Sizes, lang: str = "en") -> dict:
    """‖∂(−log p(ŷ | x))/∂h_s‖ of this source at every encoder step: how much the output leans on each source
    state (a static chart)."""
    fig = source_gradient_figure(trace.grad_norms, [token(t) for t in trace.source], sizes, lang)
    return {"kind": "chart", "figure": wire.figure(fig), "png": "source-gradient"}
