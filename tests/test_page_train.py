"""The Train page (AppTest): start/pause/step/reset, settings that keep the weights, clipping, the
exploding-gradient path, and the numbers shown against the lab. (run_every never fires in AppTest:
each at.run() runs the training fragment once.)"""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
import torch
from plotly_json import decode, trace_named
from streamlit.testing.v1 import AppTest

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab


def open_train(lab=None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60)
    if lab is not None:
        at.session_state["lab"] = lab
    at.run()
    at.switch_page("pages/train.py")
    at.run()
    assert not at.exception
    return at


def small_lab(**train):
    return make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="sine", seq_len=20),
                    TrainConfig(**{"batch_size": 8, "probe_every": 5, **train}))


def chart(at, key: str) -> dict:
    """The chart drawn with `key` (or, redrawn while training ran, with `key-N`)."""
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if re.search(rf"{key}(-\d+)?$", c.proto.id))


def counter(at) -> tuple[int, int, int]:
    """(step, done in this run, run length) as the progress text shows them."""
    text = at.get("progress")[0].proto.text
    m = re.match(r"Step \*\*(\d+)\*\* · this run (\d+) / (\d+)", text)
    return int(m[1]), int(m[2]), int(m[3])


def weights(lab) -> list[torch.Tensor]:
    return [p.detach().clone() for p in lab.model.parameters()]


def test_start_trains_each_run_and_pause_stops():
    at = open_train(small_lab(steps=10_000))
    lab = at.session_state["lab"]
    assert counter(at) == (0, 0, 10_000)
    at.button(key="train_start").click().run()
    assert at.session_state["train_running"] and at.button(key="train_start").disabled
    seen = [lab.steps_trained]
    for _ in range(2):
        at.run()
        seen.append(lab.steps_trained)
    assert seen[0] >= 1 and seen[1] > seen[0] and seen[2] > seen[1]  # every fragment run trains a chunk
    assert counter(at) == (lab.steps_trained, lab.steps_trained, 10_000)
    drawn = decode(trace_named(chart(at, "train_loss_chart"), "loss")["x"])
    np.testing.assert_array_equal(drawn, lab.history.scalars()["step"])  # redrawn after the run's last slice
    assert at.get("progress")[0].proto.value == int(100 * lab.steps_trained / 10_000)
    at.button(key="train_pause").click().run()
    stopped = lab.steps_trained
    at.run()
    at.run()
    assert not at.session_state["train_running"] and lab.steps_trained == stopped and not at.exception
    at.button(key="train_start").click().run()  # resumes the same run
    assert counter(at)[1] == lab.steps_trained > stopped


def test_a_run_ends_after_its_steps():
    at = open_train(small_lab(steps=3))
    lab = at.session_state["lab"]
    at.button(key="train_start").click().run()
    for _ in range(5):
        at.run()
    assert lab.steps_trained == 3 and not at.session_state["train_running"]
    assert counter(at) == (3, 3, 3) and at.get("progress")[0].proto.value == 100
    at.button(key="train_start").click().run()  # a new run of 3 from step 3
    assert counter(at)[1] == lab.steps_trained - 3 >= 1


def test_step_buttons_and_reset():
    at = open_train(small_lab())
    lab = at.session_state["lab"]
    at.button(key="train_step1").click().run()
    assert lab.steps_trained == 1
    at.button(key="train_step10").click().run()
    assert lab.steps_trained == 11 and len(lab.history) == 11 and counter(at)[0] == 11
    loss = chart(at, "train_loss_chart")
    np.testing.assert_array_equal(decode(trace_named(loss, "loss")["x"]), np.arange(1, 12))
    np.testing.assert_allclose(decode(trace_named(loss, "loss")["y"]), lab.history.scalars()["loss"])
    base = trace_named(loss, f"baseline: {lab.task.baseline_label}")
    assert decode(base["y"]).tolist() == [lab.task.baseline] * 2 == [0.5, 0.5]  # sine: predict 0 → E[sin²] = 1/2
    at.button(key="train_reset").click().run()
    new = at.session_state["lab"]
    assert new is not lab and new.steps_trained == 0 and len(new.history) == 0
    assert (new.model_cfg, new.task_cfg, new.train_cfg) == (lab.model_cfg, lab.task_cfg, lab.train_cfg)
    assert counter(at) == (0, 0, lab.train_cfg.steps) and not at.exception


