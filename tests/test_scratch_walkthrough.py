"""The By hand page's data (explorer.scratch.walkthrough, code, equations, script): the network it picks, the lines
of numpy it shows and the numbers under them, the equation panel, the check table, the two GRU forms, and the
downloadable script, which is run in a subprocess and must print the page's numbers."""
from __future__ import annotations

import inspect
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from test_scratch import VARIANTS, random_params

from explorer import ModelConfig, TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.scratch import code, script, verify
from explorer.scratch import walkthrough as wk
from explorer.scratch.equations import aligned, forward_equations
from explorer.scratch.net import Net

NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def lab_for(cell="lstm", hidden=4, layers=1, task="sine", seq_len=6, nonlinearity="tanh"):
    return make_lab(ModelConfig(cell=cell, hidden_size=hidden, num_layers=layers, nonlinearity=nonlinearity),
                    TaskConfig(name=task, seq_len=seq_len), TrainConfig())


def walk_of(lab, index=0) -> wk.Walk:
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg, lab.user_data)
    return wk.walk(setup.net, setup.task, *wk.sample(setup.task, index))


def variant_walk(variant: str, task_name="sine", layers=2) -> tuple[wk.Walk, object]:
    cell, kw, peep = VARIANTS[variant]
    lab = lab_for(task=task_name, seq_len=5)
    net = Net(random_params(cell, inputs=lab.task.input_size, outputs=lab.task.output_size, layers=layers,
                            peep_shape=peep), cell, **kw)
    return wk.walk(net, lab.task, *wk.sample(lab.task, 1)), lab.task


def comment_values(text: str) -> dict[str, list[np.ndarray]]:
    """`#   name = [1, 2]` comments of annotated code -> {name: [values, ...]} in order of appearance."""
    out: dict[str, list[np.ndarray]] = {}
    for name, value in re.findall(r"^#\s+(\w+) = (.+)$", text, flags=re.M):
        if "array, norm" in value:
            continue
        out.setdefault(name, []).append(np.array([float(v) for v in re.findall(NUMBER, value)]))
    return out


def close4(shown: np.ndarray, value) -> bool:
    """Shown with 4 significant digits: equal to `value` within rounding."""
    value = np.ravel(value)
    return shown.shape == value.shape and np.allclose(shown, value, rtol=6e-4, atol=1e-12)


# --- which network -------------------------------------------------------------------------------------------------

def test_a_small_model_is_followed_itself_on_a_shortened_task():
    lab = lab_for("gru", hidden=6, layers=2, task="adding", seq_len=30)
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    assert setup.own_model and setup.note == "Your model: GRU, 2 layers × 6 units."
    assert setup.task.seq_len == wk.MAX_T and setup.task.name == "adding"
    for name, p in lab.model.named_parameters():
        np.testing.assert_array_equal(setup.net.params[name], p.detach().double().numpy())


def test_a_large_model_is_replaced_by_a_small_one_with_the_same_cell():
    lab = lab_for("rnn", hidden=32, layers=3, nonlinearity="relu")
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    assert not setup.own_model
    assert (setup.net.cell, setup.net.nonlinearity, setup.net.hidden_size, setup.net.num_layers) == ("rnn", "relu", 4, 1)
    assert "small, untrained relu RNN, 1 layer × 4 units" in setup.note and "32 units" in setup.note
    assert setup.task.seq_len == 6  # already short enough


def test_copy_memory_is_replaced_by_sine_forecasting():
    lab = lab_for("lstm", hidden=4, task="copy", seq_len=5)
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    assert setup.task.name == "sine" and setup.task.seq_len == wk.MAX_T and not setup.own_model
    assert "copy memory needs at least 22 steps" in setup.note


def test_samples_are_fixed_and_bounded():
    task = lab_for().task
    a, b = wk.sample(task, 3), wk.sample(task, 3)
    assert all(np.array_equal(u, v) for u, v in zip(a, b)) and a[0].shape == (1, 6, 1)
    assert not np.array_equal(wk.sample(task, 4)[0], a[0])
    with pytest.raises(ValueError, match="0..7"):
        wk.sample(task, wk.SAMPLES)


