"""The equations of each cell in LaTeX, exactly as PyTorch computes them (DESIGN.md)."""
from __future__ import annotations

import math

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
               r: float | None = None) -> str:
    """`name_t[k] = act(symbolic)[k] = act(px + ph) = act(a) = value` (GRU n: px + r·ph)."""
    fn, f = _ACT[act]
    a = px + (r if r is not None else 1.0) * ph
    inner = f"{_num(px)} + {_num(r)} \\cdot {_paren(ph)}" if r is not None else f"{_num(px)} + {_paren(ph)}"
    return f"{name}_t[{unit}] = {fn}({symbolic})[{unit}] = {fn}({inner}) = {fn}({_num(a)}) = {_num(value)}"


def filled_equations(trace, layer: int, unit: int, t: int, nonlinearity: str = "tanh") -> list[str]:
    """The equations of one unit at one step with the trace's numbers substituted, one LaTeX line each,
    so that a student can redo the step by hand (numbers to 4 significant digits).

    `trace` is an `explorer.trace.record.Trace`; sample 0 of its batch is used; t is the 0-based index into the
    time axis (h_{t-1} = 0 and c_{t-1} = 0 at t = 0). Each line ends with the value the trace holds.
    `nonlinearity` is the vanilla RNN's ("tanh" | "relu"), which the trace does not record.
    """
    n_layers, _, t_len, h_size = trace.hidden.shape
    if not (0 <= layer < n_layers and 0 <= unit < h_size and 0 <= t < t_len):
        raise ValueError(f"need layer < {n_layers}, unit < {h_size}, t < {t_len}; got {layer}, {unit}, {t}")
    px = trace.preact_x[layer, 0, t].astype(np.float64).reshape(-1, h_size)[:, unit]  # (G,) per gate
    ph = trace.preact_h[layer, 0, t].astype(np.float64).reshape(-1, h_size)[:, unit]
    h = float(trace.hidden[layer, 0, t, unit])
    h_prev = float(trace.hidden[layer, 0, t - 1, unit]) if t else 0.0
    if trace.cell_type == "rnn":
        act = "tanh" if nonlinearity == "tanh" else "relu"
        return [_gate_line("h", r"W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}", act, px[0], ph[0], h, unit)]
    g = {k: float(v[layer, 0, t, unit]) for k, v in trace.gates.items()}
    if trace.cell_type == "lstm":
        c = float(trace.cell[layer, 0, t, unit])
        c_prev = float(trace.cell[layer, 0, t - 1, unit]) if t else 0.0
        lines = [
            _gate_line(k, rf"W_{{i{k}}} x_t + b_{{i{k}}} + W_{{h{k}}} h_{{t-1}} + b_{{h{k}}}",
                       "tanh" if k == "g" else "sigma", px[j], ph[j], g[k], unit)
            for j, k in enumerate("ifgo")
        ]
        fc, ig = g["f"] * c_prev, g["i"] * g["g"]
        lines.append(
            rf"c_t[{unit}] = f_t[{unit}]\, c_{{t-1}}[{unit}] + i_t[{unit}]\, g_t[{unit}]"
            rf" = {_num(g['f'])} \cdot {_paren(c_prev)} + {_num(g['i'])} \cdot {_paren(g['g'])}"
            rf" = {_num(fc)} + {_paren(ig)} = {_num(c)}"
        )
        lines.append(
            rf"h_t[{unit}] = o_t[{unit}] \tanh(c_t[{unit}]) = {_num(g['o'])} \cdot \tanh({_num(c)})"
            rf" = {_num(g['o'])} \cdot {_paren(math.tanh(c))} = {_num(h)}"
        )
        return lines
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
