"""Independent references for the numpy networks: the textbook GRU and the peephole LSTM written unit by unit in
plain Python (math, no numpy, no matrices) straight from their equations, for one sequence."""
from __future__ import annotations

import math


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a))


def _row(w, k: int, v) -> float:
    """(W v)[k] for a nested-list matrix W and a list v."""
    return sum(w[k][j] * v[j] for j in range(len(v)))


def textbook_gru(p: dict, xs: list[list[float]]) -> list[list[float]]:
    """h_t for t = 1..T of one layer: r, z as in nn.GRU, n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)."""
    w_ih, w_hh, b_ih, b_hh = (p[k].tolist() for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    n_units = len(w_hh[0])
    h, out = [0.0] * n_units, []
    for x in xs:
        def gate(block: int, unit: int, state) -> float:  # W_i· x + b_i· + W_h· state + b_h·, one unit
            row = block * n_units + unit
            return _row(w_ih, row, x) + b_ih[row] + _row(w_hh, row, state) + b_hh[row]

        r = [_sigmoid(gate(0, k, h)) for k in range(n_units)]
        z = [_sigmoid(gate(1, k, h)) for k in range(n_units)]
        rh = [r[j] * h[j] for j in range(n_units)]
        n = [math.tanh(gate(2, k, rh)) for k in range(n_units)]
        h = [(1 - z[k]) * n[k] + z[k] * h[k] for k in range(n_units)]
        out.append(h)
    return out


def peephole_lstm(p: dict, xs: list[list[float]]) -> tuple[list[list[float]], list[list[float]]]:
    """(h_t, c_t) for t = 1..T of one layer (Gers, Schraudolph & Schmidhuber 2002): i, f see c_{t−1}, o sees c_t,
    through diagonal peepholes (H,) or full ones (H, H)."""
    w_ih, w_hh, b_ih, b_hh = (p[k].tolist() for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    n_units = len(w_hh[0])
    peeps = {k: p[f"weight_c{k}"].tolist() for k in "ifo"}

    def peep(k: str, unit: int, c: list[float]) -> float:
        w = peeps[k]
        return _row(w, unit, c) if isinstance(w[0], list) else w[unit] * c[unit]

    def pre(block: int, unit: int, x, h) -> float:
        row = block * n_units + unit
        return _row(w_ih, row, x) + b_ih[row] + _row(w_hh, row, h) + b_hh[row]

    h, c, hs, cs = [0.0] * n_units, [0.0] * n_units, [], []
    for x in xs:
        i = [_sigmoid(pre(0, k, x, h) + peep("i", k, c)) for k in range(n_units)]
        f = [_sigmoid(pre(1, k, x, h) + peep("f", k, c)) for k in range(n_units)]
        g = [math.tanh(pre(2, k, x, h)) for k in range(n_units)]
        c_new = [f[k] * c[k] + i[k] * g[k] for k in range(n_units)]
        o = [_sigmoid(pre(3, k, x, h) + peep("o", k, c_new)) for k in range(n_units)]
        h = [o[k] * math.tanh(c_new[k]) for k in range(n_units)]
        c = c_new
        hs.append(h)
        cs.append(c)
    return hs, cs
