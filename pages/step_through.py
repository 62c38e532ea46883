"""Step through: one sample, one time step at a time — states, gates, the equations with numbers,
the backward pass and the hidden-state trajectory."""
from __future__ import annotations

import html
import time

import numpy as np
import streamlit as st

from explorer.lecture.export import trace_npz
from explorer.views import plots_step as ps
from explorer.views import stepview as sv
from explorer.views.equations import filled_equations
from pages.common import get_lab, plotly_chart, sizes

PLAY_INTERVAL = 0.8  # seconds between frames while playing
ECHO_SECONDS = 2.0   # after Pause, how long a lagging browser may still send back frames it drew late
LM_TASKS = ("charlm", "text")
TOP_K = 5

lab = get_lab()
task, model, cfg = lab.task, lab.model, lab.model_cfg
sz = sizes()


def _clamp_state(key: str, lo: int, hi: int, default: int) -> None:
    """Keep a widget's remembered value inside its range (the model or sample may have changed)."""
    st.session_state[key] = min(max(st.session_state.get(key, default), lo), hi)


def _kind(name: str) -> str:
    """How a quantity is coloured: sigmoid gates, tanh-bounded values, or unbounded (c, relu h)."""
    if name == "h":
        return "free" if cfg.cell == "rnn" and cfg.nonlinearity == "relu" else "tanh"
    return "free" if name == "c" else "tanh" if name in ("g", "n") else "gate"


st.title("Step through")
st.caption("Run one sample through the network and look at every number it computes, one time step at a time.")

# --- which sample -------------------------------------------------------------------------------
c_src, c_layer, c_unit = st.columns([3, 1, 1])
with c_src:
    typed = None
    if task.name in LM_TASKS:
        own = st.toggle("Type my own text", key="step_own_text")
        if own:
            typed = st.text_input("Input text", value="", key="step_text", max_chars=sv.MAX_TEXT_CHARS,
                                  help="Only characters of the training text can be used.")
    _clamp_state("step_sample", 0, sv.SAMPLE_BATCH - 1, 0)
    index = st.number_input(f"Sample (0–{sv.SAMPLE_BATCH - 1} of a fixed batch)", 0, sv.SAMPLE_BATCH - 1,
                            key="step_sample", disabled=typed is not None)
with c_layer:
    _clamp_state("step_layer", 0, cfg.num_layers - 1, 0)
    layer = st.selectbox("Layer", range(cfg.num_layers), key="step_layer", disabled=cfg.num_layers == 1)
with c_unit:
    _clamp_state("step_unit", 0, cfg.hidden_size - 1, 0)
    unit = st.number_input(f"Unit (0–{cfg.hidden_size - 1})", 0, cfg.hidden_size - 1, key="step_unit",
                           help="The unit whose equations are written out and whose activation colours the text.")

batch, sample_key = None, ("sample", index)
if typed:
    try:
        batch, sample_key = sv.text_batch(task, typed), ("text", typed)
    except ValueError as e:
        st.error(f"{e} Showing sample {index} instead.")
if batch is None:
    batch = sv.sample_batch(task, index)

# --- unroll once per (model, training step, sample); slider moves only re-slice ----------------------
cached = st.session_state.get("step_cache")
if cached and cached[0] is model and cached[1:3] == (lab.steps_trained, sample_key):
    data = cached[3]
else:
    data = sv.compute(model, task, batch)
    st.session_state.step_cache = (model, lab.steps_trained, sample_key, data)

T = data.seq_len
trace = data.trace
syms = sv.symbols(task, trace.inputs[0], trace.token_ids[0] if trace.token_ids is not None else None)
text = "".join(syms) if syms is not None else None
trained = f"trained for {lab.steps_trained} steps" if lab.steps_trained else "untrained (train it on the Train page)"
info, download = st.columns([5, 1])
info.markdown(f"**{cfg.cell.upper()}**, {cfg.num_layers} layer(s) × {cfg.hidden_size} units, {trained} · "
              f"task **{task.name}**, T = {T} · loss on this sample **{data.loss:.4g}**")
download.download_button("Trace (NPZ)", lambda: trace_npz(trace), file_name="rnn-explorer-trace.npz",
                         mime="application/octet-stream", key="step_download_trace", width="stretch",
                         on_click="ignore",
                         help="Every input, state, gate and output of this sample, as numpy arrays.")

