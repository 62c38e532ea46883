"""The Train page's figures: every plotted number against an independent computation."""
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from live_chart import LiveChart

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.training.live import train_chunk
from explorer.views import plots_train as pt
from explorer.views import train_payload as tp
from explorer.views.payload import decode
from explorer.views.style import NORMAL, PRESENTER


@pytest.fixture(scope="module")
def trained():
    """An LSTM trained 60 steps with tight norm clipping, probed every 10 steps; and every StepStats."""
    lab = make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="adding", seq_len=30),
                   TrainConfig(batch_size=8, probe_every=10, clip="norm", clip_threshold=0.3, lr=0.01))
    return lab, train_chunk(lab, 60, math.inf)


def valid(fig: dict) -> go.Figure:
    """The builders skip plotly's validation for speed: validate here (raises on any bad property)."""
    return go.Figure(fig)


def live(build, chunks=None) -> LiveChart:
    """The chart as a browser shows it after the payloads `build(feed)` makes, one per chunk of training."""
    feed, chart = tp.Feed(), LiveChart()
    for train in chunks or [None]:
        if train:
            train()
        p = build(feed)
        valid(p["figure"])
        chart.apply(p)
    return chart


def static(fig: dict) -> LiveChart:
    """A chart of the latest measurement (no streams), its typed arrays decoded."""
    valid(fig)
    return LiveChart().apply({"figure": fig})


def shape(chart: LiveChart, name: str) -> dict:
    return next(s for s in chart.figure["layout"]["shapes"] if s.get("name") == name)


def test_finite_xy_drops_non_finite_and_non_positive_on_log():
    x, y = pt.finite_xy(np.arange(5), np.array([1.0, np.nan, -2.0, np.inf, 0.0]))
    assert x.tolist() == [0, 2, 4] and y.tolist() == [1.0, -2.0, 0.0]
    x, y = pt.finite_xy(np.arange(5), np.array([1.0, np.nan, -2.0, np.inf, 0.0]), log=True)
    assert x.tolist() == [0] and y.tolist() == [1.0]


def test_loss_chart_streams_every_step_and_evaluation():
    lab = make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="sine", seq_len=20),
                   TrainConfig(batch_size=8, eval_every=7, lr_schedule="inverse", lr_k=0.1))
    out = []

    def train():
        out.extend(train_chunk(lab, 6, math.inf))

    chart = live(lambda f: tp.loss_payload(f, lab.history, lab.task.baseline, lab.task.baseline_label, "MAE",
                                           False, NORMAL), [train] * 5)
    loss = chart.trace("training loss (each batch)")
    np.testing.assert_array_equal(loss["x"], [s.step for s in out])
    np.testing.assert_allclose(loss["y"], [s.loss for s in out], rtol=1e-6)
    np.testing.assert_allclose(chart.trace("learning rate")["y"], [0.003 / (1 + 0.1 * (s.step - 1)) for s in out],
                               rtol=1e-6)  # lr/(1 + k·t), t = steps already taken
    np.testing.assert_allclose(chart.trace("MAE (training)")["y"], [s.metrics["MAE"] for s in out], rtol=1e-6)
    evals = [s for s in out if s.val_loss is not None]
    assert [s.step for s in evals] == [7, 14, 21, 28]
    np.testing.assert_array_equal(chart.trace("validation loss")["x"], [7, 14, 21, 28])
    np.testing.assert_allclose(chart.trace("validation loss")["y"], [s.val_loss for s in evals], rtol=1e-6)
    np.testing.assert_allclose(chart.trace("training loss (fixed subset)")["y"],
                               [s.train_eval_loss for s in evals], rtol=1e-6)
    np.testing.assert_allclose(chart.trace("MAE (validation)")["y"], [s.val_metrics["MAE"] for s in evals],
                               rtol=1e-6)
    base = shape(chart, f"baseline: {lab.task.baseline_label}")
    assert base["y0"] == base["y1"] == 0.5