# --- the lines of numpy and the numbers under them ------------------------------------------------------------------

@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_line_shown_is_in_the_code_that_ran(variant):
    w, _ = variant_walk(variant)
    module_source = inspect.getsource(w.net.cell_module)
    for line in code.code_lines(w.net.cell_module.step_forward) + code.code_lines(w.net.cell_module.step_backward):
        assert all(part.strip() in module_source for part in line.code.splitlines()), line
    shown = [ln for ln in wk.backward_code(w, 1, 2).splitlines() if not ln.startswith("#")]
    sources = module_source + inspect.getsource(wk.loop.head_backward)
    assert all(ln.strip() in sources for ln in shown)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_forward_code_shows_the_steps_values(variant):
    w, _ = variant_walk(variant)
    for layer, t in [(0, 0), (1, 3)]:
        shown = comment_values(wk.forward_code(w, layer, t))
        step = w.cache.steps[layer][t]
        assert {"h"} <= set(shown)
        for name, values in shown.items():
            assert close4(values[-1], step[name][0]), (name, values, step[name][0])
        np.testing.assert_allclose(shown["h"][-1], w.cache.hidden[layer, 0, t], rtol=6e-4)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_backward_code_shows_numbers_that_autograd_confirms(variant):
    """What the backward step shows against torch autograd: the total dh of the step, what arrives (dh_above +
    dh_next = dh), and the running sum of dW_hh reaching the whole gradient at t = 1."""
    w, _ = variant_walk(variant)
    auto = verify.autograd(w.net, w.x, w.d_out)
    for layer in (0, 1):
        for t in reversed(range(w.seq_len)):
            shown = comment_values(wk.backward_code(w, layer, t))
            assert close4(shown["dh"][-1], auto.dh[layer, 0, t])
            arriving = wk.incoming(w, layer, t)
            np.testing.assert_allclose(arriving["dh_above"] + arriving["dh_next"], auto.dh[layer, 0, t], atol=1e-12)
            if w.cache.cell is not None:
                assert close4(shown["dc"][-1], auto.dc[layer, 0, t])
        np.testing.assert_allclose(wk.running_sum(w, layer, 0), auto.grads[f"rnn.weight_hh_l{layer}"], atol=1e-12)
    top = comment_values(wk.backward_code(w, 1, 2))
    assert close4(top["dh_above"][-1], w.d_out[0, 2] @ w.net.params["head.weight"])
    assert "dW_hy" not in comment_values(wk.backward_code(w, 0, 2))  # the head shows only at the top layer


def test_incoming_at_the_last_step_and_on_lower_layers():
    w, _ = variant_walk("lstm")
    last = wk.incoming(w, 1, w.seq_len - 1)
    assert set(last) == {"dy", "dh_above", "dh_next", "dc_next"}
    assert not last["dh_next"].any() and not last["dc_next"].any()
    np.testing.assert_array_equal(last["dy"], w.d_out[0, -1])
    lower = wk.incoming(w, 0, 2)
    assert "dy" not in lower
    np.testing.assert_array_equal(lower["dh_above"], w.back.record[2][1][1]["dx"][0])
    text = wk.incoming_code(w, 0, 2)
    assert "dx of the layer above" in text and "from step t + 1" in text


def test_gate_derivatives_are_shown():
    for variant, gates in [("lstm", {"dc", "do", "di", "df", "dg"}), ("gru", {"dr", "dz", "dn"}),
                           ("gru-textbook", {"dr", "dz", "dn"}), ("peephole", {"dc", "do", "di", "df", "dg"}),
                           ("rnn-tanh", {"dh_raw"})]:
        w, _ = variant_walk(variant)
        shown = comment_values(wk.backward_code(w, 0, 1))
        assert gates <= set(shown), (variant, set(shown))
        assert {"dW_ih", "dW_hh", "db_ih", "db_hh", "dh_next"} <= set(shown) | _summarised(wk.backward_code(w, 0, 1))


