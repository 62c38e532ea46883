"""Export and import: config JSON, weights (safetensors, never pickle), history CSV, trace NPZ.

Every import validates size, format, schema, ranges and shapes, and raises ValueError with one
sentence a UI can show; nothing is changed unless the whole file is good.
"""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from ..config import ModelConfig, TaskConfig, TrainConfig
from ..models.recurrent import RecurrentModel
from ..trace.record import Trace
from ..training.history import History

FORMAT_VERSION = 1
MAX_CONFIG_BYTES = 64 * 1024
MAX_WEIGHTS_BYTES = 64 * 1024 * 1024  # the largest allowed model (4 LSTM layers of 512) is ~34 MB


def config_json(model: ModelConfig, task: TaskConfig, train: TrainConfig) -> bytes:
    """The whole configuration as JSON."""
    doc = {"format": "rnn-explorer-config", "version": FORMAT_VERSION,
           "model": model.to_dict(), "task": task.to_dict(), "train": train.to_dict()}
    return json.dumps(doc, indent=2).encode()


def parse_config_json(data: bytes) -> tuple[ModelConfig, TaskConfig, TrainConfig]:
    """The configs of a config JSON file; ValueError on anything malformed or out of range."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ValueError(f"The config file is {len(data):,} bytes; a config is at most {MAX_CONFIG_BYTES:,}.")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("The config file is not valid UTF-8 JSON.") from None
    if not isinstance(doc, dict) or doc.get("format") != "rnn-explorer-config":
        raise ValueError("This JSON is not an RNN Explorer config (its \"format\" field is missing or wrong).")
    if doc.get("version") != FORMAT_VERSION:
        raise ValueError(f"Config version {doc.get('version')!r} is not supported (expected {FORMAT_VERSION}).")
    unknown = sorted(set(doc) - {"format", "version", "model", "task", "train"})
    if unknown:
        raise ValueError(f"Unknown section(s) in the config: {', '.join(unknown)}.")
    try:
        return (ModelConfig.from_dict(doc.get("model", {})), TaskConfig.from_dict(doc.get("task", {})),
                TrainConfig.from_dict(doc.get("train", {})))
    except TypeError as e:
        raise ValueError(f"The config has a value of the wrong type: {e}.") from None


def weights_safetensors(model: RecurrentModel) -> bytes:
    """The model's weights as safetensors, with its ModelConfig in the metadata."""
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    return save_safetensors(state, metadata={"model_config": json.dumps(model.cfg.to_dict())})


@torch.no_grad()
def load_weights(model: RecurrentModel, data: bytes) -> None:
    """Load safetensors weights into `model` if every tensor's name, shape and values fit; else ValueError."""
    if len(data) > MAX_WEIGHTS_BYTES:
        raise ValueError(f"The weights file is larger than {MAX_WEIGHTS_BYTES // 2**20} MB.")
    try:
        tensors = load_safetensors(data)
    except (SafetensorError, ValueError, RuntimeError, OSError):
        raise ValueError("This is not a safetensors weights file.") from None
    expected = model.state_dict()
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        raise ValueError("The weights do not fit this model: "
                         + "; ".join(s for s in (f"missing {', '.join(missing)}" if missing else "",
                                                 f"unexpected {', '.join(extra)}" if extra else "") if s)
                         + ". Build the model they were saved from first (load its config).")
    for name, t in tensors.items():
        if tuple(t.shape) != tuple(expected[name].shape):
            raise ValueError(f"{name} has shape {tuple(t.shape)}, this model needs {tuple(expected[name].shape)}.")
        if not t.is_floating_point() or not torch.isfinite(t).all():
            raise ValueError(f"{name} holds non-finite or non-float values.")
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in tensors.items()})


def history_csv(history: History) -> bytes:
    """The kept training history, one row per step: step, loss, norms, clipped, when it finished (Unix
    time), the learning rate, metrics, per-parameter norms; then the evaluations (train_loss, val_loss,
    train_metric/NAME, val_metric/NAME), filled in on the steps that carried one (empty elsewhere; an
    evaluated step whose per-step row the thinning dropped gets a row with the evaluation only)."""
    cols, evals = history.scalars(), history.eval_series()
    eval_keys = [k for k in evals if k != "step"]
    step_row = {int(s): i for i, s in enumerate(cols["step"])}
    eval_row = {int(s): i for i, s in enumerate(evals["step"])}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(cols) + eval_keys)
    for step in sorted(step_row.keys() | eval_row.keys()):
        i, j = step_row.get(step), eval_row.get(step)
        per_step = [step if k == "step" else "" if i is None else cols[k][i].item() for k in cols]
        writer.writerow(per_step + ["" if j is None else evals[k][j].item() for k in eval_keys])
    return out.getvalue().encode()


def trace_npz(trace: Trace) -> bytes:
    """Every array of a trace in one compressed NPZ (gates as gate_i, gate_f, …; `directions` 1 or 2: a bidirectional
    trace holds [forward, backward] along the last axis of every per-layer array; `preact_c` for a peephole LSTM)."""
    arrays = {"inputs": trace.inputs, "hidden": trace.hidden, "preact_x": trace.preact_x,
              "preact_h": trace.preact_h, "outputs": trace.outputs}
    if trace.cell is not None:
        arrays["cell"] = trace.cell
    if trace.preact_c is not None:
        arrays["preact_c"] = trace.preact_c
    arrays |= {f"gate_{k}": v for k, v in trace.gates.items()}
    buf = io.BytesIO()
    np.savez_compressed(buf, cell_type=np.array(trace.cell_type), directions=np.array(trace.directions),
                        **{k: np.ascontiguousarray(v) for k, v in arrays.items()})
    return buf.getvalue()
