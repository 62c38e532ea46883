"""The lines of numpy the By hand page shows, read from the very functions that compute the numbers (so a line
on screen can never drift from the code that ran), and the numbers written under them."""
from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from dataclasses import dataclass

import numpy as np

MAX_SHOWN = 16  # arrays with more entries are summarised by shape and norm


@dataclass(frozen=True)
class CodeLine:
    code: str                # the statement as written, with its comment
    names: tuple[str, ...]   # the names it assigns


@functools.cache
def code_lines(fn) -> tuple[CodeLine, ...]:
    """Every statement of `fn`'s body that assigns names, in order (docstring, return and the like left out)."""
    src = textwrap.dedent(inspect.getsource(fn))
    text = src.splitlines()
    out = []
    for node in ast.parse(src).body[0].body:
        if not isinstance(node, ast.Assign):
            continue
        names = tuple(n.id for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name))
        code = textwrap.dedent("\n".join(text[node.lineno - 1 : node.end_lineno]))
        out.append(CodeLine(code, names))
    return tuple(out)


def fmt(a) -> str:
    """A value for a comment under its line: 4 significant digits; large arrays by shape and norm."""
    a = np.asarray(a, dtype=float) + 0.0  # + 0.0 turns −0 (a masked-out step's dy) into 0
    if a.ndim == 0:
        return f"{float(a):.4g}"
    if a.size > MAX_SHOWN:
        return f"{a.shape} array, norm {np.linalg.norm(a):.4g}, max |·| {np.abs(a).max():.4g}"
    if a.ndim == 1:
        return "[" + ", ".join(f"{v:.4g}" for v in a) + "]"
    return "[" + ", ".join(fmt(row) for row in a) + "]"


def annotate(lines: tuple[CodeLine, ...], values: dict[str, np.ndarray]) -> str:
    """The code with `#   name = value` under each line that gives a name its final value in `values`
    (lines that only unpack or read inputs get no number)."""
    last = {name: k for k, line in enumerate(lines) for name in line.names}
    out = []
    for k, line in enumerate(lines):
        out.append(line.code)
        out += [f"#   {name} = {fmt(values[name])}" for name in line.names if name in values and last[name] == k]
    return "\n".join(out)
