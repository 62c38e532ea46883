"""UI helpers shared by the pages: the per-session Lab, shareable links and presenter mode."""
from __future__ import annotations

import functools
import gc
import os
import time
import uuid
from collections.abc import MutableMapping
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from explorer.lab import Lab, default_lab, import_file, make_lab
from explorer.lecture import presets
from explorer.lecture.export import config_json, history_csv, weights_safetensors
from explorer.lecture.share import from_query, to_query, view_from_query, view_to_query
from explorer.training.fairshare import FairShare, Turn
from explorer.training.live import release_gradients
from explorer.views.style import NORMAL, PRESENTER, Sizes
from pages import export_panel as files
from pages import seq2seq_state
from pages.lang import QUERY_KEY, error_text, lang, language_switch, t

PRESENTER_CSS = """
<style>
[data-testid="stMain"] { font-size: 1.3rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] { font-size: 1.3rem; }
[data-testid="stMain"] h1 { font-size: 3.2rem; }
[data-testid="stMain"] h2 { font-size: 2.4rem; }
[data-testid="stMain"] h3 { font-size: 1.9rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { font-size: 1.1rem; color: #222; opacity: 1; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
</style>
"""


@functools.cache  # once per server process
def freeze_startup_objects() -> None:
    """Move every object alive after the imports (~340k: torch, plotly, streamlit) out of the garbage collector's
    reach. They live as long as the process; a full collection no longer walks them (~130 ms -> ~0 ms), so
    Python's own collector stays cheap with Streamlit's post-run collection switched off (.streamlit/config.toml)."""
    gc.freeze()


# Training turns, shared by every session of this server process: the one object here that is not per user.
# It holds no user data, only opaque run tokens and timings (explorer/training/fairshare.py).
TRAINING = FairShare(max_running=int(os.environ.get("RNNX_MAX_TRAINING", "10")))


LINK_VIEW = {"sample": "step_sample", "step": "step_t"}  # a link's view (explorer.lecture.share.VIEW) -> state key


def _ensure_routed() -> None:
    """Streamlit starts every server in its old "pages/ folder" mode until app.py's st.navigation has run
    once, so a link straight to a page as the server's first request runs that page alone, with the
    folder's raw file list as navigation. Switch that mode off and rerun: app.py then routes the page."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def get_lab() -> Lab:
    """This session's lab, created on first use: from the link's settings if it carried any, else the defaults."""
    _ensure_routed()
    if "lab" not in st.session_state:
        st.session_state.lab = lab_from_link() or default_lab()
    return st.session_state.lab


def set_lab(lab: Lab) -> None:
    st.session_state.lab = lab


def lab_from_link() -> Lab | None:
    """The lab a shared link describes (None if the URL carries no settings); ignored parts become notices.
    The settings are then taken off the address bar, which would otherwise go on showing stale ones."""
    params = {k: st.query_params.get_all(k) for k in st.query_params if k != QUERY_KEY}  # lang: pages/lang.py
    if not params:
        return None
    st.query_params.clear()
    if seq2seq_state.is_link(params):  # a Seq2seq page's link: it sets the encoder–decoder, not this lab
        st.session_state.link_notices = seq2seq_state.open_link(params)
        return None
    model, task, train, notices = from_query(params)
    view, view_notices = view_from_query(params)
    notices += view_notices
    for name, value in view.items():  # what Step through shows first: its sample and step
        st.session_state[LINK_VIEW[name]] = value
    try:
        lab = make_lab(model, task, train)
    except ValueError as e:  # each field valid, the combination not (e.g. too large a model)
        notices.append(t("The link's settings could not be used: {error}", error=error_text(e)))
        lab = None
    st.session_state.link_notices = notices
    return lab


def show_link_notices() -> None:
    """Once, after a link was opened: what in it was ignored."""
    for notice in st.session_state.pop("link_notices", []):
        st.warning(error_text(notice), icon="🔗")


def share_link(lab: Lab) -> str:
    """The URL that reopens this page with this lab's configuration (on Step through: at this sample and step)."""
    base = st.context.url or ""
    query = to_query(lab.model_cfg, lab.task_cfg, lab.train_cfg)
    if st.session_state.get("page_shown") == "step_through":
        query |= view_to_query(st.session_state.get("step_sample", 0), st.session_state.get("step_t", 1))
    query[QUERY_KEY] = lang()
    return f"{base}?{urlencode(query)}"


