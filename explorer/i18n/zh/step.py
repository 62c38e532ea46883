"""简体中文: the Step-through page (pages/step_through.py, pages/step_text.py) and the views it builds
(explorer/views/step_payload.py, step_twoway.py, sentiment_payload.py, plots_step.py, stepview.py, equations.py's
words)."""
ZH = {
    # pages/step_through.py: which sample
    "Run one sample through the network and look at every number it computes, one time step at a time.":
        "让一个样本流过网络，一个时间步一个时间步地查看它算出的每一个数。",
    "Type my own text": "输入我自己的文本",
    "Input text": "输入文本",
    "Only characters of the training text can be used.": "只能使用训练文本中出现过的字符。",
    "Sample (0–{last} of a fixed batch)": "样本（固定批次中的第 0–{last} 个）",
    "The unit whose equations are written out and whose activation colours the text.":
        "写出其方程、并用其激活值给文本着色的那个单元。",
    "Direction": "方向",
    "forward →": "正向 →",
    "backward ←": "反向 ←",
    "A bidirectional layer has two chains with their own weights: the forward one reads t = 1 … T, the backward one "
    "T … 1. The unit and its equations are those of the chain chosen here.":
        "双向层有两条链，各有自己的权重：正向链按 t = 1 … T 读取，反向链按 T … 1 读取。这里显示的单元及其方程属于所选的那条链。",
    "{error} Showing sample {index} instead.": "{error}改为显示样本 {index}。",
    "untrained (train it on the Train page)": "未训练（请在训练页上训练）",
    "{name}, 1 layer × {units} units per direction": "{name}，1 层 × 每个方向 {units} 个单元",
    "{name}, {layers} layers × {units} units per direction": "{name}，{layers} 层 × 每个方向 {units} 个单元",
    "{net}, {trained} · task **{task}**, T = {T} · loss on this sample **{loss:.4g}**":
        "{net}，{trained} · 任务：**{task}**，T = {T} · 这个样本上的损失 **{loss:.4g}**",
    "A bidirectional model: each bar row and heatmap below holds the forward chain's units (0–{last}), then the "
    "backward chain's ({first}–{end}); the equations and the coloured text follow the direction chosen above; the "
    "trajectory reads [h→_t; h←_t]. Below, \"The two chains\" shows each chain on its own, and the backward pass "
    "each chain's gradient.":
        "这是一个双向模型：下面每一行条形图和每张热力图先是正向链的单元（0–{last}），再是反向链的单元"
        "（{first}–{end}）；方程和着色文本跟随上面选择的方向；轨迹读取的是 [h→_t; h←_t]。下方的“两条链”分别显示每条链，"
        "反向传播部分则显示每条链各自的梯度。",
    "Trace (NPZ)": "轨迹数据 (NPZ)",
    "Every input, state, gate and output of this sample, as numpy arrays.":
        "这个样本的每个输入、状态、门和输出，保存为 numpy 数组。",
    # the player
    "Time step t": "时间步 t",
    "t = {t} of {T}": "t = {t}，共 {T} 步",
    "One step back": "后退一步",
    "One step forward": "前进一步",
    # the state, the step, the equations
    "Each bar is one unit: hidden state h_t (red positive, blue negative), cell state c_t and the gates "
    "(dark 0 … yellow 1; g is tanh, −1 … 1).":
        "每个条形是一个单元：隐状态 h_t（红色为正，蓝色为负）、细胞状态 c_t 和各个门（深色 0 … 黄色 1；g 是 tanh，−1 … 1）。",
    "Each bar is one unit: hidden state h_t (red positive, blue negative) and the gates (dark 0 … yellow 1; n is "
    "tanh, −1 … 1).":
        "每个条形是一个单元：隐状态 h_t（红色为正，蓝色为负）和各个门（深色 0 … 黄色 1；n 是 tanh，−1 … 1）。",
    "Each bar is one unit: hidden state h_t (red positive, blue negative).":
        "每个条形是一个单元：隐状态 h_t（红色为正，蓝色为负）。",
    "The model's output at every step (line) against what it should output (dashed); the dot is step t.":
        "模型在每一步的输出（实线）与它应当输出的值（虚线）对比；圆点是第 t 步。",
    # the two chains
    "The two chains": "两条链",
    "Backward chain in its reading order (T … 1)": "反向链按其读取顺序显示（T … 1）",
    "On: as t advances, the backward chain is shown at step T + 1 − t, the step it computes when it has read as many "
    "inputs as the forward chain (it starts at x_T). Off: both chains at the same step t, the two halves of the "
    "layer's output h_t = [h→_t; h←_t].":
        "开：随着 t 前进，反向链显示在第 T + 1 − t 步，即它读过与正向链同样多的输入时所计算的那一步（它从 x_T 开始）。"
        "关：两条链显示在同一步 t，即该层输出 h_t = [h→_t; h←_t] 的两半。",
    "Each chain of layer {layer}: the forward one → reads x1, x2, …, xT, each step from the state of step t − 1; the "
    "backward one ← reads xT, xT−1, …, x1, each step from the state of step t + 1, with its own weights. The layer's "
    "output at t joins the two: h_t = [h→_t; h←_t].":
        "第 {layer} 层的每条链：正向链 → 依次读取 x_1, x_2, …, x_T，每一步都从第 t − 1 步的状态算起；反向链 ← 依次读取 "
        "x_T, x_T−1, …, x_1，每一步都从第 t + 1 步的状态算起，并有自己的权重。该层在 t 时的输出把两者拼接起来："
        "h_t = [h→_t; h←_t]。",
    # the coloured input
    "**Input coloured by unit {unit} of layer {layer}**": "**按第 {layer} 层单元 {unit} 着色的输入**",
    "**Input coloured by unit {unit} of layer {layer} (forward chain)**":
        "**按第 {layer} 层单元 {unit}（正向链）着色的输入**",
    "**Input coloured by unit {unit} of layer {layer} (backward chain)**":
        "**按第 {layer} 层单元 {unit}（反向链）着色的输入**",
    "(red positive, blue negative; the outlined symbol is step t; hover for the value)":
        "（红色为正，蓝色为负；加框的符号是第 t 步；鼠标悬停可查看数值）",
    # over all steps
    "Over all steps": "所有时间步",
    "Heatmaps": "热力图",
    "The hidden states are not finite (training diverged?): no trajectory to show.":
        "隐状态不是有限值（训练发散了？）：无法显示轨迹。",
    "h_t of layer {layer} projected on its two main directions (PCA), coloured by t; the two components explain "
    "{first:.1f}% and {second:.1f}% of the variance; the large dot is step t.":
        "第 {layer} 层的 h_t 投影到它的两个主方向上 (PCA)，按 t 着色；两个主成分分别解释了 {first:.1f}% 和 "
        "{second:.1f}% 的方差；大圆点是第 t 步。",
    "Every unit's {name} (rows) at every step (columns); the dotted line is step t.":
        "每个单元的 {name}（行）在每一步（列）的值；点线是第 t 步。",
    # saliency
    "Which inputs each output uses: saliency": "每个输出用到了哪些输入：显著性",
    "This sample": "这个样本",
    "Mean over the probe batch": "探测批次上的平均",
    "Saliency of": "显著性来自",
    "One sample, or the mean over the Train page's fixed probe batch (the same samples its saliency probe uses).":
        "一个样本，或训练页固定探测批次上的平均（与它的显著性探测使用相同的样本）。",
    "Log colour scale": "对数色标",
    "Colour by the logarithm of the value, over four decades below the largest: a dependence a thousand times "
    "weaker still shows. Off: a linear scale from 0.":
        "按数值的对数着色，覆盖最大值以下四个数量级：弱一千倍的依赖也能看出来。关：从 0 开始的线性色标。",
    "Saliency of this sample: ‖∂ỹ_t/∂x_s‖": "这个样本的显著性：‖∂ỹ_t/∂x_s‖",
    "Saliency, mean over the {n} probe samples: ‖∂ỹ_t/∂x_s‖": "显著性，{n} 个探测样本上的平均：‖∂ỹ_t/∂x_s‖",
    "the output": "输出",
    "the logit of the class it predicts": "它预测的那个类别的 logit",
    "How to read it: row t shows how much the model's output at step t ({target}, ỹ_t) changes with each input x_s, "
    "the size of ∂ỹ_t/∂x_s. Bright cells are the inputs this output uses; how far left of the diagonal they reach is "
    "how far back the model remembers. A one-way model has nothing right of the diagonal (it has not read those "
    "inputs yet); a bidirectional one may use both sides. The outlined row is step t (with more than 50 steps, every "
    "few rows are kept and the nearest one is outlined).":
        "怎么读：第 t 行表示模型在第 t 步的输出（{target}，ỹ_t）随每个输入 x_s 变化多少，即 ∂ỹ_t/∂x_s 的大小。"
        "亮的格子是这个输出用到的输入；它们在对角线左侧延伸多远，模型就记得多远。单向模型在对角线右侧什么也没有"
        "（它还没读到那些输入）；双向模型两侧都可能用到。加框的行是第 t 步（超过 50 步时每隔几行保留一行，"
        "框出最近的一行）。",
    # the backward pass
    "Steps travelled backwards from t = T": "从 t = T 往回传播的步数",
    "{b} of {n}": "{b} / {n}",
    "One step less": "少退一步",
    "One step further back": "再往回一步",
    "Backpropagation starts at the last step; move right to follow the gradient towards t = 1.":
        "反向传播从最后一步开始；向右移动，跟随梯度走向 t = 1。",
    "Bidirectional: the chart on the left shows ‖∂L/∂h_t‖ of both chains together, ‖∂h_T/∂h_t‖ that of the forward "
    "chain; each chain's own gradient is below.":
        "双向模型：左图显示两条链合在一起的 ‖∂L/∂h_t‖，‖∂h_T/∂h_t‖ 则是正向链的；每条链各自的梯度在下方。",
    "For a vanilla RNN, ‖∂h_T/∂h_t‖ ≤ σ_max(W_hh)^(T−t) because |φ′| ≤ 1; here σ_max = {sigma:.3f}, so below 1 the "
    "dependence on early steps must vanish.":
        "对普通 RNN，由于 |φ′| ≤ 1，有 ‖∂h_T/∂h_t‖ ≤ σ_max(W_hh)^(T−t)；这里 σ_max = {sigma:.3f}，"
        "所以当它小于 1 时，对早期时间步的依赖必然消失。",
    "‖∂h_T/∂h_t‖ within layer {layer}. No simple bound for the {cell}: its additive cell-state path keeps the "
    "dependence alive only while the forget gates f stay near 1.":
        "第 {layer} 层内的 ‖∂h_T/∂h_t‖。{cell} 没有简单的上界：它的加性细胞状态通路只有在遗忘门 f 保持接近 1 时才能"
        "让依赖保持下去。",
    "‖∂h_T/∂h_t‖ within layer {layer}. No simple bound for the {cell}: its additive update path keeps the dependence "
    "alive only while the update gates z stay near 1.":
        "第 {layer} 层内的 ‖∂h_T/∂h_t‖。{cell} 没有简单的上界：它的加性更新通路只有在更新门 z 保持接近 1 时才能"
        "让依赖保持下去。",
    "Each chain's gradient as backpropagation travels (the slider above): the forward chain's ‖∂L/∂h→_t‖ flows from "
    "t = T down to 1, like a one-way network's; the backward chain computed h←_t from h←_(t+1), so its gradient "
    "‖∂L/∂h←_t‖ flows the other way, from t = 1 up to T. The dotted lines are where each has got to; a step the "
    "loss does not reach (yet) has gradient 0 and is not drawn on the log axis.":
        "随着反向传播推进（上方的滑块），每条链各自的梯度：正向链的 ‖∂L/∂h→_t‖ 从 t = T 流向 1，和单向网络一样；"
        "反向链由 h←_(t+1) 算出 h←_t，所以它的梯度 ‖∂L/∂h←_t‖ 朝另一个方向流动，从 t = 1 流向 T。点线标出各自已到达"
        "的位置；损失（尚未）到达的时间步梯度为 0，在对数坐标轴上不画出。",
    # text generation
    "Generate text": "生成文本",
    "Prompt": "提示文本",
    "Temperature": "温度",
    "0 always picks the most likely character; higher is more random.": "0 总是选最可能的字符；越高越随机。",
    "Length": "长度",
    "Generate": "生成",
    "The prompt (bold) and what the model wrote after it, one character at a time, sampling from "
    "softmax(logits / temperature); the same seed gives the same text.":
        "提示文本（粗体）以及模型在其后逐个字符写出的内容，按 softmax(logits / 温度) 采样；"
        "相同的随机种子生成相同的文本。",
    # pages/step_text.py: sentiment, word by word
    "Type my own sentence": "输入我自己的句子",
    "Words the training texts did not contain (or contained only once) are read as <unk>.":
        "训练文本中没有出现（或只出现过一次）的词会被读作 <unk>。",
    "Your sentence": "你的句子",
    "Its label": "它的标签",
    "What you mean the sentence to be: the loss, and so the backward pass, use it.":
        "你认为这句话属于哪一类：损失以及反向传播都会用到它。",
    "Type at least one word. Showing the chosen sample instead.": "请至少输入一个词。改为显示所选的样本。",
    "the last real word's h_t": "最后一个真实词的 h_t",
    "the mean of h_1 … h_t over the real words": "真实词上 h_1 … h_t 的平均",
    "Each word is coloured by P(positive) after reading it (vermillion negative, white 0.5, blue positive); the "
    "outlined word is step t; greyed <pad> steps fill the batch after the text's end and are never read (the clock "
    "stops at the last word). The head reads {pool}.":
        "每个词按读完它之后的 P(正面) 着色（朱红为负面，白色为 0.5，蓝色为正面）；加框的词是第 t 步；灰色的 <pad> "
        "步在文本结束后填满批次，从不被读取（时钟停在最后一个词）。输出层读取的是{pool}。",
    "The embedding maps id i to row i of a learned {V:,} × {E} matrix: x_t is that row, the same for every occurrence "
    "of the word.":
        "嵌入把 id i 映射到一个学到的 {V:,} × {E} 矩阵的第 i 行：x_t 就是这一行，这个词每次出现时都相同。",
    "Without an embedding (size 0) x_t is the one-hot vector of the id: {V:,} numbers, all 0 but a 1 at the id.":
        "没有嵌入（维度 0）时，x_t 是该 id 的独热向量：共 {V:,} 个数，除 id 处为 1 外全为 0。",
    "The state bars above show the hidden state h_t as the words are read.": "上方的状态条形图显示读词过程中的隐状态 h_t。",
    "Evaluate on the test split": "在测试集上评估",
    "Evaluate": "评估",
    "Read every test text and score the answers.": "读取每一条测试文本并为答案评分。",
    "Scores every text of the test split (never trained on) with the current weights.":
        "用当前权重为测试集（从未用于训练）中的每一条文本评分。",
    "Accuracy": "准确率",
    "true negative": "真实为负面",
    "true positive": "真实为正面",
    "predicted negative": "预测为负面",
    "predicted positive": "预测为正面",
    "{n:,} test texts, trained for {steps:,} steps. Rows: the true class; columns: the model's answer at the last "
    "word.":
        "{n:,} 条测试文本，已训练 {steps:,} 步。行：真实类别；列：模型在最后一个词处的回答。",
    # explorer/views/step_payload.py
    "{name} (layer {n})": "{name}（第 {n} 层）",
    "State at t = {t}": "t = {t} 时的状态",
    "value": "值",
    "x<sub>t</sub> = embedding of <b>{symbol}</b> (id {id}, {n} numbers)":
        "x<sub>t</sub> = <b>{symbol}</b> 的嵌入（id {id}，{n} 个数）",
    "x<sub>t</sub> = one-hot of <b>{symbol}</b>": "x<sub>t</sub> = <b>{symbol}</b> 的独热向量",
    "x<sub>t</sub> = (value <b>{value:.4f}</b>, marker <b>{marker:.0f}</b>)":
        "x<sub>t</sub> = （数值 <b>{value:.4f}</b>，标记 <b>{marker:.0f}</b>）",
    "Step t = {t} of {T}": "第 t = {t} 步，共 {T} 步",
    "— (no loss at this step)": "—（这一步不计损失）",
    "prediction <b>{pred}</b> · target {target}": "预测 <b>{pred}</b> · 目标 {target}",
    "{name} ✓ target": "{name} ✓ 目标",
    "Prediction at t = {t}: top {k}": "t = {t} 时的预测：前 {k} 名",
    "The model's most likely outputs at this step; no target here (the loss does not count this step).":
        "模型在这一步最可能的输出；这里没有目标（损失不计这一步）。",
    "The model's most likely outputs at this step; the target is {target!r} (p = {p:.3f}), coloured if it is among "
    "them.":
        "模型在这一步最可能的输出；目标是 {target!r}（p = {p:.3f}），若在其中则以颜色标出。",
    "At t = {t0}, {h} = 0 and {c} = 0. ": "在 t = {t0} 时，{h} = 0 且 {c} = 0。",
    "At t = {t0}, {h} = 0. ": "在 t = {t0} 时，{h} = 0。",
    " For layer > 0, x<sub>t</sub> is the h<sub>t</sub> of the layer below.":
        "对于层号 > 0 的层，x<sub>t</sub> 是下一层的 h<sub>t</sub>。",
    " For layer > 0, x<sub>t</sub> is [h→<sub>t</sub>; h←<sub>t</sub>] of the layer below.":
        "对于层号 > 0 的层，x<sub>t</sub> 是下一层的 [h→<sub>t</sub>; h←<sub>t</sub>]。",
    " ({direction})": "（{direction}）",
    "Unit {unit} of layer {layer}{arrow} at t = {t}, by hand": "手算：第 {layer} 层单元 {unit}{arrow}，t = {t}",
    "This unit's equations with this step's numbers, to redo by hand{chain}: W<sub>ih</sub> x<sub>t</sub> + "
    "b<sub>ih</sub> first, then W<sub>hh</sub> {h} + b<sub>hh</sub>. {note}σ is the logistic sigmoid.{below}":
        "这个单元的方程，代入了这一步的数值，可以动手重算{chain}：先算 W<sub>ih</sub> x<sub>t</sub> + b<sub>ih</sub>，"
        "再算 W<sub>hh</sub> {h} + b<sub>hh</sub>。{note}σ 是 logistic sigmoid 函数。{below}",
    "{name} of layer {layer}: units × time": "第 {layer} 层的 {name}：单元 × 时间",
    "‖∂L/∂h<sub>t</sub>‖ of this sample's loss for t from {T} down to {t} (log scale): does the gradient shrink or "
    "grow as it travels back?":
        "这个样本的损失对 t 从 {T} 到 {t} 的 ‖∂L/∂h<sub>t</sub>‖（对数坐标）：梯度往回传时是变小还是变大？",
    # explorer/views/equations.py
    "forward direction →: reads x<sub>1</sub>, x<sub>2</sub>, …, x<sub>T</sub>; its state comes from step t − 1":
        "正向 →：依次读取 x<sub>1</sub>, x<sub>2</sub>, …, x<sub>T</sub>；它的状态来自第 t − 1 步",
    "backward direction ←: reads x<sub>T</sub>, x<sub>T−1</sub>, …, x<sub>1</sub>; its state comes from step t + 1":
        "反向 ←：依次读取 x<sub>T</sub>, x<sub>T−1</sub>, …, x<sub>1</sub>；它的状态来自第 t + 1 步",
    # explorer/views/plots_step.py
    "target": "目标",
    "prediction": "预测",
    "Prediction vs target": "预测与目标",
    "Backward pass: ‖∂L/∂h_t‖ from t = T back": "反向传播：从 t = T 往回的 ‖∂L/∂h_t‖",
    "bound σ_max^(T−t)": "上界 σ_max^(T−t)",
    "How much h_T depends on h_t: ‖∂h_T/∂h_t‖": "h_T 在多大程度上依赖 h_t：‖∂h_T/∂h_t‖",
    "Hidden-state trajectory (PCA)": "隐状态轨迹 (PCA)",
    "PC{k} ({pct:.1f}% of variance)": "PC{k}（方差的 {pct:.1f}%）",
    # explorer/views/step_twoway.py
    "Forward chain → at t = {t}: it has read x1 … x{t}": "t = {t} 时的正向链 →：已读取 x1 … x{t}",
    "Backward chain ← at t = {t}: it has read x{T} … x{t}": "t = {t} 时的反向链 ←：已读取 x{T} … x{t}",
    "forward chain ∂L/∂h→_t (travels T → 1)": "正向链 ∂L/∂h→_t（从 T 传到 1）",
    "backward chain ∂L/∂h←_t (travels 1 → T)": "反向链 ∂L/∂h←_t（从 1 传到 T）",
    "Each chain's gradient, layer {layer}: ‖∂L/∂h→_t‖ and ‖∂L/∂h←_t‖": "第 {layer} 层每条链的梯度：‖∂L/∂h→_t‖ 和 ‖∂L/∂h←_t‖",
    "output step t": "输出步 t",
    "input step s": "输入步 s",
    # explorer/views/sentiment_payload.py
    "t={t} {token!r} (id {id}, unknown): P(positive) = {p:.3f}": "t={t} {token!r}（id {id}，未知词）：P(正面) = {p:.3f}",
    "t={t} {token!r} (id {id}): P(positive) = {p:.3f}": "t={t} {token!r}（id {id}）：P(正面) = {p:.3f}",
    "padding: the network does not read it (the batch's longer texts go on)":
        "填充：网络不读取它（批次中更长的文本还在继续）",
    "<b>{token}</b> (id {id}, unknown: read as &lt;unk&gt;)": "<b>{token}</b>（id {id}，未知词：读作 &lt;unk&gt;）",
    "<b>{token}</b> (id {id})": "<b>{token}</b>（id {id}）",
    " (was {p:.3f})": "（之前为 {p:.3f}）",
    "Word {t} of {n}: {read} · P(positive) after it = <b>{p:.3f}</b>{move}":
        "第 {t} 个词，共 {n} 个：{read} · 读完后 P(正面) = <b>{p:.3f}</b>{move}",
    " The text is labelled <b>{label}</b>.": "这段文本的标签是<b>{label}</b>。",
    "After the last word the model says <b>{said}</b> (P(positive) = {p:.3f}).{truth}":
        "读完最后一个词后，模型判断为<b>{said}</b>（P(正面) = {p:.3f}）。{truth}",
    "P(positive)": "P(正面)",
    "P(positive) after each word": "读完每个词后的 P(正面)",
    "word t": "词 t",
    "x_t at t = {t}: the embedding vector": "t = {t} 时的 x_t：嵌入向量",
    "x_t at t = {t}: the one-hot vector": "t = {t} 时的 x_t：独热向量",
    "dimension": "维度",
    # explorer/views/stepview.py, explorer/data/tasks.py: a typed text or prompt
    "Type at least 2 characters (the model predicts each next one).": "请至少输入 2 个字符（模型预测每一个下一个字符）。",
    "The text has {n} characters; the limit is {limit}.": "文本有 {n} 个字符；上限是 {limit}。",
    "Type a prompt of at least one character.": "请输入至少一个字符的提示文本。",
    "characters not in the alphabet: {chars}": "字母表中没有这些字符：{chars}",
}
