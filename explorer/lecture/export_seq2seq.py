"""Export and import of a seq2seq setup: its config as JSON, its weights as safetensors (export.py's own
writer and checked loader). Every import raises ValueError with one sentence a UI can show and changes
nothing unless the whole file is good."""
from __future__ import annotations

import json

from ..config import Seq2SeqConfig, TrainConfig
from ..i18n import UserError, UserText
from ..models.seq2seq import build_seq2seq
from ..training.seq2seq import Seq2SeqLab, make_seq2seq_lab, with_weights
from .export import MAX_CONFIG_BYTES, load_weights, weights_safetensors

FORMAT = "rnn-explorer-seq2seq-config"
FORMAT_VERSION = 1

__all__ = ["config_json", "import_file", "parse_config_json", "weights_safetensors"]


def config_json(cfg: Seq2SeqConfig, train: TrainConfig) -> bytes:
    """The whole seq2seq configuration as JSON."""
    doc = {"format": FORMAT, "version": FORMAT_VERSION, "seq2seq": cfg.to_dict(), "train": train.to_dict()}
    return json.dumps(doc, indent=2, ensure_ascii=False).encode()


def parse_config_json(data: bytes) -> tuple[Seq2SeqConfig, TrainConfig]:
    """The configs of a seq2seq config file; ValueError on anything malformed or out of range."""
    if len(data) > MAX_CONFIG_BYTES:
        raise UserError("The config file is {n:,} bytes; a config is at most {limit:,}.", n=len(data),
                        limit=MAX_CONFIG_BYTES)
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserError("The config file is not valid UTF-8 JSON.") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UserError("This JSON is not an RNN Explorer seq2seq config (its \"format\" field is missing or wrong).")
    if doc.get("version") != FORMAT_VERSION:
        raise UserError("Config version {version!r} is not supported (expected {expected}).", version=doc.get("version"),
                        expected=FORMAT_VERSION)
    unknown = sorted(set(doc) - {"format", "version", "seq2seq", "train"})
    if unknown:
        raise UserError("Unknown section(s) in the config: {sections}.", sections=", ".join(unknown))
    try:
        return Seq2SeqConfig.from_dict(doc.get("seq2seq", {})), TrainConfig.from_dict(doc.get("train", {}))
    except TypeError as e:
        raise UserError("The config has a value of the wrong type: {error}.", error=str(e)) from None


def import_file(lab: Seq2SeqLab, name: str, data: bytes) -> tuple[Seq2SeqLab, str]:
    """The lab an uploaded file asks for, and a one-line message: a config JSON gives a new untrained lab,
    a safetensors file the current model with those weights. ValueError (nothing changed) on a bad file."""
    if name.lower().endswith(".json"):
        return make_seq2seq_lab(*parse_config_json(data)), UserText("Config loaded: a new, untrained model.")
    if name.lower().endswith(".safetensors"):
        model = build_seq2seq(lab.cfg, len(lab.task.src_vocab), len(lab.task.tgt_vocab))
        load_weights(model, data)
        return with_weights(lab, model), UserText("Weights loaded into the current model; its training history is cleared.")
    raise UserError("Only a config (.json) or a weights file (.safetensors) can be loaded.")
