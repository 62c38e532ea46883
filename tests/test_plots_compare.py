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


@pytest.mark.parametrize("log_y", [False, True])
def test_loss_chart_has_one_empty_line_per_architecture_and_the_baseline(log_y):
    lay = pc.loss_chart(("rnn", "bilstm", "cnn"), 1 / 6, "predict 1", log_y, PRESENTER)
    fig = valid(go.Figure(lay))
    assert [t.name for t in fig.data] == ["vanilla RNN", "Bi-LSTM", "1D-CNN", "baseline: predict 1"]  # trace k: stream k
    assert all(len(t.x) == 0 and len(t.y) == 0 for t in fig.data[:3])
    assert fig.data[0].line.color == CELL_COLORS["rnn"] and fig.data[0].line.dash is None
    assert fig.data[1].line.color == CELL_COLORS["lstm"] and fig.data[1].line.dash == "dot"  # Bi: its cell, dotted
    assert fig.data[0].line.width == PRESENTER.line
    base = fig.data[3]
    assert list(base.x) == [0, 1] and list(base.y) == [1 / 6, 1 / 6] and base.xaxis == "x2"  # across the plot
    assert fig.layout.xaxis2.overlaying == "x" and list(fig.layout.xaxis2.range) == [0, 1]
    assert not fig.layout.xaxis2.visible
    assert base.line.dash == "dash" and base.line.color == BASELINE_COLOR
    assert fig.layout.yaxis.type == ("log" if log_y else "linear") and fig.layout.uirevision == "live"


def test_saliency_grid_puts_every_architecture_on_one_colour_scale():
    rng = np.random.default_rng(0)
    panels = {a: rng.uniform(1e-5, 1.0, (3, 6)) for a in ("rnn", "lstm", "gru", "bigru", "cnn")}
    panels["rnn"][0, 5] = 0.0  # exactly zero: blank
    panels["cnn"][:] *= 10     # the largest value of all: the top of every panel's scale
    steps = np.array([0, 2, 5])
    fig = valid(pc.saliency_grid(panels, steps, 6, receptive_field=2, sizes=PRESENTER, lang="en"))
    heat = [t for t in fig.data if t.type == "heatmap"]
    assert [t.name for t in heat] == ["vanilla RNN", "LSTM", "GRU", "Bi-GRU", "1D-CNN"]
    assert {t.coloraxis for t in heat} == {"coloraxis"}  # one shared scale
    top = np.log10(panels["cnn"].max())
    assert fig.layout.coloraxis.cmax == pytest.approx(top) and fig.layout.coloraxis.cmin == pytest.approx(top - 4)
    for t in heat:
        values = panels[{"vanilla RNN": "rnn", "LSTM": "lstm", "GRU": "gru", "Bi-GRU": "bigru", "1D-CNN": "cnn"}[t.name]]
        z = np.asarray(t.z, np.float64)
        with np.errstate(divide="ignore"):
            np.testing.assert_allclose(z[values > 0], np.log10(values[values > 0]), rtol=1e-6)
        assert np.isnan(z[values == 0]).all()
        np.testing.assert_allclose(np.asarray(t.customdata, np.float64), values, rtol=1e-6)
        assert list(t.y) == [1, 3, 6] and list(t.x) == [1, 2, 3, 4, 5, 6]
    edge = next(t for t in fig.data if t.type == "scatter")  # the CNN's receptive field: s = t − r + 1, edge left of it
    assert list(edge.x) == [1 - 2 + 0.5, 3 - 2 + 0.5, 6 - 2 + 0.5] and list(edge.y) == [1, 3, 6]
    assert edge.xaxis == heat[-1].xaxis  # drawn on the CNN's panel
    assert len({t.xaxis for t in heat}) == 5  # five panels (4 in the first row, 1 in the second)


def test_saliency_scale_ignores_zeros_and_nan():
    assert pc.saliency_scale({"a": np.array([[0.0, np.nan, 1e-2]]), "b": np.array([[1e-3]])}) == (-6.0, -2.0)
