"""Data for the Step-through page: one sample, its trace and gradients, per-step slices, a PCA
trajectory, text coloured by a unit, and seeded text generation. Plain numpy out; no UI."""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import plotly.colors
import torch

from ..data.tasks import Batch, Task
from ..i18n import UserError
from ..models.recurrent import RecurrentModel
from ..trace.gradients import hidden_grads, jacobian_norms, whh_spectra
from ..trace.record import Trace
from .style import DIVERGING

SAMPLE_BATCH = 16      # the fixed batch the page picks its sample from
SAMPLE_SEED = 12345    # its batch seed: the same samples for every user and every model
MAX_TEXT_CHARS = 500   # cap on a typed input text (the unroll is a Python loop over t)
MAX_GEN_CHARS = 300    # cap on generated text


@dataclass
class StepData:
    """Everything the page shows for one model and one sample, computed once (B = 1 throughout)."""

    trace: Trace                # the unrolled sample, batch of one
    grads: np.ndarray           # (L, T, D·H): total ∂L/∂h_t (bidirectional: [h→_t, h←_t])
    grad_norms: np.ndarray      # (L, T): ‖∂L/∂h_t‖ over units (of both directions)
    jac_norms: np.ndarray       # (L, T): ‖∂h_T/∂h_t‖ (spectral norm) within each layer (forward direction)
    sigma_max: np.ndarray | None  # (L,): σ_max(W_hh) per layer (forward direction), vanilla RNN only
    target: np.ndarray          # regression (T, O) float; classification (T,) int
    mask: np.ndarray            # (T,) bool: steps where the loss counts
    loss: float                 # the task loss on this sample

    @property
    def seq_len(self) -> int:
        return self.trace.hidden.shape[2]


def sample_batch(task: Task, index: int) -> Batch:
    """Sample `index` (0..SAMPLE_BATCH-1) of the page's fixed seeded batch, as a batch of one (without padding:
    a sample of a padded batch is cut at its own length)."""
    if not 0 <= index < SAMPLE_BATCH:
        raise ValueError(f"sample index must be in 0..{SAMPLE_BATCH - 1}, got {index}")
    b = task.batch(SAMPLE_BATCH, SAMPLE_SEED)
    end = b.x.shape[1] if b.lengths is None else int(b.lengths[index])  # a padded batch: the sample's own length
    return Batch(x=b.x[index : index + 1, :end], y=b.y[index : index + 1, :end], mask=b.mask[index : index + 1, :end])


def text_batch(task: Task, text: str) -> Batch:
    """A typed text as a batch of one for a language-model task: the target at t is the character at
    t + 1 (none at the last step). ValueError with a readable message for unusable text."""
    if len(text) < 2:
        raise UserError("Type at least 2 characters (the model predicts each next one).")
    if len(text) > MAX_TEXT_CHARS:
        raise UserError("The text has {n} characters; the limit is {limit}.", n=len(text), limit=MAX_TEXT_CHARS)
    x = task.inputs_from_text(text)  # (1, T, V); ValueError naming unknown characters
    ids = task.encode(text)  # (T,)
    y = torch.cat([ids[1:], ids.new_zeros(1)])[None]  # (1, T)
    mask = torch.ones(1, len(text), dtype=torch.bool)
    mask[0, -1] = False
    return Batch(x=x, y=y, mask=mask)


def compute(model: RecurrentModel, task: Task, batch: Batch) -> StepData:
    """Unroll one sample and backpropagate its loss: the expensive part, done once per sample."""
    trace, grads = hidden_grads(model, batch.x, lambda out: task.loss(out, batch))
    grads = grads[:, 0]  # (L, T, H)
    n_layers = trace.hidden.shape[0]
    sigma = None
    if trace.cell_type == "rnn":
        sigma = np.array([s.sigma_max for s in whh_spectra(model) if s.direction == 0])  # the forward W_hh per layer
    with torch.no_grad():
        loss = task.loss(torch.from_numpy(trace.outputs), batch).item()
    return StepData(
        trace=trace,
        grads=grads,
        grad_norms=np.sqrt((grads.astype(np.float64) ** 2).sum(axis=-1)),
        jac_norms=np.stack([jacobian_norms(model, trace, layer=l) for l in range(n_layers)]),
        sigma_max=sigma,
        target=batch.y[0].numpy(),
        mask=batch.mask[0].numpy(),
        loss=loss,
    )


def rnn_bound(sigma_max: float, t_len: int) -> np.ndarray:
    """(T,): σ_max^(T−t) for t = 1..T, which bounds ‖∂h_T/∂h_t‖ of a vanilla RNN (tanh or relu: |φ'| ≤ 1)."""
    return float(sigma_max) ** np.arange(t_len - 1, -1, -1, dtype=np.float64)


@dataclass
class StepPanel:
    """The values at one time step t (0-based) of the sample."""

    t: int
    x: np.ndarray                 # (I,)
    hidden: np.ndarray            # (L, H)
    cell: np.ndarray | None       # (L, H) LSTM, else None
    gates: dict[str, np.ndarray]  # each (L, H)
    output: np.ndarray            # (O,): regression values or class logits
    target: np.ndarray | int | None  # (O,) regression, class index, or None where the loss skips t


def panel_at(data: StepData, t: int) -> StepPanel:
    """Slice the trace at step t (no computation)."""
    tr = data.trace
    if not 0 <= t < data.seq_len:
        raise ValueError(f"t must be in 0..{data.seq_len - 1}, got {t}")
    target = None
    if data.mask[t]:
        target = int(data.target[t]) if data.target.ndim == 1 else data.target[t]
    return StepPanel(
        t=t,
        x=tr.inputs[0, t],
        hidden=tr.hidden[:, 0, t],
        cell=tr.cell[:, 0, t] if tr.cell is not None else None,
        gates={k: v[:, 0, t] for k, v in tr.gates.items()},
        output=tr.outputs[0, t],
        target=target,
    )


