"""The Train page's figures: every plotted number against an independent computation."""
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.training.live import train_chunk
from explorer.views import plots_train as pt


@pytest.fixture(scope="module")
def trained():
    """An LSTM trained 60 steps with tight norm clipping, probed every 10 steps; and every StepStats."""
    lab = make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="adding", seq_len=30),
                   TrainConfig(batch_size=8, probe_every=10, clip="norm", clip_threshold=0.3, lr=0.01))
    return lab, train_chunk(lab, 60, math.inf)


def valid(fig: go.Figure) -> go.Figure:
    """The builders skip plotly's validation for speed: validate here (raises on any bad property)."""
    go.Figure(fig.to_dict())
    return fig


def trace(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


def test_finite_xy_drops_non_finite_and_non_positive_on_log():
    x, y = pt.finite_xy(np.arange(5), np.array([1.0, np.nan, -2.0, np.inf, 0.0]))
    assert x.tolist() == [0, 2, 4] and y.tolist() == [1.0, -2.0, 0.0]
    x, y = pt.finite_xy(np.arange(5), np.array([1.0, np.nan, -2.0, np.inf, 0.0]), log=True)
    assert x.tolist() == [0] and y.tolist() == [1.0]


def test_loss_figure(trained):
    lab, out = trained
    s = lab.history.scalars()
    s["loss"][5] = np.nan  # a diverged step: dropped, the rest kept
    fig = valid(pt.loss_figure(s, lab.task.baseline, lab.task.baseline_label, "MSE"))
    loss = trace(fig, "loss")
    keep = [st.step for st in out if st.step != 6]
    np.testing.assert_array_equal(loss.x, keep)
    np.testing.assert_allclose(loss.y, [st.loss for st in out if st.step != 6])
    base = trace(fig, f"baseline: {lab.task.baseline_label}")
    assert base.y.tolist() == [1 / 6, 1 / 6] and base.x.tolist() == [1, 60]  # Var(U1 + U2) = 2/12
    np.testing.assert_allclose(trace(fig, "MSE").y, [st.metrics["MSE"] for st in out])
    assert trace(fig, "MSE").yaxis == "y2" and fig.layout.yaxis.type == "linear"
    assert valid(pt.loss_figure(s, 0.5, "x", None, log_y=True)).layout.yaxis.type == "log"
    assert len(valid(pt.loss_figure({}, 0.5, "x")).data) == 2  # nothing trained yet: the baseline alone


def regions_by_hand(g):
    """The definition, one t at a time: compare with the steps after it."""
    t_len = len(g)
    van, exp = np.zeros(t_len, bool), np.zeros(t_len, bool)
    for t in range(t_len):
        if not math.isfinite(g[t]):
            continue
        later = [v for v in g[t:] if math.isfinite(v) and v > 0]
        if later:
            van[t] = g[t] < 1e-6 * max(later)
            exp[t] = g[t] > 1e3 * min(later)
    return van, exp


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(1e-12, 1e12), st.just(0.0), st.just(math.nan), st.just(math.inf)),
                min_size=1, max_size=40))
def test_gradient_regions_match_the_definition(g):
    van, exp = pt.gradient_regions(np.array(g))
    want_van, want_exp = regions_by_hand(g)
    np.testing.assert_array_equal(van, want_van)
    np.testing.assert_array_equal(exp, want_exp)


def test_intervals():
    assert pt.intervals(np.array([1, 1, 0, 1, 0, 0, 1, 1, 1], bool)) == [(0, 1), (3, 3), (6, 8)]
    assert pt.intervals(np.zeros(4, bool)) == []


def test_gradient_curve_marks_vanished_and_exploded_steps():
    vanishing = 10.0 ** np.arange(-9, 1)            # t = 1..10: 1e-9 ... 1; t = 1..3 below 1e-6 of t = 10
    exploding = 10.0 ** np.arange(9, -1, -1.0)      # 1e9 ... 1: t = 1..6 (1e9 ... 1e4) above 1e3 × the last
    fig = valid(pt.gradient_curve_figure(np.stack([vanishing, exploding]), 40))
    np.testing.assert_array_equal(fig.data[0].x, np.arange(1, 11))
    np.testing.assert_array_equal(fig.data[1].y, exploding)
    rects = {(s.name, s.x0, s.x1) for s in fig.layout.shapes}
    assert rects == {("vanished (layer 1)", 0.5, 3.5), ("exploded (layer 2)", 0.5, 6.5)}
    assert "step 40" in fig.layout.title.text
    assert valid(pt.gradient_curve_figure(None, None)).data == ()


