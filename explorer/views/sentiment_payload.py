"""Sentiment, word by word (issue 12): one text as the network reads it, as payloads for the browser's step clock
(schema: explorer/views/payload.py; the clock is Step through's, explorer/views/step_payload.GROUP).

The words are coloured by the running P(positive) after each (explorer/trace/running.py), the padding after the
text's end is greyed and never reached by the clock; per step: the token, its id, its embedding vector and how
the prediction moved. Also the scores of a whole split (accuracy, F1, confusion matrix) for the evaluation panel.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import plotly.colors
import torch

from ..data.tasks import SENTIMENT_CLASSES, SentimentTask
from ..data.text import PAD, UNK, UNK_ID
from ..i18n import N_, tr
from ..metrics import accuracy, binary_f1, confusion_matrix, macro_f1
from ..models.recurrent import RecurrentModel
from . import payload as wire
from . import plots_step as ps
from .step_payload import GROUP, STEP
from .style import BASELINE_COLOR, OKABE_ITO, Sizes, figure, layout

NEGATIVE_COLOR, POSITIVE_COLOR = OKABE_ITO["vermillion"], OKABE_ITO["blue"]  # colour-blind-safe pair
# P(positive) 0 → vermillion, 0.5 → white, 1 → blue.
PROB_SCALE = [[0.0, NEGATIVE_COLOR], [0.5, "#ffffff"], [1.0, POSITIVE_COLOR]]
PAD_STYLE = "background:#eeeeee;color:#999999"  # a padding token: greyed, never reached by the clock
MAX_ONE_HOT_SHOWN = 64  # without an embedding, x_t is shown as bars only for vocabularies up to this size


@dataclass(frozen=True)
class ReadText:
    """One text as the network reads it, step by step (n real steps, then `n_pad` padding steps)."""

    tokens: tuple[str, ...]     # (n,) the tokens as written (an unknown one keeps its spelling)
    ids: tuple[int, ...]        # (n,) their ids (UNK_ID for an unknown token)
    unknown: tuple[bool, ...]   # (n,) True where the model reads "<unk>"
    n_pad: int                  # "<pad>" steps after the text in its padded batch (0 for a typed text)
    probs: np.ndarray           # (n,) P(positive) after each token
    vectors: np.ndarray         # (n, E) x_t as the first layer reads it (the embedding rows, or one-hot rows)
    label: int | None = None    # the text's class (0 negative, 1 positive), None if unknown


def prob_colors(probs: np.ndarray) -> list[str]:
    """The PROB_SCALE colour of each probability (clipped to [0, 1])."""
    return [_color_at(float(p)) for p in np.clip(np.nan_to_num(np.asarray(probs, np.float64), nan=0.5), 0, 1)]


def _color_at(p: float) -> str:
    lo, hi = (PROB_SCALE[0], PROB_SCALE[1]) if p <= 0.5 else (PROB_SCALE[1], PROB_SCALE[2])
    f = (p - lo[0]) / (hi[0] - lo[0])
    a, b = plotly.colors.hex_to_rgb(lo[1]), plotly.colors.hex_to_rgb(hi[1])
    return "rgb({}, {}, {})".format(*(round(x + (y - x) * f) for x, y in zip(a, b)))


def words_html(text: ReadText, sizes: Sizes, lang: str = "en") -> str:
    """The words as spans coloured by P(positive) after each; unknown words tagged <unk>; padding greyed."""
    spans = []
    for t, (tok, i, unk, p, col) in enumerate(zip(text.tokens, text.ids, text.unknown, text.probs,
                                                   prob_colors(text.probs))):
        fg = "#ffffff" if abs(p - 0.5) > 0.3 else "#000000"
        title = html.escape(tr(N_("t={t} {token!r} (id {id}, unknown): P(positive) = {p:.3f}") if unk else
                               N_("t={t} {token!r} (id {id}): P(positive) = {p:.3f}"), lang, t=t + 1, token=tok, id=i, p=p),
                            quote=True)
        tag = f'<small class="rnnx-unk">{html.escape(UNK)}</small>' if unk else ""
        spans.append(f'<span title="{title}" style="background:{col};color:{fg}">{html.escape(tok)}{tag}</span>')
    pad_title = html.escape(tr("padding: the network does not read it (the batch's longer texts go on)", lang),
                            quote=True)
    spans += [f'<span title="{pad_title}" style="{PAD_STYLE}">{html.escape(PAD)}</span>'] * text.n_pad
    return f'<div class="rnnx-lm rnnx-words" style="font-size:{sizes.font + 5}px">{" ".join(spans)}</div>'


def words_view(text: ReadText, sizes: Sizes, lang: str = "en") -> dict:
    """The coloured words; the browser outlines the word of step t."""
    return {"kind": "text", "group": GROUP, "outline": True, "fields": {}, "html": words_html(text, sizes, lang)}


def step_lines(text: ReadText, lang: str = "en") -> list[str]:
    """Per step: the token, its id, and how P(positive) moved on reading it (HTML, escaped)."""
    lines, before = [], 0.5  # before the first word the model has read nothing: no evidence either way
    for t, (tok, i, unk, p) in enumerate(zip(text.tokens, text.ids, text.unknown, text.probs)):
        read = tr(N_("<b>{token}</b> (id {id}, unknown: read as &lt;unk&gt;)") if unk else N_("<b>{token}</b> (id {id})"), lang,
                  token=html.escape(tok), id=i)
        move = "" if t == 0 else tr(" (was {p:.3f})", lang, p=before)
        lines.append(tr("Word {t} of {n}: {read} · P(positive) after it = <b>{p:.3f}</b>{move}", lang, t=t + 1,
                        n=len(text.tokens), read=read, p=p, move=move))
        before = p
    return lines


def step_view(text: ReadText, lang: str = "en") -> dict:
    """The step's word, id and prediction, and what the final answer is (the head reads it at the last word)."""
    p_end = float(text.probs[-1])
    said = tr(SENTIMENT_CLASSES[int(p_end > 0.5)], lang)
    truth = ("" if text.label is None
             else tr(" The text is labelled <b>{label}</b>.", lang, label=tr(SENTIMENT_CLASSES[text.label], lang)))
    return {"kind": "text", "group": GROUP, "at": STEP, "fields": {"line": step_lines(text, lang)},
            "html": '<p>{line}</p><p class="rnnx-caption">'
                    + tr("After the last word the model says <b>{said}</b> (P(positive) = {p:.3f}).{truth}", lang,
                         said=said, p=p_end, truth=truth) + "</p>"}


