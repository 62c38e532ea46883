"""The equations of each cell, exactly as PyTorch computes them (DESIGN.md), and the peephole LSTM's (Gers,
Schraudolph & Schmidhuber 2002): symbolic in LaTeX (Build page), and one unit's equations filled in with the numbers
of every step in HTML (Step-through page). A bidirectional layer runs them twice: forward (h→_t from h→_{t−1}) and
backward (h←_t from h←_{t+1}, with its own weights, PyTorch's `..._reverse`); its output is h_t = [h→_t; h←_t]."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..i18n import tr

EQUATIONS = {
    "rnn": [r"h_t = {phi}(W_{{ih}} x_t + b_{{ih}} + W_{{hh}} h_{{t-1}} + b_{{hh}})"],
    "lstm": [
        r"i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi})",
        r"f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf})",
        r"g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})",
        r"o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho})",
        r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
        r"h_t = o_t \odot \tanh(c_t)",
    ],
    "gru": [
        r"r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr})",
        r"z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz})",
        r"n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))",
        r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
    ],
    "peephole": [
        r"i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi} + w_{ci} \odot c_{t-1})",
        r"f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf} + w_{cf} \odot c_{t-1})",
        r"g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})",
        r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
        r"o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho} + w_{co} \odot c_t)",
        r"h_t = o_t \odot \tanh(c_t)",
    ],
}
DIRECTIONS = ("forward", "backward")
BIDIRECTIONAL_OUTPUT = r"h_t = [\overrightarrow{h}_t ;\, \overleftarrow{h}_t]"
_STATE = re.compile(r"(?<![A-Za-z\\{])([hc])_(\{t-1\}|t)(?![A-Za-z0-9])")  # h_t, h_{t-1}, c_t, c_{t-1}


def directed(line: str, direction: str) -> str:
    """`line` for one direction of a bidirectional layer: every state h, c gets the direction's arrow, and the
    backward direction reads the state of step t + 1 where the forward one reads t − 1."""
    arrow = {"forward": r"\overrightarrow", "backward": r"\overleftarrow"}[direction]

    def sub(m: re.Match) -> str:
        step = m[2] if m[2] == "t" or direction == "forward" else "{t+1}"
        return f"{arrow}{{{m[1]}}}_{step}"

    return _STATE.sub(sub, line)


def cell_equations(cell: str, nonlinearity: str = "tanh", direction: str | None = None) -> list[str]:
    """One LaTeX line per equation of `cell` ("rnn" | "lstm" | "gru" | "peephole"); σ is the logistic sigmoid.
    direction "forward" | "backward": the lines of that direction of a bidirectional layer (see `directed`)."""
    if cell == "rnn":
        phi = r"\tanh" if nonlinearity == "tanh" else r"\operatorname{relu}"
        lines = [EQUATIONS["rnn"][0].format(phi=phi)]
    else:
        lines = list(EQUATIONS[cell])
    return lines if direction is None else [directed(line, direction) for line in lines]


def number(v: float) -> str:
    """v with 4 significant digits as HTML: ASCII minus (copies into Python), powers of ten as ×10<sup>-5</sup>."""
    v = float(v)
    if not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("-" if v < 0 else "") + "∞"
    s = f"{v:.4g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        s = f"{mantissa}×10<sup>{int(exp)}</sup>"
    return s


def _paren(v: float) -> str:
    """A number safe to put after + or ·: negative ones in parentheses."""
    return f"({number(v)})" if v < 0 else number(v)


# Symbols as HTML: variables in italics, indices as subscripts.
def _v(name: str, sub: str = "", unit: int | None = None) -> str:
    """A variable, e.g. _v("W", "ii") → W_ii, _v("h", "t−1", 3) → h_{t−1}[3]."""
    return f"<i>{name}</i>" + (f"<sub>{sub}</sub>" if sub else "") + (f"[{unit}]" if unit is not None else "")


_ACT = {"sigma": "σ", "tanh": "tanh", "relu": "relu"}


def _gate_symbolic(k: str, arrow: str = "", prev: str = "t−1") -> str:
    return (f"{_v('W', 'i' + k)} {_v('x', 't')} + {_v('b', 'i' + k)} + "
            f"{_v('W', 'h' + k)} {_v('h' + arrow, prev)} + {_v('b', 'h' + k)}")


PEEPHOLE_TERMS = {"i": ("ci", "prev"), "f": ("cf", "prev"), "o": ("co", "t")}  # gate: (its peephole, which c it sees)


@dataclass(frozen=True)
class FilledEquations:
    """One unit's equations at every step, for the browser to show at the selected one.

    Each line is (left side, symbolic right side, numeric template) in HTML; the template's {name} fields are
    the numbers, `fields[name][t]` the text of that number at step t (0-based), formatted here."""

    lines: list[tuple[str, str, str]]
    fields: dict[str, list[str]]

    def numeric(self, line: int, t: int) -> str:
        """The numeric part of `line` at step t, as the browser shows it (for tests and tools)."""
        template = self.lines[line][2]
        return re.sub(r"\{(\w+)\}", lambda m: self.fields[m.group(1)][t], template)


class _Lines:
    """Collects the lines: each numeric template gets fields f0, f1, ... of formatted numbers."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str]] = []
        self.fields: dict[str, list[str]] = {}

    def field(self, values: np.ndarray, paren: bool = False) -> str:
        name = f"f{len(self.fields)}"
        self.fields[name] = [(_paren if paren else number)(v) for v in values]
        return "{" + name + "}"

    def gate(self, k: str, unit: int, symbolic: str, act: str, px, ph, value, r=None, pc=None) -> None:
        """`k_t[u] = act(symbolic)[u] = act(px + ph) = act(a) = value` (GRU n: px + r·ph; peephole: px + ph + pc)."""
        fn = _ACT[act]
        a = px + (r if r is not None else 1.0) * ph + (pc if pc is not None else 0.0)
        inner = (f"{self.field(px)} + {self.field(r)} · {self.field(ph, True)}" if r is not None
                 else f"{self.field(px)} + {self.field(ph, True)}")
        if pc is not None:
            inner += f" + {self.field(pc, True)}"
        self.lines.append((_v(k, "t", unit), f"{fn}({symbolic})[{unit}]",
                           f"{fn}({inner}) = {fn}({self.field(a)}) = {self.field(value)}"))


