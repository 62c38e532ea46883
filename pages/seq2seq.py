"""Seq2seq: an encoder–decoder with attention. Set it up, translate a typed source one output step at a time, and
train it live.

Translate: the source is decoded once (explorer/trace/seq2seq.py) and its views go to the browser once
(pages/bridge.py); the output step j (slider, ◀ ▶, Play) and the source position s of the written-out score (its
own slider, or a click on the alignment) move there, without a server round trip. Train: a fragment reruns every
RERUN_GAP s while training runs, trains one bounded slice (SLICE_SECONDS; no threads: a Pause click lands within a
slice and a closed tab stops the timer) and sends each live chart only its new points (explorer/views/seq2seq_live.py).
Each slice is a turn of the server's fair share (pages.common.TRAINING), like the Train page's: a busy server puts
the run in line, says its place, and starts it by itself.
"""
from __future__ import annotations

import dataclasses
import json
import math
import time
import weakref

import streamlit as st

from explorer.config import (
    ATTENTIONS,
    CLIP_MODES,
    MAX_BEAM,
    MAX_S2S_LEN,
    MAX_S2S_SYMBOLS,
    MAX_SEED,
    MAX_STEPS,
    OPTIMIZERS,
    SEQ2SEQ_TASKS,
    Seq2SeqConfig,
    TrainConfig,
)
from explorer.i18n import N_, tr
from explorer.trace.seq2seq import decode_trace
from explorer.training.fairshare import Turn
from explorer.training.live import Run, restore_last_good, train_chunk
from explorer.training.seq2seq import Seq2SeqLab, make_seq2seq_lab
from explorer.views import seq2seq_live as live
from explorer.views import seq2seq_payload as sp
from pages import bridge
from pages.common import TRAINING, presenter, sharing, sizes, training_token
from pages.lang import error_text, lang, t
from pages.seq2seq_state import get_s2s_lab, has_loaded_weights, set_s2s_lab

RERUN_GAP = 0.15      # s: the training fragment's timer while training runs; shorter than a run (a slice and the
                      # views), so a tick lands during each and the next run follows at once; not much shorter: each
                      # tick is a message with every widget's state that the server parses under the GIL (pages/live.py)
SLICE_SECONDS = 0.2   # training per fragment run: each run then sends the charts their new points
TURN_WAIT = 1.0       # s to wait for a turn of the shared server before the counter says who else trains
TOP_K = 5             # next tokens listed at each output step
VIEWS = (N_("Translate step by step"), N_("Train"))
TASKS = {"reverse": N_("Reverse a string"), "sort": N_("Sort a string"), "dates": N_("Dates to ISO 8601 (2026-11-28)")}
TASK_NAMES = {"reverse": N_("Reverse a string"), "sort": N_("Sort a string"), "dates": N_("Dates to ISO 8601")}
CELLS = {"rnn": N_("Vanilla RNN"), "lstm": "LSTM", "gru": "GRU"}
ATTENTION_NAMES = {"none": N_("none (the encoder's last state)"), "additive": N_("additive (Bahdanau)"),
                   "dot": N_("dot (Luong)"), "general": N_("general (Luong)")}
CLIPS = {"none": N_("no clipping"), "norm": N_("by norm"), "value": N_("by value")}  # as on the Train page
HIDDEN_CHOICES = (8, 16, 32, 64, 128, 256)
EMBED_CHOICES = (4, 8, 16, 32, 64, 128)
KEPT = {"s2s_source": "s2s_source_text", "s2s_beam": "s2s_beam_width"}  # Translate widget: its remembered value
SETUP = {  # widget key: Seq2SeqConfig field
    "s2s_task": "task", "s2s_cell": "cell", "s2s_hidden": "hidden_size", "s2s_embed": "embedding_dim",
    "s2s_bidi": "bidirectional", "s2s_attention": "attention", "s2s_tf": "teacher_forcing", "s2s_seed": "seed",
    "s2s_symbols": "n_symbols",
}
TRAIN_SETTINGS = ("optimizer", "lr", "clip", "clip_threshold", "steps", "eval_every", "probe_every")  # s2s_train_*

ss = st.session_state


def shown(names: dict[str, str]):
    """A format_func showing `names[key]` in the session's language (taken now: AppTest calls it after the run)."""
    language = lang()
    return lambda key: tr(names[key], language)


