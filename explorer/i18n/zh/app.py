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
    # a link's notices (explorer/lecture/share.py)
    "Ignored {setting}…: the value is too long.": "已忽略 {setting}…：值太长。",
    "Ignored {setting}: unknown setting.": "已忽略 {setting}：未知的设置项。",
    "Ignored {setting}: {error}.": "已忽略 {setting}：{error}。",
    "not a whole number": "不是整数",
    "not a number": "不是数字",
    "not a finite number": "不是有限数",
    "The {task} task needs an uploaded file, which a link cannot carry: showing the default task instead.":
        "{task} 任务需要上传文件，而链接无法携带文件：改为显示默认任务。",
    "Ignored the {section} settings of the link: {error}.": "已忽略链接中的 {section} 设置：{error}。",
    "Ignored v.{name}={text}: not a whole number in {lo}..{hi}.": "已忽略 v.{name}={text}：不是 {lo}..{hi} 之间的整数。",
    # importing a file (explorer/lab.py, explorer/lecture/export.py)
    "Config loaded: a new, untrained model.": "配置已加载：一个新的、未训练的模型。",
    "Weights loaded into the current model; its training history is cleared.": "权重已加载到当前模型；其训练历史已清空。",
    "Only a config (.json) or a weights file (.safetensors) can be loaded.":
        "只能加载配置文件 (.json) 或权重文件 (.safetensors)。",
    "{file}: {error}": "{file}：{error}",
    "The config file is {n:,} bytes; a config is at most {limit:,}.": "配置文件有 {n:,} 字节；配置文件最多 {limit:,} 字节。",
    "The config file is not valid UTF-8 JSON.": "配置文件不是有效的 UTF-8 JSON。",
    'This JSON is not an RNN Explorer config (its "format" field is missing or wrong).':
        "这个 JSON 不是 RNN Explorer 的配置文件（它的 \"format\" 字段缺失或有误）。",
    "Config version {version!r} is not supported (expected {expected}).": "不支持配置版本 {version!r}（应为 {expected}）。",
    "Unknown section(s) in the config: {sections}.": "配置中有未知的部分：{sections}。",
    "The config has a value of the wrong type: {error}.": "配置中有类型错误的值：{error}。",
    "The weights file is larger than {mb} MB.": "权重文件大于 {mb} MB。",
    "This is not a safetensors weights file.": "这不是 safetensors 权重文件。",
    "The weights do not fit this model: missing {missing}; unexpected {extra}. Build the model they were saved "
    "from first (load its config).":
        "权重与此模型不匹配：缺少 {missing}；多出 {extra}。请先构建保存这些权重时的模型（加载它的配置）。",
    "The weights do not fit this model: missing {missing}. Build the model they were saved from first (load its "
    "config).":
        "权重与此模型不匹配：缺少 {missing}。请先构建保存这些权重时的模型（加载它的配置）。",
    "The weights do not fit this model: unexpected {extra}. Build the model they were saved from first (load its "
    "config).":
        "权重与此模型不匹配：多出 {extra}。请先构建保存这些权重时的模型（加载它的配置）。",
    "{name} has shape {shape}, this model needs {needed}.": "{name} 的形状为 {shape}，此模型需要 {needed}。",
    "{name} holds non-finite or non-float values.": "{name} 含有非有限值或非浮点数值。",
    # the training status of Train and Seq2seq (pages/common.py: sharing)
    "**The server is busy: you are number {place} in line.** Training starts by itself when a place is free.":
        "**服务器繁忙：你排在第 {place} 位。** 有空位时训练会自动开始。",
    "sharing the server with {n} other training run(s)": "与另外 {n} 个训练任务共享服务器",
    # Streamlit's own words (pages/lang.py: streamlit_words_css)
    "{mb}MB per file": "每个文件最大 {mb}MB",
    "Upload": "上传",
}
