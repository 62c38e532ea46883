"""`python -m explorer seq2seq`: a flag for every setting, the JSONL log, translations, weights, clear errors."""
import dataclasses
import json

import pytest
from safetensors.torch import load as load_safetensors

from explorer.cli import build_parser, main
from explorer.cli_seq2seq import FLAGS, configs_from_args
from explorer.config import Seq2SeqConfig, TrainConfig


def test_every_setting_has_a_flag_and_the_seeds_follow_the_master_seed(capsys):
    covered = {(cls, name) for cls, name, _, _ in FLAGS} | {(Seq2SeqConfig, "bidirectional")}
    for cls in (Seq2SeqConfig, TrainConfig):
        assert {(cls, f.name) for f in dataclasses.fields(cls)} <= covered
    cfg, train = configs_from_args(build_parser().parse_args(["seq2seq", "--seed", "7", "--attention", "dot"]))
    assert cfg == Seq2SeqConfig(attention="dot", seed=7, data_seed=7) and train == TrainConfig(seed=7)
    cfg, _ = configs_from_args(build_parser().parse_args(["seq2seq", "--bidirectional", "--model-seed", "2"]))
    assert cfg.bidirectional and cfg.seed == 2 and cfg.data_seed == 0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["seq2seq", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert all(flag in text for _, _, flag, _ in FLAGS) and "--translate" in text


def test_seq2seq_trains_logs_translates_and_saves(tmp_path, capsys):
    log, weights = tmp_path / "run.jsonl", tmp_path / "w.safetensors"
    rc = main(["seq2seq", "--task", "reverse", "--min-len", "4", "--max-len", "6", "--hidden-size", "8",
               "--embedding-dim", "4", "--steps", "6", "--log-every", "2", "--eval-every", "3", "--eval-size", "10",
               "--probe-every", "2", "--test", "--jsonl", str(log), "--translate", "abcd", "--beam", "2",
               "--save-weights", str(weights)])
    assert rc == 0
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["step"] for r in rows] == [2, 4, 6]
    assert len(rows[0]["hidden_grad_norms"][0]) == 6 and set(rows[2]["val_metrics"]) == {"BLEU", "exact match",
                                                                                       "token accuracy"}
    out, err = capsys.readouterr()
    assert out.startswith("abcd -> ") and "beam 2: " in out and "<eos>" not in out
    assert "val (10 pairs): loss" in err and "test (10 pairs)" in err and "BLEU" in err
    assert "attention.v.weight" in load_safetensors(weights.read_bytes())


def test_bad_settings_and_sources_fail_before_training(capsys):
    with pytest.raises(SystemExit) as e:
        main(["seq2seq", "--hidden-size", "999"])
    assert e.value.code == 2 and "hidden_size must be an integer in 1..256" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["seq2seq", "--task", "reverse", "--translate", "ab!", "--steps", "100000"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "never saw: '!'" in err and "step" not in err
