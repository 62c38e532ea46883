"""The By hand page's numbers: a small network and one sample, its forward pass and backward pass through
time step by step (the numpy lines and their values), the running sum of dW_hh, the check against autograd
and central differences, and the textbook GRU beside PyTorch's. Plain data out; no UI."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..config import TOKEN_TASKS, ModelConfig, TaskConfig
from ..data.tasks import Task, make_task
from ..i18n import N_, UserError, tr
from ..lab import with_task_sizes
from ..models.recurrent import build_model
from . import loop, verify
from .code import annotate, code_lines, fmt
from .convert import check_supported, from_torch
from .gradcheck import LossFn, entry_relative_errors, relative_error
from .net import Backward, Cache, Net
from .net import describe as net_describe
from .train import batch_arrays, task_loss
from .verify import AUTOGRAD_TOL, FORWARD_TOL, NUMERIC_TOL, CheckRow, ForwardCheck, check_table, forward_check

MAX_HIDDEN = 8      # the largest network followed by hand: H ≤ 8 ...
MAX_T = 10          # ... over at most 10 steps
SMALL_HIDDEN = 4    # the network used instead of a larger one: this many units, one layer
SAMPLES = 8         # the page picks its sample from a fixed batch of this many
SAMPLE_SEED = 24680
NUMERIC_ENTRIES = 64  # entries per weight checked by central differences (all of them if it has fewer)
WEIGHT_KEYS = {*loop.GRAD_KEY.values(), "dW_hy", "db_y"}  # weight-shaped values (no batch axis)


# The tasks by the names a student reads (the Build page's names).
TASK_TITLES = {"sine": N_("Sine forecasting"), "adding": N_("Adding problem"), "copy": N_("Copy memory"),
               "charlm": N_("Character language model (Macbeth)"), "order": N_("Temporal order (classification)"),
               "sunspots": N_("Sunspots (real data)"), "csv": N_("Your CSV"), "text": N_("Your text"),
               "neighbours": N_("Sum of neighbours (needs both sides)"), "spikes": N_("Timed spikes (precise timing)"),
               "sentiment": N_("Sentiment of movie reviews (English)"),
               "sentiment_zh": N_("Sentiment of product reviews (Chinese)"),
               "text_csv": N_("Your labelled texts (sentiment)")}
# Why a small network is followed instead of the user's model (`Setup.why`).
WHY_COPY = N_("A small, untrained {model}, initialised like yours (seed {seed}): copy memory needs at least 22 "
              "steps, so the task is sine forecasting.")
WHY_SIZE = N_("A small, untrained {model}, initialised like yours (seed {seed}): your model has {units} units, "
              "too many to follow by hand.")


@dataclass(frozen=True)
class Setup:
    net: Net          # the numpy network followed by hand
    task: Task        # the task its sample comes from (at most MAX_T steps)
    own_model: bool   # whether these are the current model's weights
    why: str          # "" for the user's own model, else WHY_COPY or WHY_SIZE
    seed: int         # the user's model's seed, which the small network shares
    units: int        # the user's model's hidden size

    def note_in(self, lang: str) -> str:
        """One sentence saying which network and task these are, in `lang`."""
        model = self.net.describe(lang)
        if self.own_model:
            return tr("Your model: {model}.", lang, model=model)
        return tr(self.why, lang, model=model, seed=self.seed, units=self.units)

    @property
    def note(self) -> str:
        return self.note_in("en")


def describe(cfg: ModelConfig, lang: str = "en") -> str:
    """E.g. "LSTM, 1 layer × 4 units"."""
    return net_describe(cfg.cell, cfg.nonlinearity, cfg.num_layers, cfg.hidden_size, lang=lang)


def task_title(name: str, lang: str = "en") -> str:
    """A task's name as a student reads it, e.g. "Adding problem"."""
    return tr(TASK_TITLES[name], lang) if name in TASK_TITLES else name


