"""The bridge's wire format (explorer/views/payload.py): typed arrays, the unit budget, templates, streams;
arrays are decoded here independently of the code under test."""
from __future__ import annotations

import json

import numpy as np
import pytest
from bridge_views import arr

from explorer.views import payload as wire
from explorer.views.style import DIVERGING


def json_safe(p: dict) -> None:
    json.dumps(p, allow_nan=False)


# --- the wire format ----------------------------------------------------------------------------------------

def test_arrays_round_trip_as_little_endian_float32_with_their_shape():
    a = np.array([[1.5, -np.inf, np.nan], [3e-38, 1e30, 0.0]])
    spec = wire.array(a)
    assert spec["dtype"] == "f4" and spec["shape"] == "2, 3"
    np.testing.assert_array_equal(arr(spec), a.astype(np.float32))
    np.testing.assert_array_equal(wire.decode(spec), a.astype(np.float32))
    json_safe(spec)


@pytest.mark.parametrize("n_units,per_unit,keep", [(32, 100, 0), (512, 9000, 7), (512, 9000, 300), (5, 10**6, 4)])
def test_unit_subset_fits_the_budget_evenly_and_keeps_the_chosen_unit(n_units, per_unit, keep):
    units = wire.unit_subset(n_units, per_unit, keep)
    assert keep in units and np.all(np.diff(units) > 0) and units[0] == 0 and units[-1] < n_units
    if n_units * per_unit <= wire.MAX_FLOATS:
        np.testing.assert_array_equal(units, np.arange(n_units))
    else:
        assert len(units) <= max(1, wire.MAX_FLOATS // per_unit) + 1  # the kept unit may add one
        assert len(set(np.diff(units[units != keep]))) <= 1  # evenly spaced


def test_fill_replaces_known_fields_only():
    assert wire.fill("t = {t} of {T}; {x}", {"t": 3, "x": "<b>1</b>"}) == "t = 3 of {T}; <b>1</b>"


def test_colorscale_is_plotlys():
    import plotly.colors
    assert wire.colorscale(DIVERGING) == [[float(p), c] for p, c in plotly.colors.get_colorscale(DIVERGING)]


def test_a_stream_carries_its_points_from_start():
    x = np.arange(40, 45)
    s = wire.stream("run-2", 40, x, [np.sin(x), np.cos(x)], [0, 2], max_points=1000)
    json_safe(s)
    assert (s["id"], s["start"], s["traces"], s["max"]) == ("run-2", 40, [0, 2], 1000)
    np.testing.assert_array_equal(arr(s["x"]), x)
    np.testing.assert_allclose(arr(s["y"][1]), np.cos(x), rtol=1e-6)
    with pytest.raises(ValueError):
        wire.stream("run-2", 40, x, [np.sin(x)], [0, 2])
    with pytest.raises(ValueError):
        wire.stream("run-2", 40, x, [np.sin(x[:3])], [0])