def test_changing_settings_while_paused_keeps_the_weights():
    at = open_train(small_lab())
    lab = at.session_state["lab"]
    at.button(key="train_step10").click().run()
    before = weights(lab)
    at.number_input(key="train_lr").set_value(0.05).run()
    at.selectbox(key="train_optimizer").set_value("sgd").run()
    at.number_input(key="train_probe_every").set_value(2).run()
    assert at.session_state["lab"] is lab and lab.steps_trained == 10
    assert all(torch.equal(a, b) for a, b in zip(before, weights(lab)))
    assert (lab.train_cfg.lr, lab.train_cfg.optimizer, lab.train_cfg.probe_every) == (0.05, "sgd", 2)
    assert lab.trainer.cfg is lab.train_cfg and lab.trainer.optimizer.param_groups[0]["lr"] == 0.05
    at.button(key="train_step1").click().run()
    assert lab.steps_trained == 11 and not at.exception


def test_settings_changed_elsewhere_show_in_the_widgets():
    at = open_train(small_lab())
    at.session_state["lab"] = small_lab(lr=0.2, clip="value", clip_threshold=0.5)
    at.run()
    assert at.number_input(key="train_lr").value == 0.2
    assert at.selectbox(key="train_clip").value == "value"
    assert at.number_input(key="train_clip_threshold").value == 0.5


def test_clipping_on_and_off():
    at = open_train(small_lab(clip="norm", clip_threshold=1e-3))
    lab = at.session_state["lab"]
    at.button(key="train_step1").click().run()
    assert lab.history.latest.clipped
    at.selectbox(key="train_clip").set_value("none").run()
    assert lab.train_cfg.clip == "none" and at.number_input(key="train_clip_threshold").disabled
    at.button(key="train_step1").click().run()
    assert not lab.history.latest.clipped
    assert lab.history.latest.grad_norm_clipped == lab.history.latest.grad_norm > 1e-3
    at.selectbox(key="train_clip").set_value("norm").run()
    at.button(key="train_step1").click().run()
    norm = chart(at, "train_norm_chart")
    assert decode(trace_named(norm, "clipped")["x"]).tolist() == [1, 3]  # exactly the clipped steps
    assert decode(trace_named(norm, "θ = 0.001")["y"]).tolist() == [1e-3, 1e-3]
    assert "(2 so far)" in " ".join(c.value for c in at.caption)


def test_exploding_gradients_pause_training_and_can_be_undone():
    lab = make_lab(ModelConfig(cell="rnn", nonlinearity="relu", init="spectral", spectral_radius=1.0),
                   TaskConfig(name="adding", seq_len=100), TrainConfig(optimizer="sgd", lr=1.0, clip="none"))
    at = open_train(lab)
    at.button(key="train_start").click().run()
    for _ in range(10):
        if not at.session_state["train_running"]:
            break
        at.run()
    assert not at.session_state["train_running"] and not at.exception
    k = lab.steps_trained  # the step that diverged: a few steps in
    assert 2 <= k <= 10 and lab.history.diverged.startswith(f"step {k}: the loss is nan")
    assert any(lab.history.diverged in e.value for e in at.error)
    assert at.button(key="train_start").disabled and at.button(key="train_step1").disabled
    loss = chart(at, "train_loss_chart")
    assert decode(trace_named(loss, "loss")["x"]).tolist() == list(range(1, k))  # the NaN step is not drawn
    norm = decode(trace_named(chart(at, "train_norm_chart"), "before clipping")["y"])
    assert np.isfinite(norm).all() and len(norm) == k - 1 and norm.max() > 100
    at.button(key="train_restore").click().run()
    assert lab.history.diverged is None and not at.error and not at.exception
    assert all(torch.equal(p, g) for p, g in zip(lab.model.parameters(), lab.trainer._last_good))
    assert "train_restore" not in [b.key for b in at.button] and not at.button(key="train_start").disabled


def test_probe_charts_show_the_latest_probe():
    at = open_train(small_lab(probe_every=5))
    lab = at.session_state["lab"]
    at.button(key="train_step10").click().run()
    curve = chart(at, "train_curve_chart")
    np.testing.assert_allclose(decode(curve["data"][0]["y"]), lab.trainer.probe()[0], rtol=1e-6)
    assert "step 10" in curve["layout"]["title"]["text"]
    sigma = chart(at, "train_sigma_chart")
    w = lab.model.rnn.weight_hh_l0.detach().double().numpy().reshape(4, 8, 8)
    radius = decode(trace_named(sigma, "ρ f")["y"])
    first = lab.history.radius_series()[1]["0/f"][0]
    assert radius.tolist() == pytest.approx([first, np.abs(np.linalg.eigvals(w[1])).max()])  # now: step 10
    eig = chart(at, "train_eigen_chart")
    got = decode(trace_named(eig, "g")["x"]) + 1j * decode(trace_named(eig, "g")["y"])
    np.testing.assert_allclose(np.sort_complex(got), np.sort_complex(np.linalg.eigvals(w[2])), atol=1e-9)
    heat = chart(at, "train_heat_chart")["data"][0]
    assert decode(heat["y"]).tolist() == [5, 10]