def softmax(logits: np.ndarray) -> np.ndarray:
    z = np.asarray(logits, np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def top_k(logits: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k most probable classes (indices, probabilities), most probable first."""
    p = softmax(logits)
    idx = np.argsort(-p, kind="stable")[:k]
    return idx, p[idx]


def class_names(task: Task) -> list[str]:
    """A printable name per output class (the vocabulary, or the task's class labels)."""
    classes = getattr(task, "CLASSES", None)
    classes = classes if classes is not None else getattr(task, "class_names", None)
    if classes is not None:
        return list(classes)
    if task.vocab is not None and len(task.vocab) == task.output_size:
        return list(task.vocab)
    return [str(i) for i in range(task.output_size)]


def symbols(task: Task, inputs: np.ndarray, token_ids: np.ndarray | None = None) -> list[str] | None:
    """The input symbol at each step (inputs (T, I) one-hot, or the trace's token_ids (T,) of a model with an
    embedding, whose inputs are the embedding vectors), or None for a numeric task."""
    if token_ids is not None and task.vocab is not None:
        return [task.vocab[i] for i in token_ids]
    if task.vocab is None or len(task.vocab) != inputs.shape[-1]:
        return None
    return [task.vocab[i] for i in inputs.argmax(-1)]


def show_char(c: str) -> str:
    """A character as it can be read in a label: space and newline made visible."""
    return {" ": "␣", "\n": "↵", "\t": "⇥"}.get(c, c)


@dataclass
class Projection:
    coords: np.ndarray     # (T, 2): h_t on the two principal components
    explained: np.ndarray  # (2,): fraction of the variance each explains


def pca_2d(h: np.ndarray) -> Projection:
    """Project h (T, H) onto its first two principal components (SVD of the centred matrix).

    With fewer than two non-trivial components the missing coordinates are 0 (and explain 0)."""
    centred = np.asarray(h, np.float64) - h.mean(axis=0)  # (T, H)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    total = float((s**2).sum())
    coords = np.zeros((h.shape[0], 2))
    explained = np.zeros(2)
    k = min(2, len(s))
    coords[:, :k] = u[:, :k] * s[:k]
    if total > 0:
        explained[:k] = s[:k] ** 2 / total
    return Projection(coords, explained)


_SCALE = plotly.colors.get_colorscale(DIVERGING)


def activation_colors(values: np.ndarray) -> list[str]:
    """The DIVERGING colour of each value, clipped to [−1, 1] (0 is white)."""
    pos = (np.clip(np.nan_to_num(np.asarray(values, np.float64)), -1, 1) + 1) / 2
    return plotly.colors.sample_colorscale(_SCALE, pos.tolist())


def colored_text_html(text: str | list[str], values: np.ndarray, sep: str = "") -> str:
    """`text` as HTML spans, each character's (or token's) background the colour of its activation (Karpathy-style);
    `sep` between the spans (" " for words).

    Characters are escaped; newlines are shown as ↵ and break the line (the browser outlines the step shown)."""
    if len(text) != len(values):
        raise ValueError(f"text has {len(text)} symbols but there are {len(values)} values")
    spans = []
    for i, (c, v, col) in enumerate(zip(text, values, activation_colors(values))):
        fg = "#ffffff" if abs(v) > 0.6 else "#000000"
        shown = html.escape(show_char(c) if c in "\n\t" else c)
        title = html.escape(f"t={i + 1} {show_char(c)!r}: {v:.3f}", quote=True)
        spans.append(f'<span title="{title}" style="background:{col};color:{fg}">{shown}</span>')
        if c == "\n":
            spans.append("<br>")
    return sep.join(spans)


@torch.no_grad()
def generate(model: RecurrentModel, task: Task, prompt: str, length: int, temperature: float, seed: int) -> str:
    """`length` characters sampled after `prompt`, one step at a time from softmax(logits / temperature).

    temperature 0 means greedy (argmax). The same (model, prompt, length, temperature, seed) always gives
    the same text. ValueError for an empty prompt, unknown characters or a bad length/temperature."""
    if not prompt:
        raise UserError("Type a prompt of at least one character.")
    if not 1 <= length <= MAX_GEN_CHARS:
        raise ValueError(f"length must be in 1..{MAX_GEN_CHARS}, got {length}")
    if not temperature >= 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    x = task.inputs_from_text(prompt)  # (1, P, V); ValueError names unknown characters
    gen = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    try:
        hs, state = model.rnn(model.embed(x))  # (1, P, H)
        seen = hs  # (1, t, H): every h so far, for a head that reads their mean (ModelConfig.pool)
        ids = []
        for _ in range(length):
            logits = model.readout(seen[:, -1:] if model.cfg.pool == "last" else seen)[0, -1]  # (V,)
            if temperature == 0:
                nxt = int(logits.argmax())
            else:
                probs = torch.softmax(logits.double() / temperature, dim=-1)
                nxt = int(torch.multinomial(probs, 1, generator=gen))
            ids.append(nxt)
            step = torch.zeros(1, 1, task.input_size)
            step[0, 0, nxt] = 1.0
            hs, state = model.rnn(model.embed(step), state)
            seen = torch.cat([seen, hs], dim=1)
    finally:
        model.train(was_training)
    return task.decode(ids)
