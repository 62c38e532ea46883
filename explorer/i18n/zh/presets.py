"""简体中文: the lecture presets' titles and texts (explorer/lecture/presets.py)."""
ZH: dict[str, str] = {
}