def test_feed_sends_only_new_points_repeats_a_few_and_restarts_after_a_remount():
    lab = make_lab(ModelConfig(cell="gru", hidden_size=4), TaskConfig(name="sine", seq_len=10),
                   TrainConfig(batch_size=4, eval_every=0))
    feed = tp.Feed()

    def send():
        return tp.global_norm_payload(feed, lab.history, "none", 1.0, NORMAL)["streams"][0]

    starts, n = [], tp.REPEAT + 3
    for _ in range(n):
        train_chunk(lab, 2, math.inf)
        version = feed.version
        s = send()
        assert feed.version > version  # the payload carries new points
        starts.append((s["start"], len(decode(s["x"]))))
    # each payload repeats the points of the previous REPEAT payloads, no more
    assert starts == [(2 * max(k - tp.REPEAT, 0), 2 * (k + 1 - max(k - tp.REPEAT, 0))) for k in range(n)]
    version = feed.version
    s = send()  # nothing trained since: nothing new, and the cursor stays where it was
    assert feed.version == version and s["start"] == 2 * (n - tp.REPEAT)
    feed.have(tp.streams_of("norm", 1), [0])  # a chart mounted afresh
    train_chunk(lab, 1, math.inf)
    s = send()
    assert s["start"] == 0 and len(decode(s["x"])) == 2 * n + 1


def test_thinning_gives_a_new_stream_id_and_the_chart_is_drawn_afresh(monkeypatch):
    from explorer.training import history

    monkeypatch.setattr(history, "MAX_POINTS", 8)
    lab = make_lab(ModelConfig(cell="rnn", hidden_size=4), TaskConfig(name="sine", seq_len=10),
                   TrainConfig(batch_size=4, eval_every=0))
    chart = live(lambda f: tp.global_norm_payload(f, lab.history, "none", 1.0, NORMAL),
                 [lambda: train_chunk(lab, 3, math.inf)] * 5)
    assert lab.history.steps.stride > 1
    np.testing.assert_array_equal(chart.trace("before clipping")["x"], lab.history.scalars()["step"])


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
    fig = static(pt.gradient_curve_chart(tp.probe_series(np.stack([vanishing, exploding])), 40)).figure
    np.testing.assert_array_equal(fig["data"][0]["x"], np.arange(1, 11))
    np.testing.assert_array_equal(fig["data"][1]["y"], exploding)
    rects = {(s["name"], s["x0"], s["x1"]) for s in fig["layout"]["shapes"]}
    assert rects == {("vanished (layer 1)", 0.5, 3.5), ("exploded (layer 2)", 0.5, 6.5)}
    assert "step 40" in fig["layout"]["title"]["text"]
    assert valid(pt.gradient_curve_chart([], None)).data == ()


def test_truncated_bptt_cuts_are_drawn_where_the_gradient_stops():
    lab = make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="adding", seq_len=30),
                   TrainConfig(batch_size=8, probe_every=1, tbptt=10))
    train_chunk(lab, 1, math.inf)
    fig = valid(tp.curve_payload(tp.Feed(), lab.history, 30, 10, NORMAL)["figure"])
    cuts = [s.x0 for s in fig.layout.shapes if s.name == "gradient cut (truncated BPTT)"]
    assert cuts == [10.5, 20.5]  # between t = 10 | 11 and 20 | 21
    g = lab.history.latest_probe.hidden_grad_norms[0]
    unreached = [(s.x0, s.x1) for s in fig.layout.shapes if s.name.startswith("no gradient")]
    by_hand = pt.intervals(g == 0)
    assert unreached == [(a + 0.5, b + 1.5) for a, b in by_hand] and by_hand
    heat = valid(tp.heatmap_payload(tp.Feed(), lab.history, 0, 30, 10, NORMAL)["figure"])
    assert [s.x0 for s in heat.layout.shapes] == [10.5, 20.5] and "cut every 10" in heat.layout.title.text


def test_gradient_curve_of_a_real_probe(trained):
    lab, out = trained
    probe = lab.history.latest_probe
    fig = static(tp.curve_payload(tp.Feed(), lab.history, 30, 0, NORMAL)["figure"]).figure
    np.testing.assert_allclose(fig["data"][0]["y"], lab.trainer.probe()[0], rtol=1e-6)  # probed after step 60
    assert probe.step == 60


