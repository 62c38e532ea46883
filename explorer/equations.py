"""The equations of each cell in LaTeX, exactly as PyTorch computes them (DESIGN.md)."""
from __future__ import annotations

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
