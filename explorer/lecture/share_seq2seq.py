"""Share links of a seq2seq setup: the Seq2SeqConfig ("s." keys) and the TrainConfig ("r." keys) as flat URL
query parameters, and back. As in share.py, parsing never raises: a bad, hostile or unknown value is dropped
(its default is used) and reported in a list of one-line notices the UI shows."""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from ..config import Seq2SeqConfig, TrainConfig
from ..i18n import UserError, UserText
from .share import MAX_VALUE_LEN, _parse, _safe

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


def _value(kind: str, text: str) -> Any:
    if kind == "bool":
        if text.strip().lower() not in ("true", "false", "1", "0"):
            raise UserError("not true or false")
        return text.strip().lower() in ("true", "1")
    return _parse(kind, text)


def from_query(params: Mapping[str, Any]) -> tuple[Seq2SeqConfig, TrainConfig, list[str]]:
    """Configs from query parameters, plus notices about everything that was ignored. Keys of other sections
    (a recurrent setup's "m.", "t.") are not this page's and are ignored silently."""
    notices: list[str] = []
    values: dict[str, dict[str, Any]] = {p: {} for p in SECTIONS}
    for key, raw in params.items():
        prefix, _, name = key.partition(".")
        if prefix not in SECTIONS:
            continue
        text = str(raw[-1] if isinstance(raw, (list, tuple)) and raw else raw)
        shown = f"{key[:40]}={text[:40]}"
        if len(text) > MAX_VALUE_LEN:
            notices.append(UserText("Ignored {setting}…: the value is too long.", setting=shown))
            continue
        cls = SECTIONS[prefix]
        field = next((f for f in dataclasses.fields(cls) if f.name == name), None)
        if field is None:
            notices.append(UserText("Ignored {setting}: unknown setting.", setting=shown))
            continue
        try:
            value = _value(str(field.type), text)
            dataclasses.replace(cls(), **{name: value})  # validate this field alone
        except (ValueError, TypeError) as e:
            notices.append(UserText("Ignored {setting}: {error}.", setting=shown, error=e))
            continue
        values[prefix][name] = value
    configs = []
    for prefix, cls in SECTIONS.items():
        try:
            configs.append(cls(**values[prefix]))
        except ValueError as e:  # fields valid alone but not together
            notices.append(UserText("Ignored the {section} settings of the link: {error}.", section=cls.__name__,
                                    error=e))
            configs.append(cls())
    return configs[0], configs[1], [_safe(n) for n in notices]
