"""The Train page's saliency heatmaps and its charts of a bidirectional model (‖∂L/∂h_t‖ per direction, the
gradient-flow heatmap of either direction, the W_hh spectra and eigenvalues per direction): every number drawn
against an independent computation (autograd through torch's fused modules and its single-step kernels,
torch.linalg), the chart builders' conventions, and the page in AppTest for the default and a bidirectional model."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from live_chart import LiveChart, payload, shown
from plotly_json import decode
from reference import autograd_hidden_grads
from test_page_train import open_train
from test_saliency import autograd_saliency

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.training.live import train_chunk
from explorer.training.trainer import PROBE_BATCH
from explorer.views import plots_train as pt
from explorer.views import train_payload as tp
from explorer.views.style import NORMAL


def heatmap(at, key: str) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(title, z, the values the hover reads (customdata), row y values) of the heatmap chart `key`."""
    fig = payload(at, key)["figure"]
    trace = fig["data"][0]
    return fig["layout"]["title"]["text"], decode(trace["z"]), decode(trace["customdata"]), decode(trace["y"])


def direction_norms(lab) -> np.ndarray:
    """(L, 2, T): ‖∂L/∂h_t‖ of each layer and direction on the probe batch, by autograd through torch's own
    single-step kernels (tests/reference.py), the units split [forward, backward] as nn.LSTM orders its output."""
    batch, cfg = lab.trainer.probe_batch, lab.model_cfg
    lab.model.eval()
    grads = autograd_hidden_grads(lab.model, batch.x, lambda out: lab.task.loss(out, batch)).double()
    layers, b, t_len, _ = grads.shape
    split = grads.reshape(layers, b, t_len, 2, cfg.hidden_size)  # [forward, backward] halves of h_t
    return split.pow(2).sum((1, 4)).sqrt().permute(0, 2, 1).numpy()


def assert_saliency_drawn(at, lab, kind: str) -> None:
    """Both saliency heatmaps show the saliency of the current weights on the probe batch, as autograd computes it:
    probe sample 1's and the mean over the batch; colour log10 of it, blank where it is 0."""
    batch, steps = lab.trainer.probe_batch, lab.trainer.saliency_steps
    lab.model.eval()
    want = autograd_saliency(lab.model, batch.x, kind, steps)  # (B, R, T)
    for key, matrix in (("train_saliency_sample_chart", want[0]), ("train_saliency_mean_chart", want.mean(0))):
        title, z, values, rows = heatmap(at, key)
        assert f"at step {lab.steps_trained}" in title
        np.testing.assert_array_equal(rows, steps + 1)
        np.testing.assert_allclose(values, matrix, rtol=1e-4, atol=1e-7 * want.max())
        np.testing.assert_array_equal(np.isnan(z), matrix == 0)  # blank exactly where no output reads an input
        np.testing.assert_allclose(z[matrix > 0], np.log10(values[matrix > 0]), atol=1e-5)  # colour: log10
    assert f"{PROBE_BATCH} probe samples" in heatmap(at, "train_saliency_mean_chart")[0]
    lines = payload(at, "train_saliency_sample_chart")["figure"]["data"][1:]  # the sample's inputs, above it
    assert len(lines) == batch.x.shape[2] and all(t["yaxis"] == "y2" for t in lines)
    for k, line in enumerate(lines):
        np.testing.assert_allclose(decode(line["y"]), batch.x[0, :, k].numpy(), rtol=1e-6)
    assert len(payload(at, "train_saliency_mean_chart")["figure"]["data"]) == 1


# --- the builders --------------------------------------------------------------------------------------------


def test_a_backward_chains_regions_compare_each_step_with_the_steps_before_it():
    """A gradient that falls by 10× per step towards T: for a forward chain nothing has vanished (each step is larger
    than every later one), for a backward chain (its gradient flows 1 → T) the steps far from t = 1 have."""
    falling = 10.0 ** -np.arange(12.0)
    fig = pt.gradient_curve_chart([("forward →", falling), ("backward ←", falling)], 3, backward=(False, True))
    names = [t["name"] for t in fig["data"]]
    assert names == ["forward → (flows T → 1)", "backward ← (flows 1 → T)"]
    assert [t["line"]["dash"] for t in fig["data"]] == ["solid", "dash"]
    vanished = [s for s in fig["layout"]["shapes"] if s["name"].startswith("vanished")]
    assert [s["name"] for s in vanished] == ["vanished (backward ←)"]
    # Steps 8..12 (1-based) are below 10⁻⁶ of t = 1's value (step 7 is exactly 10⁻⁶ of it: not below).
    assert (vanished[0]["x0"], vanished[0]["x1"]) == (7.5, 12.5)
    # Without `backward`, the legend keeps the plain labels (unidirectional models, unchanged).
    assert [t["name"] for t in pt.gradient_curve_chart([("layer 1", falling)], 3)["data"]] == ["layer 1"]


