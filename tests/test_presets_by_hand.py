"""The two By hand presets show what their texts promise (the numbers quoted were measured with these configs)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer.lecture.presets import PRESETS, load
from explorer.scratch import walkthrough as wk

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def walk_of(key: str, textbook: bool = False) -> tuple[wk.Setup, wk.Walk]:
    """The walk the By hand page shows right after loading the preset (its widgets' sample, its GRU form)."""
    lab = load(key)
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    index = dict(PRESETS[key].widgets)["hand_sample"]
    net = setup.net.replace(gru_form="textbook") if textbook else setup.net
    return setup, wk.walk(net, setup.task, *wk.sample(setup.task, index))


def test_bptt_by_hand_on_4_steps():
    setup, w = walk_of("bptt-by-hand")
    assert setup.own_model and w.net.cell == "rnn" and w.net.nonlinearity == "tanh" and w.net.hidden_size == 3
    assert setup.task.name == "adding" and w.seq_len == 4
    assert w.d_out[0, 3, 0] != 0 and not w.d_out[0, :3].any()  # dy = 0 at t = 3, 2, 1
    for t in range(3):  # so all that reaches h_t arrives through dh_next
        arriving = wk.incoming(w, 0, t)
        assert not arriving["dy"].any() and not arriving["dh_above"].any()
        np.testing.assert_array_equal(w.back.dh[0, 0, t], arriving["dh_next"])
        np.testing.assert_allclose(arriving["dh_next"], w.back.record[t + 1][1][0]["dh_raw"][0]
                                   @ w.net.params["rnn.weight_hh_l0"], rtol=1e-15)
    norms = np.linalg.norm(w.back.dh[0, 0], axis=-1)  # (T,)
    assert np.all(np.diff(norms) > 0)  # shrinks at every step back
    assert norms[0] < norms[3] / 10
    assert max(r.vs_autograd for r in w.checks) < 1e-14
    assert max(r.vs_numeric for r in w.checks if r.vs_numeric is not None) < 1e-8


def test_textbook_gru_vs_pytorch_gru():
    setup, w = walk_of("textbook-gru")
    assert w.net.cell == "gru" and setup.own_model and dict(PRESETS["textbook-gru"].widgets)["hand_textbook"]
    cmp = wk.compare_gru_forms(setup.net, setup.task, w.x, w.y, w.mask)
    assert 0.05 < cmp.max_h_diff[0, 0] < 0.15  # about 0.1 at t = 1
    assert 0.2 < cmp.max_h_diff[0, 5] < 0.3 and w.seq_len == 6  # about 0.25 at t = 6
    assert 0.005 < abs(cmp.loss_textbook - cmp.loss_pytorch) / cmp.loss_pytorch < 0.02  # about 1 %
    recurrent = [v for name, v in cmp.grad_diff.items() if name.startswith("rnn.")]
    assert 0.25 <= min(recurrent) and max(recurrent) <= 0.45
    _, textbook = walk_of("textbook-gru", textbook=True)
    for walk in (w, textbook):  # each backward pass is right about its own network
        assert all(row[""] == "✓ agree" for row in wk.check_rows(walk.checks))
    net = setup.net
    b_hn = net.params["rnn.bias_hh_l0"][2 * net.hidden_size:]
    assert np.abs(b_hn).min() > 0  # the reason they differ at t = 1


@pytest.mark.parametrize("key", ["bptt-by-hand", "textbook-gru"])
def test_loading_opens_the_by_hand_page_as_described(key):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["hand_back_t"] = 2  # left over from an earlier visit
    at.button(key=f"home_preset_{key}").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "By hand"
    assert any(PRESETS[key].title in s.value for s in at.success)
    assert at.info[0].value.startswith("Your model:")
    if key == "bptt-by-hand":
        assert at.select_slider(key="hand_back_t").value == 4
        arriving = next(c.value for c in at.code if c.value.startswith("dy = "))
        assert not arriving.startswith("dy = [0]")
        at.button(key="hand_back_next").click().run()
        assert next(c.value for c in at.code if c.value.startswith("dy = ")).startswith("dy = [0]")
    else:
        assert at.toggle(key="hand_textbook").value
        assert any(h.value == "Textbook GRU beside PyTorch's, on the same weights" for h in at.subheader)
        assert at.slider(key="hand_t").value == 1
