"""The bridge between the pages and the browser-side views: views that answer at the browser's frame rate.

Python computes every number once and sends it (payloads: explorer/views/payload.py); the browser slices and
draws (pages/bridge_js/bridge.js). It is one Streamlit Custom Component v2, mounted in the page itself (no
iframe), once per view; Streamlit sends a component's code with each element, so a view element carries only a
stub (view.js) and `scripts()` sends bridge.js and its style sheet once per browser session (67 kB that every
view used to carry: ~0.4 MB per view of the Train page, and ~0.2 MB/s while it trains, when its charts are
mounted anew every 3 s). The views of a *group* follow one clock, a position i in 0..n−1 that the group's
`player` owns: moving it redraws every view of the group in the same animation frame, with no server round
trip. The player reports its position back (after it settles, and on Pause), so that it survives a rerun, a
return to the page and a shared link.

plotly.js comes from the plotly Python package the app already depends on (plotly.min.js, the build its
figures are written for; Streamlit serves no file of ours, so `scripts()` sends it gzip-compressed over the
page's websocket, once per browser session, and again only when the page says it does not run it). Nothing is
fetched from the network.

This module lives beside the pages, not in explorer/, because it imports streamlit (as pages/common.py does).

API (keys must be unique on the page; a view keeps its zoom and its DOM across reruns under the same key):
- `scripts()`: once per run of a page that shows views (bridge.js, and plotly.js for its charts).
- `view(payload, key, on_have, streaming)`: a chart, bars, top-k or text view; a live chart (payload "stream") calls
  `on_have(n)` when it lacks points before the ones it was sent: send from n on (a chart with "streams": a list,
  one n per stream). While its points stream in, a live chart sketches those that arrive between two plotly.js
  redraws and gives its axes headroom for them; `streaming=False` (the run stopped) fits them to the data at once.
- `player(group, n, start, key, labels, at, on_change, play, speed, fields)`: the clock of `group`.
- `feed(payloads)`: new payloads for views already mounted in the page, {key: payload}, applied in place, in the
  same run that mounted them (a view's key may be drawn once per run; this is how a long run updates its charts
  many times without a rerun). An invisible element, placed in an `st.empty()` slot that each call replaces.
- `behind()`: whether the browser is behind with what this session sent it; a long run then sends nothing more
  until it has caught up.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import itertools
import json
from pathlib import Path
from typing import Callable

import plotly
import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explorer.i18n import N_
from pages.lang import t

ASSETS = Path(__file__).parent / "bridge_js"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SPEEDS = (1, 2, 5, 10, 20, 30)  # Play speeds offered, positions (steps) per second
UI = {"png": N_("Download plot as a PNG"), "value": N_("value")}  # the words the views show besides their payload's


def _ui() -> dict[str, str]:
    """UI in the session's language."""
    return {k: t(v) for k, v in UI.items()}

_FED = itertools.count()  # numbers the `feed` elements
# Streamlit sends a component's code and style with each of its elements. So the views and the feeds (many a
# second while a page trains) carry a few lines that hand their data to bridge.js, which `scripts()` sends once.
_view = st.components.v2.component(
    "rnn_explorer_view", js=(ASSETS / "view.js").read_text(),
    isolate_styles=False,  # bridge.css and plotly.js's hover labels and mode bar are page-level CSS
)
_feeder = st.components.v2.component("rnn_explorer_feed", js=(ASSETS / "feed.js").read_text())
_bridge_loader = st.components.v2.component("rnn_explorer_bridge", js=(ASSETS / "bridge_loader.js").read_text())
_plotly_loader = st.components.v2.component("rnn_explorer_plotly", js=(ASSETS / "plotly_loader.js").read_text())
BRIDGE = {"js": (ASSETS / "bridge.js").read_text(), "css": (ASSETS / "bridge.css").read_text()}
BRIDGE_VERSION = hashlib.sha256(json.dumps(BRIDGE).encode()).hexdigest()[:16]


@functools.cache
def _plotly_gz() -> bytes:
    """plotly.min.js, gzip-compressed (4.8 MB → 1.5 MB); read-only, computed once per process."""
    return gzip.compress(PLOTLY_JS.read_bytes(), compresslevel=6)


MAX_COPIES = 3  # copies of bridge.js or plotly.js sent to one page at most (one unless a copy is lost or fails)


def _lacks(name: str) -> None:
    """The page says it does not run the latest copy of `name` it was sent (lost, or failed to run): send another."""
    st.session_state.bridge_sent[name] = False


def _load(name: str, loader, data: Callable[[bool], object]) -> None:
    """Mount the loader of `name` (in the sidebar, unseen), with `data(send)`: the code when `send`. The code goes
    once, and again when the page says it lacks it; each copy comes in a new element, so that the page runs the
    loader for it even when the element that brought the previous copy never arrived."""
    ss = st.session_state
    sent, copies = ss.setdefault("bridge_sent", {}), ss.setdefault("bridge_copies", {})
    send = not sent.get(name) and copies.get(name, 0) < MAX_COPIES
    copies[name] = copies.get(name, 0) + send
    with st.sidebar:
        loader(key=f"bridge_{name}_{copies[name]}", data=data(send), height=0,
               on_lacks_change=functools.partial(_lacks, name))
    sent[name] = True  # after the call: a run stopped inside it (a click) sent nothing


