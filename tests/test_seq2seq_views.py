"""The Seq2seq page's browser views (explorer/views/seq2seq_payload.py, seq2seq_live.py, plots_seq2seq.py): every
number a view shows is checked against an independent computation: the plain-torch recomputation of the decoding
from the equations (tests/reference_seq2seq.py, which the DecodeTrace tests use too), autograd through the fused
modules, the weights themselves for the score's terms, and the trainer's own StepStats for the live charts. Arrays
are decoded here without the code under test."""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from bridge_views import arr

from explorer.config import Seq2SeqConfig, TrainConfig
from explorer.data.seq2seq import make_seq2seq_task
from explorer.models.seq2seq import build_seq2seq
from explorer.trace.seq2seq import decode_trace
from explorer.training.history import History
from explorer.training.seq2seq import make_seq2seq_lab
from explorer.views import plots_seq2seq as ps
from explorer.views import seq2seq_live as live
from explorer.views import seq2seq_payload as sp
from explorer.views.style import NORMAL, PRESENTER
from tests.reference_seq2seq import recompute, split_grad_norms

SETUPS = [("gru", "additive", False), ("lstm", "general", True), ("rnn", "dot", False), ("lstm", "additive", True),
          ("gru", "none", False)]
SOURCE = "Saturday, the 28th of November 2026"



def make(cell="gru", attention="additive", bi=False, task="dates", hidden=10, seed=1, **kw):
    cfg = Seq2SeqConfig(task=task, cell=cell, attention=attention, bidirectional=bi, hidden_size=hidden,
                        embedding_dim=6, seed=seed, **kw)
    t = make_seq2seq_task(cfg)
    return build_seq2seq(cfg, len(t.src_vocab), len(t.tgt_vocab)).eval(), t


def traced(cell="gru", attention="additive", bi=False, source=SOURCE, task="dates", **kw):
    model, task_ = make(cell, attention, bi, task=task, **kw)
    trace = decode_trace(model, task_, source, top_k=4, beam_width=3)
    return model, task_, trace, recompute(model, task_, source, trace.outputs)


def stack(rows) -> np.ndarray:
    return torch.stack(rows).numpy()


def values_at(p: dict, i: int, k: int = 0) -> dict:
    """The template fields the browser fills at clock position i (and cross position k), as bridge.js does."""
    out = {name: o + s * i for name, (o, s) in p.get("at", {}).items()}
    out |= {name: v[min(i, len(v) - 1)] for name, v in p.get("fields", {}).items()}
    c = p.get("cross")
    if c:
        out |= {name: o + s * k for name, (o, s) in c.get("at", {}).items()}
        out |= {name: v[i * c["n"] + k] for name, v in c.get("fields", {}).items()}
    return out


def shown(p: dict, i: int, k: int = 0) -> str:
    """The view's HTML at (i, k), every field filled."""
    text = re.sub(r"\{(\w+)\}", lambda m: str(values_at(p, i, k)[m.group(1)]), p["html"])
    assert "{" not in text, text  # no field left unfilled
    return text


def html_number(s: str) -> float:
    """A number as equations.number writes it (×10<sup>n</sup> for powers of ten)."""
    return float(s.strip("()").replace("×10<sup>", "e").replace("</sup>", ""))


def json_safe(p: dict) -> None:
    json.dumps(p, allow_nan=False)


# --- the decoding views -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, attention, bi", SETUPS)
def test_state_views_are_the_recomputed_decoder(cell, attention, bi):
    model, task, trace, ref = traced(cell, attention, bi)
    dec = sp.decoder_bars(trace, NORMAL)
    json_safe(dec)
    rows = {r["label"]: arr(r["values"]) for r in dec["rows"]}
    np.testing.assert_allclose(rows["s_j"], stack(ref["states"][1:]), atol=2e-5)  # s_j after step j
    if cell == "lstm":
        np.testing.assert_allclose(rows["cell"], stack(ref["cells"][1:]), atol=2e-5)
    assert set(rows) - {"s_j", "cell"} == set(ref["gates"])
    for g, values in ref["gates"].items():
        np.testing.assert_allclose(rows[g], stack(values), atol=2e-5)
    for r in dec["rows"]:
        lo, hi = r["range"]
        assert np.all((arr(r["values"]) >= lo - 1e-6) & (arr(r["values"]) <= hi + 1e-6)), r["label"]
    ctx = sp.context_bars(trace, NORMAL)
    np.testing.assert_allclose(arr(ctx["rows"][0]["values"]), stack(ref["context"]), atol=2e-5)
    assert len(ctx["units"]) == 10 * (2 if bi else 1)
    assert ctx["units"][:2] == (["→0", "→1"] if bi else [0, 1]) and (not bi or ctx["units"][10] == "←0")
    assert dec["title"] == "Decoder at j = {j}" and dec["at"] == {"j": [1, 1]} and dec["group"] == sp.J_GROUP


