"""One unit's forward equations at one step with the numpy network's numbers filled in (LaTeX, for st.latex),
for every cell the numpy networks have: also the textbook GRU and the peephole
LSTM. Each line reads `name_t[k] = act(symbols)[k] = act(terms) = act(a) = value`."""
from __future__ import annotations

import math

import numpy as np

from .net import BLOCKS, Cache, Net

SIGMA, TANH, RELU = r"\sigma", r"\tanh", r"\operatorname{relu}"


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


def _terms(values: list[float]) -> str:
    return " + ".join([_num(values[0]), *(_paren(v) for v in values[1:])])


def _line(name: str, unit: int, act: str, symbols: str, terms: list[float], pre: float, value: float,
          product: tuple[float, float] | None = None) -> str:
    """`product` = (r, W_hn h + b_hn) writes PyTorch's GRU candidate as px + r · (hn)."""
    shown = (f"{_num(terms[0])} + {_num(product[0])} \\cdot {_paren(product[1])}" if product else _terms(terms))
    return f"{name}_t[{unit}] = {act}({symbols})[{unit}] = {act}({shown}) = {act}({_num(pre)}) = {_num(value)}"


def _gate_symbols(k: str, extra: str = "") -> str:
    return rf"W_{{i{k}}} x_t + b_{{i{k}}} + W_{{h{k}}} h_{{t-1}} + b_{{h{k}}}{extra}"


def forward_equations(net: Net, cache: Cache, layer: int, t: int, unit: int) -> list[str]:
    """The equations of `unit` of `layer` at step t (0-based) of sample 0, one LaTeX line each, ending in the
    value the cache holds (h_{t−1} = c_{t−1} = 0 at t = 0)."""
    h = net.hidden_size
    if not (0 <= layer < net.num_layers and 0 <= unit < h and 0 <= t < cache.x.shape[1]):
        raise ValueError(f"need layer < {net.num_layers}, unit < {h}, t < {cache.x.shape[1]}; got {layer}, {unit}, {t}")
    p, s = net.layer(layer), {k: v[0] for k, v in cache.steps[layer][t].items() if v is not None}
    blocks = BLOCKS[net.cell]
    px = (s["x"] @ p["weight_ih"].T + p["bias_ih"]).reshape(blocks, h)[:, unit]  # W_ih x_t + b_ih, per gate
    ph = (s["h_prev"] @ p["weight_hh"].T + p["bias_hh"]).reshape(blocks, h)[:, unit]  # W_hh h_{t−1} + b_hh
    if net.cell == "rnn":
        act = TANH if net.nonlinearity == "tanh" else RELU
        return [_line("h", unit, act, _gate_symbols("h"), [px[0], ph[0]], px[0] + ph[0], s["h"][unit])]
    if net.cell == "gru":
        return _gru_lines(net, p, s, px, ph, unit)
    return _lstm_lines(net, p, s, px, ph, unit)


def _lstm_lines(net: Net, p: dict, s: dict, px: np.ndarray, ph: np.ndarray, unit: int) -> list[str]:
    """LSTM, and the peephole LSTM with its w_c ⊙ c terms (diagonal) or W_c c (full matrix)."""
    c_prev, c = s["c_prev"][unit], s["c"][unit]
    lines = []
    for j, k in enumerate("ifgo"):  # the peephole's o reads c_t: its line goes after c_t's (below)
        act, terms = (TANH if k == "g" else SIGMA), [px[j], ph[j]]
        symbols = _gate_symbols(k)
        if net.cell == "peephole" and k != "g":
            w = p[f"weight_c{k}"]
            state, sym = (s["c"], "c_t") if k == "o" else (s["c_prev"], "c_{t-1}")
            terms.append(float(state @ w[unit]) if w.ndim == 2 else float(w[unit] * state[unit]))
            symbols += rf" + W_{{c{k}}} {sym}" if w.ndim == 2 else rf" + w_{{c{k}}} \odot {sym}"
        lines.append(_line(k, unit, act, symbols, terms, sum(terms), s[k][unit]))
    i, f, g, o = (s[k][unit] for k in "ifgo")
    c_line = (rf"c_t[{unit}] = f_t[{unit}]\, c_{{t-1}}[{unit}] + i_t[{unit}]\, g_t[{unit}]"
              rf" = {_num(f)} \cdot {_paren(c_prev)} + {_num(i)} \cdot {_paren(g)}"
              rf" = {_num(f * c_prev)} + {_paren(i * g)} = {_num(c)}")
    lines.insert(3 if net.cell == "peephole" else 4, c_line)
    lines.append(rf"h_t[{unit}] = o_t[{unit}] \tanh(c_t[{unit}]) = {_num(o)} \cdot \tanh({_num(c)})"
                 rf" = {_num(o)} \cdot {_paren(math.tanh(c))} = {_num(s['h'][unit])}")
    return lines


def _gru_lines(net: Net, p: dict, s: dict, px: np.ndarray, ph: np.ndarray, unit: int) -> list[str]:
    """PyTorch's GRU (n = tanh(px + r · (W_hn h + b_hn))) or the textbook one (n = tanh(px + W_hn (r ⊙ h) + b_hn))."""
    lines = [_line(k, unit, SIGMA, _gate_symbols(k), [px[j], ph[j]], px[j] + ph[j], s[k][unit])
             for j, k in enumerate("rz")]
    r, z, n, h_prev = s["r"][unit], s["z"][unit], s["n"][unit], s["h_prev"][unit]
    if net.gru_form == "textbook":
        h = net.hidden_size
        q = float(s["rh"] @ p["weight_hh"][2 * h + unit] + p["bias_hh"][2 * h + unit])  # W_hn (r ⊙ h) + b_hn
        lines.append(_line("n", unit, TANH, r"W_{in} x_t + b_{in} + W_{hn} (r_t \odot h_{t-1}) + b_{hn}",
                           [px[2], q], px[2] + q, n))
    else:
        lines.append(_line("n", unit, TANH, r"W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})",
                           [px[2]], px[2] + r * ph[2], n, product=(r, ph[2])))
    lines.append(rf"h_t[{unit}] = (1 - z_t[{unit}])\, n_t[{unit}] + z_t[{unit}]\, h_{{t-1}}[{unit}]"
                 rf" = (1 - {_num(z)}) \cdot {_paren(n)} + {_num(z)} \cdot {_paren(h_prev)}"
                 rf" = {_num((1 - z) * n)} + {_paren(z * h_prev)} = {_num(s['h'][unit])}")
    return lines


def aligned(lines: list[str]) -> str:
    """The lines in one LaTeX aligned block, each split over three rows (symbols, the terms, the rest) to fit a
    column, as on the Step-through page."""
    rows = []
    for line in lines:
        lhs, symbolic, first, *rest = line.split(" = ")
        rows.append(rf"{lhs} &= {symbolic} \\ &= {first}" + (r" \\ &= " + " = ".join(rest) if rest else ""))
    return r"\small\begin{aligned}" + r" \\[6pt] ".join(rows) + r"\end{aligned}"
