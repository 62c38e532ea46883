"""The Train page (AppTest): start/pause/step/reset, settings that keep the weights, clipping, the
exploding-gradient path, and the numbers shown against the lab. (run_every never fires in AppTest:
each at.run() runs the training fragment once.)"""
from __future__ import annotations

import re
import time

import numpy as np
import pytest
import torch
from live_chart import fed_payloads, payload, shown
from plotly_json import decode
from streamlit.testing.v1 import AppTest

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from pages import bridge, live


def open_train(lab=None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60)
    if lab is not None:
        at.session_state["lab"] = lab
    if lang is not None:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/train.py")
    at.run()
    assert not at.exception
    return at


def small_lab(**train):
    return make_lab(ModelConfig(cell="lstm", hidden_size=8), TaskConfig(name="sine", seq_len=20),
                    TrainConfig(**{"batch_size": 8, "probe_every": 5, **train}))


def chart(at, key: str):
    """The chart `key` with every point a browser holds (tests/live_chart.py)."""
    return shown(at, key)


def shape(fig, name: str) -> dict:
    return next(s for s in fig.figure["layout"]["shapes"] if s.get("name") == name)


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
    assert seen[0] >= 1 and seen[1] > seen[0] and seen[2] > seen[1]  # every fragment run trains
    # The counter is redrawn with each feed of the loss chart and at the run's end; AppTest can hand the page back
    # before the last messages arrive, so they show a step of this run, at most the last one trained.
    step, done, steps_total = counter(at)
    assert seen[1] < step == done <= lab.steps_trained and steps_total == 10_000
    assert at.get("progress")[0].proto.value == int(100 * step / 10_000)
    # the run fed the mounted loss chart as it trained
    fed = fed_payloads(at)["train_loss_chart"]["streams"][0]
    steps, losses = lab.history.scalars()["step"], lab.history.scalars()["loss"]
    x = decode(fed["x"])
    assert seen[1] < x[-1] <= lab.steps_trained and len(x) > 1
    np.testing.assert_array_equal(x, steps[fed["start"]:fed["start"] + len(x)])
    np.testing.assert_allclose(decode(fed["y"][0]), losses[fed["start"]:fed["start"] + len(x)],
                               rtol=1e-6)  # float32 on the wire
    at.button(key="train_pause").click().run()
    stopped = lab.steps_trained
    at.run()
    at.run()
    assert not at.session_state["train_running"] and lab.steps_trained == stopped and not at.exception
    drawn = chart(at, "train_loss_chart").trace("training loss (each batch)")["x"]
    np.testing.assert_array_equal(drawn, lab.history.scalars()["step"])  # every kept step, as the history has it
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
    np.testing.assert_array_equal(loss.trace("training loss (each batch)")["x"], np.arange(1, 12))
    np.testing.assert_allclose(loss.trace("training loss (each batch)")["y"], lab.history.scalars()["loss"],
                               rtol=1e-6)  # float32 on the wire
    base = shape(loss, f"baseline: {lab.task.baseline_label}")
    assert base["y0"] == base["y1"] == lab.task.baseline == 0.5  # sine: predict 0 → E[sin²] = 1/2
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
    clipped = norm.trace("clipped")
    assert clipped["x"][np.isfinite(clipped["y"])].tolist() == [1, 3]  # exactly the clipped steps
    assert shape(norm, "θ = 0.001")["y0"] == 0.001  # shapes take data values on a log axis too (plotly.js#6194)
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
    loss = chart(at, "train_loss_chart").trace("training loss (each batch)")
    finite = np.isfinite(loss["y"])
    assert loss["x"][finite].tolist() == list(range(1, k)) and not finite[k - 1:].any()  # the NaN step: a gap
    norm = chart(at, "train_norm_chart").trace("before clipping")["y"]
    assert np.isfinite(norm[:k - 1]).all() and not np.isfinite(norm[k - 1:]).any() and norm[:k - 1].max() > 100
    at.button(key="train_restore").click().run()
    assert lab.history.diverged is None and not at.error and not at.exception
    assert all(torch.equal(p, g) for p, g in zip(lab.model.parameters(), lab.trainer._last_good))
    assert "train_restore" not in [b.key for b in at.button] and not at.button(key="train_start").disabled


