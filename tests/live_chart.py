"""Live charts as the browser shows them: payloads (explorer/views/payload.py) applied one after the other the way
pages/bridge_js/bridge.js applies them, so that tests read the numbers a chart on screen holds."""
from __future__ import annotations

import copy
import json

import numpy as np
from plotly_json import decode
from streamlit.proto.WidgetStates_pb2 import WidgetStates


class Gap(AssertionError):
    """A payload started after the points the chart has: the browser would ask for them ("have")."""


class LiveChart:
    """One chart element: a figure drawn afresh for new data or new stream ids, then the points each payload's
    streams add (those the chart lacks), one stream after the other."""

    def __init__(self) -> None:
        self.figure: dict | None = None
        self.data = self.ids = None
        self.have: list[int] = []

    def apply(self, p: dict) -> LiveChart:
        streams = p.get("streams") or ([p["stream"]] if "stream" in p else [])
        data, ids = json.dumps(p["figure"]["data"], sort_keys=True), [s["id"] for s in streams]
        if data != self.data or ids != self.ids:
            self.figure = copy.deepcopy(p["figure"])
            for t in self.figure["data"]:
                for axis in ("x", "y", "z"):
                    if axis in t:
                        t[axis] = decode(t[axis])
            self.data, self.ids, self.have = data, ids, [0] * len(streams)
        else:
            self.figure["layout"] = p["figure"]["layout"]
        for k, s in enumerate(streams):
            if s["start"] > self.have[k]:
                raise Gap(f"stream {k} starts at {s['start']}, the chart has {self.have[k]}")
            skip = self.have[k] - s["start"]
            x = decode(s["x"])[skip:]
            if "z" in s:  # heatmap rows at y values x
                (j,) = s["traces"]
                t = self.figure["data"][j]
                t["y"] = np.concatenate([np.asarray(t["y"], dtype=np.float64), x])
                rows = decode(s["z"])[skip:]
                t["z"] = np.concatenate([np.asarray(t["z"], dtype=np.float64).reshape(-1, rows.shape[1]), rows])
            else:
                for j, y in zip(s["traces"], s["y"]):
                    t = self.figure["data"][j]
                    t["x"] = np.concatenate([np.asarray(t["x"], dtype=np.float64), x])
                    t["y"] = np.concatenate([np.asarray(t["y"], dtype=np.float64), decode(y)[skip:]])
            self.have[k] += len(x)
        return self

    def trace(self, name: str) -> dict:
        return next(t for t in self.figure["data"] if t.get("name") == name)


def assemble(payloads: list[dict]) -> LiveChart:
    chart = LiveChart()
    for p in payloads:
        chart.apply(p)
    return chart


def payload(at, key: str) -> dict:
    """The payload of the view `key` in the last AppTest run."""
    return next(json.loads(c.proto.json) for c in at.get("bidi_component") if c.key == key)


def fed_payloads(at) -> dict[str, dict]:
    """The payloads of the last feed element (pages/bridge.py `feed`) of the last run, by view key."""
    feeds = [json.loads(c.proto.json) for c in at.get("bidi_component") if not c.key]
    return next(f["views"] for f in reversed(feeds) if f.get("kind") == "feed")


def report_have(at, key: str, counts: list[int]):
    """What a chart mounted afresh does: the event "have" with the points it has per stream (this reruns)."""
    comp = next(c for c in at.get("bidi_component") if c.key == key)
    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())  # AppTest's own widgets, as at.run() sends them
    state = states.widgets.add()
    state.id = f"$$STREAMLIT_INTERNAL_KEY_{comp.proto.id}__events"
    state.json_trigger_value = json.dumps([{"event": "have", "value": counts}])
    return at._run(states)


def shown(at, key: str) -> LiveChart:
    """The chart `key` as a browser that mounted it afresh holds it after the next run: it reports having no points,
    the page sends each stream from its first point (Feed.have), and the browser draws them."""
    p = payload(at, key)
    streams = p.get("streams") or []
    if streams:
        report_have(at, key, [0] * len(streams))
        p = payload(at, key)
        assert all(s["start"] == 0 for s in p["streams"]), [s["start"] for s in p["streams"]]
    return LiveChart().apply(p)