@pytest.mark.parametrize("cell, attention, bi", [s for s in SETUPS if s[1] != "none"])
def test_alignment_and_attention_row_are_the_recomputed_weights(cell, attention, bi):
    model, task, trace, ref = traced(cell, attention, bi)
    alpha = stack(ref["attention"])  # (J, S)
    view = sp.alignment(trace, NORMAL)
    json_safe(view)
    np.testing.assert_allclose(arr(view["weights"]), alpha, atol=2e-6)
    np.testing.assert_allclose(np.array(view["texts"], dtype=float), alpha, atol=5e-5 + 1e-9)
    assert view["x"] == [sp.token(c) for c in SOURCE] and "␣" in view["x"] and view["y"] == trace.outputs
    assert view["cross"] == {"group": sp.S_GROUP, "n": len(SOURCE), "at": {"s": [1, 1]}, "fields": {}}
    bars = sp.attention_bars(trace, NORMAL)
    np.testing.assert_allclose(arr(bars["rows"][0]["values"]), alpha, atol=2e-6)
    assert bars["units"][:2] == ["1 S", "2 a"] and bars["rows"][0]["range"] == [0.0, 1.0]
    np.testing.assert_allclose(alpha.sum(1), 1.0, atol=1e-5)  # each row a distribution over the source


def test_no_attention_has_no_alignment_and_a_constant_context():
    model, task, trace, ref = traced("gru", "none", False)
    with pytest.raises(TypeError):
        sp.alignment(trace, NORMAL)
    c = arr(sp.context_bars(trace, NORMAL)["rows"][0]["values"])
    np.testing.assert_allclose(c, np.broadcast_to(c[0], c.shape))  # the encoder's last state at every step


def test_top_tokens_are_the_recomputed_distribution_and_mark_the_reference():
    model, task, trace, ref = traced("lstm", "additive", True, source="cabbage", task="reverse", min_len=3,
                                     max_len=9, n_symbols=7)
    probs = stack(ref["probs"])  # (J, V)
    view = sp.top_tokens(trace, NORMAL)
    json_safe(view)
    order = np.argsort(-probs, axis=1, kind="stable")[:, :4]
    np.testing.assert_allclose(arr(view["probs"]), np.take_along_axis(probs, order, 1), atol=2e-6)
    want = [*"egabbac", "<eos>"]
    for j, names in enumerate(view["names"]):
        tokens = [task.tgt_vocab[v] for v in order[j]]
        assert [n.replace(" ✓ reference", "") for n in names] == tokens
        t = view["target"][j]
        assert t == (tokens.index(want[j]) if j < len(want) and want[j] in tokens else -1)
        if t >= 0:
            assert names[t].endswith("✓ reference")
        assert view["texts"][j] == [f"{p:.3f}" for p in np.take_along_axis(probs, order, 1)[j]]


def test_step_text_says_what_the_decoder_reads_and_writes():
    model, task, trace, ref = traced("gru", "additive", False, source="cabbage", task="reverse", min_len=3,
                                     max_len=9, n_symbols=7)
    view = sp.step_text(trace)
    json_safe(view)
    probs = stack(ref["probs"])
    for j, (inp, out) in enumerate(zip(trace.inputs, trace.outputs)):
        text = shown(view, j)
        assert f"Output step j = {j + 1} of {len(trace.outputs)}" in text
        p = probs[j, task.tgt_vocab.index(out)]
        assert f"reads y<sub>j−1</sub> = <b>{inp.replace('<', '&lt;').replace('>', '&gt;')}</b>" in text
        assert f"(p = {p:.3f})" in text
        assert text.endswith(f'<span class="rnnx-now">{out.replace("<", "&lt;").replace(">", "&gt;")}</span></div>')
        want = [*"egabbac", "<eos>"]
        if j < len(want):
            verdict = "right" if want[j] == out else "wrong"
            assert f"the reference has <b>{want[j].replace('<', '&lt;').replace('>', '&gt;')}</b> here ({verdict})" in text