def scripts() -> None:
    """Give this browser session bridge.js and plotly.js, each once (again only when the page says it lacks it)."""
    _load("code", _bridge_loader, lambda send: {"version": BRIDGE_VERSION} | (BRIDGE if send else {}))
    _load("plotly", _plotly_loader, lambda send: _plotly_gz() if send else None)


def view(payload: dict, key: str, on_have: Callable[[int], None] | None = None, streaming: bool | None = None) -> None:
    """Mount one view (explorer/views/payload.py's schema); it redraws in place when its payload changes.

    A live chart (payload "stream", explorer.views.payload.stream) appends the new points it is sent; when it
    lacks earlier ones it reports how many it has, and `on_have(n)` is called: the next payload should start
    at point n. With "streams" (several), `on_have` gets one n per stream, in their order. `streaming`: whether
    more points are on their way (a run trains; None: unknown): False fits the axes to the data at once."""
    if streaming is not None:
        payload = {**payload, "streaming": streaming}
    if on_have is None:
        _view(key=key, data={**payload, "ui": _ui(), "key": key})
        return

    def reported() -> None:
        n = (st.session_state.get(key) or {}).get("have")
        if _count(n):  # the browser's word: check it
            on_have(n)
        elif isinstance(n, list) and n and all(_count(k) for k in n):
            on_have(n)

    _view(key=key, data={**payload, "ui": _ui(), "key": key}, on_have_change=reported)


def feed(payloads: dict[str, dict]) -> None:
    """Apply these payloads ({key: payload}) to the views mounted under those keys, in place (a view of another
    kind, or none, ignores its payload). Call it inside an `st.empty()` slot: each call replaces the previous one."""
    # "n": a new element each call (its id follows the data), never a duplicate of the previous one; "kind": how tests
    # tell a feed from the other elements without a key (tests/live_chart.py)
    _feeder(data={"kind": "feed", "views": payloads, "ui": _ui(), "n": next(_FED)}, height=0)


MAX_BACKLOG = 20  # messages queued for the browser beyond which it is behind (a training run sends ~3 per feed)
BEHIND_MAX = 10.0  # s a live run trains on past its usual end while the browser is behind (then a frozen tab stops it)


def backlog() -> int | None:
    """How many of this session's messages wait on the server for the browser to read them (None if unknown).

    A browser that draws slower than a training run feeds it (a slow laptop, a busy projector machine) reads its
    websocket late; the messages then queue up on the server, and when a session's queue reaches 500, Streamlit
    drops the session (Streamlit 1.67, StarletteSessionClient) while the page stays open and its clicks are ignored.
    Streamlit offers no public measure of this queue: this reads it through its internals, and says None where they
    differ (or outside a server, as in AppTest); tests/browser/test_bridge_browser.py fails then."""
    try:
        info = runtime.get_instance()._session_mgr.get_active_session_info(get_script_run_ctx().session_id)
        return None if info.client._closed.is_set() else info.client._send_queue.qsize()
    except (RuntimeError, AttributeError):  # no runtime, no such session (any more), other internals
        return None


def behind() -> bool:
    """Whether the browser is behind with what this session sent it (its queue holds more than MAX_BACKLOG)."""
    return (backlog() or 0) > MAX_BACKLOG


def _count(n) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 0


def player(group: str, n: int, start: int, *, key: str, labels: dict[str, str], at: dict[str, list[int]],
           on_change: Callable[[int], None], play: bool = True, speed: int = 5,
           fields: dict[str, list[str]] | None = None) -> None:
    """The clock of `group`: a slider over positions 0..n−1 (keyboard ← →), ◀ ▶ and, if `play`, Play at a
    chosen speed. `start` is the position shown when the page first mounts the group; afterwards the browser
    keeps its own. `on_change(i)` gets each position the browser reports (it has settled or playback paused).

    `labels`: "label" (above the slider), "value" (a template beside it, fields from `at`), "prev", "next",
    "play", "pause", "speed" (the unit of the speed menu); tooltips "help" (the slider's), "prev_help",
    "next_help", "speed_help". `fields`: per-position strings for the "value" template (e.g. the token at s).
    """
    def reported() -> None:
        i = (st.session_state.get(key) or {}).get("i")
        if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n:  # the browser's word: check it
            on_change(i)

    _view(key=key, on_i_change=reported, data={
        "kind": "player", "group": group, "n": n, "start": min(max(start, 0), n - 1), "labels": labels, "at": at,
        "play": play, "speeds": list(SPEEDS), "speed": speed, "fields": fields or {}, "ui": _ui(),
    })
