"""Compare page: side-by-side training and the memory-horizon sweep, driven by AppTest."""
from pathlib import Path

import numpy as np
import pytest
import torch
from live_chart import fed_payloads, payload, shown
from streamlit.testing.v1 import AppTest

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from tests.plotly_json import decode, figures, trace_named


@pytest.fixture
def at():
    at = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=60)
    at.run()
    at.session_state["lab"] = make_lab(ModelConfig(hidden_size=8), TaskConfig(name="adding", seq_len=10),
                                       TrainConfig(batch_size=8, steps=40, probe_every=5))
    at.switch_page("pages/compare.py")
    at.run()
    assert not at.exception
    return at


def test_side_by_side_trains_three_cells_and_plots_their_losses(at):
    assert "Press Start" in at.info[0].value
    at.button(key="compare_start").click().run()
    for _ in range(3):
        at.run()
    assert not at.exception
    labs = at.session_state["compare_labs"]
    assert list(labs) == ["rnn", "lstm", "gru"] and all(l.steps_trained > 0 for l in labs.values())
    loss = shown(at, "compare_loss")  # what a browser that mounted the chart holds (tests/live_chart.py)
    labs = at.session_state["compare_labs"]
    for cell, name in (("rnn", "vanilla RNN"), ("lstm", "LSTM"), ("gru", "GRU")):
        hist = labs[cell].history.scalars()
        np.testing.assert_array_equal(loss.trace(name)["x"], hist["step"])
        np.testing.assert_allclose(loss.trace(name)["y"], hist["loss"])
    baseline = next(t for t in loss.figure["data"] if t["name"].startswith("baseline"))
    np.testing.assert_allclose(baseline["y"], 1 / 6)
    assert list(baseline["x"]) == [0, 1] and baseline["xaxis"] == "x2"  # across the plot
    grad_fig = payload(at, "compare_grads")["figure"]
    probe = labs["lstm"].history.latest_probe
    if probe is not None:
        np.testing.assert_allclose(decode(trace_named(grad_fig, "LSTM")["y"]), probe.hidden_grad_norms[-1], rtol=1e-6)


def test_a_run_feeds_the_loss_chart_as_it_trains_and_pause_stops_it(at):
    at.session_state["lab"] = make_lab(ModelConfig(hidden_size=8), TaskConfig(name="adding", seq_len=10),
                                       TrainConfig(batch_size=8, steps=10_000, probe_every=5))
    at.run()
    at.button(key="compare_start").click().run()
    labs = at.session_state["compare_labs"]
    before = [l.steps_trained for l in labs.values()]
    at.run()
    assert at.session_state["compare_running"] and all(0 < l.steps_trained < 10_000 for l in labs.values())
    # the run fed the mounted loss chart as it trained: the last feed holds each cell's steps trained after the mount
    # (AppTest may return before the run's very last feed: its last piece's steps may be missing)
    fed = fed_payloads(at)["compare_loss"]
    assert fed["pace"] is True  # fed every PACE_GAP: the browser draws the points one after the other meanwhile
    fed = fed["streams"]
    assert len(fed) == 3
    for stream, lab, mounted in zip(fed, labs.values(), before):
        hist, start = lab.history.scalars(), stream["start"]
        x = decode(stream["x"])
        assert mounted < x[-1] <= lab.steps_trained
        np.testing.assert_array_equal(x, hist["step"][start:start + len(x)])
        np.testing.assert_allclose(decode(stream["y"][0]), hist["loss"][start:start + len(x)], rtol=1e-6)  # float32
    assert at.button(key="compare_start").label == "⏸ Pause"
    assert payload(at, "compare_loss")["streaming"] is True  # bridge.js keeps headroom on its axes
    at.button(key="compare_start").click().run()
    steps = {c: l.steps_trained for c, l in labs.items()}
    at.run()
    assert not at.session_state["compare_running"] and not at.exception
    assert steps == {c: l.steps_trained for c, l in labs.items()}
    assert payload(at, "compare_loss")["streaming"] is False  # its axes fit the data at once


