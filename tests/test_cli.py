"""The headless CLI: every config field has a flag, the JSONL log has the promised keys, errors are clear."""
import dataclasses
import json

import pytest

from explorer import ModelConfig
from explorer.cli import FLAGS, build_parser, configs_from_args, main
from explorer.config import TaskConfig, TrainConfig


def test_every_config_field_has_a_flag_with_help(capsys):
    covered = {(cls, name) for cls, name, _, _ in FLAGS}
    for cls in (ModelConfig, TaskConfig, TrainConfig):
        for f in dataclasses.fields(cls):
            if (cls, f.name) not in covered:
                assert cls is ModelConfig and f.name in ("input_size", "output_size", "vocab_size"), f.name  # task
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    text = capsys.readouterr().out
    for _, _, flag, help_ in FLAGS:
        assert flag in text and help_.split(":")[0][:20] in " ".join(text.split())


def test_train_writes_jsonl(tmp_path):
    out = tmp_path / "run.jsonl"
    rc = main(["train", "--cell", "gru", "--task", "adding", "--seq-len", "12", "--steps", "6", "--seed", "1",
               "--hidden-size", "8", "--probe-every", "3", "--jsonl", str(out)])
    assert rc == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["step"] for r in rows] == list(range(1, 7))
    for r in rows:
        assert {"step", "loss", "baseline", "grad_norm", "hidden_grad_norms"} <= set(r)
        assert r["baseline"] == pytest.approx(1 / 6)
    assert rows[2]["hidden_grad_norms"] is not None and len(rows[2]["hidden_grad_norms"][0]) == 12
    assert rows[0]["hidden_grad_norms"] is None


def test_same_seed_same_run(tmp_path):
    runs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.jsonl"
        main(["train", "--task", "copy", "--seq-len", "5", "--steps", "3", "--seed", "7", "--hidden-size", "8",
              "--jsonl", str(out)])
        runs.append([json.loads(line)["loss"] for line in out.read_text().splitlines()])
    assert runs[0] == runs[1]


def test_user_csv(tmp_path):
    data = tmp_path / "series.csv"
    data.write_text("t,value\n" + "".join(f"{i},{(i * 7) % 11}\n" for i in range(60)))
    assert main(["train", "--task", "csv", "--data", str(data), "--seq-len", "10", "--steps", "2"]) == 0


@pytest.mark.parametrize("args, message", [
    (["--hidden-size", "0"], "hidden_size must be an integer in 1..512"),
    (["--task", "csv"], "needs an uploaded file"),
    (["--clip", "sideways"], "clip must be one of"),
    (["--bidirectional", "--task", "sine"], "would see the very value it has to predict"),
    (["--task", "spikes", "--seq-len", "30"], "twice the period"),
])
def test_bad_values_exit_2_with_a_message(args, message, capsys):
    with pytest.raises(SystemExit) as e:
        main(["train", "--steps", "1", *args])
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_divergence_exits_1(capsys):
    rc = main(["train", "--cell", "rnn", "--nonlinearity", "relu", "--init", "spectral", "--spectral-radius", "3",
               "--task", "adding", "--seq-len", "100", "--clip", "none", "--lr", "1", "--steps", "20"])
    assert rc == 1
    assert "stopped: step 1" in capsys.readouterr().err


def test_bidirectional_peephole_on_the_new_tasks(tmp_path):
    out = tmp_path / "bi.jsonl"
    assert main(["train", "--cell", "peephole", "--bidirectional", "--task", "neighbours", "--seq-len", "15",
                 "--hidden-size", "4", "--steps", "2", "--probe-every", "1", "--jsonl", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows[0]["hidden_grad_norms_by_direction"][0]) == 2  # (L, D, T)
    assert rows[0]["saliency"] is not None and rows[0]["saliency_steps"] == list(range(5, 10))
    assert "0/f_reverse" in rows[0]["sigma_max"]
    args = build_parser().parse_args(["train", "--task", "spikes", "--period", "7", "--no-bidirectional"])
    assert (args.period, args.bidirectional) == (7, False)


def test_training_settings_of_issue_13_reach_the_trainer_and_the_log(tmp_path):
    out = tmp_path / "run.jsonl"
    rc = main(["train", "--task", "adding", "--seq-len", "12", "--steps", "8", "--hidden-size", "8",
               "--optimizer", "adamw", "--weight-decay", "0.1", "--lr-schedule", "step", "--lr-step-size", "4",
               "--lr-gamma", "0.5", "--lr", "0.02", "--eval-every", "4", "--patience", "5", "--tbptt", "5",
               "--probe-every", "4", "--test", "--jsonl", str(out)])
    assert rc == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    rows, test = lines[:-1], lines[-1]["test"]
    assert [r["lr"] for r in rows] == pytest.approx([0.02] * 4 + [0.01] * 4)
    assert [r["step"] for r in rows if r["val_loss"] is not None] == [4, 8]
    for key in ("val_metrics", "train_eval_loss", "train_eval_metrics", "early_stop", "probe_skipped"):
        assert key in rows[0]
    assert rows[3]["hidden_grad_norms"][0][:10] == [0.0] * 10  # cut at 5 and 10: only the last window's steps
    assert test["split"] == "test" and test["size"] == 128 and set(test["metrics"]) == {"MSE", "acc@0.04"}


def test_the_cli_config_is_the_flags(tmp_path):
    args = build_parser().parse_args(["train", "--lr-schedule", "cosine", "--lr-min", "0.0001", "--tbptt", "7",
                                      "--patience", "3", "--min-delta", "0.01", "--weight-decay", "0.05"])
    _, _, train = configs_from_args(args)
    assert train == TrainConfig(lr_schedule="cosine", lr_min=0.0001, tbptt=7, patience=3, min_delta=0.01,
                                weight_decay=0.05)