# --- setup ------------------------------------------------------------------------------------------------------

def example_source(lab: Seq2SeqLab) -> str:
    """A source to start with: a long date, or the first validation source of reverse/sort."""
    if lab.cfg.task == "dates":
        return "Saturday, the 28th of November 2026"
    return "".join(lab.task.pairs(1, seed=0, split="val")[0][0])


def sync_widgets(lab: Seq2SeqLab) -> None:
    """Make the setup and training widgets show `lab` when it was replaced (a preset, a link, an import, a
    rebuild), or when Streamlit dropped their state (a run that did not draw them); a typed source the new task
    cannot read is replaced by an example."""
    replaced = ss.get("s2s_synced_for") is None or ss.s2s_synced_for() is not lab
    values = {key: getattr(lab.cfg, name) for key, name in SETUP.items()}
    values["s2s_len"] = (lab.cfg.min_len, lab.cfg.max_len)
    values |= {f"s2s_train_{name}": getattr(lab.train_cfg, name) for name in TRAIN_SETTINGS}
    for key, value in values.items():
        if replaced or key not in ss:
            ss[key] = value
    if replaced:
        fit_source(lab)
    ss.s2s_synced_for = weakref.ref(lab)


def fit_source(lab: Seq2SeqLab) -> None:
    """After a new lab: an example source of its task if the task changed or cannot read the typed source (a
    change of the setup, not of the typing: no error to show)."""
    try:
        lab.task.encode_source(ss.get(KEPT["s2s_source"], ""))
        same_task = ss.get("s2s_source_task") == lab.cfg.task
    except ValueError:
        same_task = False
    if not same_task:
        ss[KEPT["s2s_source"]] = example_source(lab)
    ss.s2s_source_task = lab.cfg.task


def keep(key: str) -> None:
    """on_change: remember a Translate widget's value apart from the widget, which Streamlit forgets (or the browser
    shows empty) after runs that did not draw it (the Train view)."""
    ss[KEPT[key]] = ss[key]


def restore(key: str, default) -> None:
    """Before drawing a Translate widget: give it the remembered value."""
    ss[key] = ss.setdefault(KEPT[key], default)


def setup_controls() -> dict:
    """The encoder–decoder's widgets; returns the chosen Seq2SeqConfig fields."""
    c = st.columns(4)
    task = c[0].selectbox(t("Task"), SEQ2SEQ_TASKS, format_func=shown(TASKS), key="s2s_task",
                          help=t("Reverse or sort a string of letters, or rewrite a date given in any of 13 forms "
                                 "as YYYY-MM-DD. Each has held-out validation data."))
    chosen = {"task": task}
    if task != "dates":
        lo, hi = c[1].slider(t("Source length"), 1, MAX_S2S_LEN, key="s2s_len",
                             help=t("Shortest and longest source, in letters: long sources are where attention "
                                    "matters."))
        chosen |= {"min_len": lo, "max_len": hi,
                   "n_symbols": c[2].slider(t("Letters"), 2, MAX_S2S_SYMBOLS, key="s2s_symbols",
                                            help=t("The alphabet: the first n letters a, b, c, …"))}
    chosen["cell"] = c[3].selectbox(t("Cell (encoder and decoder)"), tuple(CELLS), format_func=shown(CELLS),
                                    key="s2s_cell")
    c = st.columns(4)
    chosen["attention"] = c[0].selectbox(
        t("Attention"), ATTENTIONS, format_func=shown(ATTENTION_NAMES), key="s2s_attention",
        help=t("How the decoder reads the source at each output step: none (only the encoder's last state), or a "
               "softmax-weighted sum of every encoder state, weighted by an additive or multiplicative score."))
    chosen["hidden_size"] = c[1].select_slider(t("Hidden size H"), sorted({*HIDDEN_CHOICES, ss.s2s_hidden}),
                                               key="s2s_hidden", help=t("Units of the encoder (per direction) "
                                                                        "and of the decoder."))
    chosen["embedding_dim"] = c[2].select_slider(t("Embedding size E"), sorted({*EMBED_CHOICES, ss.s2s_embed}),
                                                 key="s2s_embed", help=t("Length of each token's learned vector."))
    chosen["bidirectional"] = c[3].toggle(t("Bidirectional encoder"), key="s2s_bidi",
                                          help=t("A second encoder reads the source backwards; each source "
                                                 "position is then described by both, [→h_s; ←h_s]."))
    c = st.columns(4)
    chosen["teacher_forcing"] = c[0].slider(
        t("Teacher forcing"), 0.0, 1.0, step=0.05, key="s2s_tf",
        help=t("During training, the probability that the decoder is fed the true previous token rather than its "
               "own guess."))
    chosen["seed"] = c[1].number_input(t("Seed"), 0, MAX_SEED, step=1, key="s2s_seed",
                                       help=t("Seed of the initial weights: the same seed, the same network."))
    return chosen


