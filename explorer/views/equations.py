"""The equations of each cell in LaTeX, exactly as PyTorch computes them (DESIGN.md), and the peephole LSTM's
(Gers, Schraudolph & Schmidhuber 2002). A bidirectional layer runs them twice: forward (h→_t from h→_{t−1}) and
backward (h←_t from h←_{t+1}, with its own weights, PyTorch's `..._reverse`); its output is h_t = [h→_t; h←_t]."""
from __future__ import annotations

import math
import re

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


def _num(v: float) -> str:
    """v with 4 significant digits, in LaTeX (1.234\\times 10^{-5} rather than 1.234e-05)."""
    v = float(v)
    if not math.isfinite(v):
        return r"\text{NaN}" if math.isnan(v) else ("-" if v < 0 else "") + r"\infty"
    s = f"{v:.4g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        s = rf"{mantissa}\times 10^{{{int(exp)}}}"
    return s


def _paren(v: float) -> str:
    """A number safe to put after + or ·: negative ones in parentheses."""
    return f"({_num(v)})" if v < 0 else _num(v)


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


_ACT = {"sigma": (r"\sigma", _sigmoid), "tanh": (r"\tanh", math.tanh), "relu": (r"\operatorname{relu}", lambda a: max(a, 0.0))}


def _gate_line(name: str, symbolic: str, act: str, px: float, ph: float, value: float, unit: int,
               r: float | None = None, pc: float | None = None) -> str:
    """`name_t[k] = act(symbolic)[k] = act(px + ph) = act(a) = value` (GRU n: px + r·ph; peephole: px + ph + pc)."""
    fn, f = _ACT[act]
    a = px + (r if r is not None else 1.0) * ph + (pc or 0.0)
    inner = f"{_num(px)} + {_num(r)} \\cdot {_paren(ph)}" if r is not None else f"{_num(px)} + {_paren(ph)}"
    if pc is not None:
        inner += f" + {_paren(pc)}"
    return f"{name}_t[{unit}] = {fn}({symbolic})[{unit}] = {fn}({inner}) = {fn}({_num(a)}) = {_num(value)}"


def direction_header(direction: int) -> str:
    """One LaTeX line naming a direction of a bidirectional layer and the order in which it reads the inputs."""
    if direction == 0:
        return r"\text{forward direction: reads } x_1, x_2, \ldots, x_T \text{; its state comes from step } t-1"
    return r"\text{backward direction: reads } x_T, x_{T-1}, \ldots, x_1 \text{; its state comes from step } t+1"


def filled_equations(trace, layer: int, unit: int, t: int, nonlinearity: str = "tanh", direction: int = 0) -> list[str]:
    """The equations of one unit at one step with the trace's numbers substituted, one LaTeX line each,
    so that a student can redo the step by hand (numbers to 4 significant digits).

    `trace` is an `explorer.trace.record.Trace`; sample 0 of its batch is used; t is the 0-based index into the
    time axis (the previous state is 0 where the direction starts). Each line ends with the value the trace
    holds. `nonlinearity` is the vanilla RNN's ("tanh" | "relu"), which the trace does not record. For a
    bidirectional trace `direction` (0 forward, 1 backward) picks the chain and `unit` counts within it (0..H−1);
    the lines then carry the direction's arrows (h→_{t−1} forward, h←_{t+1} backward); `direction_header` names
    the direction in words, for a view to show above them. Every line reads "lhs = symbolic = … = value".
    """
    n_layers, _, t_len, _ = trace.hidden.shape
    h_size = trace.hidden_size
    if not (0 <= layer < n_layers and 0 <= unit < h_size and 0 <= t < t_len and 0 <= direction < trace.directions):
        raise ValueError(f"need layer < {n_layers}, unit < {h_size}, t < {t_len}, direction < {trace.directions}; "
                         f"got {layer}, {unit}, {t}, {direction}")
    v = trace.view(layer, direction)
    prev = v.prev(t)
    px = v.preact_x[0, t].astype(np.float64).reshape(-1, h_size)[:, unit]  # (G,) per gate
    ph = v.preact_h[0, t].astype(np.float64).reshape(-1, h_size)[:, unit]
    h = float(v.hidden[0, t, unit])
    h_prev = float(v.hidden[0, prev, unit]) if prev is not None else 0.0
    if trace.cell_type == "rnn":
        act = "tanh" if nonlinearity == "tanh" else "relu"
        lines = [_gate_line("h", r"W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}", act, px[0], ph[0], h, unit)]
    elif trace.cell_type in ("lstm", "peephole"):
        lines = _lstm_lines(v, t, prev, unit, px, ph, h)
    else:
        lines = _gru_lines(v, t, unit, px, ph, h, h_prev)
    if trace.directions == 1:
        return lines
    return [directed(line, DIRECTIONS[direction]) for line in lines]


