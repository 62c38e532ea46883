"""The unrolled-network diagram: boxes and arrows counted by name for every (cell, layers, steps)."""
from __future__ import annotations

import itertools
import re

import plotly.graph_objects as go
import pytest

from explorer.views.diagram import MAX_STEPS, natural_width, unrolled_diagram
from explorer.views.style import CELL_COLORS, GATE_COLORS, PRESENTER


def names(items, pattern: str) -> list[str]:
    return [i.name for i in items if i.name and re.fullmatch(pattern, i.name)]


@pytest.mark.parametrize("cell, layers, steps", list(itertools.product(("rnn", "lstm", "gru"), (1, 2, 3, 4), (1, 4, 8))))
def test_counts(cell, layers, steps):
    fig = unrolled_diagram(cell, layers, steps)
    assert isinstance(fig, go.Figure)
    go.Figure(fig.to_dict())  # the builder skips Plotly's validation: validate here (raises on a bad property)
    shapes, notes = fig.layout.shapes, fig.layout.annotations
    assert len(names(shapes, r"cell l\d+ t\d+")) == layers * steps
    assert len(names(shapes, r"input t\d+")) == steps
    assert len(names(shapes, r"output t\d+")) == steps
    # x_t → layer 1 → … → layer L → ŷ_t: L + 1 arrows per step
    assert len(names(notes, r"up l\d+ t\d+")) == steps * (layers + 1)
    # one recurrent arrow into every step (from h_0 into step 1), per layer and lane
    assert len(names(notes, r"h l\d+ t\d+")) == layers * steps
    assert len(names(notes, r"c l\d+ t\d+")) == (layers * steps if cell == "lstm" else 0)
    assert len(names(notes, r"layer \d+")) == layers


def test_arrows_join_neighbouring_boxes():
    """The h arrow into step t starts at the right edge of box t-1 and ends at the left edge of box t."""
    fig = unrolled_diagram("gru", 2, 4)
    box = {s.name: s for s in fig.layout.shapes}
    arrow = {a.name: a for a in fig.layout.annotations}
    for layer, t in itertools.product((1, 2), (2, 3, 4)):
        a = arrow[f"h l{layer} t{t}"]
        assert a.ax == pytest.approx(box[f"cell l{layer} t{t - 1}"].x1)
        assert a.x == pytest.approx(box[f"cell l{layer} t{t}"].x0)
        assert box[f"cell l{layer} t{t}"].y0 < a.y < box[f"cell l{layer} t{t}"].y1
    up = arrow["up l1 t3"]  # layer 1 → layer 2 at step 3
    assert up.ay == pytest.approx(box["cell l1 t3"].y1) and up.y == pytest.approx(box["cell l2 t3"].y0)


def test_lstm_cell_state_is_a_second_lane():
    notes = {a.name: a for a in unrolled_diagram("lstm", 1, 3).layout.annotations}
    h, c = notes["h l1 t2"], notes["c l1 t2"]
    assert h.y > c.y  # two parallel lanes, h above c
    assert h.arrowcolor == GATE_COLORS["h"] and c.arrowcolor == GATE_COLORS["c"]
    assert "c<sub>0</sub>" in notes["c0 l1"].text


def test_cell_colour_and_label():
    fig = unrolled_diagram("rnn", 1, 2)
    cell = next(s for s in fig.layout.shapes if s.name == "cell l1 t1")
    assert cell.line.color == CELL_COLORS["rnn"]
    assert "RNN" in next(a.text for a in fig.layout.annotations if a.name == "name l1 t1")


def test_presenter_sizes_enlarge_the_picture():
    normal, big = unrolled_diagram("lstm", 2), unrolled_diagram("lstm", 2, sizes=PRESENTER)
    assert big.layout.height > normal.layout.height
    assert big.layout.annotations[0].font.size > normal.layout.annotations[0].font.size


@pytest.mark.parametrize("args", [("cnn", 1, 4), ("lstm", 0, 4), ("lstm", 5, 4), ("rnn", 1, 0),
                                  ("rnn", 1, MAX_STEPS + 1)])
def test_bad_arguments_raise_value_error(args):
    with pytest.raises(ValueError):
        unrolled_diagram(*args)


def test_natural_width_grows_with_steps_and_font():
    assert natural_width(8) > natural_width(4) > 0
    assert natural_width(4, PRESENTER) > natural_width(4)


# ---- bidirectional: two chains per layer ------------------------------------------------------------

from explorer.views.diagram import BI_W, bidirectional_diagram  # noqa: E402


@pytest.mark.parametrize("cell, layers, steps", list(itertools.product(("rnn", "lstm", "gru", "peephole"), (1, 2, 4),
                                                                       (1, 4, 8))))
def test_bidirectional_counts(cell, layers, steps):
    fig = bidirectional_diagram(cell, layers, steps)
    shapes, notes = fig.layout.shapes, fig.layout.annotations
    assert len(names(shapes, r"cell l\d+ t\d+")) == layers * steps  # forward chain
    assert len(names(shapes, r"cell l\d+ t\d+ back")) == layers * steps  # backward chain
    assert len(names(shapes, r"input t\d+")) == len(names(shapes, r"output t\d+")) == steps
    for pattern in (r"h l\d+ t\d+", r"hb l\d+ t\d+", r"in l\d+ t\d+", r"inb l\d+ t\d+", r"cat l\d+ t\d+",
                    r"catb l\d+ t\d+"):
        assert len(names(notes, pattern)) == layers * steps, pattern
    has_cell = cell in ("lstm", "peephole")
    assert len(names(notes, r"cb l\d+ t\d+")) == (layers * steps if has_cell else 0)
    assert len(names(notes, r"up l\d+ t\d+")) == steps


def test_the_two_chains_run_in_opposite_directions():
    fig = bidirectional_diagram("gru", 1, 4)
    box = {s.name: s for s in fig.layout.shapes}
    arrow = {a.name: a for a in fig.layout.annotations}
    for t in (2, 3):
        fwd, back = arrow[f"h l1 t{t}"], arrow[f"hb l1 t{t}"]
        assert fwd.ax == pytest.approx(box[f"cell l1 t{t - 1}"].x1) and fwd.x == pytest.approx(box[f"cell l1 t{t}"].x0)
        assert back.ax == pytest.approx(box[f"cell l1 t{t + 1} back"].x0)
        assert back.x == pytest.approx(box[f"cell l1 t{t} back"].x1)
    assert box["cell l1 t1 back"].y0 > box["cell l1 t1"].y1  # the backward chain above the forward one
    assert box["cell l1 t1"].x1 - box["cell l1 t1"].x0 == pytest.approx(BI_W)


def test_arrows_into_the_backward_chain_pass_beside_the_forward_boxes():
    """The arrow from x_t up to the backward box stays right of the forward box it passes."""
    fig = bidirectional_diagram("lstm", 2, 3)
    box = {s.name: s for s in fig.layout.shapes}
    for a in fig.layout.annotations:
        if a.name and re.fullmatch(r"inb l\d t\d", a.name):
            layer, t = a.name.split()[1:]
            fwd = box[f"cell {layer} {t}"]
            y_frac = (fwd.y1 - a.ay) / (a.y - a.ay)  # where the arrow is level with the forward box's top
            assert a.ax + y_frac * (a.x - a.ax) > fwd.x1
