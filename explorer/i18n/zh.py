"""Simplified Chinese for every marked string of the app: English source → 简体中文.

Terms follow the Chinese tutorials the app accompanies: 循环神经网络, 隐状态, 细胞状态, 遗忘门/输入门/输出门,
重置门/更新门, 随时间反向传播 (BPTT), 梯度消失/梯度爆炸, 梯度裁剪, 困惑度, 注意力机制, 编码器/解码器.
Names (LSTM, GRU, PyTorch, Adam) and math stay as they are. Keep `{fields}` exactly as in the source.
"""
ZH: dict[str, str] = {
}
