"""Shareable links round-trip every setting, and hostile query values are ignored with a notice."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import ModelConfig
from explorer.config import TaskConfig, TrainConfig
from explorer.lecture.share import from_query, to_query, view_from_query, view_to_query


def test_round_trip_of_every_field():
    model = ModelConfig(cell="rnn", hidden_size=17, num_layers=3, nonlinearity="relu", init="spectral",
                        spectral_radius=1.25, forget_bias=0.5, dropout=0.2, seed=42, bidirectional=True)
    task = TaskConfig(name="order", seq_len=77, noise=0.1, n_sines=3, freq=0.013, csv_column="x", seed=5, period=9)
    train = TrainConfig(optimizer="rmsprop", lr=0.00123, momentum=0.5, clip="value", clip_threshold=2.5,
                        batch_size=12, steps=345, probe_every=7, seed=9, eval_every=13, lr_schedule="step",
                        lr_step_size=77, lr_gamma=0.25, lr_k=0.0123, lr_min=0.0001, weight_decay=0.015,
                        patience=6, min_delta=0.002, tbptt=25)
    m, t, r, notices = from_query(to_query(model, task, train))
    assert (m, t, r, notices) == (model, task, train, [])


@settings(max_examples=50, deadline=None)
@given(lr=st.floats(1e-6, 10.0), radius=st.floats(0.01, 5.0), seq=st.integers(3, 1000))
def test_round_trip_of_floats_is_exact(lr, radius, seq):
    model = ModelConfig(init="spectral", spectral_radius=radius)
    m, t, r, notices = from_query(to_query(model, TaskConfig(seq_len=seq), TrainConfig(lr=lr)))
    assert (m.spectral_radius, t.seq_len, r.lr, notices) == (radius, seq, lr, [])


def test_forget_bias_none():
    m, *_ = from_query({"m.forget_bias": "none"})
    assert m.forget_bias is None


@pytest.mark.parametrize("params, fragment", [
    ({"m.cell": "<script>alert(1)</script>"}, "cell must be one of"),
    ({"m.hidden_size": "1e9"}, "not a whole number"),
    ({"m.hidden_size": "100000"}, "hidden_size must be an integer in 1..512"),
    ({"r.lr": "nan"}, "not a finite number"),
    ({"r.lr": "inf"}, "not a finite number"),
    ({"r.lr": "fast"}, "not a number"),
    ({"m.input_size": "7"}, "unknown setting"),
    ({"evil": "1"}, "unknown setting"),
    ({"page": "../../etc/passwd"}, "unknown setting"),
    ({"t.name": "csv"}, "needs an uploaded file"),
    ({"t.seq_len": "9" * 500}, "too long"),
    ({"t.name": "order", "t.seq_len": "2"}, "TaskConfig"),
    ({"m.bidirectional": "maybe"}, "not true or false"),
    ({"m.cell": "peepholes"}, "cell must be one of"),
    ({"t.name": "spikes", "t.seq_len": "30", "t.period": "20"}, "twice the period"),
    ({"r.lr_schedule": "sawtooth"}, "lr_schedule must be one of"),
    ({"r.tbptt": "-3"}, "tbptt must be an integer"),
    ({"r.patience": "4", "r.eval_every": "0"}, "needs evaluations"),
])
def test_bad_values_are_ignored_with_a_notice(params, fragment):
    m, t, r, notices = from_query(params)
    assert (m, t, r) == (ModelConfig(), TaskConfig(), TrainConfig())
    assert len(notices) == 1 and fragment in notices[0]


def test_notices_carry_no_markup():
    *_, notices = from_query({"m.cell": "![x](http://evil)<b>`"})
    assert not any(ch in notices[0] for ch in "![]<>`*#|")


def test_lists_take_the_last_value():
    m, *_ = from_query({"m.cell": ["rnn", "gru"]})
    assert m.cell == "gru"


@pytest.mark.parametrize("text, value", [("true", True), ("True", True), ("1", True), ("false", False), ("0", False)])
def test_booleans(text, value):
    m, _, _, notices = from_query({"m.bidirectional": text, "m.cell": "peephole"})
    assert (m.bidirectional, m.cell, notices) == (value, "peephole", [])
    assert to_query(m, TaskConfig(), TrainConfig())["m.bidirectional"] == str(value).lower()


def test_the_step_through_view_round_trips_and_is_not_a_config_setting():
    query = view_to_query(sample=7, step=123)
    assert view_from_query(query) == ({"sample": 7, "step": 123}, [])
    *_, notices = from_query({**query, "m.cell": "gru"})
    assert notices == []  # v.* belongs to the view, not to the configs


@pytest.mark.parametrize("params, shown", [
    ({"v.step": "0"}, "v.step=0"), ({"v.step": "1001"}, "v.step=1001"), ({"v.sample": "16"}, "v.sample=16"),
    ({"v.step": "1e3"}, "v.step=1e3"), ({"v.step": "<script>"}, "v.step=?script?"),
])
def test_bad_view_values_are_ignored_with_a_notice(params, shown):
    view, notices = view_from_query(params)
    assert view == {} and len(notices) == 1 and shown in notices[0]
    assert not any(ch in notices[0] for ch in "<>")
