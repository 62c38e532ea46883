"""`Net`: a multi-layer recurrent network in numpy (float64) with its weights under PyTorch's names, a forward
pass that keeps every intermediate (`Cache`) and a hand-written backward pass through time (`Backward`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..i18n import tr
from . import gru, gru_textbook, lstm, peephole, rnn
from .loop import backward_through_time, forward_through_time

CELLS = ("rnn", "lstm", "gru", "peephole")
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3, "peephole": 4}  # blocks stacked along dim 0 of W_ih, W_hh
GRU_FORMS = ("pytorch", "textbook")
PEEPHOLES = ("weight_ci", "weight_cf", "weight_co")
RECURRENT = re.compile(r"rnn\.(\w+)_l(\d+)")


@dataclass
class Cache:
    """Everything a forward pass computed (zero initial state; no dropout)."""

    x: np.ndarray              # (B, T, I)
    outputs: np.ndarray        # (B, T, O): the head at every step
    hidden: np.ndarray         # (L, B, T, H): h_t of every layer
    cell: np.ndarray | None    # (L, B, T, H): c_t of every layer (LSTM, peephole), else None
    steps: list[list[dict]]    # steps[l][t]: every intermediate of layer l at step t, each (B, ·)


@dataclass
class Backward:
    """Everything a backward pass computed."""

    grads: dict[str, np.ndarray]   # ∂L/∂θ, keyed like model.named_parameters()
    dh: np.ndarray                 # (L, B, T, H): total ∂L/∂h_t of every layer and step
    dc: np.ndarray | None          # (L, B, T, H): total ∂L/∂c_t (LSTM, peephole), else None
    record: list[tuple[dict, list[dict]]]  # record[t]: (the head's step dict, each layer's step_backward dict)


def describe(cell: str, nonlinearity: str, num_layers: int, hidden_size: int, gru_form: str = "pytorch",
             lang: str = "en") -> str:
    """E.g. "LSTM, 1 layer × 4 units", "relu RNN, 2 layers × 8 units", "GRU (the textbook form), ..." (in `lang`)."""
    name = {"rnn": f"{nonlinearity} RNN", "lstm": "LSTM", "peephole": tr("peephole LSTM", lang),
            "gru": tr("GRU (the textbook form)", lang) if gru_form == "textbook" else "GRU"}[cell]
    if num_layers == 1:
        return tr("{name}, 1 layer × {units} units", lang, name=name, units=hidden_size)
    return tr("{name}, {layers} layers × {units} units", lang, name=name, layers=num_layers, units=hidden_size)


class Net:
    """A numpy copy of the app's RecurrentModel: `cell` ("rnn" | "lstm" | "gru" | "peephole") over
    `num_layers` layers, then a linear head at every step. `params` are float64 arrays keyed and shaped exactly
    as model.named_parameters() ("rnn.weight_ih_l0" (G·H, I), ..., "head.weight" (O, H), "head.bias" (O,)).
    `nonlinearity`: the vanilla RNN's "tanh" | "relu". `gru_form`: "pytorch" (nn.GRU, r ⊙ (W_hn h + b_hn)) or
    "textbook" (W_hn (r ⊙ h)), on the same weights."""

    def __init__(self, params: dict[str, np.ndarray], cell: str, nonlinearity: str = "tanh",
                 gru_form: str = "pytorch"):
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}; got {cell!r}")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be tanh or relu; got {nonlinearity!r}")
        if gru_form not in GRU_FORMS:
            raise ValueError(f"gru_form must be one of {', '.join(GRU_FORMS)}; got {gru_form!r}")
        self.cell, self.nonlinearity, self.gru_form = cell, nonlinearity, gru_form
        self.params = {name: np.array(w, dtype=np.float64) for name, w in params.items()}
        _check_params(self.params, cell)

    @property
    def num_layers(self) -> int:
        return sum(name.startswith("rnn.weight_ih_l") for name in self.params)

    @property
    def hidden_size(self) -> int:
        return self.params["rnn.weight_hh_l0"].shape[1]  # (G·H, H)

    @property
    def input_size(self) -> int:
        return self.params["rnn.weight_ih_l0"].shape[1]

    @property
    def output_size(self) -> int:
        return self.params["head.weight"].shape[0]

    def layer(self, l: int) -> dict[str, np.ndarray]:
        """Layer l's weights under their names without the layer suffix ("weight_ih", ...): views, not copies."""
        return {m[1]: w for name, w in self.params.items() if (m := RECURRENT.fullmatch(name)) and int(m[2]) == l}

    @property
    def head(self) -> dict[str, np.ndarray]:
        return {"weight": self.params["head.weight"], "bias": self.params["head.bias"]}

    @property
    def cell_module(self):
        """The module whose step_forward / step_backward this network runs."""
        if self.cell == "gru":
            return gru_textbook if self.gru_form == "textbook" else gru
        return {"rnn": rnn, "lstm": lstm, "peephole": peephole}[self.cell]

    def step_functions(self):
        """(step_forward, step_backward) of this network's cell (the ReLU RNN's with relu=True)."""
        fwd, bwd = self.cell_module.step_forward, self.cell_module.step_backward
        if self.cell == "rnn" and self.nonlinearity == "relu":
            return partial(fwd, relu=True), partial(bwd, relu=True)
        return fwd, bwd

    def forward(self, x) -> Cache:
        """Run x (B, T, I) through the network; the cache keeps what the backward pass needs."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 3 or x.shape[-1] != self.input_size:
            raise ValueError(f"x must have shape (B, T, {self.input_size}), got {x.shape}")
        layers = [self.layer(l) for l in range(self.num_layers)]
        steps, outputs = forward_through_time(self.step_functions()[0], layers, self.head, x)
        hidden = np.stack([np.stack([s["h"] for s in row], axis=1) for row in steps])  # (L, B, T, H)
        cell = np.stack([np.stack([s["c"] for s in row], axis=1) for row in steps]) if "c" in steps[0][0] else None
        return Cache(x=x, outputs=outputs, hidden=hidden, cell=cell, steps=steps)

    def backward(self, cache: Cache, d_out) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Backpropagate d_out = ∂L/∂outputs (B, T, O): (grads keyed like model.named_parameters(), dh (L, B, T, H))."""
        back = self.backward_full(cache, d_out)
        return back.grads, back.dh

    def backward_full(self, cache: Cache, d_out) -> Backward:
        """As `backward`, with ∂L/∂c_t and every step's derivatives as well."""
        d_out = np.asarray(d_out, dtype=np.float64)
        if d_out.shape != cache.outputs.shape:
            raise ValueError(f"d_out must have the outputs' shape {cache.outputs.shape}, got {d_out.shape}")
        layers = [self.layer(l) for l in range(self.num_layers)]
        layer_grads, head_grads, record = backward_through_time(self.step_functions()[1], layers, self.head,
                                                                cache.steps, d_out)
        grads = {}
        for name in self.params:  # model.named_parameters()'s order
            m = RECURRENT.fullmatch(name)
            grads[name] = layer_grads[int(m[2])][m[1]] if m else head_grads[name.removeprefix("head.")]

        def per_step(key: str) -> np.ndarray:  # (L, B, T, H)
            return np.stack([np.stack([layers_t[l][key] for _, layers_t in record], axis=1)
                             for l in range(self.num_layers)])

        return Backward(grads=grads, dh=per_step("dh"), dc=per_step("dc") if cache.cell is not None else None,
                        record=record)

    def describe(self, lang: str = "en") -> str:
        return describe(self.cell, self.nonlinearity, self.num_layers, self.hidden_size, self.gru_form, lang)

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of the weights, keyed like model.named_parameters()."""
        return {name: w.copy() for name, w in self.params.items()}

    def replace(self, **changes) -> Net:
        """A new network with a copy of these weights and some settings changed (e.g. gru_form="textbook")."""
        kw = dict(cell=self.cell, nonlinearity=self.nonlinearity, gru_form=self.gru_form) | changes
        return Net(self.params, **kw)


def _check_params(params: dict[str, np.ndarray], cell: str) -> None:
    """ValueError naming the first weight that is missing, unknown or of the wrong shape."""
    n_layers = sum(name.startswith("rnn.weight_ih_l") for name in params)
    if n_layers == 0 or "rnn.weight_hh_l0" not in params:
        raise ValueError("no recurrent weights: expected rnn.weight_ih_l0, rnn.weight_hh_l0, ...")
    rows = params["rnn.weight_hh_l0"].shape[0]  # G·H: the gate blocks stacked along dim 0
    if rows % BLOCKS[cell]:
        raise ValueError(f"rnn.weight_hh_l0 has {rows} rows; a {cell} stacks {BLOCKS[cell]} blocks of H rows")
    hidden = rows // BLOCKS[cell]
    g = BLOCKS[cell] * hidden
    want = {}
    for l in range(n_layers):
        inputs = params["rnn.weight_ih_l0"].shape[-1] if l == 0 else hidden
        want |= {f"rnn.weight_ih_l{l}": (g, inputs), f"rnn.weight_hh_l{l}": (g, hidden),
                 f"rnn.bias_ih_l{l}": (g,), f"rnn.bias_hh_l{l}": (g,)}
        if cell == "peephole":
            full = params.get(f"rnn.weight_ci_l{l}", np.zeros(0)).ndim == 2
            want |= {f"rnn.{k}_l{l}": (hidden, hidden) if full else (hidden,) for k in PEEPHOLES}
    outputs = params["head.bias"].shape[0] if params.get("head.bias", np.zeros(0)).ndim == 1 else 1
    want |= {"head.weight": (outputs, hidden), "head.bias": (outputs,)}
    unknown = sorted(set(params) - set(want))
    if unknown:
        why = " (bidirectional networks are not written in numpy here)" if any("reverse" in u for u in unknown) else ""
        raise ValueError(f"unexpected weight(s) for a {cell} network: {', '.join(unknown)}{why}")
    for name, shape in want.items():
        if name not in params:
            raise ValueError(f"missing weight {name} {shape}")
        if params[name].shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {params[name].shape}")