def test_direction_series_orders_layers_then_directions():
    norms = np.arange(2 * 2 * 5, dtype=float).reshape(2, 2, 5)
    series = tp.direction_series(norms)
    assert [label for label, _ in series] == ["layer 1 forward →", "layer 1 backward ←", "layer 2 forward →",
                                              "layer 2 backward ←"]
    np.testing.assert_array_equal(series[3][1], norms[1, 1])
    assert [label for label, _ in tp.direction_series(norms[:1], "zh")] == ["正向 →", "反向 ←"]


def test_block_labels_name_the_direction():
    assert pt.block_label("0/f", False) == "f"
    assert pt.block_label("0/f", False, bidirectional=True) == "f →"
    assert pt.block_label("1/h_reverse", True, bidirectional=True) == "h ←, layer 2"
    fig = pt.spectral_chart(["0/h", "0/h_reverse"])
    assert [(t["name"], t["line"].get("dash")) for t in fig["data"]] == [
        ("h →", None), ("h ←", "dash"), ("ρ h →", "dot"), ("ρ h ←", "dashdot")]
    eig = pt.eigen_chart({"0/h": np.array([0.5 + 0j]), "0/h_reverse": np.array([0.2j])}, 4)
    assert [(t["name"], t["marker"]["symbol"]) for t in eig["data"][1:]] == [("h →", "circle"), ("h ←", "diamond-open")]


def test_saliency_chart_colours_log10_and_leaves_zeros_blank():
    values = np.array([[2.0, 0.0, 0.0], [1e-3, 0.5, 0.0]])
    chart = LiveChart().apply({"figure": pt.saliency_chart(values, np.array([0, 1]), 3, "S")})
    trace = chart.figure["data"][0]
    z, hover = trace["z"], decode(trace["customdata"])
    np.testing.assert_allclose(z[0, 0], np.log10(2.0), rtol=1e-6)
    np.testing.assert_allclose(z[1, :2], np.log10([1e-3, 0.5]), rtol=1e-6)
    assert np.isnan(z[values == 0]).all()
    np.testing.assert_allclose(hover, values)
    assert trace["zmax"] == pytest.approx(np.log10(2.0)) and trace["zmin"] == pytest.approx(np.log10(2.0) - 4)
    (diag,) = chart.figure["layout"]["shapes"]
    assert (diag["x0"], diag["y0"], diag["x1"], diag["y1"]) == (0.5, 0.5, 2.5, 2.5)
    one = pt.saliency_chart(values[1:], np.array([2]), 3, "S")  # one output step: one tick, no diagonal
    assert one["layout"]["yaxis"]["tickvals"] == [3.0] and not one["layout"]["shapes"]
    empty = LiveChart().apply({"figure": pt.saliency_chart(None, None, 3, "S")}).figure["data"][0]
    assert empty["z"].size == 0
    x = np.array([[0.1, 0.0], [0.7, 1.0], [0.3, 0.0]])  # (T, I): the adding problem's value and marker
    strip = pt.saliency_chart(values, np.array([0, 1]), 3, "S", inputs=x)
    go.Figure(strip)  # a valid figure (the builders skip plotly's validation for speed)
    go.Figure(pt.saliency_chart(values, np.array([0, 1]), 3, "S", log=False))
    assert [t["name"] for t in strip["data"][1:]] == ["x₁", "x₂"] and "yaxis2" in strip["layout"]
    np.testing.assert_array_equal(decode(strip["data"][2]["y"]), [0.0, 1.0, 0.0])
    assert len(pt.saliency_chart(values, np.array([0, 1]), 3, "S", inputs=np.ones((3, 5)))["data"]) == 1


def test_saliency_payloads_of_a_bidirectional_classifier_match_autograd():
    """A bi-GRU on a classification task: ỹ_t is the predicted class's logit; a two-way model reads every input."""
    lab = make_lab(ModelConfig(cell="gru", hidden_size=6, bidirectional=True), TaskConfig(name="order", seq_len=12),
                   TrainConfig(batch_size=8, probe_every=1))
    for s in lab.trainer.run(1):
        lab.history.append(s)
    batch, steps = lab.trainer.probe_batch, lab.trainer.saliency_steps
    want = autograd_saliency(lab.model.eval(), batch.x, "classification", steps)
    feed = tp.Feed()
    for mean, matrix in ((False, want[0]), (True, want.mean(0))):
        fig = tp.saliency_payload(feed, lab.history, mean, 12, PROBE_BATCH, NORMAL)["figure"]
        values = decode(fig["data"][0]["customdata"])
        np.testing.assert_allclose(values, matrix, rtol=1e-4, atol=1e-7 * want.max())
        assert (values > 0).all()  # no blank: each output reads the inputs after it too
    again = tp.saliency_payload(feed, lab.history, True, 12, PROBE_BATCH, NORMAL)
    assert again is tp.saliency_payload(feed, lab.history, True, 12, PROBE_BATCH, NORMAL)  # rebuilt only when new