def candidate(lab: Seq2SeqLab, cfg: Seq2SeqConfig) -> tuple[Seq2SeqLab | None, str | None]:
    """The lab of the chosen config and None, or None and why it cannot be built; built once per choice (a
    pending change of a trained lab is not rebuilt on every rerun)."""
    cached = ss.get("s2s_candidate")  # (weakref to the lab it replaces, config, new lab, error)
    if cached is None or cached[0]() is not lab or cached[1] != cfg:
        try:
            with st.spinner(t("Building the encoder–decoder…")):
                cached = (weakref.ref(lab), cfg, make_seq2seq_lab(cfg, lab.train_cfg), None)
        except ValueError as e:
            cached = (weakref.ref(lab), cfg, None, e)
        ss.s2s_candidate = cached
    return cached[2], cached[3]


def stop_training() -> None:
    """Pause this page's run and give its place in the server's training line to the next one."""
    ss.s2s_running = False
    TRAINING.leave(training_token())


def install(new: Seq2SeqLab) -> None:
    stop_training()
    set_s2s_lab(new)
    ss.pop("s2s_candidate", None)


def setup_section(lab: Seq2SeqLab) -> Seq2SeqLab:
    """The setup panel; returns the lab to show (a new one when the choice could be installed at once)."""
    with st.expander(t("Setup: task, encoder–decoder, attention"), expanded=False):
        chosen = setup_controls()
        status = st.container()
    try:
        cfg = dataclasses.replace(lab.cfg, **chosen)
    except ValueError as e:
        status.error(t("{error}. Nothing was changed: the current model is kept.", error=error_text(e)))
        return lab
    if cfg == lab.cfg:
        ss.pop("s2s_candidate", None)  # a pending choice was undone
        return lab
    new, error = candidate(lab, cfg)
    if error:
        status.error(t("{error} Nothing was changed: the current model is kept.", error=error_text(error)))
        return lab
    if lab.steps_trained == 0:
        install(new)
        ss.s2s_synced_for = weakref.ref(new)  # the widgets show it: they chose it
        fit_source(new)  # the source box comes later in this run
        return new
    st.warning(t("These choices need a new encoder–decoder: the {n:,} steps of training of the current one would "
                 "be discarded. The current model stays until you rebuild.", n=lab.steps_trained))
    st.button(t("Rebuild and discard the trained model"), key="s2s_discard", type="primary", on_click=install,
              args=(new,))
    return lab


def summary(lab: Seq2SeqLab) -> str:
    c, n = lab.cfg, lab.steps_trained
    cell = t(CELLS[c.cell])
    encoder = t("bidirectional {cell}", cell=cell) if c.bidirectional else cell
    if has_loaded_weights(lab):
        trained = t("loaded weights, then trained for {n:,} steps", n=n) if n else t("loaded weights")
    else:
        trained = t("trained for {n:,} steps", n=n) if n else t("untrained")
    return t("{task}, {encoder} encoder–decoder (H = {H}), attention {attention}, {trained}",
             task=t(TASK_NAMES[c.task]), encoder=encoder, H=c.hidden_size, attention=t(ATTENTION_NAMES[c.attention]),
             trained=trained)


# --- translate, step by step ------------------------------------------------------------------------------------

def decoded(lab: Seq2SeqLab, source: str, beam: int):
    """The decoding trace of `source` (ValueError with the task's message on bad input), once per model, weights,
    source and beam width."""
    key = (lab.model, lab.steps_trained, ss.get("s2s_weights", 0), source, beam)
    cached = ss.get("s2s_trace")
    if cached is None or cached[0] != key:
        cached = ss.s2s_trace = (key, decode_trace(lab.model, lab.task, source, top_k=TOP_K, beam_width=beam), {})
    return cached[1], cached[2]


