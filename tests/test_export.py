"""Export/import round trips, and every malformed, oversized or mismatched file is refused cleanly."""
import csv
import dataclasses
import io

import numpy as np
import pytest
import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from explorer import ModelConfig, build_model, unroll
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import import_file, make_lab
from explorer.lecture.export import (
    MAX_CONFIG_BYTES,
    config_json,
    history_csv,
    load_weights,
    parse_config_json,
    trace_npz,
    weights_safetensors,
)

CFGS = (ModelConfig(cell="gru", hidden_size=6, forget_bias=None), TaskConfig(name="copy", seq_len=8),
        TrainConfig(lr=0.01, clip="value"))


def test_config_round_trip():
    assert parse_config_json(config_json(*CFGS)) == CFGS
    train = TrainConfig(optimizer="adamw", weight_decay=0.05, lr_schedule="cosine", lr_min=1e-4, eval_every=10,
                        patience=4, min_delta=0.001, tbptt=20, lr_step_size=7, lr_gamma=0.9, lr_k=0.01)
    assert parse_config_json(config_json(CFGS[0], CFGS[1], train))[2] == train


def test_a_config_saved_before_issue_13_loads_with_todays_defaults():
    old = (b'{"format": "rnn-explorer-config", "version": 1, "train": {"optimizer": "sgd", "lr": 0.1, '
           b'"momentum": 0.9, "clip": "none", "clip_threshold": 1.0, "batch_size": 8, "steps": 10, '
           b'"probe_every": 5, "seed": 3}}')
    train = parse_config_json(old)[2]
    assert (train.lr_schedule, train.weight_decay, train.patience, train.tbptt) == ("constant", 0.0, 0, 0)