def test_probe_charts_show_the_latest_probe():
    at = open_train(small_lab(probe_every=5))
    lab = at.session_state["lab"]
    at.button(key="train_step10").click().run()
    curve = chart(at, "train_curve_chart")
    np.testing.assert_allclose(curve.figure["data"][0]["y"], lab.trainer.probe()[0], rtol=1e-6)
    assert "step 10" in curve.figure["layout"]["title"]["text"]
    sigma = chart(at, "train_sigma_chart")
    w = lab.model.rnn.weight_hh_l0.detach().double().numpy().reshape(4, 8, 8)
    radius = sigma.trace("ρ f")["y"]
    first = lab.history.radius_series()[1]["0/f"][0]
    assert radius.tolist() == pytest.approx([first, np.abs(np.linalg.eigvals(w[1])).max()], rel=1e-6)  # now: 10
    eig = chart(at, "train_eigen_chart")
    got = eig.trace("g")["x"] + 1j * eig.trace("g")["y"]
    np.testing.assert_allclose(np.sort_complex(got), np.sort_complex(np.linalg.eigvals(w[2])), atol=1e-9)
    heat = chart(at, "train_heat_chart").figure["data"][0]
    assert heat["y"].tolist() == [5, 10]


def test_metric_choice_follows_the_task():
    at = open_train(small_lab())
    assert at.selectbox(key="train_metric").value == "MAE"  # sine: the first metric
    at.button(key="train_step10").click().run()
    lab = at.session_state["lab"]
    mae = chart(at, "train_loss_chart").trace("MAE (training)")
    np.testing.assert_allclose(mae["y"], lab.history.scalars()["metric/MAE"], rtol=1e-6)
    at.session_state["lab"] = make_lab(ModelConfig(cell="gru", hidden_size=8, num_layers=2),
                                       TaskConfig(name="adding", seq_len=20), TrainConfig(batch_size=8, probe_every=5))
    at.run()
    assert at.selectbox(key="train_metric").value == "acc@0.04"  # MSE would repeat the loss
    at.selectbox(key="train_heat_layer").set_value(1).run()
    at.button(key="train_step10").click().run()
    lab = at.session_state["lab"]
    heat = chart(at, "train_heat_chart")
    assert "layer 2" in heat.figure["layout"]["title"]["text"] and not at.exception
    z = heat.figure["data"][0]["z"]
    np.testing.assert_allclose(z, np.log10(lab.history.probe_matrix(1)[1]), rtol=1e-6)  # layer 2, steps 5, 10


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
    assert f"trained for {stopped:,} steps" in "\n".join(m.value for m in at.markdown)
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
    assert chart(at, "train_loss_chart").figure["layout"]["yaxis"]["type"] == "log"
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


