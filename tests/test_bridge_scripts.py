"""The bridge's code (bridge.js with its style sheet) and plotly.js go to a page once per session (pages/bridge.py
`scripts()`), and again only when the page says it lacks them (the loader's trigger "lacks"), each copy in a new
element; a page whose copies keep failing gets at most MAX_COPIES. AppTest: what the server sends on each run."""
from __future__ import annotations

import json
from pathlib import Path

from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from pages import bridge

BRIDGE_JS = (Path(__file__).parents[1] / "pages" / "bridge_js" / "bridge.js").read_text()


def loaders(at: AppTest) -> dict[str, object]:
    """The sidebar's loaders by key: the data each was mounted with (dict: JSON; bytes; or None)."""
    out = {}
    for c in at.get("bidi_component"):
        if c.proto.component_name.endswith(("rnn_explorer_bridge", "rnn_explorer_plotly")):
            out[c.key] = json.loads(c.proto.json) if c.proto.json else (c.proto.bytes or None)
    return out


def lacks(at: AppTest, key: str) -> AppTest:
    """What a page does when it does not run the code its loader `key` brought: the trigger "lacks"."""
    comp = next(c for c in at.get("bidi_component") if c.key == key)
    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())
    s = states.widgets.add()
    s.id = f"$$STREAMLIT_INTERNAL_KEY_{comp.proto.id}__events"
    s.json_trigger_value = json.dumps([{"event": "lacks", "value": True}])
    return at._run(states)


def test_the_code_goes_once_and_again_only_when_the_page_lacks_it():
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert loaders(at) == {}  # Home shows no view
    at.switch_page("pages/train.py").run()
    first = loaders(at)
    assert set(first) == {"bridge_code_1", "bridge_plotly_1"}
    assert first["bridge_code_1"] == {"version": bridge.BRIDGE_VERSION, "js": BRIDGE_JS,
                                      "css": bridge.BRIDGE["css"]}
    assert first["bridge_plotly_1"] == bridge._plotly_gz()
    for page in ("pages/step_through.py", "pages/train.py"):  # other pages, reruns: the same elements, no code
        at.switch_page(page).run()
        assert loaders(at) == {"bridge_code_1": {"version": bridge.BRIDGE_VERSION}, "bridge_plotly_1": None}
    lacks(at, "bridge_plotly_1")  # the copy was lost or failed: another, in a new element
    assert loaders(at) == {"bridge_code_1": {"version": bridge.BRIDGE_VERSION},
                           "bridge_plotly_2": bridge._plotly_gz()}
    at.run()
    assert loaders(at)["bridge_plotly_2"] is None
    for n in range(1, bridge.MAX_COPIES):  # a page whose copies keep failing: at most MAX_COPIES
        lacks(at, f"bridge_code_{n}")
        assert loaders(at)[f"bridge_code_{n + 1}"]["js"] == BRIDGE_JS
    lacks(at, f"bridge_code_{bridge.MAX_COPIES}")
    assert loaders(at)[f"bridge_code_{bridge.MAX_COPIES}"] == {"version": bridge.BRIDGE_VERSION}
    assert not at.exception
