"""A picture of a recurrent network unrolled in time: one box per layer per step, the state arrows between.

Drawn entirely with layout shapes (boxes) and annotations (arrows, labels), no traces, so it is cheap
and can be shown as a static image. The figure is built from plain dicts without Plotly's validation (it
was ~30 % of a page view on Home and Build); tests/test_diagram.py validates every shape the builder makes. Every box and arrow carries a `name` (e.g. "cell l1 t2", "h l1 t2")
so that tests can count them.

Coordinates: time step t = 1..steps is column x = t; row y = 0 holds the inputs x_t, rows y = 1..L
the layers, row y = L + 1 the outputs ŷ_t. The initial states h_0 (and c_0) enter from the left.

A bidirectional network (`bidirectional_diagram`) draws each layer as two chains: the forward one (below,
arrows to the right, h→_0 entering from the left) and the backward one (above, arrows to the left, h←_{T+1}
entering from the right); the layer's input fans out to both, and both meet again in [h→_t; h←_t].
"""
from __future__ import annotations

import plotly.graph_objects as go

from ..config import CELLS, MAX_LAYERS, check_choice, check_int
from ..i18n import tr
from .style import BASELINE_COLOR, CELL_COLORS, GATE_COLORS, NORMAL, Sizes, figure, layout

CELL_LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "peephole": "LSTM+"}
MAX_STEPS = 8

CELL_W, CELL_H = 0.56, 0.5  # a layer box, in data units
IO_W, IO_H = 0.34, 0.34     # an input or output box
LANE = 0.11                 # LSTM: h runs this far above the box centre, c this far below


