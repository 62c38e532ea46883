"""The Compare page's live loss chart as the browser assembles it from its payloads (tests/live_chart.py applies them
as bridge.js does) holds exactly each lab's training losses; the ‖∂L/∂h_t‖ overlay is the latest probe's."""
import json

import numpy as np
import pytest
from live_chart import Gap, LiveChart, assemble

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.training.compare import comparison_labs
from explorer.views import compare_payload as cp
from explorer.views import payload as wire
from explorer.views.style import NORMAL
from explorer.views.train_payload import REPEAT, Feed, streams_of

CFG = (ModelConfig(hidden_size=8), TaskConfig(name="adding", seq_len=10), TrainConfig(batch_size=8, probe_every=5))
NAMES = {"rnn": "vanilla RNN", "bilstm": "Bi-LSTM", "cnn": "1D-CNN"}


def train(labs, steps):
    for lab in labs.values():
        for s in lab.trainer.run(steps):
            lab.history.append(s)


def test_the_streams_add_up_to_each_labs_losses():
    labs = comparison_labs(*CFG, cells=tuple(NAMES))
    feed, payloads = Feed(), []
    for steps in (0, 3, 1, 7):  # a run that trained nothing sends nothing new
        train(labs, steps)
        payloads.append(cp.loss_payload(feed, labs, 1 / 6, "predict the mean", True, NORMAL))
    json.dumps(payloads)  # plain JSON (the component's data), no numpy left in it
    chart = assemble(payloads)
    for arch, lab in labs.items():
        sc = lab.history.scalars()
        np.testing.assert_array_equal(chart.trace(NAMES[arch])["x"], sc["step"])
        np.testing.assert_array_equal(chart.trace(NAMES[arch])["y"], sc["loss"])
    assert len(wire.decode(payloads[-1]["streams"][0]["x"])) <= 7 + 1 + 3  # only what the last REPEAT payloads added
    base = chart.trace("baseline: predict the mean")
    assert list(base["x"]) == [0, 1] and list(base["y"]) == [1 / 6, 1 / 6] and base["xaxis"] == "x2"


def test_a_chart_mounted_afresh_gets_every_point_after_it_says_so():
    labs = comparison_labs(*CFG, cells=("rnn", "cnn"))
    feed = Feed()
    for _ in range(REPEAT + 1):  # more payloads than each repeats: the next starts after the first points
        train(labs, 2)
        cp.loss_payload(feed, labs, 1 / 6, "x", False, NORMAL)
    with pytest.raises(Gap):  # a new browser chart cannot use a payload that starts late
        LiveChart().apply(cp.loss_payload(feed, labs, 1 / 6, "x", False, NORMAL))
    feed.have(streams_of(cp.LOSS, 2), [0, 0])
    chart = LiveChart().apply(cp.loss_payload(feed, labs, 1 / 6, "x", False, NORMAL))
    np.testing.assert_array_equal(chart.trace("1D-CNN")["y"], labs["cnn"].history.scalars()["loss"])


def test_new_labs_start_every_stream_afresh():
    feed = Feed()
    first = comparison_labs(*CFG, cells=("rnn",))
    train(first, 4)
    a = cp.loss_payload(feed, first, 1 / 6, "x", False, NORMAL)
    second = comparison_labs(*CFG, cells=("rnn",))
    train(second, 2)
    b = cp.loss_payload(feed, second, 1 / 6, "x", False, NORMAL)
    assert a["streams"][0]["id"] != b["streams"][0]["id"] and b["streams"][0]["start"] == 0
    chart = assemble([a, b])  # a new id: the browser redraws the figure with the new lab's points only
    np.testing.assert_array_equal(chart.trace("vanilla RNN")["y"], second["rnn"].history.scalars()["loss"])


def test_the_gradient_overlay_is_the_latest_probe_and_rebuilt_only_when_it_changes():
    labs = comparison_labs(*CFG, cells=("lstm", "cnn"))
    train(labs, 5)
    feed = Feed()
    p = cp.grad_payload(feed, labs, 10, 64, NORMAL)
    json.dumps(p)
    lstm = next(t for t in p["figure"]["data"] if t["name"] == "LSTM")
    np.testing.assert_allclose(wire.decode(lstm["y"]), labs["lstm"].history.latest_probe.hidden_grad_norms[-1],
                               rtol=1e-6)
    assert [t["name"] for t in p["figure"]["data"]] == ["LSTM"]  # the CNN has no ‖∂L/∂h_t‖
    assert cp.grad_payload(feed, labs, 10, 64, NORMAL) is p
    train(labs, 5)
    assert cp.grad_payload(feed, labs, 10, 64, NORMAL) is not p