def payload(views: dict, name: str, build):
    """The payload of view `name` of the shown trace, built once per trace and chart sizes."""
    key = (name, sizes(), lang())
    if key not in views:
        views[key] = build()
    return views[key]


def _j_reported(i: int) -> None:
    ss.s2s_j = i + 1


def _s_reported(k: int) -> None:
    ss.s2s_s = k + 1


def translate(lab: Seq2SeqLab) -> None:
    sz = sizes()
    c_src, c_beam, c_dl = st.columns([4, 1, 1], vertical_alignment="bottom")
    restore("s2s_source", example_source(lab))
    source = c_src.text_input(t("Source"), key="s2s_source", max_chars=200, on_change=keep, args=("s2s_source",),
                              help=t("Type a source for this task: the model translates it greedily, one output "
                                     "token at a time."))
    restore("s2s_beam", 3)
    beam = c_beam.selectbox(t("Beam width k"), range(1, MAX_BEAM + 1), key="s2s_beam", on_change=keep,
                            args=("s2s_beam",),
                            help=t("Beam search keeps the k most probable partial outputs at every step."))
    try:
        trace, views = decoded(lab, source, beam)
        ss.s2s_good_source = source
    except ValueError as e:
        good = ss.get("s2s_good_source")
        st.error(error_text(e))
        try:
            trace, views = decoded(lab, good, beam)
        except ValueError:  # nothing good yet for this model: its example
            trace, views = decoded(lab, example_source(lab), beam)
        st.caption(t("Still showing the last source that could be read: {source!r}.", source="".join(trace.source)))
    c_dl.download_button(t("Trace (JSON)"), lambda: json.dumps(trace.to_json(), ensure_ascii=False),
                         file_name="rnn-explorer-decoding.json", mime="application/json", key="s2s_download",
                         width="stretch", on_click="ignore",
                         help=t("Every number of this decoding (attention, context, states, gates, probabilities)."))
    greedy = "".join(tok for tok in trace.outputs if tok != "<eos>") or t("(empty)")
    fields = {"summary": summary(lab), "greedy": greedy, "log_p": trace.log_prob}
    if trace.reference is None:
        line = t("**{summary}** · greedy output **{greedy}** · log p(ŷ | x) = {log_p:.4g}", **fields)
    elif trace.outputs == [*trace.reference, "<eos>"]:
        line = t("**{summary}** · greedy output **{greedy}** ✓ right · log p(ŷ | x) = {log_p:.4g}", **fields)
    else:
        line = t("**{summary}** · greedy output **{greedy}** ✗ (right: {right}) · log p(ŷ | x) = {log_p:.4g}",
                 right="".join(trace.reference), **fields)
    st.markdown(line)

    bridge.scripts()
    n_j, n_s = len(trace.outputs), len(trace.source)
    ss.s2s_j = min(max(ss.get("s2s_j", 1), 1), n_j)
    bridge.player(sp.J_GROUP, n_j, ss.s2s_j - 1, key="s2s_player", at=sp.AT_J, on_change=_j_reported, speed=2,
                  labels={"label": t("Output step j"), "value": t("j = {j} of {n}", j="{j}", n=n_j), "prev": "◀",
                          "next": "▶", "play": t("▶ Play"), "pause": t("⏸ Pause"), "speed": t("steps/s"),
                          "speed_help": t("Play speed"), "prev_help": t("One output step back"),
                          "next_help": t("One output step forward"),
                          "help": t("← → move one step (click the slider first); Space plays and pauses.")})
    attention = trace.attention is not None
    left, right = st.columns(2)
    with left:
        if attention:
            bridge.view(payload(views, "alignment", lambda: sp.alignment(trace, sz, lang())), key="s2s_alignment")
            st.caption(t("Row j holds the weights α_js with which output step j reads each source position s; "
                         "rows below are written as j advances. Click a cell to write out its score."))
            bridge.view(payload(views, "attention", lambda: sp.attention_bars(trace, sz, lang())), key="s2s_attention_row")
        else:
            st.info(t("This model has no attention: at every step the decoder reads the same context, the "
                      "encoder's last state, so the whole source must fit in it. Choose an attention in the setup "
                      "to see an alignment."))
    with right:
        bridge.view(payload(views, "step", lambda: sp.step_text(trace, lang())), key="s2s_step_text")
        bridge.view(payload(views, "topk", lambda: sp.top_tokens(trace, sz, lang())), key="s2s_topk")
        if attention:
            ss.s2s_s = min(max(ss.get("s2s_s", 1), 1), n_s)
            bridge.player(sp.S_GROUP, n_s, ss.s2s_s - 1, key="s2s_s_player", at=sp.AT_S, on_change=_s_reported,
                          play=False, fields={"tok": [sp.token(tok) for tok in trace.source]},
                          labels={"label": t("Source position s of the score below"),
                                  "value": t("s = {s} of {n}: {tok}", s="{s}", n=n_s, tok="{tok}"),
                                  "prev": "◀", "next": "▶", "prev_help": t("One position left"),
                                  "next_help": t("One position right"),
                                  "help": t("Or click a cell of the alignment.")})
            bridge.view(payload(views, "score", lambda: sp.score_equation(lab.model, trace, lang())), key="s2s_score")
    left, right = st.columns(2)
    with left:
        bridge.view(payload(views, "decoder", lambda: sp.decoder_bars(trace, sz, lang())), key="s2s_decoder")
        if trace.gates and trace.cells is not None:
            st.caption(t("The decoder's new state s_j after step j, its cell state and its gates (dark 0 … yellow 1; "
                         "g and n are tanh, −1 … 1)."))
        elif trace.gates:
            st.caption(t("The decoder's new state s_j after step j and its gates (dark 0 … yellow 1; g and n are "
                         "tanh, −1 … 1)."))
        else:
            st.caption(t("The decoder's new state s_j after step j."))
    with right:
        bridge.view(payload(views, "context", lambda: sp.context_bars(trace, sz, lang())), key="s2s_context")
        st.caption(t("The context c_j the decoder reads at step j: Σ_s α_js h_s") if attention else
                   t("The context: the encoder's last state, the same at every step."))
    left, right = st.columns(2)
    with left:
        st.markdown(t("**Greedy decoding and beam search (k = {k})**", k=beam))
        st.dataframe(sp.decodings(trace, lang()), hide_index=True, key="s2s_beam_table",
                     column_config={"decoding": t("decoding"), "output": t("output"),
                                    "log p(y | x)": st.column_config.NumberColumn(format="%.4f"),
                                    "ends with <eos>": t("ends with <eos>"), "correct": t("correct")})
        st.caption(t("Greedy decoding takes the most probable token at every step; beam search keeps the k most "
                     "probable partial outputs and can find a more probable whole output (scores are log p, not "
                     "normalised by length)."))
    with right:
        bridge.view(payload(views, "gradient", lambda: sp.source_gradient(trace, sz, lang())), key="s2s_source_grad")
        st.caption(t("The gradient of −log p(ŷ | x) of this output with respect to each encoder state h_s: with "
                     "attention every source state has a short path to every output step."))