# --- play / step state ------------------------------------------------------------------------------
st.session_state.setdefault("step_playing", False)
st.session_state.setdefault("step_frame", None)      # the last step playback sent to the browser
st.session_state.setdefault("step_frame_at", -1e9)   # when (time.monotonic()) it was sent, or playback paused
_clamp_state("step_t", 1, T, 1)


def _frame() -> int:
    """The step to show: the slider's value, except that while playing, and for ECHO_SECONDS after Pause, a value
    just behind the last frame sent is the browser echoing frames it drew late (see sv.play_position)."""
    t = st.session_state.step_t
    echoes = st.session_state.step_playing or time.monotonic() - st.session_state.step_frame_at < ECHO_SECONDS
    return min(sv.play_position(t, st.session_state.step_frame), T) if echoes else t


def _show(t: int) -> None:
    st.session_state.step_t = st.session_state.step_frame = t


def _shift(delta: int) -> None:
    _show(min(max(_frame() + delta, 1), T))


def _set_playing(play: bool) -> None:
    """Play from the shown step (from 1 at the end); Pause where playback is (a click may overtake a frame).

    Takes the state the button offered, not a toggle: Streamlit may deliver one click twice (seen under load
    with a fragment timer running), and a toggle would then undo the Pause.
    """
    t = _frame()
    _show(1 if play and t >= T else t)
    st.session_state.step_playing = play
    st.session_state.step_frame_at = time.monotonic()


def _sync_playback() -> None:
    """While playing, move one step per PLAY_INTERVAL (a full rerun in between must not advance); drop echoes."""
    t = _frame()
    now = time.monotonic()
    if st.session_state.step_playing and now - st.session_state.step_frame_at >= 0.8 * PLAY_INTERVAL:
        st.session_state.step_frame_at = now
        if t >= T:
            st.session_state.step_playing = False
        else:
            t += 1
    if t != st.session_state.step_t or st.session_state.step_playing:
        _show(t)


def _equations_latex(lines: list[str]) -> str:
    """The lines in one aligned block, each split over rows (symbols, then the numbers) to fit a column."""
    rows = []
    for line in lines:
        lhs, symbolic, first, *rest = line.split(" = ")
        rows.append(rf"{lhs} &= {symbolic} \\ &= {first}" + (r" \\ &= " + " = ".join(rest) if rest else ""))
    return r"\small\begin{aligned}" + r" \\[6pt] ".join(rows) + r"\end{aligned}"


def _state_rows(t: int) -> list[tuple[str, str, np.ndarray]]:
    many = cfg.num_layers > 1
    rows = [(f"h (layer {l})" if many else "h", _kind("h"), trace.hidden[l, 0, t]) for l in range(cfg.num_layers)]
    suffix = f" (layer {layer})" if many else ""
    if trace.cell is not None:
        rows.append((f"c{suffix}", "free", trace.cell[layer, 0, t]))
    for k, v in trace.gates.items():
        rows.append((f"{k}{suffix}", _kind(k), v[layer, 0, t]))
    return rows


def _input_text(t: int) -> str:
    x = trace.inputs[0, t]
    if syms is not None:
        return f"x_t = one-hot of **{html.escape(sv.show_char(syms[t]))}**"
    if task.name == "adding":
        return f"x_t = (value **{x[0]:.4f}**, marker **{x[1]:.0f}**)"
    return "x_t = " + ", ".join(f"**{v:.4f}**" for v in x)