def direction_header(direction: int, lang: str = "en") -> str:
    """One HTML line naming a direction of a bidirectional layer and the order in which it reads the inputs."""
    if direction == 0:
        return tr("forward direction →: reads x<sub>1</sub>, x<sub>2</sub>, …, x<sub>T</sub>; its state comes from "
                  "step t − 1", lang)
    return tr("backward direction ←: reads x<sub>T</sub>, x<sub>T−1</sub>, …, x<sub>1</sub>; its state comes from "
              "step t + 1", lang)


def filled_equations(trace, layer: int, unit: int, nonlinearity: str = "tanh", direction: int = 0) -> FilledEquations:
    """The equations of one unit with the trace's numbers substituted at every step, so that a student can
    redo each step by hand (numbers to 4 significant digits).

    `trace` is an `explorer.trace.record.Trace`; sample 0 of its batch is used; the previous state is 0 where
    the direction starts (and, with lengths, past the sample's end). Each line ends with the value the trace
    holds. `nonlinearity` is the vanilla RNN's ("tanh" | "relu"), which the trace does not record. For a
    bidirectional trace `direction` (0 forward, 1 backward) picks the chain and `unit` counts within it
    (0..H−1); its states then carry the direction's arrow (h→_{t−1} forward, h←_{t+1} backward), and
    `direction_header` names the direction in words. A peephole LSTM's i, f and o add w_c ⊙ c.
    """
    n_layers, _, t_len, _ = trace.hidden.shape
    h_size = trace.hidden_size
    if not (0 <= layer < n_layers and 0 <= unit < h_size and 0 <= direction < trace.directions):
        raise ValueError(f"need layer < {n_layers}, unit < {h_size}, direction < {trace.directions}; "
                         f"got {layer}, {unit}, {direction}")
    v = trace.view(layer, direction)
    arrow = "" if trace.directions == 1 else "→←"[direction]
    prev = "t−1" if direction == 0 else "t+1"

    def before(a: np.ndarray) -> np.ndarray:  # (T,): the value at the step this direction reads its state from
        return np.concatenate([[0.0], a[:-1]]) if direction == 0 else np.concatenate([a[1:], [0.0]])

    def state(name: str, step: str = "t", u: int | None = unit) -> str:
        return _v(name + arrow, prev if step == "prev" else "t", u)

    px = v.preact_x[0].astype(np.float64).reshape(t_len, -1, h_size)[:, :, unit]  # (T, G) per gate
    ph = v.preact_h[0].astype(np.float64).reshape(t_len, -1, h_size)[:, :, unit]
    h = v.hidden[0, :, unit].astype(np.float64)  # (T,)
    h_prev = before(h)
    out = _Lines()
    if trace.cell_type == "rnn":
        act = "tanh" if nonlinearity == "tanh" else "relu"
        out.gate("h" + arrow, unit, f"{_v('W', 'ih')} {_v('x', 't')} + {_v('b', 'ih')} + {_v('W', 'hh')} "
                 f"{state('h', 'prev', None)} + {_v('b', 'hh')}", act, px[:, 0], ph[:, 0], h)
        return FilledEquations(out.lines, out.fields)
    g = {k: a[0, :, unit].astype(np.float64) for k, a in v.gates.items()}  # each (T,)
    if trace.cell_type in ("lstm", "peephole"):
        c = v.cell[0, :, unit].astype(np.float64)
        c_prev = before(c)
        peep = v.preact_c[0].astype(np.float64).reshape(t_len, 4, h_size)[:, :, unit] if v.preact_c is not None else None
        for k in "ifgco" if peep is not None else "ifgoc":  # the peephole's o looks at c_t: its line follows c_t's
            if k == "c":
                out.lines.append((
                    state("c"),
                    f"{_v('f', 't', unit)} {state('c', 'prev')} + {_v('i', 't', unit)} {_v('g', 't', unit)}",
                    f"{out.field(g['f'])} · {out.field(c_prev, True)} + {out.field(g['i'])} · {out.field(g['g'], True)}"
                    f" = {out.field(g['f'] * c_prev)} + {out.field(g['i'] * g['g'], True)} = {out.field(c)}"))
                continue
            j, symbolic, pc = "ifgo".index(k), _gate_symbolic(k, arrow, prev), None
            if peep is not None and k in PEEPHOLE_TERMS:
                name, which = PEEPHOLE_TERMS[k]
                symbolic += f" + {_v('w', name)} ⊙ {state('c', which, None)}"
                pc = peep[:, j]
            out.gate(k, unit, symbolic, "tanh" if k == "g" else "sigma", px[:, j], ph[:, j], g[k], pc=pc)
        out.lines.append((
            state("h"), f"{_v('o', 't', unit)} tanh({state('c')})",
            f"{out.field(g['o'])} · tanh({out.field(c)}) = {out.field(g['o'])} · {out.field(np.tanh(c), True)}"
            f" = {out.field(h)}"))
        return FilledEquations(out.lines, out.fields)
    for j, k in enumerate("rz"):
        out.gate(k, unit, _gate_symbolic(k, arrow, prev), "sigma", px[:, j], ph[:, j], g[k])
    out.gate("n", unit, f"{_v('W', 'in')} {_v('x', 't')} + {_v('b', 'in')} + {_v('r', 't')} ⊙ ({_v('W', 'hn')} "
             f"{state('h', 'prev', None)} + {_v('b', 'hn')})", "tanh", px[:, 2], ph[:, 2], g["n"], r=g["r"])
    out.lines.append((
        state("h"),
        f"(1 − {_v('z', 't', unit)}) {_v('n', 't', unit)} + {_v('z', 't', unit)} {state('h', 'prev')}",
        f"(1 - {out.field(g['z'])}) · {out.field(g['n'], True)} + {out.field(g['z'])} · {out.field(h_prev, True)}"
        f" = {out.field((1 - g['z']) * g['n'])} + {out.field(g['z'] * h_prev, True)} = {out.field(h)}"))
    return FilledEquations(out.lines, out.fields)