def _tint(hex_color: str, alpha: float) -> str:
    """`hex_color` ("#RRGGBB") as an rgba() string with opacity `alpha`."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _box(name: str, x: float, y: float, w: float, h: float, line: str, fill: str, width: float) -> dict:
    return dict(type="rect", name=name, xref="x", yref="y", x0=x - w / 2, x1=x + w / 2,
                y0=y - h / 2, y1=y + h / 2, line=dict(color=line, width=width), fillcolor=fill, layer="below")


def _arrow(name: str, tail: tuple[float, float], head: tuple[float, float], color: str, width: float) -> dict:
    return dict(name=name, x=head[0], y=head[1], ax=tail[0], ay=tail[1], xref="x", yref="y", axref="x",
                ayref="y", text="", showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=width,
                arrowcolor=color)


def _label(name: str, x: float, y: float, text: str, size: int, color: str = "#000000", **kw) -> dict:
    return dict(name=name, x=x, y=y, xref="x", yref="y", text=text, showarrow=False,
                font=dict(size=size, color=color), **kw)


def natural_width(steps: int, sizes: Sizes = NORMAL) -> int:
    """Pixels at which the diagram of `steps` steps looks right: wider stretches the boxes."""
    return sizes.font * (11 * steps + 12)


def unrolled_diagram(cell: str, num_layers: int, steps: int = 4, sizes: Sizes = NORMAL, lang: str = "en"
                     ) -> go.Figure:
    """The network of `num_layers` stacked `cell` layers unrolled over `steps` time steps (its words in `lang`).

    Boxes: `steps` inputs, `num_layers * steps` cells, `steps` outputs. Arrows: per layer, `steps`
    recurrent h arrows (h_0 → step 1, ..., h_{T-1} → step T), for LSTM as many c arrows in a second
    lane, and `steps * (num_layers + 1)` upward arrows (x_t → layer 1 → ... → layer L → ŷ_t).
    """
    check_choice("cell", cell, CELLS)
    check_int("num_layers", num_layers, 1, MAX_LAYERS)
    check_int("steps", steps, 1, MAX_STEPS)
    color = CELL_COLORS[cell]
    h_color, c_color = GATE_COLORS["h"], GATE_COLORS["c"]
    width = sizes.line
    small = sizes.font
    top = num_layers + 1
    lanes = [("h", h_color, LANE), ("c", c_color, -LANE)] if cell in ("lstm", "peephole") else [("h", h_color, 0.0)]

    shapes, notes = [], []
    for t in range(1, steps + 1):
        shapes.append(_box(f"input t{t}", t, 0, IO_W, IO_H, GATE_COLORS["x"], "#FFFFFF", width))
        notes.append(_label(f"x t{t}", t, 0, f"x<sub>{t}</sub>", small + 2))
        shapes.append(_box(f"output t{t}", t, top, IO_W, IO_H, BASELINE_COLOR, "#FFFFFF", width))
        notes.append(_label(f"y t{t}", t, top, f"ŷ<sub>{t}</sub>", small + 2))
        for y in range(num_layers + 1):  # x_t → layer 1, layer l → layer l+1, layer L → ŷ_t
            below = IO_H / 2 if y == 0 else CELL_H / 2
            above = IO_H / 2 if y == num_layers else CELL_H / 2
            notes.append(_arrow(f"up l{y} t{t}", (t, y + below), (t, y + 1 - above), BASELINE_COLOR, width))

    for layer in range(1, num_layers + 1):
        notes.append(_label(f"layer {layer}", 0.2, layer, tr("layer {n}", lang, n=layer), small, xanchor="right"))
        for t in range(1, steps + 1):
            shapes.append(_box(f"cell l{layer} t{t}", t, layer, CELL_W, CELL_H, color, _tint(color, 0.12), width))
            notes.append(_label(f"name l{layer} t{t}", t, layer, f"<b>{CELL_LABELS[cell]}</b>", small + 1))
            for lane, lane_color, dy in lanes:
                tail = (0.45 if t == 1 else t - 1 + CELL_W / 2, layer + dy)
                notes.append(_arrow(f"{lane} l{layer} t{t}", tail, (t - CELL_W / 2, layer + dy), lane_color, width))
        for lane, lane_color, dy in lanes:
            notes.append(_label(f"{lane}0 l{layer}", 0.42, layer + dy, f"{lane}<sub>0</sub>", small, lane_color,
                                xanchor="right"))
            notes.append(_arrow(f"{lane} l{layer} out", (steps + CELL_W / 2, layer + dy),
                                (steps + 0.62, layer + dy), lane_color, width))
        notes.append(_label(f"more l{layer}", steps + 0.66, layer, "⋯", small + 4, xanchor="left"))

    row_px = 5 * sizes.font  # a row of boxes and its arrows
    lay = layout(
        sizes,
        height=row_px * (num_layers + 2) + 20,
        margin=dict(l=10, r=10, t=10, b=10),
        shapes=shapes,
        annotations=notes,
        showlegend=False,
        xaxis=dict(range=[-0.45, steps + 0.95], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.3, top + 0.3], visible=False, fixedrange=True),
        plot_bgcolor="#FFFFFF",
    )
    return figure([], lay)


# Bidirectional: per layer a forward row below and a backward row above, the two boxes of a step offset
# sideways so that the arrows feeding the upper chain pass beside the lower one.
BI_ROW = 1.9               # vertical distance between layers (layer 1's centre at y = 1)
BI_W, BI_H = 0.44, 0.36    # a chain's box
BI_SHIFT = 0.15            # forward boxes sit this far left of the column, backward ones this far right
BI_GAP = 0.3               # each chain's row this far below (forward) or above (backward) the layer's centre
BI_JOINT = 0.9             # [h→_t; h←_t] this far above the layer's centre
BI_LANE = 0.08             # LSTM: h and c lanes inside a chain


def bidirectional_diagram(cell: str, num_layers: int, steps: int = 4, sizes: Sizes = NORMAL, lang: str = "en"
                          ) -> go.Figure:
    """A bidirectional network of `num_layers` layers unrolled over `steps` steps (its words in `lang`).

    Boxes: `steps` inputs and outputs; per layer and step a forward box "cell l{k} t{t}" and a backward box
    "cell l{k} t{t} back". Arrows, per layer: `steps` forward h arrows "h l{k} t{t}" (from h→_0 into step 1, …)
    and `steps` backward ones "hb l{k} t{t}" (from the later steps, drawn as ⋯, into the last one shown, …), as
    many c arrows ("c …", "cb …") for an LSTM; per step and layer two arrows into the chains ("in l{k} t{t}", "inb l{k} t{t}") and two out of them
    into the concatenation [h→_t; h←_t] ("cat l{k} t{t}", "catb l{k} t{t}"), and one from the top layer's
    concatenation to ŷ_t ("up l{L} t{t}").
    """
    check_choice("cell", cell, CELLS)
    check_int("num_layers", num_layers, 1, MAX_LAYERS)
    check_int("steps", steps, 1, MAX_STEPS)
    color, width, small = CELL_COLORS[cell], sizes.line, sizes.font
    h_color, c_color = GATE_COLORS["h"], GATE_COLORS["c"]
    lanes = [("h", h_color, BI_LANE), ("c", c_color, -BI_LANE)] if cell in ("lstm", "peephole") else [("h", h_color, 0.0)]
    top = 1 + (num_layers - 1) * BI_ROW + BI_JOINT + 0.5  # the outputs' row
    shapes, notes = [], []

    def centre(layer: int) -> float:
        return 1 + (layer - 1) * BI_ROW

    def row(layer: int, back: bool) -> float:
        return centre(layer) + (BI_GAP if back else -BI_GAP)

    for t in range(1, steps + 1):
        shapes.append(_box(f"input t{t}", t, 0, IO_W, IO_H, GATE_COLORS["x"], "#FFFFFF", width))
        notes.append(_label(f"x t{t}", t, 0, f"x<sub>{t}</sub>", small + 2))
        shapes.append(_box(f"output t{t}", t, top, IO_W, IO_H, BASELINE_COLOR, "#FFFFFF", width))
        notes.append(_label(f"y t{t}", t, top, f"ŷ<sub>{t}</sub>", small + 2))
        source = IO_H / 2  # where the layer's input leaves: the top of x_t, then each concatenation point
        for layer in range(1, num_layers + 1):
            fwd, bwd = row(layer, False), row(layer, True)
            notes.append(_arrow(f"in l{layer} t{t}", (t - 0.04, source), (t - BI_SHIFT, fwd - BI_H / 2), BASELINE_COLOR, width))
            notes.append(_arrow(f"inb l{layer} t{t}", (t + 0.04, source), (t + BI_SHIFT + 0.13, bwd - BI_H / 2),
                                BASELINE_COLOR, width))
            joint = centre(layer) + BI_JOINT  # [h→_t; h←_t]
            notes.append(_arrow(f"cat l{layer} t{t}", (t - BI_SHIFT - 0.12, fwd + BI_H / 2), (t - 0.03, joint),
                                BASELINE_COLOR, width))
            notes.append(_arrow(f"catb l{layer} t{t}", (t + BI_SHIFT, bwd + BI_H / 2), (t + 0.03, joint),
                                BASELINE_COLOR, width))
            source = joint
        notes.append(_arrow(f"up l{num_layers} t{t}", (t, source), (t, top - IO_H / 2), BASELINE_COLOR, width))

    for layer in range(1, num_layers + 1):
        notes.append(_label(f"layer {layer}", 0.2, centre(layer), tr("layer {n}", lang, n=layer), small,
                            xanchor="right"))
        for back, suffix, arrow in ((False, "", "→"), (True, "b", "←")):
            y, x_shift = row(layer, back), BI_SHIFT if back else -BI_SHIFT
            for t in range(1, steps + 1):
                name = f"cell l{layer} t{t}" + (" back" if back else "")
                shapes.append(_box(name, t + x_shift, y, BI_W, BI_H, color, _tint(color, 0.22 if back else 0.1), width))
                notes.append(_label(f"name l{layer} t{t}{' back' if back else ''}", t + x_shift, y, f"<b>{arrow}</b>",
                                    small + 4))  # the cell is named on the page; the box says which way it reads
                for lane, lane_color, dy in lanes:
                    if back:  # from the box of step t + 1 (or from beyond the last step) into step t, leftwards
                        tail = (steps + 0.55 if t == steps else t + 1 + x_shift - BI_W / 2, y + dy)
                        head = (t + x_shift + BI_W / 2, y + dy)
                    else:
                        tail = (0.45 if t == 1 else t - 1 + x_shift + BI_W / 2, y + dy)
                        head = (t + x_shift - BI_W / 2, y + dy)
                    notes.append(_arrow(f"{lane}{suffix} l{layer} t{t}", tail, head, lane_color, width))
            for lane, lane_color, dy in lanes:
                if back:  # the backward chain comes from the later steps (from zero after the last one)
                    continue
                notes.append(_label(f"{lane}0 l{layer}", 0.42, y + dy, f"{lane}→<sub>0</sub>", small, lane_color,
                                    xanchor="right"))
                notes.append(_arrow(f"{lane} l{layer} out", (steps + x_shift + BI_W / 2, y + dy),
                                    (steps + 0.55, y + dy), lane_color, width))
        notes.append(_label(f"more l{layer}", steps + 0.6, centre(layer), "⋯", small + 4, xanchor="left"))

    unit_px = 5 * sizes.font  # one unit of y
    lay = layout(
        sizes,
        height=int(unit_px * (top + 0.6)) + 20,
        margin=dict(l=10, r=10, t=10, b=10),
        shapes=shapes,
        annotations=notes,
        showlegend=False,
        xaxis=dict(range=[-0.45, steps + 1.05], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.3, top + 0.3], visible=False, fixedrange=True),
        plot_bgcolor="#FFFFFF",
    )
    return figure([], lay)
