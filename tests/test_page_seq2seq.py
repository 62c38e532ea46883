"""AppTest of the Seq2seq page: it runs for every attention and cell, sends the browser views whose numbers are the
model's (checked against the plain-torch recomputation), changes the setup (asking before it discards a trained
model), answers bad typed sources with the task's message and changes nothing else, trains in slices with the
live charts fed new points only, lands the seq2seq presets here, and shares its setup through a link and the
sidebar's export panel. (run_every never fires in AppTest: each at.run() runs the training fragment once.)

What the browser does with the views (the players, the alignment, the numbers drawn) is tested in
tests/browser/test_seq2seq_browser.py."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np
import pytest
import torch
from bridge_views import arr, report, views
from streamlit.testing.v1 import AppTest

from explorer.config import Seq2SeqConfig, TrainConfig
from explorer.lecture import presets
from explorer.lecture.share_seq2seq import to_query
from explorer.trace.seq2seq import decode_trace
from explorer.training.seq2seq import make_seq2seq_lab
from explorer.views import seq2seq_live as live
from explorer.views.style import PRESENTER
from tests.reference_seq2seq import recompute

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/seq2seq.py"
SMALL = Seq2SeqConfig(task="reverse", min_len=3, max_len=8, n_symbols=6, hidden_size=12, embedding_dim=6,
                      eval_size=20)
TRAIN = TrainConfig(lr=0.01, steps=40, probe_every=5, eval_every=10, batch_size=16)


def small_lab(**cfg):
    return make_seq2seq_lab(Seq2SeqConfig(**{**SMALL.to_dict(), **cfg}), TRAIN)


def open_page(lab=None, view: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    if lab is not None:
        at.session_state["s2s_lab"] = lab
    if view is not None:
        at.session_state["s2s_view"] = view
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at





# --- translate ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, attention, bi", [("gru", "additive", False), ("lstm", "general", True),
                                                 ("rnn", "dot", False), ("gru", "none", True)])
def test_loads_and_sends_the_models_numbers(cell, attention, bi):
    lab = small_lab(cell=cell, attention=attention, bidirectional=bi)
    at = open_page(lab)
    v = views(at)
    source = at.text_input(key="s2s_source").value
    lab.task.encode_source(source)  # the example is a source this task can read
    keys = {"s2s_player", "s2s_step_text", "s2s_topk", "s2s_decoder", "s2s_context", "s2s_source_grad"}
    if attention != "none":
        keys |= {"s2s_alignment", "s2s_attention_row", "s2s_s_player", "s2s_score"}
    else:
        assert "no attention" in at.info[0].value
    assert set(v) == keys
    trace = decode_trace(lab.model, lab.task, source, top_k=5, beam_width=3)
    ref = recompute(lab.model, lab.task, source, trace.outputs)
    assert v["s2s_player"]["n"] == len(trace.outputs) and v["s2s_player"]["play"]
    if attention != "none":
        assert v["s2s_alignment"]["y"] == trace.outputs
        np.testing.assert_allclose(arr(v["s2s_alignment"]["weights"]), torch.stack(ref["attention"]).numpy(),
                                   atol=2e-6)
        assert v["s2s_s_player"]["n"] == len(source) and not v["s2s_s_player"]["play"]
        assert v["s2s_s_player"]["fields"]["tok"] == list(source)
    np.testing.assert_allclose(arr(v["s2s_decoder"]["rows"][0]["values"]), torch.stack(ref["states"][1:]).numpy(),
                               atol=2e-5)
    table = at.dataframe[0].value
    assert list(table["decoding"]) == ["greedy", "beam 1", "beam 2", "beam 3"]
    assert table["output"][0] == "".join(t for t in trace.outputs if t != "<eos>")


@pytest.mark.parametrize("typed, message", [
    ("", "The source is empty"),
    ("abz!", "never saw: '!' 'z'"),
    ("abcdefabcdefabc", "The source has 15 characters; this model was trained on sources of at most 8"),
])
def test_a_bad_typed_source_gets_the_tasks_message_and_nothing_else_changes(typed, message):
    at = open_page(small_lab())
    at.text_input(key="s2s_source").set_value("cafe").run()
    before = views(at)
    assert not at.error and before["s2s_s_player"]["fields"]["tok"] == list("cafe")
    at.text_input(key="s2s_source").set_value(typed).run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert views(at) == before  # the views still show "cafe"
    assert any("'cafe'" in c.value for c in at.caption)
    at.text_input(key="s2s_source").set_value("bead").run()
    assert not at.error and views(at)["s2s_s_player"]["fields"]["tok"] == list("bead")


def test_a_rerun_decodes_nothing_again_and_training_refreshes_the_views():
    lab = small_lab()
    at = open_page(lab)
    before, cached = views(at), at.session_state["s2s_trace"]
    at.run()
    assert views(at) == before and at.session_state["s2s_trace"] is cached
    list(lab.trainer.run(3))  # new weights, as the Train view would
    at.run()
    assert at.session_state["s2s_trace"] is not cached and views(at)["s2s_decoder"] != before["s2s_decoder"]


def test_the_reported_positions_are_kept():
    at = open_page(small_lab())
    n_j = views(at)["s2s_player"]["n"]
    report(at, "s2s_player", {"i": n_j - 1})
    report(at, "s2s_s_player", {"i": 3})
    assert (at.session_state["s2s_j"], at.session_state["s2s_s"]) == (n_j, 4)
    at.run()
    assert views(at)["s2s_player"]["start"] == n_j - 1 and views(at)["s2s_s_player"]["start"] == 3
    report(at, "s2s_player", {"i": n_j})  # not a position of this decoding: ignored
    assert at.session_state["s2s_j"] == n_j


# --- setup -----------------------------------------------------------------------------------------------------

def test_setup_changes_an_untrained_model_at_once():
    lab = small_lab()
    at = open_page(lab)
    at.selectbox(key="s2s_attention").set_value("dot").run()
    new = at.session_state["s2s_lab"]
    assert new is not lab and new.cfg == Seq2SeqConfig(**{**SMALL.to_dict(), "attention": "dot"})
    assert new.train_cfg == TRAIN and not at.warning
    at.selectbox(key="s2s_cell").set_value("lstm").run()
    at.toggle(key="s2s_bidi").set_value(True).run()  # dot attention cannot read a bidirectional encoder
    assert not at.exception and "dot attention" in at.error[0].value and "Nothing was changed" in at.error[0].value
    assert at.session_state["s2s_lab"].cfg.cell == "lstm" and not at.session_state["s2s_lab"].cfg.bidirectional
    at.selectbox(key="s2s_task").set_value("dates").run()  # still refused: the choice still holds the conflict
    assert at.session_state["s2s_lab"].cfg.task == "reverse" and "dot attention" in at.error[0].value
    at.toggle(key="s2s_bidi").set_value(False).run()
    dates = at.session_state["s2s_lab"]
    assert not at.error
    assert dates.cfg.task == "dates" and dates.task.name == "dates"
    assert at.text_input(key="s2s_source").value == "Saturday, the 28th of November 2026"  # an example it can read


def test_setup_asks_before_discarding_a_trained_model():
    lab = small_lab()
    list(lab.trainer.run(2))
    at = open_page(lab)
    at.number_input(key="s2s_seed").set_value(7).run()
    assert at.session_state["s2s_lab"] is lab
    assert "2 steps of training" in at.warning[0].value
    at.button(key="s2s_discard").click().run()
    new = at.session_state["s2s_lab"]
    assert new is not lab and new.cfg.seed == 7 and new.steps_trained == 0 and not at.warning


def test_a_new_lab_from_elsewhere_shows_in_the_widgets():
    at = open_page(small_lab())
    other = small_lab(cell="lstm", hidden_size=32, n_symbols=9)
    at.session_state["s2s_lab"] = other  # a preset, a link or an import
    at.run()
    assert (at.selectbox(key="s2s_cell").value, at.select_slider(key="s2s_hidden").value,
            at.slider(key="s2s_symbols").value) == ("lstm", 32, 9)
    assert at.session_state["s2s_lab"] is other


# --- train -----------------------------------------------------------------------------------------------------

def test_train_steps_start_pause_and_the_live_charts_get_new_points_only():
    lab = small_lab()
    at = open_page(lab, view="Train")
    assert set(views(at)) == {"s2s_loss_chart", "s2s_scores_chart", "s2s_curve_chart", "s2s_heat_chart",
                              "s2s_norm_chart"}
    at.button(key="s2s_step10").click().run()
    assert lab.steps_trained == 10
    loss = views(at)["s2s_loss_chart"]["stream"]
    assert loss["start"] == 0
    np.testing.assert_allclose(arr(loss["y"][0]), lab.history.scalars()["loss"], rtol=1e-6)
    scores = views(at)["s2s_scores_chart"]["stream"]
    np.testing.assert_allclose(arr(scores["y"][0]), [lab.history.latest_eval.val_metrics["BLEU"]], rtol=1e-6)
    for _ in range(live.OVERLAP):  # reruns with nothing new: the repeated points run out
        at.run()
    loss = views(at)["s2s_loss_chart"]["stream"]
    assert loss["start"] == 10 and arr(loss["x"]).size == 0
    at.button(key="s2s_start").click().run()
    assert at.session_state["s2s_running"] and at.button(key="s2s_start").disabled
    seen = [lab.steps_trained]
    at.run()
    seen.append(lab.steps_trained)
    assert seen[0] > 10 and seen[1] > seen[0]  # each fragment run trains a slice
    s = views(at)["s2s_loss_chart"]["stream"]
    np.testing.assert_array_equal(arr(s["x"]), lab.history.scalars()["step"][s["start"]:])
    streamed = ("s2s_loss_chart", "s2s_scores_chart", "s2s_norm_chart")  # their axes keep headroom while running
    assert [views(at)[k]["streaming"] for k in streamed] == [True] * 3
    at.button(key="s2s_pause").click().run()
    stopped = lab.steps_trained
    at.run()
    assert not at.session_state["s2s_running"] and lab.steps_trained == stopped
    assert [views(at)[k]["streaming"] for k in streamed] == [False] * 3  # fitted to the data at once


def test_a_run_ends_after_its_steps_and_the_browser_can_ask_for_lost_points():
    lab = make_seq2seq_lab(SMALL, TrainConfig(steps=3, eval_every=0, probe_every=1, batch_size=8))
    at = open_page(lab, view="Train")
    at.button(key="s2s_start").click().run()
    for _ in range(5):
        at.run()
    assert lab.steps_trained == 3 and not at.session_state["s2s_running"] and not at.exception
    report(at, "s2s_loss_chart", {"have": 1})  # a remounted chart that has only the first point
    s = views(at)["s2s_loss_chart"]["stream"]
    assert s["start"] == 1 and arr(s["x"]).tolist() == [2, 3]
    assert views(at)["s2s_curve_chart"]["figure"]["layout"]["title"]["text"].endswith("at step 3")


def test_settings_apply_and_keep_the_weights_and_reset_starts_over():
    lab = small_lab()
    at = open_page(lab, view="Train")
    at.button(key="s2s_step1").click().run()
    w = [p.detach().clone() for p in lab.model.parameters()]
    at.number_input(key="s2s_train_lr").set_value(0.02).run()
    at.selectbox(key="s2s_train_clip").set_value("value").run()
    assert lab.train_cfg.lr == 0.02 and lab.train_cfg.clip == "value" and at.session_state["s2s_lab"] is lab
    assert all(torch.equal(a, b) for a, b in zip(w, lab.model.parameters()))
    at.button(key="s2s_reset").click().run()
    new = at.session_state["s2s_lab"]
    assert new is not lab and new.steps_trained == 0 and new.cfg == lab.cfg and new.train_cfg.lr == 0.02


def test_leaving_the_page_or_the_view_pauses_training():
    at = open_page(small_lab(), view="Train")
    at.button(key="s2s_start").click().run()
    at.segmented_control(key="s2s_view").set_value("Translate step by step").run()
    assert not at.session_state["s2s_running"]
    at.segmented_control(key="s2s_view").set_value("Train").run()
    at.button(key="s2s_start").click().run()
    at.switch_page("pages/home.py").run()
    assert not at.session_state["s2s_running"] and not at.exception


def test_a_busy_server_queues_the_run_says_its_place_and_starts_it_by_itself(monkeypatch):
    """The page's slices are turns of the server's fair share, like the Train page's: with every place taken, Start
    waits in line (the counter says where) without training, and starts by itself when a place frees up; Pause
    and leaving the view give the place back."""
    import pages.common
    from explorer.training.fairshare import FairShare

    line = FairShare(max_running=1, lease_seconds=1e6)  # the other session stays, however slow this test runs
    monkeypatch.setattr(pages.common, "TRAINING", line)
    with line.turn("another session", 0.0) as other:
        assert other.granted
    lab = make_seq2seq_lab(SMALL, dataclasses.replace(TRAIN, steps=10_000))
    at = open_page(lab, view="Train")
    at.button(key="s2s_start").click().run()
    assert lab.steps_trained == 0 and at.session_state["s2s_running"]
    assert "The server is busy: you are number 1 in line." in at.get("progress")[0].proto.text
    line.leave("another session")
    at.run()  # the fragment's next run
    assert lab.steps_trained > 0 and "in line" not in at.get("progress")[0].proto.text
    at.button(key="s2s_pause").click().run()
    assert line.counts() == (0, 0)  # Pause gave the place back
    at.button(key="s2s_start").click().run()
    assert line.counts()[0] == 1
    at.segmented_control(key="s2s_view").set_value("Translate step by step").run()
    assert line.counts() == (0, 0) and not at.exception


def test_an_idle_session_frees_the_encoder_decoders_gradients_and_training_goes_on_the_same():
    import math

    from explorer.training.live import train_chunk
    from pages.common import IDLE_AFTER, release_if_idle

    lab, twin = small_lab(), small_lab()
    train_chunk(lab, 3, math.inf)
    train_chunk(twin, 3, math.inf)
    state = {"s2s_lab": lab, "s2s_trace": ("trace",), "s2s_candidate": ("lab",), "active_at": 0.0}
    assert release_if_idle(state, IDLE_AFTER + 1)
    assert "s2s_trace" not in state and "s2s_candidate" not in state and state["s2s_lab"] is lab
    assert all(p.grad is None for p in lab.model.parameters())
    assert not all(p.grad is None for p in twin.model.parameters())
    train_chunk(lab, 2, math.inf)
    train_chunk(twin, 2, math.inf)
    assert all(torch.equal(a, b) for a, b in zip(lab.model.parameters(), twin.model.parameters()))


# --- presets, links, export -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", list(presets.SEQ2SEQ_PRESETS))
def test_a_seq2seq_preset_on_home_lands_here_with_its_setup(key):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    recurrent = at.session_state["lab"]
    at.button(key=f"home_preset_{key}").click().run()
    assert not at.exception
    p = presets.PRESETS[key]
    lab = at.session_state["s2s_lab"]
    assert (lab.cfg, lab.train_cfg, lab.steps_trained) == (p.model, p.train, 0)
    assert at.session_state["lab"] is recurrent  # the recurrent lab is not touched
    assert at.session_state["page_shown"] == "seq2seq" and at.segmented_control(key="s2s_view").value == "Train"
    assert any(f"{p.title}** loaded" in s.value for s in at.success)
    assert at.selectbox(key="s2s_attention").value == p.model.attention
    assert "s2s_loss_chart" in views(at)


def test_the_sidebar_preset_loads_a_seq2seq_preset_too():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["sidebar_preset"] = "dates"
    at.run()
    at.button(key="sidebar_preset_load").click().run()
    at.run()
    assert at.session_state["s2s_lab"].cfg == presets.PRESETS["dates"].model and not at.exception


def test_the_share_link_round_trips_and_the_sidebar_exports_the_encoder_decoder():
    lab = small_lab(attention="general", bidirectional=True, cell="lstm")
    at = open_page(lab)
    exports = {b.label: b.proto.id for b in at.get("download_button")}
    assert all("s2s_export" in exports[k] for k in ("Config (JSON)", "Weights (safetensors)", "Training history (CSV)"))
    link = at.sidebar.code[0].value
    query = dict(parse_qsl(link.split("?", 1)[1]))
    assert query == to_query(lab.cfg, lab.train_cfg)
    opened = open_page(None, **query)
    new = opened.session_state["s2s_lab"]
    assert (new.cfg, new.train_cfg) == (lab.cfg, lab.train_cfg) and not opened.warning
    for a, b in zip(lab.model.parameters(), new.model.parameters()):
        assert torch.equal(a, b)  # seeded: the same untrained model
    assert opened.selectbox(key="s2s_attention").value == "general"


def test_a_bad_link_says_so_and_keeps_the_rest():
    at = open_page(None, **{"s.attention": "<b>", "s.hidden_size": "20", "s.task": "sort"})
    lab = at.session_state["s2s_lab"]
    assert lab.cfg.hidden_size == 20 and lab.cfg.task == "sort" and lab.cfg.attention == "additive"
    assert len(at.warning) == 1 and "Ignored s.attention=" in at.warning[0].value and "<" not in at.warning[0].value
    assert at.session_state["lab"].model_cfg.cell == "lstm"  # the recurrent lab: the default


def test_other_pages_keep_the_recurrent_sidebar():
    at = open_page(small_lab())
    at.switch_page("pages/train.py").run()
    link = at.sidebar.code[0].value
    assert "m.cell=" in link and "s.task=" not in link


def test_presenter_mode_enlarges_the_views_and_tucks_the_settings_away():
    at = open_page(small_lab())
    at.toggle(key="presenter").set_value(True).run()
    assert views(at)["s2s_decoder"]["sizes"]["font"] == PRESENTER.font
    assert views(at)["s2s_source_grad"]["figure"]["layout"]["font"]["size"] == PRESENTER.font
    at.segmented_control(key="s2s_view").set_value("Train").run()
    assert "Training settings" in [e.label for e in at.expander] and not at.exception


def test_the_typed_source_and_beam_survive_the_train_view():
    at = open_page(small_lab())
    at.text_input(key="s2s_source").set_value("fade").run()
    at.selectbox(key="s2s_beam").set_value(5).run()
    at.segmented_control(key="s2s_view").set_value("Train").run()
    at.button(key="s2s_step1").click().run()
    at.segmented_control(key="s2s_view").set_value("Translate step by step").run()
    assert (at.text_input(key="s2s_source").value, at.selectbox(key="s2s_beam").value) == ("fade", 5)
    assert views(at)["s2s_s_player"]["fields"]["tok"] == list("fade") and len(at.dataframe[0].value) == 6


def test_the_page_speaks_chinese_with_lang_zh():
    from explorer.i18n import ZH

    at = open_page(small_lab(), lang="zh")
    assert at.title[0].value == ZH["Sequence to sequence with attention"]
    assert at.text_input(key="s2s_source").label == ZH["Source"]
    assert at.selectbox(key="s2s_attention").value == "additive"  # the value stays, its label is translated
    assert ZH["additive (Bahdanau)"] in at.selectbox(key="s2s_attention").options
    assert "贪心输出" in at.markdown[0].value or any("贪心输出" in m.value for m in at.markdown)
    assert any(ZH["Or click a cell of the alignment."] in json.dumps(v, ensure_ascii=False)
               for v in views(at).values())
    shown = views(at)
    assert shown["s2s_alignment"]["title"] == ZH["Alignment α: output step j = {j} reads the source"]
    assert "解码器读入" in shown["s2s_step_text"]["html"] and "打分" in shown["s2s_score"]["html"]
    assert at.dataframe[0].value["decoding"][0] == ZH["greedy"]
    at.text_input(key="s2s_source").set_value("").run()
    assert at.error[0].value == ZH["The source is empty: type something to translate."]
    at.session_state["s2s_view"] = "Train"
    at.run()
    assert not at.exception, at.exception
    assert at.button(key="s2s_step10").label == ZH["Step 10"]
    at.button(key="s2s_step10").click().run()
    assert not at.exception, at.exception
    assert views(at)["s2s_loss_chart"]["figure"]["layout"]["xaxis"]["title"]["text"] == ZH["training step"]
    assert any(ZH["Cross-entropy per target token on each training batch; below the dashed baseline the model "
                  "does better than the best guess from the output position alone."] == c.value for c in at.caption)


def test_a_bad_seq2seq_link_says_so_in_chinese():
    at = open_page(None, lang="zh", **{"s.bogus": "1", "s.hidden_size": "x"})
    shown = [w.value for w in at.warning]
    assert "已忽略 s.bogus=1：未知的设置项。" in shown
    assert any(w.startswith("已忽略 s.hidden_size=x：") for w in shown)
