"""The Step-through page's client-side views (explorer/views/step_payload.py) and their wire format
(explorer/views/payload.py): every number a view shows is checked against an independent computation (PyTorch's
fused modules, autograd, torch.softmax, numpy), decoded here without the code under test."""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import torch
from bridge_views import arr
from reference import autograd_hidden_grads

from explorer import ModelConfig, build_model, unroll
from explorer.config import TaskConfig
from explorer.data.tasks import make_task
from explorer.views import payload as wire
from explorer.views import plots_step as ps
from explorer.views import step_payload as sp
from explorer.views import stepview as sv
from explorer.views.equations import filled_equations, number
from explorer.views.style import DIVERGING, GATE_SCALE, NORMAL, PRESENTER

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]



def model_for(task, cell="lstm", nonlinearity="tanh", layers=1, hidden=8, seed=0, **kw):
    cfg = ModelConfig(cell=cell, nonlinearity=nonlinearity, input_size=task.input_size, hidden_size=hidden,
                      num_layers=layers, output_size=task.output_size, seed=seed, **kw)
    return build_model(cfg).eval()


def step_data(task_name="sine", cell="lstm", nonlinearity="tanh", layers=2, hidden=8, seq_len=12, sample=3, **kw):
    task = make_task(TaskConfig(name=task_name, seq_len=seq_len))
    model = model_for(task, cell, nonlinearity, layers, hidden, **kw)
    batch = sv.sample_batch(task, sample)
    return task, model, batch, sv.compute(model, task, batch)


def fused_states(model, x) -> list[torch.Tensor]:
    """(T, H) per layer: h_t by PyTorch's fused module, one layer at a time (independent of the unroll)."""
    out, inp = [], x
    for l in range(model.cfg.num_layers):
        single = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[model.cfg.cell]
        kw = {"nonlinearity": model.cfg.nonlinearity} if model.cfg.cell == "rnn" else {}
        m = single(inp.shape[-1], model.cfg.hidden_size, batch_first=True, **kw)
        m.load_state_dict({k.replace(f"_l{l}", "_l0"): v for k, v in model.rnn.state_dict().items() if f"_l{l}" in k})
        with torch.no_grad():
            inp = m(inp)[0]
        out.append(inp[0])
    return out


def json_safe(p: dict) -> None:
    """The browser parses the payload with JSON.parse: no NaN or Infinity outside typed arrays."""
    json.dumps(p, allow_nan=False)


# --- the per-step views ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell,nl", CELLS)
def test_state_bars_are_every_layers_states_and_the_chosen_layers_gates(cell, nl):
    task, model, batch, data = step_data(cell=cell, nonlinearity=nl, layers=2)
    p = sp.state_bars(data, 1, 3, nl, NORMAL)
    json_safe(p)
    labels = [r["label"] for r in p["rows"]]
    gates = {"rnn": [], "lstm": ["c", "i", "f", "g", "o"], "gru": ["r", "z", "n"]}[cell]
    assert labels == ["h (layer 0)", "h (layer 1)"] + [f"{g} (layer 1)" for g in gates]
    assert p["units"] == list(range(8)) and p["title"] == "State at t = {t}" and p["at"] == {"t": [1, 1]}
    fused = fused_states(model, batch.x)
    for l in range(2):
        np.testing.assert_allclose(arr(p["rows"][l]["values"]), fused[l].numpy(), atol=1e-5)
    for row, g in zip(p["rows"][2:], gates):
        want = data.trace.cell if g == "c" else data.trace.gates[g]
        np.testing.assert_array_equal(arr(row["values"]), want[1, 0].astype(np.float32))
    for row in p["rows"]:
        lo, hi = row["range"]
        values = arr(row["values"])
        assert lo < hi and np.all((values >= lo - 1e-6) & (values <= hi + 1e-6))  # every step fits the axis
        scale = GATE_SCALE if row["label"][0] in "ifoƒrz" else DIVERGING
        assert row["colorscale"] == wire.colorscale(scale)