@pytest.mark.parametrize("attention, bi", [("additive", False), ("dot", False), ("general", True)])
def test_score_equation_is_recomputed_from_the_weights(attention, bi):
    model, task, trace, ref = traced("gru", attention, bi)
    view = sp.score_equation(model, trace)
    json_safe(view)
    att = model.attention
    n_s = len(SOURCE)
    assert view["cross"]["n"] == n_s and len(view["cross"]["fields"]["score"]) == len(trace.outputs) * n_s
    scores, alpha = stack(ref["scores"]), stack(ref["attention"])
    n_j = len(trace.outputs)
    for j, s in [(0, 0), (min(2, n_j - 1), 6), (n_j - 1, n_s - 1), (n_j // 2, 13)]:
        text = shown(view, j, s)
        assert f"Score of output step j = {j + 1} for source position s = {s + 1}" in text
        q = ref["states"][j].double()  # s_{j−1}
        h = ref["annotations"][s].double()
        with torch.no_grad():
            if attention == "additive":
                left = att.v.weight[0].double()
                right = torch.tanh(att.W_q.weight.double() @ q + att.W_k.weight.double() @ h)
            elif attention == "general":
                left, right = q, att.W_a.weight.double() @ h
            else:
                left, right = q, h
        terms = (left * right).numpy()
        top = np.argsort(-np.abs(terms), kind="stable")[:3]
        f = values_at(view, j, s)
        got_pairs = [tuple(html_number(x) for x in pair.split(" · ")) for pair in f["num"].split(" + ")]
        np.testing.assert_allclose(got_pairs, np.stack([left.numpy()[top], right.numpy()[top]], 1), rtol=6e-4,
                                   atol=1e-7)
        assert re.findall(r"(\d+)</sub>", f["sym"])[::2] == [str(u) for u in top]
        assert html_number(f["rest"]) == pytest.approx(np.delete(terms, top).sum(), rel=6e-4, abs=1e-7)
        assert html_number(f["score"]) == pytest.approx(scores[j, s], rel=6e-4, abs=1e-6)
        assert html_number(f["score"]) == pytest.approx(terms.sum(), rel=6e-4, abs=1e-6)
        assert html_number(f["den"]) == pytest.approx(np.exp(scores[j].astype(float)).sum(), rel=6e-4)
        assert html_number(f["weight"]) == pytest.approx(alpha[j, s], rel=6e-4, abs=1e-7)
        assert "(the other 7 terms)" in text  # H = 10 terms, 3 written out


def test_a_score_with_few_units_writes_every_term():
    model, task, trace, ref = traced("gru", "dot", False, hidden=2)
    text = shown(sp.score_equation(model, trace), 0, 3)
    assert "the other" not in text and "…" not in text
    f = values_at(sp.score_equation(model, trace), 0, 3)
    q, h = ref["states"][0].numpy(), ref["annotations"][3].numpy()
    assert sum(a * b for a, b in (tuple(html_number(x) for x in p.split(" · ")) for p in f["num"].split(" + "))) \
        == pytest.approx(float(q @ h), rel=2e-3, abs=1e-6)


def test_decodings_list_greedy_then_the_beam_and_say_what_is_right():
    model, task, trace, _ = traced("lstm", "additive", True, source="abcgf", task="reverse", min_len=3, max_len=9,
                                   n_symbols=7)
    rows = sp.decodings(trace)
    json_safe(rows)
    assert rows[0]["decoding"] == "greedy" and rows[0]["output"] == "".join(t for t in trace.outputs if t != "<eos>")
    assert rows[0]["log p(y | x)"] == pytest.approx(trace.log_prob)
    assert [r["decoding"] for r in rows[1:]] == ["beam 1", "beam 2", "beam 3"]
    assert rows[1]["log p(y | x)"] >= rows[2]["log p(y | x)"] >= rows[3]["log p(y | x)"]
    for r, (tokens, log_p, finished) in zip(rows[1:], trace.beam):
        assert r["output"] == "".join(t for t in tokens if t != "<eos>") and r["ends with <eos>"] == finished
        assert r["correct"] == (finished and r["output"] == "fgcba")
    assert "correct" not in sp.decodings(traced()[2])[0]  # dates: no reference to compare with


def test_source_gradient_chart_is_autograds():
    model, task, trace, _ = traced("lstm", "general", True, source="28.11.2026")
    view = sp.source_gradient(trace, NORMAL)
    json_safe(view)
    data = view["figure"]["data"]
    assert [d["name"] for d in data] == list(ps.DIRECTIONS)
    want = split_grad_norms(model, task, "28.11.2026", trace.outputs)  # autograd through the fused modules
    for d, trace_ in enumerate(data):
        y = trace_["y"] if isinstance(trace_["y"], list) else np.frombuffer(base64.b64decode(trace_["y"]["bdata"]),
                                                                                dtype=trace_["y"]["dtype"])
        np.testing.assert_allclose(y, want[d], rtol=1e-4)
    assert data[0]["x"] if isinstance(data[0]["x"], list) else True
    assert view["figure"]["layout"]["xaxis"]["ticktext"] == list("28.11.2026")


def test_presenter_sizes_reach_every_view():
    model, task, trace, _ = traced()
    for build in (sp.alignment, sp.attention_bars, sp.decoder_bars, sp.context_bars, sp.top_tokens):
        assert build(trace, PRESENTER)["sizes"]["font"] == PRESENTER.font
    assert sp.source_gradient(trace, PRESENTER)["figure"]["layout"]["font"]["size"] == PRESENTER.font


# --- the live training charts -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained():
    """A small encoder–decoder trained 30 steps (probe every 5, evaluations every 10), with every StepStats."""
    lab = make_seq2seq_lab(Seq2SeqConfig(task="reverse", min_len=3, max_len=6, n_symbols=6, hidden_size=12,
                                         embedding_dim=6, eval_size=20),
                           TrainConfig(lr=0.01, clip="norm", clip_threshold=0.19, probe_every=5, eval_every=10))
    stats = list(lab.trainer.run(30))
    for s in stats:
        lab.history.append(s)
    return lab, stats


def stream_points(view: dict) -> tuple[np.ndarray, list[np.ndarray]]:
    s = view["stream"]
    return arr(s["x"]), [arr(y) for y in s["y"]]


def test_a_live_chart_sends_new_points_and_repeats_the_last_few_updates(trained):
    lab, stats = trained
    history = History()
    sent = None
    seen = []
    for n in range(1, 13):  # one update per step, as the page's fragment sends them
        history.append(stats[n - 1])
        view, sent = live.loss_view(history, lab.task.baseline, lab.task.baseline_label, NORMAL, "run", sent)
        json_safe(view)
        s = view["stream"]
        seen.append(s["start"])
        x, (y,) = stream_points(view)
        np.testing.assert_array_equal(x, np.arange(s["start"] + 1, n + 1))  # the steps from start on
        np.testing.assert_allclose(y, [st.loss for st in stats[s["start"]:n]], rtol=1e-6)
    assert seen == [0, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7]  # each update repeats the previous OVERLAP − 1 updates
    assert sent.totals == (8, 9, 10, 11, 12)
    view, sent = live.loss_view(history, lab.task.baseline, lab.task.baseline_label, NORMAL, "run", sent.have(3))
    assert view["stream"]["start"] == 3  # the browser said it has 3 points
    view, _ = live.loss_view(history, lab.task.baseline, lab.task.baseline_label, NORMAL, "another run", sent)
    assert view["stream"]["start"] == 0 and view["stream"]["id"] != sent.stream  # a new run starts over


def test_a_stream_id_changes_with_the_figure_and_the_thinning(trained):
    lab, stats = trained
    a, _ = live.norm_view(lab.history, "norm", 0.5, NORMAL, "run", None)
    b, _ = live.norm_view(lab.history, "norm", 0.5, NORMAL, "run", None)
    c, _ = live.norm_view(lab.history, "norm", 2.0, NORMAL, "run", None)
    d, _ = live.norm_view(lab.history, "norm", 0.5, PRESENTER, "run", None)
    assert a == b and len({a["stream"]["id"], c["stream"]["id"], d["stream"]["id"]}) == 3
    assert a["figure"] == b["figure"]  # the skeleton is the same from one update to the next
    history = History()
    history.steps.cap = 8  # a small record: the ninth step halves it
    sent = None
    views = []
    for s in stats[:9]:
        history.append(s)
        view, sent = live.loss_view(history, 1.0, "b", NORMAL, "run", sent)
        views.append(view["stream"])
    ids = [v["id"] for v in views]
    assert len(set(ids[:7])) == 1 and ids[7] != ids[6] and views[7]["start"] == 0  # thinned: start over
    np.testing.assert_array_equal(arr(views[7]["x"]), [s.step for s in stats[:8:2]])
    assert ids[8] == ids[7] and views[8]["start"] == 4


def test_the_norm_chart_shows_the_trainers_norms_and_clipping(trained):
    lab, stats = trained
    view, _ = live.norm_view(lab.history, "norm", 0.19, NORMAL, "run", None)
    x, (before, after, clipped) = stream_points(view)
    np.testing.assert_array_equal(x, [s.step for s in stats])
    np.testing.assert_allclose(before, [s.grad_norm for s in stats], rtol=1e-6)
    np.testing.assert_allclose(after, [s.grad_norm_clipped for s in stats], rtol=1e-6)
    marked = ~np.isnan(clipped)
    np.testing.assert_array_equal(marked, [s.clipped for s in stats])
    assert marked.any() and not marked.all() and np.all(after[marked] == pytest.approx(0.19, rel=1e-5))  # to θ
    assert view["figure"]["layout"]["shapes"][0]["y0"] == 0.19


def test_the_scores_chart_shows_the_evaluations(trained):
    lab, stats = trained
    view, _ = live.scores_view(lab.history, NORMAL, "run", None)
    x, (bleu, exact, train_bleu) = stream_points(view)
    evals = [s for s in stats if s.val_metrics is not None]
    np.testing.assert_array_equal(x, [10, 20, 30])
    np.testing.assert_allclose(bleu, [s.val_metrics["BLEU"] for s in evals], rtol=1e-6)
    np.testing.assert_allclose(exact, [100 * s.val_metrics["exact match"] for s in evals], rtol=1e-6)
    np.testing.assert_allclose(train_bleu, [s.train_eval_metrics["BLEU"] for s in evals], rtol=1e-6)
    empty, _ = live.scores_view(History(), NORMAL, "run", None)
    assert empty["stream"]["start"] == 0 and stream_points(empty)[0].size == 0


def test_the_probe_charts_show_the_latest_probe_and_every_probe(trained):
    lab, stats = trained
    curve, heat = live.probe_views(lab.history, NORMAL)
    probes = [s for s in stats if s.hidden_grad_norms is not None]
    assert curve["figure"]["layout"]["title"]["text"].endswith("at step 30")
    y = curve["figure"]["data"][0]["y"]
    y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else np.array(y)
    np.testing.assert_allclose(y, probes[-1].hidden_grad_norms[0], rtol=1e-6)
    z = heat["figure"]["data"][0]["z"]
    z = (np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(len(probes), -1)
         if isinstance(z, dict) else np.array(z, dtype=float))
    np.testing.assert_allclose(z, np.log10([p.hidden_grad_norms[0] for p in probes]), rtol=1e-6)


def test_every_figure_is_valid_plotly(trained):
    lab, _ = trained
    model, task, trace, _ = traced("lstm", "additive", True)
    figures = [ps.loss_figure(1.0, "b", NORMAL), ps.scores_figure(NORMAL), ps.norm_figure("norm", 1.0, NORMAL),
               ps.norm_figure("none", 1.0, PRESENTER), ps.probe_curve_figure(None, None, NORMAL),
               *(go.Figure(v["figure"]) for v in live.probe_views(lab.history, NORMAL)),
               ps.source_gradient_figure(trace.grad_norms, list(SOURCE), NORMAL)]
    for fig in figures:
        go.Figure(fig.to_dict())  # validates every property
