"""A one-page app for tests/browser/test_bridge_browser.py: a live chart fed through the bridge (pages/bridge.py)
the way a training page would, five points of a series per click, each payload carrying only what is new."""
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
st.session_state.setdefault("mount", 0)  # a new key: a new chart element that has no points yet
if st.button("Remount (the server does not know)", key="remount"):
    st.session_state.mount += 1
shown = st.toggle("Show the chart", value=True, key="shown")
st.caption(f"Messages waiting for the browser: {bridge.backlog()}")  # None: bridge.backlog lost Streamlit's queue


def resend_from(n: int) -> None:
    st.session_state.sent = n


def series(n: int) -> np.ndarray:
    return np.sin(np.arange(n) / 3.0)  # point k of the series


bridge.plotly_js()
if shown:
    start, n = st.session_state.sent, st.session_state.n
    figure = go.Figure(go.Scatter(x=[], y=[], mode="lines+markers", name="series"),
                       layout=layout(NORMAL, title=dict(text="A live series")))
    x = np.arange(start, n)
    bridge.view({"kind": "chart", "figure": wire.figure(figure), "png": "series",
                 "stream": wire.stream("run-1", start, x, [series(n)[start:]], [0])},
                key=f"live-{st.session_state.mount}", on_have=resend_from)
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
else:
    st.session_state.sent = 0  # the browser will draw a new chart
st.write(f"series: {st.session_state.n} points")