def test_state_bars_of_a_huge_model_send_a_unit_subset_with_the_chosen_unit():
    task = make_task(TaskConfig(name="sine", seq_len=400))
    trace = unroll(model_for(task, "lstm", hidden=512), sv.sample_batch(task, 0).x)
    zeros = np.zeros((1, 400))
    data = sv.StepData(trace, zeros[..., None], zeros, zeros, None, zeros[0], zeros[0] > 0, 0.0)  # the states only
    p = sp.state_bars(data, 0, 301, "tanh", NORMAL)
    units = np.array(p["units"])
    assert 301 in units and len(units) < 512
    assert sum(arr(r["values"]).size for r in p["rows"]) <= wire.MAX_FLOATS + 400 * 6  # plus the kept unit
    np.testing.assert_array_equal(arr(p["rows"][0]["values"]), data.trace.hidden[0, 0][:, units])


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_regression_text_and_chart_show_the_models_output_and_target(cell):
    task, model, batch, data = step_data(cell=cell, seq_len=12)
    with torch.no_grad():
        out = model(batch.x)[0, :, 0].numpy()  # the fused model
    text = sp.step_text(data, task, None)
    json_safe(text)
    for t in (0, 5, 11):
        shown = wire.fill(text["html"], {**{"t": t + 1}, **wire.fields_at(text["fields"], t)})
        assert f"Step t = {t + 1} of 12" in shown
        assert f"prediction <b>{out[t]:.4f}</b>" in shown
        assert f"target <b>{batch.y[0, t, 0].item():.4f}</b>" in shown
        assert f"<b>{batch.x[0, t, 0].item():.4f}</b>" in shown
    chart = sp.prediction_chart(data, NORMAL)
    json_safe(chart)
    vline, point = chart["overlays"]
    assert vline["x"] == [1, 1] and vline["line"] == ps.CURSOR and point["x"] == [1, 1]
    np.testing.assert_allclose(arr(point["y"]), out, atol=1e-5)
    target, pred = chart["figure"]["data"]
    np.testing.assert_allclose(wire.decode(pred["y"]), out, atol=1e-5)


def test_adding_task_text_names_value_and_marker_and_skips_unscored_targets():
    task, model, batch, data = step_data("adding", seq_len=10)
    text = sp.step_text(data, task, None)
    x = batch.x[0].numpy()
    assert text["fields"]["x"][4] == f"x<sub>t</sub> = (value <b>{x[4, 0]:.4f}</b>, marker <b>{x[4, 1]:.0f}</b>)"
    assert text["fields"]["target"][4] == "— (no loss at this step)"  # the adding task scores the last step only
    assert text["fields"]["target"][9] == f"<b>{batch.y[0, 9, 0].item():.4f}</b>"


@pytest.mark.parametrize("task_name", ["charlm", "order"])
def test_top_classes_are_torchs_softmax_top_k_with_the_target_marked(task_name):
    task, model, batch, data = step_data(task_name, cell="gru", seq_len=20)
    p = sp.top_classes(data, task, PRESENTER)
    json_safe(p)
    k = min(sp.TOP_K, task.output_size)
    names = [sv.show_char(n) for n in sv.class_names(task)]
    with torch.no_grad():
        probs = torch.softmax(model(batch.x)[0].double(), -1)  # (T, C), the fused model
    for t in range(20):
        top = probs[t].topk(k)
        np.testing.assert_allclose(arr(p["probs"])[t], top.values.numpy(), atol=1e-6)
        assert p["texts"][t] == [f"{v:.3f}" for v in top.values.numpy()]
        tgt = int(batch.y[0, t]) if batch.mask[0, t] else None
        want = [f"{names[i]} ✓ target" if i == tgt else names[i] for i in top.indices.tolist()]
        assert p["names"][t] == want
        assert p["target"][t] == (top.indices.tolist().index(tgt) if tgt in top.indices.tolist() else -1)
    assert p["sizes"]["font"] == PRESENTER.font and p["colors"]["target"] == ps.HIGHLIGHT
    caption = sp.top_classes_caption(data, task)
    t = int(np.flatnonzero(batch.mask[0])[0])
    target = int(batch.y[0, t])
    assert f"(p = {probs[t, target].item():.3f})" in caption["fields"]["c"][t]


def _to_python(expr: str) -> str:
    """The numeric part of an equation line (HTML) as a Python expression."""
    expr = re.sub(r"×10<sup>(-?\d+)</sup>", r"e\1", expr)
    for sym, py in (("σ", "sig"), ("·", "*")):
        expr = expr.replace(sym, py)
    assert re.fullmatch(r"[\d\s.e+\-*()sigtanhrelu]*", expr), expr  # numbers and the functions only
    return expr


FUNCS = {"sig": lambda a: 1 / (1 + math.exp(-a)), "tanh": math.tanh, "relu": lambda a: max(a, 0.0)}
NUMBER = re.compile(r"\d+\.?\d*(?:e-?\d+)?")


EQUATION_LINES = {"rnn": ["h"], "lstm": ["i", "f", "g", "o", "c", "h"], "gru": ["r", "z", "n", "h"],
                  "peephole": ["i", "f", "g", "c", "o", "h"]}  # the peephole's o reads c_t: after its line


