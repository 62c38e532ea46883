"""The shared log colour scale of the saliency views (explorer/views/style.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.views.style import log_colour, log_scale


def test_log_colour_blanks_zeros_and_non_finite_values_and_tops_at_the_largest():
    values = np.array([[0.0, 1e-3, np.nan], [10.0, np.inf, 2.5], [-1.0, 1e-7, 0.0]])
    z, top = log_colour(values)
    blank = [[True, False, True], [False, True, False], [True, False, True]]
    np.testing.assert_array_equal(np.isnan(z), blank)
    np.testing.assert_allclose(z[~np.isnan(z)], [-3.0, 1.0, math.log10(2.5), -7.0])
    assert top == 1.0


def test_log_colour_of_nothing_positive_is_blank_with_top_zero():
    z, top = log_colour(np.array([0.0, np.nan, -2.0]))
    assert np.isnan(z).all() and top == 0.0


def test_log_scale_spans_the_decades_below_the_top_with_a_tick_per_power_of_ten():
    top = math.log10(250.0)
    scale, ticks = log_scale(top, decades=4)
    assert scale == {"zmin": pytest.approx(top - 4), "zmax": pytest.approx(top)}
    assert ticks == {"tickvals": [-1.0, 0.0, 1.0, 2.0], "ticktext": ["1e-1", "1e0", "1e1", "1e2"]}  # 1e-2 is below


def test_log_scale_of_a_whole_power_of_ten_ticks_both_ends():
    scale, ticks = log_scale(2.0, decades=3)
    assert scale == {"zmin": -1.0, "zmax": 2.0} and ticks["tickvals"] == [-1.0, 0.0, 1.0, 2.0]
