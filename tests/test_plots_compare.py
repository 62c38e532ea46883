"""The Compare page's figures: valid Plotly (the builders skip validation), every plotted number from its input."""
import numpy as np
import plotly.graph_objects as go
import pytest

from explorer.training.compare import SweepPoint
from explorer.views import plots_compare as pc
from explorer.views.style import BASELINE_COLOR, CELL_COLORS, PRESENTER


def valid(fig: go.Figure) -> go.Figure:
    """The builders skip Plotly's validation for speed: validate here (raises on any bad property)."""
    go.Figure(fig.to_dict())
    return fig


def trace(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


@pytest.mark.parametrize("log_y", [False, True])
def test_loss_overlay_keeps_the_finite_points_and_draws_the_baseline(log_y):
    curves = {"rnn": (np.arange(1, 6), np.array([1.0, np.nan, 0.5, np.inf, -1.0])),
              "gru": (np.arange(1, 4), np.array([0.9, 0.4, 0.1]))}
    fig = valid(pc.loss_overlay(curves, 1 / 6, "predict 1", log_y, PRESENTER))
    rnn = trace(fig, "vanilla RNN")
    keep = [0, 2] + ([] if log_y else [4])  # NaN and Inf dropped; the negative value too on a log axis
    assert rnn.x.tolist() == [int(curves["rnn"][0][i]) for i in keep]
    assert rnn.y.tolist() == [float(curves["rnn"][1][i]) for i in keep]
    assert rnn.line.color == CELL_COLORS["rnn"] and rnn.line.width == PRESENTER.line
    base = trace(fig, "baseline: predict 1")
    assert base.x.tolist() == [0, 5] and base.y.tolist() == [1 / 6, 1 / 6]  # spans the longest curve
    assert base.line.dash == "dash" and base.line.color == BASELINE_COLOR
    assert fig.layout.yaxis.type == ("log" if log_y else "linear")


def test_loss_overlay_before_any_step():
    fig = valid(pc.loss_overlay({"lstm": (np.zeros(0, dtype=np.int64), np.zeros(0))}, 0.5, "x"))
    assert len(trace(fig, "LSTM").x) == 0 and trace(fig, "baseline: x").x.tolist() == [0, 1]


def test_grad_overlay_is_on_log_axes_over_t_from_1():
    g = np.array([1e-3, 0.0, np.inf, 2.0])
    fig = valid(pc.grad_overlay({"lstm": g, "gru": np.ones(3)}))
    assert trace(fig, "LSTM").x.tolist() == [1, 4] and trace(fig, "LSTM").y.tolist() == [1e-3, 2.0]
    assert trace(fig, "GRU").x.tolist() == [1, 2, 3]
    assert fig.layout.yaxis.type == "log"


def test_horizon_figure_one_line_per_cell_in_order_of_length():
    pts = [SweepPoint("rnn", 10, 0.5, 1.0, 50, False), SweepPoint("lstm", 10, 0.1, 0.5, 50, False),
           SweepPoint("rnn", 100, 0.9, 0.45, 50, False)]
    fig = valid(pc.horizon_figure(pts))
    rnn = trace(fig, "vanilla RNN")
    assert rnn.x.tolist() == [10, 100] and rnn.y.tolist() == pytest.approx([0.5, 2.0])  # final loss / baseline
    assert trace(fig, "LSTM").y.tolist() == pytest.approx([0.2])
    assert rnn.mode == "lines+markers"
    assert trace(fig, "baseline: learnt nothing").x.tolist() == [10, 100]
    assert fig.layout.xaxis.type == "log"
    assert len(valid(pc.horizon_figure([])).data) == 1  # no run done yet: the baseline alone