def setup(model_cfg: ModelConfig, model, task_cfg: TaskConfig, user_data: bytes | None = None) -> Setup:
    """The network to follow by hand: the current model if H ≤ MAX_HIDDEN, else a small one with the same cell;
    its sample from the current task shortened to MAX_T steps (copy memory, which cannot be that short, is
    replaced by sine forecasting). ValueError, in one sentence a page can show, for a model or task the numpy
    networks cannot follow (bidirectional, embedding, mean pooling; texts of word ids)."""
    if task_cfg.name in TOKEN_TASKS:
        raise UserError("The numpy networks read one-hot or real-valued inputs of one length, and this task feeds "
                        "word ids of texts of different lengths.")
    check_supported(model_cfg)  # before any small stand-in: this sentence is about the user's own model
    if task_cfg.name == "copy":
        short = TaskConfig(name="sine", seq_len=MAX_T, seed=task_cfg.seed)
    else:
        short = dataclasses.replace(task_cfg, seq_len=min(task_cfg.seq_len, MAX_T))
    task = make_task(short, user_data)
    changed_task = short.name != task_cfg.name
    if model_cfg.hidden_size <= MAX_HIDDEN and not changed_task:
        net, own, why = from_torch(model), True, ""
    else:
        cfg = with_task_sizes(dataclasses.replace(model_cfg, hidden_size=min(model_cfg.hidden_size, SMALL_HIDDEN),
                                                  num_layers=1, dropout=0.0), task)
        net, own, why = from_torch(build_model(cfg)), False, WHY_COPY if changed_task else WHY_SIZE
    return Setup(net, task, own, why, model_cfg.seed, model_cfg.hidden_size)