def plotly_chart(fig, key: str, where=st, **kwargs) -> None:
    """`st.plotly_chart` (or `where.plotly_chart`, e.g. a column or an `st.empty` slot) without Streamlit's
    chart theme: the figures carry their own look (explorer.views.style.layout), and the theme made every redraw
    slower (A/B on the Train page: ~1.3x the redraws/s without it)."""
    where.plotly_chart(fig, key=key, theme=None, **kwargs)


def presenter() -> bool:
    """Presenter mode: configuration controls tucked away, everything larger, high-contrast charts."""
    return st.session_state.get("presenter", False)


def sizes() -> Sizes:
    """Chart sizes and palette for the current mode."""
    _ensure_routed()
    return PRESENTER if presenter() else NORMAL


def apply_presenter_css() -> None:
    if presenter():
        st.html(PRESENTER_CSS)


def load_preset(key: str) -> None:
    """Button callback: replace this session's lab by a preset's; `follow_preset` then goes to the page
    its text talks about (a callback cannot switch pages itself)."""
    lab = presets.load(key)
    if isinstance(presets.PRESETS[key], presets.Seq2SeqPreset):  # the Seq2seq page's own lab
        seq2seq_state.set_s2s_lab(lab)
    else:
        set_lab(lab)
    for widget, value in presets.PRESETS[key].widgets:  # the page opens as the preset's text describes
        st.session_state[widget] = value
    st.session_state.preset_loaded = key
    st.session_state.sidebar_preset = None


def follow_preset(nav) -> None:
    """After a preset was loaded, go to its page (nav: the app's st.navigation result); there, its note
    (`show_loaded_preset`) takes over."""
    key = st.session_state.get("preset_loaded")
    page = f"pages/{presets.PRESETS[key].page}.py" if key else None
    if page and nav.url_path != presets.PRESETS[key].page:
        st.switch_page(page)
    elif key:
        st.session_state.preset_note = st.session_state.pop("preset_loaded")


LIVE_FLAGS = ("train_running", "compare_running", "s2s_running")  # what a page keeps running while shown


def sharing(turn: Turn) -> str:
    """What a page's training status says of the server's line at `turn`: the place while it waits, else how many
    others train too ("" when this run trains alone)."""
    if turn.place:
        return t("**The server is busy: you are number {place} in line.** Training starts by itself when a place is "
                 "free.", place=turn.place)
    return t("sharing the server with {n} other training run(s)", n=turn.running - 1) if turn.running > 1 else ""


def training_token() -> str:
    """This session's name in the server's training line (TRAINING)."""
    return st.session_state.setdefault("train_token", uuid.uuid4().hex)


def stop_training() -> None:
    """Pause the Train page's run and give its place in the server's training line to the next one."""
    st.session_state.train_running = False
    TRAINING.leave(training_token())


def pause_on_page_change(nav) -> None:
    """Leaving a page pauses what it was running (training, comparison): coming back shows it paused
    where it was, instead of resuming unasked (nav: the app's st.navigation result)."""
    if st.session_state.get("page_shown") != nav.url_path:
        st.session_state.page_shown = nav.url_path
        for flag in LIVE_FLAGS:
            if st.session_state.get(flag):
                st.session_state[flag] = False
        TRAINING.leave(training_token())


IDLE_AFTER = 15 * 60  # s without a click or a page change before an open tab frees what it can recompute
IDLE_CHECK = 120      # s between two checks: a fragment timer in the tab, so no server thread is needed
RECOMPUTABLE = ("step_cache", "build_candidate",  # Step through's trace, Build's preview: rebuilt on the next visit
                "s2s_trace", "s2s_candidate")      # Seq2seq's decoding and setup preview: the same


def mark_active() -> None:
    """This run was the user's doing (every full run is: a click, a page change, a reload)."""
    st.session_state.active_at = time.monotonic()


