"""The checks of explorer/config.py and of a shared link's values speak both languages (issue 15): str(error) is
the English sentence that the CLI, logs and other tests read, unchanged; `message(error, "zh")` is its Chinese,
with the same values; a link's notices that carry such an error read wholly in Chinese."""
from __future__ import annotations

import pytest

from explorer.config import ModelConfig, Seq2SeqConfig, TaskConfig, TrainConfig
from explorer.i18n import UserError, message
from explorer.lecture import share, share_seq2seq

CASES = [  # (build, the English message, its Chinese)
    (lambda: ModelConfig(hidden_size=0), "hidden_size must be an integer in 1..512, got 0",
     "hidden_size 必须是 1..512 之间的整数，实际为 0"),
    (lambda: ModelConfig(dropout=2.0), "dropout must be a number in [0, 0.9], got 2.0",
     "dropout 必须是 [0, 0.9] 之间的数，实际为 2.0"),
    (lambda: ModelConfig(bidirectional=1), "bidirectional must be true or false, got 1",
     "bidirectional 必须是 true 或 false，实际为 1"),
    (lambda: ModelConfig(cell="cnn"), "cell must be one of rnn, lstm, gru, peephole; got 'cnn'",
     "cell 必须是 rnn, lstm, gru, peephole 之一；实际为 'cnn'"),
    (lambda: ModelConfig.from_dict({"cell": "gru", "size": 3}), "unknown ModelConfig field(s): size",
     "ModelConfig 中有未知字段：size"),
    (lambda: TaskConfig.from_dict([1]), "TaskConfig must be given as a mapping, got list",
     "TaskConfig 必须以映射（键值对）的形式给出，实际为 list"),
    (lambda: ModelConfig(vocab_size=5, input_size=4),
     "input_size must equal vocab_size for symbol inputs, got 4 and 5",
     "符号输入时 input_size 必须等于 vocab_size，实际为 4 和 5"),
    (lambda: TaskConfig(name="order", seq_len=2), "seq_len must be at least 3 for the order task, got 2",
     "顺序任务的 seq_len 至少为 3，实际为 2"),
    (lambda: TaskConfig(name="neighbours", seq_len=5),
     "seq_len must be at least 11 for the sum-of-neighbours task, got 5", "邻居之和任务的 seq_len 至少为 11，实际为 5"),
    (lambda: TaskConfig(csv_column=3), "csv_column must be a string, got 3", "csv_column 必须是字符串，实际为 3"),
    (lambda: TaskConfig(name="spikes", seq_len=30, period=20),
     "seq_len must be at least twice the period (40) for the spikes task (room for one output spike), got 30",
     "脉冲任务的 seq_len 至少为周期的两倍（40），以便容纳一个输出脉冲，实际为 30"),
    (lambda: TrainConfig(patience=3, eval_every=0),
     "early stopping (patience > 0) needs evaluations: set eval_every > 0",
     "早停（patience > 0）需要评估：请设置 eval_every > 0"),
    (lambda: TrainConfig(lr_schedule="cosine", lr=0.001, lr_min=0.01),
     "lr_min (0.01) must not exceed lr (0.001) for the cosine schedule", "余弦调度下 lr_min（0.01）不能超过 lr（0.001）"),
    (lambda: Seq2SeqConfig(min_len=8, max_len=4), "min_len (8) must not exceed max_len (4)",
     "min_len（8）不能超过 max_len（4）"),
    (lambda: Seq2SeqConfig(bidirectional="yes"), "bidirectional must be true or false, got 'yes'",
     "bidirectional 必须是 true 或 false，实际为 'yes'"),
    (lambda: Seq2SeqConfig(attention="dot", bidirectional=True),
     "dot attention compares the decoder state (H) with annotations of the same size; a bidirectional encoder's "
     "are 2H: choose general or additive attention",
     "点积注意力把解码器状态（H）与同样大小的注释向量比较；双向编码器的注释向量是 2H：请选择一般式或加性注意力"),
]


@pytest.mark.parametrize("build, english, chinese", CASES, ids=[c[1][:40] for c in CASES])
def test_a_config_check_reads_in_english_and_in_chinese(build, english, chinese):
    with pytest.raises(UserError) as e:
        build()
    assert isinstance(e.value, ValueError) and str(e.value) == english
    assert message(e.value, "en") == english and message(e.value, "zh") == chinese


def test_a_links_notices_carry_the_configs_reasons_in_chinese():
    *_, notices = share.from_query({"m.cell": "x", "m.bidirectional": "maybe", "t.name": "neighbours",
                                    "t.seq_len": "5", "r.lr": "-1"})
    english = sorted(notices)
    assert english == [
        "Ignored m.bidirectional=maybe: not true or false.",
        "Ignored m.cell=x: cell must be one of rnn, lstm, gru, peephole; got 'x'.",
        "Ignored r.lr=-1: lr must be a number in [1e-06, 10], got -1.0.",
        "Ignored the TaskConfig settings of the link: seq_len must be at least 11 for the sum-of-neighbours task, "
        "got 5.",
    ]
    chinese = sorted(message(n, "zh") for n in notices)
    assert chinese == [
        "已忽略 m.bidirectional=maybe：不是 true 或 false。",
        "已忽略 m.cell=x：cell 必须是 rnn, lstm, gru, peephole 之一；实际为 'x'。",
        "已忽略 r.lr=-1：lr 必须是 [1e-06, 10] 之间的数，实际为 -1.0。",
        "已忽略链接中的 TaskConfig 设置：邻居之和任务的 seq_len 至少为 11，实际为 5。",
    ]


def test_a_seq2seq_links_notices_read_in_chinese():
    *_, notices = share_seq2seq.from_query({"s.bidirectional": "maybe", "s.min_len": "9", "s.max_len": "3"})
    chinese = sorted(message(n, "zh") for n in notices)
    assert chinese and all(c.startswith("已忽略") for c in chinese), chinese
    assert any("不是 true 或 false" in c for c in chinese) and any("不能超过 max_len" in c for c in chinese)