# --- the page --------------------------------------------------------------------------------------------------


def test_the_default_models_train_page_draws_the_saliency_of_the_probe():
    lab = make_lab(ModelConfig(), TaskConfig(), TrainConfig(probe_every=1))  # the default LSTM on sine, T = 50
    at = open_train(lab)
    assert heatmap(at, "train_saliency_sample_chart")[0] == "Saliency ‖∂ỹₜ/∂xₛ‖ (no probe yet)"
    at.button(key="train_step1").click().run()
    assert not at.exception and lab.history.latest_saliency.step == lab.steps_trained == 1
    assert_saliency_drawn(at, lab, "regression")
    _, z, values, _ = heatmap(at, "train_saliency_sample_chart")
    assert np.isnan(z[np.triu_indices(50, 1)]).all()  # a one-way model: no output reads a later input
    assert "train_heat_direction" not in at.session_state  # no direction selector for a one-way model
    at.checkbox(key="train_saliency_log").set_value(False).run()  # colour by the value itself
    _, z_linear, linear_values, _ = heatmap(at, "train_saliency_sample_chart")
    np.testing.assert_array_equal(linear_values, values)
    np.testing.assert_array_equal(z_linear, values)
    trace = payload(at, "train_saliency_sample_chart")["figure"]["data"][0]
    assert trace["zmin"] == 0 and trace["zmax"] == pytest.approx(values.max())
    assert [t["name"] for t in shown(at, "train_curve_chart").figure["data"]] == ["layer 1"]


def test_a_bidirectional_lstms_train_page_draws_each_direction():
    lab = make_lab(ModelConfig(cell="lstm", hidden_size=6, bidirectional=True),
                   TaskConfig(name="neighbours", seq_len=16), TrainConfig(batch_size=8, probe_every=1))
    at = open_train(lab)
    at.button(key="train_step1").click().run()
    assert not at.exception and lab.steps_trained == 1
    want = direction_norms(lab)[0]  # (2, T)

    curve = shown(at, "train_curve_chart").figure["data"]
    assert [t["name"] for t in curve] == ["forward → (flows T → 1)", "backward ← (flows 1 → T)"]
    for d in range(2):
        drawn = np.asarray(curve[d]["y"], dtype=np.float64)
        np.testing.assert_allclose(np.nan_to_num(drawn), want[d], rtol=1e-4, atol=1e-9)

    for d in range(2):  # the heatmap's direction selector: the row of the (only) probe is that direction's
        if d:
            at.selectbox(key="train_heat_direction").set_value(1).run()
        heat = shown(at, "train_heat_chart").figure
        assert heat["layout"]["title"]["text"] == f"Gradient flow over training ({('forward →', 'backward ←')[d]})"
        (row,) = heat["data"][0]["z"]
        with np.errstate(divide="ignore"):
            np.testing.assert_allclose(row, np.where(want[d] > 0, np.log10(want[d]), np.nan), atol=1e-4)

    sigma = shown(at, "train_sigma_chart").figure["data"]
    eig = shown(at, "train_eigen_chart").figure["data"]
    for d, (arrow, suffix) in enumerate((("→", ""), ("←", "_reverse"))):
        blocks = getattr(lab.model.rnn, f"weight_hh_l0{suffix}").detach().double().reshape(4, 6, 6)
        for g, gate in enumerate("ifgo"):
            line = next(t for t in sigma if t["name"] == f"{gate} {arrow}")
            assert float(line["y"][-1]) == pytest.approx(torch.linalg.matrix_norm(blocks[g], 2).item(), rel=1e-6)
            dots = next(t for t in eig if t["name"] == f"{gate} {arrow}")
            ev = np.sort_complex(torch.linalg.eigvals(blocks[g]).numpy())
            np.testing.assert_allclose(np.sort_complex(decode(dots["x"]) + 1j * decode(dots["y"])), ev, atol=1e-9)
    assert_saliency_drawn(at, lab, "regression")
    _, z, _, rows = heatmap(at, "train_saliency_sample_chart")
    assert np.isfinite(z[:, -1]).all()  # a two-way model's outputs read the last input too


def test_on_the_adding_problem_a_trained_lstms_saliency_is_brightest_at_the_marked_inputs():
    """What the saliency caption tells students to look for: once an LSTM has learnt the adding problem, the two
    inputs probe sample 1 marks are where its answer depends most on the input."""
    lab = make_lab(ModelConfig(cell="lstm", hidden_size=16), TaskConfig(name="adding", seq_len=20),
                   TrainConfig(probe_every=25))
    train_chunk(lab, 1200, math.inf)
    s = lab.history.latest_saliency
    assert s.step == 1200 and lab.history.latest.loss < 0.01  # learnt: the baseline's MSE is ~0.17
    marked = np.flatnonzero(lab.trainer.probe_batch.x[0, :, 1].numpy())
    assert len(marked) == 2
    assert sorted(np.argsort(s.saliency_sample[0])[-2:]) == sorted(marked)