def _lstm_lines(v, t: int, prev: int | None, unit: int, px: np.ndarray, ph: np.ndarray, h: float) -> list[str]:
    """LSTM (and peephole LSTM) lines of one unit at step t of a `DirectionTrace`."""
    g = {k: float(a[0, t, unit]) for k, a in v.gates.items()}
    c = float(v.cell[0, t, unit])
    c_prev = float(v.cell[0, prev, unit]) if prev is not None else 0.0
    peep = v.preact_c is not None
    pc = v.preact_c[0, t].astype(np.float64).reshape(4, -1)[:, unit] if peep else [None] * 4
    watch = {"i": r" + w_{ci} \odot c_{t-1}", "f": r" + w_{cf} \odot c_{t-1}", "o": r" + w_{co} \odot c_t"}
    lines = [
        _gate_line(k, rf"W_{{i{k}}} x_t + b_{{i{k}}} + W_{{h{k}}} h_{{t-1}} + b_{{h{k}}}" + (watch.get(k, "") if peep else ""),
                   "tanh" if k == "g" else "sigma", px[j], ph[j], g[k], unit, pc=pc[j] if k != "g" else None)
        for j, k in enumerate("ifgo")
    ]
    fc, ig = g["f"] * c_prev, g["i"] * g["g"]
    c_line = (rf"c_t[{unit}] = f_t[{unit}]\, c_{{t-1}}[{unit}] + i_t[{unit}]\, g_t[{unit}]"
              rf" = {_num(g['f'])} \cdot {_paren(c_prev)} + {_num(g['i'])} \cdot {_paren(g['g'])}"
              rf" = {_num(fc)} + {_paren(ig)} = {_num(c)}")
    lines.insert(3 if peep else 4, c_line)  # the peephole's o looks at c_t: after it
    lines.append(rf"h_t[{unit}] = o_t[{unit}] \tanh(c_t[{unit}]) = {_num(g['o'])} \cdot \tanh({_num(c)})"
                 rf" = {_num(g['o'])} \cdot {_paren(math.tanh(c))} = {_num(h)}")
    return lines


def _gru_lines(v, t: int, unit: int, px: np.ndarray, ph: np.ndarray, h: float, h_prev: float) -> list[str]:
    """GRU lines of one unit at step t of a `DirectionTrace`."""
    g = {k: float(a[0, t, unit]) for k, a in v.gates.items()}
    lines = [
        _gate_line(k, rf"W_{{i{k}}} x_t + b_{{i{k}}} + W_{{h{k}}} h_{{t-1}} + b_{{h{k}}}", "sigma", px[j], ph[j], g[k], unit)
        for j, k in enumerate("rz")
    ]
    lines.append(_gate_line("n", r"W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})", "tanh",
                            px[2], ph[2], g["n"], unit, r=g["r"]))
    lines.append(
        rf"h_t[{unit}] = (1 - z_t[{unit}])\, n_t[{unit}] + z_t[{unit}]\, h_{{t-1}}[{unit}]"
        rf" = (1 - {_num(g['z'])}) \cdot {_paren(g['n'])} + {_num(g['z'])} \cdot {_paren(h_prev)}"
        rf" = {_num((1 - g['z']) * g['n'])} + {_paren(g['z'] * h_prev)} = {_num(h)}"
    )
    return lines
