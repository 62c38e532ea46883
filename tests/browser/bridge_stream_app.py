"""A one-page app for tests/browser/test_bridge_browser.py: a live chart fed through the bridge (pages/bridge.py)
the way a training page would, five points of a series per click, each payload carrying only what is new; or, like
a training run, BURST feeds of five points in one run, FEED_GAP apart, each with a new figure for a chart replaced at
every measurement (as Train's ‖∂L/∂h_t‖ curve is at every probe); or, paced (as Train feeds its loss chart,
pages/live.py), PACED feeds of 20 points, PACED_GAP apart, that the browser draws one after the other."""
import time

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer.views import payload as wire
from explorer.views.style import NORMAL, layout
from pages import bridge

st.session_state.setdefault("n", 0)      # points the series has
st.session_state.setdefault("sent", 0)   # points the browser was sent
if st.button("Add 5", key="add"):
    st.session_state.n += 5
burst = st.button("Twenty feeds in one run", key="burst")
log_y = st.toggle("Log y (the series as 10^y)", key="log_y")
tell = st.toggle("Tell the chart whether points stream in", key="tell")  # as the training pages do
paced = st.toggle("Pace the feeds", key="paced")
BURST, FEED_GAP = (6, 0.35) if paced else (20, 0.06)
GROWTH = 20 if paced else 5  # points per feed
st.session_state.setdefault("mount", 0)  # a new key: a new chart element that has no points yet
if st.button("Remount (the server does not know)", key="remount"):
    st.session_state.mount += 1
shown = st.toggle("Show the chart", value=True, key="shown")
st.caption(f"Messages waiting for the browser: {bridge.backlog()}")  # None: bridge.backlog lost Streamlit's queue


def resend_from(n: int) -> None:
    st.session_state.sent = n


def series(n: int) -> np.ndarray:
    return np.sin(np.arange(n) / 3.0)  # point k of the series


def curve(n: int) -> dict:
    """The replaced chart's figure after n points: a curve over t = 1..12 (log y) and a shaded region."""
    t = np.arange(1, 13)
    figure = go.Figure(go.Scatter(x=t, y=10.0 ** (np.sin(t / 2 + n / 5) - 2), mode="lines+markers", name="curve"),
                       layout=layout(NORMAL, title=dict(text=f"Curve at n = {n}"), yaxis_type="log"))
    figure.add_shape(type="rect", xref="x", yref="paper", x0=n % 7 + 0.5, x1=n % 7 + 3.5, y0=0, y1=1,
                     fillcolor="#0072B2", opacity=0.25, line=dict(width=0), layer="below", name="region", showlegend=True)
    return {"kind": "chart", "figure": wire.figure(figure), "png": "curve", "defer": True}


def live(start: int, n: int) -> dict:
    """The live chart's payload: points start..n−1 of the series."""
    figure = go.Figure(go.Scatter(x=[], y=[], mode="lines+markers", name="series"),
                       layout=layout(NORMAL, title=dict(text="A live series"), yaxis_type="log" if log_y else "linear"))
    y = series(n)[start:]
    return {"kind": "chart", "figure": wire.figure(figure), "png": "series",
            "stream": wire.stream("run-1", start, np.arange(start, n), [10.0 ** y if log_y else y], [0])}


bridge.scripts()
if shown:
    start, n = st.session_state.sent, st.session_state.n
    x = np.arange(start, n)
    key = f"live-{st.session_state.mount}"
    left, right = st.columns(2)  # side by side: a chart out of view draws nothing until it scrolls into view
    with left:
        bridge.view(live(start, n), key=key, on_have=resend_from, streaming=burst if tell else None)
    with right:
        bridge.view(curve(n), key="curve")
    # Three streams in one chart, drawn in one frame: two line streams (the second keeps its last 8 points) share
    # one Plotly.extendTraces; heatmap rows (a different kind of update) get their own.
    three = {"data": [dict(type="scatter", x=[], y=[], name="cos"), dict(type="scatter", x=[], y=[], name="last 8"),
                      dict(type="heatmap", x=[0, 1, 2], y=[], z=[], showscale=False)],
             "layout": layout(NORMAL, title=dict(text="Three streams"))}
    bridge.view({"kind": "chart", "figure": three, "png": "three", "streams": [
        wire.stream("cos", start, x, [np.cos(x / 3.0)], [0]),
        wire.stream("last", start, x, [2.0 * x], [1], max_points=8),
        wire.rows("rows", start, x, x[:, None] + np.array([0.0, 0.5, 1.0]), 2)]},
        key=f"three-{st.session_state.mount}", on_have=lambda counts: resend_from(min(counts)))
    st.session_state.sent = n
    slot = st.empty()
    for _ in range(BURST if burst else 0):
        time.sleep(FEED_GAP)
        st.session_state.n += GROWTH
        with slot:
            bridge.feed({key: {**live(n, st.session_state.n), "pace": paced}, "curve": curve(st.session_state.n)})
        n = st.session_state.sent = st.session_state.n
    if burst and tell:
        st.rerun()  # the points stopped: the chart is told so (streaming=False)
else:
    st.session_state.sent = 0  # the browser will draw a new chart
st.write(f"series: {st.session_state.n} points")
