"""Reading the browser-side views (pages/bridge.py) in tests, independently of explorer/views/payload.py:
a payload's typed arrays, every view of an AppTest run, and what the browser reports back."""
from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest


def arr(spec) -> np.ndarray:
    """An array of a payload: a plotly typed array {dtype, bdata, shape} (little-endian) or a plain list."""
    if not isinstance(spec, dict):
        return np.asarray(spec, np.float64)
    a = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"]).newbyteorder("<"))
    return a.reshape([int(n) for n in spec["shape"].split(",")]) if "shape" in spec else a


def views(at: AppTest) -> dict[str, dict]:
    """The payload of every browser-side view on the page, by its key (not the loaders of bridge.js and plotly.js)."""
    return {c.key: json.loads(c.proto.json) for c in at.get("bidi_component")
            if c.proto.json and c.proto.component_name.endswith("rnn_explorer_view")}


def report(at: AppTest, key: str, state: dict) -> AppTest:
    """What the browser does when a player settles (state {"i": position}): set the component's state, which
    reruns the app with AppTest's own widgets as at.run() sends them."""
    comp = next(c for c in at.get("bidi_component") if c.key == key)
    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())
    s = states.widgets.add()
    s.id, s.json_value = comp.proto.id, json.dumps(state)
    return at._run(states)
