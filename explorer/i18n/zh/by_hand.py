"""简体中文: the By hand page (pages/by_hand.py) and the texts it shows from explorer/scratch/ (walkthrough.py,
net.py, verify.py) and explorer/views/plots_by_hand.py."""
ZH = {
    # pages/by_hand.py
    "By hand": "手算",
    "The network written in numpy, the way the tutorials write it: the forward pass and backpropagation through "
    "time one step at a time, each number under the line of numpy that computes it, and the gradients checked "
    "against PyTorch's autograd and against central differences.":
        "用 numpy 写出的网络，写法与教程一致：前向传播和随时间反向传播一次走一个时间步，每个数都写在计算它的那行 "
        "numpy 代码下面，梯度则与 PyTorch 的自动微分 (autograd) 和中心差分逐一核对。",
    "Sample (0–{last})": "样本 (0–{last})",
    "One sequence of a fixed, seeded batch of the task.": "该任务一个固定（随机种子固定）批次中的一条序列。",
    "Textbook GRU beside PyTorch's": "教科书 GRU 与 PyTorch 的 GRU 对照",
    "Run the textbook GRU, n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), on the same weights instead of "
    "PyTorch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), and compare the two (GRU only).":
        "在同一组权重上运行教科书写法的 GRU，n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)，"
        "代替 PyTorch 的 n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))，并比较两者（仅限 GRU）。",
    "{note} Task **{task}**, sample {index}, T = {T} steps; loss on this sample **L = {loss:.6g}**.":
        "{note}任务 **{task}**，样本 {index}，T = {T} 步；该样本上的损失 **L = {loss:.6g}**。",
    "Download as a script": "下载为脚本",
    "A standalone numpy program with these weights and this sample: it runs the same forward and backward pass "
    "and prints the loss, h_t, ∂L/∂h_t and every gradient.":
        "一个独立的 numpy 程序，带有这组权重和这个样本：它运行同样的前向和反向传播，"
        "并打印损失、h_t、∂L/∂h_t 和每个梯度。",
    "Textbook GRU beside PyTorch's, on the same weights": "同一组权重上的教科书 GRU 与 PyTorch 的 GRU",
    "Below, the walkthrough and its checks run the textbook form; the equation panel shows both.":
        "下面的逐步演算及其核对使用教科书写法；公式面板同时列出两种写法。",
    "Some numbers of this network are not finite (did training diverge?): the steps below show NaN or infinity, "
    "and the checks cannot agree. Reset or retrain the model on the Train page.":
        "这个网络的部分数值不是有限数（训练发散了吗？）：下面各步会显示 NaN 或无穷大，核对也无法一致。"
        "请在训练页上重置或重新训练模型。",
    "Row vectors: why the code reads x @ W.T where a tutorial writes x @ W_xh":
        "行向量：为什么代码写 x @ W.T，而教程写 x @ W_xh",
    "PyTorch writes a cell for one column vector, $W_{ih}\\,x + b_{ih}$, and stores $W_{ih}$ with shape (G·H, I): "
    "the gates' blocks (LSTM i, f, g, o; GRU r, z, n) stacked along its first axis. A numpy batch is a stack of "
    "row vectors, x of shape (B, I), so the same product for every row at once is `x @ W_ih.T`. Many numpy "
    "tutorials store the transposed matrix instead, `W_xh = W_ih.T` of shape (I, H), and write `x @ W_xh`: the "
    "same numbers, transposed storage. Here the weights keep PyTorch's names and shapes, so they copy to and from "
    "the app's model unchanged; each gradient has its weight's shape (`dW_hh = dh_raw.T @ h_prev`, where such a "
    "tutorial writes `h_prev.T @ dh_raw`).":
        "PyTorch 按单个列向量写一个单元，$W_{ih}\\,x + b_{ih}$，并以形状 (G·H, I) 存储 $W_{ih}$："
        "各个门的块（LSTM 的 i、f、g、o；GRU 的 r、z、n）沿第一个轴堆叠。numpy 的一个批次是一摞行向量，"
        "x 的形状为 (B, I)，所以对每一行同时做同样的乘法就是 `x @ W_ih.T`。许多 numpy 教程改为存储转置后的矩阵 "
        "`W_xh = W_ih.T`，形状为 (I, H)，并写成 `x @ W_xh`：数值相同，只是存储方式转置了。这里的权重沿用 "
        "PyTorch 的名字和形状，因此可以原样在本应用的模型之间来回复制；每个梯度的形状都与其权重相同"
        "（`dW_hh = dh_raw.T @ h_prev`，而这类教程写作 `h_prev.T @ dh_raw`）。",
    "Forward pass": "前向传播",
    "Layer": "层",
    "Unit (0–{last})": "单元 (0–{last})",
    "The unit whose equations are written out on the right.": "在右侧写出其公式的单元。",
    "Step t": "时间步 t",
    "**`step_forward` at t = {t}**, layer {layer}, with this step's values under each line":
        "**t = {t} 时的 `step_forward`**，第 {layer} 层，每行下面是这一步的数值",
    "**Unit {unit} at t = {t}, by hand**": "**手算 t = {t} 时的单元 {unit}**",
    "**Unit {unit} at t = {t}, by hand** (textbook GRU)": "**手算 t = {t} 时的单元 {unit}**（教科书 GRU）",
    "**PyTorch's GRU on the same weights, unit {unit} at t = {t}**":
        "**同一组权重上 PyTorch 的 GRU，t = {t} 时的单元 {unit}**",
    "At t = 1, h_(t−1) = 0 and c_(t−1) = 0. σ is the logistic sigmoid. For a layer above the first, x_t is the "
    "h_t of the layer below.":
        "t = 1 时，h_(t−1) = 0，c_(t−1) = 0。σ 是 Sigmoid 函数。对第一层以上的各层，x_t 就是下一层的 h_t。",
    "Backward pass through time": "随时间反向传播",
    "Backpropagation starts at the last step and walks back to t = 1. At each step the gradient reaching $h_t$ "
    "is what the output above it sends down (`dh_above`) plus what step t + 1 sent back (`dh_next`); each step "
    "adds its share to every weight's gradient.":
        "反向传播从最后一步开始，一直倒退到 t = 1。每一步到达 $h_t$ 的梯度，等于它上方的输出传下来的部分"
        "（`dh_above`）加上第 t + 1 步传回来的部分（`dh_next`）；每一步都把自己的一份加到每个权重的梯度上。",
    "The backward pass visits every layer at each step, the top one first.": "反向传播在每一步都会经过每一层，从最上层开始。",
    "Back to step t + 1": "回到第 t + 1 步",
    "Backward step t (from T down to 1)": "反向传播的时间步 t（从 T 倒数到 1）",
    "On to step t − 1": "前往第 t − 1 步",
    "**Step t = {t}, layer {layer}: what arrives**": "**第 t = {t} 步，第 {layer} 层：传到这里的梯度**",
    "**The lines that run** (this step's values under each)": "**执行的代码行**（每行下面是这一步的数值）",
    "Where dy comes from: the loss": "dy 从哪里来：损失函数",
    "d_out[:, t] is dy of step t; it is zero at steps where the loss does not count.":
        "d_out[:, t] 就是第 t 步的 dy；在不计入损失的时间步上它为零。",
    "What step t = {t} adds to dW_hh": "第 t = {t} 步对 dW_hh 的贡献",
    "dW_hh summed over t = {T} … {t}": "dW_hh 在 t = {T} … {t} 上的累加",
    "This is the whole gradient ∂L/∂W_hh: every step has added its share.": "这就是完整的梯度 ∂L/∂W_hh：每一步都已加上自己的一份。",
    "Steps {t} … 1 have yet to add theirs.": "第 {t} … 1 步的贡献还没有加上。",
    "Rows: the gate block and unit of W_hh; columns: the unit of h_(t−1). {done}":
        "行：W_hh 的门块和单元；列：h_(t−1) 的单元。{done}",
    "Check: hand BPTT, autograd and central differences": "核对：手写 BPTT、自动微分与中心差分",
    "Entry by entry, as min-char-rnn prints it: numerical, analytic => relative error":
        "逐个元素，按 min-char-rnn 的打印格式：数值梯度, 解析梯度 => 相对误差",
    # explorer/scratch/net.py: describe
    "peephole LSTM": "窥视孔 LSTM",
    "GRU (the textbook form)": "GRU（教科书写法）",
    "{name}, 1 layer × {units} units": "{name}，1 层 × {units} 个单元",
    "{name}, {layers} layers × {units} units": "{name}，{layers} 层 × {units} 个单元",
    # explorer/scratch/verify.py: what the forward pass is checked against
    "PyTorch's nn.{module} (the app's model with these weights, in float64)":
        "PyTorch 的 nn.{module}（本应用使用这组权重的模型，float64 精度）",
    "the app's {module} module (the app's model with these weights, in float64)":
        "本应用的 {module} 模块（本应用使用这组权重的模型，float64 精度）",
    "the same equations in torch operations (PyTorch has no such module)":
        "用 PyTorch 运算写出的同一组公式（PyTorch 没有这样的模块）",
    # explorer/scratch/walkthrough.py
    "Sine forecasting": "正弦预测",
    "Adding problem": "加法问题",
    "Copy memory": "复制记忆",
    "Character language model (Macbeth)": "字符级语言模型（《麦克白》）",
    "Temporal order (classification)": "时间顺序（分类）",
    "Sunspots (real data)": "太阳黑子（真实数据）",
    "Your CSV": "你的 CSV",
    "Your text": "你的文本",
    "Your model: {model}.": "你的模型：{model}。",
    "A small, untrained {model}, initialised like yours (seed {seed}): copy memory needs at least 22 steps, so "
    "the task is sine forecasting.":
        "一个未训练的小型 {model}，初始化方式与你的模型相同（随机种子 {seed}）：复制记忆至少需要 22 步，"
        "所以这里的任务换成正弦预测。",
    "A small, untrained {model}, initialised like yours (seed {seed}): your model has {units} units, too many to "
    "follow by hand.":
        "一个未训练的小型 {model}，初始化方式与你的模型相同（随机种子 {seed}）：你的模型有 {units} 个单元，"
        "太多了，无法手算跟踪。",
    "Each column compares the hand-written gradient with another computation: the relative error ‖hand − other‖ "
    "/ max(‖hand‖, ‖other‖). Autograd is PyTorch differentiating the same network in float64 (they agree when ≤ "
    "{autograd_tol}); the numeric gradient nudges each weight entry by ±10⁻⁵ and reruns the forward pass, "
    "(L(w + δ) − L(w − δ)) / 2δ, as in Karpathy's min-char-rnn (they agree when ≤ {numeric_tol}; at most "
    "{entries} random entries per weight).":
        "每一列都把手写的梯度与另一种计算结果比较，看相对误差 ‖手写 − 对照‖ / max(‖手写‖, ‖对照‖)。"
        "自动微分是 PyTorch 以 float64 精度对同一个网络求导（≤ {autograd_tol} 即为一致）；数值梯度把每个权重元素"
        "分别扰动 ±10⁻⁵ 并重新做前向传播，(L(w + δ) − L(w − δ)) / 2δ，与 Karpathy 的 min-char-rnn 相同"
        "（≤ {numeric_tol} 即为一致；每个权重最多随机抽查 {entries} 个元素）。",
    "Forward pass: every output and top-layer h_t of the numpy network equals {reference} to within "
    "**{diff:.1e}** (the largest difference; agreement means ≤ {tol}).":
        "前向传播：numpy 网络的每个输出和最上层的每个 h_t 都与{reference}相符，最大差异为 **{diff:.1e}**"
        "（≤ {tol} 即为一致）。",
    "∂L/∂y_t, from the loss (d_out[:, t])": "∂L/∂y_t，来自损失函数 (d_out[:, t])",
    "dy @ W_hy, through the head": "dy @ W_hy，经由输出层传回",
    "dx of the layer above": "上一层的 dx",
    "from step t + 1 (zero at t = T)": "来自第 t + 1 步（t = T 时为零）",
    "✗ not finite": "✗ 非有限数",
    "✓ agree": "✓ 一致",
    "✗ differ": "✗ 不一致",
    "weight": "权重",
    "shape": "形状",
    "‖hand BPTT‖": "‖手写 BPTT‖",
    "hand vs autograd": "手写 vs 自动微分",
    "hand vs numeric": "手写 vs 数值梯度",
    "entries checked": "已核对元素",
    "{checked} of {total}": "{checked} / {total}",
    "On the same weights the loss is **{loss_pytorch:.6g}** with PyTorch's GRU and **{loss_textbook:.6g}** with "
    "the textbook one; the hidden states differ by up to **{worst:.3g}** (layer {layer}, t = {t}) and already by "
    "**{first:.3g}** at t = 1. There h_0 = 0, so W_hn h_0 = 0 in both forms, but PyTorch multiplies b_hn by r and "
    "the textbook adds it whole: the two agree only where r = 1.":
        "在同一组权重上，PyTorch 的 GRU 损失为 **{loss_pytorch:.6g}**，教科书 GRU 为 **{loss_textbook:.6g}**；"
        "隐状态最多相差 **{worst:.3g}**（第 {layer} 层，t = {t}），在 t = 1 时就已相差 **{first:.3g}**。"
        "那时 h_0 = 0，两种写法中 W_hn h_0 都为 0，但 PyTorch 把 b_hn 乘以 r，教科书写法则整个加上：两者只在 r = 1 处一致。",
    "max |Δh_t|": "最大 |Δh_t|",
    "max |Δh_t|, layer {layer}": "最大 |Δh_t|，第 {layer} 层",
    "gradient: textbook vs PyTorch": "梯度：教科书 vs PyTorch",
    # explorer/views/plots_by_hand.py
    "row %{y}, column %{x}": "行 %{y}，列 %{x}",
    "‖∂L/∂h_t‖, from t = T back to this step": "‖∂L/∂h_t‖，从 t = T 倒退到这一步",
    "time step t": "时间步 t",
    # models and tasks the numpy networks cannot follow (explorer/scratch/convert.py, walkthrough.py)
    "{reason} Build a one-directional RNN, LSTM, GRU or peephole LSTM without an embedding, on a task of numbers or "
    "characters, to follow it by hand here.":
        "{reason}要在这里手算跟踪，请构建一个单向、不带嵌入层的 RNN、LSTM、GRU 或窥孔 LSTM，并选择数值或字符任务。",
    "The numpy networks read the sequence in one direction only, and this model is bidirectional.":
        "numpy 网络只按一个方向读取序列，而这个模型是双向的。",
    "The numpy networks read one-hot or real-valued inputs as they are, and this model looks its inputs up in an "
    "embedding.":
        "numpy 网络直接读取 one-hot 或实数输入，而这个模型通过嵌入层查找输入。",
    "The numpy networks' output at step t reads h_t, and this model's reads the mean of h_1 … h_t.":
        "numpy 网络在第 t 步的输出读取 h_t，而这个模型读取 h_1 … h_t 的均值。",
    "The numpy networks read one-hot or real-valued inputs of one length, and this task feeds word ids of texts of "
    "different lengths.":
        "numpy 网络读取等长的 one-hot 或实数输入，而这个任务输入的是长度不一的文本的词 id。",
}
