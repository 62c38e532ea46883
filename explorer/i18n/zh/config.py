"""简体中文: the checks of the configurations (explorer/config.py) and of a shared link's values
(explorer/lecture/share*.py), shown by every page that builds a model or opens a link. A field's name
(hidden_size, lr, ...) stays as it is: it is the name a link, a config file and the CLI use."""
ZH = {
    "{name} must be an integer in {lo}..{hi}, got {value!r}": "{name} 必须是 {lo}..{hi} 之间的整数，实际为 {value!r}",
    "{name} must be a number in [{lo:g}, {hi:g}], got {value!r}":
        "{name} 必须是 [{lo:g}, {hi:g}] 之间的数，实际为 {value!r}",
    "{name} must be true or false, got {value!r}": "{name} 必须是 true 或 false，实际为 {value!r}",
    "{name} must be one of {choices}; got {value!r}": "{name} 必须是 {choices} 之一；实际为 {value!r}",
    "{section} must be given as a mapping, got {kind}": "{section} 必须以映射（键值对）的形式给出，实际为 {kind}",
    "unknown {section} field(s): {fields}": "{section} 中有未知字段：{fields}",
    "input_size must equal vocab_size for symbol inputs, got {input_size} and {vocab_size}":
        "符号输入时 input_size 必须等于 vocab_size，实际为 {input_size} 和 {vocab_size}",
    "seq_len must be at least 3 for the order task, got {seq_len}": "顺序任务的 seq_len 至少为 3，实际为 {seq_len}",
    "seq_len must be at least {least} for the sum-of-neighbours task, got {seq_len}":
        "邻居之和任务的 seq_len 至少为 {least}，实际为 {seq_len}",
    "csv_column must be a string, got {value!r}": "csv_column 必须是字符串，实际为 {value!r}",
    "seq_len must be at least twice the period ({least}) for the spikes task (room for one output spike), got "
    "{seq_len}":
        "脉冲任务的 seq_len 至少为周期的两倍（{least}），以便容纳一个输出脉冲，实际为 {seq_len}",
    "early stopping (patience > 0) needs evaluations: set eval_every > 0":
        "早停（patience > 0）需要评估：请设置 eval_every > 0",
    "lr_min ({lr_min:g}) must not exceed lr ({lr:g}) for the cosine schedule":
        "余弦调度下 lr_min（{lr_min:g}）不能超过 lr（{lr:g}）",
    "min_len ({min_len}) must not exceed max_len ({max_len})": "min_len（{min_len}）不能超过 max_len（{max_len}）",
    "dot attention compares the decoder state (H) with annotations of the same size; a bidirectional encoder's are "
    "2H: choose general or additive attention":
        "点积注意力把解码器状态（H）与同样大小的注释向量比较；双向编码器的注释向量是 2H：请选择一般式或加性注意力",
    "not true or false": "不是 true 或 false",
}
