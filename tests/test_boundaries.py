"""Architecture rules from DESIGN.md, enforced.

1. Nothing under explorer/ imports streamlit (pure logic, testable without a server).
2. Nothing uses st.cache_resource: it is shared by every user of the server, and per-user
   state (model, optimiser, history) must live in st.session_state.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def streamlit_imports(source: str, filename: str = "<src>") -> list[str]:
    """Return 'line N: ...' for every import of streamlit (or a submodule) in source.

    Catches `import streamlit`, `import streamlit.x as y`, `from streamlit import x`,
    `from streamlit.x import y`, and `importlib.import_module("streamlit...")` /
    `__import__("streamlit...")` with a literal name.
    """
    def is_st(name: str | None) -> bool:
        return bool(name) and (name == "streamlit" or name.startswith("streamlit."))

    hits = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            hits += [f"line {node.lineno}: import {a.name}" for a in node.names if is_st(a.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and is_st(node.module):
                hits.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            fn = node.func
            fname = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
            if (
                fname in {"import_module", "__import__"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and is_st(node.args[0].value)
            ):
                hits.append(f"line {node.lineno}: {fname}({node.args[0].value!r})")
    return hits


_CACHE_RESOURCE = re.compile(r"\bcache_resource\b")


def cache_resource_uses(source: str) -> list[str]:
    """Return 'line N: ...' for every line mentioning cache_resource outside a comment."""
    hits = []
    for n, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if _CACHE_RESOURCE.search(code):
            hits.append(f"line {n}: {line.strip()}")
    return hits


def _py_files(*dirs: str) -> list[Path]:
    out = []
    for d in dirs:
        out += sorted((ROOT / d).rglob("*.py"))
    return [p for p in out if "__pycache__" not in p.parts]


# ------------------------------------------------------------- the checkers themselves

@pytest.mark.parametrize(
    "src",
    [
        "import streamlit",
        "import streamlit as st",
        "import os, streamlit.components.v1 as components",
        "from streamlit import session_state",
        "from streamlit.testing.v1 import AppTest",
        "def f():\n    import streamlit as st\n    return st",
        "try:\n    import streamlit\nexcept ImportError:\n    pass",
        "import importlib\nst = importlib.import_module('streamlit')",
        "st = __import__('streamlit')",
    ],
)
def test_checker_catches_streamlit_import(src):
    assert streamlit_imports(src), src


@pytest.mark.parametrize(
    "src",
    [
        "import numpy as np",
        "import streamlit_like_but_not",
        "from . import streamlit",  # a local module called streamlit is not the library
        "x = 'import streamlit'",
        "# import streamlit",
    ],
)
def test_checker_allows_non_streamlit(src):
    assert not streamlit_imports(src), src


def test_cache_resource_checker():
    assert cache_resource_uses("@st.cache_resource\ndef load():\n    pass")
    assert cache_resource_uses("from streamlit import cache_resource")
    assert cache_resource_uses("get = st.cache_resource(lambda: 1)")
    assert not cache_resource_uses("# never use st.cache_resource here\n@st.cache_data\ndef f(): ...")
    assert not cache_resource_uses("my_cache_resources = 1")


# ------------------------------------------------------------- the rules, on the real tree

def test_explorer_never_imports_streamlit():
    files = _py_files("explorer")
    bad = {
        str(p.relative_to(ROOT)): hits
        for p in files
        if (hits := streamlit_imports(p.read_text(encoding="utf-8"), str(p)))
    }
    assert not bad, f"explorer/ must not import streamlit (only app.py and pages/ may): {bad}"


def test_no_cache_resource_anywhere():
    files = _py_files("explorer", "pages")
    if (ROOT / "app.py").exists():
        files.append(ROOT / "app.py")
    bad = {
        str(p.relative_to(ROOT)): hits
        for p in files
        if (hits := cache_resource_uses(p.read_text(encoding="utf-8")))
    }
    assert not bad, (
        "st.cache_resource is shared by every user of the server; keep per-user state in "
        f"st.session_state: {bad}"
    )
