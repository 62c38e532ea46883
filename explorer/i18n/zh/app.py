"""简体中文: app.py's navigation and the sidebar (pages/common.py, pages/lang.py)."""
ZH = {
    # navigation
    "Home": "首页",
    "Build": "构建",
    "Step through": "逐步执行",
    "By hand": "手算",
    "Train": "训练",
    "Compare": "比较",
    "Seq2seq": "序列到序列",
    # sidebar
    "Presenter mode": "演示模式",
    "For a projector: larger text and charts, thicker lines, and the settings tucked into collapsed panels.":
        "用于投影仪：更大的文字和图表、更粗的线条，设置项收进折叠面板。",
    "Lecture preset": "课堂预设",
    "Choose a scenario…": "选择一个场景…",
    "A ready-made, fully seeded scenario; it replaces the current model.":
        "现成的、随机种子完全固定的场景；加载后会替换当前模型。",
    "Load this preset": "加载此预设",
    "**{title}** loaded. {look_at}": "已加载 **{title}**。{look_at}",
    "Share this setup": "分享此设置",
    "Anyone who opens this link gets the same model, task and training settings, seeded, so the same pictures, "
    "in the same language. (An uploaded file cannot travel in a link.)":
        "打开此链接的人会得到相同的模型、任务和训练设置（随机种子相同，所以图也相同），界面语言也相同。"
        "（上传的文件无法随链接传递。）",
    "The link's settings could not be used: {error}": "无法使用链接中的设置：{error}",
    "Export / import": "导出 / 导入",
    "Config (JSON)": "配置 (JSON)",
    "Weights (safetensors)": "权重 (safetensors)",
    "Training history (CSV)": "训练历史 (CSV)",
    "Load a config or weights file": "加载配置或权重文件",
    "A config JSON replaces the model, task and training settings (the trained weights are discarded); a weights "
    "file must fit the current model.":
        "配置 JSON 会替换模型、任务和训练设置（已训练的权重将被丢弃）；权重文件必须与当前模型匹配。",
    "Load it": "加载",
}
