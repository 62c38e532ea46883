"""Issue 12's fields (embedding_dim, pool, the sentiment tasks) survive a share link, a config export and import,
a weights round trip, and the CLI's flags."""
from __future__ import annotations

import json

import torch

from explorer.cli import main
from explorer.config import ModelConfig, TaskConfig, TrainConfig
from explorer.lab import import_file, make_lab
from explorer.lecture.export import config_json, weights_safetensors
from explorer.lecture.share import from_query, to_query

MODEL = ModelConfig(cell="gru", hidden_size=6, embedding_dim=12, pool="mean", seed=4)
TASK = TaskConfig("sentiment_zh", seq_len=25, seed=2)
TRAIN = TrainConfig(steps=3, batch_size=8)


def test_a_share_link_carries_embedding_pool_and_the_sentiment_task():
    query = to_query(MODEL, TASK, TRAIN)
    assert query["m.embedding_dim"] == "12" and query["m.pool"] == "mean" and query["t.name"] == "sentiment_zh"
    model, task, train, problems = from_query(query)
    assert not problems
    assert (model.embedding_dim, model.pool, model.cell, task, train) == (12, "mean", "gru", TASK, TRAIN)


def test_config_export_and_import_give_the_same_lab_and_weights_round_trip():
    lab = make_lab(MODEL, TASK, TRAIN)
    new, _ = import_file(lab, "config.json", config_json(lab.model_cfg, lab.task_cfg, lab.train_cfg))
    assert new.model_cfg == lab.model_cfg and new.task_cfg == lab.task_cfg
    assert new.model_cfg.vocab_size == len(lab.task.vocabulary) == new.model_cfg.input_size
    for p, q in zip(lab.model.parameters(), new.model.parameters()):  # same seed, same weights
        torch.testing.assert_close(p, q)
    with torch.no_grad():
        lab.model.embedding.weight.add_(1.0)
    loaded, _ = import_file(new, "w.safetensors", weights_safetensors(lab.model))
    torch.testing.assert_close(loaded.model.embedding.weight, lab.model.embedding.weight)


def test_cli_trains_a_sentiment_model_with_embedding_and_pool(tmp_path):
    out = tmp_path / "run.jsonl"
    rc = main(["train", "--task", "sentiment", "--seq-len", "20", "--steps", "3", "--hidden-size", "8",
               "--embedding-dim", "6", "--pool", "mean", "--batch-size", "8", "--jsonl", str(out)])
    assert rc == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["step"] for r in lines] == [1, 2, 3] and all(r["loss"] > 0 for r in lines)