def _output_view(t: int) -> None:
    panel = sv.panel_at(data, t)
    if task.kind == "regression":
        pred, tgt = panel.output[0], panel.target
        st.markdown(f"prediction **{pred:.4f}** · target " + (f"**{tgt[0]:.4f}**" if tgt is not None else "— (no loss at this step)"))
        plotly_chart(ps.prediction_over_time(trace.outputs[0, :, 0], data.target[:, 0], data.mask, t, sz),
                     key="step_pred_chart", width="stretch")
        st.caption("The model's output at every step (line) against what it should output (dashed); the dot is step t.")
        return
    names = sv.class_names(task)
    idx, probs = sv.top_k(panel.output, min(TOP_K, task.output_size))
    target = names[panel.target] if panel.target is not None else None
    fig = ps.class_probs([sv.show_char(names[i]) for i in idx], probs,
                         sv.show_char(target) if target is not None else None, sz,
                         f"Prediction at t = {t + 1}: top {len(idx)}")
    plotly_chart(fig, key="step_probs_chart", width="stretch")
    if target is None:
        st.caption("The model's most likely outputs at this step; no target here (the loss does not count this step).")
    else:
        p_target = sv.softmax(panel.output)[panel.target]
        st.caption(f"The model's most likely outputs at this step; the target is {sv.show_char(target)!r} "
                   f"(p = {p_target:.3f}), coloured if it is among them.")


def _trajectory(t: int) -> None:
    h = trace.hidden[layer, 0]  # (T, H)
    if not (np.isfinite(h).all() and T >= 2):
        st.warning("The hidden states are not finite (training diverged?): no trajectory to show.")
        return
    proj = sv.pca_2d(h)
    plotly_chart(ps.trajectory(proj.coords, proj.explained, t, sz), key="step_pca_chart", width="stretch")
    st.caption(f"h_t of layer {layer} projected on its two main directions (PCA), coloured by t; the two "
               f"components explain {100 * proj.explained[0]:.1f}% and {100 * proj.explained[1]:.1f}% of the variance.")


def _heatmap(name: str, t: int) -> None:
    values = trace.hidden if name == "h" else trace.cell if name == "c" else trace.gates[name]
    plotly_chart(ps.time_heatmap(values[layer, 0].T, name, _kind(name), t, sz, f"{name} of layer {layer}: units × time"),
                 key=f"step_heat_{name}", width="stretch")
    st.caption(f"Every unit's {name} (rows) at every step (columns); the dotted line is step t.")


def time_view(playing: bool) -> None:
    """Everything that depends on the selected step t: reruns alone on a slider move or a Play tick."""
    _sync_playback()
    c_prev, c_slider, c_next = st.columns([0.6, 9.3, 0.6], vertical_alignment="bottom")
    c_prev.button("◀", key="step_prev", on_click=_shift, args=(-1,), width="stretch", help="One step back")
    c_next.button("▶", key="step_next", on_click=_shift, args=(1,), width="stretch", help="One step forward")
    t1 = c_slider.slider("Time step t", 1, T, key="step_t")
    t = t1 - 1

    left, right = st.columns(2)
    with left:
        fig = ps.state_bars(_state_rows(t), sz, f"State at t = {t1}")
        plotly_chart(fig, key="step_state_chart", width="stretch")
        st.caption("Each bar is one unit: hidden state h_t (red positive, blue negative)"
                   + (", cell state c_t" if trace.cell is not None else "")
                   + (" and the gates (dark 0 … yellow 1; g and n are tanh, −1 … 1)." if trace.gates else "."))
    with right:
        st.markdown(f"#### Step t = {t1} of {T}")
        st.markdown(_input_text(t))
        _output_view(t)
        st.markdown(f"#### Unit {unit} of layer {layer} at t = {t1}, by hand")
        st.latex(_equations_latex(filled_equations(trace, layer, unit, t, cfg.nonlinearity)))
        note = "At t = 1, h_{t−1} = 0 and c_{t−1} = 0. " if t == 0 else ""
        below = " For layer > 0, x_t is the h_t of the layer below." if layer > 0 else ""
        st.caption(f"This unit's equations with this step's numbers, to redo by hand: W_ih x_t + b_ih first, then "
                   f"W_hh h_(t−1) + b_hh. {note}σ is the logistic sigmoid.{below}")

    if syms is not None:
        values = trace.hidden[layer, 0, :, unit]
        st.markdown(f"**Input coloured by unit {unit} of layer {layer}** (red positive, blue negative; "
                    f"the outlined symbol is step t; hover for the value)")
        st.markdown(f'<div style="font-family:monospace;font-size:{sz.font + 5}px;line-height:1.9;'
                    f'white-space:pre-wrap;word-break:break-all">{sv.colored_text_html(text, values, t)}</div>',
                    unsafe_allow_html=True)

    st.subheader("Over all steps")
    options = ["h"] + (["c"] if trace.cell is not None else []) + list(trace.gates)
    default = ["h", "c"] if trace.cell is not None else ["h"]
    chosen = st.pills("Heatmaps", options, selection_mode="multi", default=default, key="step_heat")
    panels = ["pca", *chosen]
    for row in (panels[i : i + 2] for i in range(0, len(panels), 2)):
        for col, name in zip(st.columns(2), row):
            with col:
                if name == "pca":
                    _trajectory(t)
                else:
                    _heatmap(name, t)

    if st.session_state.step_playing != playing:
        st.rerun()  # playback reached T: rerun the page to stop the timer and relabel Play