def running_chart(text: ReadText, sizes: Sizes, lang: str = "en") -> dict:
    """P(positive) after each word, the 0.5 line, a cursor and a dot at step t."""
    n = len(text.tokens)
    t = np.arange(1, n + 1)
    words = [f"{i + 1}: {tok}" for i, tok in enumerate(text.tokens)]
    p_pos = tr("P(positive)", lang)
    data = [{"type": "scatter", "x": t, "y": text.probs, "mode": "lines+markers", "name": p_pos,
             "line": {"color": POSITIVE_COLOR, "width": sizes.line}, "marker": {"size": sizes.marker},
             "text": words, "hovertemplate": f"%{{text}}<br>{p_pos} = %{{y:.3f}}<extra></extra>"}]
    lay = layout(sizes, title={"text": tr("P(positive) after each word", lang)}, showlegend=False,
                 xaxis={"title": {"text": tr("word t", lang)}, "tickvals": t.tolist(), "ticktext": list(text.tokens)
                        if n <= 20 else None, "range": [0.5, n + 0.5]},
                 yaxis={"title": {"text": p_pos}, "range": [-0.02, 1.02]},
                 shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5,
                          "line": {"color": BASELINE_COLOR, "width": 1, "dash": "dash"}}])
    return {"kind": "chart", "group": GROUP, "figure": wire.figure(figure(data, lay)), "png": "running-prediction",
            "overlays": [{"type": "vline", "x": [1, 1], "line": ps.CURSOR},
                         {"type": "point", "x": [1, 1], "y": wire.array(text.probs),
                          "marker": {"color": ps.HIGHLIGHT, "size": sizes.marker + 5}}]}


def vector_view(text: ReadText, embedding_dim: int, sizes: Sizes, lang: str = "en") -> dict | None:
    """x_t of step t as bars: the token's embedding row (E numbers), or its one-hot row for a small vocabulary
    (None when the one-hot row is too wide to draw usefully)."""
    dims = text.vectors.shape[1]
    if not embedding_dim and dims > MAX_ONE_HOT_SHOWN:
        return None
    title = N_("x_t at t = {t}: the embedding vector") if embedding_dim else N_("x_t at t = {t}: the one-hot vector")
    return {"kind": "bars", "group": GROUP, "at": STEP, "title": tr(title, lang), "xlabel": tr("dimension", lang), "units": list(range(dims)), "sizes": wire.sizes(sizes),
            "line_color": BASELINE_COLOR,
            "rows": [{"label": "x_t", "values": wire.array(text.vectors),
                      "range": list(ps.symmetric_range(text.vectors)), "colorscale": wire.colorscale(ps.DIVERGING)}]}


def read_text(tokens, ids, unknown, n_pad: int, probs: np.ndarray, vectors: np.ndarray,
              label: int | None = None) -> ReadText:
    """A ReadText with its lengths checked (every per-step sequence is n long)."""
    n = len(ids)
    if not (len(tokens) == len(unknown) == len(probs) == len(vectors) == n) or n == 0:
        raise ValueError("tokens, ids, unknown flags, probabilities and vectors need one entry per step (n ≥ 1)")
    return ReadText(tuple(tokens), tuple(int(i) for i in ids), tuple(bool(u) for u in unknown), int(n_pad),
                    np.asarray(probs, np.float64), np.asarray(vectors, np.float32), label)


def sample_tokens(task: SentimentTask, ids) -> tuple[list[str], list[bool]]:
    """The tokens of corpus ids (an unknown word shows as <unk>: its spelling is not kept) and the unknown flags."""
    ids = [int(i) for i in ids]
    return task.vocabulary.decode(ids), [i == UNK_ID for i in ids]


@torch.no_grad()
def evaluate(model: RecurrentModel, task: SentimentTask, split: str, batch_size: int = 256) -> dict:
    """Accuracy, F1 (macro and of "positive") and the confusion matrix (rows true, columns predicted; negative,
    positive) of every text of `split`, read to its last real word."""
    was = model.training
    model.eval()
    preds, targets = [], []
    for b in task.iter_batches(split, batch_size):
        out = model(b.x, lengths=b.lengths)  # (B, T, 2)
        preds.append(out[b.mask].argmax(-1))
        targets.append(b.y[b.mask])
    model.train(was)
    pred, target = torch.cat(preds), torch.cat(targets)  # (N,), (N,)
    return {"split": split, "n": len(target), "accuracy": accuracy(pred, target),
            "f1_macro": macro_f1(pred, target, 2), "f1_positive": binary_f1(pred, target),
            "confusion": confusion_matrix(pred, target, 2).numpy().tolist()}