def _summarised(text: str) -> set[str]:
    return set(re.findall(r"^#\s+(\w+) = \(\d+, \d+\) array, norm", text, flags=re.M))


def test_fmt():
    assert code.fmt(np.array([1.0, -0.000123456, 2e-7])) == "[1, -0.0001235, 2e-07]"
    assert code.fmt(np.array([[1.0, 2.0], [3.0, 4.5]])) == "[[1, 2], [3, 4.5]]"
    assert code.fmt(np.ones((5, 5))).startswith("(5, 5) array, norm 5")
    assert code.fmt(3.14159) == "3.142"
    assert code.fmt(np.array([-0.0, 0.0])) == "[0, 0]"


# --- the equation panel ------------------------------------------------------------------------------------------------

def _check_line(line: str, value: float, acts: dict) -> None:
    """`name_t[k] = act(sym)[k] = act(terms) = act(a) = v`: the terms add up to a, act(a) = v, v is the value."""
    parts = line.split(" = ")
    shown = float(parts[-1].replace(r"\times 10^{", "e").replace("}", "").strip("()"))
    assert shown == pytest.approx(value, rel=6e-4, abs=1e-12), line
    act = next(a for a in acts if parts[1].startswith(a))
    terms = re.findall(NUMBER, parts[2].replace(r"\cdot", "*"))
    a = float(re.findall(NUMBER, parts[3])[0])
    values = list(map(float, terms))
    rounding = 6e-4 * sum(abs(v) for v in values) + 1e-12  # each term shown to 4 significant digits
    if r"\cdot" in parts[2]:  # PyTorch's GRU candidate: px + r · hn
        px, r, hn = values
        assert px + r * hn == pytest.approx(a, abs=rounding + 6e-4 * abs(r * hn)), line
    else:
        assert sum(values) == pytest.approx(a, abs=rounding), line
    assert acts[act](a) == pytest.approx(shown, rel=2e-3, abs=1e-4), line


ACTS = {r"\sigma": lambda a: 1 / (1 + math.exp(-a)), r"\tanh": math.tanh, r"\operatorname{relu}": lambda a: max(a, 0)}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_equation_panel_shows_correct_numbers(variant):
    w, _ = variant_walk(variant)
    h = w.net.hidden_size
    for layer, t, unit in [(0, 0, 0), (1, 3, h - 1), (0, 4, 1)]:
        lines = forward_equations(w.net, w.cache, layer, t, unit)
        step = {k: v[0] for k, v in w.cache.steps[layer][t].items()}
        gates = [ln for ln in lines if not ln.startswith(("c_t", "h_t[")) or w.net.cell == "rnn"]
        for line in gates:
            name = line.split("_t[")[0]
            _check_line(line, step[name][unit], ACTS)
        last = lines[-1]
        assert last.startswith(f"h_t[{unit}]")
        assert float(re.findall(NUMBER, last.split(" = ")[-1])[0]) == pytest.approx(step["h"][unit], rel=6e-4)
        if w.cache.cell is not None:
            c_line = next(ln for ln in lines if ln.startswith("c_t"))
            assert float(re.findall(NUMBER, c_line.split(" = ")[-1])[0]) == pytest.approx(step["c"][unit], rel=6e-4)
    lines = forward_equations(w.net, w.cache, 0, 1, 0)
    latex = aligned(lines)
    assert latex.startswith(r"\small\begin{aligned}") and latex.count("&=") == 3 * len(lines)  # three rows each


def test_equations_name_the_form_and_the_peepholes():
    gru_pt, _ = variant_walk("gru")
    gru_tb, _ = variant_walk("gru-textbook")
    n_pt = forward_equations(gru_pt.net, gru_pt.cache, 0, 1, 0)[2]
    n_tb = forward_equations(gru_tb.net, gru_tb.cache, 0, 1, 0)[2]
    assert r"r_t \odot (W_{hn} h_{t-1} + b_{hn})" in n_pt and r"W_{hn} (r_t \odot h_{t-1})" in n_tb
    diag, _ = variant_walk("peephole")
    full, _ = variant_walk("peephole-full")
    assert r"w_{ci} \odot c_{t-1}" in forward_equations(diag.net, diag.cache, 0, 1, 0)[0]
    assert "W_{co} c_t" in forward_equations(full.net, full.cache, 0, 1, 0)[4]
    with pytest.raises(ValueError, match="unit < 3"):
        forward_equations(diag.net, diag.cache, 0, 1, 3)