# --- train ----------------------------------------------------------------------------------------------------

def current_run(lab: Seq2SeqLab) -> Run | None:
    held = ss.get("s2s_run")
    return held[1] if held and held[0] is lab else None


def on_start() -> None:
    lab = get_s2s_lab()
    run = current_run(lab)
    if run is None or run.remaining(lab) == 0:
        ss.s2s_run = (lab, Run(lab.steps_trained))
    ss.s2s_running = True


def on_pause() -> None:
    stop_training()


def on_step(n: int) -> None:
    stop_training()
    train_chunk(get_s2s_lab(), n, math.inf)


def on_reset() -> None:
    lab = get_s2s_lab()
    install(make_seq2seq_lab(lab.cfg, lab.train_cfg))


def on_restore() -> None:
    restore_last_good(get_s2s_lab())
    ss.s2s_weights = ss.get("s2s_weights", 0) + 1  # the weights changed without a step


def train_settings(lab: Seq2SeqLab) -> None:
    """The training settings; a change applies at once and keeps the trained weights."""
    c = st.columns(7)
    c[0].selectbox(t("Optimiser"), OPTIMIZERS, key="s2s_train_optimizer")
    c[1].number_input(t("Learning rate"), min_value=1e-6, max_value=10.0, step=1e-3, format="%.6g", key="s2s_train_lr")
    c[2].selectbox(t("Clipping"), CLIP_MODES, key="s2s_train_clip", format_func=shown(CLIPS),
                   help=t("by norm: rescale the whole gradient to θ when its norm exceeds θ; "
                          "by value: clamp each entry to [−θ, θ]."))
    c[3].number_input(t("Clip threshold θ"), min_value=1e-4, max_value=1e4, step=0.5, format="%g",
                      key="s2s_train_clip_threshold", disabled=ss.s2s_train_clip == "none")
    c[4].number_input(t("Steps per run"), min_value=1, max_value=MAX_STEPS, step=100, key="s2s_train_steps")
    c[5].number_input(t("Evaluate every"), min_value=0, max_value=MAX_STEPS, step=10, key="s2s_train_eval_every",
                      help=t("Greedy-decode the validation set (BLEU, exact match) every k steps (0: never)."))
    c[6].number_input(t("Probe every"), min_value=0, max_value=MAX_STEPS, step=5, key="s2s_train_probe_every",
                      help=t("Measure ‖∂L/∂h_s‖ at every source position every k steps (0: never)."))
    try:
        cfg = TrainConfig(**{**lab.train_cfg.to_dict(), **{n: ss[f"s2s_train_{n}"] for n in TRAIN_SETTINGS}})
    except ValueError as e:
        st.error(t("Settings not applied: {error}", error=error_text(e)))
        return
    if cfg != lab.train_cfg:
        lab.trainer.set_config(cfg)
        lab.train_cfg = cfg


