"""Simplified Chinese for every marked string of the app: English source → 简体中文, one module per part of the
app (so that translators of different pages never edit one file), merged here.

Terms follow the Chinese tutorials the app accompanies: 循环神经网络, 隐状态, 细胞状态, 遗忘门/输入门/输出门,
重置门/更新门, 随时间反向传播 (BPTT), 梯度消失/梯度爆炸, 梯度裁剪, 困惑度, 注意力机制, 编码器/解码器.
Names (LSTM, GRU, PyTorch, Adam) and math stay as they are. Keep `{fields}` exactly as in the source.
"""
from __future__ import annotations

from . import app, build, by_hand, compare, config, home, presets, seq2seq, step, train

PARTS: dict[str, dict[str, str]] = {"app": app.ZH, "home": home.ZH, "presets": presets.ZH, "by_hand": by_hand.ZH,
                                    "build": build.ZH, "seq2seq": seq2seq.ZH, "train": train.ZH,
                                    "compare": compare.ZH, "step": step.ZH, "config": config.ZH}


def merged(parts: dict[str, dict[str, str]]) -> dict[str, str]:
    """One catalog from its parts; a string two parts translate differently is an error."""
    out: dict[str, str] = {}
    for name, part in parts.items():
        for source, text in part.items():
            if out.setdefault(source, text) != text:
                raise ValueError(f"zh/{name}.py translates {source!r} differently from an earlier part")
    return out


ZH: dict[str, str] = merged(PARTS)