# --- checks, GRU forms ---------------------------------------------------------------------------------------------

def test_check_rows_agree_for_the_hand_pass_and_differ_for_a_broken_one(monkeypatch):
    w, task = variant_walk("lstm", layers=1)
    rows = wk.check_rows(w.checks)
    assert [r["weight"] for r in rows] == [*w.net.params, "∂L/∂h_t (every step)"]
    assert all(r[""] == "✓ agree" for r in rows)
    sizes = [w.net.params[n].size for n in w.net.params]
    assert [r["entries checked"] for r in rows[:-1]] == [f"{min(wk.NUMERIC_ENTRIES, n)} of {n}" for n in sizes]
    from explorer.scratch import lstm
    original = lstm.step_backward

    def wrong(p, s, dh_above, later):
        out = original(p, s, dh_above, later)
        return out | {"dW_hh": -out["dW_hh"]}

    monkeypatch.setattr(lstm, "step_backward", wrong)
    broken = wk.walk(w.net, task, w.x, w.y, w.mask)
    verdicts = {r["weight"]: r[""] for r in wk.check_rows(broken.checks)}
    assert verdicts["rnn.weight_hh_l0"] == "✗ differ" and verdicts["rnn.weight_ih_l0"] == "✓ agree"


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_forward_check_against_torch(variant):
    w, _ = variant_walk(variant)
    assert w.forward.max_diff <= 1e-10
    module = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}.get(w.net.cell)
    if module and w.net.gru_form == "pytorch":
        assert w.forward.reference.startswith(f"PyTorch's {module} (the app's model")
    elif variant == "peephole":  # diagonal peepholes: the app's own module (explorer.models.peephole)
        assert w.forward.reference.startswith("the app's PeepholeLSTM module (the app's model")
    else:  # the textbook GRU; full (H, H) peephole matrices, which the app does not build
        assert w.forward.reference.startswith("the same equations in torch operations")
    assert wk.forward_summary(w).startswith("✓ Forward pass")


def test_forward_check_catches_a_wrong_forward(monkeypatch):
    from explorer.scratch import gru
    original = gru.step_forward
    monkeypatch.setattr(gru, "step_forward", lambda p, x, prev: original(p, x, prev) | {"h": original(p, x, prev)["h"]
                                                                                       * 1.001})
    w, _ = variant_walk("gru")
    assert w.forward.max_diff > 1e-5 and wk.forward_summary(w).startswith("✗ Forward pass")


def test_spot_checks_print_numerical_analytic_and_relative_error():
    w, _ = variant_walk("gru", layers=1)
    text = wk.spot_checks(w.checks, per_weight=2)
    lines = text.splitlines()
    assert lines[0] == "rnn.weight_ih_l0" and len(lines) == 6 + 5 * 2 + 1  # head.bias has one entry
    row = w.checks[1]
    n, a, e = re.findall(NUMBER, lines[4].split("]")[1])
    assert lines[4].startswith(f"  [{', '.join(map(str, np.unravel_index(row.index[0], row.shape)))}]")
    assert float(n) == pytest.approx(row.numeric[0], abs=1e-10) and float(a) == pytest.approx(row.hand[0], abs=1e-10)
    assert float(e) < 1e-5


