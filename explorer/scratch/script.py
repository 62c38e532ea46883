""""Download as a script": a standalone numpy program with one network's weights and one sample that runs the
same forward pass and backpropagation through time as the By hand page and prints the same numbers.

The functions in it are this package's own, copied verbatim (inspect.getsource), so the script is the code
that computed the page's numbers, not a second implementation."""
from __future__ import annotations

import inspect
import pprint

import numpy as np

from . import functions, loop
from .net import Net

HEADER = '''"""{title}

Exported from RNN Explorer's "By hand" page: the network ({what}) with its weights and one sample
written in below.
Run it with `python {filename}` (it needs only numpy). It runs the forward pass, the loss and
backpropagation through time by hand, and prints the loss, every h_t, every total dL/dh_t and every weight's
gradient: the numbers the page shows.

The weights keep PyTorch's names and shapes: W_ih is (G*H, I) and W_hh (G*H, H), the G gate blocks stacked
along dim 0 ({gates}). A batch is a stack of row vectors, so PyTorch's W_ih x is written x @ W_ih.T here; a
tutorial that stores W_xh = W_ih.T, of shape (I, H), writes x @ W_xh: the same numbers.
"""
{imports}import numpy as np
'''

DRIVER = '''
{cell_functions}
steps, outputs = forward_through_time(step_f, layers, head, x)
loss, d_out = {loss}(outputs, y, mask)
grads, head_grads, record = backward_through_time(step_b, layers, head, steps, d_out)

np.set_printoptions(linewidth=110, formatter={{"float_kind": lambda v: f"{{v:.10g}}"}})  # 10 significant digits
print("== loss ==")
print(f"{{loss:.12g}}")
print("== outputs (T, O), the head's y_t ==")
print(outputs[0])
for l in range(len(layers)):
    print(f"== h_t of layer {{l}} (T, H) ==")
    print(np.stack([s["h"][0] for s in steps[l]]))
for l in range(len(layers)):
    print(f"== dL/dh_t of layer {{l}} (T, H), total, by backpropagation through time ==")
    print(np.stack([layers_t[l]["dh"][0] for _, layers_t in record]))
for l, layer_grads in enumerate(grads):
    for name, g in layer_grads.items():
        print(f"== gradient rnn.{{name}}_l{{l}} {{g.shape}} ==")
        print(g)
for name, g in head_grads.items():
    print(f"== gradient head.{{name}} {{g.shape}} ==")
    print(g)
'''


def _literal(a: np.ndarray) -> str:
    """numpy source for `a`, every float written so that it reads back exactly."""
    return f"np.array({pprint.pformat(a.tolist(), width=110, compact=True)})"


def _source(fn) -> str:
    return inspect.getsource(fn).rstrip() + "\n\n"


def filename(net: Net) -> str:
    return f"by_hand_{net.cell}{'_textbook' if net.cell == 'gru' and net.gru_form == 'textbook' else ''}.py"


def export(net: Net, x: np.ndarray, y: np.ndarray, mask: np.ndarray, classification: bool) -> str:
    """The script's text for `net` on the sample x (1, T, I), targets y and mask (1, T)."""
    module = net.cell_module
    helpers = [functions.sigmoid] if net.cell != "rnn" else []
    if net.cell == "peephole":
        helpers += [functions.peep, functions.peep_grad, functions.peep_back]
    loss = loop.cross_entropy_loss if classification else loop.mse_loss
    relu = net.cell == "rnn" and net.nonlinearity == "relu"
    gates = {"rnn": "one block", "lstm": "i, f, g, o", "peephole": "i, f, g, o", "gru": "r, z, n"}[net.cell]
    what = net.describe()
    parts = [HEADER.format(title=f"By hand: {what}, numpy only.", what=what, filename=filename(net),
                           gates=gates, imports="from functools import partial\n\n" if relu else "")]
    parts.append("\n# ---- the cell, one time step forward and backward " + "-" * 50 + "\n")
    parts += [_source(fn) for fn in (*helpers, module.step_forward, module.step_backward)]
    parts.append("\n# ---- the loops over time and layers, the head and the loss " + "-" * 40 + "\n")
    parts.append(f"GRAD_KEY = {loop.GRAD_KEY!r}\n")
    parts += [_source(fn) for fn in (loop.head_forward, loop.head_backward, loop.forward_through_time,
                                     loop.backward_through_time, loss)]
    parts.append("\n# ---- the weights (PyTorch's names and shapes) and the sample " + "-" * 38 + "\n")
    layers = []
    for l in range(net.num_layers):
        entries = "".join(f"        {k!r}: {_literal(w)},  # {w.shape}\n" for k, w in net.layer(l).items())
        layers.append(f"    {{  # layer {l}\n{entries}    }},\n")
    parts.append("layers = [\n" + "".join(layers) + "]\n")
    parts.append("head = {\n" + "".join(f"    {k!r}: {_literal(w)},  # {w.shape}\n" for k, w in net.head.items())
                 + "}\n")
    parts.append(f"x = {_literal(x)}  # (B, T, I)\ny = {_literal(y)}\nmask = {_literal(mask)}  # where the loss counts\n")
    cell_functions = ("step_f, step_b = partial(step_forward, relu=True), partial(step_backward, relu=True)\n"
                      if relu else "step_f, step_b = step_forward, step_backward\n")
    parts.append(DRIVER.format(cell_functions=cell_functions, loss=loss.__name__))
    return "\n".join(parts)