def release_if_idle(state: MutableMapping, now: float) -> bool:
    """If the session has been idle for IDLE_AFTER and runs nothing live, free what it can get back cheaply: the
    caches in RECOMPUTABLE and the gradient buffers of its models (every training step clears them first).
    Kept: the models' weights and optimiser state, the training histories, the settings and uploads, and
    Compare's trained cells: work the user could only get back by training again. True if it freed anything."""
    if now - state.get("active_at", now) < IDLE_AFTER or any(state.get(flag) for flag in LIVE_FLAGS):
        return False
    for key in RECOMPUTABLE:
        state.pop(key, None)
    labs = [state["lab"]] if "lab" in state else []
    labs += list((state.get("compare_labs") or {}).values())
    labs += [state[seq2seq_state.LAB]] if seq2seq_state.LAB in state else []
    for lab in labs:
        release_gradients(lab)
    return True


@st.fragment(run_every=IDLE_CHECK)
def idle_watch() -> None:
    """Draws nothing; frees an idle session's caches (release_if_idle). The timer runs in the browser, so a closed
    tab costs nothing: Streamlit drops its whole session server.disconnectedSessionTTL (120 s) after it closes."""
    release_if_idle(st.session_state, time.monotonic())


def show_loaded_preset(nav) -> None:
    """After a preset was loaded: its title and what to look at, on its page until the user goes to another one
    (a page's own reruns, e.g. when the browser reports that it has plotly.js, keep it)."""
    key = st.session_state.get("preset_note")
    if key and nav.url_path != presets.PRESETS[key].page:
        del st.session_state.preset_note
    elif key:
        preset = presets.PRESETS[key]
        st.success(t("**{title}** loaded. {look_at}", title=t(preset.title), look_at=t(preset.look_at)), icon="🎓")


def sidebar() -> None:
    """What every page has in the sidebar: presenter mode, the lecture presets and the share link."""
    with st.sidebar:
        language_switch()
        st.toggle(t("Presenter mode"), key="presenter",
                  help=t("For a projector: larger text and charts, thicker lines, and the settings tucked "
                         "into collapsed panels."))
        st.selectbox(t("Lecture preset"), list(presets.PRESETS), index=None, key="sidebar_preset",
                     format_func=lambda k: t(presets.PRESETS[k].title), placeholder=t("Choose a scenario…"),
                     help=t("A ready-made, fully seeded scenario; it replaces the current model."))
        choice = st.session_state.get("sidebar_preset")
        if choice:
            st.caption(t(presets.PRESETS[choice].look_at))
            st.button(t("Load this preset"), key="sidebar_preset_load", type="primary", on_click=load_preset,
                      args=(choice,))
        if st.session_state.get("page_shown") == seq2seq_state.PAGE:  # the encoder–decoder's own panels
            seq2seq_state.sidebar_panels()
            return
        export_panel(get_lab())
        with st.expander(t("Share this setup")):
            st.code(share_link(get_lab()), language=None, wrap_lines=True)
            st.caption(t("Anyone who opens this link gets the same model, task and training settings, "
                         "seeded, so the same pictures, in the same language. (An uploaded file cannot travel "
                         "in a link.)"))


def export_panel(lab: Lab) -> None:
    """Download the config, weights and history; load a config or weights (validated; a bad file changes nothing)."""
    def apply(name: str, data: bytes):
        new_lab, message = import_file(lab, name, data)
        set_lab(new_lab)
        return message

    files.export_panel([
        files.Download("config", t("Config (JSON)"), lambda: config_json(lab.model_cfg, lab.task_cfg, lab.train_cfg),
                       "rnn-explorer-config.json", "application/json"),
        files.Download("weights", t("Weights (safetensors)"), lambda: weights_safetensors(lab.model),
                       f"rnn-explorer-{lab.model_cfg.cell}-weights.safetensors", "application/octet-stream"),
        files.Download("history", t("Training history (CSV)"), lambda: history_csv(lab.history),
                       "rnn-explorer-history.csv", "text/csv", disabled=len(lab.history) == 0),
    ], t("A config JSON replaces the model, task and training settings (the trained weights are discarded); a "
         "weights file must fit the current model."), "", apply)
