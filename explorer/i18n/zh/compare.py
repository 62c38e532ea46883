"""Simplified Chinese for the Compare page (pages/compare.py), its charts and table (explorer/views/plots_compare.py)
and the notes it shows (explorer/training/compare.py, explorer/models/baselines.py)."""
from __future__ import annotations

ZH: dict[str, str] = {
    # notes kept as data
    "Diverged at {why}": "发散于{why}",
    "This model has no recurrence.": "这个模型没有循环结构。",
    "The 1D-CNN has no hidden state carried through time: it has no ∂L/∂h_t to probe, no W_hh and no truncated "
    "BPTT. It sees a fixed window of past inputs, its receptive field.":
        "1D-CNN 没有随时间传递的隐状态：没有可探测的 ∂L/∂h_t，没有 W_hh，也没有截断 BPTT。"
        "它只看过去输入的一个固定窗口，即它的感受野。",
    "The Transformer has no hidden state carried through time: every step attends directly to all earlier steps. "
    "It has no ∂L/∂h_t chain to probe, no W_hh and no truncated BPTT.":
        "Transformer 没有随时间传递的隐状态：每一步都直接关注之前的所有步。它没有可探测的 ∂L/∂h_t 链，"
        "没有 W_hh，也没有截断 BPTT。",
    # the page
    "Compare the cells": "比较各种单元",
    "Task: **{task}**, T = {T}, {layers} layer(s) of {units} units, the same data, seeds and training settings for "
    "every cell (change them on the Build and Train pages).":
        "任务：**{task}**，T = {T}，{layers} 层，每层 {units} 个单元；每种单元使用相同的数据、随机种子和训练设置"
        "（在构建页和训练页上修改）。",
    "Architectures": "架构",
    "The recurrent cells and two baselines without recurrence: a causal dilated 1D-CNN (WaveNet-style; each output "
    "sees a fixed window of earlier steps, its receptive field) and a small causal Transformer encoder (sinusoidal "
    "positions, a few heads; every step attends to all earlier ones). The baselines use the hidden size as their "
    "width. Changing the choice starts afresh.":
        "循环单元，以及两个没有循环结构的基准模型：因果空洞 1D-CNN（WaveNet 风格；每个输出只看之前若干步的固定窗口，"
        "即它的感受野）和一个小型因果 Transformer 编码器（正弦位置编码，几个注意力头；每一步关注之前的所有步）。"
        "基准模型以隐藏层大小作为宽度。更改选择会重新开始。",
    "vanilla RNN": "普通 RNN",
    ", ": "、",
    "Side by side": "并排训练",
    "▶ Start": "▶ 开始",
    "⏸ Pause": "⏸ 暂停",
    "↺ Reset": "↺ 重置",
    "log-scale loss": "损失取对数坐标",
    "Press Start to train {cells} at once.": "按“开始”，同时训练{cells}。",
    "The server is busy: you are number {place} in line; training starts by itself.":
        "服务器繁忙：你排在第 {place} 位；训练会自动开始。",
    "{cell}: step {n}": "{cell}：第 {n} 步",
    "{cell}: step {n} (diverged)": "{cell}：第 {n} 步（已发散）",
    "Below the dashed line a cell has learnt something a memoryless guess cannot.":
        "低于虚线，说明这种单元学到了无记忆猜测学不到的东西。",
    "A curve that drops steeply towards t = 1 is a gradient that vanishes: that cell cannot learn from what "
    "happened early in the sequence.":
        "朝 t = 1 急剧下降的曲线表示梯度消失：这种单元无法从序列早期发生的事情中学习。",
    "Shaded: the 1D-CNN's receptive field, the last {n} steps its last output sees; it cannot use anything earlier.":
        "阴影：1D-CNN 的感受野，即它最后一个输出能看到的最后 {n} 步；更早的内容它无法利用。",
    "The 1D-CNN and the Transformer carry no hidden state through time, so they have no ‖∂L/∂hₜ‖ to draw here (nor "
    "a Step-through view, a W_hh spectrum or truncated BPTT): the table's note says so for each.":
        "1D-CNN 和 Transformer 不随时间传递隐状态，因此这里没有它们的 ‖∂L/∂hₜ‖ 可画（也没有逐步执行视图、"
        "W_hh 的谱或截断 BPTT）：表格的备注逐一说明。",
    "Steps/s: optimiser steps per second of training time (forward, backward, update). Final loss: the mean "
    "training loss over the last tenth of the steps; divided by the memoryless baseline, about 1 means nothing "
    "learnt. Validation: at the latest evaluation (every 'Evaluate every' steps, set on the Train page).":
        "步/秒：每秒训练时间内的优化器步数（前向、反向、更新）。最终损失：最后十分之一步数的平均训练损失；"
        "除以无记忆基线后约为 1，表示什么也没学到。验证：最近一次评估的结果（每隔“评估间隔”步评估一次，在训练页上设置）。",
    "Memory horizon": "记忆跨度",
    "Train every cell for the same budget at several sequence lengths: where does each stop learning?":
        "在几种序列长度上，用相同的步数预算训练每种单元：各自在多长时学不动了？",
    "Sweep settings": "扫描设置",
    "sequence lengths T": "序列长度 T",
    "Each cell is trained from scratch at each of these lengths.": "每种单元在每个长度上都从头训练。",
    "training steps per run": "每次运行的训练步数",
    "The same budget for every cell and length; longer budgets take longer.": "每种单元、每个长度的预算相同；预算越大，耗时越长。",
    "Run the sweep": "运行扫描",
    "Cancel": "取消",
    "{done} of {n} runs done": "已完成 {done} / {n} 次运行",
    "Each point is one training run; a cell whose line climbs to 1 has stopped learning at that length (it does no "
    "better than the memoryless baseline).":
        "每个点是一次训练运行；某种单元的曲线升到 1，说明它在该长度上已学不到东西（不比无记忆基线好）。",
    "{cell} at T = {T}": "{cell}（T = {T}）",
    "Diverged (no point drawn): {runs}": "已发散（未画点）：{runs}",
    "Sweep done: {n} runs.": "扫描完成：共 {n} 次运行。",
    # charts and table (explorer/views/plots_compare.py)
    "How far back the gradient reaches": "梯度能回传多远",
    "‖∂L/∂h_t‖ (top layer)": "‖∂L/∂h_t‖（最上层）",
    "1D-CNN receptive field: {n} steps": "1D-CNN 感受野：{n} 步",
    "baseline: learnt nothing": "基线：什么也没学到",
    "sequence length T": "序列长度 T",
    "final loss / baseline": "最终损失 / 基线",
    "architecture": "架构",
    "parameters": "参数量",
    "steps": "步数",
    "steps/s": "步/秒",
    "final loss": "最终损失",
    "validation {metric}": "验证集 {metric}",
    "validation metric": "验证集指标",
    "receptive field (steps)": "感受野（步）",
    "all earlier": "之前所有步",
    # bidirectional variants (issues 11, 13)
    "Bi-RNN": "双向 RNN",
    "Bi-LSTM": "双向 LSTM",
    "Bi-GRU": "双向 GRU",
    "No bidirectional variants on this task: their backward chain would read the very values it has to predict.":
        "这个任务不提供双向变体：它们的反向链会读到自己要预测的那些值。",
    "Bi-: a bidirectional cell (dotted line), a forward and a backward chain in every layer: its output at step t "
    "has read the whole sequence, later steps included.":
        "双向单元（点线）：每一层有一条正向链和一条反向链，它在第 t 步的输出已经读过整个序列，包括之后的各步。",
    # saliency of every architecture
    "How far back each model looks": "每个模型能往回看多远",
    "Which inputs each output uses: ‖∂ỹ_t/∂x_s‖": "每个输出用到了哪些输入：‖∂ỹ_t/∂x_s‖",
    "output step t = %{y}, input step s = %{x}<br>‖∂ỹ_t/∂x_s‖ = %{customdata:.3g}<extra></extra>":
        "输出步 t = %{y}，输入步 s = %{x}<br>‖∂ỹ_t/∂x_s‖ = %{customdata:.3g}<extra></extra>",
    "input step s": "输入步 s",
    "output step t": "输出步 t",
    "Saliency ‖∂ỹ_t/∂x_s‖: how strongly the output at step t (row) depends on the input at step s (column), by "
    "autograd through each model, averaged over {n} probe samples; one colour scale for all (log₁₀); blank: exactly "
    "zero, an input the output cannot see. A recurrent cell's dependence fades with distance; the 1D-CNN's stops at "
    "a hard edge, its receptive field (dashed); the Transformer may reach every earlier step; a bidirectional cell "
    "reads later steps too. Computed for the current weights ({steps}); refreshed when training pauses or ends.":
        "显著性 ‖∂ỹ_t/∂x_s‖：第 t 步的输出（行）在多大程度上依赖第 s 步的输入（列），由自动求导穿过每个模型算出，"
        "对 {n} 个探测样本取平均；所有模型共用一个颜色刻度（log₁₀）；空白表示恰好为零，即该输出看不到的输入。"
        "循环单元的依赖随距离逐渐减弱；1D-CNN 的依赖在一条硬边界处截止，即它的感受野（虚线）；Transformer 可以"
        "触及之前的每一步；双向单元还会读之后的步。按当前权重计算（{steps}）；训练暂停或结束时刷新。",
    "The {name} baseline reads numbers or one-hot vectors of one length; this task feeds word ids of texts of "
    "different lengths. Compare the recurrent cells on it.":
        "{name} 基线读取的是等长的数值或 one-hot 向量；这个任务输入的是长短不一的文本的词 id。请在它上面比较各种循环单元。",
}
