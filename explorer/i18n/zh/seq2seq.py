"""简体中文: the Seq2seq page (pages/seq2seq.py, pages/seq2seq_state.py)."""
ZH = {
    # pages/seq2seq.py: the page and its setup
    "Sequence to sequence with attention": "带注意力机制的序列到序列 (seq2seq)",
    "An encoder reads the source into one state per position; a decoder writes the output one token at a time, "
    "and at every step attention decides which source positions it reads.":
        "编码器把源序列读成每个位置一个状态；解码器一次写出一个输出词元，每一步由注意力机制决定它读取哪些源位置。",
    "Show": "显示",
    "Translate step by step": "逐步翻译",
    "Reverse a string": "反转字符串",
    "Sort a string": "字符串排序",
    "Dates to ISO 8601 (2026-11-28)": "日期转换为 ISO 8601 (2026-11-28)",
    "Vanilla RNN": "普通 RNN",
    "none (the encoder's last state)": "无（编码器的最后状态）",
    "additive (Bahdanau)": "加性 (Bahdanau)",
    "dot (Luong)": "点积 (Luong)",
    "general (Luong)": "一般式 (Luong)",
    "Setup: task, encoder–decoder, attention": "设置：任务、编码器–解码器、注意力机制",
    "Task": "任务",
    "Reverse or sort a string of letters, or rewrite a date given in any of 13 forms as YYYY-MM-DD. Each has "
    "held-out validation data.":
        "反转或排序一串字母，或把以 13 种写法之一给出的日期改写为 YYYY-MM-DD。每个任务都有留出的验证集。",
    "Source length": "源序列长度",
    "Shortest and longest source, in letters: long sources are where attention matters.":
        "最短和最长的源序列（字母数）：源序列越长，注意力机制越重要。",
    "Letters": "字母数",
    "The alphabet: the first n letters a, b, c, …": "字母表：前 n 个字母 a, b, c, …",
    "Cell (encoder and decoder)": "单元（编码器和解码器）",
    "Attention": "注意力机制",
    "How the decoder reads the source at each output step: none (only the encoder's last state), or a "
    "softmax-weighted sum of every encoder state, weighted by an additive or multiplicative score.":
        "解码器在每个输出步如何读取源序列：无（只用编码器的最后状态），或对所有编码器状态按 softmax 权重求和，"
        "权重来自加性或乘性打分。",
    "Hidden size H": "隐状态大小 H",
    "Units of the encoder (per direction) and of the decoder.": "编码器（每个方向）和解码器的单元数。",
    "Embedding size E": "嵌入维度 E",
    "Length of each token's learned vector.": "每个词元学到的向量的长度。",
    "Bidirectional encoder": "双向编码器",
    "A second encoder reads the source backwards; each source position is then described by both, [→h_s; ←h_s].":
        "第二个编码器从后往前读源序列；于是每个源位置由两者共同描述，[→h_s; ←h_s]。",
    "Teacher forcing": "教师强制 (teacher forcing)",
    "During training, the probability that the decoder is fed the true previous token rather than its own guess.":
        "训练时，解码器输入真实的上一个词元（而不是它自己的猜测）的概率。",
    "Seed": "随机种子",
    "Seed of the initial weights: the same seed, the same network.": "初始权重的随机种子：种子相同，网络就相同。",
    "Building the encoder–decoder…": "正在构建编码器–解码器…",
    "{error}. Nothing was changed: the current model is kept.": "{error}。没有任何改动：保留当前模型。",
    "{error} Nothing was changed: the current model is kept.": "{error} 没有任何改动：保留当前模型。",
    "These choices need a new encoder–decoder: the {n:,} steps of training of the current one would be discarded. "
    "The current model stays until you rebuild.":
        "这些选择需要一个新的编码器–解码器：当前模型已训练的 {n:,} 步将被丢弃。在你重新构建之前，当前模型保持不变。",
    "Rebuild and discard the trained model": "重新构建并丢弃已训练的模型",
    "bidirectional {cell}": "双向 {cell}",
    "loaded weights, then trained for {n:,} steps": "已加载权重，之后训练了 {n:,} 步",
    "loaded weights": "已加载权重",
    "trained for {n:,} steps": "已训练 {n:,} 步",
    "untrained": "未训练",
    "{task}, {encoder} encoder–decoder (H = {H}), attention {attention}, {trained}":
        "{task}，{encoder} 编码器–解码器 (H = {H})，注意力机制 {attention}，{trained}",
    # translate, step by step
    "Source": "源序列",
    "Type a source for this task: the model translates it greedily, one output token at a time.":
        "为这个任务输入一个源序列：模型用贪心解码翻译它，一次一个输出词元。",
    "Beam width k": "束宽 k",
    "Beam search keeps the k most probable partial outputs at every step.": "束搜索在每一步保留概率最高的 k 个部分输出。",
    "Still showing the last source that could be read: {source!r}.": "仍显示上一个能读取的源序列：{source!r}。",
    "Trace (JSON)": "解码记录 (JSON)",
    "Every number of this decoding (attention, context, states, gates, probabilities).":
        "这次解码的所有数值（注意力、上下文、状态、门、概率）。",
    "(empty)": "（空）",
    "**{summary}** · greedy output **{greedy}** · log p(ŷ | x) = {log_p:.4g}":
        "**{summary}** · 贪心输出 **{greedy}** · log p(ŷ | x) = {log_p:.4g}",
    "**{summary}** · greedy output **{greedy}** ✓ right · log p(ŷ | x) = {log_p:.4g}":
        "**{summary}** · 贪心输出 **{greedy}** ✓ 正确 · log p(ŷ | x) = {log_p:.4g}",
    "**{summary}** · greedy output **{greedy}** ✗ (right: {right}) · log p(ŷ | x) = {log_p:.4g}":
        "**{summary}** · 贪心输出 **{greedy}** ✗（正确：{right}）· log p(ŷ | x) = {log_p:.4g}",
    "Output step j": "输出步 j",
    "j = {j} of {n}": "j = {j}（共 {n}）",
    "▶ Play": "▶ 播放",
    "⏸ Pause": "⏸ 暂停",
    "steps/s": "步/秒",
    "Play speed": "播放速度",
    "One output step back": "后退一个输出步",
    "One output step forward": "前进一个输出步",
    "← → move one step (click the slider first); Space plays and pauses.":
        "← → 移动一步（先点击滑块）；空格键播放或暂停。",
    "Row j holds the weights α_js with which output step j reads each source position s; rows below are written "
    "as j advances. Click a cell to write out its score.":
        "第 j 行是输出步 j 读取每个源位置 s 的权重 α_js；随着 j 前进，下面的行依次写出。点击一个格子可写出它的打分。",
    "This model has no attention: at every step the decoder reads the same context, the encoder's last state, so "
    "the whole source must fit in it. Choose an attention in the setup to see an alignment.":
        "这个模型没有注意力机制：解码器每一步读取同一个上下文，即编码器的最后状态，所以整个源序列都必须装进这个状态。"
        "在设置中选择一种注意力机制即可看到对齐图。",
    "Source position s of the score below": "下方打分的源位置 s",
    "s = {s} of {n}: {tok}": "s = {s}（共 {n}）：{tok}",
    "One position left": "左移一个位置",
    "One position right": "右移一个位置",
    "Or click a cell of the alignment.": "或点击对齐图中的一个格子。",
    "The decoder's new state s_j after step j, its cell state and its gates (dark 0 … yellow 1; g and n are "
    "tanh, −1 … 1).":
        "第 j 步之后解码器的新状态 s_j、它的细胞状态和它的各个门（深色 0 … 黄色 1；g 和 n 是 tanh，−1 … 1）。",
    "The decoder's new state s_j after step j and its gates (dark 0 … yellow 1; g and n are tanh, −1 … 1).":
        "第 j 步之后解码器的新状态 s_j 和它的各个门（深色 0 … 黄色 1；g 和 n 是 tanh，−1 … 1）。",
    "The decoder's new state s_j after step j.": "第 j 步之后解码器的新状态 s_j。",
    "The context c_j the decoder reads at step j: Σ_s α_js h_s": "解码器在第 j 步读取的上下文 c_j：Σ_s α_js h_s",
    "The context: the encoder's last state, the same at every step.": "上下文：编码器的最后状态，每一步都相同。",
    "**Greedy decoding and beam search (k = {k})**": "**贪心解码与束搜索 (k = {k})**",
    "Greedy decoding takes the most probable token at every step; beam search keeps the k most probable partial "
    "outputs and can find a more probable whole output (scores are log p, not normalised by length).":
        "贪心解码每一步取概率最高的词元；束搜索保留概率最高的 k 个部分输出，能找到整体概率更高的输出"
        "（分数是 log p，未按长度归一化）。",
    "The gradient of −log p(ŷ | x) of this output with respect to each encoder state h_s: with attention every "
    "source state has a short path to every output step.":
        "这个输出的 −log p(ŷ | x) 对每个编码器状态 h_s 的梯度：有了注意力机制，每个源状态到每个输出步都有一条短路径。",
    # train
    "Optimiser": "优化器",
    "Learning rate": "学习率",
    "Clipping": "梯度裁剪",
    "Clip threshold θ": "裁剪阈值 θ",
    "Steps per run": "每次运行的步数",
    "Evaluate every": "评估间隔",
    "Greedy-decode the validation set (BLEU, exact match) every k steps (0: never).":
        "每 k 步对验证集做一次贪心解码（BLEU、完全匹配）（0：从不）。",
    "Probe every": "探测间隔",
    "Measure ‖∂L/∂h_s‖ at every source position every k steps (0: never).":
        "每 k 步在每个源位置测量 ‖∂L/∂h_s‖（0：从不）。",
    "Settings not applied: {error}": "设置未生效：{error}",
    "Step **{step}** · this run {done} / {steps}": "第 **{step}** 步 · 本次运行 {done} / {steps}",
    "loss {loss:.4g}": "损失 {loss:.4g}",
    "validation BLEU {bleu:.1f}, exact match {exact:.2f}": "验证集 BLEU {bleu:.1f}，完全匹配 {exact:.2f}",
    "Cross-entropy per target token on each training batch; below the dashed baseline the model does better than "
    "the best guess from the output position alone.":
        "每个训练批次上每个目标词元的交叉熵；低于虚线基线时，模型好于仅凭输出位置所能做出的最佳猜测。",
    "Greedy decoding of the held-out validation set every few steps: corpus BLEU-4 (0–100) and the share of "
    "outputs exactly right; the dotted line is BLEU on a fixed subset of the training data.":
        "每隔几步对留出的验证集做贪心解码：语料级 BLEU-4 (0–100) 和完全正确的输出所占比例；"
        "点线是训练数据一个固定子集上的 BLEU。",
    "How much the loss depends on the encoder state at each source position, on a fixed batch of validation "
    "sources. Without attention the gradient reaches the first positions only through every later encoder step; "
    "with attention each has a direct path.":
        "在一批固定的验证集源序列上，损失对每个源位置的编码器状态的依赖程度。没有注意力机制时，"
        "梯度只能经过后面的每一个编码器步才到达最前面的位置；有了注意力机制，每个位置都有一条直接路径。",
    "Every probe of ‖∂L/∂h_s‖ (forward encoder; colour: log₁₀): read up the rows to see how training changed "
    "where the gradient reaches.":
        "每一次 ‖∂L/∂h_s‖ 探测（前向编码器；颜色：log₁₀）：自下而上读各行，可看出训练如何改变了梯度能到达的位置。",
    "The size of the whole gradient at each step; × marks a step where clipping shrank it ({n} so far).":
        "每一步整个梯度的大小；× 标出梯度裁剪缩小了梯度的步（到目前为止 {n} 次）。",
    "Start": "开始",
    "Pause": "暂停",
    "Step 1": "走 1 步",
    "Step 10": "走 10 步",
    "Reset": "重置",
    "A new untrained model with the same settings; the history is cleared.": "用相同设置新建一个未训练的模型；历史记录会被清空。",
    "Training settings": "训练设置",
    "Training paused: the gradients exploded at {where} The charts show the last finite values. Restore the last "
    "good weights, then lower the learning rate or turn on clipping.":
        "训练已暂停：梯度在 {where} 爆炸。图表显示最后的有限值。请恢复最后一组正常的权重，然后降低学习率或开启梯度裁剪。",
    "Restore last good weights": "恢复最后一组正常的权重",
    # pages/seq2seq_state.py
    "A seq2seq config JSON replaces the encoder–decoder and its training settings (the trained weights are "
    "discarded); a weights file must fit the current model.":
        "seq2seq 配置 JSON 会替换编码器–解码器及其训练设置（已训练的权重将被丢弃）；权重文件必须与当前模型匹配。",
    "Anyone who opens this link gets the same encoder–decoder, task and training settings, seeded, so the same "
    "pictures once trained for the same number of steps.":
        "打开此链接的人会得到相同的编码器–解码器、任务和训练设置（随机种子相同），所以训练相同步数后图也相同。",
    # explorer/views/seq2seq_payload.py: the views of the decoding
    "decoding": "解码方式",
    "output": "输出",
    "ends with <eos>": "以 <eos> 结束",
    "correct": "正确",
    "greedy": "贪心",
    "beam {n}": "束 {n}",
    "Alignment α: output step j = {j} reads the source": "对齐 α：输出步 j = {j} 读取源序列",
    "source position s": "源位置 s",
    "output step j": "输出步 j",
    "not computed yet: this row is written at step j": "尚未计算：这一行在第 j 步写出",
    "output step j = {j}: {y}": "输出步 j = {j}：{y}",
    "source position s = {s}: {x}": "源位置 s = {s}：{x}",
    "Attention weights α at j = {j}": "j = {j} 时的注意力权重 α",
    "source position": "源位置",
    "Decoder at j = {j}": "j = {j} 时的解码器",
    "unit": "单元",
    "cell": "细胞状态",
    "Context c at j = {j}": "j = {j} 时的上下文 c",
    "Next token at j = {j}: top {k}": "j = {j} 时的下一个词元：前 {k} 个",
    "probability": "概率",
    "{token} ✓ reference": "{token} ✓ 参考答案",
    "Output step j = {j} of {n}": "输出步 j = {j}（共 {n} 步）",
    "The decoder reads y<sub>j−1</sub> = <b>{inp}</b> and writes <b>{out}</b> (p = {p}){ref}.":
        "解码器读入 y<sub>j−1</sub> = <b>{inp}</b>，写出 <b>{out}</b> (p = {p}){ref}。",
    "; the reference has already ended": "；参考答案已经结束",
    "; the reference has <b>{token}</b> here (right)": "；参考答案此处是 <b>{token}</b>（正确）",
    "; the reference has <b>{token}</b> here (wrong)": "；参考答案此处是 <b>{token}</b>（错误）",
    "Score of output step j = {j} for source position s = {s} (<b>{tok}</b>)":
        "输出步 j = {j} 对源位置 s = {s} (<b>{tok}</b>) 的打分",
    "(the other {n} terms)": "（其余 {n} 项）",
    "The attention score compares the decoder state before step j, s<sub>j−1</sub>, with the encoder state "
    "h<sub>s</sub> of source position s; the softmax over every source position turns the scores into the "
    "weights α. The terms written out are the largest; u numbers the units from 0.":
        "注意力打分把第 j 步之前的解码器状态 s<sub>j−1</sub> 与源位置 s 的编码器状态 h<sub>s</sub> 相比较；"
        "对所有源位置做 softmax，把打分变成权重 α。写出的是最大的几项；u 是从 0 开始的单元编号。",
    # explorer/views/plots_seq2seq.py: the charts
    "→ forward encoder": "→ 前向编码器",
    "← backward encoder": "← 反向编码器",
    "How much this output leans on each source state": "这个输出在多大程度上依赖每个源状态",
    "Loss (cross-entropy per target token)": "损失（每个目标词元的交叉熵）",
    "training step": "训练步",
    "loss": "损失",
    "baseline: {label}": "基线：{label}",
    "validation BLEU": "验证集 BLEU",
    "validation exact match (%)": "验证集完全匹配 (%)",
    "training-subset BLEU": "训练子集 BLEU",
    "Greedy decoding on held-out data": "留出数据上的贪心解码",
    "score (0–100)": "分数 (0–100)",
    "before clipping": "裁剪前",
    "after clipping": "裁剪后",
    "clipped": "已裁剪",
    "Global gradient norm": "整体梯度范数",
    "‖∂L/∂h_s‖ over the source at step {step}": "第 {step} 步时 ‖∂L/∂h_s‖ 在源序列上的分布",
    "‖∂L/∂h_s‖ over the source (no probe yet)": "‖∂L/∂h_s‖ 在源序列上的分布（尚无探测）",
    "Gradient reaching each source position, over training": "训练过程中到达每个源位置的梯度",
    "s=%{x}<br>step %{y}<br>log₁₀‖∂L/∂h_s‖=%{z:.2f}<extra></extra>":
        "s=%{x}<br>第 %{y} 步<br>log₁₀‖∂L/∂h_s‖=%{z:.2f}<extra></extra>",
    # explorer/data/seq2seq.py: the tasks' messages
    "guess from the output position alone (CE {ce:.3f})": "仅凭输出位置猜测（交叉熵 {ce:.3f}）",
    "The source must be text.": "源序列必须是文本。",
    "The source is empty: type something to translate.": "源序列为空：请输入要翻译的内容。",
    "The source holds characters this model never saw: {shown}. It knows only these: {known}":
        "源序列含有这个模型从未见过的字符：{shown}。它只认识这些：{known}",
    "The source has {n} characters; this model was trained on sources of at most {most}.":
        "源序列有 {n} 个字符；这个模型训练时的源序列最多 {most} 个字符。",
    "These lengths and symbols allow only {n} distinct sources, too few to hold some out for validation: allow "
    "longer sources or more symbols.":
        "这些长度和符号只能组成 {n} 个不同的源序列，太少，无法留出一部分做验证：请允许更长的源序列或更多符号。",
    "These lengths and symbols leave a split (almost) empty: allow longer sources or more symbols.":
        "这些长度和符号会让某个数据划分（几乎）为空：请允许更长的源序列或更多符号。",
    # explorer/lecture/export_seq2seq.py
    'This JSON is not an RNN Explorer seq2seq config (its "format" field is missing or wrong).':
        '这个 JSON 不是 RNN Explorer 的 seq2seq 配置文件（它的 "format" 字段缺失或有误）。',
    "Σ<sub>u</sub> v<sub>u</sub> tanh(a<sub>u</sub>), with a = W<sub>q</sub> s<sub>j−1</sub> + W<sub>k</sub> "
    "h<sub>s</sub>":
        "Σ<sub>u</sub> v<sub>u</sub> tanh(a<sub>u</sub>)，其中 a = W<sub>q</sub> s<sub>j−1</sub> + W<sub>k</sub> "
        "h<sub>s</sub>",
}
