"""The Build page (AppTest) and the parameter counts it shows, checked against the formula."""
from __future__ import annotations

import itertools

import pytest
from streamlit.testing.v1 import AppTest

from explorer import ModelConfig, build_model
from explorer.config import TaskConfig, TrainConfig
from explorer.lab import make_lab
from explorer.models.params import parameter_counts

GATES = {"rnn": 1, "lstm": 4, "gru": 3}
GOOD_CSV = b"day,temp\n" + b"".join(f"{d},{(d * 7) % 23}\n".encode() for d in range(120))


def expected_total(cell: str, inp: int, hidden: int, layers: int, out: int) -> int:
    """G·H·(I + H) + 2·G·H per layer (its input I is the layer below's H above layer 1), + the head."""
    g, total = GATES[cell], 0
    for layer in range(layers):
        i = inp if layer == 0 else hidden
        total += g * hidden * (i + hidden) + 2 * g * hidden
    return total + hidden * out + out


# ------------------------------------------------------------------ explorer.models.params

@pytest.mark.parametrize("cell, inp, hidden, layers, out",
                         [(c, i, h, l, o) for c, (i, h, l, o) in itertools.product(
                             GATES, [(1, 1, 1, 1), (1, 32, 1, 1), (3, 7, 2, 5), (62, 64, 4, 62)])])
def test_parameter_counts_match_the_formula(cell, inp, hidden, layers, out):
    model = build_model(ModelConfig(cell=cell, input_size=inp, hidden_size=hidden, num_layers=layers,
                                    output_size=out))
    rows = parameter_counts(model)
    assert sum(r.count for r in rows) == expected_total(cell, inp, hidden, layers, out)
    assert sum(r.count for r in rows) == sum(p.numel() for p in model.parameters())
    g = GATES[cell]
    by_name = {r.name: r for r in rows}
    assert by_name["layer 1 · W_ih"].shape == (g * hidden, inp)
    assert by_name[f"layer {layers} · W_hh"].shape == (g * hidden, hidden)
    assert by_name["head · weight"].shape == (out, hidden)
    assert all(r.count == _prod(r.shape) for r in rows)


def _prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


# ------------------------------------------------------------------ the page

@pytest.fixture
def at():
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    at.switch_page("pages/build.py")
    at.run()
    assert not at.exception
    return at


def shown_params(at) -> dict[str, int]:
    df = at.dataframe[0].value
    return dict(zip(df["tensor"], df["count"]))


def test_loads_and_shows_the_default_lab(at):
    lab = at.session_state["lab"]
    assert at.selectbox(key="build_cell").value == lab.model_cfg.cell
    assert at.select_slider(key="build_hidden").value == lab.model_cfg.hidden_size
    assert at.selectbox(key="build_task").value == lab.task_cfg.name
    assert len(at.get("plotly_chart")) == 1
    assert not at.warning and not at.error


def test_shown_parameter_counts_match_the_formula(at):
    at.selectbox(key="build_cell").set_value("gru").run()
    at.slider(key="build_layers").set_value(2).run()
    at.select_slider(key="build_hidden").set_value(16).run()
    at.selectbox(key="build_task").set_value("adding").run()  # input size 2
    assert not at.exception
    counts = shown_params(at)
    assert counts["total"] == expected_total("gru", 2, 16, 2, 1)
    assert sum(v for k, v in counts.items() if k != "total") == counts["total"]
    assert counts["layer 2 · W_ih"] == 3 * 16 * 16
    assert f"{counts['total']:,} parameters" in " ".join(m.value for m in at.markdown)


def test_changing_the_cell_rebuilds_and_changes_the_equations(at):
    before = at.session_state["lab"]
    assert any("c_t" in l.value for l in at.latex)  # LSTM by default
    at.selectbox(key="build_cell").set_value("gru").run()
    lab = at.session_state["lab"]
    assert lab is not before and lab.model_cfg.cell == "gru"
    text = " ".join(l.value for l in at.latex)
    for gate in ("r_t", "z_t", "n_t"):
        assert gate in text
    assert "c_t" not in text
    at.selectbox(key="build_cell").set_value("rnn").run()
    at.radio(key="build_nonlinearity").set_value("relu").run()
    assert at.session_state["lab"].model_cfg.nonlinearity == "relu"
    assert [l.value for l in at.latex] == [f"$$\n{l}\n$$" for l in _rnn_relu()]


