"""Find the strings marked for translation in Python source (`tr`, `t`, `N_`, `UserError` with a literal first
argument), for the catalog completeness test and for translators (`python -m explorer.i18n.extract`)."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

MARKERS = {"tr", "t", "N_", "UserError", "UserText"}  # t: the pages' shorthand, bound to the session's language
# Data whose text fields are shown translated where they are shown (`t(preset.title)`): their literal keyword
# arguments count as marked.
MARKED_FIELDS: dict[str, tuple[str, ...]] = {"Preset": ("title", "look_at"), "Seq2SeqPreset": ("title", "look_at")}


def marked_strings(source: str, filename: str = "<src>") -> dict[str, list[int]]:
    """Every literal first argument of a marker call, and every literal MARKED_FIELDS keyword, in `source`,
    with the lines it occurs on."""
    found: dict[str, list[int]] = {}

    def add(node: ast.expr) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.setdefault(node.value, []).append(node.lineno)

    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
        if name in MARKERS and node.args:
            add(node.args[0])
        for kw in node.keywords:
            if kw.arg in MARKED_FIELDS.get(name, ()):
                add(kw.value)
    return found


def marked_in_tree(root: Path, folders: tuple[str, ...] = ("explorer", "pages"), extra: tuple[str, ...] = ("app.py",)
                   ) -> dict[str, list[str]]:
    """Every marked string under `root`'s folders (and extra files), with 'path:line' of each occurrence."""
    files = [p for d in folders for p in sorted((root / d).rglob("*.py")) if "__pycache__" not in p.parts]
    files += [root / f for f in extra if (root / f).exists()]
    out: dict[str, list[str]] = {}
    for path in files:
        rel = path.relative_to(root)
        for text, lines in marked_strings(path.read_text(encoding="utf-8"), str(rel)).items():
            out.setdefault(text, []).extend(f"{rel}:{n}" for n in lines)
    return out


def main() -> None:
    """Print the marked strings that the Chinese catalog lacks, and its entries no longer marked anywhere."""
    from . import ZH

    root = Path(__file__).resolve().parents[2]
    marked = marked_in_tree(root)
    for text in sorted(set(marked) - set(ZH)):
        print(f"missing  {marked[text][0]}  {text!r}")
    for text in sorted(set(ZH) - set(marked)):
        print(f"unused   {text!r}")


if __name__ == "__main__":
    sys.exit(main())