def test_gradient_curve_of_a_real_probe(trained):
    lab, out = trained
    probe = lab.history.latest_probe
    fig = valid(pt.gradient_curve_figure(probe.hidden_grad_norms, probe.step))
    np.testing.assert_allclose(fig.data[0].y, lab.trainer.probe()[0], rtol=1e-6)  # probed after step 60
    assert probe.step == 60


def test_heatmap_is_log10_of_the_probes(trained):
    lab, out = trained
    steps, norms = lab.history.probe_matrix(0)
    fig = valid(pt.gradient_heatmap_figure(steps, norms))
    heat = fig.data[0]
    probes = [st for st in out if st.hidden_grad_norms is not None]
    np.testing.assert_array_equal(heat.y, [st.step for st in probes])
    np.testing.assert_allclose(heat.z, [[math.log10(v) for v in st.hidden_grad_norms[0]] for st in probes])
    np.testing.assert_array_equal(heat.x, np.arange(1, 31))
    z = pt.log10_norms(np.array([[1.0, 0.0, np.nan, np.inf, 100.0]]))
    assert z[0, 0] == 0 and z[0, 4] == 2 and np.isnan(z[0, 1:4]).all()
    assert valid(pt.gradient_heatmap_figure(np.zeros(0), np.zeros((0, 0)))).data == ()


def test_clipping_markers_are_exactly_the_clipped_steps(trained):
    lab, out = trained
    fig = valid(pt.global_norm_figure(lab.history.scalars(), "norm", 0.3))
    clipped = [st for st in out if st.clipped]
    assert 0 < len(clipped) < len(out)  # some steps clipped, some not: the test can tell
    np.testing.assert_array_equal(trace(fig, "clipped").x, [st.step for st in clipped])
    np.testing.assert_allclose(trace(fig, "clipped").y, [st.grad_norm for st in clipped])
    np.testing.assert_allclose(trace(fig, "before clipping").y, [st.grad_norm for st in out])
    after = [min(st.grad_norm, 0.3 * st.grad_norm / (st.grad_norm + 1e-6)) for st in out]  # clip_grad_norm_'s rule
    np.testing.assert_allclose(trace(fig, "after clipping").y, after, rtol=1e-6)
    assert trace(fig, "θ = 0.3").y.tolist() == [0.3, 0.3]
    assert "θ = 0.3" not in [t.name for t in pt.global_norm_figure(lab.history.scalars(), "none", 0.3).data]


def test_param_norms(trained):
    lab, out = trained
    fig = valid(pt.param_norms_figure(lab.history.scalars()))
    names = [n for n, _ in lab.model.named_parameters()]
    assert [t.name for t in fig.data] == [n.removeprefix("rnn.") for n in names]
    for t, n in zip(fig.data, names):
        np.testing.assert_allclose(t.y, [st.param_grad_norms[n] for st in out])


def test_spectrum_series_and_eigenvalue_plane(trained):
    lab, out = trained
    steps, sigma = lab.history.sigma_series()
    _, radius = lab.history.radius_series()
    fig = valid(pt.spectral_figure(steps, sigma, radius, 1.0))
    w = lab.model.rnn.weight_hh_l0.detach().double().numpy().reshape(4, 8, 8)  # LSTM blocks i, f, g, o
    for k, gate in enumerate("ifgo"):  # the last probe (step 60) is of the current weights
        assert trace(fig, gate).y[-1] == pytest.approx(np.linalg.norm(w[k], 2), rel=1e-9)
        assert trace(fig, f"ρ {gate}").y[-1] == pytest.approx(np.abs(np.linalg.eigvals(w[k])).max(), rel=1e-9)
        np.testing.assert_array_equal(trace(fig, f"ρ {gate}").x, [10, 20, 30, 40, 50, 60])
    assert trace(fig, "1/γ = 1").y.tolist() == [1.0, 1.0]
    probe = lab.history.latest_probe
    plane = valid(pt.eigen_figure(probe.eigenvalues, probe.step))
    for k, gate in enumerate("ifgo"):
        got = np.sort_complex(trace(plane, gate).x + 1j * trace(plane, gate).y)
        np.testing.assert_allclose(got, np.sort_complex(np.linalg.eigvals(w[k])), atol=1e-9)
    r = max(np.abs(np.linalg.eigvals(w[k])).max() for k in range(4))
    assert plane.layout.xaxis.range[1] == pytest.approx(1.1 * max(1.0, r))
    np.testing.assert_allclose(np.hypot(plane.data[0].x, plane.data[0].y), 1.0)  # the unit circle


def test_presenter_sizes_apply():
    from explorer.views.style import PRESENTER
    fig = valid(pt.loss_figure({}, 0.5, "x", sizes=PRESENTER))
    assert fig.layout.height == PRESENTER.chart_height and fig.layout.font.size == PRESENTER.font