def sample(task: Task, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample `index` of a fixed seeded batch: x (1, T, I), y, mask (1, T), as numpy."""
    if not 0 <= index < SAMPLES:
        raise ValueError(f"sample index must be in 0..{SAMPLES - 1}, got {index}")
    x, y, mask = batch_arrays(task.batch(SAMPLES, SAMPLE_SEED))
    return x[index : index + 1], y[index : index + 1], mask[index : index + 1]


@dataclass(frozen=True)
class Walk:
    """One sample through one network, forward and backward, with every check."""

    net: Net
    x: np.ndarray           # (1, T, I)
    y: np.ndarray           # (1, T, O) regression targets or (1, T) classes
    mask: np.ndarray        # (1, T) where the loss counts
    cache: Cache
    loss: float
    d_out: np.ndarray       # (1, T, O) ∂L/∂outputs
    back: Backward
    checks: list[CheckRow]  # hand BPTT vs autograd vs central differences, every weight
    forward: ForwardCheck   # the forward pass against the torch model

    @property
    def seq_len(self) -> int:
        return self.x.shape[1]


def loss_fn(task: Task, y: np.ndarray, mask: np.ndarray) -> LossFn:
    """outputs -> (the task's loss on this sample, ∂L/∂outputs)."""
    return lambda outputs: task_loss(task, outputs, y, mask)


def walk(net: Net, task: Task, x: np.ndarray, y: np.ndarray, mask: np.ndarray, seed: int = 0) -> Walk:
    """Forward, backward and the checks of `net` on one sample."""
    fn = loss_fn(task, y, mask)
    cache = net.forward(x)
    loss, d_out = fn(cache.outputs)
    return Walk(net, x, y, mask, cache, loss, d_out, net.backward_full(cache, d_out),
                check_table(net, x, fn, NUMERIC_ENTRIES, seed), forward_check(net, x))


def _power_of_ten(v: float) -> str:
    """1e-08 -> "10⁻⁸"."""
    digits = str(round(np.log10(v)))
    return "10" + digits.translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def check_explanation(lang: str = "en") -> str:
    """What the check table's columns compare and when they agree."""
    return tr("Each column compares the hand-written gradient with another computation: the relative error "
              "‖hand − other‖ / max(‖hand‖, ‖other‖). Autograd is PyTorch differentiating the same network in "
              "float64 (they agree when ≤ {autograd_tol}); the numeric gradient nudges each weight entry by ±10⁻⁵ "
              "and reruns the forward pass, (L(w + δ) − L(w − δ)) / 2δ, as in Karpathy's min-char-rnn (they agree "
              "when ≤ {numeric_tol}; at most {entries} random entries per weight).", lang,
              autograd_tol=_power_of_ten(AUTOGRAD_TOL), numeric_tol=_power_of_ten(NUMERIC_TOL), entries=NUMERIC_ENTRIES)


def finite(w: Walk) -> bool:
    """Whether the loss and every gradient of the walk are finite numbers (not after a diverged training run)."""
    return bool(np.isfinite(w.loss) and all(np.isfinite(g).all() for g in w.back.grads.values()))


def forward_summary(w: Walk, lang: str = "en") -> str:
    """One sentence: how close the numpy forward pass is to the torch model's."""
    verdict = "✓" if w.forward.max_diff <= FORWARD_TOL else "✗"
    return verdict + " " + tr(
        "Forward pass: every output and top-layer h_t of the numpy network equals {reference} to within "
        "**{diff:.1e}** (the largest difference; agreement means ≤ {tol}).", lang,
        reference=verify.reference_text(w.forward.module, lang), diff=w.forward.max_diff, tol=_power_of_ten(FORWARD_TOL))


def _sample0(values: dict) -> dict[str, np.ndarray]:
    """A step's values for the first (only) sample of the batch; weight-shaped ones as they are."""
    return {k: (v if k in WEIGHT_KEYS else v[0]) for k, v in values.items()}


def forward_code(w: Walk, layer: int, t: int) -> str:
    """The cell's step_forward, with the values of step t (0-based) of `layer` under its lines."""
    return annotate(code_lines(w.net.cell_module.step_forward), _sample0(w.cache.steps[layer][t]))


def incoming(w: Walk, layer: int, t: int) -> dict[str, np.ndarray]:
    """What reaches step t (0-based) of `layer` in the backward pass: dy (top layer), dh_above, dh_next (and
    dc_next) from step t + 1 (zeros at the last step)."""
    top, layers = w.back.record[t]
    later = w.back.record[t + 1][1][layer] if t + 1 < w.seq_len else None
    zeros = np.zeros(w.net.hidden_size)
    out = {"dy": top["dy"][0]} if layer == w.net.num_layers - 1 else {}
    out["dh_above"] = (top["dh_above"] if layer == w.net.num_layers - 1 else layers[layer + 1]["dx"])[0]
    out["dh_next"] = later["dh_next"][0] if later else zeros
    if w.cache.cell is not None:
        out["dc_next"] = later["dc_next"][0] if later else zeros
    return out


def incoming_code(w: Walk, layer: int, t: int, lang: str = "en") -> str:
    """`incoming` as lines of numpy values, each with where it comes from (the comments in `lang`)."""
    later = tr("from step t + 1 (zero at t = T)", lang)
    where = {"dy": tr("∂L/∂y_t, from the loss (d_out[:, t])", lang),
             "dh_above": tr("dy @ W_hy, through the head", lang) if layer == w.net.num_layers - 1
             else tr("dx of the layer above", lang),
             "dh_next": later, "dc_next": later}
    return "\n".join(f"{name} = {fmt(value)}  # {where[name]}" for name, value in incoming(w, layer, t).items())


def backward_code(w: Walk, layer: int, t: int) -> str:
    """Step t (0-based) of `layer` in the backward pass: the head's lines (top layer), then the cell's
    step_backward, each with this step's values under it."""
    top, layers = w.back.record[t]
    parts = []
    if layer == w.net.num_layers - 1:
        parts.append(annotate(code_lines(loop.head_backward), _sample0(top)))
    parts.append(annotate(code_lines(w.net.cell_module.step_backward), _sample0(layers[layer])))
    return "\n".join(parts)


def step_share(w: Walk, layer: int, t: int, key: str = "dW_hh") -> np.ndarray:
    """What step t (0-based) adds to one gradient of `layer` ("dW_ih", "dW_hh", "db_ih", ...)."""
    return w.back.record[t][1][layer][key]


def running_sum(w: Walk, layer: int, t: int, key: str = "dW_hh") -> np.ndarray:
    """The gradient summed over the steps visited so far, T down to t (0-based): at t = 0 the whole gradient."""
    return sum(step_share(w, layer, s, key) for s in range(t, w.seq_len))


def dh_norms(w: Walk) -> np.ndarray:
    """(L, T): ‖∂L/∂h_t‖ over the units of every layer and step."""
    return np.linalg.norm(w.back.dh[:, 0], axis=-1)


def loss_code(task: Task) -> str:
    """The loss function's source lines (how dy = ∂L/∂y_t is made)."""
    fn = loop.mse_loss if task.kind == "regression" else loop.cross_entropy_loss
    return "\n".join(line.code for line in code_lines(fn))


@dataclass(frozen=True)
class FormsComparison:
    """PyTorch's GRU and the textbook GRU on the same weights and sample."""

    h_pytorch: np.ndarray       # (L, T, H) h_t of every layer, sample 0
    h_textbook: np.ndarray      # (L, T, H)
    max_h_diff: np.ndarray      # (L, T): max over units of |h_pytorch − h_textbook|
    loss_pytorch: float
    loss_textbook: float
    grad_diff: dict[str, float]  # relative_error of each weight's gradient between the two forms


def compare_gru_forms(net: Net, task: Task, x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> FormsComparison:
    """Run both GRU forms on the same weights and sample and say how far apart their numbers are."""
    fn = loss_fn(task, y, mask)
    results = {}
    for form in ("pytorch", "textbook"):
        other = net.replace(gru_form=form)
        cache = other.forward(x)
        loss, d_out = fn(cache.outputs)
        results[form] = (cache.hidden[:, 0], loss, other.backward(cache, d_out)[0])
    (h_p, loss_p, g_p), (h_t, loss_t, g_t) = results["pytorch"], results["textbook"]
    return FormsComparison(h_p, h_t, np.abs(h_p - h_t).max(axis=-1), loss_p, loss_t,
                           {name: relative_error(g_p[name], g_t[name]) for name in g_p})


def matrix_labels(net: Net) -> tuple[list[str], list[str]]:
    """Row and column labels of dW_hh: rows by gate block and unit ("i0", ..., "o3"; "h0" for a vanilla RNN),
    columns by the unit of h_{t−1}."""
    gates = {"rnn": "h", "lstm": "ifgo", "peephole": "ifgo", "gru": "rzn"}[net.cell]
    return [f"{g}{k}" for g in gates for k in range(net.hidden_size)], [f"h{k}" for k in range(net.hidden_size)]


def check_rows(checks: list[CheckRow], lang: str = "en") -> list[dict[str, str]]:
    """The check table as the page shows it: one row of strings per weight (and ∂L/∂h_t), its words in `lang`."""
    def verdict(row: CheckRow) -> str:
        errors = [row.vs_autograd] + ([] if row.vs_numeric is None else [row.vs_numeric])
        if not np.isfinite(errors).all():
            return tr("✗ not finite", lang)
        ok = row.vs_autograd <= AUTOGRAD_TOL and (row.vs_numeric is None or row.vs_numeric <= NUMERIC_TOL)
        return tr("✓ agree", lang) if ok else tr("✗ differ", lang)

    return [{
        tr("weight", lang): row.name, tr("shape", lang): "×".join(map(str, row.shape)),
        tr("‖hand BPTT‖", lang): f"{row.hand_norm:.4g}",
        tr("hand vs autograd", lang): f"{row.vs_autograd:.1e}",
        tr("hand vs numeric", lang): "—" if row.vs_numeric is None else f"{row.vs_numeric:.1e}",
        tr("entries checked", lang): "—" if row.vs_numeric is None else tr(
            "{checked} of {total}", lang, checked=row.checked, total=int(np.prod(row.shape))),
        "": verdict(row),
    } for row in checks]


def forms_summary(cmp: FormsComparison, lang: str = "en") -> str:
    """Two sentences: how far the two GRU forms' losses and hidden states are apart, and why already at t = 1."""
    worst = np.unravel_index(np.argmax(cmp.max_h_diff), cmp.max_h_diff.shape)
    return tr("On the same weights the loss is **{loss_pytorch:.6g}** with PyTorch's GRU and **{loss_textbook:.6g}** "
              "with the textbook one; the hidden states differ by up to **{worst:.3g}** (layer {layer}, t = {t}) and "
              "already by **{first:.3g}** at t = 1. There h_0 = 0, so W_hn h_0 = 0 in both forms, but PyTorch "
              "multiplies b_hn by r and the textbook adds it whole: the two agree only where r = 1.", lang,
              loss_pytorch=cmp.loss_pytorch, loss_textbook=cmp.loss_textbook, worst=cmp.max_h_diff.max(),
              layer=worst[0], t=worst[1] + 1, first=cmp.max_h_diff[0, 0])


def forms_steps_table(cmp: FormsComparison, lang: str = "en") -> list[dict[str, str]]:
    """One row per step: the largest |h_t(PyTorch) − h_t(textbook)| of each layer."""
    n_layers, t_len = cmp.max_h_diff.shape
    return [{"t": str(t + 1), **{(tr("max |Δh_t|, layer {layer}", lang, layer=l) if n_layers > 1
                                  else tr("max |Δh_t|", lang)):
                                 f"{cmp.max_h_diff[l, t]:.3g}" for l in range(n_layers)}}
            for t in range(t_len)]


def forms_grads_table(cmp: FormsComparison, lang: str = "en") -> list[dict[str, str]]:
    """One row per weight: how far its gradient under the textbook GRU is from PyTorch's (relative_error)."""
    return [{tr("weight", lang): name, tr("gradient: textbook vs PyTorch", lang): f"{diff:.3g}"}
            for name, diff in cmp.grad_diff.items()]


def spot_checks(checks: list[CheckRow], per_weight: int = 3) -> str:
    """min-char-rnn's gradient check printout: for the first few entries checked of each weight, the numerical
    and the analytic (hand-written) gradient and their relative error |a − n| / |a + n|."""
    lines = []
    for row in checks:
        if not row.checked:
            continue
        lines.append(row.name)
        errors = entry_relative_errors(row.hand, row.numeric)
        for i, n, a, e in list(zip(row.index, row.numeric, row.hand, errors))[:per_weight]:
            where = ", ".join(map(str, np.unravel_index(i, row.shape)))
            lines.append(f"  [{where}]  {n:+.10f}, {a:+.10f} => {e:.2e}")
    return "\n".join(lines)