def sent_record(lab: Seq2SeqLab) -> dict:
    """What the live charts' browser elements were sent for this lab's history (reset when the lab changes)."""
    rec = ss.get("s2s_sent")
    if rec is None or rec["history"]() is not lab.history:
        rec = ss.s2s_sent = {"history": weakref.ref(lab.history), "run": ss.get("s2s_sent_runs", 0) + 1}
        ss.s2s_sent_runs = rec["run"]
    return rec


def live_chart(rec: dict, key: str, update: tuple[dict, live.Sent], streaming: bool) -> None:
    """Send a live chart its update (payload, record after it); a chart that lacks earlier points asks for them, and
    the next update starts there. `streaming`: a run trains (more points are on their way)."""
    view, sent = update

    def resend_from(n: int) -> None:
        if rec.get(key) is not None:
            rec[key] = rec[key].have(n)

    bridge.view(view, key=key, on_have=resend_from, streaming=streaming)
    rec[key] = sent  # only once it went out (a rerun can stop this run at any element)


def show_status(lab: Seq2SeqLab, run: Run | None, turn: Turn | None) -> None:
    """The progress bar, step counter and latest scores of this run, and whether it shares the server or waits."""
    hist, latest = lab.history, lab.history.latest_eval
    parts = [t("Step **{step}** · this run {done} / {steps}", step=lab.steps_trained,
               done=run.done(lab) if run else 0, steps=lab.train_cfg.steps)]
    if hist.latest:
        parts.append(t("loss {loss:.4g}", loss=hist.latest.loss))
    if latest is not None:
        parts.append(t("validation BLEU {bleu:.1f}, exact match {exact:.2f}", bleu=latest.val_metrics["BLEU"],
                       exact=latest.val_metrics["exact match"]))
    if turn and (shared := sharing(turn)):
        parts.append(shared)
    text = " · ".join(parts)
    st.progress(run.progress(lab) if run else 0.0, text=text)


