"""Read the figures an AppTest run produced: plotly JSON with numpy arrays base64-encoded."""
import base64
import json

import numpy as np


def decode(value):
    """A plotly JSON array (a list, or {"dtype": "f8", "bdata": ...}) as a numpy array."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):  # plotly writes a 2-D array's shape as "rows, cols"
            shape = tuple(int(n) for n in shape.split(","))
        return arr.reshape(shape) if shape is not None else arr
    return np.asarray(value)


def figures(at) -> list[dict]:
    """Every plotly figure of the last AppTest run, as plain JSON dicts."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def trace_named(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)