@pytest.mark.parametrize("data, fragment", [
    (b"\xff\xfe", "UTF-8 JSON"),
    (b"[1, 2]", "not an RNN Explorer config"),
    (b'{"format": "rnn-explorer-config", "version": 99}', "version 99"),
    (b'{"format": "rnn-explorer-config", "version": 1, "evil": {}}', "Unknown section"),
    (b'{"format": "rnn-explorer-config", "version": 1, "model": {"hidden_size": 4096}}', "hidden_size"),
    (b'{"format": "rnn-explorer-config", "version": 1, "model": {"cell": "lstm", "x": 1}}', "unknown ModelConfig"),
    (b'{"format": "rnn-explorer-config", "version": 1, "task": "adding"}', "mapping"),
    (b" " * (MAX_CONFIG_BYTES + 1), "at most"),
])
def test_bad_configs(data, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_config_json(data)


def test_weights_round_trip_and_metadata():
    a = build_model(ModelConfig(cell="lstm", num_layers=2, seed=1))
    b = build_model(ModelConfig(cell="lstm", num_layers=2, seed=2))
    data = weights_safetensors(a)
    assert b"model_config" in data[:2000]
    load_weights(b, data)
    for (_, p), (_, q) in zip(a.state_dict().items(), b.state_dict().items()):
        assert torch.equal(p, q)


def state(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("make_bad, fragment", [
    (lambda m: b"", "not a safetensors"),
    (lambda m: b"PK\x03\x04 a zip or a pickle", "not a safetensors"),
    (lambda m: weights_safetensors(build_model(ModelConfig(cell="lstm", num_layers=2))), "do not fit"),
    (lambda m: weights_safetensors(build_model(ModelConfig(cell="gru"))), "shape"),
    (lambda m: weights_safetensors(build_model(ModelConfig(cell="lstm", hidden_size=8))), "shape"),
    (lambda m: save_safetensors({**state(m), "rnn.weight_hh_l0": torch.full((128, 32), float("nan"))}), "non-finite"),
    (lambda m: save_safetensors({**state(m), "rnn.bias_ih_l0": torch.zeros(128, dtype=torch.int32)}), "non-float"),
])
def test_bad_weights_change_nothing(make_bad, fragment):
    model = build_model(ModelConfig(cell="lstm"))
    before = state(model)
    with pytest.raises(ValueError, match=fragment):
        load_weights(model, make_bad(model))
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_history_csv_has_every_kept_step():
    lab = make_lab(*CFGS)
    for s in lab.trainer.run(4):
        lab.history.append(s)
    rows = list(csv.DictReader(io.StringIO(history_csv(lab.history).decode())))
    assert [int(r["step"]) for r in rows] == [1, 2, 3, 4]
    assert float(rows[2]["loss"]) == pytest.approx(lab.history.scalars()["loss"][2])
    assert "param/rnn.weight_hh_l0" in rows[0] and "metric/accuracy" in rows[0]
    stamps = [float(r["finished_at"]) for r in rows]
    assert stamps == sorted(stamps) and stamps[-1] == lab.history.latest.finished_at  # full precision


def test_history_csv_carries_the_rate_and_the_evaluations():
    lab = make_lab(CFGS[0], CFGS[1], TrainConfig(eval_every=2, lr=0.01, lr_schedule="inverse", lr_k=0.5))
    for s in lab.trainer.run(4):
        lab.history.append(s)
    rows = list(csv.DictReader(io.StringIO(history_csv(lab.history).decode())))
    assert [float(r["lr"]) for r in rows] == pytest.approx([0.01 / (1 + 0.5 * t) for t in range(4)])
    assert [r["val_loss"] for r in rows][::2] == ["", ""]
    assert float(rows[3]["val_loss"]) == lab.history.latest_eval.val_loss
    assert float(rows[1]["train_metric/accuracy"]) == lab.history.eval_series()["train_metric/accuracy"][0]


def test_history_csv_keeps_evaluations_whose_step_row_was_thinned_away():
    from explorer.training.history import History
    from explorer.training.trainer import StepStats
    h = History()
    for step in range(1, 2001):  # thinning keeps every other step row, then every 4th ...
        h.append(StepStats(step=step, loss=1.0, metrics={}, baseline=1.0, grad_norm=1.0, grad_norm_clipped=1.0,
                           clipped=False, param_grad_norms={}, lr=0.1,
                           val_loss=step / 1000 if step % 7 == 0 else None, val_metrics={} if step % 7 == 0 else None,
                           train_eval_loss=0.5 if step % 7 == 0 else None, train_eval_metrics={} if step % 7 == 0 else None))
    rows = list(csv.DictReader(io.StringIO(history_csv(h).decode())))
    evaluated = [int(r["step"]) for r in rows if r["val_loss"]]
    assert evaluated == [int(s) for s in h.eval_series()["step"]] and 7 in evaluated and 1995 in evaluated
    assert sum(r["loss"] != "" for r in rows) == len(h.steps.rows)  # every kept step row, once
    assert any(r["loss"] == "" for r in rows if r["val_loss"])  # an evaluation whose step row was dropped


def test_trace_npz_round_trip():
    model = build_model(ModelConfig(cell="lstm", input_size=2))
    trace = unroll(model, torch.randn(3, 5, 2))
    z = np.load(io.BytesIO(trace_npz(trace)), allow_pickle=False)
    assert str(z["cell_type"]) == "lstm"
    np.testing.assert_array_equal(z["hidden"], trace.hidden)
    np.testing.assert_array_equal(z["gate_f"], trace.gates["f"])
    np.testing.assert_array_equal(z["cell"], trace.cell)


def test_import_file_config_weights_and_refusals():
    lab = make_lab(*CFGS)
    list(lab.trainer.run(3))
    new, message = import_file(lab, "setup.json", config_json(ModelConfig(cell="rnn"), TaskConfig(name="adding"),
                                                              TrainConfig(lr=0.02)))
    assert (new.model_cfg.cell, new.task_cfg.name, new.train_cfg.lr, new.steps_trained) == ("rnn", "adding", 0.02, 0)
    assert "untrained" in message
    donor = make_lab(*CFGS[:1], CFGS[1], CFGS[2])
    with torch.no_grad():
        for p in donor.model.parameters():
            p.fill_(0.25)
    loaded, _ = import_file(lab, "w.safetensors", weights_safetensors(donor.model))
    assert all((p == 0.25).all() for p in loaded.model.parameters())
    assert loaded.model is not lab.model and loaded.steps_trained == 0 and len(loaded.history) == 0
    assert lab.steps_trained == 3 and not any((p == 0.25).all() for p in lab.model.parameters())
    for name, data in (("w.safetensors", b"junk"), ("c.json", b"{}"), ("model.pkl", b"\x80\x04")):
        with pytest.raises(ValueError):
            import_file(lab, name, data)


# ---- issue 11: bidirectional and peephole weights ----------------------------------------------

@pytest.mark.parametrize("cell", ["lstm", "gru", "peephole"])
def test_bidirectional_and_peephole_weights_round_trip(cell):
    cfg = ModelConfig(cell=cell, num_layers=2, hidden_size=5, input_size=2, output_size=3, bidirectional=True)
    a, b = build_model(dataclasses.replace(cfg, seed=1)), build_model(dataclasses.replace(cfg, seed=2))
    with torch.no_grad():
        for name, p in a.named_parameters():
            if "weight_c" in name:
                p.uniform_(-1, 1)
    data = weights_safetensors(a)
    names = set(load_safetensors(data))
    assert {"rnn.weight_hh_l1_reverse", "rnn.bias_ih_l0_reverse", "head.weight"} <= names
    assert ({"rnn.weight_ci_l0", "rnn.weight_co_l1_reverse"} <= names) == (cell == "peephole")
    load_weights(b, data)
    for (n, p), (_, q) in zip(a.state_dict().items(), b.state_dict().items()):
        assert torch.equal(p, q), n
    x = torch.randn(2, 6, 2)
    torch.testing.assert_close(a(x), b(x))


@pytest.mark.parametrize("saved, into, fragment", [
    (dict(bidirectional=True), dict(), "unexpected rnn.bias_hh_l0_reverse"),
    (dict(), dict(bidirectional=True), "missing rnn.bias_hh_l0_reverse"),
    (dict(cell="lstm"), dict(cell="peephole"), "missing rnn.weight_cf_l0"),
    (dict(cell="peephole"), dict(cell="lstm"), "unexpected rnn.weight_cf_l0"),
])
def test_weights_of_another_direction_count_or_cell_are_refused(saved, into, fragment):
    model = build_model(ModelConfig(**{"cell": "lstm", **into}))
    before = state(model)
    with pytest.raises(ValueError, match=fragment):
        load_weights(model, weights_safetensors(build_model(ModelConfig(**{"cell": "lstm", **saved}))))
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_config_with_the_new_fields_round_trips_and_a_bad_combination_is_refused():
    cfgs = (ModelConfig(cell="peephole", bidirectional=True), TaskConfig(name="spikes", seq_len=50, period=7),
            TrainConfig())
    assert parse_config_json(config_json(*cfgs)) == cfgs
    lab = make_lab(*CFGS)
    with pytest.raises(ValueError, match="bidirectional"):
        import_file(lab, "c.json", config_json(ModelConfig(bidirectional=True), TaskConfig(name="charlm"), TrainConfig()))
    bad = config_json(ModelConfig(), TaskConfig(), TrainConfig()).replace(b'"bidirectional": false',
                                                                            b'"bidirectional": "yes"')
    with pytest.raises(ValueError, match="bidirectional must be true or false"):
        parse_config_json(bad)


def test_trace_npz_of_a_bidirectional_peephole_model():
    model = build_model(ModelConfig(cell="peephole", input_size=2, bidirectional=True))
    trace = unroll(model, torch.randn(3, 5, 2))
    z = np.load(io.BytesIO(trace_npz(trace)), allow_pickle=False)
    assert str(z["cell_type"]) == "peephole" and int(z["directions"]) == 2
    np.testing.assert_array_equal(z["hidden"], trace.hidden)
    np.testing.assert_array_equal(z["preact_c"], trace.preact_c)