def _rnn_relu() -> list[str]:
    from explorer.views.equations import cell_equations
    return cell_equations("rnn", "relu")


def test_hidden_size_and_init_rebuild(at):
    at.select_slider(key="build_hidden").set_value(64).run()
    assert at.session_state["lab"].model_cfg.hidden_size == 64
    at.selectbox(key="build_init").set_value("spectral").run()
    at.slider(key="build_rho").set_value(1.5).run()
    cfg = at.session_state["lab"].model_cfg
    assert (cfg.init, cfg.spectral_radius) == ("spectral", 1.5)
    at.radio(key="build_forget_mode").set_value("Set a value").run()
    at.slider(key="build_forget_bias").set_value(2.0).run()
    assert at.session_state["lab"].model_cfg.forget_bias == 2.0
    assert not at.exception


def test_changing_nothing_does_not_rebuild(at):
    lab = at.session_state["lab"]
    at.run()
    at.selectbox(key="build_cell").set_value(lab.model_cfg.cell).run()
    assert at.session_state["lab"] is lab


def test_trained_lab_waits_for_the_button(at):
    lab = at.session_state["lab"]
    for _ in range(3):
        lab.trainer.step()
    at.run()
    at.selectbox(key="build_cell").set_value("gru").run()
    assert at.session_state["lab"] is lab  # not rebuilt
    assert len(at.warning) == 1 and "3 steps of training" in at.warning[0].value
    assert any("r_t" in l.value for l in at.latex)  # the preview shows the new cell
    at.run()
    assert at.session_state["lab"] is lab  # a rerun changes nothing either
    at.button(key="build_discard").click().run()
    new = at.session_state["lab"]
    assert new is not lab and new.model_cfg.cell == "gru" and new.steps_trained == 0
    assert not at.warning
    assert lab.model_cfg.cell == "lstm" and lab.steps_trained == 3  # the old lab was not touched


def test_widgets_follow_a_lab_replaced_elsewhere(at):
    """Another page (or a preset) replaced the lab: the Build page shows the new one and keeps it."""
    other = make_lab(ModelConfig(cell="rnn", hidden_size=8, num_layers=3, nonlinearity="relu"),
                     TaskConfig(name="copy", seq_len=20), TrainConfig())
    at.session_state["lab"] = other
    at.run()
    assert at.session_state["lab"] is other
    assert at.selectbox(key="build_cell").value == "rnn"
    assert at.slider(key="build_layers").value == 3
    assert at.select_slider(key="build_hidden").value == 8
    assert at.radio(key="build_nonlinearity").value == "relu"
    assert at.selectbox(key="build_task").value == "copy"
    assert at.number_input(key="build_seq_len").value == 20


def test_widgets_survive_a_visit_to_another_page(at):
    at.select_slider(key="build_hidden").set_value(16).run()
    lab = at.session_state["lab"]
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/build.py").run()
    assert at.session_state["lab"] is lab
    assert at.select_slider(key="build_hidden").value == 16


def test_upload_task_without_a_file_asks_for_one(at):
    lab = at.session_state["lab"]
    at.selectbox(key="build_task").set_value("csv").run()
    assert not at.exception
    assert at.session_state["lab"] is lab
    assert any("Upload a CSV" in i.value for i in at.info)


def test_csv_column_offers_the_files_numeric_columns(at):
    data = b"day,city,temp\n" + b"".join(f"{d},x,{(d * 7) % 23}\n".encode() for d in range(120))
    good = make_lab(ModelConfig(), TaskConfig(name="csv", seq_len=20), TrainConfig(), data, "weather.csv")
    at.session_state["lab"] = good
    at.run()
    assert any("weather.csv" in c.value for c in at.caption)
    column = at.selectbox(key="build_csv_column")
    assert column.options == ["the first numeric column", "day", "temp"] and column.value == ""
    column.set_value("temp").run()
    new = at.session_state["lab"]
    assert new is not good and new.task_cfg.csv_column == "temp" and new.user_data == data