def test_a_setup_that_cannot_be_compared_gives_a_message(at, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("the series is too short for T = 10")

    monkeypatch.setattr("explorer.training.compare.comparison_labs", refuse)
    at.run()  # the button's callback now sees the patched function
    at.button(key="compare_start").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["the series is too short for T = 10"]
    assert not at.session_state["compare_running"] and "Start" in at.button(key="compare_start").label
    at.run()
    assert not at.error  # shown once


def test_sweep_runs_to_the_end_and_plots_loss_over_baseline(at):
    at.multiselect(key="compare_lengths").set_value([5, 10]).run()
    at.slider(key="compare_budget").set_value(50).run()
    at.button(key="compare_sweep_start").click().run()
    for _ in range(100):
        if at.session_state["compare_sweep"].done:
            break
        at.run()
    assert not at.exception
    sweep = at.session_state["compare_sweep"]
    assert sweep.done and len(sweep.results) == 6
    horizon = figures(at)[-1]
    lstm = trace_named(horizon, "LSTM")
    np.testing.assert_allclose(decode(lstm["x"]), [5, 10])
    np.testing.assert_allclose(decode(lstm["y"]), [p.ratio for p in sweep.results if p.cell == "lstm"])
    assert "Sweep done" in at.success[0].value


def test_cancel_drops_the_sweep(at):
    at.button(key="compare_sweep_start").click().run()
    at.button(key="compare_sweep_cancel").click().run()
    assert "compare_sweep" not in at.session_state
    assert not at.exception


def test_baselines_train_beside_the_cells_with_a_live_table(at):
    from explorer.models.baselines import CNN_KERNEL, CNN_LEVELS

    at.session_state["lab"] = make_lab(ModelConfig(hidden_size=8), TaskConfig(name="adding", seq_len=80),
                                       TrainConfig(batch_size=8, steps=40, probe_every=5, eval_every=5))
    at.run()
    at.multiselect(key="compare_archs").set_value(["lstm", "cnn", "transformer"]).run()
    at.button(key="compare_start").click().run()
    for _ in range(4):
        at.run()
    assert not at.exception
    labs = at.session_state["compare_labs"]
    assert list(labs) == ["lstm", "cnn", "transformer"] and all(l.steps_trained > 0 for l in labs.values())
    table = at.dataframe[0].value
    assert list(table["architecture"]) == ["LSTM", "1D-CNN", "Transformer"]
    field = 1 + (CNN_KERNEL - 1) * sum(2 ** k for k in range(CNN_LEVELS))  # 1 + (k − 1)·Σ dilations
    assert list(table["receptive field (steps)"]) == ["all earlier", str(field), "all earlier"]
    for row, lab in zip(table.to_dict("records"), labs.values()):
        assert row["parameters"] == sum(p.numel() for p in lab.model.parameters())
        assert row["steps"] == lab.steps_trained
        losses = lab.history.scalars()["loss"]
        by_hand = np.mean(losses[-max(1, len(losses) // 10):])
        assert row["final loss"] == f"{by_hand:.4g}"
        assert row["final loss / baseline"] == f"{by_hand / (1 / 6):.3f}"  # Var(U1 + U2) = 2/12
        latest = lab.history.latest_eval
        assert row["validation loss"] == (f"{latest.val_loss:.4g}" if latest else "")
    notes = list(table["note"])
    assert "no hidden state" in notes[1] and "no hidden state" in notes[2]
    grad_fig = payload(at, "compare_grads")["figure"]
    assert {t["name"] for t in grad_fig["data"]} <= {"LSTM"}  # no ‖∂L/∂h_t‖ for the baselines
    band = grad_fig["layout"]["shapes"][0]
    assert (band["x0"], band["x1"]) == (80 - field + 0.5, 80.5) and str(field) in band["name"]
    assert any("carry no hidden state" in c.value for c in at.caption)


def test_the_page_in_chinese(at):
    """lang=zh: labels, the info line, the charts and the live table (headers and notes) in Chinese."""
    from explorer.models.baselines import CausalCNN

    at.query_params["lang"] = "zh"
    at.session_state["lang_chosen"] = "zh"  # the session's language (pages/lang.py), as a lang=zh link sets it
    at.run()
    assert at.title[0].value == "比较各种单元" and at.info[0].value == "按“开始”，同时训练普通 RNN、LSTM、GRU。"
    assert at.multiselect(key="compare_archs").label == "架构"
    at.multiselect(key="compare_archs").set_value(["rnn", "cnn"]).run()
    at.button(key="compare_start").click().run()
    for _ in range(3):
        at.run()
    assert not at.exception
    loss_fig, grad_fig = payload(at, "compare_loss")["figure"], payload(at, "compare_grads")["figure"]
    assert loss_fig["layout"]["title"]["text"] == "损失" and trace_named(loss_fig, "普通 RNN")
    assert grad_fig["layout"]["title"]["text"] == "梯度能回传多远"
    table = at.dataframe[0].value
    assert list(table.columns)[:3] == ["架构", "参数量", "步数"]
    assert list(table["感受野（步）"])[0] == "之前所有步"
    assert list(table["说明"])[1] == "1D-CNN 没有随时间传递的隐状态：没有可探测的 ∂L/∂h_t，没有 W_hh，也没有截断 BPTT。" \
        "它只看过去输入的一个固定窗口，即它的感受野。" and CausalCNN.recurrence_note.startswith("The 1D-CNN has")


def test_bidirectional_variants_where_the_task_allows_them(at):
    options = at.multiselect(key="compare_archs").options
    assert {"Bi-RNN", "Bi-LSTM", "Bi-GRU"} <= set(options)  # adding: the whole sequence may be read first
    at.multiselect(key="compare_archs").set_value(["lstm", "bilstm"]).run()
    assert any("dotted line" in c.value for c in at.caption)
    at.button(key="compare_start").click().run()
    at.run()
    assert not at.exception
    labs = at.session_state["compare_labs"]
    assert labs["bilstm"].model.cfg.bidirectional and not labs["lstm"].model.cfg.bidirectional
    assert list(at.dataframe[0].value["architecture"]) == ["LSTM", "Bi-LSTM"]
    loss = shown(at, "compare_loss")
    np.testing.assert_allclose(loss.trace("Bi-LSTM")["y"], labs["bilstm"].history.scalars()["loss"])
    # a task that forecasts the next value: not offered, the caption says why, a chosen one is dropped
    at.session_state["lab"] = make_lab(ModelConfig(hidden_size=8), TaskConfig(name="sine", seq_len=10),
                                       TrainConfig(batch_size=8, steps=40))
    at.run()
    assert not at.exception
    assert not {"Bi-RNN", "Bi-LSTM", "Bi-GRU"} & set(at.multiselect(key="compare_archs").options)
    assert at.multiselect(key="compare_archs").value == ["lstm"]
    caption = next(c for c in at.caption if c.value.startswith("No bidirectional variants on this task"))
    assert caption.help.startswith("A bidirectional network cannot learn a task that predicts the next value")


def test_saliency_of_every_architecture_side_by_side(at):
    from tests.test_saliency import autograd_saliency as jacobian_saliency

    at.multiselect(key="compare_archs").set_value(["rnn", "bigru", "cnn", "transformer"]).run()
    at.button(key="compare_start").click().run()
    at.run()
    at.button(key="compare_start").click().run()  # Pause: the page computes the saliency of the current weights
    assert not at.exception
    labs = at.session_state["compare_labs"]
    fig = next(f for f in figures(at) if f["layout"].get("title", {}).get("text", "").startswith("Which inputs"))
    heat = {t["name"]: t for t in fig["data"] if t["type"] == "heatmap"}
    assert list(heat) == ["vanilla RNN", "Bi-GRU", "1D-CNN", "Transformer"]
    assert {t["coloraxis"] for t in heat.values()} == {"coloraxis"}
    for arch, name in (("rnn", "vanilla RNN"), ("bigru", "Bi-GRU"), ("cnn", "1D-CNN"), ("transformer", "Transformer")):
        model, x = labs[arch].model, labs[arch].trainer.probe_batch.x[:4]
        was = model.training
        want = jacobian_saliency(model.eval(), x, "regression", np.arange(10)).mean(axis=0)  # (T, T)
        model.train(was)
        np.testing.assert_allclose(decode(heat[name]["customdata"]), want, rtol=1e-3, atol=1e-7 * want.max())
    assert torch.is_grad_enabled()
    assert any("Saliency ‖∂ỹ_t/∂x_s‖" in c.value for c in at.caption)


def test_new_words_in_chinese(at):
    at.query_params["lang"] = "zh"
    at.session_state["lang_chosen"] = "zh"
    at.run()
    assert "双向 LSTM" in at.multiselect(key="compare_archs").options
    at.multiselect(key="compare_archs").set_value(["gru", "bigru", "cnn"]).run()
    at.button(key="compare_start").click().run()
    at.run()
    at.button(key="compare_start").click().run()
    assert not at.exception
    assert at.header[1].value == "每个模型能往回看多远"
    fig = next(f for f in figures(at) if f["layout"].get("title", {}).get("text", "").startswith("每个输出"))
    assert [t["name"] for t in fig["data"] if t["type"] == "heatmap"] == ["GRU", "双向 GRU", "1D-CNN"]
    assert list(at.dataframe[0].value["架构"]) == ["GRU", "双向 GRU", "1D-CNN"]
    assert trace_named(payload(at, "compare_loss")["figure"], "双向 GRU")
    at.session_state["lab"] = make_lab(ModelConfig(hidden_size=8), TaskConfig(name="sine", seq_len=10), TrainConfig())
    at.run()
    assert any(c.value.startswith("这个任务不提供双向变体：") for c in at.caption)
