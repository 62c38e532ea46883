"""Shareable links: the whole configuration as flat URL query parameters, and back (the page is the
URL's path); on the Step-through page also the sample and step shown (`v.sample`, `v.step`).

Parsing never raises: a bad, hostile or unknown value is dropped (its default is used) and reported
in a list of one-line notices the UI shows.
"""
from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Callable, Mapping

from ..config import MAX_SEQ_LEN, ModelConfig, TaskConfig, TrainConfig
from ..i18n import UserError, UserText
from ..views.stepview import SAMPLE_BATCH

SECTIONS = {"m": ModelConfig, "t": TaskConfig, "r": TrainConfig}  # query prefix -> config class
VIEW = {"sample": (0, SAMPLE_BATCH - 1), "step": (1, MAX_SEQ_LEN)}  # v.<name>: what Step through shows, its range
VIEW_KEYS = {f"v.{name}" for name in VIEW}
SET_BY_TASK = {"input_size", "output_size", "vocab_size"}  # model fields that follow from the task
LANG_KEY = "lang"  # the interface language ("en" | "zh"): the page reads it (pages/lang.py), the configs do not
NEEDS_UPLOAD = {"csv", "text"}  # tasks a link cannot carry (their data is a file)
MAX_VALUE_LEN = 100
UNSAFE = re.compile(r"[^A-Za-z0-9 _.,:;=()'+\-/…]")  # anything Markdown or HTML could act on


def to_query(model: ModelConfig, task: TaskConfig, train: TrainConfig) -> dict[str, str]:
    """Flat query parameters, e.g. {"m.cell": "lstm", "t.seq_len": "100", "r.lr": "0.003"}."""
    out = {}
    for prefix, cfg in (("m", model), ("t", task), ("r", train)):
        for f in dataclasses.fields(cfg):
            if prefix == "m" and f.name in SET_BY_TASK:
                continue
            value = getattr(cfg, f.name)
            out[f"{prefix}.{f.name}"] = ("none" if value is None else str(value).lower() if isinstance(value, bool)
                                         else repr(value) if isinstance(value, float) else str(value))
    return out


def _parse(kind: str, text: str) -> Any:
    """The value of a field of annotated type `kind` from its query text (ValueError if it is not one)."""
    if "None" in kind and text.lower() in ("", "none"):
        return None
    if kind == "bool":
        if text.strip().lower() not in ("true", "false", "1", "0"):
            raise UserError("not true or false")
        return text.strip().lower() in ("true", "1")
    if kind.startswith("int"):
        if not re.fullmatch(r"[+-]?\d{1,12}", text.strip()):
            raise UserError("not a whole number")
        return int(text)
    if kind.startswith("float"):
        try:
            value = float(text)
        except ValueError:
            raise UserError("not a number") from None
        if not math.isfinite(value):
            raise UserError("not a finite number")
        return value
    return text


def from_query(params: Mapping[str, Any]) -> tuple[ModelConfig, TaskConfig, TrainConfig, list[str]]:
    """Configs from query parameters, plus notices about everything that was ignored."""
    notices: list[str] = []
    values = read_sections(params, SECTIONS, notices, hidden={"m": SET_BY_TASK},
                           skip=lambda key: key == LANG_KEY or key in VIEW_KEYS)  # the page's, view_from_query's
    if values["t"].get("name") in NEEDS_UPLOAD:
        notices.append(UserText("The {task} task needs an uploaded file, which a link cannot carry: showing the "
                                "default task instead.", task=values["t"]["name"]))
        del values["t"]["name"]
    model, task, train = build_sections(SECTIONS, values, notices)
    return model, task, train, [_safe(n) for n in notices]


def read_sections(params: Mapping[str, Any], sections: Mapping[str, type], notices: list,
                  skip: Callable[[str], bool] = lambda key: False,
                  hidden: Mapping[str, set[str]] | None = None) -> dict[str, dict[str, Any]]:
    """The fields of each config class in `sections` (query prefix -> class) from keys "<prefix>.<field>", each
    value checked alone. Keys `skip` accepts are another reader's and passed over; any other key that is too long,
    unknown (or `hidden`: prefix -> fields a link may not set) or invalid is left out with a notice."""
    values: dict[str, dict[str, Any]] = {p: {} for p in sections}
    for key, raw in params.items():
        if skip(key):
            continue
        text = str(raw[-1] if isinstance(raw, (list, tuple)) and raw else raw)
        shown = f"{key[:40]}={text[:40]}"
        if len(text) > MAX_VALUE_LEN:
            notices.append(UserText("Ignored {setting}…: the value is too long.", setting=shown))
            continue
        prefix, _, name = key.partition(".")
        cls = sections.get(prefix)
        field = next((f for f in dataclasses.fields(cls) if f.name == name), None) if cls else None
        if field is None or name in (hidden or {}).get(prefix, ()):
            notices.append(UserText("Ignored {setting}: unknown setting.", setting=shown))
            continue
        try:
            value = _parse(str(field.type), text)
            dataclasses.replace(cls(), **{name: value})  # validate this field alone
        except (ValueError, TypeError) as e:
            notices.append(UserText("Ignored {setting}: {error}.", setting=shown, error=e))
            continue
        values[prefix][name] = value
    return values


def build_sections(sections: Mapping[str, type], values: Mapping[str, dict[str, Any]], notices: list) -> list:
    """One config per section from its fields; a section whose fields are valid alone but not together falls
    back to its defaults, with a notice."""
    configs = []
    for prefix, cls in sections.items():
        try:
            configs.append(cls(**values[prefix]))
        except ValueError as e:
            notices.append(UserText("Ignored the {section} settings of the link: {error}.", section=cls.__name__,
                                    error=e))
            configs.append(cls())
    return configs


def _safe(value: Any) -> Any:
    """A notice (or a field of one) with what Markdown or HTML could act on replaced by "?" in every part that
    came from outside (the templates are the app's own), still translatable."""
    if isinstance(value, (UserText, UserError)):
        return type(value)(value.template, **{k: _safe(v) for k, v in value.fields.items()})
    return value if isinstance(value, (int, float)) else UNSAFE.sub("?", str(value))  # numbers: safe, and formattable


def view_to_query(sample: int, step: int) -> dict[str, str]:
    """The Step-through view as query parameters: {"v.sample": "3", "v.step": "17"} (step 1-based)."""
    return {"v.sample": str(sample), "v.step": str(step)}


def view_from_query(params: Mapping[str, Any]) -> tuple[dict[str, int], list[str]]:
    """The Step-through view a link asks for ({"sample": 3, "step": 17}, only what it gives and is valid), plus
    notices about values that were ignored. (A step beyond the sample's length is clamped by the page.)"""
    view, notices = {}, []
    for name, (lo, hi) in VIEW.items():
        raw = params.get(f"v.{name}")
        if raw is None:
            continue
        text = str(raw[-1] if isinstance(raw, (list, tuple)) and raw else raw)
        if re.fullmatch(r"\d{1,6}", text) and lo <= int(text) <= hi:
            view[name] = int(text)
        else:
            notices.append(_safe(UserText("Ignored v.{name}={text}: not a whole number in {lo}..{hi}.", name=name,
                                          text=text[:40], lo=lo, hi=hi)))
    return view, notices