def test_gru_forms_comparison():
    lab = lab_for("gru", hidden=4, task="sine", seq_len=6)
    setup = wk.setup(lab.model_cfg, lab.model, lab.task_cfg)
    x, y, mask = wk.sample(setup.task, 0)
    cmp = wk.compare_gru_forms(setup.net, setup.task, x, y, mask)
    pytorch = wk.walk(setup.net, setup.task, x, y, mask)
    textbook = wk.walk(setup.net.replace(gru_form="textbook"), setup.task, x, y, mask)
    assert (cmp.loss_pytorch, cmp.loss_textbook) == (pytorch.loss, textbook.loss)
    np.testing.assert_array_equal(cmp.max_h_diff, np.abs(pytorch.cache.hidden - textbook.cache.hidden)[:, 0].max(-1))
    assert cmp.max_h_diff[0, 0] > 1e-3  # b_hn ≠ 0 under PyTorch's default initialisation
    summary = wk.forms_summary(cmp)
    assert f"**{cmp.loss_pytorch:.6g}**" in summary and f"**{cmp.max_h_diff[0, 0]:.3g}** at t = 1" in summary
    assert len(re.findall(r"[.!?](?=\s|$)", summary)) == 2
    assert [r["t"] for r in wk.forms_steps_table(cmp)] == [str(t) for t in range(1, 7)]
    grads = {r["weight"]: float(r["gradient: textbook vs PyTorch"]) for r in wk.forms_grads_table(cmp)}
    assert grads["rnn.weight_hh_l0"] > 1e-3 and set(grads) == set(setup.net.params)


# --- the script ----------------------------------------------------------------------------------------------------

def run_script(text: str, tmp_path) -> dict[str, np.ndarray]:
    """Run an exported script with this Python in a fresh process; its blocks `== title ==` as number arrays."""
    path = tmp_path / "by_hand.py"
    path.write_text(text)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    blocks = re.split(r"^== (.+) ==$", done.stdout, flags=re.M)[1:]
    return {title: np.array([float(v) for v in re.findall(NUMBER, body)]) for title, body in zip(blocks[::2],
                                                                                                  blocks[1::2])}


@pytest.mark.parametrize("variant,task_name", [("rnn-tanh", "sine"), ("rnn-relu", "adding"), ("lstm", "copy"),
                                               ("gru", "order"), ("gru-textbook", "sine"), ("peephole", "sine"),
                                               ("peephole-full", "adding")])
def test_the_script_prints_the_pages_numbers(variant, task_name, tmp_path):
    w, task = variant_walk(variant, task_name)
    out = run_script(script.export(w.net, w.x, w.y, w.mask, task.kind == "classification"), tmp_path)
    assert out["loss"][0] == pytest.approx(w.loss, rel=1e-10)
    np.testing.assert_allclose(out["outputs (T, O), the head's y_t"], w.cache.outputs[0].ravel(), rtol=1e-8, atol=1e-11)
    for l in range(w.net.num_layers):
        np.testing.assert_allclose(out[f"h_t of layer {l} (T, H)"], w.cache.hidden[l, 0].ravel(), rtol=1e-8, atol=1e-11)
        np.testing.assert_allclose(out[f"dL/dh_t of layer {l} (T, H), total, by backpropagation through time"],
                                   w.back.dh[l, 0].ravel(), rtol=1e-8, atol=1e-11)
    for name, g in w.back.grads.items():
        np.testing.assert_allclose(out[f"gradient {name} {g.shape}"], g.ravel(), rtol=1e-8, atol=1e-11, err_msg=name)


def test_the_script_is_standalone_numpy_and_says_what_it_is():
    w, task = variant_walk("gru-textbook")
    text = script.export(w.net, w.x, w.y, w.mask, False)
    imports = set(re.findall(r"^(?:import|from) (\w+)", text, flags=re.M))
    assert imports == {"numpy"}
    assert "GRU (the textbook form), 2 layers × 3 units" in text and "x @ W_ih.T" in text
    assert script.filename(w.net) == "by_hand_gru_textbook.py"
    compile(text, "by_hand.py", "exec")
    relu, _ = variant_walk("rnn-relu")
    relu_text = script.export(relu.net, relu.x, relu.y, relu.mask, False)
    assert "from functools import partial" in relu_text and "relu=True" in relu_text
