"""简体中文: the Home page."""
ZH = {
    "A recurrent network reads a sequence one step at a time and carries what it remembers in its hidden state "
    "$h_t$ from each step to the next.  \n"
    "Here you build a vanilla RNN, an LSTM or a GRU, step through it one time step at a time to see every state "
    "and gate, and train it live on memory tasks.  \n"
    "While it trains you watch the gradients that flow back through time vanish or explode, and see why the "
    "LSTM's cell state $c_t$ helps.":
        "循环神经网络一次读入序列的一个时间步，并把它记住的内容保存在隐状态 $h_t$ 中，从一步传到下一步。  \n"
        "在这里你可以构建一个普通 RNN、LSTM 或 GRU，一个时间步一个时间步地逐步执行，查看每个状态和每个门，"
        "并在记忆任务上实时训练它。  \n"
        "训练时你会看到随时间反向传播的梯度如何消失或爆炸，并理解 LSTM 的细胞状态 $c_t$ 为什么有帮助。",
    "An LSTM unrolled over 4 time steps: the same cell, with the same weights, at every step. It reads the input "
    "$x_t$, the hidden state $h_{t-1}$ and the cell state $c_{t-1}$, and predicts $\\hat y_t$.":
        "按 4 个时间步展开的 LSTM：每一步都是同一个单元、同一组权重。它读入输入 $x_t$、隐状态 $h_{t-1}$ "
        "和细胞状态 $c_{t-1}$，并预测 $\\hat y_t$。",
    "Where to start": "从哪里开始",
    "1 · Build": "1 · 构建",
    "Choose the cell, its size and initialisation, and a task to learn.": "选择单元类型、规模和初始化方式，以及要学习的任务。",
    "2 · Step through": "2 · 逐步执行",
    "Feed a sequence one step at a time and see every gate and state.": "一次输入序列的一步，查看每个门和每个状态。",
    "3 · Train": "3 · 训练",
    "Train live and watch the gradient through time vanish or explode.": "实时训练，观察随时间传播的梯度消失或爆炸。",
    "Lecture presets": "课堂预设",
    "Ready-made, fully seeded scenarios: one click loads the model, the task and the training settings, and takes "
    "you to the page where the effect shows.":
        "现成的、随机种子完全固定的场景：一键加载模型、任务和训练设置，并跳转到能看到效果的页面。",
    "Load": "加载",
}