def test_the_tutorial_settings_reach_the_train_config_and_the_share_link():
    from explorer.lecture.share import from_query, to_query

    at = open_train(small_lab())
    lab = at.session_state["lab"]
    at.button(key="train_step10").click().run()
    before = weights(lab)
    at.selectbox(key="train_optimizer").set_value("adamw").run()
    at.selectbox(key="train_lr_schedule").set_value("inverse").run()
    at.number_input(key="train_lr_k").set_value(0.05).run()
    at.number_input(key="train_weight_decay").set_value(0.01).run()
    at.number_input(key="train_eval_every").set_value(5).run()
    at.number_input(key="train_patience").set_value(3).run()
    at.number_input(key="train_min_delta").set_value(0.001).run()
    at.number_input(key="train_tbptt").set_value(5).run()
    cfg = lab.train_cfg
    assert (cfg.optimizer, cfg.lr_schedule, cfg.lr_k, cfg.weight_decay, cfg.eval_every, cfg.patience,
            cfg.min_delta, cfg.tbptt) == ("adamw", "inverse", 0.05, 0.01, 5, 3, 0.001, 5)
    assert at.session_state["lab"] is lab and all(torch.equal(a, b) for a, b in zip(before, weights(lab)))
    assert from_query(to_query(lab.model_cfg, lab.task_cfg, cfg))[2] == cfg  # the link carries every field
    at.selectbox(key="train_lr_schedule").set_value("step").run()
    at.number_input(key="train_lr_step_size").set_value(4).run()
    at.number_input(key="train_lr_gamma").set_value(0.5).run()
    assert (lab.train_cfg.lr_step_size, lab.train_cfg.lr_gamma) == (4, 0.5)
    assert all(w.help for w in (at.selectbox(key="train_lr_schedule"), at.number_input(key="train_weight_decay"),
                                at.number_input(key="train_tbptt"), at.number_input(key="train_patience")))
    at.button(key="train_step10").click().run()
    lr = chart(at, "train_loss_chart").trace("learning rate")
    # step: lr·γ^⌊t/n⌋ with t the steps already taken (the first 10 steps ran at the constant rate)
    np.testing.assert_allclose(lr["y"][10:], [0.003 * 0.5 ** ((s - 1) // 4) for s in range(11, 21)], rtol=1e-6)
    assert not at.exception


def test_the_test_button_shows_the_test_sets_numbers():
    at = open_train(small_lab())
    lab = at.session_state["lab"]
    at.button(key="train_step10").click().run()
    at.button(key="train_test_button").click().run()
    batch = lab.task.eval_set("test")
    lab.model.eval()
    with torch.no_grad():
        out = lab.model(batch.x)
    lab.model.train()
    mse = float(((out - batch.y) ** 2).mean())  # sine: MSE on every step, by hand
    mae = float((out - batch.y).abs().mean())
    text = at.success[0].value
    assert f"Test set ({len(batch.x)} sequences" in text and "weights of step 10" in text
    assert f"loss **{mse:.4g}**" in text and f"MAE **{mae:.4g}**" in text, text
    at.button(key="train_step1").click().run()
    assert "trained 1 steps since" in at.success[0].value


def test_an_early_stop_is_said_and_marked_on_the_loss_chart():
    at = open_train(small_lab(eval_every=1, patience=1, min_delta=10.0, steps=50))
    lab = at.session_state["lab"]
    at.button(key="train_start").click().run()
    for _ in range(5):
        if not at.session_state["train_running"]:
            break
        at.run()
    stop = lab.trainer.early_stop
    assert stop is not None and stop.best_step == 1 and stop.step == 2  # nothing improves by 10: stop at once
    assert any(stop.message in i.value for i in at.info)
    loss = chart(at, "train_loss_chart")
    lines = {(s["name"], s["x0"]) for s in loss.figure["layout"]["shapes"] if s["name"] != "baseline: predict 0"}
    assert ("early stop", 2) in lines and ("weights restored from", 1) in lines
    assert "stop 2 → weights of 1" in [a["text"] for a in loss.figure["layout"]["annotations"]]


def test_presenter_mode_enlarges_every_live_chart():
    from explorer.views.style import NORMAL, PRESENTER

    at = open_train(small_lab())
    keys = ["train_loss_chart", "train_curve_chart", "train_norm_chart", "train_param_chart", "train_heat_chart",
            "train_sigma_chart", "train_eigen_chart"]
    assert all(payload(at, k)["figure"]["layout"]["height"] == NORMAL.chart_height for k in keys)
    at.toggle(key="presenter").set_value(True).run()
    for k in keys:
        lay = payload(at, k)["figure"]["layout"]
        assert lay["height"] == PRESENTER.chart_height and lay["font"]["size"] == PRESENTER.font, k


def run_until_paused(at) -> None:
    at.button(key="train_start").click().run()
    for _ in range(10):
        if not at.session_state["train_running"]:
            break
        at.run()
    assert not at.session_state["train_running"] and not at.exception


def test_the_page_in_chinese_says_its_messages_in_chinese():
    """lang=zh: labels, the counter, the early stop's message and the test set's result in Chinese, the numbers
    the same as in English."""
    from explorer.i18n import message

    at = open_train(small_lab(eval_every=1, patience=1, min_delta=10.0, steps=50), "zh")
    lab = at.session_state["lab"]
    assert at.title[0].value == "训练"
    assert at.button(key="train_start").label == "开始" and at.button(key="train_step10").label == "走 10 步"
    assert at.selectbox(key="train_optimizer").label == "优化器"
    run_until_paused(at)
    stop = lab.trainer.early_stop
    assert stop is not None and stop.message.startswith("Early stopping after step 2")  # str(): English
    info = at.info[0].value
    assert info.startswith(f"第 2 步后早停：验证损失连续 1 次评估没有改善。已恢复第 1 步的权重（验证损失 "
                           f"{stop.best_val_loss:.4g}）。") and info == message(stop.message, "zh") + "按“开始”将从这组权重继续训练。"
    assert re.match(r"第 \*\*2\*\* 步 · 本次运行 2 / 50 · 损失 ", at.get("progress")[0].proto.text)
    loss = chart(at, "train_loss_chart")
    assert loss.figure["layout"]["title"]["text"] == "损失" and len(loss.trace("训练损失（每个批次）")["x"]) == 2
    assert ("早停", 2) in {(s["name"], s["x0"]) for s in loss.figure["layout"]["shapes"]}
    baseline = next(s["name"] for s in loss.figure["layout"]["shapes"] if s["name"].startswith("基线："))
    assert baseline == f"基线：总是预测 0（MSE {lab.task.baseline:.3f}）", baseline
    assert chart(at, "train_norm_chart").figure["layout"]["xaxis"]["title"]["text"] == "训练步"
    assert chart(at, "train_eigen_chart").figure["layout"]["title"]["text"] == "W_hh 的特征值"  # no spectrum yet
    at.button(key="train_test_button").click().run()
    assert at.success[0].value.startswith(f"测试集（{len(lab.task.eval_set('test').x)} 个序列，从未用于训练），第 2 步的权重")
    assert not at.exception


def test_exploding_gradients_are_said_in_chinese():
    lab = make_lab(ModelConfig(cell="rnn", nonlinearity="relu", init="spectral", spectral_radius=1.0),
                   TaskConfig(name="adding", seq_len=100), TrainConfig(optimizer="sgd", lr=1.0, clip="none"))
    at = open_train(lab, "zh")
    run_until_paused(at)
    k = lab.steps_trained
    assert lab.history.diverged.startswith(f"step {k}: the loss is nan")  # str(): English, as logs read it
    assert at.error[0].value.startswith(f"训练已暂停：梯度爆炸，发生在第 {k} 步：损失为 nan，本次更新未应用。图表显示")
    assert at.button(key="train_restore").label == "恢复最后一组正常的权重"


@pytest.mark.parametrize("lang,want", [
    ("en", "bidirectional peephole LSTM, 2 layers × 4 units. Task: Adding problem (T = 12)."),
    ("zh", "双向 窥视孔 LSTM，2 层 × 4 个单元。任务：加法问题（T = 12）。"),
])
def test_the_caption_names_the_model_as_built(lang, want):
    lab = make_lab(ModelConfig(cell="peephole", bidirectional=True, num_layers=2, hidden_size=4),
                   TaskConfig(name="adding", seq_len=12), TrainConfig())
    at = open_train(lab, lang)
    caption = next(m.value for m in at.markdown if "Task" in m.value or "任务" in m.value)
    assert caption.replace("**", "").startswith(want), caption


def test_while_the_browser_is_behind_the_run_trains_on_and_sends_it_nothing(monkeypatch):
    """pages/live.py: while bridge.behind() (the browser has not read what it was sent), no feed goes out and the
    run goes on past RUN_SECONDS; once the browser has caught up, the next feed carries every step since."""
    at = open_train(small_lab(steps=20_000))  # the run does not end first
    lab = at.session_state["lab"]
    first_asked, fed = [], []  # fed: (behind then?, when, steps trained then, payloads) per feed

    def behind() -> bool:  # behind for two runs' time from the loop's first question
        first_asked[:] = first_asked or [time.perf_counter()]
        return time.perf_counter() - first_asked[0] < 2 * live.RUN_SECONDS

    real_feed = bridge.feed
    monkeypatch.setattr(bridge, "behind", behind)
    monkeypatch.setattr(bridge, "feed", lambda payloads: (
        fed.append((behind(), time.perf_counter(), lab.steps_trained, payloads)), real_feed(payloads)))
    at.button(key="train_start").click().run()
    assert fed and not any(was_behind for was_behind, *_ in fed)
    _, when, trained, payloads = fed[0]
    assert when - first_asked[0] >= 2 * live.RUN_SECONDS  # the run went on past RUN_SECONDS, sending nothing
    first = payloads["train_loss_chart"]["streams"][0]
    x = decode(first["x"])  # the steps since the mount (step 0), thinned as the loss chart thins a long history
    assert len(x) > 20
    stride = x[1] - x[0]
    assert first["start"] == 0 and x[0] == 1 and np.all(np.diff(x) == stride) and trained - stride < x[-1] <= trained
    at.button(key="train_pause").click().run()
    assert not at.exception


@pytest.mark.parametrize("probe_every", [5, 0])
def test_a_probe_is_fed_after_its_piece_and_the_loss_chart_at_a_pace(monkeypatch, probe_every):
    """pages/live.py: while Train trains in pieces of PIECE_GAP, the ‖∂L/∂h_t‖ curve is fed after each piece that
    probed (its latest probe), the loss chart with it or PACE_GAP after its last feed, marked "pace" (bridge.js draws
    its points one after the other until the next feed; so is its mount while the run trains), the other charts every
    REFRESH_GAP; the step counter is redrawn after each feed of the loss chart. Without probes, the loss chart is fed
    far less often than after every piece."""
    import streamlit

    import explorer.training.live as training_live

    at = open_train(small_lab(steps=20_000, probe_every=probe_every))
    lab = at.session_state["lab"]
    events = []  # in order: ("piece", it probed?), ("feed", when, the latest probe's step, payloads), ("status",)
    real_chunk, real_feed, real_progress = training_live.train_chunk, bridge.feed, streamlit.progress

    def probe() -> int | None:
        return lab.history.latest_probe and lab.history.latest_probe.step

    def piece(lab_, n, seconds):
        assert seconds == live.PIECE_GAP
        before, out = probe(), real_chunk(lab_, n, seconds)
        events.append(("piece", probe() != before))
        return out

    monkeypatch.setattr(training_live, "train_chunk", piece)
    monkeypatch.setattr(bridge, "feed", lambda payloads: (
        events.append(("feed", time.perf_counter(), probe(), payloads)), real_feed(payloads)))
    monkeypatch.setattr(streamlit, "progress", lambda *a, **k: (events.append(("status",)), real_progress(*a, **k))[1])
    at.button(key="train_start").click().run()
    assert payload(at, "train_loss_chart")["pace"] is True
    at.button(key="train_pause").click().run()
    assert not at.exception and "pace" not in payload(at, "train_loss_chart")
    pieces = [e for e in events if e[0] == "piece"]
    fed = [e[1:] for e in events if e[0] == "feed"]
    assert len(pieces) > 10
    loss = [(when, p["train_loss_chart"]) for when, _, p in fed if "train_loss_chart" in p]
    assert loss and all(p["pace"] is True for _, p in loss)
    slow = [when for when, _, p in fed if "train_norm_chart" in p]
    assert all(b - a >= live.REFRESH_GAP for a, b in zip(slow, slow[1:]))
    between = []  # what happened between two pieces
    for e in events:
        if e[0] == "piece":
            between.append((e[1], []))
        elif between:
            between[-1][1].append(e)
    for (_, after), _ in zip(between, between[1:]):  # a feed of the loss chart, then the counter redrawn
        kinds = [(e[0], "train_loss_chart" in e[3]) if e[0] == "feed" else (e[0], False) for e in after]
        if ("feed", True) in kinds:
            assert ("status", False) in kinds[kinds.index(("feed", True)):]
    curves = [(probe_step, p["train_curve_chart"]) for _, probe_step, p in fed if "train_curve_chart" in p]
    if probe_every:  # each piece that probed, then a feed with its newest probe, and the loss chart with it
        probed = [after for (did, after), _ in zip(between, between[1:]) if did]
        assert len(probed) >= 3
        for after in probed:
            feeds = [e for e in after if e[0] == "feed" and "train_curve_chart" in e[3]]
            assert len(feeds) == 1 and "train_loss_chart" in feeds[0][3]
            title = feeds[0][3]["train_curve_chart"]["figure"]["layout"]["title"]["text"]
            assert title == f"‖∂L/∂hₜ‖ through time at step {feeds[0][2]}"
        assert all("pace" not in c for _, c in curves) and len({s for s, _ in curves}) == len(curves)
    else:  # only the pace: feeds of the loss chart PACE_GAP apart at least, unless the slow charts came along
        assert not curves
        gaps = [b - a for (a, _), (b, p) in zip(loss, loss[1:]) if not any(b == w for w in slow)]
        assert gaps and min(gaps) >= live.PACE_GAP
        assert len(loss) <= len(pieces) / 2


def test_live_charts_are_told_whether_points_are_still_on_their_way():
    """While a run trains, the live charts are mounted with streaming=True (bridge.js keeps headroom on their axes for
    the points to come and sketches them between redraws); once Pause stops it, with streaming=False (their axes fit
    the data at once)."""
    at = open_train(small_lab(steps=20_000))
    live_keys = ("train_loss_chart", "train_norm_chart", "train_param_chart", "train_heat_chart", "train_sigma_chart")
    assert all("streaming" not in payload(at, k) or payload(at, k)["streaming"] is False for k in live_keys)
    at.button(key="train_start").click().run()
    assert [payload(at, k)["streaming"] for k in live_keys] == [True] * len(live_keys)
    at.button(key="train_pause").click().run()
    assert [payload(at, k)["streaming"] for k in live_keys] == [False] * len(live_keys)
    assert "streaming" not in payload(at, "train_curve_chart")  # a figure replaced per probe: nothing streams in
    assert not at.exception
