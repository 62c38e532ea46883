"""The Home page (AppTest): loads, links to the three pages in order, shows the unrolled diagram."""
from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def test_home_page():
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value == "RNN Explorer"
    links = [(e.proto.page, e.proto.label) for e in at.get("page_link")]
    assert [page for page, _ in links] == ["build", "step_through", "train"]  # their URL paths
    assert [label.split(" · ")[1] for _, label in links] == ["Build", "Step through", "Train"]
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    cells = [s for s in spec["layout"]["shapes"] if s.get("name", "").startswith("cell ")]
    lanes = {a["name"].split()[0] for a in spec["layout"]["annotations"] if a.get("showarrow")}
    assert len(cells) == 4 and lanes == {"h", "c", "up"}  # an LSTM over 4 steps, with its c_t lane
    assert any(h.value == "Lecture presets" for h in at.header)


def test_home_page_in_chinese_shows_the_presets_translated():
    from explorer.i18n import ZH
    from explorer.lecture.presets import PRESETS

    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception
    titles = [m.value for m in at.markdown if m.value.startswith("**")]
    assert titles == [f"**{ZH[p.title]}**" for p in PRESETS.values()]
    assert {c.value for c in at.caption} >= {ZH[p.look_at] for p in PRESETS.values()}
    at.button(key="home_preset_vanishing").click().run()  # the banner after loading: title and text in Chinese
    assert not at.exception
    assert any(ZH["Vanishing gradients"] in s.value and ZH[PRESETS["vanishing"].look_at] in s.value
               for s in at.success)