def check_equations_recompute(trace, cell, nl, layer, unit, direction=0, arrow=""):
    """Every equation line of one unit recomputes (each '=' holds within its 4-digit rounding) and ends at the
    trace's value, at several steps."""
    names = EQUATION_LINES[cell]
    view = trace.view(layer, direction)
    t_len = trace.hidden.shape[2]
    eq = filled_equations(trace, layer, unit, nl, direction)
    states = {"h", "c"}
    assert [lhs for lhs, _, _ in eq.lines] == [f"<i>{n}{arrow if n in states else ''}</i><sub>t</sub>[{unit}]"
                                              for n in names]
    assert all(len(values) == t_len for values in eq.fields.values())
    for t in (0, t_len // 2, t_len - 1):
        for j, name in enumerate(names):
            numeric = eq.numeric(j, t).split(" = ")
            assert len(numeric) >= 2, numeric
            values = [eval(_to_python(e), {"__builtins__": {}}, FUNCS) for e in numeric]  # noqa: S307
            for e, a, b in zip(numeric, values, values[1:]):
                scale = 1 + sum(abs(float(n)) for n in NUMBER.findall(_to_python(e)))
                assert a == pytest.approx(b, abs=1e-3 * scale), f"{e} = {a}, displayed {b}"
            arr_ = {"h": view.hidden, "c": view.cell}.get(name)
            want = float((view.gates[name] if arr_ is None else arr_)[0, t, unit])
            assert values[-1] == pytest.approx(want, rel=6e-4, abs=1e-12), (name, t)


@pytest.mark.parametrize("cell,nl", [*CELLS, ("peephole", "tanh")])
@pytest.mark.parametrize("init", ["default", "spectral"])
def test_filled_equations_recompute_and_end_at_the_trace(cell, nl, init):
    cfg = ModelConfig(cell=cell, nonlinearity=nl, input_size=3, hidden_size=6, num_layers=2, output_size=1,
                      init=init, spectral_radius=1.8, seed=7)
    model = build_model(cfg)
    if cell == "peephole":  # peepholes start at 0: give them values so that their terms count
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "weight_c" in name:
                    p.uniform_(-1, 1, generator=torch.Generator().manual_seed(3))
    trace = unroll(model, torch.randn(1, 9, 3, generator=torch.Generator().manual_seed(1)) * 2)
    for layer, unit in [(0, 0), (0, 5), (1, 2), (1, 3)]:
        check_equations_recompute(trace, cell, nl, layer, unit)


@pytest.mark.parametrize("cell,nl", [*CELLS, ("peephole", "tanh")])
def test_filled_equations_of_each_direction_recompute_and_end_at_its_chain(cell, nl):
    cfg = ModelConfig(cell=cell, nonlinearity=nl, input_size=3, hidden_size=5, num_layers=2, output_size=1,
                      bidirectional=True, seed=3)
    trace = unroll(build_model(cfg), torch.randn(1, 7, 3, generator=torch.Generator().manual_seed(2)))
    for direction, arrow in ((0, "→"), (1, "←")):
        for layer, unit in [(0, 1), (1, 4)]:
            check_equations_recompute(trace, cell, nl, layer, unit, direction, arrow)


def test_filled_equations_use_the_previous_step():
    cfg = ModelConfig(cell="lstm", input_size=2, hidden_size=4, output_size=1)
    trace = unroll(build_model(cfg), torch.randn(1, 5, 2))
    eq = filled_equations(trace, 0, 1)
    assert f"{float(trace.cell[0, 0, 2, 1]):.4g}" in eq.numeric(4, 3)  # c_{t-1}
    assert "· 0 +" in eq.numeric(4, 0)  # c_{t-1} = 0 at the first step
    with pytest.raises(ValueError):
        filled_equations(trace, 0, 4)


def test_numbers_are_four_significant_digits():
    cfg = ModelConfig(cell="rnn", input_size=1, hidden_size=2, output_size=1, init="xavier")  # zero biases
    trace = unroll(build_model(cfg), torch.tensor([[[1e-7], [3.0]]]))
    eq = filled_equations(trace, 0, 0)
    assert "×10<sup>-" in eq.numeric(0, 0)  # W x_1 ~ 1e-7: written with a power of ten
    for t in (0, 1):
        for part in eq.numeric(0, t).split(" = "):
            for n in NUMBER.findall(_to_python(part)):
                assert len(n.split("e")[0].replace(".", "").lstrip("0")) <= 4, n
    assert [number(v) for v in (float("nan"), float("inf"), -float("inf"), 12345.0)] == \
        ["NaN", "∞", "-∞", "1.234×10<sup>4</sup>"]


@pytest.mark.parametrize("cell,nl", CELLS)
def test_equation_view_ends_each_step_at_the_fused_models_state(cell, nl):
    task, model, batch, data = step_data(cell=cell, nonlinearity=nl, layers=1, seq_len=10)
    p = sp.equations(data, 0, 5, nl)
    json_safe(p)
    h = fused_states(model, batch.x)[0][:, 5].numpy()  # (T,)
    for t in range(10):
        shown = wire.fill(p["html"], {"t": t + 1, **wire.fields_at(p["fields"], t)})
        assert f"Unit 5 of layer 0 at t = {t + 1}, by hand" in shown
        last = re.findall(r'rnnx-eq-num">(.*?)</div>', shown)[-1].rsplit("= ", 1)[1]
        assert float(_to_python(last)) == pytest.approx(h[t], rel=6e-4, abs=1e-7)
        assert ("At t = 1" in shown) == (t == 0)


def test_colored_text_is_the_escaped_text_coloured_by_the_unit():
    task, model, batch, data = step_data("charlm", cell="lstm", layers=1, seq_len=30)
    text = "".join(sv.symbols(task, data.trace.inputs[0]))
    values = data.trace.hidden[0, 0, :, 2]
    p = sp.colored_text(text, values, NORMAL)
    assert p["outline"] and sv.colored_text_html(text, values) in p["html"]
    assert p["html"].count("<span") == 30 and "outline" not in p["html"]  # the browser outlines step t


@pytest.mark.parametrize("name", ["h", "c", "f"])
def test_heatmaps_are_the_trace_and_the_cursor_follows_t(name):
    task, model, batch, data = step_data(cell="lstm", layers=2)
    p = sp.heatmap(data, name, 1, "tanh", NORMAL)
    json_safe(p)
    (hm,) = p["figure"]["data"]
    want = {"h": data.trace.hidden, "c": data.trace.cell}.get(name, data.trace.gates.get(name))[1, 0].T
    np.testing.assert_array_equal(wire.decode(hm["z"]), want.astype(np.float32))
    assert p["overlays"] == [{"type": "vline", "x": [1, 1], "line": ps.CURSOR}]
    assert p["figure"]["layout"]["title"]["text"] == f"{name} of layer 1: units × time"


def test_trajectory_marks_the_pca_coordinates_of_each_step():
    task, model, batch, data = step_data(cell="gru", layers=2)
    p, proj = sp.trajectory(data, 1, NORMAL)
    json_safe(p)
    (point,) = p["overlays"]
    np.testing.assert_allclose(arr(point["x"]), proj.coords[:, 0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(arr(point["y"]), proj.coords[:, 1], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(proj.coords, sv.pca_2d(data.trace.hidden[1, 0]).coords)


def test_no_trajectory_of_diverged_states():
    task, model, batch, data = step_data(cell="rnn")
    data.trace.hidden[0, 0, 3, 0] = np.nan
    assert sp.trajectory(data, 0, NORMAL) is None


@pytest.mark.parametrize("cell,nl", CELLS)
def test_backward_view_reveals_autograds_gradient_norms_from_T(cell, nl):
    task, model, batch, data = step_data(cell=cell, nonlinearity=nl, layers=2, seq_len=15)
    p = sp.backward(data, NORMAL)
    json_safe(p)
    want = autograd_hidden_grads(model, batch.x, lambda out: task.loss(out, batch))[:, 0].norm(dim=-1)  # (L, T)
    for l, reveal in enumerate(p["reveal"]):
        assert reveal["trace"] == l and reveal["from"] == [14, -1]  # step i back: shown from index 14 − i
        np.testing.assert_allclose(arr(reveal["y"]), want[l].detach().numpy(), rtol=1e-4, atol=1e-9)
    assert p["overlays"][0]["x"] == [15, -1]  # the cursor at t = T − i
    assert p["group"] == sp.BACK
    caption = sp.backward_caption(15)
    assert wire.fill(caption["html"], {"t": 15 - 4}).count("from 15 down to 11") == 1


def test_jacobian_view_draws_the_bound_of_a_vanilla_rnn():
    task, model, batch, data = step_data(cell="rnn", layers=1, init="spectral", spectral_radius=0.8)
    p = sp.jacobian(data, 0, NORMAL)
    json_safe(p)
    measured, bound = p["figure"]["data"]
    sigma = np.linalg.svd(model.rnn.weight_hh_l0.detach().double().numpy(), compute_uv=False)[0]
    np.testing.assert_allclose(wire.decode(bound["y"]), sigma ** (12 - np.arange(1, 13)), rtol=1e-6)
    np.testing.assert_allclose(wire.decode(measured["y"]), data.jac_norms[0], rtol=1e-6)
    assert "group" not in p  # nothing in it moves with t


def test_payloads_of_a_diverged_model_are_valid_json():
    task, model, batch, data = step_data(cell="rnn", nonlinearity="relu", layers=1)
    data.trace.hidden[0, 0, 5:] = np.inf
    data.trace.outputs[0, 5:] = np.nan
    data.grad_norms[:] = np.nan
    for p in (sp.state_bars(data, 0, 0, "relu", NORMAL), sp.step_text(data, task, None),
              sp.prediction_chart(data, NORMAL), sp.equations(data, 0, 0, "relu"),
              sp.heatmap(data, "h", 0, "relu", NORMAL), sp.backward(data, NORMAL)):
        json_safe(p)