playing = st.session_state.step_playing
# Outside the fragment: a click reruns the whole page, which gives the fragment its new timer.
c_play, c_hint = st.columns([1.3, 9.2], vertical_alignment="center")
c_play.button("⏸ Pause" if playing else "▶ Play", key="step_play_btn", on_click=_set_playing, args=(not playing,),
               width="stretch")
c_hint.caption(f"Play moves one step every {PLAY_INTERVAL} s; ◀ ▶ and the slider move by hand.")
st.fragment(time_view, run_every=PLAY_INTERVAL if playing else None)(playing)

# --- backward view -----------------------------------------------------------------------------------
st.subheader("Backward pass through time")
_clamp_state("step_back", 0, T - 1, T - 1)
back = st.slider("Steps travelled backwards from t = T", 0, T - 1, key="step_back",
                 help="Backpropagation starts at the last step; move right to follow the gradient towards t = 1.")
shown_from = T - 1 - back
g_col, j_col = st.columns(2)
with g_col:
    plotly_chart(ps.grad_reveal(data.grad_norms, shown_from, sz), key="step_grad_chart", width="stretch")
    st.caption(f"‖∂L/∂h_t‖ of this sample's loss for t from {T} down to {shown_from + 1} (log scale): "
               "does the gradient shrink or grow as it travels back?")
with j_col:
    bound = sv.rnn_bound(data.sigma_max[layer], T) if data.sigma_max is not None else None
    plotly_chart(ps.jacobian_chart(data.jac_norms[layer], bound, sz), key="step_jac_chart", width="stretch")
    if bound is not None:
        st.caption(f"For a vanilla RNN, ‖∂h_T/∂h_t‖ ≤ σ_max(W_hh)^(T−t) because |φ′| ≤ 1; here σ_max = "
                   f"{data.sigma_max[layer]:.3f}, so below 1 the dependence on early steps must vanish.")
    else:
        path, gate = ("cell-state", "forget gates f") if cfg.cell == "lstm" else ("update", "update gates z")
        st.caption(f"‖∂h_T/∂h_t‖ within layer {layer}. No simple bound for the {cfg.cell.upper()}: its additive {path} "
                   f"path keeps the dependence alive only while the {gate} stay near 1.")

# --- text generation -----------------------------------------------------------------------------------
if task.name in LM_TASKS:
    st.subheader("Generate text")
    with st.form("step_gen_form"):
        c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
        prompt = c1.text_input("Prompt", value=text[:12], key="step_gen_prompt")
        temperature = c2.slider("Temperature", 0.0, 2.0, 0.8, 0.05, key="step_gen_temp",
                                help="0 always picks the most likely character; higher is more random.")
        length = c3.slider("Length", 10, sv.MAX_GEN_CHARS, 200, 10, key="step_gen_len")
        seed = c4.number_input("Seed", 0, 2**31 - 1, 0, key="step_gen_seed")
        submitted = st.form_submit_button("Generate", key="step_gen_btn")
    if submitted:
        try:
            st.session_state.step_generated = (prompt, sv.generate(model, task, prompt, length, temperature, seed))
        except ValueError as e:
            st.error(str(e))
    if "step_generated" in st.session_state:
        p, g = st.session_state.step_generated
        st.markdown(f'<div style="font-family:monospace;font-size:{sz.font + 3}px;white-space:pre-wrap">'
                    f"<b>{html.escape(p)}</b>{html.escape(g)}</div>", unsafe_allow_html=True)
        st.caption("The prompt (bold) and what the model wrote after it, one character at a time, sampling from "
                   "softmax(logits / temperature); the same seed gives the same text.")