def live_body() -> None:
    """Train one slice if running, then the status and every live chart; stop when the run is done."""
    lab = get_s2s_lab()
    run = current_run(lab)
    running = bool(ss.get("s2s_running")) and run is not None
    turn, end = None, time.perf_counter() + bridge.BEHIND_MAX
    while running and run.remaining(lab) and not lab.history.diverged:
        with TRAINING.turn(training_token(), TURN_WAIT) as held:
            if held.granted:
                train_chunk(lab, run.remaining(lab), SLICE_SECONDS)
        turn = held
        if not (bridge.behind() and ss.get("s2s_running") and time.perf_counter() < end):
            break  # behind: train on, draw once the browser caught up (reading the session state lets a click stop it)
    hist, sz = lab.history, sizes()
    show_status(lab, run, turn)
    rec = sent_record(lab)
    tag = str(rec["run"])
    left, right = st.columns(2)
    with left:
        live_chart(rec, "s2s_loss_chart", live.loss_view(hist, lab.task.baseline, error_text(lab.task.baseline_label),
                                                         sz, tag, rec.get("s2s_loss_chart"), lang()), running)
        st.caption(t("Cross-entropy per target token on each training batch; below the dashed baseline the model "
                     "does better than the best guess from the output position alone."))
    with right:
        live_chart(rec, "s2s_scores_chart", live.scores_view(hist, sz, tag, rec.get("s2s_scores_chart"), lang()),
                   running)
        st.caption(t("Greedy decoding of the held-out validation set every few steps: corpus BLEU-4 (0–100) and "
                     "the share of outputs exactly right; the dotted line is BLEU on a fixed subset of the training "
                     "data."))
    probe_key = (hist.latest_probe.step if hist.latest_probe else None, sz, lab.history, lang())
    if ss.get("s2s_probe_views", (None,))[0] != probe_key:
        ss.s2s_probe_views = (probe_key, live.probe_views(hist, sz, lang()))
    curve, heat = ss.s2s_probe_views[1]
    left, right = st.columns(2)
    with left:
        bridge.view(curve, key="s2s_curve_chart")
        st.caption(t("How much the loss depends on the encoder state at each source position, on a fixed batch "
                     "of validation sources. Without attention the gradient reaches the first positions only "
                     "through every later encoder step; with attention each has a direct path."))
    with right:
        bridge.view(heat, key="s2s_heat_chart")
        st.caption(t("Every probe of ‖∂L/∂h_s‖ (forward encoder; colour: log₁₀): read up the rows to see how "
                     "training changed where the gradient reaches."))
    left, right = st.columns(2)
    with left:
        live_chart(rec, "s2s_norm_chart", live.norm_view(hist, lab.train_cfg.clip, lab.train_cfg.clip_threshold, sz,
                                                         tag, rec.get("s2s_norm_chart"), lang()), running)
        st.caption(t("The size of the whole gradient at each step; × marks a step where clipping shrank it "
                     "({n} so far).", n=hist.clip_events))
    if running and (run.remaining(lab) == 0 or hist.diverged):
        stop_training()
        st.rerun()  # the whole page: buttons and messages change, the decoding shows the new weights


def train(lab: Seq2SeqLab) -> None:
    running = bool(ss.get("s2s_running")) and current_run(lab) is not None
    b = st.columns([1.3, 1.3, 1, 1, 1, 2.4])
    stuck = bool(lab.history.diverged)
    b[0].button(t("Start"), icon=":material/play_arrow:", key="s2s_start", on_click=on_start, disabled=running or stuck,
                type="primary", width="stretch")
    b[1].button(t("Pause"), icon=":material/pause:", key="s2s_pause", on_click=on_pause, disabled=not running,
                width="stretch")
    b[2].button(t("Step 1"), key="s2s_step1", on_click=on_step, args=(1,), disabled=stuck, width="stretch")
    b[3].button(t("Step 10"), key="s2s_step10", on_click=on_step, args=(10,), disabled=stuck, width="stretch")
    b[4].button(t("Reset"), key="s2s_reset", on_click=on_reset, width="stretch",
                help=t("A new untrained model with the same settings; the history is cleared."))
    with st.expander(t("Training settings"), expanded=False) if presenter() else st.container():
        train_settings(lab)
    if lab.history.diverged:
        st.error(t("Training paused: the gradients exploded at {where} The charts show the last finite values. "
                   "Restore the last good weights, then lower the learning rate or turn on clipping.",
                   where=lab.history.diverged))
        st.button(t("Restore last good weights"), key="s2s_restore", on_click=on_restore)
    bridge.scripts()
    st.fragment(live_body, run_every=RERUN_GAP if running else None)()


# --- the page ---------------------------------------------------------------------------------------------------

lab = get_s2s_lab()
sync_widgets(lab)
st.title(t("Sequence to sequence with attention"))
st.caption(t("An encoder reads the source into one state per position; a decoder writes the output one token at a "
             "time, and at every step attention decides which source positions it reads."))
lab = setup_section(lab)
if ss.get("s2s_view") not in VIEWS:
    ss.s2s_view = VIEWS[0]
view = st.segmented_control(t("Show"), VIEWS, key="s2s_view", format_func=shown(dict(zip(VIEWS, VIEWS))),
                              label_visibility="collapsed")
if view == "Train":
    train(lab)
else:
    if ss.get("s2s_running"):
        stop_training()
    translate(lab)
