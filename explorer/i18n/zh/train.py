"""Simplified Chinese for the Train page (pages/train.py) and the training messages it shows
(explorer/training/early_stopping.py, trainer.py)."""
from __future__ import annotations

ZH: dict[str, str] = {
    # messages kept as data (explorer/training)
    "Early stopping after step {step}: the validation loss did not improve for {patience} evaluations. Restored "
    "the weights of step {best_step} (validation loss {loss:.4g}).":
        "第 {step} 步后早停：验证损失连续 {patience} 次评估没有改善。已恢复第 {best_step} 步的权重"
        "（验证损失 {loss:.4g}）。",
    "step {step}: the loss is {value:g}; the update was not applied.": "第 {step} 步：损失为 {value:g}，本次更新未应用。",
    "step {step}: the gradient norm is {value:g}; the update was not applied.":
        "第 {step} 步：梯度范数为 {value:g}，本次更新未应用。",
    # the page
    "Train": "训练",
    "{cell}, 1 layer × {units} units": "{cell}，1 层 × {units} 个单元",
    "{cell}, {layers} layers × {units} units": "{cell}，{layers} 层 × {units} 个单元",
    "{net}. Task: **{task}** (T = {T}). Press **Start** and watch the gradients.":
        "{net}。任务：**{task}**（T = {T}）。按 **开始**，观察梯度的变化。",
    "Start": "开始",
    "Pause": "暂停",
    "Step {n}": "走 {n} 步",
    "Reset": "重置",
    "Evaluate on the test set": "在测试集上评估",
    "Loss and metrics of the current weights on the task's test set: held out from training and validation alike. "
    "Use it once, at the end: choosing settings by it would make it a second validation set.":
        "当前权重在任务测试集上的损失和指标：测试集既不参与训练，也不参与验证。只在最后用一次："
        "若据它挑选设置，它就成了第二个验证集。",
    "Could not rebuild the model: {error}": "无法重建模型：{error}",
    "Training settings": "训练设置",
    "Optimiser": "优化器",
    "adamw: Adam with decoupled weight decay, θ ← θ − lr·λ·θ apart from the gradient step (Loshchilov & Hutter "
    "2019); the others add λ·θ to the gradient (L2).":
        "adamw：解耦权重衰减的 Adam，在梯度步之外单独执行 θ ← θ − lr·λ·θ（Loshchilov & Hutter 2019）；"
        "其他优化器把 λ·θ 加到梯度上（L2）。",
    "Learning rate": "学习率",
    "The size of each update, at the start of the schedule.": "每次更新的步长（调度开始时的值）。",
    "Clipping": "梯度裁剪",
    "by norm: rescale the whole gradient to θ when its norm exceeds θ; by value: clamp each entry to [−θ, θ].":
        "按范数：整体梯度的范数超过 θ 时，把它缩放到 θ；按值：把每个分量截断到 [−θ, θ]。",
    "no clipping": "不裁剪",
    "by norm": "按范数",
    "by value": "按值",
    "accuracy": "准确率",
    "on time": "准时率",
    "perplexity": "困惑度",
    "bits/char": "比特/字符",
    "F1 (macro)": "F1（宏平均）",
    "F1 (positive)": "F1（正类）",
    "acc@0.04": "准确率@0.04",
    "Clip threshold θ": "裁剪阈值 θ",
    "Steps per run": "每次运行的步数",
    "How many steps one press of Start trains.": "按一次“开始”训练多少步。",
    "Probe every (steps)": "探测间隔（步）",
    "How often ‖∂L/∂hₜ‖ and the spectrum of W_hh are measured (0: never).":
        "每隔多少步测量一次 ‖∂L/∂hₜ‖ 和 W_hh 的谱（0：从不）。",
    "Learning-rate schedule": "学习率调度",
    "constant": "恒定",
    "step: × γ every n steps": "step：每 n 步乘以 γ",
    "cosine to a minimum": "余弦下降到最小值",
    "How the rate changes over the steps t already taken: constant; step: multiplied by γ every n steps; inverse: "
    "lr/(1 + k·t), the tutorials' decay, halved at t = 1/k; cosine: from lr down to a minimum along half a cosine "
    "over one run's steps. The strip under the loss chart draws the rate of every step.":
        "学习率随已走的步数 t 如何变化：恒定；step：每 n 步乘以 γ；inverse：lr/(1 + k·t)，即教程中的衰减，"
        "在 t = 1/k 时减半；cosine：在一次运行的步数内沿半个余弦从 lr 降到最小值。损失图下方的窄条画出每一步的学习率。",
    "every n steps": "每 n 步",
    "The rate is multiplied by γ after every n steps.": "每走 n 步，学习率乘以 γ。",
    "The factor (e.g. 0.5 halves the rate every n steps).": "衰减因子（例如 0.5 表示每 n 步学习率减半）。",
    "lr/(1 + k·t): after 1/k steps the rate is half the starting one, after 9/k a tenth.":
        "lr/(1 + k·t)：1/k 步后学习率为初始值的一半，9/k 步后为十分之一。",
    "minimum rate": "最小学习率",
    "The rate at the end of one run's steps (and after them).": "一次运行结束时（及之后）的学习率。",
    "Weight decay λ": "权重衰减 λ",
    "Pulls every weight towards 0 (regularisation). adam/sgd/rmsprop: the gradient of (λ/2)‖θ‖² is added before "
    "clipping (L2); adamw: decoupled, θ ← θ(1 − lr·λ).":
        "把每个权重拉向 0（正则化）。adam/sgd/rmsprop：在裁剪前加上 (λ/2)‖θ‖² 的梯度（L2）；"
        "adamw：解耦，θ ← θ(1 − lr·λ)。",
    "Evaluate every (steps)": "评估间隔（步）",
    "How often the validation loss (held-out data) and the loss of a fixed training subset are measured, both "
    "without dropout (0: never; early stopping needs it).":
        "每隔多少步测量一次验证损失（留出数据）和固定训练子集上的损失，两者都不用 Dropout（0：从不；早停需要它）。",
    "Truncated BPTT k": "截断 BPTT k",
    "The hidden state carries over from window to window, but the gradient is cut every k time steps: no error "
    "reaches back further than k steps (cheaper, shorter memory). 0: full backpropagation through time.":
        "隐状态从一个窗口延续到下一个窗口，但梯度每 k 个时间步截断一次：误差最多只能回传 k 步"
        "（开销更小，记忆更短）。0：完整的随时间反向传播。",
    "Early stopping: patience": "早停：耐心",
    "Stop after this many evaluations in a row without a better validation loss, and put back the weights of the "
    "best one (0: never stop early).":
        "连续这么多次评估验证损失都没有改善时停止训练，并恢复最佳那次的权重（0：从不早停）。",
    "min Δ": "最小 Δ",
    "A validation loss counts as better only when it is lower than the best by more than this.":
        "验证损失须比最佳值低出超过此值，才算改善。",
    "Metric on the loss chart": "损失图上的指标",
    "none": "无",
    "Drawn on the right axis, on each training batch (dotted) and on the validation set.":
        "画在右侧坐标轴上：每个训练批次上的值（点线）和验证集上的值。",
    "Log-scale loss": "损失取对数坐标",
    "Heatmap layer": "热力图的层",
    "layer {n}": "第 {n} 层",
    "Step **{step}**": "第 **{step}** 步",
    "this run {done} / {steps}": "本次运行 {done} / {steps}",
    "loss {loss:.4g}": "损失 {loss:.4g}",
    "Training paused: the gradients exploded at {why} The charts show the last finite values. Restore the last "
    "good weights, then lower the learning rate or turn on clipping.":
        "训练已暂停：梯度爆炸，发生在{why}图表显示的是最后的有限值。请先恢复最后一组正常的权重，"
        "再降低学习率或开启梯度裁剪。",
    "Restore last good weights": "恢复最后一组正常的权重",
    "{stop} Start goes on from these weights.": "{stop}按“开始”将从这组权重继续训练。",
    "Test set ({n} sequences, never used in training), weights of step {step}: loss **{loss:.4g}**":
        "测试集（{n} 个序列，从未用于训练），第 {step} 步的权重：损失 **{loss:.4g}**",
    "(the model has trained {n} steps since)": "（此后模型又训练了 {n} 步）",
    # chart captions
    "The loss falls as the model learns; below the dashed baseline it does better than the best guess that ignores "
    "the sequence. The dots are evaluations without dropout: the validation loss (held-out data) and the loss on a "
    "fixed training subset; when they part, the model overfits. The strip below: the learning rate of each step.":
        "模型学习时损失下降；低于虚线基线，说明它胜过不看序列的最佳猜测。圆点是不用 Dropout 的评估："
        "验证损失（留出数据）和固定训练子集上的损失；两者分开时，模型过拟合。下方窄条：每一步的学习率。",
    "How much the loss depends on the hidden state at each time step: a curve that drops steeply towards t = 1 "
    "means the gradient vanishes (blue: below 10⁻⁶ of a later value); one that rises means it explodes (red: above "
    "10³ times a later value).":
        "损失对每个时间步隐状态的依赖程度：曲线朝 t = 1 急剧下降，表示梯度消失（蓝色：低于后面某个值的 10⁻⁶）；"
        "曲线上升，表示梯度爆炸（红色：超过后面某个值的 10³ 倍）。",
    "Dashed: the cuts of truncated BPTT (every {k} steps); grey: steps no gradient reaches.":
        "虚线：截断 BPTT 的截断位置（每 {k} 步）；灰色：梯度到达不了的时间步。",
    "The gradient of each weight matrix and bias before clipping: which part of the network is learning.":
        "裁剪前每个权重矩阵和偏置的梯度：网络的哪一部分在学习。",
    "Each row is one probe of ‖∂L/∂hₜ‖ (colour, log₁₀): dark cells are time steps that get almost no gradient; "
    "read up the rows to see how training changed the flow.":
        "每一行是 ‖∂L/∂hₜ‖ 的一次探测（颜色表示 log₁₀）：深色格子是几乎得不到梯度的时间步；"
        "自下而上读各行，看训练如何改变了梯度的流动。",
    "If σ_max of W_hh stays below 1/γ = 1 (γ = 1 for tanh) the gradient of a vanilla RNN must vanish over time; "
    "above it, it can explode. ρ (dotted) is the largest |eigenvalue|.":
        "如果 W_hh 的 σ_max 保持在 1/γ = 1 以下（tanh 的 γ = 1），普通 RNN 的梯度必然随时间消失；"
        "高于它，梯度就可能爆炸。ρ（点线）是最大的 |特征值|。",
    "Eigenvalues of each W_hh block: outside the dashed unit circle a direction grows at every step, inside it "
    "shrinks.": "每个 W_hh 块的特征值：在虚线单位圆外，对应方向每一步都在增长；在圆内则在收缩。",
    "**Why gradients vanish or explode.** Backpropagation through time multiplies one Jacobian per step, "
    "∂h_T/∂h_t = Π diag(φ′(a_k)) W_hh, so the gradient reaching step t shrinks or grows roughly like "
    "(γ·σ_max)^(T−t). Clipping the global norm (g ← g·θ/‖g‖ when ‖g‖ > θ) tames explosions; LSTM and GRU avoid "
    "vanishing through their additive cell/update path (f ≈ 1, z ≈ 1).":
        "**梯度为什么会消失或爆炸。** 随时间反向传播每一步乘一个雅可比矩阵，∂h_T/∂h_t = Π diag(φ′(a_k)) W_hh，"
        "所以到达第 t 步的梯度大致按 (γ·σ_max)^(T−t) 缩小或增长。裁剪全局范数（‖g‖ > θ 时 g ← g·θ/‖g‖）"
        "可以抑制梯度爆炸；LSTM 和 GRU 通过加性的细胞/更新路径（f ≈ 1，z ≈ 1）避免梯度消失。",
    # the charts (explorer/views/plots_train.py)
    "Loss": "损失",
    "loss": "损失",
    "training step": "训练步",
    "training loss (each batch)": "训练损失（每个批次）",
    "validation loss": "验证损失",
    "training loss (fixed subset)": "训练损失（固定子集）",
    "learning rate": "学习率",
    "step %{x}<br>lr %{y:.3g}<extra></extra>": "第 %{x} 步<br>lr %{y:.3g}<extra></extra>",
    "{metric} (training)": "{metric}（训练）",
    "{metric} (validation)": "{metric}（验证）",
    "baseline: {label}": "基线：{label}",
    # the tasks' baselines (explorer/data/tasks.py), named in the legend
    "early stop": "早停",
    "weights restored from": "权重恢复自",
    "stop {step} → weights of {best}": "第 {step} 步停止 → 第 {best} 步的权重",
    "gradient cut (truncated BPTT)": "梯度截断（截断 BPTT）",
    "vanished": "梯度消失",
    "exploded": "梯度爆炸",
    "no gradient: cut": "无梯度：已截断",
    "vanished ({label})": "梯度消失（{label}）",
    "exploded ({label})": "梯度爆炸（{label}）",
    "no gradient: cut ({label})": "无梯度：已截断（{label}）",
    "‖∂L/∂hₜ‖ through time at step {step}": "第 {step} 步时 ‖∂L/∂hₜ‖ 随时间的变化",
    "‖∂L/∂hₜ‖ through time (no probe yet)": "‖∂L/∂hₜ‖ 随时间的变化（尚未探测）",
    "t=%{x}<br>step %{y}<br>log₁₀‖∂L/∂hₜ‖=%{z:.2f}<extra></extra>":
        "t=%{x}<br>第 %{y} 步<br>log₁₀‖∂L/∂hₜ‖=%{z:.2f}<extra></extra>",
    "Gradient flow over training": "训练过程中的梯度流",
    "Gradient flow over training ({label})": "训练过程中的梯度流（{label}）",
    "Gradient flow over training, cut every {k} steps": "训练过程中的梯度流，每 {k} 步截断",
    "Gradient flow over training ({label}), cut every {k} steps": "训练过程中的梯度流（{label}），每 {k} 步截断",
    "Gradient norm per parameter": "每个参数的梯度范数",
    "before clipping": "裁剪前",
    "after clipping": "裁剪后",
    "clipped": "已裁剪",
    "{gate}, layer {n}": "{gate}，第 {n} 层",
    "σ_max (solid) and spectral radius ρ (dotted) of W_hh": "W_hh 的 σ_max（实线）和谱半径 ρ（点线）",
    "Eigenvalues of W_hh": "W_hh 的特征值",
    "Eigenvalues of W_hh at step {step}": "第 {step} 步时 W_hh 的特征值",
    # bidirectional models (pages/train.py, explorer/views/train_payload.py, plots_train.py)
    "forward →": "正向 →",
    "backward ←": "反向 ←",
    "layer {n} forward →": "第 {n} 层 正向 →",
    "layer {n} backward ←": "第 {n} 层 反向 ←",
    "{label} (flows T → 1)": "{label}（梯度从 T 流向 1）",
    "{label} (flows 1 → T)": "{label}（梯度从 1 流向 T）",
    "Heatmap direction": "热力图的方向",
    "Which chain's gradient the heatmap shows: the forward chain's flows from t = T back to 1, the backward "
    "chain's from t = 1 up to T.":
        "热力图显示哪条链的梯度：正向链的梯度从 t = T 往回流到 1，反向链的梯度从 t = 1 往后流到 T。",
    "Bidirectional: one curve per chain. The backward chain (dashed) read the sequence from x_T down to x_1, so "
    "its gradient flows the other way, from t = 1 up to T: it vanishes towards t = T, and its shading compares "
    "each step with the steps before it.":
        "双向网络：每条链一条曲线。反向链（虚线）从 x_T 倒着读到 x_1，所以它的梯度反方向流动，从 t = 1 流到 T："
        "它朝 t = T 方向消失，它的阴影区域把每一步与它之前的各步比较。",
    "Each chain has its own W_hh: → the forward chain's, ← the backward chain's (dashed; its ρ dash-dotted).":
        "每条链都有自己的 W_hh：→ 为正向链的，← 为反向链的（虚线；其 ρ 为点划线）。",
    "Open diamonds: the backward chain's W_hh (←).": "空心菱形：反向链的 W_hh（←）。",
    # saliency (pages/train.py, explorer/views/train_payload.py, plots_train.py)
    "Saliency ‖∂ỹₜ/∂xₛ‖ (no probe yet)": "显著性 ‖∂ỹₜ/∂xₛ‖（尚未探测）",
    "Saliency of probe sample 1 at step {step}": "第 {step} 步时探测样本 1 的显著性",
    "Mean saliency of {n} probe samples at step {step}": "第 {step} 步时 {n} 个探测样本的平均显著性",
    "output step t = %{y}, input step s = %{x}<br>‖∂ỹₜ/∂xₛ‖ = %{customdata:.3g}<extra></extra>":
        "输出步 t = %{y}，输入步 s = %{x}<br>‖∂ỹₜ/∂xₛ‖ = %{customdata:.3g}<extra></extra>",
    "input step s": "输入步 s",
    "output step t": "输出步 t",
    "Which inputs the model uses, and how far back: each row is one output step t, each column an input step s, "
    "the colour how strongly ỹₜ (the output, or the logit of the predicted class) changes with xₛ. Here for one "
    "sequence of the probe batch, its inputs drawn above: in the adding problem the two marked inputs are the "
    "brightest once the model has learnt the task (clearest with the log scale off). Blank: inputs after t, which "
    "a one-way model cannot read.":
        "模型用到了哪些输入、能往回看多远：每一行是一个输出步 t，每一列是一个输入步 s，颜色表示 ỹₜ"
        "（输出，或预测类别的 logit）随 xₛ 变化的强弱。这里是探测批次中的一条序列，上方画出它的输入：在加法问题中，"
        "模型学会任务后，两个被标记的输入最亮（关闭对数刻度时最明显）。空白：t 之后的输入，单向模型读不到它们。",
    "Log saliency": "对数显著性",
    "On: colour by log₁₀, over four decades below the largest value, so that faint dependences far back still "
    "show. Off: colour by the value itself, so that the inputs an output uses most stand out.":
        "开：按 log₁₀ 着色，覆盖最大值以下四个数量级，远处微弱的依赖也能看见。关：按数值本身着色，"
        "输出最依赖的输入会更突出。",
    "input": "输入",
    "The same averaged over the {n} sequences of the probe batch: how far back the model reaches in general. "
    "Along a row, the colour fades with the distance from the dotted diagonal s = t; for a vanilla RNN it "
    "typically fades within a few steps, gated cells (LSTM, GRU) can reach further. Measured every few probes "
    "(more rarely for long sequences), on the current weights.":
        "同一量在探测批次 {n} 条序列上的平均：模型一般能往回看多远。沿着一行，颜色随着与点线对角线 s = t 的距离"
        "而变淡；普通 RNN 通常几步之内就淡去，带门控的单元（LSTM、GRU）能看得更远。每隔几次探测测量一次"
        "（序列较长时更少），使用当前的权重。",
    # the trainer's refusals of truncated BPTT
    "Truncated BPTT needs a unidirectional model: a bidirectional layer reads the whole sequence backwards. Set "
    "tbptt to 0 or make the model unidirectional.":
        "截断 BPTT 需要单向模型：双向层会把整个序列倒着读一遍。请把 tbptt 设为 0，或把模型改为单向。",
    "Truncated BPTT needs sequences of one length: this task pads its texts to the longest in each batch and reads "
    "them packed. Set tbptt to 0.":
        "截断 BPTT 需要等长的序列：这个任务把每个批次的文本填充到最长的那条，并以打包的形式读取。请把 tbptt 设为 0。",
    "Truncated BPTT needs the head to read h_t (pool \"last\"): the mean over the sequence would start again in "
    "every window. Set tbptt to 0 or pool to last.":
        "截断 BPTT 需要输出层读取 h_t（池化方式 \"last\"）：对序列取平均会在每个窗口里重新开始。"
        "请把 tbptt 设为 0，或把池化方式改为 last。",
}