def test_metric_choice_follows_the_task():
    at = open_train(small_lab())
    assert at.selectbox(key="train_metric").value == "MAE"  # sine: the first metric
    at.button(key="train_step10").click().run()
    lab = at.session_state["lab"]
    mae = trace_named(chart(at, "train_loss_chart"), "MAE")
    np.testing.assert_allclose(decode(mae["y"]), lab.history.scalars()["metric/MAE"])
    at.session_state["lab"] = make_lab(ModelConfig(cell="gru", hidden_size=8, num_layers=2),
                                       TaskConfig(name="adding", seq_len=20), TrainConfig(batch_size=8, probe_every=5))
    at.run()
    assert at.selectbox(key="train_metric").value == "acc@0.04"  # MSE would repeat the loss
    at.selectbox(key="train_heat_layer").set_value(1).run()
    at.button(key="train_step10").click().run()
    lab = at.session_state["lab"]
    heat = chart(at, "train_heat_chart")
    assert "layer 2" in heat["layout"]["title"]["text"] and not at.exception
    z = heat["data"][0]["z"]  # {"dtype", "bdata", "shape": "2, 20"}
    z = np.frombuffer(base64.b64decode(z["bdata"]), z["dtype"]).reshape([int(n) for n in z["shape"].split(",")])
    np.testing.assert_allclose(z, np.log10(lab.history.probe_matrix(1)[1]))  # layer 2's probes at steps 5, 10


def test_settings_survive_a_visit_to_another_page():
    """Streamlit drops the value of a widget that a run does not draw; coming back must not reset the
    settings to the widgets' minimums (and so train at lr 1e-6 for one step)."""
    at = open_train(make_lab(ModelConfig(hidden_size=8), TaskConfig(name="adding", seq_len=10),
                             TrainConfig(lr=0.01, steps=800, clip_threshold=2.0, probe_every=20)))
    at.switch_page("pages/build.py")
    at.run()
    at.switch_page("pages/train.py")
    at.run()
    assert not at.exception
    cfg = at.session_state["lab"].train_cfg
    assert (cfg.lr, cfg.steps, cfg.clip_threshold, cfg.probe_every) == (0.01, 800, 2.0, 20)
    assert at.number_input(key="train_lr").value == 0.01


def test_leaving_the_page_pauses_training_and_coming_back_shows_it_paused():
    at = open_train(small_lab(steps=10_000))
    lab = at.session_state["lab"]
    at.button(key="train_start").click().run()
    assert at.session_state["train_running"]
    at.switch_page("pages/step_through.py")
    at.run()
    assert not at.session_state["train_running"] and not at.exception
    stopped = lab.steps_trained
    assert f"trained for {stopped} steps" in "\n".join(m.value for m in at.markdown)
    at.switch_page("pages/train.py")
    at.run()
    at.run()
    assert not at.session_state["train_running"] and lab.steps_trained == stopped
    assert not at.button(key="train_start").disabled and counter(at)[0] == stopped
    at.button(key="train_start").click().run()  # and Start goes on with the same run
    assert lab.steps_trained > stopped and counter(at)[1] == lab.steps_trained


def test_a_widget_changed_while_training_does_not_stop_it():
    at = open_train(small_lab(steps=10_000))
    lab = at.session_state["lab"]
    at.button(key="train_start").click().run()
    before = lab.steps_trained
    at.checkbox(key="train_log_loss").check().run()
    assert at.session_state["train_running"] and lab.steps_trained > before and not at.exception
    assert chart(at, "train_loss_chart")["layout"]["yaxis"]["type"] == "log"
    at.button(key="train_pause").click().run()


def test_a_busy_server_queues_the_run_says_its_place_and_starts_it_by_itself(monkeypatch):
    """With every place of the server's training line taken, Start waits in line (the counter says where) without
    training; when a place frees up, the same run starts by itself, no click needed."""
    import pages.common
    from explorer.training.fairshare import FairShare

    line = FairShare(max_running=1, lease_seconds=1e6)  # the other session stays, however slow this test runs
    monkeypatch.setattr(pages.common, "TRAINING", line)
    with line.turn("another session", 0.0) as other:
        assert other.granted
    at = open_train(small_lab(steps=10_000))
    lab = at.session_state["lab"]
    at.button(key="train_start").click().run()
    assert lab.steps_trained == 0 and at.session_state["train_running"]
    text = at.get("progress")[0].proto.text
    assert "The server is busy: you are number 1 in line." in text
    line.leave("another session")
    at.run()  # the fragment's next run
    assert lab.steps_trained > 0
    assert "in line" not in at.get("progress")[0].proto.text
    at.button(key="train_pause").click().run()
    assert line.counts() == (0, 0)  # Pause gave the place back
