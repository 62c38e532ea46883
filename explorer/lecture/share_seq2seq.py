"""Share links of a seq2seq setup: the Seq2SeqConfig ("s." keys) and the TrainConfig ("r." keys) as flat URL
query parameters, and back. As in share.py, parsing never raises: a bad, hostile or unknown value is dropped
(its default is used) and reported in a list of one-line notices the UI shows."""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from ..config import Seq2SeqConfig, TrainConfig
from .share import _safe, build_sections, read_sections

SECTIONS = {"s": Seq2SeqConfig, "r": TrainConfig}  # query prefix -> config class


def to_query(cfg: Seq2SeqConfig, train: TrainConfig) -> dict[str, str]:
    """Flat query parameters, e.g. {"s.attention": "additive", "s.bidirectional": "false", "r.lr": "0.005"}."""
    out = {}
    for prefix, c in (("s", cfg), ("r", train)):
        for f in dataclasses.fields(c):
            value = getattr(c, f.name)
            out[f"{prefix}.{f.name}"] = (str(value).lower() if isinstance(value, bool)
                                         else repr(value) if isinstance(value, float) else str(value))
    return out


def from_query(params: Mapping[str, Any]) -> tuple[Seq2SeqConfig, TrainConfig, list[str]]:
    """Configs from query parameters, plus notices about everything that was ignored. Keys of other sections
    (a recurrent setup's "m.", "t.") are not this page's and are ignored silently."""
    notices: list[str] = []
    values = read_sections(params, SECTIONS, notices, skip=lambda key: key.partition(".")[0] not in SECTIONS)
    cfg, train = build_sections(SECTIONS, values, notices)
    return cfg, train, [_safe(n) for n in notices]
