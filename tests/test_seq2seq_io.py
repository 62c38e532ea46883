"""Seq2seq share links, config JSON and safetensors weights: round trips, and bad input changes nothing."""
import json

import pytest
import torch

from explorer.config import Seq2SeqConfig, TrainConfig
from explorer.lecture.export_seq2seq import config_json, import_file, parse_config_json, weights_safetensors
from explorer.lecture.share_seq2seq import from_query, to_query
from explorer.training.seq2seq import make_seq2seq_lab

CFG = Seq2SeqConfig(task="sort", min_len=4, max_len=9, n_symbols=12, cell="lstm", embedding_dim=7, hidden_size=20,
                    bidirectional=True, attention="general", teacher_forcing=0.75, eval_size=30,
                    data_seed=4, seed=9)
TRAIN = TrainConfig(optimizer="rmsprop", lr=0.002, clip="value", clip_threshold=0.5, batch_size=16, steps=77,
                    probe_every=5, seed=3, eval_every=10, lr_schedule="cosine", weight_decay=0.01, patience=2)


def test_link_round_trips_every_field():
    query = to_query(CFG, TRAIN)
    assert query["s.bidirectional"] == "true" and query["s.attention"] == "general" and query["r.lr"] == "0.002"
    assert from_query(query) == (CFG, TRAIN, [])
    assert from_query({k: [v] for k, v in query.items()}) == (CFG, TRAIN, [])  # st.query_params lists


def test_link_ignores_bad_values_with_notices_and_never_raises():
    cfg, train, notices = from_query({
        "s.hidden_size": "9999", "s.attention": "<script>", "s.bidirectional": "maybe", "s.heads": "2",
        "r.lr": "nan", "s.task": "x" * 200, "s.teacher_forcing": "0.5", "m.cell": "gru", "page": "seq2seq"})
    assert cfg == Seq2SeqConfig(teacher_forcing=0.5) and train == TrainConfig()
    assert len(notices) == 6, notices
    assert any("s.hidden_size=9999" in n and "1..256" in n for n in notices)
    assert any("unknown setting" in n for n in notices) and any("too long" in n for n in notices)
    assert all("<" not in n and ">" not in n for n in notices)


def test_link_fields_valid_alone_but_not_together_fall_back_to_the_defaults():
    cfg, _, notices = from_query({"s.attention": "dot", "s.bidirectional": "1"})
    assert cfg == Seq2SeqConfig() and "dot attention" in notices[0]


def test_config_json_round_trip_and_import():
    data = config_json(CFG, TRAIN)
    assert json.loads(data)["format"] == "rnn-explorer-seq2seq-config"
    assert parse_config_json(data) == (CFG, TRAIN)
    lab = make_seq2seq_lab(Seq2SeqConfig(), TrainConfig())
    new, message = import_file(lab, "setup.JSON", data)
    assert new.cfg == CFG and new.train_cfg == TRAIN and new.steps_trained == 0 and "untrained" in message


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe", "not valid UTF-8 JSON"),
    (b"[1, 2]", "not an RNN Explorer seq2seq config"),
    (json.dumps({"format": "rnn-explorer-config", "version": 1}).encode(), "not an RNN Explorer seq2seq config"),
    (json.dumps({"format": "rnn-explorer-seq2seq-config", "version": 2}).encode(), "version 2 is not supported"),
    (json.dumps({"format": "rnn-explorer-seq2seq-config", "version": 1, "model": {}}).encode(), "Unknown section"),
    (json.dumps({"format": "rnn-explorer-seq2seq-config", "version": 1, "seq2seq": {"hidden_size": 1e9}}).encode(),
     "hidden_size must be an integer"),
    (json.dumps({"format": "rnn-explorer-seq2seq-config", "version": 1, "seq2seq": {"bidirectional": 1}}).encode(),
     "bidirectional must be true or false"),
    (b" " * 70_000, "a config is at most"),
])
def test_bad_config_files_are_refused_with_a_sentence(data, message):
    with pytest.raises(ValueError, match=message):
        parse_config_json(data)


def test_weights_round_trip_and_bad_weights_change_nothing():
    lab = make_seq2seq_lab(CFG, TRAIN)
    list(lab.trainer.run(3))
    data = weights_safetensors(lab.model)
    fresh = make_seq2seq_lab(CFG, TRAIN)
    loaded, message = import_file(fresh, "w.safetensors", data)
    assert "Weights loaded" in message and loaded.steps_trained == 0
    for k, v in lab.model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[k], v)
    before = {k: v.clone() for k, v in fresh.model.state_dict().items()}
    other = make_seq2seq_lab(Seq2SeqConfig(hidden_size=8), TRAIN)
    with pytest.raises(ValueError, match="do not fit this model"):
        import_file(fresh, "w.safetensors", weights_safetensors(other.model))
    with pytest.raises(ValueError, match="not a safetensors weights file"):
        import_file(fresh, "w.safetensors", b"garbage")
    with pytest.raises(ValueError, match="Only a config"):
        import_file(fresh, "w.pt", data)
    assert all(torch.equal(v, before[k]) for k, v in fresh.model.state_dict().items())