def test_heatmap_is_log10_of_the_probes(trained):
    lab, out = trained
    heat = live(lambda f: tp.heatmap_payload(f, lab.history, 0, 30, 0, NORMAL)).figure["data"][0]
    probes = [st for st in out if st.hidden_grad_norms is not None]
    np.testing.assert_array_equal(heat["y"], [st.step for st in probes])
    np.testing.assert_allclose(heat["z"], [[math.log10(v) for v in st.hidden_grad_norms[0]] for st in probes],
                               rtol=1e-6)
    np.testing.assert_array_equal(heat["x"], np.arange(1, 31))
    z = pt.log10_norms(np.array([[1.0, 0.0, np.nan, np.inf, 100.0]]))
    assert z[0, 0] == 0 and z[0, 4] == 2 and np.isnan(z[0, 1:4]).all()


def test_clipping_markers_are_exactly_the_clipped_steps(trained):
    lab, out = trained
    fig = live(lambda f: tp.global_norm_payload(f, lab.history, "norm", 0.3, NORMAL))
    clipped = [st for st in out if st.clipped]
    assert 0 < len(clipped) < len(out)  # some steps clipped, some not: the test can tell
    marks = fig.trace("clipped")
    np.testing.assert_array_equal(marks["x"][np.isfinite(marks["y"])], [st.step for st in clipped])
    np.testing.assert_allclose(marks["y"][np.isfinite(marks["y"])], [st.grad_norm for st in clipped], rtol=1e-6)
    np.testing.assert_allclose(fig.trace("before clipping")["y"], [st.grad_norm for st in out], rtol=1e-6)
    after = [min(st.grad_norm, 0.3 * st.grad_norm / (st.grad_norm + 1e-6)) for st in out]  # clip_grad_norm_'s rule
    np.testing.assert_allclose(fig.trace("after clipping")["y"], after, rtol=1e-6)
    assert shape(fig, "θ = 0.3")["y0"] == 0.3  # shapes take data values on a log axis too (plotly.js#6194)
    assert not pt.global_norm_chart("none", 0.3)["layout"]["shapes"]


def test_param_norms(trained):
    lab, out = trained
    names = [n for n, _ in lab.model.named_parameters()]
    fig = live(lambda f: tp.param_norms_payload(f, lab.history, names, NORMAL))
    assert [t["name"] for t in fig.figure["data"]] == [n.removeprefix("rnn.") for n in names]
    for t, n in zip(fig.figure["data"], names):
        np.testing.assert_allclose(t["y"], [st.param_grad_norms[n] for st in out], rtol=1e-6)


def test_spectrum_series_and_eigenvalue_plane(trained):
    lab, out = trained
    fig = live(lambda f: tp.spectral_payload(f, lab.history, [f"0/{g}" for g in "ifgo"], NORMAL))
    w = lab.model.rnn.weight_hh_l0.detach().double().numpy().reshape(4, 8, 8)  # LSTM blocks i, f, g, o
    for k, gate in enumerate("ifgo"):  # the last probe (step 60) is of the current weights
        assert fig.trace(gate)["y"][-1] == pytest.approx(np.linalg.norm(w[k], 2), rel=1e-6)
        assert fig.trace(f"ρ {gate}")["y"][-1] == pytest.approx(np.abs(np.linalg.eigvals(w[k])).max(), rel=1e-6)
        np.testing.assert_array_equal(fig.trace(f"ρ {gate}")["x"], [10, 20, 30, 40, 50, 60])
    assert shape(fig, "1/γ = 1")["y0"] == 1.0
    plane = static(tp.eigen_payload(tp.Feed(), lab.history, NORMAL)["figure"])
    for k, gate in enumerate("ifgo"):
        got = np.sort_complex(plane.trace(gate)["x"] + 1j * plane.trace(gate)["y"])
        np.testing.assert_allclose(got, np.sort_complex(np.linalg.eigvals(w[k])), atol=1e-9)
    r = max(np.abs(np.linalg.eigvals(w[k])).max() for k in range(4))
    assert plane.figure["layout"]["xaxis"]["range"][1] == pytest.approx(1.1 * max(1.0, r))
    circle = plane.figure["data"][0]
    np.testing.assert_allclose(np.hypot(circle["x"], circle["y"]), 1.0, rtol=1e-6)  # the unit circle


def test_presenter_sizes_apply():
    fig = valid(pt.loss_chart(0.5, "x", sizes=PRESENTER))
    assert fig.layout.height == PRESENTER.chart_height and fig.layout.font.size == PRESENTER.font