def test_bad_csv_choice_shows_an_error_and_keeps_the_lab(at):
    """The ValueError of a bad choice for the file (here: a sequence longer than its column) becomes an st.error."""
    good = make_lab(ModelConfig(), TaskConfig(name="csv", seq_len=20), TrainConfig(), GOOD_CSV, "weather.csv")
    at.session_state["lab"] = good
    at.run()
    at.number_input(key="build_seq_len").set_value(500).run()
    assert not at.exception
    assert at.session_state["lab"] is good
    assert len(at.error) == 1 and "Column 'day' has 120 values" in at.error[0].value
    at.number_input(key="build_seq_len").set_value(30).run()  # a good choice applies again
    assert not at.error
    new = at.session_state["lab"]
    assert new is not good and new.task_cfg.seq_len == 30 and new.user_data == GOOD_CSV




# ------------------------------------------------------------------ in Chinese (issue 15)

def test_the_page_reads_in_chinese_with_the_same_numbers():
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page("pages/build.py").run()
    assert not at.exception and at.session_state["lang"] == "zh"
    assert at.title[0].value == "构建循环神经网络"
    assert [s.value for s in at.subheader][:3] == ["模型", "任务", "你的网络"]
    lab = at.session_state["lab"]
    assert at.selectbox(key="build_task").options[0] == "正弦预测"  # as By hand names it
    df = at.dataframe[0].value
    counts = dict(zip(df["张量"], df["数量"]))
    assert counts["合计"] == sum(p.numel() for p in lab.model.parameters())
    assert {"第 1 层 · W_hh", "输出头 · 权重", "输出头 · 偏置"} <= set(counts)
    assert f"基线：总是预测 0（MSE {lab.task.baseline:.3f}）。" in at.markdown[0].value
    at.selectbox(key="build_cell").set_value("lstm").run()
    at.slider(key="build_layers").set_value(2).run()
    at.selectbox(key="build_task").set_value("neighbours").run()
    at.toggle(key="build_bidirectional").set_value(True).run()
    assert not at.exception and not at.error
    lab = at.session_state["lab"]
    assert lab.model_cfg.bidirectional and lab.model_cfg.num_layers == 2
    total = sum(p.numel() for p in lab.model.parameters())
    assert any(m.value.startswith(f"**双向 LSTM**，2 层，每层每个方向 {lab.model_cfg.hidden_size} 个单元，共 "
                                  f"**{total:,} 个参数**") for m in at.markdown)
    assert at.radio(key="build_forget_mode").options == ["PyTorch 默认", "自定义数值"]
    caption = " ".join(c.value for c in at.caption)
    assert "第 2 层及以上把下一层的 [h→_t; h←_t] 作为自己的 x_t。" in caption


def test_a_bad_choice_reads_in_chinese():
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page("pages/build.py").run()
    at.selectbox(key="build_task").set_value("csv").run()
    assert not at.exception and at.info[0].value == "上传一个 CSV 文件即可使用这个任务。"


def test_tensor_names_in_either_language():
    """English as parameter_counts names them; Chinese for each form of name (a layer, a backward layer, a
    peephole, the head, the embedding)."""
    model = build_model(ModelConfig(cell="peephole", input_size=10, vocab_size=10, embedding_dim=4,
                                    bidirectional=True, output_size=2))
    rows = parameter_counts(model)
    assert [r.name_in("en") for r in rows] == [r.name for r in rows]
    zh = {r.torch_name: r.name_in("zh") for r in rows}
    assert zh["rnn.weight_hh_l0"] == "第 1 层 · W_hh" and zh["rnn.weight_co_l0_reverse"] == "第 1 层反向 · w_co（窥视孔）"
    assert zh["head.bias"] == "输出头 · 偏置" and zh["embedding.weight"] == "嵌入 · 权重"


def test_a_bad_file_choice_reads_in_chinese():
    """The UserError of a bad choice for the file shows in Chinese, its numbers those of the English message."""
    good = make_lab(ModelConfig(), TaskConfig(name="csv", seq_len=20), TrainConfig(), GOOD_CSV, "weather.csv")
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page("pages/build.py").run()
    at.session_state["lab"] = good
    at.run()
    at.number_input(key="build_seq_len").set_value(500).run()
    assert not at.exception and at.session_state["lab"] is good
    assert at.error[0].value.startswith("列 'day' 有 120 个值；这个序列长度至少需要 ")
    assert at.error[0].value.endswith("没有做任何更改：当前的网络和数据保持不变。")
