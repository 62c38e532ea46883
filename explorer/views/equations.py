"""The equations of each cell, exactly as PyTorch computes them (DESIGN.md): symbolic in LaTeX (Build page),
and one unit's equations filled in with the numbers of every step in HTML (Step-through page)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

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
}


def cell_equations(cell: str, nonlinearity: str = "tanh") -> list[str]:
    """One LaTeX line per equation of `cell` ("rnn" | "lstm" | "gru"); σ is the logistic sigmoid."""
    if cell == "rnn":
        phi = r"\tanh" if nonlinearity == "tanh" else r"\operatorname{relu}"
        return [EQUATIONS["rnn"][0].format(phi=phi)]
    return list(EQUATIONS[cell])


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


def _gate_symbolic(k: str) -> str:
    return (f"{_v('W', 'i' + k)} {_v('x', 't')} + {_v('b', 'i' + k)} + "
            f"{_v('W', 'h' + k)} {_v('h', 't−1')} + {_v('b', 'h' + k)}")


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

    def gate(self, k: str, unit: int, symbolic: str, act: str, px, ph, value, r=None) -> None:
        """`k_t[u] = act(symbolic)[u] = act(px + ph) = act(a) = value` (GRU n: px + r·ph)."""
        fn = _ACT[act]
        a = px + (r if r is not None else 1.0) * ph
        inner = (f"{self.field(px)} + {self.field(r)} · {self.field(ph, True)}" if r is not None
                 else f"{self.field(px)} + {self.field(ph, True)}")
        self.lines.append((_v(k, "t", unit), f"{fn}({symbolic})[{unit}]",
                           f"{fn}({inner}) = {fn}({self.field(a)}) = {self.field(value)}"))


def filled_equations(trace, layer: int, unit: int, nonlinearity: str = "tanh") -> FilledEquations:
    """The equations of one unit with the trace's numbers substituted at every step, so that a student can
    redo each step by hand (numbers to 4 significant digits).

    `trace` is an `explorer.trace.record.Trace`; sample 0 of its batch is used; h_{t-1} = 0 and c_{t-1} = 0 at
    the first step. Each line ends with the value the trace holds. `nonlinearity` is the vanilla RNN's
    ("tanh" | "relu"), which the trace does not record.
    """
    n_layers, _, t_len, h_size = trace.hidden.shape
    if not (0 <= layer < n_layers and 0 <= unit < h_size):
        raise ValueError(f"need layer < {n_layers}, unit < {h_size}; got {layer}, {unit}")
    px = trace.preact_x[layer, 0].astype(np.float64).reshape(t_len, -1, h_size)[:, :, unit]  # (T, G) per gate
    ph = trace.preact_h[layer, 0].astype(np.float64).reshape(t_len, -1, h_size)[:, :, unit]
    h = trace.hidden[layer, 0, :, unit].astype(np.float64)  # (T,)
    h_prev = np.concatenate([[0.0], h[:-1]])
    out = _Lines()
    if trace.cell_type == "rnn":
        act = "tanh" if nonlinearity == "tanh" else "relu"
        out.gate("h", unit, f"{_v('W', 'ih')} {_v('x', 't')} + {_v('b', 'ih')} + {_v('W', 'hh')} {_v('h', 't−1')} + "
                 f"{_v('b', 'hh')}", act, px[:, 0], ph[:, 0], h)
        return FilledEquations(out.lines, out.fields)
    g = {k: v[layer, 0, :, unit].astype(np.float64) for k, v in trace.gates.items()}  # each (T,)
    if trace.cell_type == "lstm":
        c = trace.cell[layer, 0, :, unit].astype(np.float64)
        c_prev = np.concatenate([[0.0], c[:-1]])
        for j, k in enumerate("ifgo"):
            out.gate(k, unit, _gate_symbolic(k), "tanh" if k == "g" else "sigma", px[:, j], ph[:, j], g[k])
        out.lines.append((
            _v("c", "t", unit),
            f"{_v('f', 't', unit)} {_v('c', 't−1', unit)} + {_v('i', 't', unit)} {_v('g', 't', unit)}",
            f"{out.field(g['f'])} · {out.field(c_prev, True)} + {out.field(g['i'])} · {out.field(g['g'], True)}"
            f" = {out.field(g['f'] * c_prev)} + {out.field(g['i'] * g['g'], True)} = {out.field(c)}"))
        out.lines.append((
            _v("h", "t", unit), f"{_v('o', 't', unit)} tanh({_v('c', 't', unit)})",
            f"{out.field(g['o'])} · tanh({out.field(c)}) = {out.field(g['o'])} · {out.field(np.tanh(c), True)}"
            f" = {out.field(h)}"))
        return FilledEquations(out.lines, out.fields)
    for j, k in enumerate("rz"):
        out.gate(k, unit, _gate_symbolic(k), "sigma", px[:, j], ph[:, j], g[k])
    out.gate("n", unit, f"{_v('W', 'in')} {_v('x', 't')} + {_v('b', 'in')} + {_v('r', 't')} ⊙ ({_v('W', 'hn')} "
             f"{_v('h', 't−1')} + {_v('b', 'hn')})", "tanh", px[:, 2], ph[:, 2], g["n"], r=g["r"])
    out.lines.append((
        _v("h", "t", unit),
        f"(1 − {_v('z', 't', unit)}) {_v('n', 't', unit)} + {_v('z', 't', unit)} {_v('h', 't−1', unit)}",
        f"(1 - {out.field(g['z'])}) · {out.field(g['n'], True)} + {out.field(g['z'])} · {out.field(h_prev, True)}"
        f" = {out.field((1 - g['z']) * g['n'])} + {out.field(g['z'] * h_prev, True)} = {out.field(h)}"))
    return FilledEquations(out.lines, out.fields)
